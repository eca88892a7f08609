//! Throwaway databases for tests, on the backend `STEWARD_TEST_BACKEND` selects: `sqlite`
//! (the default) or `postgres`, the latter on the server `STEWARD_TEST_PG` names (default
//! `postgres://postgres@127.0.0.1:5432/postgres`). Every `TestDb` is a fresh, empty database
//! that is removed when the value is dropped.
//!
//! Failing to set one up panics: this is only for tests, where that is the useful outcome.

use crate::error::StoreError;
use crate::open::{Backend, Store};
use sqlx::{Connection, PgConnection};
use std::hash::{BuildHasher, Hasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, SystemTime};
use tempfile::TempDir;

const DEFAULT_PG: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// How long dropping a PostgreSQL test database may hold up the test that owned it.
const DROP_WAIT: Duration = Duration::from_secs(30);

pub struct TestDb {
    /// The address to give [`Store::open`] or the `steward` binary.
    pub url: String,
    pub backend: Backend,
    /// Keeps the SQLite file's directory alive; removing it removes the database.
    _dir: Option<TempDir>,
    pg: Option<PgDatabase>,
}

struct PgDatabase {
    server: String,
    name: String,
}

impl TestDb {
    pub async fn new() -> TestDb {
        match backend_from_env() {
            Backend::Sqlite => sqlite(),
            Backend::Postgres => {
                let server = pg_server();
                let name = fresh_name();
                if let Err(err) = pg_run(&server, &format!("CREATE DATABASE {name}")).await {
                    panic!("could not create test database {name} on {server}: {err}");
                }
                postgres(server, name)
            }
        }
    }

    /// For plain `#[test]`s, e.g. those running the `steward` binary; also safe to call from
    /// inside an async runtime.
    pub fn new_blocking() -> TestDb {
        match backend_from_env() {
            Backend::Sqlite => sqlite(),
            Backend::Postgres => {
                let server = pg_server();
                let name = fresh_name();
                let sql = format!("CREATE DATABASE {name}");
                match on_own_runtime(server.clone(), sql, None) {
                    Ok(()) => postgres(server, name),
                    Err(err) => panic!("could not create test database {name} on {server}: {err}"),
                }
            }
        }
    }

    /// Opens the database (creating its schema).
    pub async fn open(&self) -> Result<Store, StoreError> {
        Store::open(&self.url).await
    }
}

/// Dropping a PostgreSQL database needs a connection, which is async, and `Drop` is not. It
/// runs on a thread of its own with its own small runtime, so it works whether or not the
/// dropping thread is inside a runtime (and cannot deadlock a single-threaded one); `drop`
/// waits for it for a bounded time so a test binary does not exit before its databases are
/// gone. `WITH (FORCE)` ends any connections a test left open. Best effort: a failure is
/// reported on stderr, not as a panic in `drop`.
impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(db) = self.pg.take() {
            let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", db.name);
            if let Err(err) = on_own_runtime(db.server, sql, Some(DROP_WAIT)) {
                eprintln!("could not remove test database {}: {err}", db.name);
            }
        }
    }
}

fn backend_from_env() -> Backend {
    match std::env::var("STEWARD_TEST_BACKEND").as_deref() {
        Err(_) | Ok("") | Ok("sqlite") => Backend::Sqlite,
        Ok("postgres") | Ok("postgresql") => Backend::Postgres,
        Ok(other) => panic!("STEWARD_TEST_BACKEND is '{other}'; use sqlite or postgres"),
    }
}

fn pg_server() -> String {
    std::env::var("STEWARD_TEST_PG")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| DEFAULT_PG.to_string())
}

fn sqlite() -> TestDb {
    let dir = match TempDir::new() {
        Ok(dir) => dir,
        Err(err) => panic!("could not make a directory for a test database: {err}"),
    };
    let url = format!("sqlite://{}", dir.path().join("steward.db").display());
    TestDb {
        url,
        backend: Backend::Sqlite,
        _dir: Some(dir),
        pg: None,
    }
}

fn postgres(server: String, name: String) -> TestDb {
    TestDb {
        url: with_database(&server, &name),
        backend: Backend::Postgres,
        _dir: None,
        pg: Some(PgDatabase { server, name }),
    }
}

