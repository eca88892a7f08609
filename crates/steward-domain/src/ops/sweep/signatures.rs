//! Signatures: a warning before a signature runs out under `acceptance.renew_every`, and a
//! request to sign when it has run out, when a new version of the policy needs a new
//! signature, or when someone covered has never signed.

use super::{Day, Finding, Found, Source, SweepTx};
use crate::ops::acceptance::PersonAcceptance;
use crate::ops::outbox::Audience;
use crate::outbox::Letter;
use chrono::Duration;
use steward_policy::decide::AcceptanceStatus;
use steward_policy::long_date;

/// How many days before a signature runs out the warning goes.
pub const WARN_DAYS_BEFORE: i64 = 14;

pub(crate) struct Signatures;

impl<T: SweepTx> Source<T> for Signatures {
    fn name(&self) -> &'static str {
        "signatures"
    }

    fn find<'a>(&'a self, _tx: &'a mut T, day: &'a Day) -> Found<'a> {
        Box::pin(async move {
            Ok(day
                .signatures
                .iter()
                .filter_map(|entry| finding(day, entry))
                .collect())
        })
    }
}

const HOW_TO_SIGN: &str = "You can read and sign it in Steward under \"Read and sign the \
                           policy\", or ask the council for a paper form.";

fn finding(day: &Day, entry: &PersonAcceptance) -> Option<Finding> {
    let person = &entry.person;
    let doc = day.document();
    let version = &day.active.version;
    let (key, subject, decision, why, citation) = match &entry.status {
        AcceptanceStatus::Current {
            until: Some(until),
            citation,
            ..
        } if *until <= day.today + Duration::days(WARN_DAYS_BEFORE) => (
            format!("signature-renewal:{}:{until}", person.reference),
            format!("Your signature of {doc} runs out on {}", long_date(*until)),
            format!("Signature good until {}", long_date(*until)),
            format!(
                "Your signature of {doc} is good until {}. Please sign it again before then.",
                long_date(*until)
            ),
            citation.clone(),
        ),
        AcceptanceStatus::Lapsed { reason, citation } => {
            match day.last_signed(person.id, &version.hash) {
                // Signed this version, but long enough ago that it has run out.
                Some(last) => (
                    format!("signature-lapsed:{}:{last}", person.reference),
                    format!("Your signature of {doc} has run out"),
                    "Signature has run out".to_string(),
                    format!("Your {reason}. Please sign it again."),
                    citation.clone(),
                ),
                None => (
                    format!(
                        "signature-new-version:{}:v{}",
                        person.reference, version.number
                    ),
                    format!("Please sign the new version of {doc}"),
                    format!("New signature needed for version {}", version.label),
                    format!(
                        "The council has adopted version {} of {doc}, in force from {}. Your \
                         earlier signature does not cover it, so please sign this version.",
                        version.label,
                        long_date(version.effective_from)
                    ),
                    citation.clone(),
                ),
            }
        }
        AcceptanceStatus::Missing { citation } => (
            format!("signature-missing:{}:v{}", person.reference, version.number),
            format!("Please sign {doc}"),
            "Signature needed".to_string(),
            format!("Our records show you have not yet signed {doc}. Please sign it."),
            citation.clone(),
        ),
        _ => return None,
    };
    let letter = Letter {
        subject,
        decision: decision.clone(),
        citation,
        paragraphs: vec![
            format!("Dear {},", person.name),
            why,
            HOW_TO_SIGN.to_string(),
        ],
        council: day.council.name.clone(),
    };
    Some(Finding {
        source: "signatures",
        summary: format!("{} ({}): {}", person.name, person.reference, decision),
        key,
        letter,
        audience: Audience::Person(person.id),
        routing: None,
        action: None,
    })
}
