//! Requests as the pages show them: the facts in words, with the clause that sent each one
//! where it went, its history, approvals and follow-ups.

use super::{moment, office_words};
use serde::Serialize;
use steward_domain::ops::requests::{RequestDetail, RequestView};
use steward_domain::workflow::{Decision, RequestDetails, RequestEvent, RequestKind, RequestTask};
use steward_policy::model::{Agreement, Urgency};
use steward_policy::requests::unnamed_words;
use steward_policy::{Pack, long_date};

/// One line of the summary list: a label and its value.
#[derive(Serialize)]
pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

#[derive(Serialize)]
pub struct RequestCard {
    pub id: i64,
    pub title: &'static str,
    pub state: &'static str,
    pub closed: bool,
    pub late: bool,
    pub summary: String,
    pub requester: Option<String>,
    pub requester_ref: Option<String>,
    pub item: Option<String>,
    pub office: String,
    pub clause: String,
    /// Where the policy names no one for it: that, and who receives it instead.
    pub unnamed: Option<String>,
    pub urgency: &'static str,
    pub due: Option<String>,
    pub raised: String,
    pub raised_by: String,
    pub assignee: Option<String>,
    pub approval: Option<String>,
    pub outcome: Option<String>,
    pub details: Vec<Fact>,
    pub erasure: bool,
}

#[derive(Serialize)]
pub struct EventLine {
    pub at: String,
    pub actor: String,
    pub text: String,
    pub internal: bool,
}

#[derive(Serialize)]
pub struct TaskLine {
    pub id: i64,
    pub title: String,
    pub done: Option<String>,
}

pub fn urgency_words(urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::Immediately => "At once",
        Urgency::Promptly => "Promptly",
        Urgency::Routine => "Routine",
    }
}

fn details(details: &RequestDetails) -> Vec<Fact> {
    let fact = |label, value: String| Fact { label, value };
    match details {
        RequestDetails::None => Vec::new(),
        RequestDetails::Extension { until } => vec![fact("Needed until", long_date(*until))],
        RequestDetails::Software { name, licence } => vec![
            fact("Software", name.clone()),
            fact(
                "Licence",
                licence.clone().unwrap_or_else(|| "None given".into()),
            ),
        ],
        RequestDetails::Website { host, until } => vec![
            fact("Website", host.clone()),
            fact("Needed until", long_date(*until)),
        ],
        RequestDetails::Loss {
            stolen,
            noticed_on,
            place,
            police_reference,
        } => vec![
            fact(
                "Stolen or lost",
                if *stolen { "Stolen" } else { "Lost" }.into(),
            ),
            fact("Noticed on", long_date(*noticed_on)),
            fact("Where", place.clone()),
            fact(
                "Police reference",
                police_reference
                    .clone()
                    .unwrap_or_else(|| "None given".into()),
            ),
        ],
        RequestDetails::Visit { address, at } => {
            vec![fact("Website", address.clone()), fact("When", moment(*at))]
        }
        RequestDetails::Erasure { dispose } => vec![fact(
            "Afterwards",
            if *dispose {
                "To be disposed of"
            } else {
                "To be used again"
            }
            .into(),
        )],
        RequestDetails::Recall { return_by } => vec![fact("Return by", long_date(*return_by))],
        RequestDetails::PostureException { check, until } => vec![
            fact("Duty to be off", check.label().into()),
            fact("Until", long_date(*until)),
        ],
    }
}

pub fn card(v: &RequestView, pack: Option<&Pack>) -> RequestCard {
    let r = &v.request;
    let approval = r.approval.as_ref().map(|rule| {
        let names: Vec<String> = rule
            .approvers
            .iter()
            .map(|o| office_words(pack, o))
            .collect();
        let joiner = match rule.agreement {
            Agreement::All => "and",
            Agreement::Any => "or",
        };
        format!(
            "{} ({})",
            super::kinds::joined(&names, joiner),
            rule.citation
        )
    });
    RequestCard {
        id: r.id,
        title: r.kind.title(),
        state: r.state.words(),
        closed: r.state.is_closed(),
        late: v.late,
        summary: r.summary.clone(),
        requester: v
            .requester
            .as_ref()
            .map(|p| format!("{} ({})", p.name, p.reference)),
        requester_ref: v.requester.as_ref().map(|p| p.reference.to_string()),
        item: v.asset_tag.clone(),
        office: r.handler_name.clone(),
        clause: steward_domain::ops::requests::citation(r).to_string(),
        unnamed: unnamed(v),
        urgency: urgency_words(r.urgency),
        due: r.due_at.map(moment),
        raised: moment(r.created_at),
        raised_by: r.raised_by.clone(),
        assignee: v.assignee.as_ref().map(|p| p.name.clone()),
        approval,
        outcome: r.outcome.clone(),
        details: details(&r.details),
        erasure: r.kind.as_str() == "erasure",
    }
}

/// The sentence saying the policy names no one for a request and who receives it instead.
fn unnamed(v: &RequestView) -> Option<String> {
    let r = &v.request;
    let RequestKind::Report(kind) = r.kind else {
        return None;
    };
    unnamed_words(
        kind,
        v.asset_tag.as_deref(),
        r.routing,
        &r.handler_name,
        &steward_domain::ops::requests::citation(r),
    )
}

pub fn events(events: &[RequestEvent], with_internal: bool) -> Vec<EventLine> {
    events
        .iter()
        .filter(|e| with_internal || !e.internal)
        .map(|e| EventLine {
            at: moment(e.at),
            actor: e.actor.clone(),
            text: e.text.clone(),
            internal: e.internal,
        })
        .collect()
}

pub fn tasks(tasks: &[RequestTask]) -> Vec<TaskLine> {
    tasks
        .iter()
        .map(|t| TaskLine {
            id: t.id,
            title: t.title.clone(),
            done: t.done_at.map(|at| {
                let by = t.done_by.clone().unwrap_or_default();
                match &t.note {
                    Some(note) => format!("Done at {} by {by}: {note}", moment(at)),
                    None => format!("Done at {} by {by}", moment(at)),
                }
            }),
        })
        .collect()
}

pub fn approvals(detail: &RequestDetail) -> Vec<String> {
    detail
        .approvals
        .iter()
        .map(|a| {
            let verb = match a.decision {
                Decision::Approve => "Approved",
                Decision::Refuse => "Refused",
            };
            format!(
                "{verb} by {} as {} at {}: {}",
                a.person,
                a.office,
                moment(a.at),
                a.reason
            )
        })
        .collect()
}
