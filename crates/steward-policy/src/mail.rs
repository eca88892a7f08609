//! Mail decisions: whether a mailbox's forward breaks the pack's `[mail.auto_forwarding]`
//! rule, judged against the council's own domains (`[mail.official_address]`).
//!
//! Pure: the caller hands over the address mail is sent on to; the answer names the clause.

use crate::citation::Citation;
use crate::model::{Forwarding, Pack};
use serde::{Deserialize, Serialize};

/// What the pack says of one forward.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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

    #[test]
    fn outcomes_read_back_from_their_names() {
        for o in ForwardOutcome::ALL {
            assert_eq!(o.as_str().parse::<ForwardOutcome>(), Ok(o));
        }
    }
}
