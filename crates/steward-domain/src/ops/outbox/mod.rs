//! The outbox: queueing notices for their recipients, the sender's claim-send-record cycle, and
//! what officers do with messages that failed or may have gone.

pub mod list;
mod officer;
mod queue;
mod send;

pub use officer::{Resolution, resolve, retry};
pub use queue::{Audience, Queued, queue, recipients};
pub use send::{Claimed, SendFailure, claim_next, expire_claims, record_failure, record_sent};

use crate::error::{DomainError, DomainResult};
use crate::outbox::{MessageFilter, Notice, OutboxMessage, OutboxTx};
use crate::records::{Council, Id};
use serde::{Deserialize, Serialize};

/// A message with the notice it carries, for reading one in full.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MessageDetail {
    pub message: OutboxMessage,
    pub notice: Notice,
}

/// The council's messages matching `filter`, oldest first.
pub async fn list<T: OutboxTx>(
    tx: &mut T,
    council: &Council,
    filter: &MessageFilter,
) -> DomainResult<Vec<OutboxMessage>> {
    Ok(tx.messages(council.id, filter).await?)
}

pub async fn find<T: OutboxTx>(
    tx: &mut T,
    council: &Council,
    id: Id,
) -> DomainResult<OutboxMessage> {
    tx.message(council.id, id)
        .await?
        .ok_or_else(|| DomainError::not_found("message", id))
}

pub async fn detail<T: OutboxTx>(
    tx: &mut T,
    council: &Council,
    id: Id,
) -> DomainResult<MessageDetail> {
    let message = find(tx, council, id).await?;
    let notice = tx
        .notice(council.id, message.notice_id)
        .await?
        .ok_or_else(|| DomainError::not_found("notice", message.notice_id))?;
    Ok(MessageDetail { message, notice })
}

/// What the audit trail keeps of a message: its state, never its address.
#[derive(Serialize, schemars::JsonSchema)]
struct MessageAudit<'a> {
    key: &'a str,
    recipient: Option<String>,
    state: &'a str,
    attempts: i64,
    error: Option<&'a str>,
}

impl<'a> MessageAudit<'a> {
    fn of(m: &'a OutboxMessage) -> Self {
        MessageAudit {
            key: &m.key,
            recipient: m
                .person
                .as_ref()
                .map(ToString::to_string)
                .or_else(|| m.office.as_ref().map(|o| format!("office:{o}"))),
            state: m.state.as_str(),
            attempts: m.attempts,
            error: m.last_error.as_deref(),
        }
    }
}

/// Appends the audit record of a message's change from `before` to `after`.
async fn audit_message<T: OutboxTx>(
    tx: &mut T,
    ctx: &crate::Ctx,
    action: &str,
    before: &OutboxMessage,
    after: &OutboxMessage,
) -> DomainResult<()> {
    super::audit(
        tx,
        ctx,
        after.council_id,
        action,
        "message",
        after.id,
        Some(&MessageAudit::of(before)),
        Some(&MessageAudit::of(after)),
    )
    .await
}
