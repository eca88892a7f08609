//! Mail decisions: whether a mailbox's forward breaks the pack's `[mail.auto_forwarding]`
//! rule, judged against the council's own domains (`[mail.official_address]`); and what the
//! outbound relay does with a message: its marking from `[mail.markings]`, refused or held
//! when marked mail goes to a domain that is not secure (`[mail.confidential]`), the
//! disclaimer (`[mail.disclaimer]`), and a flag on council mail sent from another domain.
//!
//! Pure: the caller hands over addresses and header values; every answer names its clause.

use crate::citation::Citation;
use crate::model::{Forwarding, Markings, Pack, UnsafeMailAction};
use serde::{Deserialize, Serialize};

/// What the pack says of one forward.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ForwardOutcome {
    /// To one of the council's own domains, or a mailbox inside its organisation.
    Internal,
    /// Outside the council where the pack forbids forwarding.
    Breach,
    /// Outside the council, allowed where the receiving account is protected.
    AllowedWithControls,
    /// Outside the council, allowed.
    Allowed,
    /// The pack says nothing of forwarding.
    NoRule,
}

impl ForwardOutcome {
    pub const ALL: [ForwardOutcome; 5] = [
        ForwardOutcome::Breach,
        ForwardOutcome::AllowedWithControls,
        ForwardOutcome::Allowed,
        ForwardOutcome::Internal,
        ForwardOutcome::NoRule,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ForwardOutcome::Internal => "internal",
            ForwardOutcome::Breach => "breach",
            ForwardOutcome::AllowedWithControls => "allowed_with_controls",
            ForwardOutcome::Allowed => "allowed",
            ForwardOutcome::NoRule => "no_rule",
        }
    }

    /// The outcome in words, for pages and tables.
    pub fn words(self) -> &'static str {
        match self {
            ForwardOutcome::Internal => "Inside the council",
            ForwardOutcome::Breach => "Breaks the rule",
            ForwardOutcome::AllowedWithControls => "Allowed if the account is protected",
            ForwardOutcome::Allowed => "Allowed",
            ForwardOutcome::NoRule => "No rule",
        }
    }
}

impl std::str::FromStr for ForwardOutcome {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        ForwardOutcome::ALL
            .into_iter()
            .find(|o| o.as_str() == s.trim())
            .ok_or_else(|| {
                "write breach, allowed_with_controls, allowed, internal or no_rule".to_string()
            })
    }
}

/// Where a forward sends mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ForwardTarget<'a> {
    /// An SMTP address.
    Address(&'a str),
    /// A recipient inside the mail organisation (an Exchange object, not an address).
    Organisation,
}

/// The pack's answer on one forward, with the clause it rests on and what it means in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ForwardDecision {
    pub outcome: ForwardOutcome,
    pub message: String,
    pub citation: Option<Citation>,
}

