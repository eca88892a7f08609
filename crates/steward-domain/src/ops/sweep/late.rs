//! Late requests: the office that must act is told when a request passes its response time
//! without being dealt with, and again each week it stays open.

use super::{Day, Finding, Found, Source, SweepTx};
use crate::ops::outbox::Audience;
use crate::outbox::Letter;
use steward_policy::{Citation, long_date};

/// Days between reminders while a request stays late.
pub const REMIND_EVERY_DAYS: i64 = 7;

pub(crate) struct LateRequests;

impl<T: SweepTx> Source<T> for LateRequests {
    fn name(&self) -> &'static str {
        "late-request"
    }

    fn find<'a>(&'a self, tx: &'a mut T, day: &'a Day) -> Found<'a> {
        Box::pin(async move {
            let mut out = Vec::new();
            for r in tx.requests(day.council.id).await? {
                if r.state.is_closed() {
                    continue;
                }
                let Some(due) = r.due_at else { continue };
                // The day it was due on the clock in London, where the desk works.
                let due_day = steward_policy::uktime::uk_local(due).date();
                if due_day >= day.today {
                    continue;
                }
                let late_days = (day.today - due_day).num_days();
                let step = late_days / REMIND_EVERY_DAYS;
                let citation = Citation {
                    clause: r.clause.clone(),
                    document: r.document.clone(),
                };
                let letter = Letter {
                    subject: format!("Request {} is past its response time", r.id),
                    decision: format!("Response was due {}", long_date(due_day)),
                    citation,
                    paragraphs: vec![
                        format!(
                            "Request {} ({}: {}) was to be acted on by {} and is still {}.",
                            r.id,
                            r.kind.title(),
                            r.summary,
                            long_date(due_day),
                            r.state.words().to_lowercase()
                        ),
                        format!(
                            "You are receiving this as {}, the office the policy names to deal \
                             with it. Take it up, or resolve it, in Steward's Requests page.",
                            r.handler_name
                        ),
                    ],
                    council: day.council.name.clone(),
                };
                out.push(Finding {
                    source: "late-request",
                    key: format!("late-request:{}:{step}", r.id),
                    summary: format!(
                        "Request {} ({}) for {} was due {}",
                        r.id,
                        r.kind.title(),
                        r.handler_name,
                        long_date(due_day)
                    ),
                    letter,
                    audience: Audience::Offices(vec![r.handler.clone()]),
                    routing: Some(format!("the office that handles it: {}", r.handler_name)),
                    action: None,
                });
            }
            Ok(out)
        })
    }
}
