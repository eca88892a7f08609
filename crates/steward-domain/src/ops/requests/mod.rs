//! Reports and requests: raising one (routed by the pack to the office that must act, with its
//! response time and any approvals it needs), seeing them, and acting on them.
//!
//! Raising a report of lost or stolen equipment acts at once: the item is marked lost or
//! stolen, its loan ends, and the follow-ups the service desk must do are opened.

mod act;
mod effects;
mod fields;
pub mod list;
mod view;

pub use act::*;
pub use fields::DetailFields;
pub use view::*;

use super::{audit, equipment, people, policy};
use crate::auth::{MemberAccess, OfficerAccess};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::{AssetTag, PersonRef};
use crate::records::{Council, Equipment, Loan, Person};
use crate::workflow::*;
use serde::{Deserialize, Serialize};
use steward_policy::model::ReportKind;
use steward_policy::requests::{
    RequestFacts, Route, instead_words, posture_exception_route, route,
};
use steward_policy::workdays::{WorkingHours, uk_to_utc};
use steward_policy::{Citation, EquipmentKind, Pack};

/// What someone asks for or reports.
#[derive(Clone, Debug)]
pub struct Raise {
    pub kind: ReportKind,
    /// The item it is about, when there is one.
    pub equipment: Option<AssetTag>,
    pub summary: String,
    pub details: RequestDetails,
}

/// A request just raised, with where the policy sent it.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Raised {
    pub request: Request,
    pub route: Route,
    /// What raising it did at once (an item marked lost, its loan ended).
    pub done: Vec<String>,
}

pub async fn find<T: WorkflowTx>(tx: &mut T, council: &Council, id: i64) -> DomainResult<Request> {
    match tx.request(council.id, id).await? {
        Some(r) if r.council_id == council.id => Ok(r),
        _ => Err(DomainError::not_found("request", id)),
    }
}

/// Kinds that are always about one item.
pub fn needs_item(kind: ReportKind) -> bool {
    matches!(
        kind,
        ReportKind::Fault
            | ReportKind::LostOrStolen
            | ReportKind::SoftwareInstall
            | ReportKind::LoanExtension
            | ReportKind::Erasure
            | ReportKind::PhoneEvaluation
            | ReportKind::PostureException
    )
}

/// The details a kind needs, checked before anything is stored.
fn check_details(kind: ReportKind, details: &RequestDetails, ctx: &Ctx) -> DomainResult<()> {
    use RequestDetails as D;
    let fits = matches!(
        (kind, details),
        (ReportKind::LoanExtension, D::Extension { .. })
            | (ReportKind::SoftwareInstall, D::Software { .. })
            | (ReportKind::WebException, D::Website { .. })
            | (ReportKind::LostOrStolen, D::Loss { .. })
            | (ReportKind::AccidentalAccess, D::Visit { .. } | D::None)
            | (ReportKind::Erasure, D::Erasure { .. })
            | (ReportKind::PostureException, D::PostureException { .. })
    ) || (!matches!(
        kind,
        ReportKind::LoanExtension
            | ReportKind::SoftwareInstall
            | ReportKind::WebException
            | ReportKind::LostOrStolen
            | ReportKind::Erasure
            | ReportKind::AccidentalAccess
            | ReportKind::PostureException
    ) && *details == D::None);
    if !fits {
        return Err(DomainError::invalid(
            "details",
            format!(
                "these details do not fit a request of kind {}",
                RequestKind::Report(kind)
            ),
        ));
    }
    match details {
        D::Software { name, .. } if name.trim().is_empty() => Err(DomainError::invalid(
            "software",
            "give the name of the software to be installed",
        )),
        D::Website { host, until } => {
            valid_host(host)?;
            if *until < ctx.today {
                return Err(DomainError::invalid(
                    "until",
                    "the day access is needed until cannot be in the past",
                ));
            }
            Ok(())
        }
        D::Loss {
            noticed_on, place, ..
        } => {
            if *noticed_on > ctx.today {
                return Err(DomainError::invalid(
                    "noticed_on",
                    "the day the loss was noticed cannot be in the future",
                ));
            }
            if place.trim().is_empty() {
                return Err(DomainError::invalid(
                    "place",
                    "say where it was lost or stolen, as far as you know",
                ));
            }
            Ok(())
        }
        D::PostureException { until, .. } if *until < ctx.today => Err(DomainError::invalid(
            "until",
            "the last day the duty may be off cannot be in the past",
        )),
        D::Extension { until } if *until <= ctx.today => Err(DomainError::invalid(
            "until",
            "a longer loan must run to a day after today",
        )),
        _ => Ok(()),
    }
}

