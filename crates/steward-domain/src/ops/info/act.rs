//! Receiving, pausing, extending and closing information requests.

use super::{InfoView, denied, view};
use crate::auth::Principal;
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::PersonRef;
use crate::info::access;
use crate::info::deadline;
use crate::info::*;
use crate::ops::{NONE, audit, people, policy};
use crate::records::Council;
use chrono::{Datelike, NaiveDate};
use steward_policy::information::info_route;
use steward_policy::workdays::Nation;

/// A request as it arrived.
#[derive(Clone, Debug)]
pub struct Receive {
    pub kind: InfoKind,
    /// Who asked, as they gave it.
    pub requester: String,
    /// Whom a subject access request is about.
    pub subject: Option<PersonRef>,
    pub received_on: NaiveDate,
    pub summary: String,
    /// Whose bank holidays count, when not the pack's (a request to an office elsewhere).
    pub nation: Option<Nation>,
}

fn not_future(field: &str, on: NaiveDate, today: NaiveDate) -> DomainResult<()> {
    if on > today {
        return Err(DomainError::invalid(
            field,
            format!("{on} is after today ({today}); enter a date that has passed"),
        ));
    }
    Ok(())
}

fn filled(field: &str, text: &str, what: &str) -> DomainResult<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DomainError::invalid(field, format!("enter {what}")));
    }
    crate::text::check_free(field, text)?;
    Ok(text.to_string())
}

fn open(request: &InfoRequest) -> DomainResult<()> {
    match request.closed_on {
        Some(on) => Err(DomainError::invalid(
            "request",
            format!("{} was closed on {on}", request.reference),
        )),
        None => Ok(()),
    }
}

/// Records a request received, routed to the offices the pack names.
pub async fn receive<T: InfoTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    what: Receive,
) -> DomainResult<InfoView> {
    let active = policy::require(tx, council, ctx.today).await?;
    let route = info_route(&active.pack);
    access::handler(principal, &route.handlers).map_err(denied)?;
    not_future("received_on", what.received_on, ctx.today)?;
    let requester = filled("requester", &what.requester, "who made the request")?;
    let subject_id = match (what.kind, &what.subject) {
        (InfoKind::Sar, Some(reference)) => Some(people::find(tx, council, reference).await?.id),
        (InfoKind::Sar, None) => {
            return Err(DomainError::invalid(
                "subject",
                "enter the reference of the person the data is about",
            ));
        }
        (_, Some(_)) => {
            return Err(DomainError::invalid(
                "subject",
                "only a subject access request is about a person in the register",
            ));
        }
        (_, None) => None,
    };
    let summary = match what.kind {
        InfoKind::Sar if what.summary.trim().is_empty() => {
            "Every record held about the person".to_string()
        }
        _ => filled("summary", &what.summary, "what was asked for")?,
    };
    let year = what.received_on.year();
    let same_year = tx
        .info_requests(council.id)
        .await?
        .iter()
        .filter(|r| r.kind == what.kind && r.received_on.year() == year)
        .count();
    let citation = route.citation.clone();
    let new = NewInfoRequest {
        kind: what.kind,
        reference: format!("{}-{year}-{:04}", what.kind.prefix(), same_year + 1),
        requester,
        subject_id,
        nation: what.nation.unwrap_or(route.nation),
        received_on: what.received_on,
        summary,
        handlers: route.handlers,
        clause: citation
            .as_ref()
            .map(|c| c.clause.clone())
            .unwrap_or_else(|| "none".into()),
        document: citation
            .map(|c| c.document)
            .unwrap_or_else(|| active.pack.pack.title.clone()),
        created_by: ctx.actor.clone(),
        created_at: ctx.now,
    };
    let request = tx.insert_info_request(council.id, &new).await?;
    audit(
        tx,
        ctx,
        council.id,
        "information.receive",
        "information_request",
        &request.reference,
        NONE,
        Some(&request),
    )
    .await?;
    view(tx, request, ctx.today).await
}

/// A request the principal handles.
async fn handled<T: InfoTx>(
    tx: &mut T,
    council: &Council,
    principal: &Principal,
    key: &str,
) -> DomainResult<InfoRequest> {
    // Auditors and members never act, whether or not the request exists.
    principal.officer().map_err(denied)?;
    let request = super::find_visible(tx, council, principal, key).await?;
    access::handler(principal, &request.handlers).map_err(denied)?;
    Ok(request)
}

/// Stops the clock: the council asked the requester to clarify on `asked_on`.
pub async fn pause<T: InfoTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    key: &str,
    asked_on: NaiveDate,
    note: &str,
) -> DomainResult<InfoView> {
    let request = handled(tx, council, principal, key).await?;
    open(&request)?;
    if request.kind == InfoKind::Sar {
        return Err(DomainError::invalid(
            "request",
            "the clock of a subject access request is not paused here; extend it if it is complex",
        ));
    }
    not_future("asked_on", asked_on, ctx.today)?;
    if asked_on < request.received_on {
        return Err(DomainError::invalid(
            "asked_on",
            format!("the request was received on {}", request.received_on),
        ));
    }
    let pauses = tx.info_pauses(council.id, request.id).await?;
    if let Some(p) = pauses.iter().find(|p| p.answered_on.is_none()) {
        return Err(DomainError::invalid(
            "asked_on",
            format!(
                "the clock has been stopped since {}; record the answer first",
                p.asked_on
            ),
        ));
    }
    let pause = tx
        .insert_info_pause(council.id, request.id, asked_on, note.trim())
        .await?;
    audit(
        tx,
        ctx,
        council.id,
        "information.pause",
        "information_request",
        &request.reference,
        NONE,
        Some(&pause),
    )
    .await?;
    view(tx, request, ctx.today).await
}

