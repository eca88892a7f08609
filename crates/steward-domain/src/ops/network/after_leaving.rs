//! Web use after leaving: when the pack says a leaver stops using what they hold at once
//! (`[loans.leaving_office] stop_use`, the county's clause 27 "cease to be used"), a scan's
//! findings of a person on a day after their last term ended, with none running that day, are
//! flagged with that clause. The terms of everyone the scan found are read in one statement.

use crate::error::DomainResult;
use crate::network::{NetworkTx, WebFinding};
use crate::records::{Council, Id, Term};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use steward_policy::decide::leaving_stop_use;
use steward_policy::{Citation, Pack, long_date};

/// A day's web use by someone who had left office, under a pack that says use stops.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UseAfterLeaving {
    /// The person's reference.
    pub person: String,
    pub day: NaiveDate,
    /// The day their last term ended.
    pub left_on: NaiveDate,
    pub visits: i64,
    pub categories: Vec<String>,
    /// The finding in words, with its clause.
    pub says: String,
    pub citation: Citation,
}

/// The day `terms` show someone had left by `day`: none covers it and the latest ended before.
fn left_by(terms: &[&Term], day: NaiveDate) -> Option<NaiveDate> {
    if terms.is_empty() || terms.iter().any(|t| t.covers(day)) {
        return None;
    }
    terms
        .iter()
        .filter(|t| t.starts <= day)
        .map(|t| t.ends)
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .max()
}

/// The flagged days of `stored`, one per person and day, in reference and day order.
pub(super) async fn flag<T: NetworkTx>(
    tx: &mut T,
    council: &Council,
    pack: &Pack,
    stored: &[WebFinding],
) -> DomainResult<Vec<UseAfterLeaving>> {
    let Some(citation) = leaving_stop_use(pack) else {
        return Ok(Vec::new());
    };
    let people: BTreeSet<Id> = stored.iter().filter_map(|f| f.person_id).collect();
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Id> = people.into_iter().collect();
    let mut terms: HashMap<Id, Vec<Term>> = HashMap::new();
    let mut references: HashMap<Id, String> = HashMap::new();
    for (term, reference) in tx.terms_of_people(council.id, &ids).await? {
        references.insert(term.person_id, reference);
        terms.entry(term.person_id).or_default().push(term);
    }
    let mut days: BTreeMap<(String, NaiveDate), (NaiveDate, i64, BTreeSet<String>)> =
        BTreeMap::new();
    for f in stored {
        let Some(id) = f.person_id else { continue };
        let theirs: Vec<&Term> = terms
            .get(&id)
            .map(|t| t.iter().collect())
            .unwrap_or_default();
        let Some(left_on) = left_by(&theirs, f.day) else {
            continue;
        };
        let reference = references.get(&id).cloned().unwrap_or_default();
        let entry = days
            .entry((reference, f.day))
            .or_insert((left_on, 0, BTreeSet::new()));
        entry.1 += f.visits;
        entry.2.insert(f.category.replace('_', " "));
    }
    Ok(days
        .into_iter()
        .map(|((person, day), (left_on, visits, categories))| {
            let categories: Vec<String> = categories.into_iter().collect();
            UseAfterLeaving {
                says: format!(
                    "{person} used the web on {} ({visits} visits to {} sites) after leaving \
                     office on {}; the policy says equipment stops being used on leaving ({citation})",
                    long_date(day),
                    categories.join(", "),
                    long_date(left_on),
                ),
                person,
                day,
                left_on,
                visits,
                categories,
                citation: citation.clone(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    fn term(starts: &str, ends: Option<&str>) -> Term {
        Term {
            id: 1,
            person_id: 1,
            starts: d(starts),
            ends: ends.map(d),
            end_reason: None,
        }
    }

    #[test]
    fn only_a_day_after_every_term_ended_counts() {
        let ended = term("2023-05-04", Some("2027-05-06"));
        let running = term("2027-06-01", None);
        assert_eq!(left_by(&[&ended], d("2027-05-06")), None);
        assert_eq!(left_by(&[&ended], d("2027-05-07")), Some(d("2027-05-06")));
        // Back in office from June: the days between count, those after do not.
        assert_eq!(
            left_by(&[&ended, &running], d("2027-05-20")),
            Some(d("2027-05-06"))
        );
        assert_eq!(left_by(&[&ended, &running], d("2027-06-02")), None);
        // Someone with no term at all is not a leaver.
        assert_eq!(left_by(&[], d("2027-06-02")), None);
    }
}
