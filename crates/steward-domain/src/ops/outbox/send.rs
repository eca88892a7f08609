//! The sender's side: claim a message (committed before the mail server is contacted), then
//! record what happened, or find messages whose sender stopped half way.
//!
//! Each step is its own short transaction, so the claim is durable before any mail leaves and
//! a crash at any point leaves the message `sending` (later `uncertain`), never `queued`.

use super::audit_message;
use crate::ctx::Ctx;
use crate::error::DomainResult;
use crate::outbox::{
    LEASE, MAX_ATTEMPTS, MessageFilter, MessageState, Notice, OutboxMessage, OutboxTx,
    next_attempt_after,
};
use crate::records::Council;
use serde::{Deserialize, Serialize};

/// A message this sender now holds, with the notice it carries.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub message: OutboxMessage,
    pub notice: Notice,
    /// Only the holder of this claim may record how sending went.
    pub claim: String,
}

/// Why a send did not go through, in words free of personal data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SendFailure {
    /// The server refused for good (a 5xx reply): trying again would not help.
    pub permanent: bool,
    pub reason: String,
}

/// How many queued messages a claim looks at before giving up on a busy outbox.
const CLAIM_TRIES: i64 = 10;

/// Claims the oldest message that is due, or `None` when nothing is. The caller commits before
/// sending.
pub async fn claim_next<T: OutboxTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
) -> DomainResult<Option<Claimed>> {
    let filter = MessageFilter {
        states: vec![MessageState::Queued],
        due_by: Some(ctx.now),
        limit: Some(CLAIM_TRIES),
        ..MessageFilter::default()
    };
    for message in tx.messages(council.id, &filter).await? {
        let attempts = message.attempts + 1;
        let claim = format!("{}.{attempts}.{}", message.id, ctx.now.timestamp_micros());
        let claimed = OutboxMessage {
            state: MessageState::Sending,
            attempts,
            claim: Some(claim.clone()),
            claimed_at: Some(ctx.now),
            updated_at: ctx.now,
            ..message.clone()
        };
        if !tx
            .update_message_if(&claimed, &[MessageState::Queued], None)
            .await?
        {
            // Another sender got there first.
            continue;
        }
        let Some(notice) = tx.notice(council.id, message.notice_id).await? else {
            continue;
        };
        return Ok(Some(Claimed {
            message: claimed,
            notice,
            claim,
        }));
    }
    Ok(None)
}

/// Records that the mail server accepted the message. `false` when the claim was lost (an
/// officer resolved the message meanwhile); nothing is written then.
pub async fn record_sent<T: OutboxTx>(
    tx: &mut T,
    ctx: &Ctx,
    claimed: &Claimed,
) -> DomainResult<bool> {
    let before = &claimed.message;
    let after = OutboxMessage {
        state: MessageState::Sent,
        next_attempt_at: None,
        last_error: None,
        claim: None,
        sent_at: Some(ctx.now),
        updated_at: ctx.now,
        ..before.clone()
    };
    // A sender that outlived its lease still knows the truth, so `uncertain` is overwritten.
    let written = tx
        .update_message_if(
            &after,
            &[MessageState::Sending, MessageState::Uncertain],
            Some(&claimed.claim),
        )
        .await?;
    if written {
        audit_message(tx, ctx, "message.sent", before, &after).await?;
    }
    Ok(written)
}

/// Records a failed attempt: back to `queued` with a later `next_attempt_at`, or `failed` when
/// the refusal was permanent or the attempts are used up. `None` when the claim was lost.
pub async fn record_failure<T: OutboxTx>(
    tx: &mut T,
    ctx: &Ctx,
    claimed: &Claimed,
    failure: &SendFailure,
) -> DomainResult<Option<OutboxMessage>> {
    let before = &claimed.message;
    let give_up = failure.permanent || before.attempts >= MAX_ATTEMPTS;
    let after = OutboxMessage {
        state: if give_up {
            MessageState::Failed
        } else {
            MessageState::Queued
        },
        next_attempt_at: (!give_up).then(|| next_attempt_after(before.attempts, ctx.now)),
        last_error: Some(failure.reason.clone()),
        claim: None,
        updated_at: ctx.now,
        ..before.clone()
    };
    let written = tx
        .update_message_if(
            &after,
            &[MessageState::Sending, MessageState::Uncertain],
            Some(&claimed.claim),
        )
        .await?;
    if !written {
        return Ok(None);
    }
    if give_up {
        audit_message(tx, ctx, "message.failed", before, &after).await?;
    }
    Ok(Some(after))
}

/// Marks `uncertain` every message whose claim is older than the lease: its sender stopped
/// without saying whether the mail server took it, so it must not be sent again unasked.
pub async fn expire_claims<T: OutboxTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
) -> DomainResult<Vec<OutboxMessage>> {
    let filter = MessageFilter {
        states: vec![MessageState::Sending],
        claimed_before: Some(ctx.now - LEASE),
        ..MessageFilter::default()
    };
    let mut out = Vec::new();
    for before in tx.messages(council.id, &filter).await? {
        let after = OutboxMessage {
            state: MessageState::Uncertain,
            last_error: Some(
                "the sender stopped before recording whether the mail server accepted it".into(),
            ),
            updated_at: ctx.now,
            ..before.clone()
        };
        if tx
            .update_message_if(&after, &[MessageState::Sending], None)
            .await?
        {
            audit_message(tx, ctx, "message.uncertain", &before, &after).await?;
            out.push(after);
        }
    }
    Ok(out)
}
