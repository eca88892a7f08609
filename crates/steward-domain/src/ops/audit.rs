//! Operations on the audit chain itself: signed checkpoints, heartbeats for quiet periods, and
//! erasing personal data at the end of its retention. Each takes the time from `Ctx`, so a
//! scheduler can call them as well as the command line.

use crate::audit::checkpoint::{AuditKey, Checkpoint, Covered, file_name, public_key_text};
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
    /// Covers the chain up to and including `record`.
    pub checkpoint: Checkpoint,
    /// The chain's own note that the checkpoint was taken.
    pub record: AuditRecord,
}

/// Notes in the chain that a checkpoint is taken, then signs the head that note makes, so the
/// checkpoint covers every record up to and including its own note: cutting the newest
/// record off is caught like cutting any other. The head is locked from reading it to the
/// commit, so nothing can slip in between. The note cannot hold its own hash; it names the
/// record it is (records are numbered without gaps) and the file. The caller writes the
/// checkpoint file before committing: if that fails, nothing is recorded.
pub async fn checkpoint<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    key: &AuditKey,
) -> DomainResult<CheckpointTaken> {
    let head = locked_head(tx, council).await?;
    let seq = head.seq + 1;
    let note = json!({
        "seq": seq,
        "public_key": public_key_text(&key.public()),
        "file": file_name(council.slug.as_str(), seq),
    });
    let record = append(tx, ctx, council, CHECKPOINT_ACTION, note).await?;
    let covered = Covered {
        council_slug: council.slug.as_str(),
        council_id: council.id,
        seq: record.seq,
        head_hash: &record.hash,
        head_at: Some(record.at),
    };
    let checkpoint = Checkpoint::sign(&covered, ctx.now, key);
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
