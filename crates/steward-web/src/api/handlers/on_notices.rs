//! Notifications: the outbox's messages, and settling those the sender could not.

use super::*;
use steward_domain::ops::outbox::list::{MessageListFilter, MessageSort};
use steward_domain::ops::outbox::{self, MessageDetail, Resolution};
use steward_domain::outbox::{MessageState, OutboxMessage};

/// Readers see every message; a member only those addressed to them.
fn own_only(caller: &Caller) -> ApiResult<Option<Id>> {
    match caller.principal.reader() {
        Ok(_) => Ok(None),
        Err(_) => Ok(Some(caller.principal.member()?.person_id)),
    }
}

pub(crate) async fn notifications_list(
    State(state): State<ApiState>,
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<OutboxMessage>>> {
    own_only(&caller)?;
    let state_choice = q
        .text("state")
        .map(|text| {
            text.parse::<MessageState>()
                .map_err(|e| ApiError::bad_field("state", e.to_string()))
        })
        .transpose()?;
    let filter = MessageListFilter {
        state: state_choice,
        person_id: None,
    };
    let query = q.list_query::<MessageSort, _>(filter)?;
    let (council, principal) = (&caller.council, &caller.principal);
    let page = outbox::list::list_kept(
        &mut tx,
        &state.counts,
        council,
        principal,
        &query,
        caller.today,
    )
    .await?;
    Ok(Json(page.into()))
}

pub(crate) async fn notification_show(
    Reader { caller, mut tx }: Reader,
    Seg(i): Seg,
) -> ApiResult<Json<MessageDetail>> {
    let own = own_only(&caller)?;
    let id = path_id("message", &i)?;
    let detail = outbox::detail(&mut tx, &caller.council, id).await?;
    // Someone else's message is as good as missing.
    if own.is_some() && detail.message.person_id != own {
        return Err(steward_domain::DomainError::not_found("message", id).into());
    }
    Ok(Json(detail))
}

pub(crate) async fn notification_retry(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
) -> ApiResult<Json<OutboxMessage>> {
    caller.principal.officer()?;
    let id = path_id("message", &i)?;
    let mut tx = write(&state).await?;
    let m = outbox::retry(&mut tx, &caller.ctx(), &caller.council, id).await?;
    tx.commit().await?;
    Ok(Json(m))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResolveBody {
    outcome: String,
}

pub(crate) async fn notification_resolve(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
    Body(b): Body<ResolveBody>,
) -> ApiResult<Json<OutboxMessage>> {
    caller.principal.officer()?;
    let id = path_id("message", &i)?;
    let resolution = match b.outcome.trim() {
        "sent" => Resolution::Sent,
        "resend" => Resolution::Resend,
        _ => {
            return Err(ApiError::invalid(
                "outcome",
                "give sent (it arrived) or resend (send it again)",
            ));
        }
    };
    let mut tx = write(&state).await?;
    let m = outbox::resolve(&mut tx, &caller.ctx(), &caller.council, id, resolution).await?;
    tx.commit().await?;
    Ok(Json(m))
}
