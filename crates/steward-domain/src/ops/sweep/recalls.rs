//! Recalls: the borrower is told an item has been asked back, and by when, as soon as the
//! sweep sees the recall.

use super::facts::kind_words;
use super::{Day, Finding, Found, Source, SweepTx};
use crate::ops::outbox::Audience;
use crate::outbox::Letter;
use steward_policy::decide::Dated;
use steward_policy::long_date;

pub(crate) struct Recalls;

impl<T: SweepTx> Source<T> for Recalls {
    fn name(&self) -> &'static str {
        "recall"
    }

    fn find<'a>(&'a self, _tx: &'a mut T, day: &'a Day) -> Found<'a> {
        Box::pin(async move { Ok(scan(day)) })
    }
}

fn scan(day: &Day) -> Vec<Finding> {
    let mut out = Vec::new();
    for view in &day.loans {
        // The notice gives the date the item must be back by, which a recall never puts later
        // than a date the loan already had, and the clause that sets it.
        let (Some(recalled), Some(Dated { date: by, citation })) =
            (view.loan.recall_by, view.return_by.as_ref())
        else {
            continue;
        };
        let by = *by;
        // Once the date has passed, the overdue reminders take over.
        if by < day.today {
            continue;
        }
        let letter = Letter {
            subject: format!("{} has been recalled", view.asset_tag),
            decision: format!("Return by {}", long_date(by)),
            citation: citation.clone(),
            paragraphs: vec![
                format!("Dear {},", view.person_name),
                format!(
                    "{} has asked for the {} {} back. Please return it by {}.",
                    day.council.name,
                    kind_words(view.kind),
                    view.asset_tag,
                    long_date(by)
                ),
            ],
            council: day.council.name.clone(),
        };
        out.push(Finding {
            source: "recall",
            key: format!("recall:loan-{}:{recalled}", view.loan.id),
            summary: format!(
                "{} ({}, {}) was recalled: return by {}",
                view.asset_tag,
                view.person_name,
                view.person,
                long_date(by)
            ),
            letter,
            audience: Audience::Person(view.loan.person_id),
            routing: None,
            action: None,
        });
    }
    out
}
