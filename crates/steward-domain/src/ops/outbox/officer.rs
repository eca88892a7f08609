//! What an officer does with a message the sender could not settle.

use super::{audit_message, find};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::outbox::{MessageState, OutboxMessage, OutboxTx};
use crate::records::{Council, Id};
use serde::{Deserialize, Serialize};

/// An officer's answer for an `uncertain` message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The recipient did get it (the officer checked): record it as sent.
    Sent,
    /// It did not arrive: queue it to be sent again.
    Resend,
}

async fn write<T: OutboxTx>(
    tx: &mut T,
    ctx: &Ctx,
    action: &str,
    before: &OutboxMessage,
    after: OutboxMessage,
) -> DomainResult<OutboxMessage> {
    if !tx.update_message_if(&after, &[before.state], None).await? {
        return Err(DomainError::Conflict {
            field: "message".into(),
            message: format!(
                "message {} changed while you were looking at it; look again",
                before.id
            ),
        });
    }
    audit_message(tx, ctx, action, before, &after).await?;
    Ok(after)
}

/// Settles an `uncertain` message as sent, or queues it to be sent again.
pub async fn resolve<T: OutboxTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    id: Id,
    resolution: Resolution,
) -> DomainResult<OutboxMessage> {
    let before = find(tx, council, id).await?;
    if before.state != MessageState::Uncertain {
        return Err(DomainError::invalid(
            "message",
            format!(
                "message {id} is {}; only a message that may have been sent needs settling",
                before.state.label().to_lowercase()
            ),
        ));
    }
    let after = match resolution {
        Resolution::Sent => OutboxMessage {
            state: MessageState::Sent,
            next_attempt_at: None,
            claim: None,
            updated_at: ctx.now,
            ..before.clone()
        },
        Resolution::Resend => OutboxMessage {
            state: MessageState::Queued,
            attempts: 0,
            next_attempt_at: Some(ctx.now),
            last_error: None,
            claim: None,
            claimed_at: None,
            updated_at: ctx.now,
            ..before.clone()
        },
    };
    let action = match resolution {
        Resolution::Sent => "message.resolve_sent",
        Resolution::Resend => "message.resend",
    };
    write(tx, ctx, action, &before, after).await
}

/// Queues a `failed` message (or one that had no address, once the register has one) to be
/// tried again from the start.
pub async fn retry<T: OutboxTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    id: Id,
) -> DomainResult<OutboxMessage> {
    let before = find(tx, council, id).await?;
    let address = match before.state {
        MessageState::Failed => before.address.clone(),
        MessageState::NoAddress => {
            let Some(person_id) = before.person_id else {
                return Err(DomainError::invalid(
                    "message",
                    "this message is for an office no one holds; it cannot be sent",
                ));
            };
            let person = tx
                .person(council.id, person_id)
                .await?
                .ok_or_else(|| DomainError::not_found("person", person_id))?;
            match person.email.map(|e| e.trim().to_string()) {
                Some(address) if !address.is_empty() => Some(address),
                _ => {
                    return Err(DomainError::invalid(
                        "message",
                        format!(
                            "{} has no email address in the register; add one, then try again",
                            person.name
                        ),
                    ));
                }
            }
        }
        other => {
            return Err(DomainError::invalid(
                "message",
                format!(
                    "message {id} is {}; only failed messages and those without an address \
                     can be tried again",
                    other.label().to_lowercase()
                ),
            ));
        }
    };
    let after = OutboxMessage {
        state: MessageState::Queued,
        address,
        attempts: 0,
        next_attempt_at: Some(ctx.now),
        last_error: None,
        claim: None,
        claimed_at: None,
        updated_at: ctx.now,
        ..before.clone()
    };
    write(tx, ctx, "message.retry", &before, after).await
}
