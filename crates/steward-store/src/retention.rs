//! The domain's retention interface, `RetentionTx`: ended records of each kind, the audit
//! records about one, and purging one.

use crate::retention_devices_mail as devices_mail;
use crate::retention_findings;
use crate::rows::{Cols, date_text, parse_time};
use crate::tx::StoreTx;
use chrono::NaiveDate;
use sqlx::any::AnyRow;
use steward_domain::retention::{EndedRecord, RetentionTx};
use steward_domain::{Id, RepoError, RepoResult};
use steward_policy::retention::RecordKind;

/// A purged text column: the row stays readable, its words are gone.
const ERASED: &str = "(erased)";

/// Audit records that still hold data and are not the chain's own.
const LIVE_AUDIT: &str = "council_id = $1 AND erased_on IS NULL AND action NOT LIKE 'audit.%'";

impl RetentionTx for StoreTx {
    async fn ended_records(
        &mut self,
        council_id: Id,
        kind: RecordKind,
    ) -> RepoResult<Vec<EndedRecord>> {
        let mut records = match kind {
            RecordKind::ClosedRequests => closed(self, council_id, "requests", "Request").await?,
            RecordKind::ClosedCases => closed(self, council_id, "cases", "Case").await?,
            RecordKind::Leavers => leavers(self, council_id).await?,
            RecordKind::Notices => notices(self, council_id).await?,
            RecordKind::Sessions => sessions(self, council_id).await?,
            RecordKind::MonitoringFindings => retention_findings::days(self, council_id).await?,
            RecordKind::DeviceChecks => devices_mail::device_days(self, council_id).await?,
            RecordKind::MailForwards => devices_mail::forward_imports(self, council_id).await?,
            RecordKind::MailDecisions => devices_mail::decision_days(self, council_id).await?,
        };
        records.sort_by(|a, b| a.ended.cmp(&b.ended).then_with(|| a.key.cmp(&b.key)));
        Ok(records)
    }

    async fn audit_about(
        &mut self,
        council_id: Id,
        kind: RecordKind,
        key: &str,
    ) -> RepoResult<Vec<i64>> {
        let about = match kind {
            RecordKind::ClosedRequests => "entity = 'request' AND entity_id = $2",
            RecordKind::ClosedCases => "entity = 'case' AND entity_id = $2",
            // A proxy user name's records are found by the person they name, since a name
            // already removed is no longer in the table.
            RecordKind::Leavers => {
                "((entity = 'person' AND entity_id = $2) OR (entity = 'proxy_user' AND \
                 (after_data LIKE '%\"person\":\"' || $2 || '\"%' \
                  OR before_data LIKE '%\"person\":\"' || $2 || '\"%')))"
            }
            RecordKind::Notices => {
                "((entity = 'notice' AND entity_id = $2) OR (entity = 'message' AND entity_id IN \
                 (SELECT CAST(o.id AS TEXT) FROM outbox o JOIN notices n \
                  ON n.council_id = o.council_id AND n.id = o.notice_id \
                  WHERE n.council_id = $1 AND n.notice_key = $2)))"
            }
            // Sign-in records name the account and the time, which the chain keeps.
            RecordKind::Sessions => return Ok(Vec::new()),
            RecordKind::MonitoringFindings => retention_findings::AUDIT_ABOUT,
            RecordKind::DeviceChecks => devices_mail::DEVICE_AUDIT_ABOUT,
            RecordKind::MailForwards => devices_mail::FORWARD_AUDIT_ABOUT,
            RecordKind::MailDecisions => devices_mail::DECISION_AUDIT_ABOUT,
        };
        let sql =
            format!("SELECT seq FROM audit_events WHERE {LIVE_AUDIT} AND {about} ORDER BY seq");
        let query = sqlx::query(&sql).bind(council_id).bind(key);
        self.all(query)
            .await?
            .iter()
            .map(|row| Cols::new(row, "audit_events").int("seq"))
            .collect()
    }