/// A name no other test, in this process or another, is using: hex of a hash seeded by the
/// OS's randomness, mixed with the process id, the time and a counter.
fn fresh_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    h.write_u128(nanos);
    format!("steward_t_{:016x}", h.finish())
}

/// The server address with its database part replaced.
fn with_database(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (server, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut url = format!("{}/{name}", &base[..path_start]);
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    url
}

async fn pg_run(server: &str, sql: &str) -> Result<(), sqlx::Error> {
    let mut conn = PgConnection::connect(server).await?;
    sqlx::raw_sql(sql).execute(&mut conn).await?;
    conn.close().await
}

fn on_own_runtime(server: String, sql: String, wait: Option<Duration>) -> Result<(), String> {
    let (done, outcome) = mpsc::channel();
    std::thread::spawn(move || {
        let result = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| err.to_string())
            .and_then(|rt| {
                rt.block_on(pg_run(&server, &sql))
                    .map_err(|err| err.to_string())
            });
        let _ = done.send(result);
    });
    let received = match wait {
        Some(limit) => outcome.recv_timeout(limit).map_err(|err| err.to_string()),
        None => outcome.recv().map_err(|err| err.to_string()),
    };
    received.and_then(|result| result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_part_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "steward_t_1"),
            "postgres://postgres@127.0.0.1:5432/steward_t_1"
        );
        assert_eq!(
            with_database("postgresql://u:p@h/db?sslmode=disable", "x"),
            "postgresql://u:p@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
        assert_ne!(fresh_name(), fresh_name());
    }
}

/// Every SQL statement the process runs, as sqlx reports it through `tracing`: for tests that
/// check how many statements a piece of work issues, or how the database plans them.
///
/// sqlx's SQLite driver runs statements on a worker thread of its own, so the log listens
/// process-wide: a test using it should be alone in its test binary, or read only the
/// statements that match what it is looking for.
pub mod statements {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Mutex, OnceLock};
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    static LOG: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    static NEXT_SPAN: AtomicU64 = AtomicU64::new(1);

    struct Listener;

    struct Statement(Option<String>, Option<String>);

    impl Visit for Statement {
        fn record_str(&mut self, field: &Field, value: &str) {
            match field.name() {
                "summary" => self.0 = Some(value.to_string()),
                "db.statement" => self.1 = Some(value.to_string()),
                _ => {}
            }
        }

        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            if matches!(field.name(), "summary" | "db.statement") {
                self.record_str(field, format!("{value:?}").trim_matches('"'));
            }
        }
    }

    impl Subscriber for Listener {
        fn enabled(&self, metadata: &Metadata<'_>) -> bool {
            metadata.target() == "sqlx::query"
        }

        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(NEXT_SPAN.fetch_add(1, Ordering::Relaxed))
        }

        fn record(&self, _: &Id, _: &Record<'_>) {}

        fn record_follows_from(&self, _: &Id, _: &Id) {}

        fn event(&self, event: &Event<'_>) {
            let mut found = Statement(None, None);
            event.record(&mut found);
            // The full text when sqlx shortened the summary, else the summary is the text.
            let sql = match found {
                Statement(_, Some(full)) if !full.trim().is_empty() => full.trim().to_string(),
                Statement(Some(summary), _) => summary,
                _ => return,
            };
            if let Some(log) = LOG.get()
                && let Ok(mut log) = log.lock()
            {
                log.push(sql);
            }
        }

        fn enter(&self, _: &Id) {}

        fn exit(&self, _: &Id) {}
    }

    /// Starts listening (once per process; later calls do nothing). Panics if another global
    /// `tracing` subscriber is already set, which only a test would do.
    pub fn listen() {
        if LOG.set(Mutex::new(Vec::new())).is_ok()
            && tracing::subscriber::set_global_default(Listener).is_err()
        {
            panic!("a tracing subscriber was already set; the statement log cannot listen");
        }
    }

    /// The statements run since the last call, oldest first.
    pub fn take() -> Vec<String> {
        LOG.get()
            .and_then(|log| log.lock().ok().map(|mut log| std::mem::take(&mut *log)))
            .unwrap_or_default()
    }
}