/// A website's host name as the web filter matches it: letters, digits, hyphens and dots.
pub fn valid_host(host: &str) -> DomainResult<()> {
    let h = host.trim().trim_end_matches('.');
    let ok = !h.is_empty()
        && h.len() <= 253
        && h.contains('.')
        && h.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "host",
            format!("'{host}' is not a website's name; give it like www.example.org"),
        ))
    }
}

/// The open loan of `item` to `person`, if they hold it now.
async fn held_by<T: WorkflowTx>(
    tx: &mut T,
    item: &Equipment,
    person: &Person,
) -> DomainResult<Option<Loan>> {
    Ok(tx
        .open_loan_of_equipment(item.council_id, item.id)
        .await?
        .filter(|l| l.person_id == person.id))
}

struct Subject {
    requester: Option<Person>,
    item: Option<Equipment>,
    loan: Option<Loan>,
}

async fn subject<T: WorkflowTx>(
    tx: &mut T,
    council: &Council,
    requester: Option<Person>,
    req: &Raise,
    must_hold: bool,
) -> DomainResult<Subject> {
    if req.summary.trim().is_empty() {
        return Err(DomainError::invalid(
            "summary",
            "say briefly what it is about",
        ));
    }
    crate::text::check_free("summary", &req.summary)?;
    if req.kind == ReportKind::MisuseByOthers {
        return Err(DomainError::invalid(
            "kind",
            "concerns about someone's use of council ICT are raised as breach cases",
        ));
    }
    let item = match &req.equipment {
        Some(tag) => Some(equipment::find(tx, council, tag).await?),
        None => None,
    };
    let loan = match (&item, &requester) {
        (Some(item), Some(person)) => held_by(tx, item, person).await?,
        _ => None,
    };
    if must_hold && item.is_some() && loan.is_none() {
        return Err(DomainError::invalid(
            "equipment",
            "you can only report on equipment you hold; choose one of your items",
        ));
    }
    if matches!(
        req.kind,
        ReportKind::LoanExtension | ReportKind::LostOrStolen
    ) && item.is_some()
        && loan.is_none()
        && requester.is_some()
    {
        return Err(DomainError::invalid(
            "equipment",
            "this item is not on loan to the person the request is for",
        ));
    }
    Ok(Subject {
        requester,
        item,
        loan,
    })
}

/// A member reports something or asks for something for themselves.
pub async fn raise_for_self<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    access: &MemberAccess,
    req: Raise,
) -> DomainResult<Raised> {
    let me = tx
        .person(council.id, access.person_id)
        .await?
        .ok_or_else(|| DomainError::not_found("person", access.person_id))?;
    let s = subject(tx, council, Some(me), &req, true).await?;
    store(tx, ctx, council, s, req).await
}

/// An officer raises a request for a person, or for the council when `for_person` is none.
pub async fn raise_as_officer<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    _access: &OfficerAccess,
    for_person: Option<&PersonRef>,
    req: Raise,
) -> DomainResult<Raised> {
    let requester = match for_person {
        Some(r) => Some(people::find(tx, council, r).await?),
        None => None,
    };
    let s = subject(tx, council, requester, &req, false).await?;
    store(tx, ctx, council, s, req).await
}

