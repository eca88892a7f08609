//! The policy's own review: its owners are told a month ahead that the review falls due.

use super::route::review_owners;
use super::{Day, Finding, Found, Source, SweepTx};
use crate::outbox::Letter;
use chrono::Duration;
use steward_policy::decide;
use steward_policy::long_date;

/// How many days ahead of the review date its owners are told.
pub const WARN_DAYS_BEFORE: i64 = 30;

pub(crate) struct Review;

impl<T: SweepTx> Source<T> for Review {
    fn name(&self) -> &'static str {
        "review"
    }

    fn find<'a>(&'a self, _tx: &'a mut T, day: &'a Day) -> Found<'a> {
        Box::pin(async move { Ok(scan(day).into_iter().collect()) })
    }
}

fn scan(day: &Day) -> Option<Finding> {
    let pack = &day.active.pack;
    let version = &day.active.version;
    let due = decide::review_due(pack, version.effective_from)?;
    if due.date > day.today + Duration::days(WARN_DAYS_BEFORE) {
        return None;
    }
    let doc = day.document();
    let (audience, routing) = review_owners(pack);
    let when = if due.date < day.today {
        format!("was due for review on {}", long_date(due.date))
    } else {
        format!("is due for review on {}", long_date(due.date))
    };
    let letter = Letter {
        subject: format!("{doc} {when}"),
        decision: format!("Review due {}", long_date(due.date)),
        citation: due.citation.clone(),
        paragraphs: vec![
            format!(
                "Version {} of {doc}, in force since {}, {when}.",
                version.label,
                long_date(version.effective_from)
            ),
            "You are receiving this as one of the policy's owners. Once the council adopts a \
             reviewed version, Steward will apply it from the day it takes effect."
                .to_string(),
        ],
        council: day.council.name.clone(),
    };
    Some(Finding {
        source: "review",
        key: format!("policy-review:v{}:{}", version.number, due.date),
        summary: format!("{doc} {when}"),
        letter,
        audience,
        routing: Some(routing),
        action: None,
    })
}
