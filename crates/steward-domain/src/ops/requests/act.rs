//! Acting on a request: comments, taking it up, approving or refusing, follow-ups, resolving
//! and withdrawing. Each step checks who may take it (through `Principal`), writes the change,
//! a line of the request's history and an audit record, in the caller's transaction.

use super::super::audit;
pub use super::effects::ErasureRecord;
use super::{effects, find};
use crate::auth::Principal;
use crate::auth::Username;
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::PersonRef;
use crate::records::Council;
use crate::records::Id;
use crate::workflow::*;
use steward_policy::model::ReportKind;
use steward_policy::requests::approved;

fn denied(d: crate::auth::Denied) -> DomainError {
    DomainError::Forbidden(d.0.to_string())
}

fn closed_already(request: &Request) -> DomainError {
    DomainError::Conflict {
        field: "state".into(),
        message: format!(
            "request {} is already {}",
            request.id,
            request.state.words().to_lowercase()
        ),
    }
}

async fn save<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    before: &Request,
    after: &Request,
    action: &str,
) -> DomainResult<()> {
    tx.update_request(after).await?;
    audit(
        tx,
        ctx,
        after.council_id,
        action,
        "request",
        after.id,
        Some(before),
        Some(after),
    )
    .await
}

async fn note<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    request: &Request,
    kind: EventKind,
    text: &str,
    internal: bool,
) -> DomainResult<RequestEvent> {
    let event = NewEvent {
        request_id: request.id,
        at: ctx.now,
        actor: ctx.actor.clone(),
        kind,
        text: text.to_string(),
        internal,
    };
    Ok(tx.insert_request_event(request.council_id, &event).await?)
}

/// Ends a request in `state` with `outcome`, noting it in its history.
pub(super) async fn close<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    request: &Request,
    state: RequestState,
    outcome: &str,
) -> DomainResult<Request> {
    let after = Request {
        state,
        outcome: Some(outcome.to_string()),
        closed_at: Some(ctx.now),
        updated_at: ctx.now,
        ..request.clone()
    };
    save(tx, ctx, request, &after, "request.close").await?;
    let line = format!("{}. {outcome}", state.words());
    note(tx, ctx, request, EventKind::State, &line, false).await?;
    Ok(after)
}

/// Adds a comment. The person the request is for may comment (never internally); so may the
/// handling office, which may keep a note from them.
pub async fn comment<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    id: i64,
    text: &str,
    internal: bool,
) -> DomainResult<RequestEvent> {
    let request = find(tx, council, id).await?;
    if text.trim().is_empty() {
        return Err(DomainError::invalid("comment", "write the comment"));
    }
    crate::text::check_free("comment", text)?;
    let handler =
        principal.handler_of(&request).is_ok() || principal.approver_for(&request).is_ok();
    if !handler {
        principal.requester_of(&request).map_err(denied)?;
        if internal {
            return Err(DomainError::invalid(
                "internal",
                "only the office handling a request can keep a note from the person it is for",
            ));
        }
    }
    let event = note(tx, ctx, &request, EventKind::Comment, text.trim(), internal).await?;
    audit(
        tx,
        ctx,
        council.id,
        "request.comment",
        "request",
        request.id,
        super::super::NONE,
        Some(&event),
    )
    .await?;
    Ok(event)
}

/// Gives the request to someone in the handling office: the one acting when `to` is none,
/// else the colleague named by username or person reference, who must hold that office today
/// with an officer's account. The request is then in progress.
pub async fn assign<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    id: i64,
    to: Option<&str>,
) -> DomainResult<Request> {
    let request = find(tx, council, id).await?;
    let access = principal.handler_of(&request).map_err(denied)?;
    if request.state.is_closed() {
        return Err(closed_already(&request));
    }
    let colleagues = tx
        .office_colleagues(council.id, &request.handler, ctx.today)
        .await?;
    let assignee = match to.map(str::trim) {
        Some(named) => colleague(tx, council, named).await?,
        None => access.person_id.ok_or_else(|| {
            DomainError::invalid(
                "assignee",
                "your account is not linked to a person; name who should take it up",
            )
        })?,
    };
    let Some(who) = colleagues.iter().find(|c| c.id == assignee) else {
        let name = tx
            .person(council.id, assignee)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        return Err(DomainError::invalid(
            "assignee",
            format!(
                "{name} is not an officer of the office that handles this request ({})",
                request.handler_name
            ),
        ));
    };
    let state = match request.state {
        RequestState::Open => RequestState::InProgress,
        other => other,
    };
    let after = Request {
        assignee_id: Some(assignee),
        state,
        updated_at: ctx.now,
        ..request.clone()
    };
    save(tx, ctx, &request, &after, "request.assign").await?;
    let line = if Some(assignee) == access.person_id {
        format!("Taken up by {}.", who.name)
    } else {
        format!("Assigned to {}.", who.name)
    };
    note(tx, ctx, &request, EventKind::Assigned, &line, false).await?;
    Ok(after)
}

