//! Schema migrations: numbered SQL files per backend, each applied once, in its own
//! transaction, recorded in `schema_migrations`.

use crate::error::StoreError;
use crate::open::{Backend, Store};
use crate::rows::time_text;
use chrono::Utc;
use sqlx::{Any, Row, Transaction};

struct Migration {
    version: i64,
    sql: &'static str,
}

const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("../migrations/sqlite/0001_initial.sql"),
    },
    Migration {
        version: 2,
        sql: include_str!("../migrations/sqlite/0002_accounts.sql"),
    },
    Migration {
        version: 3,
        sql: include_str!("../migrations/sqlite/0003_audit_erasure.sql"),
    },
    Migration {
        version: 4,
        sql: include_str!("../migrations/sqlite/0004_workflow.sql"),
    },
    Migration {
        version: 5,
        sql: include_str!("../migrations/sqlite/0005_outbox.sql"),
    },
    Migration {
        version: 6,
        sql: include_str!("../migrations/sqlite/0006_phones.sql"),
    },
    Migration {
        version: 7,
        sql: include_str!("../migrations/sqlite/0007_network.sql"),
    },
    Migration {
        version: 8,
        sql: include_str!("../migrations/sqlite/0008_information_requests.sql"),
    },
    Migration {
        version: 9,
        sql: include_str!("../migrations/sqlite/0009_retention.sql"),
    },
    Migration {
        version: 10,
        sql: include_str!("../migrations/sqlite/0010_county_scale.sql"),
    },
    Migration {
        version: 11,
        sql: include_str!("../migrations/sqlite/0011_item_lists.sql"),
    },
    Migration {
        version: 12,
        sql: include_str!("../migrations/sqlite/0012_workflow_lists.sql"),
    },
    Migration {
        version: 13,
        sql: include_str!("../migrations/sqlite/0013_due.sql"),
    },
    Migration {
        version: 14,
        sql: include_str!("../migrations/sqlite/0014_audit_lists.sql"),
    },
    Migration {
        version: 15,
        sql: include_str!("../migrations/sqlite/0015_reporting.sql"),
    },
    Migration {
        version: 16,
        sql: include_str!("../migrations/sqlite/0016_daily_runs.sql"),
    },
    Migration {
        version: 17,
        sql: include_str!("../migrations/sqlite/0017_distributable_keys.sql"),
    },
    Migration {
        version: 18,
        sql: include_str!("../migrations/sqlite/0018_admin_lists.sql"),
    },
    Migration {
        version: 19,
        sql: include_str!("../migrations/sqlite/0019_policy_in_force.sql"),
    },
    Migration {
        version: 20,
        sql: include_str!("../migrations/sqlite/0020_first_run.sql"),
    },
    Migration {
        version: 21,
        sql: include_str!("../migrations/sqlite/0021_request_routing.sql"),
    },
    Migration {
        version: 22,
        sql: include_str!("../migrations/sqlite/0022_posture.sql"),
    },
    Migration {
        version: 23,
        sql: include_str!("../migrations/sqlite/0023_mail.sql"),
    },
    Migration {
        version: 24,
        sql: include_str!("../migrations/sqlite/0024_oidc.sql"),
    },
    Migration {
        version: 25,
        sql: include_str!("../migrations/sqlite/0025_directory.sql"),
    },
    Migration {
        version: 26,
        sql: include_str!("../migrations/sqlite/0026_scim.sql"),
    },
    Migration {
        version: 27,
        sql: include_str!("../migrations/sqlite/0027_posture_exceptions.sql"),
    },
    Migration {
        version: 28,
        sql: include_str!("../migrations/sqlite/0028_oidc_attempt_limits.sql"),
    },
    Migration {
        version: 30,
        sql: include_str!("../migrations/sqlite/0030_posture_mail_retention.sql"),
    },
    Migration {
        version: 32,
        sql: include_str!("../migrations/sqlite/0032_forward_since.sql"),
    },
    Migration {
        version: 33,
        sql: include_str!("../migrations/sqlite/0033_loans_by_item.sql"),
    },
    Migration {
        version: 34,
        sql: include_str!("../migrations/sqlite/0034_reporting_items.sql"),
    },
    Migration {
        version: 35,
        sql: include_str!("../migrations/sqlite/0035_latest_observations.sql"),
    },
];