/// Whether `address` is at one of `domains` or a subdomain of one (case does not matter).
pub fn within_domains(address: &str, domains: &[String]) -> bool {
    let Some((_, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    domains.iter().any(|d| {
        let d = d.trim().trim_end_matches('.').to_ascii_lowercase();
        domain == d
            || domain
                .strip_suffix(d.as_str())
                .is_some_and(|head| head.ends_with('.'))
    })
}

/// The council's own mail domains, from `[mail.official_address]`.
pub fn council_domains(pack: &Pack) -> &[String] {
    pack.mail
        .as_ref()
        .and_then(|m| m.official_address.as_ref())
        .map(|o| o.domains.as_slice())
        .unwrap_or(&[])
}

/// Judges a forward from a council mailbox to `target`. A forward to the council's own
/// domains, or inside its mail organisation, is internal; any other is judged by
/// `[mail.auto_forwarding]`. Where the pack names no domains, every address counts as outside.
pub fn judge_forward(pack: &Pack, target: &ForwardTarget<'_>) -> ForwardDecision {
    let domains = council_domains(pack);
    let official = pack.mail.as_ref().and_then(|m| m.official_address.as_ref());
    let internal = match target {
        ForwardTarget::Organisation => true,
        ForwardTarget::Address(address) => within_domains(address, domains),
    };
    if internal {
        return ForwardDecision {
            outcome: ForwardOutcome::Internal,
            message: "Mail stays inside the council.".to_string(),
            citation: official.map(|o| Citation::new(pack, &o.clause)),
        };
    }
    let Some(rule) = pack.mail.as_ref().and_then(|m| m.auto_forwarding.as_ref()) else {
        return ForwardDecision {
            outcome: ForwardOutcome::NoRule,
            message: "The policy says nothing about forwarding mail outside the council."
                .to_string(),
            citation: None,
        };
    };
    let citation = Some(Citation::new(pack, &rule.clause));
    match rule.rule {
        Forwarding::Forbidden => ForwardDecision {
            outcome: ForwardOutcome::Breach,
            message: "Council mail must not be forwarded automatically outside the council."
                .to_string(),
            citation,
        },
        Forwarding::AllowedWithControls => ForwardDecision {
            outcome: ForwardOutcome::AllowedWithControls,
            message: "Allowed, provided the receiving account and device are protected \
                      (a password and, where needed, encryption)."
                .to_string(),
            citation,
        },
        Forwarding::Allowed => ForwardDecision {
            outcome: ForwardOutcome::Allowed,
            message: "The policy allows forwarding mail outside the council.".to_string(),
            citation,
        },
    }
}

/// What the relay knows of an outbound message: its envelope and the headers that mark it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outbound {
    pub sender: String,
    pub recipients: Vec<String>,
    /// The values of every `msip_labels` header.
    pub labels: Vec<String>,
    pub subject: Option<String>,
}

/// What the relay does with a message.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MailAction {
    #[default]
    Accept,
    Reject,
    Hold,
}

impl MailAction {
    pub fn as_str(self) -> &'static str {
        match self {
            MailAction::Accept => "accept",
            MailAction::Reject => "reject",
            MailAction::Hold => "hold",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            MailAction::Accept => "Sent",
            MailAction::Reject => "Refused",
            MailAction::Hold => "Held for an officer",
        }
    }
}

/// One reason behind a decision, with its clause.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MailReason {
    pub message: String,
    pub citation: Citation,
}

/// The pack's answer on one outbound message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MailDecision {
    /// The marking the message carries, as the pack names it.
    pub level: Option<String>,
    pub action: MailAction,
    /// The words to append to the message, when the pack asks for its disclaimer.
    pub disclaimer: Option<String>,
    /// Council business sent from an address outside the council's domains.
    pub flagged: bool,
    pub reasons: Vec<MailReason>,
}

impl MailDecision {
    /// The reply the relay gives the sender for a refused or held message: what and why,
    /// with the clause.
    pub fn reply(&self) -> Option<String> {
        if self.action == MailAction::Accept {
            return None;
        }
        let reason = self.reasons.first()?;
        Some(format!("{} ({})", reason.message, reason.citation))
    }
}

fn rank(markings: &Markings, level: &str) -> Option<usize> {
    markings
        .levels
        .iter()
        .position(|l| l.eq_ignore_ascii_case(level.trim()))
}

/// The sensitivity labels an `msip_labels` header applies: each label's id and, where the
/// header gives it, its name. Labels marked `Enabled=false` are left out.
pub fn labels_of(header: &str) -> Vec<(String, Option<String>)> {
    let mut found: Vec<(String, Option<String>, bool)> = Vec::new();
    for part in header.split(';') {
        let Some(rest) = part.trim().strip_prefix("MSIP_Label_") else {
            continue;
        };
        let Some((key, value)) = rest.split_once('=') else {
            continue;
        };
        let Some((id, field)) = key.rsplit_once('_') else {
            continue;
        };
        let id = id.to_ascii_lowercase();
        let index = match found.iter().position(|(i, _, _)| *i == id) {
            Some(index) => index,
            None => {
                found.push((id, None, true));
                found.len() - 1
            }
        };
        if let Some(entry) = found.get_mut(index) {
            match field {
                "Name" => entry.1 = Some(value.trim().to_string()),
                "Enabled" => entry.2 = !value.trim().eq_ignore_ascii_case("false"),
                _ => {}
            }
        }
    }
    found
        .into_iter()
        .filter(|(_, _, enabled)| *enabled)
        .map(|(id, name, _)| (id, name))
        .collect()
}

