use crate::error::{StoreError, repo_error};
use crate::open::{Backend, Store};
use crate::rows::time_text;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, Execute, Transaction};
use steward_domain::audit::AuditRecord;
use steward_domain::{RepoError, RepoResult};

pub(crate) type Query<'q> = sqlx::query::Query<'q, Any, AnyArguments<'q>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Read,
    Write,
}

/// One database transaction. Dropping it without [`StoreTx::commit`] rolls it back.
pub struct StoreTx {
    tx: Transaction<'static, Any>,
    backend: Backend,
    mode: Mode,
    /// Set when any statement fails. PostgreSQL aborts the whole transaction on an error and
    /// then quietly turns COMMIT into ROLLBACK, while SQLite only undoes the one statement; so
    /// that both backends behave alike, a failed statement always costs the whole transaction.
    failed: bool,
    /// The audit chain heads this transaction has locked, as its appends have moved them.
    /// Each is written back once, at commit, however many records were appended.
    heads: Vec<ChainHead>,
    /// Statements sent so far, so tests can hold a page to a fixed number of them.
    statements: u64,
    /// Audit records appended but not yet written. They go to the database together, as one
    /// statement for up to [`AUDIT_ROWS_PER_INSERT`] records, before any statement that names
    /// `audit_events` and at commit: an import or a command that appends many records then
    /// costs one round trip for many, and every read of the log still sees them all.
    pending_audit: Vec<AuditRecord>,
    /// Search index rows (council, entity kind, entity id, word) added but not yet written,
    /// sent together in the same way before any statement that names `search_words`.
    pending_words: Vec<(i64, &'static str, i64, String)>,
    /// Whether PostgreSQL has been told to reuse each statement's generic plan for the rest
    /// of this transaction (see [`StoreTx::plan_once`]).
    plans_kept: bool,
}

/// Audit records one insert carries: 12 values each, under either backend's limit.
pub(crate) const AUDIT_ROWS_PER_INSERT: usize = 64;

/// Search index rows one insert carries: 4 values each.
const WORDS_PER_INSERT: usize = 200;

/// A council's audit chain head as a transaction holds it: read under lock on first use,
/// moved in memory by each append, written back on commit when `moved`.
#[derive(Clone, Debug)]
pub(crate) struct ChainHead {
    pub council_id: i64,
    pub seq: i64,
    pub hash: String,
    pub moved: bool,
}

/// How a transaction starts.
///
/// SQLite: a plain `BEGIN` takes no lock until the first statement, and a transaction that
/// reads and then writes can find another writer got in first; SQLite then fails it with
/// SQLITE_BUSY at once rather than waiting. `BEGIN IMMEDIATE` takes the write lock up front,
/// waiting (up to the busy timeout) for any other writer to finish, so once a write
/// transaction has started nothing else can invalidate what it read. Writers queue; readers in
/// WAL mode are never blocked. The transaction is sqlx's own, so a dropped one is rolled back
/// before its connection is reused, and the pool's release check closes a connection that
/// could not be rolled back.
///
/// PostgreSQL: read committed for writers, with the council row locked where a count must not
/// race (the audit chain, policy version numbers); readers get one repeatable-read snapshot.
fn begin_statement(backend: Backend, mode: Mode) -> &'static str {
    match (backend, mode) {
        (Backend::Sqlite, Mode::Write) => "BEGIN IMMEDIATE",
        (Backend::Sqlite, Mode::Read) => "BEGIN DEFERRED",
        (Backend::Postgres, Mode::Write) => "BEGIN ISOLATION LEVEL READ COMMITTED",
        (Backend::Postgres, Mode::Read) => "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
    }
}

impl StoreTx {
    pub(crate) async fn begin(store: &Store, mode: Mode) -> Result<StoreTx, StoreError> {
        let tx = store
            .pool
            .begin_with(begin_statement(store.backend, mode))
            .await
            .map_err(StoreError::Begin)?;
        Ok(StoreTx {
            tx,
            backend: store.backend,
            mode,
            failed: false,
            heads: Vec::new(),
            statements: 0,
            pending_audit: Vec::new(),
            pending_words: Vec::new(),
            plans_kept: false,
        })
    }