const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("../migrations/postgres/0001_initial.sql"),
    },
    Migration {
        version: 2,
        sql: include_str!("../migrations/postgres/0002_accounts.sql"),
    },
    Migration {
        version: 3,
        sql: include_str!("../migrations/postgres/0003_audit_erasure.sql"),
    },
    Migration {
        version: 4,
        sql: include_str!("../migrations/postgres/0004_workflow.sql"),
    },
    Migration {
        version: 5,
        sql: include_str!("../migrations/postgres/0005_outbox.sql"),
    },
    Migration {
        version: 6,
        sql: include_str!("../migrations/postgres/0006_phones.sql"),
    },
    Migration {
        version: 7,
        sql: include_str!("../migrations/postgres/0007_network.sql"),
    },
    Migration {
        version: 8,
        sql: include_str!("../migrations/postgres/0008_information_requests.sql"),
    },
    Migration {
        version: 9,
        sql: include_str!("../migrations/postgres/0009_retention.sql"),
    },
    Migration {
        version: 10,
        sql: include_str!("../migrations/postgres/0010_county_scale.sql"),
    },
    Migration {
        version: 11,
        sql: include_str!("../migrations/postgres/0011_item_lists.sql"),
    },
    Migration {
        version: 12,
        sql: include_str!("../migrations/postgres/0012_workflow_lists.sql"),
    },
    Migration {
        version: 13,
        sql: include_str!("../migrations/postgres/0013_due.sql"),
    },
    Migration {
        version: 14,
        sql: include_str!("../migrations/postgres/0014_audit_lists.sql"),
    },
    Migration {
        version: 15,
        sql: include_str!("../migrations/postgres/0015_reporting.sql"),
    },
    Migration {
        version: 16,
        sql: include_str!("../migrations/postgres/0016_daily_runs.sql"),
    },
    Migration {
        version: 17,
        sql: include_str!("../migrations/postgres/0017_distributable_keys.sql"),
    },
    Migration {
        version: 18,
        sql: include_str!("../migrations/postgres/0018_admin_lists.sql"),
    },
    Migration {
        version: 19,
        sql: include_str!("../migrations/postgres/0019_policy_in_force.sql"),
    },
    Migration {
        version: 20,
        sql: include_str!("../migrations/postgres/0020_first_run.sql"),
    },
    Migration {
        version: 21,
        sql: include_str!("../migrations/postgres/0021_request_routing.sql"),
    },
    Migration {
        version: 22,
        sql: include_str!("../migrations/postgres/0022_posture.sql"),
    },
    Migration {
        version: 23,
        sql: include_str!("../migrations/postgres/0023_mail.sql"),
    },
    Migration {
        version: 24,
        sql: include_str!("../migrations/postgres/0024_oidc.sql"),
    },
    Migration {
        version: 25,
        sql: include_str!("../migrations/postgres/0025_directory.sql"),
    },
    Migration {
        version: 26,
        sql: include_str!("../migrations/postgres/0026_scim.sql"),
    },
    Migration {
        version: 27,
        sql: include_str!("../migrations/postgres/0027_posture_exceptions.sql"),
    },
    Migration {
        version: 28,
        sql: include_str!("../migrations/postgres/0028_oidc_attempt_limits.sql"),
    },
    Migration {
        version: 30,
        sql: include_str!("../migrations/postgres/0030_posture_mail_retention.sql"),
    },
    Migration {
        version: 32,
        sql: include_str!("../migrations/postgres/0032_forward_since.sql"),
    },
    Migration {
        version: 33,
        sql: include_str!("../migrations/postgres/0033_loans_by_item.sql"),
    },
    Migration {
        version: 34,
        sql: include_str!("../migrations/postgres/0034_reporting_items.sql"),
    },
    Migration {
        version: 35,
        sql: include_str!("../migrations/postgres/0035_latest_observations.sql"),
    },
];

const LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY,
    applied_at TEXT NOT NULL
)";

/// Any fixed number: it only has to be the same for every process migrating this database.
const PG_MIGRATION_LOCK: i64 = 0x0053_5445_5741_5244;

fn migrations(backend: Backend) -> &'static [Migration] {
    match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    }
}

pub(crate) async fn run(store: &Store) -> Result<(), StoreError> {
    let known = migrations(store.backend);
    let latest = known.last().map_or(0, |m| m.version);
    // A database already up to date (every start but the first after an upgrade) is only
    // read: taking the migration lock would make a command wait on, or fail behind, whatever
    // the server is writing. A fresh database has no ledger yet, which reads as nothing done.
    let up_to_date = matches!(newest_applied(store).await, Ok(found) if found >= latest);
    if !up_to_date {
        for migration in known {
            apply(store, migration).await?;
        }
    }
    let found = newest_applied(store).await?;
    if found > latest {
        return Err(StoreError::SchemaTooNew {
            found,
            known: latest,
        });
    }
    Ok(())
}

/// Takes a lock that every migrating process takes, so two processes opening a new database
/// at once apply each migration exactly once: the second waits, then sees it recorded.
async fn locked(store: &Store, version: i64) -> Result<Transaction<'static, Any>, StoreError> {
    let fail = |source| StoreError::Migrate { version, source };
    let begin = match store.backend {
        Backend::Sqlite => "BEGIN IMMEDIATE",
        Backend::Postgres => "BEGIN",
    };
    let mut tx = store.pool.begin_with(begin).await.map_err(fail)?;
    if store.backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(PG_MIGRATION_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        // "relation already exists, skipping" on every open is noise.
        sqlx::raw_sql("SET LOCAL client_min_messages = warning")
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
    }
    sqlx::raw_sql(LEDGER)
        .execute(&mut *tx)
        .await
        .map_err(fail)?;
    Ok(tx)
}

async fn apply(store: &Store, migration: &Migration) -> Result<(), StoreError> {
    let version = migration.version;
    let fail = |source| StoreError::Migrate { version, source };
    let mut tx = locked(store, version).await?;
    let applied = sqlx::query("SELECT version FROM schema_migrations WHERE version = $1")
        .bind(version)
        .fetch_optional(&mut *tx)
        .await
        .map_err(fail)?;
    if applied.is_some() {
        return tx.rollback().await.map_err(fail);
    }
    sqlx::raw_sql(migration.sql)
        .execute(&mut *tx)
        .await
        .map_err(fail)?;
    fill(version, &mut tx).await.map_err(fail)?;
    sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
        .bind(version)
        .bind(time_text(Utc::now()))
        .execute(&mut *tx)
        .await
        .map_err(fail)?;
    tx.commit().await.map_err(fail)?;
    tracing::info!(version, "applied database migration");
    Ok(())
}

/// What a migration's SQL cannot do alone, done in its transaction: version 10's search
/// index and loans' return-by dates are worked out by the program's own rules, as are the
/// words version 18 adds to the index.
async fn fill(version: i64, tx: &mut Transaction<'static, Any>) -> Result<(), sqlx::Error> {
    if version == 10 {
        crate::search::fill(tx).await?;
        crate::loans::fill_return_by(tx).await?;
    }
    if version == 12 {
        crate::workflow::fill_offices(tx).await?;
        crate::info::fill(tx).await?;
    }
    if version == 18 {
        crate::search::fill_accounts_and_lines(tx).await?;
    }
    Ok(())
}

async fn newest_applied(store: &Store) -> Result<i64, StoreError> {
    let fail = |source| StoreError::Migrate { version: 0, source };
    let row = sqlx::query("SELECT version FROM schema_migrations ORDER BY version DESC LIMIT 1")
        .fetch_optional(&store.pool)
        .await
        .map_err(fail)?;
    match row {
        Some(row) => row.try_get::<i64, _>("version").map_err(fail),
        None => Ok(0),
    }
}
