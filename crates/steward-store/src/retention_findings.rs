//! Retention of the web filter's findings, one day at a time: a day's findings end on that
//! day; the day is held while a breach case its findings opened is still open. Purging a day
//! deletes its findings and the record of which case they opened (with the day past its
//! period, a rescan records nothing for it, so nothing is left to open a case twice). The
//! scans stay: their time, officer and counts name nobody.

use crate::rows::{Cols, date_text};
use crate::tx::StoreTx;
use chrono::NaiveDate;
use steward_domain::retention::EndedRecord;
use steward_domain::{Id, RepoError, RepoResult};

pub(crate) async fn days(tx: &mut StoreTx, council_id: Id) -> RepoResult<Vec<EndedRecord>> {
    let sql = "SELECT f.day, COUNT(*) AS cells, \
            (SELECT COUNT(*) FROM web_finding_cases w JOIN cases c \
              ON c.council_id = w.council_id AND c.id = w.case_id \
              WHERE w.council_id = $1 AND w.day = f.day AND c.closed_at IS NULL) AS open_cases \
        FROM web_findings f WHERE f.council_id = $1 GROUP BY f.day";
    let rows = tx.all(sqlx::query(sql).bind(council_id)).await?;
    rows.iter()
        .map(|row| {
            let c = Cols::new(row, "web_findings");
            let day = c.date("day")?;
            let cells = c.int("cells")?;
            let open = c.int("open_cases")?;
            Ok(EndedRecord {
                key: date_text(day),
                reference: format!(
                    "Web findings of {day} ({cells} finding{})",
                    if cells == 1 { "" } else { "s" }
                ),
                ended: day,
                held_by: (open > 0).then(|| {
                    format!(
                        "{open} breach case{} they opened {} still open",
                        if open == 1 { "" } else { "s" },
                        if open == 1 { "is" } else { "are" }
                    )
                }),
            })
        })
        .collect()
}

/// The audit records about a day's findings: each scan's, once the newest day it found
/// anything on is this one (so its data goes with the last of its findings). A scan whose
/// findings were all replaced by a later scan of the same log keeps its record's data: file
/// names and counts.
pub(crate) const AUDIT_ABOUT: &str = "entity = 'web_scan' AND entity_id IN \
    (SELECT CAST(f.scan_id AS TEXT) FROM web_findings f WHERE f.council_id = $1 \
     GROUP BY f.scan_id HAVING MAX(f.day) = $2)";

pub(crate) async fn purge_day(tx: &mut StoreTx, council_id: Id, key: &str) -> RepoResult<()> {
    let day = NaiveDate::parse_from_str(key, "%Y-%m-%d")
        .map_err(|_| RepoError::Backend(format!("'{key}' is not a day of findings")))?;
    let day = date_text(day);
    let cases = "DELETE FROM web_finding_cases WHERE council_id = $1 AND day = $2";
    tx.exec(sqlx::query(cases).bind(council_id).bind(day.as_str()))
        .await?;
    let findings = "DELETE FROM web_findings WHERE council_id = $1 AND day = $2";
    match tx
        .exec(sqlx::query(findings).bind(council_id).bind(day.as_str()))
        .await?
    {
        0 => Err(RepoError::Backend(format!(
            "no web findings of {day} to purge"
        ))),
        _ => Ok(()),
    }
}