async fn store<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    s: Subject,
    req: Raise,
) -> DomainResult<Raised> {
    check_details(req.kind, &req.details, ctx)?;
    let active = policy::require(tx, council, ctx.today).await?;
    let facts = RequestFacts {
        kind: req.kind,
        requester: s.requester.as_ref().map(|p| p.kind),
        equipment: s.item.as_ref().map(|i| i.kind),
    };
    // A posture exception goes to whoever the pack lets authorise that duty off.
    let found = match &req.details {
        RequestDetails::PostureException { check, .. } => match check.duty() {
            Some(duty) => posture_exception_route(&active.pack, duty, facts.equipment),
            None => route(&active.pack, &facts),
        },
        _ => route(&active.pack, &facts),
    }
    .map_err(|r| DomainError::Refused {
        action: "request",
        refusals: vec![r],
    })?;
    // Asked after routing, so that what the policy forbids outright is refused with its
    // clause before anyone is asked which item it is for.
    if needs_item(req.kind) && s.item.is_none() {
        return Err(DomainError::invalid(
            "equipment",
            "say which item of equipment this is about",
        ));
    }
    if let (Some(rule), RequestDetails::Website { until, .. }) = (&found.approval, &req.details)
        && let Some(max) = rule.max_length
        && max.after(ctx.today).is_some_and(|limit| *until > limit)
    {
        return Err(DomainError::Refused {
            action: "raise",
            refusals: vec![steward_policy::decide::Refusal {
                gate: steward_policy::decide::Gate::Date,
                message: format!("an exception may last at most {max}"),
                citation: Some(rule.citation.clone()),
            }],
        });
    }
    let state = if found.approval.is_some() {
        RequestState::AwaitingApproval
    } else {
        RequestState::Open
    };
    let new = NewRequest {
        kind: RequestKind::Report(req.kind),
        state,
        requester_id: s.requester.as_ref().map(|p| p.id),
        raised_by: ctx.actor.clone(),
        equipment_id: s.item.as_ref().map(|i| i.id),
        loan_id: s.loan.as_ref().map(|l| l.id),
        summary: req.summary.trim().to_string(),
        details: req.details.clone(),
        handler: found.handler.clone(),
        handler_name: found.handler_name.clone(),
        clause: found.citation.clause.clone(),
        document: found.citation.document.clone(),
        urgency: found.urgency,
        due_at: found
            .respond_within
            .map(|w| WorkingHours::of(&active.pack).due(ctx.now, w)),
        approval: found.approval.clone(),
        created_at: ctx.now,
        routing: found.routing,
    };
    let request = insert_raised(tx, ctx, council, &new).await?;
    // Where nothing in the policy names a receiver, the history says so in the same words
    // the person raising it was shown.
    let sent = instead_words(&facts, &found)
        .unwrap_or_else(|| format!("Sent to {} ({}).", found.handler_name, found.citation));
    let event = NewEvent {
        request_id: request.id,
        at: ctx.now,
        actor: ctx.actor.clone(),
        kind: EventKind::State,
        text: sent,
        internal: false,
    };
    tx.insert_request_event(council.id, &event).await?;
    let done =
        effects::on_raise(tx, ctx, council, &request, &s.requester, &s.item, &s.loan).await?;
    // What was done at once goes into the history too, so the person who raised it and the
    // office handling it can read it there later, not only in the reply to raising it.
    for line in &done {
        let event = NewEvent {
            request_id: request.id,
            at: ctx.now,
            actor: ctx.actor.clone(),
            kind: EventKind::State,
            text: line.clone(),
            internal: false,
        };
        tx.insert_request_event(council.id, &event).await?;
    }
    Ok(Raised {
        request,
        route: found,
        done,
    })
}