    async fn purge_record(
        &mut self,
        council_id: Id,
        kind: RecordKind,
        key: &str,
        on: NaiveDate,
    ) -> RepoResult<()> {
        self.writable()?;
        let on = date_text(on);
        let statements: &[&str] = match kind {
            RecordKind::ClosedRequests => &[
                "DELETE FROM request_events WHERE council_id = $1 AND request_id = CAST($2 AS BIGINT)",
                "UPDATE request_approvals SET reason = '' \
                 WHERE council_id = $1 AND request_id = CAST($2 AS BIGINT)",
                "UPDATE request_tasks SET note = NULL, done_by = NULL \
                 WHERE council_id = $1 AND request_id = CAST($2 AS BIGINT)",
                "UPDATE requests SET summary = $4, details = '{\"type\":\"none\"}', \
                 outcome = NULL, requester_id = NULL, raised_by = $4, purged_on = $3 \
                 WHERE council_id = $1 AND id = CAST($2 AS BIGINT) AND purged_on IS NULL",
            ],
            RecordKind::ClosedCases => &[
                "DELETE FROM case_notes WHERE council_id = $1 AND case_id = CAST($2 AS BIGINT)",
                "UPDATE cases SET summary = $4, details = '', outcome_note = NULL, \
                 subject_id = NULL, reporter_id = NULL, purged_on = $3 \
                 WHERE council_id = $1 AND id = CAST($2 AS BIGINT) AND purged_on IS NULL",
            ],
            RecordKind::Leavers => &[
                "DELETE FROM proxy_users WHERE council_id = $1 AND person_id = \
                 (SELECT id FROM people WHERE council_id = $1 AND reference = $2)",
                "UPDATE acceptances SET typed_name = NULL WHERE council_id = $1 AND person_id = \
                 (SELECT id FROM people WHERE council_id = $1 AND reference = $2)",
                "UPDATE people SET name = $4, email = NULL, household = NULL, purged_on = $3 \
                 WHERE council_id = $1 AND reference = $2 AND purged_on IS NULL",
            ],
            RecordKind::Notices => &[
                "UPDATE outbox SET address = NULL, last_error = NULL WHERE council_id = $1 \
                 AND notice_id = (SELECT id FROM notices WHERE council_id = $1 AND notice_key = $2)",
                "UPDATE notices SET subject = $4, body_text = '', body_html = '', purged_on = $3 \
                 WHERE council_id = $1 AND notice_key = $2 AND purged_on IS NULL",
            ],
            RecordKind::Sessions => {
                return purge_session(self, council_id, key).await;
            }
            RecordKind::MonitoringFindings => {
                return retention_findings::purge_day(self, council_id, key).await;
            }
            RecordKind::DeviceChecks => {
                return devices_mail::purge_device_day(self, council_id, key).await;
            }
            RecordKind::MailForwards => {
                return devices_mail::purge_forwards(self, council_id, key).await;
            }
            RecordKind::MailDecisions => {
                return devices_mail::purge_decision_day(self, council_id, key).await;
            }
        };
        let last = statements.len().saturating_sub(1);
        for (i, sql) in statements.iter().enumerate() {
            // PostgreSQL refuses a value bound for a placeholder the statement lacks.
            let mut query = sqlx::query(sql).bind(council_id).bind(key);
            if sql.contains("$3") {
                query = query.bind(on.as_str());
            }
            if sql.contains("$4") {
                query = query.bind(ERASED);
            }
            // The last statement marks the record itself, which must be there to purge.
            if i == last {
                self.exec_one(query, || format!("no unpurged {kind} record {key}"))
                    .await?;
            } else {
                self.exec(query).await?;
            }
        }
        Ok(())
    }
}

fn day_of(c: &Cols<'_>, col: &str, text: &str) -> RepoResult<NaiveDate> {
    parse_time(text)
        .map(|t| t.date_naive())
        .ok_or_else(|| RepoError::Corrupt(format!("{col} does not hold a time")))
        .or_else(|e| c.date(col).map_err(|_| e))
}

async fn closed(
    tx: &mut StoreTx,
    council_id: Id,
    table: &'static str,
    noun: &str,
) -> RepoResult<Vec<EndedRecord>> {
    let what = if table == "requests" {
        "kind"
    } else {
        "source"
    };
    let sql = format!(
        "SELECT id, {what} AS what, closed_at FROM {table} \
         WHERE council_id = $1 AND closed_at IS NOT NULL AND purged_on IS NULL"
    );
    let rows = tx.all(sqlx::query(&sql).bind(council_id)).await?;
    rows.iter()
        .map(|row| {
            let c = Cols::new(row, table);
            let id = c.int("id")?;
            let closed_at = c.text("closed_at")?;
            Ok(EndedRecord {
                key: id.to_string(),
                reference: format!("{noun} {id} ({})", c.text("what")?.replace('_', " ")),
                ended: day_of(&c, "closed_at", &closed_at)?,
                held_by: None,
            })
        })
        .collect()
}

/// People with at least one term and none still running; their last term's end is when
/// they left. Someone still holding an item is kept until it comes back.
async fn leavers(tx: &mut StoreTx, council_id: Id) -> RepoResult<Vec<EndedRecord>> {
    let sql = "SELECT p.reference, MAX(t.ends) AS ended, \
            SUM(CASE WHEN t.ends IS NULL THEN 1 ELSE 0 END) AS running, \
            (SELECT COUNT(*) FROM loans l WHERE l.council_id = p.council_id \
              AND l.person_id = p.id AND l.returned_on IS NULL) \
              AS on_loan \
        FROM people p JOIN terms t ON t.council_id = p.council_id AND t.person_id = p.id \
        WHERE p.council_id = $1 AND p.purged_on IS NULL \
        GROUP BY p.council_id, p.id, p.reference";
    let rows = tx.all(sqlx::query(sql).bind(council_id)).await?;
    let mut found = Vec::new();
    for row in &rows {
        let c = Cols::new(row, "people");
        if c.int("running")? > 0 {
            continue;
        }
        let reference = c.text("reference")?;
        let on_loan = c.int("on_loan")?;
        found.push(EndedRecord {
            key: reference.clone(),
            reference: format!("Person {reference}"),
            ended: c.date("ended")?,
            held_by: (on_loan > 0).then(|| {
                format!(
                    "{on_loan} item{} still on loan",
                    if on_loan == 1 { " is" } else { "s are" }
                )
            }),
        });
    }
    Ok(found)
}

