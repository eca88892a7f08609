//! Requests as people see them: who, what, which office, how late; and one request's history,
//! approvals and follow-ups with what the viewer may do next.

use super::find;
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::ids::PersonRef;
use crate::records::{Council, Id};
use crate::workflow::*;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A person as a request names them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PersonBrief {
    pub reference: PersonRef,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RequestView {
    #[serde(flatten)]
    pub request: Request,
    pub requester: Option<PersonBrief>,
    pub assignee: Option<PersonBrief>,
    pub asset_tag: Option<String>,
    /// Past its response time and not yet dealt with.
    pub late: bool,
}

/// What the viewer may do with the request now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Abilities {
    pub handle: bool,
    pub approve: bool,
    pub comment: bool,
    pub withdraw: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApprovalLine {
    pub office: String,
    pub person: String,
    pub decision: Decision,
    pub reason: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RequestDetail {
    pub view: RequestView,
    pub events: Vec<RequestEvent>,
    pub approvals: Vec<ApprovalLine>,
    pub tasks: Vec<RequestTask>,
    pub may: Abilities,
}

async fn brief<T: WorkflowTx>(
    tx: &mut T,
    council_id: Id,
    id: Option<Id>,
) -> DomainResult<Option<PersonBrief>> {
    Ok(match id {
        Some(id) => tx.person(council_id, id).await?.map(|p| PersonBrief {
            reference: p.reference,
            name: p.name,
        }),
        None => None,
    })
}

pub async fn view<T: WorkflowTx>(
    tx: &mut T,
    request: Request,
    now: DateTime<Utc>,
) -> DomainResult<RequestView> {
    let requester = brief(tx, request.council_id, request.requester_id).await?;
    let assignee = brief(tx, request.council_id, request.assignee_id).await?;
    let asset_tag = match request.equipment_id {
        Some(id) => tx
            .equipment_by_id(request.council_id, id)
            .await?
            .map(|e| e.asset_tag.to_string()),
        None => None,
    };
    Ok(RequestView {
        late: request.is_late(now),
        requester,
        assignee,
        asset_tag,
        request,
    })
}

/// The office a request went to, for an officer who may not open it but may know it exists:
/// someone holding an office of the council learns which office has it, and nothing more.
/// None for everyone else, to whom a request they may not see is simply not found.
pub async fn routed_to<T: WorkflowTx>(
    tx: &mut T,
    council: &Council,
    principal: &Principal,
    id: i64,
) -> DomainResult<Option<String>> {
    let Some(request) = tx
        .request(council.id, id)
        .await?
        .filter(|r| r.council_id == council.id)
    else {
        return Ok(None);
    };
    if principal.may_see_request(&request) || !principal.may_know_requests_exist() {
        return Ok(None);
    }
    Ok(Some(request.handler_name))
}

/// One request with its history. A request the principal may not see is "not found", so its
/// existence does not leak.
pub async fn detail<T: WorkflowTx>(
    tx: &mut T,
    council: &Council,
    principal: &Principal,
    id: i64,
    now: DateTime<Utc>,
) -> DomainResult<RequestDetail> {
    let request = find(tx, council, id).await?;
    if !principal.may_see_request(&request) {
        return Err(DomainError::not_found("request", id));
    }
    let handler = principal.handler_of(&request).is_ok();
    let approver = principal.approver_for(&request).is_ok();
    let requester = principal.requester_of(&request).is_ok();
    let open = !request.state.is_closed();
    let events = tx
        .request_events(council.id, request.id)
        .await?
        .into_iter()
        .filter(|e| !e.internal || handler || approver || principal.reader().is_ok() && !requester)
        .collect();
    let mut approvals = Vec::new();
    for a in tx.request_approvals(council.id, request.id).await? {
        let person = tx
            .person(council.id, a.person_id)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        let office = request
            .approval
            .as_ref()
            .map(|_| a.office.to_string().replace('_', " "))
            .unwrap_or_default();
        approvals.push(ApprovalLine {
            office,
            person,
            decision: a.decision,
            reason: a.reason,
            at: a.at,
        });
    }
    let tasks = tx.request_tasks(council.id, request.id).await?;
    let may = Abilities {
        handle: handler && open,
        approve: approver && request.state == RequestState::AwaitingApproval,
        comment: (handler || approver || requester) && open,
        withdraw: (super::act::may_take_back(principal, &request) || handler) && open,
    };
    Ok(RequestDetail {
        view: view(tx, request, now).await?,
        events,
        approvals,
        tasks,
        may,
    })
}

/// The web exceptions in force at `at`: the web filter lets each person through to their
/// site until the exception ends.
pub async fn exceptions_in_force<T: WorkflowTx>(
    tx: &mut T,
    council: &Council,
    at: DateTime<Utc>,
) -> DomainResult<Vec<WebException>> {
    Ok(tx
        .web_exceptions(council.id)
        .await?
        .into_iter()
        .filter(|e| e.starts_at <= at && at < e.ends_at)
        .collect())
}
