//! What changes, in plain words, when one version of a pack replaces another: rule by rule,
//! with the old and new wording and the clause each rests on. Built on [`crate::explain`], so a
//! change reads the way the policy page reads each rule.

use crate::explain::{RuleLine, rules};
use crate::model::Pack;
use serde::{Deserialize, Serialize};

/// How one rule differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

impl ChangeKind {
    pub fn words(self) -> &'static str {
        match self {
            ChangeKind::Added => "New rule",
            ChangeKind::Removed => "Rule removed",
            ChangeKind::Changed => "Rule changed",
        }
    }
}

/// One rule that is new, gone or worded differently, under its topic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RuleChange {
    pub topic: String,
    pub kind: ChangeKind,
    /// The rule as the current version has it.
    pub before: Option<String>,
    /// The rule as the new version has it.
    pub after: Option<String>,
    /// The clause, as the new version cites it (the old one's for a removed rule).
    pub clause: String,
    /// The clause the current version cites, when a changed rule moved to another one.
    pub before_clause: Option<String>,
}

fn line_key(line: &RuleLine) -> (String, String) {
    (line.text.clone(), line.citation.clause.clone())
}

/// Every rule that differs between `before` and `after`, topic by topic in the order the
/// format gives them. Rules worded and cited the same in both are left out. Of the rest, within
/// a topic, an old and a new rule citing the same clause are one rule changed, as are an old
/// and a new rule worded the same but cited differently (the clause moved); the others are new
/// or removed.
///
/// With no version before (a council's first), every rule of `after` is new.
pub fn changes(before: Option<&Pack>, after: &Pack) -> Vec<RuleChange> {
    let old = before.map(rules).unwrap_or_default();
    let new = rules(after);
    let mut topics: Vec<&'static str> = Vec::new();
    for line in new.iter().chain(old.iter()) {
        if !topics.contains(&line.topic) {
            topics.push(line.topic);
        }
    }
    let mut out = Vec::new();
    for topic in topics {
        let was: Vec<&RuleLine> = old.iter().filter(|l| l.topic == topic).collect();
        let is: Vec<&RuleLine> = new.iter().filter(|l| l.topic == topic).collect();
        let mut gone: Vec<&RuleLine> = was
            .iter()
            .copied()
            .filter(|w| !is.iter().any(|i| line_key(i) == line_key(w)))
            .collect();
        let came: Vec<&RuleLine> = is
            .iter()
            .copied()
            .filter(|i| !was.iter().any(|w| line_key(w) == line_key(i)))
            .collect();
        for line in came {
            let partner = gone
                .iter()
                .position(|g| g.citation.clause == line.citation.clause)
                .or_else(|| gone.iter().position(|g| g.text == line.text));
            let before = partner.map(|at| gone.remove(at));
            out.push(RuleChange {
                topic: topic.to_string(),
                kind: if before.is_some() {
                    ChangeKind::Changed
                } else {
                    ChangeKind::Added
                },
                before: before.map(|l| l.text.clone()),
                after: Some(line.text.clone()),
                clause: line.citation.clause.clone(),
                before_clause: before
                    .map(|l| l.citation.clause.clone())
                    .filter(|c| *c != line.citation.clause),
            });
        }
        out.extend(gone.into_iter().map(|line| RuleChange {
            topic: topic.to_string(),
            kind: ChangeKind::Removed,
            before: Some(line.text.clone()),
            after: None,
            clause: line.citation.clause.clone(),
            before_clause: None,
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    fn preset(id: &str) -> Pack {
        let found = presets::find(id).unwrap_or_else(|| panic!("no preset {id}"));
        presets::load(found).unwrap_or_else(|e| panic!("{e}")).pack
    }

    #[test]
    fn a_first_version_is_all_new_rules() {
        let town = preset("town-it-policy");
        let found = changes(None, &town);
        assert_eq!(found.len(), rules(&town).len());
        assert!(found.iter().all(|c| c.kind == ChangeKind::Added));
    }

    #[test]
    fn a_pack_against_itself_changes_nothing() {
        let town = preset("town-it-policy");
        assert!(changes(Some(&town), &town).is_empty());
    }

    #[test]
    fn a_longer_loan_reads_as_one_changed_rule_with_both_wordings() {
        let town = preset("town-it-policy");
        let mut longer = town.clone();
        let limit = longer
            .loans
            .max_period
            .as_mut()
            .expect("the town limits loans");
        limit.length = crate::Period::months(6);
        let found = changes(Some(&town), &longer);
        assert_eq!(found.len(), 1, "{found:?}");
        let change = &found[0];
        assert_eq!(
            (change.topic.as_str(), change.kind),
            ("Loans", ChangeKind::Changed)
        );
        assert_eq!(change.before.as_deref(), Some("Longest loan: 3 months"));
        assert_eq!(change.after.as_deref(), Some("Longest loan: 6 months"));
        assert_eq!(change.clause, "4.5");
    }

    #[test]
    fn moving_to_another_council_document_adds_and_removes_rules() {
        let found = changes(
            Some(&preset("town-it-policy")),
            &preset("county-members-policy"),
        );
        assert!(found.iter().any(|c| c.kind == ChangeKind::Added));
        let back = changes(
            Some(&preset("county-members-policy")),
            &preset("town-it-policy"),
        );
        assert!(back.iter().any(|c| c.kind == ChangeKind::Removed));
        // A change pairs rules that share a clause or a wording, never two unrelated rules.
        for c in back.iter().filter(|c| c.kind == ChangeKind::Changed) {
            assert!(c.before_clause.is_none() || c.before == c.after, "{c:?}");
        }
        assert!(
            found
                .iter()
                .all(|c| c.before.is_some() || c.after.is_some())
        );
        // Every rule of the new pack that is not word for word the old one appears.
        let county = preset("county-members-policy");
        let town = preset("town-it-policy");
        let unchanged = rules(&county)
            .iter()
            .filter(|n| rules(&town).iter().any(|o| line_key(o) == line_key(n)))
            .count();
        let shown = found.iter().filter(|c| c.after.is_some()).count();
        assert_eq!(shown + unchanged, rules(&county).len());
    }
}
