//! Operations on the audit chain itself: signed checkpoints, heartbeats for quiet periods, and
//! erasing personal data at the end of its retention. Each takes the time from `Ctx`, so a
//! scheduler can call them as well as the command line.

use crate::audit::checkpoint::{AuditKey, Checkpoint, Covered};
use crate::audit::{
    AuditHead, AuditRecord, CHECKPOINT_ACTION, ERASE_ACTION, HEARTBEAT_ACTION, timestamp_text,
};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::records::{AuditEvent, Council};
use crate::repo::RegisterTx;
use chrono::Duration;
use serde::Serialize;
use serde_json::json;

/// The entity the chain's own records are filed under, e.g. `audit log --entity audit`.
pub const ENTITY: &str = "audit";

async fn locked_head<T: RegisterTx>(tx: &mut T, council: &Council) -> DomainResult<AuditHead> {
    tx.lock_audit_head(council.id)
        .await?
        .ok_or_else(|| DomainError::not_found("council", &council.slug))
}

async fn append<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    action: &str,
    after: serde_json::Value,
) -> DomainResult<AuditRecord> {
    let event = AuditEvent {
        action: action.to_string(),
        entity: ENTITY.to_string(),
        entity_id: council.slug.to_string(),
        before: None,
        after: Some(after),
    };
    Ok(tx
        .append_audit(council.id, ctx.now, &ctx.actor, &event)
        .await?)
}

#[derive(Clone, Debug)]
pub struct CheckpointTaken {
    /// Covers the head as it was before `record`.
    pub checkpoint: Checkpoint,
    /// The chain's own note that the checkpoint was taken.
    pub record: AuditRecord,
}

/// Signs the council's current head and notes it in the chain. The head is read under the
/// same lock that appends the note, so nothing can slip in between. The caller writes the
/// checkpoint file before committing: if that fails, nothing is recorded.
pub async fn checkpoint<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    key: &AuditKey,
) -> DomainResult<CheckpointTaken> {
    let head = locked_head(tx, council).await?;
    let covered = Covered {
        council_slug: council.slug.as_str(),
        council_id: council.id,
        seq: head.seq,
        head_hash: &head.hash,
        head_at: head.at,
    };
    let checkpoint = Checkpoint::sign(&covered, ctx.now, key);
    let note = json!({
        "seq": checkpoint.seq,
        "head_hash": checkpoint.head_hash,
        "public_key": checkpoint.public_key,
        "file": checkpoint.file_name(),
    });
    let record = append(tx, ctx, council, CHECKPOINT_ACTION, note).await?;
    Ok(CheckpointTaken { checkpoint, record })
}

/// Appends a heartbeat when the chain has had no record for `quiet_for`, so a gap in time is
/// shown to be quiet rather than cut out. Returns None when a record is recent enough, which
/// makes repeated calls within the period harmless.
pub async fn heartbeat<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    quiet_for: Duration,
) -> DomainResult<Option<AuditRecord>> {
    if quiet_for <= Duration::zero() {
        return Err(DomainError::invalid(
            "quiet_for",
            "the quiet period must be longer than zero",
        ));
    }
    let head = locked_head(tx, council).await?;
    if let Some(last) = head.at
        && ctx.now < last + quiet_for
    {
        return Ok(None);
    }
    let note = json!({
        "quiet_since": head.at.map(timestamp_text),
        "quiet_for_seconds": quiet_for.num_seconds(),
    });
    Ok(Some(
        append(tx, ctx, council, HEARTBEAT_ACTION, note).await?,
    ))
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Erasure {
    /// Records whose data this call erased.
    pub erased: Vec<i64>,
    /// Records that were already erased and were left as they were.
    pub already_erased: Vec<i64>,
    /// The record of the erasure (none when nothing was left to erase).
    pub record: Option<AuditRecord>,
}

/// Erases the before/after data of the council's records `seqs` at the end of its retention,
/// keeping each record's digest so the chain still verifies, and records which records were
/// erased (never what they held). Records the chain writes about itself hold no personal data
/// and cannot be erased: the verifier needs them.
pub async fn erase_audit_data<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    seqs: &[i64],
) -> DomainResult<Erasure> {
    let mut seqs = seqs.to_vec();
    seqs.sort_unstable();
    seqs.dedup();
    if seqs.is_empty() {
        return Err(DomainError::invalid("seqs", "name at least one record"));
    }
    // Holding the head lock keeps erasures and appends for the council in one queue.
    locked_head(tx, council).await?;
    let mut erased = Vec::new();
    let mut already_erased = Vec::new();
    for seq in seqs {
        let record = tx
            .audit_record(council.id, seq)
            .await?
            .ok_or_else(|| DomainError::not_found("audit record", seq))?;
        if record.action.starts_with("audit.") {
            return Err(DomainError::invalid(
                "seqs",
                format!(
                    "record {seq} ({}) is the chain's own record and holds no personal data",
                    record.action
                ),
            ));
        }
        if record.erased_on.is_some() {
            already_erased.push(seq);
            continue;
        }
        tx.erase_audit_data(council.id, seq, ctx.today).await?;
        erased.push(seq);
    }
    let record = if erased.is_empty() {
        None
    } else {
        let note = json!({ "seqs": erased, "erased_on": ctx.today.format("%Y-%m-%d").to_string() });
        Some(append(tx, ctx, council, ERASE_ACTION, note).await?)
    };
    Ok(Erasure {
        erased,
        already_erased,
        record,
    })
}