/// The person a colleague is named by: a person reference, else a username whose account is
/// linked to a person.
async fn colleague<T: WorkflowTx>(tx: &mut T, council: &Council, named: &str) -> DomainResult<Id> {
    if let Ok(reference) = named.parse::<PersonRef>()
        && let Some(p) = tx.person_by_ref(council.id, &reference).await?
    {
        return Ok(p.id);
    }
    if let Ok(username) = named.parse::<Username>()
        && let Some(u) = tx.user_by_username(council.id, &username).await?
        && let Some(person) = u.person_id
    {
        return Ok(person);
    }
    Err(DomainError::invalid(
        "assignee",
        format!("no colleague has the username or reference '{named}'"),
    ))
}

/// The officers who may be given a request: those holding its handling office on `ctx.today`
/// with an officer's or administrator's account, by name.
pub async fn colleagues<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    request: &Request,
) -> DomainResult<Vec<Colleague>> {
    Ok(tx
        .office_colleagues(request.council_id, &request.handler, ctx.today)
        .await?)
}

/// What an approver's decision led to.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Decided {
    pub request: Request,
    pub approval: RequestApproval,
    /// Set once the decision completes the approvals: what was then done.
    pub outcome: Option<String>,
}

/// An approver approves or refuses. Each person counts once, for one of the approving
/// offices they hold that has not yet approved; when the approvals the policy asks for are
/// complete, what was asked for is done at once. One refusal ends the request.
pub async fn decide<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    id: i64,
    decision: Decision,
    reason: &str,
) -> DomainResult<Decided> {
    let request = find(tx, council, id).await?;
    let (access, held) = principal.approver_for(&request).map_err(denied)?;
    if request.state != RequestState::AwaitingApproval {
        return Err(closed_already(&request));
    }
    if reason.trim().is_empty() {
        return Err(DomainError::invalid(
            "reason",
            "give the reason for the decision; it is recorded",
        ));
    }
    crate::text::check_free("reason", reason)?;
    let person_id = access
        .person_id
        .ok_or_else(|| DomainError::invalid("person", "your account is not linked to a person"))?;
    let earlier = tx.request_approvals(council.id, request.id).await?;
    if earlier.iter().any(|a| a.person_id == person_id) {
        return Err(DomainError::Conflict {
            field: "decision".into(),
            message: "you have already decided on this request".into(),
        });
    }
    let Some(office) = held
        .into_iter()
        .find(|o| !earlier.iter().any(|a| &a.office == o))
    else {
        return Err(DomainError::Conflict {
            field: "decision".into(),
            message: "every approving office you hold has already decided".into(),
        });
    };
    let approval = tx
        .insert_request_approval(
            council.id,
            &RequestApproval {
                id: 0,
                request_id: request.id,
                office: office.clone(),
                person_id,
                decision,
                reason: reason.trim().to_string(),
                at: ctx.now,
            },
        )
        .await?;
    audit(
        tx,
        ctx,
        council.id,
        match decision {
            Decision::Approve => "request.approve",
            Decision::Refuse => "request.refuse",
        },
        "request",
        request.id,
        super::super::NONE,
        Some(&approval),
    )
    .await?;
    let citation = request
        .approval
        .as_ref()
        .map(|a| a.citation.to_string())
        .unwrap_or_default();
    let verb = match decision {
        Decision::Approve => "Approved",
        Decision::Refuse => "Refused",
    };
    let line = format!("{verb} as {office} ({citation}): {}", reason.trim());
    note(tx, ctx, &request, EventKind::Approval, &line, false).await?;
    if decision == Decision::Refuse {
        let request = close(tx, ctx, &request, RequestState::Refused, reason.trim()).await?;
        return Ok(Decided {
            request,
            approval,
            outcome: Some("Refused.".into()),
        });
    }
    let mut all = earlier;
    all.push(approval.clone());
    let offices: Vec<_> = all
        .iter()
        .filter(|a| a.decision == Decision::Approve)
        .map(|a| a.office.clone())
        .collect();
    let complete = request
        .approval
        .as_ref()
        .is_some_and(|rule| approved(rule, &offices));
    if !complete {
        return Ok(Decided {
            request,
            approval,
            outcome: None,
        });
    }
    let done = effects::on_approved(tx, ctx, council, &request, &all).await?;
    let request = close(tx, ctx, &request, RequestState::Approved, &done).await?;
    Ok(Decided {
        request,
        approval,
        outcome: Some(done),
    })
}

