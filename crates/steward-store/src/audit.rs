//! The audit chain: appending in order, reading back, and verifying a council's whole chain.

use crate::error::{StoreError, repo_error};
use crate::open::{Backend, Store};
use crate::rows::{Cols, RowRef, date_text, time_text};
use crate::tx::{ChainHead, StoreTx};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::TryStreamExt;
use steward_domain::audit::{AuditHead, AuditRecord, ChainProblem, ChainReport, ChainVerifier};
use steward_domain::repo::AuditFilter;
use steward_domain::{AuditEvent, Id, RepoError, RepoResult};

pub(crate) const RECORD: &str = "council_id, seq, at, actor, action, entity, entity_id, before_data, \
                      after_data, data_digest, prev_hash, hash, erased_on";

pub(crate) fn record<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<AuditRecord> {
    let row: RowRef<'r> = row.into();
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
        erased_on: c.opt_date("erased_on")?,
    })
}

/// The council's chain head, locked for the rest of the transaction: read from `audit_heads`
/// on first use (PostgreSQL takes the row's lock; a SQLite writer holds the database's), then
/// kept in the transaction. None if there is no such council.
pub(crate) async fn held_head(tx: &mut StoreTx, council_id: Id) -> RepoResult<Option<ChainHead>> {
    if let Some(head) = tx.held_head(council_id) {
        return Ok(Some(head.clone()));
    }
    let sql = match tx.backend() {
        Backend::Postgres => "SELECT seq, hash FROM audit_heads WHERE council_id = $1 FOR UPDATE",
        Backend::Sqlite => "SELECT seq, hash FROM audit_heads WHERE council_id = $1",
    };
    let Some(row) = tx.optional(sqlx::query(sql).bind(council_id)).await? else {
        return Ok(None);
    };
    let c = Cols::new(&row, "audit_heads");
    let head = ChainHead {
        council_id,
        seq: c.int("seq")?,
        hash: c.text("hash")?,
        moved: false,
    };
    Ok(Some(tx.hold_head(head).clone()))
}

