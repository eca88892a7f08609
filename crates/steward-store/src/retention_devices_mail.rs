//! Retention of device checks and of mail's records. Device checks and the milter's decisions
//! end a day at a time (the day observed, the day the message went), so each day is one record
//! of the plan; a mailbox snapshot's forwards end together, counted from its import. Purging
//! deletes the rows; the imports stay (time, officer, file name and counts), and the data of
//! the audit records about what went is erased with it.

use crate::rows::{Cols, date_text, parse_time};
use crate::tx::StoreTx;
use chrono::{Days, NaiveDate};
use steward_domain::retention::EndedRecord;
use steward_domain::{Id, RepoError, RepoResult};

/// The UTC day of a stored time (RFC 3339 text starts with it, on both backends).
const DAY_OF_OBSERVED: &str = "SUBSTR(observed_at, 1, 10)";
const DAY_OF_DECIDED: &str = "SUBSTR(decided_at, 1, 10)";

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn day_key(key: &str, what: &str) -> RepoResult<NaiveDate> {
    NaiveDate::parse_from_str(key, "%Y-%m-%d")
        .map_err(|_| RepoError::Backend(format!("'{key}' is not a day of {what}")))
}

/// The bounds of a day as stored times: from its first instant to the next day's.
fn day_bounds(day: NaiveDate) -> (String, String) {
    let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
    (date_text(day), date_text(next))
}

async fn by_day(
    tx: &mut StoreTx,
    council_id: Id,
    table: &'static str,
    day_of: &str,
    what: (&str, &str, &str),
) -> RepoResult<Vec<EndedRecord>> {
    let sql = format!(
        "SELECT {day_of} AS day, COUNT(*) AS n FROM {table} WHERE council_id = $1 GROUP BY {day_of}"
    );
    let rows = tx.all(sqlx::query(&sql).bind(council_id)).await?;
    rows.iter()
        .map(|row| {
            let c = Cols::new(row, table);
            let day = c.date("day")?;
            Ok(EndedRecord {
                key: date_text(day),
                reference: format!(
                    "{} of {day} ({})",
                    what.0,
                    plural(c.int("n")?, what.1, what.2)
                ),
                ended: day,
                held_by: None,
            })
        })
        .collect()
}

pub(crate) async fn device_days(tx: &mut StoreTx, council_id: Id) -> RepoResult<Vec<EndedRecord>> {
    let what = ("Device checks", "result", "results");
    by_day(
        tx,
        council_id,
        "posture_observations",
        DAY_OF_OBSERVED,
        what,
    )
    .await
}

pub(crate) async fn decision_days(
    tx: &mut StoreTx,
    council_id: Id,
) -> RepoResult<Vec<EndedRecord>> {
    let what = ("Outbound mail decisions", "message", "messages");
    by_day(tx, council_id, "mail_decisions", DAY_OF_DECIDED, what).await
}

/// Each import whose forwards are still held, counted from the day it was imported.
pub(crate) async fn forward_imports(
    tx: &mut StoreTx,
    council_id: Id,
) -> RepoResult<Vec<EndedRecord>> {
    let sql = "SELECT i.id, i.imported_at, COUNT(*) AS n FROM mail_forward_imports i \
        JOIN mail_forwards f ON f.council_id = i.council_id AND f.import_id = i.id \
        WHERE i.council_id = $1 GROUP BY i.id, i.imported_at";
    let rows = tx.all(sqlx::query(sql).bind(council_id)).await?;
    rows.iter()
        .map(|row| {
            let c = Cols::new(row, "mail_forward_imports");
            let id = c.int("id")?;
            let at = c.text("imported_at")?;
            let day = parse_time(&at)
                .map(|t| t.date_naive())
                .ok_or_else(|| RepoError::Corrupt("imported_at does not hold a time".into()))?;
            Ok(EndedRecord {
                key: id.to_string(),
                reference: format!(
                    "Mailbox snapshot {id} of {day} ({})",
                    plural(c.int("n")?, "forward", "forwards")
                ),
                ended: day,
                held_by: None,
            })
        })
        .collect()
}

/// The audit records about a day of device checks: each import's, once the newest day it
/// brought results for is this one (so its data goes with the last of its results).
pub(crate) const DEVICE_AUDIT_ABOUT: &str = "entity = 'posture_import' AND entity_id IN \
    (SELECT CAST(o.import_id AS TEXT) FROM posture_observations o WHERE o.council_id = $1 \
     GROUP BY o.import_id HAVING MAX(SUBSTR(o.observed_at, 1, 10)) = $2)";

/// The audit records of a day's decisions.
pub(crate) const DECISION_AUDIT_ABOUT: &str = "entity = 'mail_decision' AND entity_id IN \
    (SELECT CAST(d.id AS TEXT) FROM mail_decisions d WHERE d.council_id = $1 \
     AND SUBSTR(d.decided_at, 1, 10) = $2)";

/// The audit record of a snapshot's import.
pub(crate) const FORWARD_AUDIT_ABOUT: &str = "entity = 'mail_forward_import' AND entity_id = $2";

async fn delete_day(
    tx: &mut StoreTx,
    council_id: Id,
    table: &str,
    column: &str,
    key: &str,
    what: &str,
) -> RepoResult<()> {
    let (from, to) = day_bounds(day_key(key, what)?);
    let sql =
        format!("DELETE FROM {table} WHERE council_id = $1 AND {column} >= $2 AND {column} < $3");
    let query = sqlx::query(&sql).bind(council_id).bind(from).bind(to);
    match tx.exec(query).await? {
        0 => Err(RepoError::Backend(format!("no {what} of {key} to purge"))),
        _ => Ok(()),
    }
}

pub(crate) async fn purge_device_day(
    tx: &mut StoreTx,
    council_id: Id,
    key: &str,
) -> RepoResult<()> {
    let what = "device checks";
    delete_day(
        tx,
        council_id,
        "posture_observations",
        "observed_at",
        key,
        what,
    )
    .await?;
    // Days are purged oldest first (`ended_records` sorts them), so a deleted latest check
    // never leaves an older one of its item behind to take its place: an item either keeps
    // newer checks or has none left, and then stops reporting.
    crate::posture::unmark_silent(tx, council_id).await
}

pub(crate) async fn purge_decision_day(
    tx: &mut StoreTx,
    council_id: Id,
    key: &str,
) -> RepoResult<()> {
    let what = "outbound mail decisions";
    delete_day(tx, council_id, "mail_decisions", "decided_at", key, what).await
}

pub(crate) async fn purge_forwards(tx: &mut StoreTx, council_id: Id, key: &str) -> RepoResult<()> {
    let sql = "DELETE FROM mail_forwards WHERE council_id = $1 AND import_id = CAST($2 AS BIGINT)";
    match tx.exec(sqlx::query(sql).bind(council_id).bind(key)).await? {
        0 => Err(RepoError::Backend(format!(
            "no forwards of mailbox snapshot {key} to purge"
        ))),
        _ => Ok(()),
    }
}