/// Opens the request an officer's recall of an item makes: the holder must bring it back by
/// `return_by`, and the recalling office follows it up until the loan ends.
pub async fn record_recall<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    loan: &Loan,
    by_office: &steward_policy::OfficeId,
    return_by: chrono::NaiveDate,
) -> DomainResult<Option<Request>> {
    let active = policy::require(tx, council, ctx.today).await?;
    let Some(found) = steward_policy::requests::recall_route(&active.pack, by_office) else {
        return Ok(None);
    };
    let item = tx.equipment_by_id(council.id, loan.equipment_id).await?;
    let tag = item
        .as_ref()
        .map(|i| i.asset_tag.to_string())
        .unwrap_or_default();
    let new = NewRequest {
        kind: RequestKind::Recall,
        state: RequestState::Open,
        requester_id: Some(loan.person_id),
        raised_by: ctx.actor.clone(),
        equipment_id: Some(loan.equipment_id),
        loan_id: Some(loan.id),
        summary: format!("Return {tag} by {}", steward_policy::long_date(return_by)),
        details: RequestDetails::Recall { return_by },
        handler: found.handler.clone(),
        handler_name: found.handler_name.clone(),
        clause: found.citation.clause.clone(),
        document: found.citation.document.clone(),
        urgency: found.urgency,
        due_at: Some(close_of(&active.pack, return_by)),
        approval: None,
        created_at: ctx.now,
        routing: found.routing,
    };
    let request = insert_raised(tx, ctx, council, &new).await?;
    Ok(Some(request))
}

/// Opens the request for a phone's evaluation when the sweep finds it due: for the holder,
/// with the office the policy names to evaluate phones and approve replacements. None when the
/// policy routes no evaluations, or one is already open for the loan.
pub async fn open_evaluation<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    loan_id: i64,
    due: chrono::NaiveDate,
) -> DomainResult<Option<Request>> {
    let Some(loan) = tx
        .loan(council.id, loan_id)
        .await?
        .filter(|l| l.council_id == council.id)
    else {
        return Ok(None);
    };
    let evaluation = RequestKind::Report(ReportKind::PhoneEvaluation);
    let already = tx
        .open_requests_for_loan(council.id, loan.id, evaluation)
        .await?;
    if !already.is_empty() {
        return Ok(None);
    }
    let holder = tx.person(council.id, loan.person_id).await?;
    let item = tx.equipment_by_id(council.id, loan.equipment_id).await?;
    let active = policy::require(tx, council, ctx.today).await?;
    let facts = RequestFacts {
        kind: ReportKind::PhoneEvaluation,
        requester: holder.as_ref().map(|p| p.kind),
        equipment: item.as_ref().map(|i| i.kind),
    };
    let Ok(found) = route(&active.pack, &facts) else {
        return Ok(None);
    };
    let tag = item
        .as_ref()
        .map(|i| i.asset_tag.to_string())
        .unwrap_or_default();
    let new = NewRequest {
        kind: RequestKind::Report(ReportKind::PhoneEvaluation),
        state: if found.approval.is_some() {
            RequestState::AwaitingApproval
        } else {
            RequestState::Open
        },
        requester_id: Some(loan.person_id),
        raised_by: ctx.actor.clone(),
        equipment_id: Some(loan.equipment_id),
        loan_id: Some(loan.id),
        summary: format!(
            "Yearly evaluation of {tag} and its holder's needs, due {}",
            steward_policy::long_date(due)
        ),
        details: RequestDetails::None,
        handler: found.handler.clone(),
        handler_name: found.handler_name.clone(),
        clause: found.citation.clause.clone(),
        document: found.citation.document.clone(),
        urgency: found.urgency,
        due_at: Some(close_of(&active.pack, due)),
        approval: found.approval.clone(),
        created_at: ctx.now,
        routing: found.routing,
    };
    let request = insert_raised(tx, ctx, council, &new).await?;
    Ok(Some(request))
}

