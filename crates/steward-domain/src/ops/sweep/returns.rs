//! Loans ending soon: one reminder to the borrower a week before the item is due back.

use super::facts::kind_words;
use super::{Day, Finding, Found, Source, SweepTx};
use crate::ops::outbox::Audience;
use crate::outbox::Letter;
use chrono::Duration;
use steward_policy::decide::Dated;
use steward_policy::long_date;

/// How many days before the due date the reminder goes.
pub const REMIND_DAYS_BEFORE: i64 = 7;

pub(crate) struct EndingSoon;

impl<T: SweepTx> Source<T> for EndingSoon {
    fn name(&self) -> &'static str {
        "ending-soon"
    }

    fn find<'a>(&'a self, _tx: &'a mut T, day: &'a Day) -> Found<'a> {
        Box::pin(async move { Ok(scan(day)) })
    }
}

fn scan(day: &Day) -> Vec<Finding> {
    let horizon = day.today + Duration::days(REMIND_DAYS_BEFORE);
    let mut out = Vec::new();
    for view in &day.loans {
        let Some(Dated { date, citation }) = &view.return_by else {
            continue;
        };
        // A recall has its own notice; an overdue item, its reminders.
        if *date < day.today || *date > horizon || view.loan.recall_by == Some(*date) {
            continue;
        }
        let why = if view.loan.leaving_by == Some(*date) {
            "because you have left office"
        } else {
            "at the end of its loan period"
        };
        let letter = Letter {
            subject: format!("Please return {} by {}", view.asset_tag, long_date(*date)),
            decision: format!("Return due {}", long_date(*date)),
            citation: citation.clone(),
            paragraphs: vec![
                format!("Dear {},", view.person_name),
                format!(
                    "The {} {} you have on loan from {} is due back on {}, {why}.",
                    kind_words(view.kind),
                    view.asset_tag,
                    day.council.name,
                    long_date(*date)
                ),
                "Please arrange to return it by then. If you need it for longer, ask the \
                 council before that day."
                    .to_string(),
            ],
            council: day.council.name.clone(),
        };
        out.push(Finding {
            source: "ending-soon",
            key: format!("loan-ending:loan-{}:{date}", view.loan.id),
            summary: format!(
                "{} ({}, {}) is due back on {}",
                view.asset_tag,
                view.person_name,
                view.person,
                long_date(*date)
            ),
            letter,
            audience: Audience::Person(view.loan.person_id),
            routing: None,
            action: None,
        });
    }
    out
}