/// Whether `words` appears in `text` as whole words, without regard to case.
fn has_words(text: &str, words: &str) -> bool {
    let (text, words) = (text.to_lowercase(), words.trim().to_lowercase());
    if words.is_empty() {
        return false;
    }
    let mut from = 0;
    while let Some(at) = text.get(from..).and_then(|t| t.find(&words)) {
        let start = from + at;
        let end = start + words.len();
        let before = text.get(..start).and_then(|t| t.chars().next_back());
        let after = text.get(end..).and_then(|t| t.chars().next());
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
            return true;
        }
        from = start + words.len().max(1);
    }
    false
}

/// The highest marking `message` carries by its labels and its subject, if any.
pub fn marking_of(pack: &Pack, message: &Outbound) -> Option<String> {
    let markings = pack.mail.as_ref()?.markings.as_ref()?;
    let mut best: Option<usize> = None;
    let mut consider = |level: &str| {
        if let Some(r) = rank(markings, level) {
            best = Some(best.map_or(r, |b| b.max(r)));
        }
    };
    for header in &message.labels {
        for (id, name) in labels_of(header) {
            for l in &markings.labels {
                let wanted = l.label.trim();
                if wanted.eq_ignore_ascii_case(&id)
                    || name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(wanted))
                {
                    consider(&l.level);
                }
            }
        }
    }
    if let Some(subject) = &message.subject {
        for s in &markings.subjects {
            if has_words(subject, &s.text) {
                consider(&s.level);
            }
        }
    }
    best.and_then(|r| markings.levels.get(r).cloned())
}

/// Whether a message at `level` is at or above `threshold` (any marking when `None`).
fn covers(markings: Option<&Markings>, level: &str, threshold: Option<&str>) -> bool {
    let Some(threshold) = threshold else {
        return true;
    };
    match markings {
        Some(m) => match (rank(m, level), rank(m, threshold)) {
            (Some(l), Some(t)) => l >= t,
            _ => false,
        },
        None => level.eq_ignore_ascii_case(threshold),
    }
}

fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or("", |(_, d)| d)
}