/// Closes the open recall of a loan once the item is back.
pub async fn close_recalls<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    loan_id: i64,
) -> DomainResult<()> {
    let open = tx
        .open_requests_for_loan(council.id, loan_id, RequestKind::Recall)
        .await?;
    for r in open {
        act::close(
            tx,
            ctx,
            &r,
            RequestState::Resolved,
            "The item has been returned.",
        )
        .await?;
    }
    Ok(())
}

/// The end of the working day on `day`, in UK time: when something due "by" a day is due.
fn close_of(pack: &Pack, day: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    uk_to_utc(day.and_time(WorkingHours::of(pack).end))
}

/// What the citation of a request reads as.
pub fn citation(request: &Request) -> Citation {
    Citation {
        clause: request.clause.clone(),
        document: request.document.clone(),
    }
}

/// Item kinds whose data can be wiped remotely: the follow-up after a loss names the wipe.
fn wipeable(kind: EquipmentKind) -> bool {
    matches!(
        kind,
        EquipmentKind::Laptop | EquipmentKind::Tablet | EquipmentKind::MobilePhone
    )
}

/// Opens the request a monitoring finding makes for the office the pack names to receive
/// security problems (or, naming none, the office receiving what nothing else covers): the
/// office's queue entry for a device or mailbox that breaks a duty. About `person_id`'s
/// `equipment_id` when they are known.
pub async fn open_security_report<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    equipment_id: Option<crate::records::Id>,
    person_id: Option<crate::records::Id>,
    summary: &str,
) -> DomainResult<Request> {
    let active = policy::require(tx, council, ctx.today).await?;
    let item = match equipment_id {
        Some(id) => tx.equipment_by_id(council.id, id).await?,
        None => None,
    };
    let holder = match person_id {
        Some(id) => tx.person(council.id, id).await?,
        None => None,
    };
    let found = security_route(
        &active.pack,
        holder.as_ref().map(|p| p.kind),
        item.as_ref().map(|i| i.kind),
    );
    let new = NewRequest {
        kind: RequestKind::Report(ReportKind::SecurityProblem),
        state: RequestState::Open,
        requester_id: holder.as_ref().map(|p| p.id),
        raised_by: ctx.actor.clone(),
        equipment_id: item.as_ref().map(|i| i.id),
        loan_id: None,
        summary: summary.to_string(),
        details: RequestDetails::None,
        handler: found.handler.clone(),
        handler_name: found.handler_name.clone(),
        clause: found.citation.clause.clone(),
        document: found.citation.document.clone(),
        urgency: found.urgency,
        due_at: found
            .respond_within
            .map(|w| WorkingHours::of(&active.pack).due(ctx.now, w)),
        approval: None,
        created_at: ctx.now,
        routing: found.routing,
    };
    let request = insert_raised(tx, ctx, council, &new).await?;
    Ok(request)
}

/// Where a security problem about a person of `requester` kind and an item of `equipment`
/// kind goes: the pack's `[[reporting]] kind = "security_problem"` entry, else the office
/// receiving what nothing else covers, else the council's administrators.
pub fn security_route(
    pack: &Pack,
    requester: Option<steward_policy::PersonKind>,
    equipment: Option<EquipmentKind>,
) -> Route {
    let facts = RequestFacts {
        kind: ReportKind::SecurityProblem,
        requester,
        equipment,
    };
    route(pack, &facts).unwrap_or_else(|_| steward_policy::requests::unnamed_route(pack))
}

/// Files a new request with its `request.raise` audit record, in the caller's transaction.
async fn insert_raised<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    new: &NewRequest,
) -> DomainResult<Request> {
    let request = tx.insert_request(council.id, new).await?;
    audit(
        tx,
        ctx,
        council.id,
        "request.raise",
        "request",
        request.id,
        super::NONE,
        Some(&request),
    )
    .await?;
    Ok(request)
}
