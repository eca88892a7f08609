use crate::error::{StoreError, repo_error};
use crate::open::{Backend, Store};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, Transaction};
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
}

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
        })
    }

    /// Makes every write of the transaction permanent. A read-only transaction just ends.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        if !self.failed {
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
        let result = query.fetch_optional(&mut *self.tx).await;
        self.noted(result)
    }

    pub(crate) async fn all(&mut self, query: Query<'_>) -> RepoResult<Vec<AnyRow>> {
        let result = query.fetch_all(&mut *self.tx).await;
        self.noted(result)
    }

    /// Runs a statement and returns how many rows it touched.
    pub(crate) async fn exec(&mut self, query: Query<'_>) -> RepoResult<u64> {
        let result = query.execute(&mut *self.tx).await;
        self.noted(result).map(|done| done.rows_affected())
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

    /// The connection, for a caller that streams one statement's rows itself.
    pub(crate) fn connection(&mut self) -> &mut sqlx::AnyConnection {
        self.statements += 1;
        &mut self.tx
    }
}
