//! Leavers whose policy says equipment stops being used at once (county clause 27): one
//! notice for each item they still hold, the first day the sweep sees its leaving deadline.

use super::facts::kind_words;
use super::{Day, Finding, Found, Source, SweepTx};
use crate::ops::outbox::Audience;
use crate::outbox::Letter;
use steward_policy::decide::leaving_stop_use;
use steward_policy::long_date;

pub(crate) struct StopUse;

impl<T: SweepTx> Source<T> for StopUse {
    fn name(&self) -> &'static str {
        "stop-use"
    }

    fn find<'a>(&'a self, _tx: &'a mut T, day: &'a Day) -> Found<'a> {
        Box::pin(async move { Ok(scan(day)) })
    }
}

fn scan(day: &Day) -> Vec<Finding> {
    let Some(citation) = leaving_stop_use(&day.active.pack) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for view in &day.loans {
        let Some(by) = view.loan.leaving_by else {
            continue;
        };
        let what = format!("{} {}", kind_words(view.kind), view.asset_tag);
        let letter = Letter {
            subject: format!("Please stop using {} now", view.asset_tag),
            decision: format!("Stop using it now and return it by {}", long_date(by)),
            citation: citation.clone(),
            paragraphs: vec![
                format!("Dear {},", view.person_name),
                format!(
                    "You have left office, so under {}'s policy the {what} you hold must \
                     not be used any more, from today.",
                    day.council.name
                ),
                format!(
                    "Please return it by {}. Until then, keep it safe and switched off.",
                    long_date(by)
                ),
            ],
            council: day.council.name.clone(),
        };
        out.push(Finding {
            source: "stop-use",
            key: format!("stop-use:loan-{}", view.loan.id),
            summary: format!(
                "{} ({}, {}) must no longer be used: they have left office",
                view.asset_tag, view.person_name, view.person
            ),
            letter,
            audience: Audience::Person(view.loan.person_id),
            routing: None,
            action: None,
        });
    }
    out
}