/// Restarts the clock: the requester clarified on `answered_on`.
pub async fn resume<T: InfoTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    key: &str,
    answered_on: NaiveDate,
) -> DomainResult<InfoView> {
    let request = handled(tx, council, principal, key).await?;
    open(&request)?;
    not_future("answered_on", answered_on, ctx.today)?;
    let pauses = tx.info_pauses(council.id, request.id).await?;
    let Some(pause) = pauses.into_iter().find(|p| p.answered_on.is_none()) else {
        return Err(DomainError::invalid(
            "answered_on",
            "the clock is not stopped: no clarification is awaited",
        ));
    };
    if answered_on < pause.asked_on {
        return Err(DomainError::invalid(
            "answered_on",
            format!("clarification was asked for on {}", pause.asked_on),
        ));
    }
    tx.answer_info_pause(council.id, pause.id, answered_on)
        .await?;
    let after = InfoPause {
        answered_on: Some(answered_on),
        ..pause.clone()
    };
    audit(
        tx,
        ctx,
        council.id,
        "information.resume",
        "information_request",
        &request.reference,
        Some(&pause),
        Some(&after),
    )
    .await?;
    view(tx, request, ctx.today).await
}

/// Extends the deadline: to the date the law fixes (EIR, subject access) or, for an FOI
/// public-interest extension, to the date given.
pub async fn extend<T: InfoTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    key: &str,
    to: Option<NaiveDate>,
    reason: &str,
) -> DomainResult<InfoView> {
    let request = handled(tx, council, principal, key).await?;
    open(&request)?;
    let reason = filled("reason", reason, "why the deadline is extended")?;
    let pauses = tx.info_pauses(council.id, request.id).await?;
    let statutory = deadline::statutory(&request, &pauses, ctx.today);
    let fixed = deadline::statutory_extension(&request, &pauses, ctx.today);
    let date = match (fixed, to) {
        (Some(fixed), Some(to)) if to != fixed => {
            return Err(DomainError::invalid(
                "to",
                format!(
                    "the law extends this request to {fixed} ({}); leave the date out or enter that one",
                    deadline::rule(request.kind, true)
                ),
            ));
        }
        (Some(fixed), _) => fixed,
        (None, Some(to)) if to <= statutory => {
            return Err(DomainError::invalid(
                "to",
                format!("the new date must be after the deadline, {statutory}"),
            ));
        }
        (None, Some(to)) => to,
        (None, None) => {
            return Err(DomainError::invalid(
                "to",
                "enter the new date: a public-interest extension sets a reasonable date of its own",
            ));
        }
    };
    let before = request.clone();
    let request = InfoRequest {
        extended_to: Some(date),
        extension_reason: Some(reason),
        ..request
    };
    save(tx, ctx, council, "information.extend", before, request).await
}

/// Records that the requester's identity was checked (subject access).
pub async fn identity_checked<T: InfoTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    key: &str,
    on: NaiveDate,
) -> DomainResult<InfoView> {
    let request = handled(tx, council, principal, key).await?;
    open(&request)?;
    if request.kind != InfoKind::Sar {
        return Err(DomainError::invalid(
            "request",
            "identity is checked for subject access requests only",
        ));
    }
    not_future("checked_on", on, ctx.today)?;
    let before = request.clone();
    let request = InfoRequest {
        identity_checked_on: Some(on),
        ..request
    };
    save(tx, ctx, council, "information.identity", before, request).await
}

/// Closes a request answered (or refused) on `on`, with the outcome in words.
pub async fn close<T: InfoTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    key: &str,
    on: NaiveDate,
    outcome: &str,
) -> DomainResult<InfoView> {
    let request = handled(tx, council, principal, key).await?;
    open(&request)?;
    let outcome = filled("outcome", outcome, "the outcome (what was sent or why not)")?;
    not_future("closed_on", on, ctx.today)?;
    if on < request.received_on {
        return Err(DomainError::invalid(
            "closed_on",
            format!("the request was received on {}", request.received_on),
        ));
    }
    if tx
        .info_pauses(council.id, request.id)
        .await?
        .iter()
        .any(|p| p.answered_on.is_none())
    {
        return Err(DomainError::invalid(
            "closed_on",
            "the clock is stopped waiting for clarification; record the answer first",
        ));
    }
    let before = request.clone();
    let request = InfoRequest {
        closed_on: Some(on),
        outcome: Some(outcome),
        ..request
    };
    save(tx, ctx, council, "information.close", before, request).await
}

/// Looks a request up for `principal`, "not found" when they may not see it.
pub async fn show<T: InfoTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    key: &str,
) -> DomainResult<InfoView> {
    let request = super::find_visible(tx, council, principal, key).await?;
    view(tx, request, ctx.today).await
}

/// Writes a changed request with its audit record, and shows it as it now stands.
async fn save<T: InfoTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    action: &str,
    before: InfoRequest,
    request: InfoRequest,
) -> DomainResult<InfoView> {
    tx.update_info_request(&request).await?;
    audit(
        tx,
        ctx,
        council.id,
        action,
        "information_request",
        &request.reference,
        Some(&before),
        Some(&request),
    )
    .await?;
    view(tx, request, ctx.today).await
}
