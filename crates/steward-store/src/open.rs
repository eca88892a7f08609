use crate::error::StoreError;
use crate::migrate;
use crate::tx::{Mode, StoreTx};
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Connection, Executor};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A pool of connections to one register database. Cheap to clone; clones share the pool.
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    /// The address the pool connects to, for the audit check's connection of the backend's
    /// own driver. Never printed: it may carry a password.
    pub(crate) url: std::sync::Arc<str>,
}

/// Only the backend: the pool's options include the address, which may carry a password.
impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

/// How long a SQLite connection waits for another process's write to finish before it gives
/// up with "database is locked": long enough for the server's largest write (an import of a
/// whole register) to finish while a command starts, as long as a pool waits for a
/// connection.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Every SQLite connection: a writer waits up to `BUSY_TIMEOUT` for another writer to finish
/// (the busy timeout is set first, so the other settings wait too); the write-ahead log lets
/// readers and the writer proceed without blocking each other; a full sync on each commit
/// makes an acknowledged write survive a crash or power cut; foreign keys are enforced
/// (SQLite leaves that to each connection to ask for).
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 30000;
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    PRAGMA foreign_keys = ON;";

impl Store {
    /// Opens (and on first use creates) the database and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let (backend, url) = connect_url(url)?;
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(BUSY_TIMEOUT)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(sqlx::raw_sql(SQLITE_PRAGMAS)).await?;
                    }
                    Ok(())
                })
            })
            .after_release(move |conn, _meta| {
                Box::pin(async move {
                    // A transaction dropped without commit queues its rollback on the
                    // connection; the ping makes it run. A connection still inside a
                    // transaction after that (the rollback failed) is in a state we cannot
                    // vouch for, so it is closed rather than handed to the next caller.
                    // SQLite's driver counts the transaction as open until its worker has
                    // run the rollback, so a connection it reports outside any transaction
                    // has nothing queued and goes back as it is: a ping on every release
                    // is one more round trip through the worker on every page. The
                    // PostgreSQL driver counts a queued rollback as done at once, so there
                    // the ping always runs.
                    if backend == Backend::Sqlite && !conn.is_in_transaction() {
                        return Ok(true);
                    }
                    conn.ping().await?;
                    Ok(!conn.is_in_transaction())
                })
            })
            .connect(&url)
            .await
            .map_err(StoreError::Connect)?;
        let store = Store {
            pool,
            backend,
            url: url.into(),
        };
        migrate::run(&store).await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A transaction for reading and writing. Commit it with [`StoreTx::commit`]; dropping it
    /// rolls back.
    pub async fn begin(&self) -> Result<StoreTx, StoreError> {
        StoreTx::begin(self, Mode::Write).await
    }

    /// A transaction that sees one consistent snapshot and refuses writes. It holds no write
    /// lock, so any number can run beside a writer.
    pub async fn read(&self) -> Result<StoreTx, StoreError> {
        StoreTx::begin(self, Mode::Read).await
    }

    /// Has PostgreSQL do at once what autovacuum does some while after a large change: gather
    /// the statistics its planner chooses joins by, and mark the pages whose rows every reader
    /// sees, which lets an index answer alone. Without them a register filled moments ago
    /// looks empty to the planner, and a list joining loans to items can take seconds. SQLite's
    /// planner needs neither for the register's queries.
    pub async fn refresh_statistics(&self) -> Result<(), StoreError> {
        self.postgres_only("VACUUM ANALYZE").await
    }

    /// The underlying pool, for diagnostics and tests. Register changes belong in a
    /// [`StoreTx`], which keeps the audit chain and the locking rules.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// How many notices one sweep queues before the planner's statistics are refreshed.
    pub const MANY_NOTICES: usize = 100;

    /// Brings the database's statistics up to date after loading much at once (a demo, a
    /// large import), so that PostgreSQL's planner chooses the indexes the lists are built for
    /// before its own background analysis gets round to it. SQLite plans by the schema alone.
    pub async fn analyze(&self) -> Result<(), StoreError> {
        self.postgres_only("ANALYZE").await
    }

    /// After a sweep that queued `queued` notices, when they are many, gathers PostgreSQL's
    /// statistics for the tables it adds to: a sweep that queues hundreds of notices into an
    /// outbox the planner last saw empty would otherwise have the notifications list planned
    /// for an empty table (a scan of every notice per message) until autovacuum comes round.
    /// Vacuumed as well, their pages are marked all-visible, so the outbox list's count reads
    /// its index alone rather than every message's row.
    pub async fn analyze_after_sweep(&self, queued: usize) -> Result<(), StoreError> {
        if queued >= Self::MANY_NOTICES {
            self.postgres_only("VACUUM (ANALYZE) notices, outbox")
                .await?;
        }
        Ok(())
    }

    /// Runs a statement of PostgreSQL's upkeep; SQLite has none to run.
    async fn postgres_only(&self, sql: &'static str) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            sqlx::raw_sql(sql)
                .execute(&self.pool)
                .await
                .map_err(|e| StoreError::Repo(crate::error::repo_error(e)))?;
        }
        Ok(())
    }

    /// Closes every connection; waits for those in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Checks the address and returns the backend with the address the driver should get.
fn connect_url(url: &str) -> Result<(Backend, String), StoreError> {
    let url = url.trim();
    if let Some(rest) = url.strip_prefix("sqlite://") {
        let path = rest.split('?').next().unwrap_or_default();
        if path.is_empty() {
            return Err(StoreError::UnsupportedUrl(
                "the sqlite:// address has no file path",
            ));
        }
        if path.contains(":memory:") || rest.contains("mode=memory") {
            return Err(StoreError::UnsupportedUrl(
                "in-memory SQLite databases are not supported",
            ));
        }
        // Create the file on first use unless the caller chose a mode.
        let url = match rest.split_once('?') {
            Some((_, query)) if query.split('&').any(|p| p.starts_with("mode=")) => url.to_string(),
            Some(_) => format!("{url}&mode=rwc"),
            None => format!("{url}?mode=rwc"),
        };
        return Ok((Backend::Sqlite, url));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url.to_string()));
    }
    if url.starts_with("sqlite:") {
        return Err(StoreError::UnsupportedUrl(
            "SQLite addresses must start with sqlite:// followed by a file path",
        ));
    }
    Err(StoreError::UnsupportedUrl("unsupported database address"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked() {
        let ok = |u: &str| connect_url(u).ok();
        assert_eq!(
            ok("sqlite:///var/lib/steward.db"),
            Some((
                Backend::Sqlite,
                "sqlite:///var/lib/steward.db?mode=rwc".into()
            ))
        );
        assert_eq!(
            ok("sqlite://reg.db?mode=ro"),
            Some((Backend::Sqlite, "sqlite://reg.db?mode=ro".into()))
        );
        assert_eq!(
            ok("postgres://u@h/db").map(|x| x.0),
            Some(Backend::Postgres)
        );
        assert_eq!(
            ok("postgresql://u@h/db").map(|x| x.0),
            Some(Backend::Postgres)
        );
        for bad in [
            "sqlite::memory:",
            "sqlite://:memory:",
            "sqlite://",
            "mysql://x",
            "reg.db",
        ] {
            assert!(connect_url(bad).is_err(), "{bad}");
        }
    }
}