/// Appends after the council's current head.
///
/// The head is locked and read once a transaction ([`held_head`]); each append moves it in
/// memory, and commit writes it back once. Concurrent appenders for one council queue on the
/// head's row lock in PostgreSQL, so each sees the head the previous one left; in SQLite the
/// transaction already holds the write lock.
pub(crate) async fn append(
    tx: &mut StoreTx,
    council_id: Id,
    at: DateTime<Utc>,
    actor: &str,
    event: &AuditEvent,
) -> RepoResult<AuditRecord> {
    tx.writable()?;
    let head = held_head(tx, council_id)
        .await?
        .ok_or_else(|| RepoError::Backend(format!("no council has id {council_id}")))?;
    let prev = (head.seq > 0).then_some((head.seq, head.hash.as_str()));
    let rec = AuditRecord::chain(council_id, prev, at, actor, event);

    // Written with the next statement that reads the log, or at commit, several at once.
    tx.queue_audit(rec.clone()).await?;
    if let Some(held) = tx.held_head(council_id) {
        held.seq = rec.seq;
        held.hash = rec.hash.clone();
        held.moved = true;
    }
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

/// The latest `limit` records about one entity with one of `actions`, newest first. The
/// index on (council, entity, entity_id) finds them and they are sorted after: one entity has
/// few records. (Ordering by `seq` itself would let SQLite walk the whole chain backwards
/// through its primary key instead.)
pub(crate) async fn latest(
    tx: &mut StoreTx,
    council_id: Id,
    entity: &str,
    entity_id: &str,
    actions: &[&str],
    limit: i64,
) -> RepoResult<Vec<AuditRecord>> {
    if actions.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (0..actions.len()).map(|i| format!("${}", i + 4)).collect();
    let sql = format!(
        "SELECT {RECORD} FROM audit_events WHERE council_id = $1 AND entity = $2 \
         AND entity_id = $3 AND action IN ({}) ORDER BY seq + 0 DESC LIMIT {}",
        marks.join(", "),
        limit.clamp(0, 1_000)
    );
    let mut query = sqlx::query(&sql)
        .bind(council_id)
        .bind(entity.to_string())
        .bind(entity_id.to_string());
    for action in actions {
        query = query.bind(action.to_string());
    }
    tx.all(query).await?.iter().map(record).collect()
}

/// The council's recorded head seq (0 before the first record), as this transaction sees it,
/// or None if there is no such council.
pub(crate) async fn head_seq(tx: &mut StoreTx, council_id: Id) -> RepoResult<Option<i64>> {
    if let Some(head) = tx.held_head(council_id) {
        return Ok(Some(head.seq));
    }
    let query = sqlx::query("SELECT seq FROM audit_heads WHERE council_id = $1").bind(council_id);
    match tx.optional(query).await? {
        Some(row) => Cols::new(&row, "audit_heads").int("seq").map(Some),
        None => Ok(None),
    }
}

/// Locks the council's chain head the way an append does, so the head read here is still the
/// head when the transaction commits.
pub(crate) async fn lock_head(tx: &mut StoreTx, council_id: Id) -> RepoResult<Option<AuditHead>> {
    tx.writable()?;
    let Some(head) = held_head(tx, council_id).await? else {
        return Ok(None);
    };
    let (seq, hash) = (head.seq, head.hash);
    let at = match one(tx, council_id, seq).await? {
        Some(record) => Some(record.at),
        None if seq == 0 => None,
        None => {
            return Err(RepoError::Corrupt(format!(
                "council {council_id}'s chain head is record {seq}, which is not stored"
            )));
        }
    };
    Ok(Some(AuditHead { seq, hash, at }))
}

pub(crate) async fn one(
    tx: &mut StoreTx,
    council_id: Id,
    seq: i64,
) -> RepoResult<Option<AuditRecord>> {
    let sql = format!("SELECT {RECORD} FROM audit_events WHERE council_id = $1 AND seq = $2");
    let query = sqlx::query(&sql).bind(council_id).bind(seq);
    match tx.optional(query).await? {
        Some(row) => record(&row).map(Some),
        None => Ok(None),
    }
}

pub(crate) async fn erase(
    tx: &mut StoreTx,
    council_id: Id,
    seq: i64,
    on: NaiveDate,
) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "UPDATE audit_events SET before_data = NULL, after_data = NULL, erased_on = $3
         WHERE council_id = $1 AND seq = $2 AND erased_on IS NULL",
    )
    .bind(council_id)
    .bind(seq)
    .bind(date_text(on));
    match tx.exec(query).await? {
        1 => Ok(()),
        _ => Err(RepoError::Backend(format!(
            "audit record {seq} of council {council_id} is not stored or is already erased"
        ))),
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
        Ok(self.check_audit(council_id, []).await?.chain.outcome)
    }

    /// [`Store::verify_audit`] in full: also the hashes at the `watch` seqs (the seqs of signed
    /// checkpoints) and the council's recorded head. Reading and hashing run on two cores at
    /// once (see `audit_check.rs`).
    pub async fn check_audit(
        &self,
        council_id: i64,
        watch: impl IntoIterator<Item = i64>,
    ) -> Result<AuditCheck, StoreError> {
        self.check_audit_fast(council_id, ChainVerifier::watching(watch))
            .await
    }

    /// Streams a council's chain in seq order to `visit` until it returns false, and returns
    /// the council's recorded head, read in the same snapshot. A row that no longer reads back
    /// as a record (edited outside the program) is passed on as that record's problem.
    pub async fn visit_audit(
        &self,
        council_id: i64,
        mut visit: impl FnMut(Result<AuditRecord, ChainProblem>) -> bool,
    ) -> Result<i64, StoreError> {
        // One snapshot for the head and the records, so a concurrent append cannot make an
        // intact chain look truncated.
        let mut tx = self.read().await?;
        let head = head_seq(&mut tx, council_id)
            .await?
            .ok_or(StoreError::NoSuchCouncil(council_id))?;
        {
            let sql =
                format!("SELECT {RECORD} FROM audit_events WHERE council_id = $1 ORDER BY seq");
            let mut rows = sqlx::query(&sql).bind(council_id).fetch(tx.connection());
            while let Some(row) = rows.try_next().await.map_err(repo_error)? {
                let found = match record(&row) {
                    Ok(rec) => Ok(rec),
                    Err(RepoError::Corrupt(_)) => Err(ChainProblem::Altered {
                        seq: Cols::new(&row, "audit_events").int("seq")?,
                    }),
                    Err(other) => return Err(other.into()),
                };
                if !visit(found) {
                    break;
                }
            }
        }
        tx.rollback().await?;
        Ok(head)
    }

    /// The council's recorded head seq, for sizing progress bars.
    pub async fn audit_head_seq(&self, council_id: i64) -> Result<i64, StoreError> {
        let mut tx = self.read().await?;
        let head = head_seq(&mut tx, council_id)
            .await?
            .ok_or(StoreError::NoSuchCouncil(council_id))?;
        tx.rollback().await?;
        Ok(head)
    }
}

/// What checking a council's chain in the database found.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditCheck {
    /// The last seq the council's row says was written.
    pub head_seq: i64,
    pub chain: ChainReport,
}