/// Marks a follow-up done.
pub async fn complete_task<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    id: i64,
    task_id: i64,
    note_text: &str,
) -> DomainResult<RequestTask> {
    let request = find(tx, council, id).await?;
    principal.handler_of(&request).map_err(denied)?;
    let task = tx
        .request_tasks(council.id, request.id)
        .await?
        .into_iter()
        .find(|t| t.id == task_id)
        .ok_or_else(|| DomainError::not_found("follow-up", task_id))?;
    if task.done_at.is_some() {
        return Err(DomainError::Conflict {
            field: "task".into(),
            message: format!("'{}' is already done", task.title),
        });
    }
    let after = RequestTask {
        done_at: Some(ctx.now),
        done_by: Some(ctx.actor.clone()),
        note: Some(note_text.trim().to_string()).filter(|n| !n.is_empty()),
        ..task.clone()
    };
    tx.update_request_task(council.id, &after).await?;
    audit(
        tx,
        ctx,
        council.id,
        "request.task_done",
        "request",
        request.id,
        Some(&task),
        Some(&after),
    )
    .await?;
    let line = format!("Done: {}.", task.title);
    note(tx, ctx, &request, EventKind::Task, &line, false).await?;
    Ok(after)
}

/// The handling office resolves a request, saying what was done. Follow-ups must be done
/// first; an erasure request needs its erasure recorded.
pub async fn resolve<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    id: i64,
    outcome: &str,
    erasure: Option<ErasureRecord>,
) -> DomainResult<Request> {
    let request = find(tx, council, id).await?;
    principal.handler_of(&request).map_err(denied)?;
    if request.state.is_closed() {
        return Err(closed_already(&request));
    }
    if request.state == RequestState::AwaitingApproval {
        return Err(DomainError::Conflict {
            field: "state".into(),
            message: "this request is waiting for the approvals the policy asks for".into(),
        });
    }
    if outcome.trim().is_empty() {
        return Err(DomainError::invalid("outcome", "say what was done"));
    }
    crate::text::check_free("outcome", outcome)?;
    let pending: Vec<String> = tx
        .request_tasks(council.id, request.id)
        .await?
        .into_iter()
        .filter(|t| t.done_at.is_none())
        .map(|t| t.title)
        .collect();
    if !pending.is_empty() {
        return Err(DomainError::Conflict {
            field: "tasks".into(),
            message: format!("these follow-ups are not done yet: {}", pending.join("; ")),
        });
    }
    let mut text = outcome.trim().to_string();
    if request.kind == RequestKind::Report(ReportKind::Erasure) {
        let Some(record) = erasure else {
            return Err(DomainError::invalid(
                "method",
                "record how the data was erased before resolving an erasure request",
            ));
        };
        let done = effects::record_erasure(tx, ctx, council, &request, &record).await?;
        text = format!("{text} {done}");
    }
    close(tx, ctx, &request, RequestState::Resolved, &text).await
}

/// Whether the person a request is for may take it back: anything they asked for, but not a
/// recall, which the council made of them.
pub(super) fn may_take_back(principal: &Principal, request: &Request) -> bool {
    principal.requester_of(request).is_ok() && request.kind != RequestKind::Recall
}

/// The person a request is for takes it back, or the handling office closes it unanswered.
pub async fn withdraw<T: WorkflowTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    id: i64,
    reason: &str,
) -> DomainResult<Request> {
    let request = find(tx, council, id).await?;
    if !may_take_back(principal, &request) && principal.handler_of(&request).is_err() {
        if request.kind == RequestKind::Recall && principal.requester_of(&request).is_ok() {
            return Err(DomainError::Forbidden(
                "a recall cannot be withdrawn by the person asked to return the item; return it, \
                 or ask the office that recalled it"
                    .into(),
            ));
        }
        principal.handler_of(&request).map_err(denied)?;
    }
    if request.state.is_closed() {
        return Err(closed_already(&request));
    }
    let reason = Some(reason.trim())
        .filter(|r| !r.is_empty())
        .unwrap_or("No longer needed.");
    close(tx, ctx, &request, RequestState::Withdrawn, reason).await
}
