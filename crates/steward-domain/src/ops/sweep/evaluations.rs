//! Phone evaluations: when a phone's yearly evaluation falls due, a request is opened for the
//! office the policy names to evaluate it, and the holder and that office are told.

use super::{Action, Day, Finding, Found, Source, SweepTx};
use crate::ops::due::DueKind;
use crate::ops::outbox::Audience;
use crate::outbox::Letter;
use chrono::Duration;
use steward_policy::model::ReportKind;
use steward_policy::requests::{RequestFacts, route};
use steward_policy::{EquipmentKind, long_date};

/// How far ahead of the evaluation date the request is opened.
pub const OPEN_DAYS_BEFORE: i64 = 14;

pub(crate) struct Evaluations;

impl<T: SweepTx> Source<T> for Evaluations {
    fn name(&self) -> &'static str {
        "phone-evaluation"
    }

    fn find<'a>(&'a self, _tx: &'a mut T, day: &'a Day) -> Found<'a> {
        Box::pin(async move { Ok(scan(day)) })
    }
}

fn scan(day: &Day) -> Vec<super::Finding> {
    let horizon = day.today + Duration::days(OPEN_DAYS_BEFORE);
    let facts = RequestFacts {
        kind: ReportKind::PhoneEvaluation,
        requester: None,
        equipment: Some(EquipmentKind::MobilePhone),
    };
    // The office that evaluates phones must act; without one the council's officers hear.
    let (audience, routing) = match route(&day.active.pack, &facts) {
        Ok(r) => (
            Audience::Offices(vec![r.handler.clone()]),
            format!("the office that evaluates phones: {}", r.handler_name),
        ),
        Err(_) => (
            Audience::Officers,
            "the policy names no one to evaluate phones, so the council's officers".to_string(),
        ),
    };
    let mut out = Vec::new();
    for item in day.due.entries().iter().map(|e| &e.item) {
        if item.kind != DueKind::PhoneEvaluation {
            continue;
        }
        let (Some(date), Some(citation), Some(loan_id)) =
            (item.due_on, item.citation.clone(), item.loan_id)
        else {
            continue;
        };
        if date > horizon {
            continue;
        }
        let tag = item.asset_tag.clone().unwrap_or_default();
        let who = item.person_name.clone().unwrap_or_default();
        let letter = Letter {
            subject: format!("{tag} is due for its evaluation"),
            decision: format!("Evaluation due {}", long_date(date)),
            citation,
            paragraphs: vec![
                format!(
                    "The phone {tag} held by {who} and its holder's needs are due to be \
                     evaluated by {}.",
                    long_date(date)
                ),
                "A request has been opened for the evaluation; any replacement needs the \
                 approval the policy names."
                    .to_string(),
            ],
            council: day.council.name.clone(),
        };
        out.push(Finding {
            source: "phone-evaluation",
            key: format!("phone-evaluation:loan-{loan_id}:{date}"),
            summary: format!("{tag} ({who}) is due for evaluation on {}", long_date(date)),
            letter,
            audience: audience.clone(),
            routing: Some(routing.clone()),
            action: Some(Action::OpenEvaluation { loan_id, due: date }),
        });
    }
    out
}
