//! The audit chain: appending in order, reading back, and verifying a council's whole chain.

use crate::error::{StoreError, repo_error};
use crate::open::Store;
use crate::rows::{Cols, time_text};
use crate::tx::StoreTx;
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use sqlx::any::AnyRow;
use steward_domain::audit::{AuditRecord, ChainProblem, ChainVerifier};
use steward_domain::repo::AuditFilter;
use steward_domain::{AuditEvent, Id, RepoError, RepoResult};

const RECORD: &str = "council_id, seq, at, actor, action, entity, entity_id, before_data, \
                      after_data, data_digest, prev_hash, hash";

fn record(row: &AnyRow) -> RepoResult<AuditRecord> {
    let c = Cols::new(row, "audit_events");
    Ok(AuditRecord {
        council_id: c.int("council_id")?,
        seq: c.int("seq")?,
        at: c.time("at")?,
        actor: c.text("actor")?,
        action: c.text("action")?,
        entity: c.text("entity")?,
        entity_id: c.text("entity_id")?,
        before: c.opt_text("before_data")?,
        after: c.opt_text("after_data")?,
        data_digest: c.text("data_digest")?,
        prev_hash: c.text("prev_hash")?,
        hash: c.text("hash")?,
    })
}

/// Appends after the council's current head.
///
/// The council row holds the head (last seq and hash). Bumping its seq first takes the row's
/// lock in PostgreSQL, so concurrent appenders for one council queue there and each sees the
/// head the previous one left; in SQLite the transaction already holds the write lock.
pub(crate) async fn append(
    tx: &mut StoreTx,
    council_id: Id,
    at: DateTime<Utc>,
    actor: &str,
    event: &AuditEvent,
) -> RepoResult<AuditRecord> {
    tx.writable()?;
    let bump = sqlx::query(
        "UPDATE councils SET audit_seq = audit_seq + 1 WHERE id = $1
         RETURNING audit_seq, audit_head",
    )
    .bind(council_id);
    let row = tx
        .one(bump, || format!("no council has id {council_id}"))
        .await?;
    let c = Cols::new(&row, "councils");
    let seq = c.int("audit_seq")?;
    let head = c.text("audit_head")?;
    let prev = (seq > 1).then(|| (seq - 1, head.as_str()));
    let rec = AuditRecord::chain(council_id, prev, at, actor, event);

    let sql = format!(
        "INSERT INTO audit_events ({RECORD}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    );
    let insert = sqlx::query(&sql)
        .bind(rec.council_id)
        .bind(rec.seq)
        .bind(time_text(rec.at))
        .bind(rec.actor.as_str())
        .bind(rec.action.as_str())
        .bind(rec.entity.as_str())
        .bind(rec.entity_id.as_str())
        .bind(rec.before.as_deref())
        .bind(rec.after.as_deref())
        .bind(rec.data_digest.as_str())
        .bind(rec.prev_hash.as_str())
        .bind(rec.hash.as_str());
    tx.exec(insert).await?;

    let set_head = sqlx::query("UPDATE councils SET audit_head = $2 WHERE id = $1")
        .bind(council_id)
        .bind(rec.hash.as_str());
    tx.exec(set_head).await?;
    Ok(rec)
}

enum Arg {
    Int(i64),
    Text(String),
}

pub(crate) async fn records(
    tx: &mut StoreTx,
    council_id: Id,
    filter: &AuditFilter,
) -> RepoResult<Vec<AuditRecord>> {
    let mut sql = format!("SELECT {RECORD} FROM audit_events WHERE council_id = $1");
    let mut args = vec![Arg::Int(council_id)];
    let mut add = |condition: &str, arg: Arg| {
        args.push(arg);
        sql.push_str(&format!(" AND {condition} ${}", args.len()));
    };
    if let Some(entity) = &filter.entity {
        add("entity =", Arg::Text(entity.clone()));
    }
    if let Some(entity_id) = &filter.entity_id {
        add("entity_id =", Arg::Text(entity_id.clone()));
    }
    // Timestamps are stored in one fixed-width UTC form, so text order is time order.
    if let Some(from) = filter.from {
        add("at >=", Arg::Text(time_text(from)));
    }
    if let Some(to) = filter.to {
        add("at <=", Arg::Text(time_text(to)));
    }
    if let Some(after) = filter.after_seq {
        add("seq >", Arg::Int(after));
    }
    sql.push_str(" ORDER BY seq");
    if let Some(limit) = filter.limit {
        args.push(Arg::Int(limit.max(0)));
        sql.push_str(&format!(" LIMIT ${}", args.len()));
    }
    let mut query = sqlx::query(&sql);
    for arg in args {
        query = match arg {
            Arg::Int(n) => query.bind(n),
            Arg::Text(t) => query.bind(t),
        };
    }
    tx.all(query).await?.iter().map(record).collect()
}

/// The council's recorded head seq (0 before the first record), or None if there is no such
/// council.
pub(crate) async fn head_seq(tx: &mut StoreTx, council_id: Id) -> RepoResult<Option<i64>> {
    let query = sqlx::query("SELECT audit_seq FROM councils WHERE id = $1").bind(council_id);
    match tx.optional(query).await? {
        Some(row) => Cols::new(&row, "councils").int("audit_seq").map(Some),
        None => Ok(None),
    }
}

impl Store {
    /// Checks a council's whole audit chain: every hash, every link, no gaps, and nothing
    /// removed after the last record. Returns the number of records checked, or the first
    /// problem. Records are streamed, so a long chain is not held in memory.
    pub async fn verify_audit(
        &self,
        council_id: i64,
    ) -> Result<Result<i64, ChainProblem>, StoreError> {
        // One snapshot for the head and the records, so a concurrent append cannot make an
        // intact chain look truncated.
        let mut tx = self.read().await?;
        let head = head_seq(&mut tx, council_id)
            .await?
            .ok_or(StoreError::NoSuchCouncil(council_id))?;
        let outcome = {
            let sql =
                format!("SELECT {RECORD} FROM audit_events WHERE council_id = $1 ORDER BY seq");
            let mut rows = sqlx::query(&sql).bind(council_id).fetch(tx.connection());
            let mut verifier = ChainVerifier::default();
            loop {
                let Some(row) = rows.try_next().await.map_err(repo_error)? else {
                    break verifier.finish(Some(head));
                };
                let checked = match record(&row) {
                    Ok(rec) => verifier.push(&rec),
                    // A stored value that no longer reads back was edited outside the program.
                    Err(RepoError::Corrupt(_)) => Err(ChainProblem::Altered {
                        seq: Cols::new(&row, "audit_events").int("seq")?,
                    }),
                    Err(other) => return Err(other.into()),
                };
                if let Err(problem) = checked {
                    break Err(problem);
                }
            }
        };
        tx.rollback().await?;
        Ok(outcome)
    }
}