/// Judges an outbound message by the pack: refused or held where it is marked at or above
/// `[mail.confidential] marking` and goes outside the council to a domain not listed as
/// secure; the disclaimer added to marked mail leaving the council; a flag where the sender
/// is not at one of the council's domains.
pub fn judge_outbound(pack: &Pack, message: &Outbound) -> MailDecision {
    let mut decision = MailDecision {
        level: marking_of(pack, message),
        ..MailDecision::default()
    };
    let Some(mail) = &pack.mail else {
        return decision;
    };
    let domains = council_domains(pack);
    let external: Vec<&String> = message
        .recipients
        .iter()
        .filter(|r| !within_domains(r, domains))
        .collect();
    if let (Some(level), Some(rule)) = (&decision.level, &mail.confidential)
        && covers(mail.markings.as_ref(), level, rule.marking.as_deref())
    {
        let mut secure: Vec<String> = rule.secure_domains.clone();
        secure.extend(rule.secure_domain.iter().cloned());
        let unsafe_to: Vec<&str> = external
            .iter()
            .filter(|r| !within_domains(r, &secure))
            .map(|r| domain_of(r))
            .collect();
        if !unsafe_to.is_empty() {
            decision.action = match rule.action {
                UnsafeMailAction::Reject => MailAction::Reject,
                UnsafeMailAction::Hold => MailAction::Hold,
            };
            let route = if secure.is_empty() {
                "it must be encrypted or sent by the council's secure route".to_string()
            } else {
                format!(
                    "it may go outside the council only to {}",
                    secure.join(", ")
                )
            };
            decision.reasons.push(MailReason {
                message: format!("{level} mail to {}: {route}", unsafe_to.join(", ")),
                citation: Citation::new(pack, &rule.clause),
            });
        }
    }
    if let (Some(level), Some(rule)) = (&decision.level, &mail.disclaimer)
        && decision.action == MailAction::Accept
        && !external.is_empty()
        && covers(mail.markings.as_ref(), level, Some(&rule.marking))
        && let Some(text) = &rule.text
    {
        decision.disclaimer = Some(text.clone());
        decision.reasons.push(MailReason {
            message: format!("{level} mail leaving the council carries the council's disclaimer"),
            citation: Citation::new(pack, &rule.clause),
        });
    }
    if let Some(official) = &mail.official_address
        && !within_domains(&message.sender, &official.domains)
    {
        decision.flagged = true;
        decision.reasons.push(MailReason {
            message: format!(
                "Council business sent from {}, which is not a council address",
                domain_of(&message.sender)
            ),
            citation: Citation::new(pack, &official.clause),
        });
    }
    decision
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::presets;

    fn preset(name: &str) -> Pack {
        presets::load(presets::find(name).expect("preset exists"))
            .expect("preset loads")
            .pack
    }

    #[test]
    fn domains_match_whole_labels_only() {
        let domains = vec!["city.example.gov.uk".to_string()];
        assert!(within_domains("a@city.example.gov.uk", &domains));
        assert!(within_domains("a@CITY.example.gov.uk.", &domains));
        assert!(within_domains("a@mail.city.example.gov.uk", &domains));
        assert!(!within_domains("a@badcity.example.gov.uk", &domains));
        assert!(!within_domains("a@gmail.com", &domains));
        assert!(!within_domains("no-at-sign", &domains));
    }

    #[test]
    fn a_personal_address_breaks_the_city_rule() {
        let pack = preset("city-aup");
        let d = judge_forward(&pack, &ForwardTarget::Address("ada@gmail.com"));
        assert_eq!(d.outcome, ForwardOutcome::Breach);
        assert_eq!(d.citation.expect("cited").clause, "Email");
        let d = judge_forward(&pack, &ForwardTarget::Address("bob@city.example.gov.uk"));
        assert_eq!(d.outcome, ForwardOutcome::Internal);
        let d = judge_forward(&pack, &ForwardTarget::Organisation);
        assert_eq!(d.outcome, ForwardOutcome::Internal);
    }

    #[test]
    fn the_borough_allows_it_with_controls() {
        let pack = preset("borough-members-protocol");
        let d = judge_forward(&pack, &ForwardTarget::Address("ada@gmail.com"));
        assert_eq!(d.outcome, ForwardOutcome::AllowedWithControls);
        assert_eq!(d.citation.expect("cited").clause, "1.4");
    }

    #[test]
    fn a_pack_without_a_rule_says_so() {
        let pack = preset("town-it-policy");
        let d = judge_forward(&pack, &ForwardTarget::Address("ada@gmail.com"));
        assert_eq!(d.outcome, ForwardOutcome::NoRule);
        assert!(d.citation.is_none());
    }

    fn outbound(sender: &str, to: &[&str], labels: &[&str], subject: &str) -> Outbound {
        Outbound {
            sender: sender.into(),
            recipients: to.iter().map(|s| s.to_string()).collect(),
            labels: labels.iter().map(|s| s.to_string()).collect(),
            subject: Some(subject.into()),
        }
    }

    const LABEL: &str = "MSIP_Label_f42aa342-8706-4288-bd11-ebb85995028c_Enabled=true; \
        MSIP_Label_f42aa342-8706-4288-bd11-ebb85995028c_SetDate=2027-01-04T10:00:00Z; \
        MSIP_Label_f42aa342-8706-4288-bd11-ebb85995028c_Name=Official; \
        MSIP_Label_f42aa342-8706-4288-bd11-ebb85995028c_ContentBits=0";

    #[test]
    fn labels_and_subjects_mark_a_message() {
        let pack = preset("city-aup");
        let by_label = outbound("a@city.example.gov.uk", &[], &[LABEL], "Budget");
        assert_eq!(marking_of(&pack, &by_label).as_deref(), Some("OFFICIAL"));
        let by_subject = outbound(
            "a@city.example.gov.uk",
            &[],
            &[],
            "[official-sensitive] Pay",
        );
        assert_eq!(
            marking_of(&pack, &by_subject).as_deref(),
            Some("OFFICIAL-SENSITIVE")
        );
        let plain = outbound("a@city.example.gov.uk", &[], &[], "Unofficial minutes");
        assert_eq!(marking_of(&pack, &plain), None);
        let off = LABEL.replace("Enabled=true", "Enabled=false");
        assert_eq!(
            marking_of(&pack, &outbound("a@x.uk", &[], &[&off], "")),
            None
        );
    }

    #[test]
    fn official_mail_to_an_insecure_domain_is_refused_with_the_clause() {
        let pack = preset("city-aup");
        let d = judge_outbound(
            &pack,
            &outbound(
                "a@city.example.gov.uk",
                &["x@gmail.com"],
                &[],
                "OFFICIAL: budget",
            ),
        );
        assert_eq!(d.action, MailAction::Reject);
        let reply = d.reply().expect("a reply");
        assert!(
            reply.contains("gmail.com") && reply.contains("Email"),
            "{reply}"
        );
        assert!(d.disclaimer.is_none());
    }

    #[test]
    fn official_mail_to_the_secure_route_carries_the_disclaimer() {
        let pack = preset("city-aup");
        let d = judge_outbound(
            &pack,
            &outbound(
                "a@city.example.gov.uk",
                &["y@city.gcsx.example.gov.uk", "b@city.example.gov.uk"],
                &[LABEL],
                "Budget",
            ),
        );
        assert_eq!(d.action, MailAction::Accept);
        assert!(d.disclaimer.is_some());
        assert!(!d.flagged);
        // Inside the council, no disclaimer.
        let d = judge_outbound(
            &pack,
            &outbound(
                "a@city.example.gov.uk",
                &["b@city.example.gov.uk"],
                &[LABEL],
                "",
            ),
        );
        assert_eq!((d.action, d.disclaimer), (MailAction::Accept, None));
        // Unmarked mail goes anywhere, plainly.
        let d = judge_outbound(
            &pack,
            &outbound("a@city.example.gov.uk", &["x@gmail.com"], &[], "Lunch"),
        );
        assert_eq!(d, MailDecision::default());
    }

    #[test]
    fn council_mail_from_another_domain_is_flagged_in_the_town() {
        let pack = preset("town-it-policy");
        let d = judge_outbound(
            &pack,
            &outbound(
                "cllr@hotmail.example.com",
                &["resident@example.org"],
                &[],
                "Planning",
            ),
        );
        assert_eq!(d.action, MailAction::Accept);
        assert!(d.flagged);
        assert_eq!(d.reasons[0].citation.clause, "4.1");
        let d = judge_outbound(
            &pack,
            &outbound(
                "cllr@town.example.gov.uk",
                &["resident@example.org"],
                &[],
                "Planning",
            ),
        );
        assert!(!d.flagged);
    }

    #[test]
    fn a_pack_may_hold_instead() {
        let mut pack = preset("city-aup");
        if let Some(c) = pack.mail.as_mut().and_then(|m| m.confidential.as_mut()) {
            c.action = UnsafeMailAction::Hold;
        }
        let d = judge_outbound(
            &pack,
            &outbound("a@city.example.gov.uk", &["x@gmail.com"], &[LABEL], ""),
        );
        assert_eq!(d.action, MailAction::Hold);
    }

    #[test]
    fn outcomes_read_back_from_their_names() {
        for o in ForwardOutcome::ALL {
            assert_eq!(o.as_str().parse::<ForwardOutcome>(), Ok(o));
        }
    }
}