    /// Makes every write of the transaction permanent. A read-only transaction just ends.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        if !self.failed {
            // Rows queued for the log or the search index go first; a clash among them (a
            // record written behind the store's back) is named, as it would have been at once.
            if let Err(err) = self.flush_pending().await {
                self.tx.rollback().await.map_err(StoreError::Commit)?;
                return Err(StoreError::Repo(err));
            }
            self.write_back_heads().await;
        }
        if self.failed {
            self.tx.rollback().await.map_err(StoreError::Commit)?;
            return Err(StoreError::TransactionFailed);
        }
        match self.mode {
            Mode::Write => self.tx.commit().await.map_err(StoreError::Commit),
            Mode::Read => self.tx.rollback().await.map_err(StoreError::Commit),
        }
    }

    /// The chain head of `council_id` if this transaction has locked it.
    pub(crate) fn held_head(&mut self, council_id: i64) -> Option<&mut ChainHead> {
        self.heads.iter_mut().find(|h| h.council_id == council_id)
    }

    pub(crate) fn hold_head(&mut self, head: ChainHead) -> &mut ChainHead {
        self.heads.retain(|h| h.council_id != head.council_id);
        self.heads.push(head);
        let last = self.heads.len() - 1;
        &mut self.heads[last]
    }

    /// Writes each moved head back; a failure marks the transaction failed, so commit rolls
    /// everything back.
    async fn write_back_heads(&mut self) {
        let moved: Vec<ChainHead> = self.heads.iter().filter(|h| h.moved).cloned().collect();
        for head in moved {
            let query =
                sqlx::query("UPDATE audit_heads SET seq = $2, hash = $3 WHERE council_id = $1")
                    .bind(head.council_id)
                    .bind(head.seq)
                    .bind(head.hash);
            if self.exec(query).await.is_err() {
                return;
            }
        }
        for head in &mut self.heads {
            head.moved = false;
        }
    }

    /// Undoes the transaction now rather than when it is dropped.
    pub async fn rollback(self) -> Result<(), StoreError> {
        self.tx.rollback().await.map_err(StoreError::Commit)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn writable(&self) -> RepoResult<()> {
        match self.mode {
            Mode::Write => Ok(()),
            Mode::Read => Err(RepoError::Backend(
                "this transaction was opened for reading only".into(),
            )),
        }
    }

    /// Has PostgreSQL run every statement from here to the end of this read transaction by
    /// the plan it made once for that statement on this connection, instead of planning it
    /// again for each call's values. A list's page statement joins a few tables and offers
    /// each of them several indexes; planning it afresh took 0.3 to 0.7 ms at county size,
    /// longer than running it. Only for statements whose best plan does not turn on the
    /// values bound: a list walking an index in its sort order and joining a page's worth
    /// of rows by key is that plan for a council of 12 people or of 5,000. A setting, sent
    /// once and not counted among the statements, as BEGIN is not; SQLite plans by the
    /// schema alone and needs nothing.
    pub(crate) async fn plan_once(&mut self) -> RepoResult<()> {
        if self.backend != Backend::Postgres || self.mode != Mode::Read || self.plans_kept {
            return Ok(());
        }
        // A plan made once must suit the largest council as well as the smallest: with the
        // default cost of a page read from disk (4, for spinning disks) it joins a page's
        // rows by hashing a whole table, cheap for 12 people and dear for 5,000. A register
        // is read from memory, where looking a row up by key costs little more than reading
        // the next one.
        let result = sqlx::query(
            "SELECT set_config('plan_cache_mode', 'force_generic_plan', true), \
             set_config('random_page_cost', '1.1', true)",
        )
        .execute(&mut *self.tx)
        .await;
        self.plans_kept = true;
        result.map(|_| ()).map_err(|err| {
            self.failed = true;
            repo_error(err)
        })
    }

    /// A PostgreSQL setting as this transaction sees it, for tests and diagnostics; SQLite has
    /// none.
    pub async fn postgres_setting(&mut self, name: &str) -> RepoResult<Option<String>> {
        if self.backend != Backend::Postgres {
            return Ok(None);
        }
        let row = self
            .one(
                sqlx::query("SELECT current_setting($1) AS value").bind(name.to_string()),
                || format!("no setting {name}"),
            )
            .await?;
        crate::rows::Cols::new(&row, "settings")
            .text("value")
            .map(Some)
    }

    /// How many statements this transaction has sent, its own BEGIN not counted.
    pub fn statements_sent(&self) -> u64 {
        self.statements
    }

    fn noted<T>(&mut self, result: Result<T, sqlx::Error>) -> RepoResult<T> {
        self.statements += 1;
        result.map_err(|err| {
            self.failed = true;
            repo_error(err)
        })
    }

    pub(crate) async fn optional(&mut self, query: Query<'_>) -> RepoResult<Option<AnyRow>> {
        self.before(query.sql()).await?;
        let result = query.fetch_optional(&mut *self.tx).await;
        self.noted(result)
    }

    pub(crate) async fn all(&mut self, query: Query<'_>) -> RepoResult<Vec<AnyRow>> {
        self.before(query.sql()).await?;
        let result = query.fetch_all(&mut *self.tx).await;
        self.noted(result)
    }

    /// Runs a statement and returns how many rows it touched.
    pub(crate) async fn exec(&mut self, query: Query<'_>) -> RepoResult<u64> {
        self.before(query.sql()).await?;
        self.send(query).await
    }

    async fn send(&mut self, query: Query<'_>) -> RepoResult<u64> {
        let result = query.execute(&mut *self.tx).await;
        self.noted(result).map(|done| done.rows_affected())
    }

    /// Writes the waiting rows first when `sql` names their table.
    async fn before(&mut self, sql: &str) -> RepoResult<()> {
        if !self.pending_audit.is_empty() && sql.contains("audit_events") {
            self.flush_audit().await?;
        }
        if !self.pending_words.is_empty() && sql.contains("search_words") {
            self.flush_words().await?;
        }
        Ok(())
    }

    /// Writes everything waiting: before commit, or before a statement the caller sends on
    /// the connection itself.
    pub(crate) async fn flush_pending(&mut self) -> RepoResult<()> {
        self.flush_audit().await?;
        self.flush_words().await
    }

    /// Queues one search index row, writing the queue once it holds a statement's worth.
    pub(crate) async fn queue_word(
        &mut self,
        council_id: i64,
        entity: &'static str,
        entity_id: i64,
        word: String,
    ) -> RepoResult<()> {
        self.pending_words
            .push((council_id, entity, entity_id, word));
        if self.pending_words.len() >= WORDS_PER_INSERT {
            self.flush_words().await?;
        }
        Ok(())
    }

    async fn flush_words(&mut self) -> RepoResult<()> {
        let pending = std::mem::take(&mut self.pending_words);
        for chunk in pending.chunks(WORDS_PER_INSERT) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let n = i * 4;
                    format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4)
                })
                .collect();
            let sql = format!(
                "INSERT INTO search_words (council_id, entity, entity_id, word) VALUES {}",
                values.join(", ")
            );
            let mut insert = sqlx::query(&sql);
            for (council_id, entity, entity_id, word) in chunk {
                insert = insert
                    .bind(*council_id)
                    .bind(*entity)
                    .bind(*entity_id)
                    .bind(word.clone());
            }
            self.send(insert).await?;
        }
        Ok(())
    }

    /// Queues an appended record (its place in the chain already decided), writing the queue
    /// once it holds a statement's worth.
    pub(crate) async fn queue_audit(&mut self, record: AuditRecord) -> RepoResult<()> {
        self.pending_audit.push(record);
        if self.pending_audit.len() >= AUDIT_ROWS_PER_INSERT {
            self.flush_audit().await?;
        }
        Ok(())
    }

    /// Writes every queued audit record, in chain order.
    pub(crate) async fn flush_audit(&mut self) -> RepoResult<()> {
        let pending = std::mem::take(&mut self.pending_audit);
        for chunk in pending.chunks(AUDIT_ROWS_PER_INSERT) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let marks: Vec<String> = (1..=12).map(|k| format!("${}", i * 12 + k)).collect();
                    format!("({}, NULL)", marks.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO audit_events ({}) VALUES {}",
                crate::audit::RECORD,
                values.join(", ")
            );
            let mut insert = sqlx::query(&sql);
            for rec in chunk {
                insert = insert
                    .bind(rec.council_id)
                    .bind(rec.seq)
                    .bind(time_text(rec.at))
                    .bind(rec.actor.clone())
                    .bind(rec.action.clone())
                    .bind(rec.entity.clone())
                    .bind(rec.entity_id.clone())
                    .bind(rec.before.clone())
                    .bind(rec.after.clone())
                    .bind(rec.data_digest.clone())
                    .bind(rec.prev_hash.clone())
                    .bind(rec.hash.clone());
            }
            self.send(insert).await?;
        }
        Ok(())
    }

    /// A statement that must produce a row (an insert with RETURNING); `missing` explains
    /// why it might not, e.g. the parent record does not exist.
    pub(crate) async fn one(
        &mut self,
        query: Query<'_>,
        missing: impl FnOnce() -> String,
    ) -> RepoResult<AnyRow> {
        self.optional(query)
            .await?
            .ok_or_else(|| RepoError::Backend(missing()))
    }

    /// An update that must touch exactly the one row it names.
    pub(crate) async fn exec_one(
        &mut self,
        query: Query<'_>,
        missing: impl FnOnce() -> String,
    ) -> RepoResult<()> {
        match self.exec(query).await? {
            0 => Err(RepoError::Backend(missing())),
            _ => Ok(()),
        }
    }

    /// The connection, for a caller that streams one statement's rows itself. Call
    /// [`StoreTx::flush_pending`] first if the transaction may have written.
    pub(crate) fn connection(&mut self) -> &mut sqlx::AnyConnection {
        self.statements += 1;
        &mut self.tx
    }
}
