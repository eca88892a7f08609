use sqlx::error::{DatabaseError, ErrorKind};
use steward_domain::RepoError;

/// Failures outside a single register operation: opening, migrating, starting and ending
/// transactions.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database address is not one we can open. The address itself is not repeated: it
    /// may carry a password.
    #[error(
        "{0}; use sqlite://PATH (the file is created on first use) or \
         postgres://USER@HOST:PORT/DATABASE (postgresql:// also works)"
    )]
    UnsupportedUrl(&'static str),
    #[error("could not connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("could not bring the database schema to version {version}: {source}")]
    Migrate {
        version: i64,
        #[source]
        source: sqlx::Error,
    },
    #[error(
        "the database schema is at version {found}, newer than this program knows (up to \
         {known}); use a newer release"
    )]
    SchemaTooNew { found: i64, known: i64 },
    #[error("could not start a transaction: {0}")]
    Begin(#[source] sqlx::Error),
    #[error("could not commit the transaction: {0}")]
    Commit(#[source] sqlx::Error),
    /// A statement inside the transaction failed, so nothing it did was kept.
    #[error("a statement in the transaction failed, so the transaction was rolled back")]
    TransactionFailed,
    #[error("no council has id {0}")]
    NoSuchCouncil(i64),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Maps a database error to the domain's error. Unique violations are named by constraint so
/// callers can tell which rule was broken; the names are the same on both backends.
pub(crate) fn repo_error(err: sqlx::Error) -> RepoError {
    match err {
        sqlx::Error::Database(db) if db.kind() == ErrorKind::UniqueViolation => {
            RepoError::Conflict {
                constraint: constraint_name(db.as_ref()),
            }
        }
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
            RepoError::Corrupt(err.to_string())
        }
        // Database messages name tables and constraints, not the rejected values, so they are
        // safe to pass on; row data is personal data and never goes into an error.
        other => RepoError::Backend(other.to_string()),
    }
}

fn constraint_name(db: &dyn DatabaseError) -> String {
    if let Some(name) = db.constraint() {
        return name.to_string();
    }
    // SQLite names the columns instead: "UNIQUE constraint failed: people.council_id,
    // people.reference".
    let columns = db
        .message()
        .split_once("constraint failed: ")
        .map(|(_, cols)| cols.trim())
        .unwrap_or_default();
    sqlite_unique_index(columns)
        .map(str::to_string)
        .unwrap_or_else(|| columns.to_string())
}

fn sqlite_unique_index(columns: &str) -> Option<&'static str> {
    Some(match columns {
        "councils.slug" => "councils_slug_unique",
        "pack_versions.council_id, pack_versions.number" => "pack_versions_number_unique",
        "people.council_id, people.reference" => "people_ref_unique",
        "equipment.council_id, equipment.asset_tag" => "equipment_tag_unique",
        "loans.equipment_id" => "loans_one_open_per_equipment",
        "audit_events.council_id, audit_events.seq" => "audit_events_pkey",
        "schema_migrations.version" => "schema_migrations_pkey",
        "users.council_id, users.username" => "users_username_unique",
        "sessions.id_hash" => "sessions_pkey",
        "api_tokens.token_hash" => "api_tokens_hash_unique",
        "phone_lines.council_id, phone_lines.number" => "phone_lines_number_unique",
        "phone_bills.line_id, phone_bills.period" => "phone_bills_line_period_unique",
        "phone_statements.bill_id, phone_statements.person_id" => {
            "phone_statements_bill_person_unique"
        }
        "notices.council_id, notices.notice_key" => "notices_key_unique",
        "outbox.council_id, outbox.message_id" => "outbox_message_id_unique",
        "proxy_users.council_id, proxy_users.username" => "proxy_users_username_unique",
        "equipment_addresses.council_id, equipment_addresses.address" => {
            "equipment_addresses_address_unique"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_column_lists_map_to_index_names() {
        assert_eq!(
            sqlite_unique_index("people.council_id, people.reference"),
            Some("people_ref_unique")
        );
        assert_eq!(
            sqlite_unique_index("loans.equipment_id"),
            Some("loans_one_open_per_equipment")
        );
        assert_eq!(
            sqlite_unique_index("users.council_id, users.username"),
            Some("users_username_unique")
        );
        assert_eq!(
            sqlite_unique_index("api_tokens.token_hash"),
            Some("api_tokens_hash_unique")
        );
        assert_eq!(sqlite_unique_index("people.name"), None);
    }
}