/// Notices, counted from the day they were filed; one whose messages are still waiting, being
/// sent or unsettled is kept until they are settled.
async fn notices(tx: &mut StoreTx, council_id: Id) -> RepoResult<Vec<EndedRecord>> {
    let sql = "SELECT n.notice_key, n.source, n.noticed_on, \
            (SELECT COUNT(*) FROM outbox o WHERE o.council_id = n.council_id AND o.notice_id = n.id \
              AND o.state IN ('queued', 'sending', 'uncertain')) AS waiting \
        FROM notices n WHERE n.council_id = $1 AND n.purged_on IS NULL";
    let rows = tx.all(sqlx::query(sql).bind(council_id)).await?;
    rows.iter()
        .map(|row| {
            let c = Cols::new(row, "notices");
            let key = c.text("notice_key")?;
            let waiting = c.int("waiting")?;
            Ok(EndedRecord {
                reference: format!("Notice {key}"),
                key,
                ended: c.date("noticed_on")?,
                held_by: (waiting > 0).then(|| "a message is not yet settled".to_string()),
            })
        })
        .collect()
}

async fn sessions(tx: &mut StoreTx, council_id: Id) -> RepoResult<Vec<EndedRecord>> {
    let sql = "SELECT s.id_hash, u.username, COALESCE(s.ended_at, s.last_seen_at) AS last_at \
        FROM sessions s JOIN users u ON u.council_id = s.council_id AND u.id = s.user_id \
        WHERE s.council_id = $1";
    let rows = tx.all(sqlx::query(sql).bind(council_id)).await?;
    let mut found = rows
        .iter()
        .map(|row| session_row(row, "sessions", "id_hash", "Session of"))
        .collect::<RepoResult<Vec<_>>>()?;
    let sql = "SELECT CAST(id AS TEXT) AS id, username, at AS last_at \
        FROM sign_in_failures WHERE council_id = $1";
    let rows = tx.all(sqlx::query(sql).bind(council_id)).await?;
    for row in &rows {
        found.push(session_row(
            row,
            "sign_in_failures",
            "id",
            "Failed sign-in as",
        )?);
    }
    // Invitations count from when they were used, replaced or ran out; one whose message has
    // not gone yet has not ended.
    let sql = "SELECT CAST(i.id AS TEXT) AS id, u.username, \
        COALESCE(i.used_at, i.withdrawn_at, i.expires_at) AS last_at \
        FROM account_invitations i JOIN users u ON u.council_id = i.council_id AND u.id = i.user_id \
        WHERE i.council_id = $1 AND COALESCE(i.used_at, i.withdrawn_at, i.expires_at) IS NOT NULL";
    let rows = tx.all(sqlx::query(sql).bind(council_id)).await?;
    for row in &rows {
        found.push(session_row(
            row,
            "account_invitations",
            "id",
            "Invitation for",
        )?);
    }
    Ok(found)
}

fn session_row(row: &AnyRow, table: &'static str, id: &str, what: &str) -> RepoResult<EndedRecord> {
    let c = Cols::new(row, table);
    let prefix = match table {
        "sessions" => "session",
        "account_invitations" => "invitation",
        _ => "failure",
    };
    let last_at = c.text("last_at")?;
    let ended = day_of(&c, "last_at", &last_at)?;
    Ok(EndedRecord {
        key: format!("{prefix}:{}", c.text(id)?),
        reference: format!("{what} {}", c.text("username")?),
        ended,
        held_by: None,
    })
}

async fn purge_session(tx: &mut StoreTx, council_id: Id, key: &str) -> RepoResult<()> {
    let (sql, id) = match key.split_once(':') {
        Some(("session", id)) => (
            "DELETE FROM sessions WHERE council_id = $1 AND id_hash = $2",
            id,
        ),
        Some(("failure", id)) => (
            "DELETE FROM sign_in_failures WHERE council_id = $1 AND id = CAST($2 AS BIGINT)",
            id,
        ),
        Some(("invitation", id)) => (
            "DELETE FROM account_invitations WHERE council_id = $1 AND id = CAST($2 AS BIGINT)",
            id,
        ),
        _ => return Err(RepoError::Backend(format!("'{key}' names no session"))),
    };
    let query = sqlx::query(sql).bind(council_id).bind(id);
    tx.exec_one(query, || "the session was already gone".to_string())
        .await?;
    if key.starts_with("session:") {
        crate::sessions::forget_session(tx, council_id, id).await?;
    }
    Ok(())
}
