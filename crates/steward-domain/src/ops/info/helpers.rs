//! Asking people in the register (usually members) to search for what they hold, and their
//! answers. A member sees only what they were asked: the reference, what was asked for and
//! when the council must answer, never who asked or whom a subject access request is about.

use super::{InfoView, denied, view};
use crate::auth::{MemberAccess, Principal};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::PersonRef;
use crate::info::access;
use crate::info::deadline;
use crate::info::*;
use crate::ops::{NONE, audit, people};
use crate::records::{Council, Id};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Asks `person` to search for what they hold.
pub async fn ask<T: InfoTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    key: &str,
    person: &PersonRef,
    asked_on: NaiveDate,
) -> DomainResult<InfoView> {
    principal.officer().map_err(denied)?;
    let request = super::find_visible(tx, council, principal, key).await?;
    access::handler(principal, &request.handlers).map_err(denied)?;
    if let Some(on) = request.closed_on {
        return Err(DomainError::invalid(
            "request",
            format!("{} was closed on {on}", request.reference),
        ));
    }
    if asked_on > ctx.today || asked_on < request.received_on {
        return Err(DomainError::invalid(
            "asked_on",
            format!(
                "enter a date from {} (received) to {} (today)",
                request.received_on, ctx.today
            ),
        ));
    }
    let helper = people::find(tx, council, person).await?;
    let asked = tx.info_helpers(council.id, request.id).await?;
    if asked
        .iter()
        .any(|h| h.person_id == helper.id && h.answered_on.is_none())
    {
        return Err(DomainError::invalid(
            "person",
            format!(
                "{} has already been asked and has not answered yet",
                helper.name
            ),
        ));
    }
    let row = tx
        .insert_info_helper(council.id, request.id, helper.id, asked_on)
        .await?;
    audit(
        tx,
        ctx,
        council.id,
        "information.ask",
        "information_request",
        &request.reference,
        NONE,
        Some(&serde_json::json!({ "helper": row.id, "person": helper.reference, "asked_on": asked_on })),
    )
    .await?;
    view(tx, request, ctx.today).await
}

async fn record_answer<T: InfoTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    request: &InfoRequest,
    helper: &InfoHelper,
    answered_on: NaiveDate,
    answer: &str,
) -> DomainResult<()> {
    if helper.answered_on.is_some() {
        return Err(DomainError::invalid(
            "answer",
            "this has already been answered",
        ));
    }
    if answered_on > ctx.today || answered_on < helper.asked_on {
        return Err(DomainError::invalid(
            "answered_on",
            format!(
                "enter a date from {} (asked) to {} (today)",
                helper.asked_on, ctx.today
            ),
        ));
    }
    let answer = answer.trim();
    if answer.is_empty() {
        return Err(DomainError::invalid(
            "answer",
            "say what you hold, or that you hold nothing",
        ));
    }
    tx.answer_info_helper(council.id, helper.id, answered_on, answer)
        .await?;
    audit(
        tx,
        ctx,
        council.id,
        "information.answer",
        "information_request",
        &request.reference,
        NONE,
        Some(&serde_json::json!({ "helper": helper.id, "answered_on": answered_on })),
    )
    .await?;
    Ok(())
}

async fn helper_row<T: InfoTx>(
    tx: &mut T,
    request: &InfoRequest,
    helper_id: Id,
) -> DomainResult<InfoHelper> {
    tx.info_helpers(request.council_id, request.id)
        .await?
        .into_iter()
        .find(|h| h.id == helper_id)
        .ok_or_else(|| DomainError::not_found("request for help", helper_id))
}

/// An answer from someone asked to help, as a handler records it.
#[derive(Clone, Copy, Debug)]
pub struct Answer<'a> {
    /// The request for help it answers.
    pub helper: Id,
    pub on: NaiveDate,
    pub text: &'a str,
}

/// A handler records a helper's answer given some other way (by phone, on paper).
pub async fn answer_for<T: InfoTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    key: &str,
    answer: Answer<'_>,
) -> DomainResult<InfoView> {
    principal.officer().map_err(denied)?;
    let request = super::find_visible(tx, council, principal, key).await?;
    access::handler(principal, &request.handlers).map_err(denied)?;
    let helper = helper_row(tx, &request, answer.helper).await?;
    record_answer(tx, ctx, council, &request, &helper, answer.on, answer.text).await?;
    view(tx, request, ctx.today).await
}

/// What a person was asked to help with, as they see it.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MyAsk {
    pub helper_id: Id,
    pub reference: String,
    pub kind: InfoKind,
    pub summary: String,
    pub asked_on: NaiveDate,
    pub answered_on: Option<NaiveDate>,
    pub answer: Option<String>,
    /// When the council must answer the requester.
    pub council_due_on: NaiveDate,
    pub closed: bool,
}

pub async fn my_asks<T: InfoTx>(
    tx: &mut T,
    member: &MemberAccess,
    today: NaiveDate,
) -> DomainResult<Vec<MyAsk>> {
    let mut out = Vec::new();
    for h in tx
        .info_helpers_of_person(member.council_id, member.person_id)
        .await?
    {
        let Some(r) = tx.info_request(member.council_id, h.request_id).await? else {
            continue;
        };
        if r.council_id != member.council_id {
            continue;
        }
        let pauses = tx.info_pauses(r.council_id, r.id).await?;
        let due = deadline::deadline(&r, &pauses, today);
        out.push(MyAsk {
            helper_id: h.id,
            reference: r.reference,
            kind: r.kind,
            summary: if r.kind == InfoKind::Sar {
                // A member helping with subject access is not told whose data it is.
                "A subject access request: search for records about the person named in the council's message".into()
            } else {
                r.summary
            },
            asked_on: h.asked_on,
            answered_on: h.answered_on,
            answer: h.answer,
            council_due_on: due.due_on,
            closed: r.closed_on.is_some(),
        });
    }
    Ok(out)
}

/// The person asked answers for themselves.
pub async fn answer_mine<T: InfoTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    member: &MemberAccess,
    helper_id: Id,
    answer: &str,
) -> DomainResult<MyAsk> {
    let mine = my_asks(tx, member, ctx.today).await?;
    let Some(ask) = mine.into_iter().find(|a| a.helper_id == helper_id) else {
        return Err(DomainError::not_found("request for help", helper_id));
    };
    let request = super::find(tx, council, &ask.reference).await?;
    let helper = helper_row(tx, &request, helper_id).await?;
    record_answer(tx, ctx, council, &request, &helper, ctx.today, answer).await?;
    let mine = my_asks(tx, member, ctx.today).await?;
    mine.into_iter()
        .find(|a| a.helper_id == helper_id)
        .ok_or_else(|| DomainError::not_found("request for help", helper_id))
}
