//! The domain's `MailTx` for a store transaction: forwarding snapshots and their forwards,
//! and the forwards list, paged in SQL.

use crate::listing::{KeyKind, ListSql};
use crate::rows::{Cols, RowRef, flag_int, json_text, time_text, word};
use crate::search;
use crate::tx::StoreTx;
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use std::collections::HashMap;
use steward_domain::listing::Listed;
use steward_domain::mail::snapshot::{ForwardSource, SnapshotFormat};
use steward_domain::mail::*;
use steward_domain::ops::mail::forwarding::{ForwardQuery, ForwardSort};
use steward_domain::ops::mail::milter::{DecisionQuery, DecisionSort};
use steward_domain::{Id, RepoResult};
use steward_policy::Citation;
use steward_policy::mail::{MailDecision, Outbound};

const IMPORT: &str =
    "id, council_id, imported_at, imported_by, file_name, format, forwards, breaches";

/// Forwards one multi-row insert takes (fifteen values each).
const INSERT_BATCH: usize = 60;

/// Forwards lists count no further.
const COUNT_CAP: u64 = 10_000;

fn import(row: &AnyRow) -> RepoResult<ForwardImport> {
    let c = Cols::new(row, "mail_forward_imports");
    Ok(ForwardImport {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        imported_at: c.time("imported_at")?,
        imported_by: c.text("imported_by")?,
        file_name: c.text("file_name")?,
        format: c.word("format")?,
        forwards: c.int("forwards")?,
        breaches: c.int("breaches")?,
    })
}

fn forward<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<ForwardFinding> {
    let row: RowRef<'r> = row.into();
    let c = Cols::new(row, "mail_forwards");
    let citation = match (c.opt_text("clause")?, c.opt_text("document")?) {
        (Some(clause), Some(document)) => Some(Citation { clause, document }),
        _ => None,
    };
    let keeps_copy = match c.opt_int("keeps_copy")? {
        None => None,
        Some(_) => Some(c.flag("keeps_copy")?),
    };
    Ok(ForwardFinding {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        import_id: c.int("import_id")?,
        mailbox: c.text("mailbox")?,
        person_id: c.opt_int("person_id")?,
        person: c.opt_parsed("person_ref", "a person's reference")?,
        person_name: c.opt_text("person_name")?,
        source: c.word("source")?,
        rule: c.opt_text("rule")?,
        kind: c.word("kind")?,
        target: c.opt_text("target")?,
        keeps_copy,
        outcome: c.word("outcome")?,
        message: c.text("message")?,
        citation,
        since_import: c.opt_int("since_import")?,
    })
}

const DECISION: &str = "id, council_id, decided_at, queue_id, sender, recipients, level, action, \
                        disclaimer, flagged, reasons";

fn decision<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<MailDecisionRecord> {
    let row: RowRef<'r> = row.into();
    let c = Cols::new(row, "mail_decisions");
    Ok(MailDecisionRecord {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        decided_at: c.time("decided_at")?,
        queue_id: c.opt_text("queue_id")?,
        sender: c.text("sender")?,
        recipients: c.json("recipients")?,
        level: c.opt_text("level")?,
        action: c.word("action")?,
        disclaimer: c.flag("disclaimer")?,
        flagged: c.flag("flagged")?,
        reasons: c.json("reasons")?,
    })
}

/// What makes a forward the same one from one snapshot to the next.
fn forward_key(source: &str, mailbox: &str, target: Option<&str>) -> (String, String, String) {
    (
        source.to_string(),
        mailbox.to_lowercase(),
        target.unwrap_or_default().to_lowercase(),
    )
}

/// The forwards of `sources` the latest snapshots hold, each with the snapshot it was first
/// seen in: a forward the next snapshot holds again keeps it.
async fn standing_since(
    tx: &mut StoreTx,
    council_id: Id,
    sources: &[ForwardSource],
) -> RepoResult<HashMap<(String, String, String), Option<Id>>> {
    let mut out = HashMap::new();
    if sources.is_empty() {
        return Ok(out);
    }
    let sql = format!(
        "SELECT source, mailbox, target, since_import FROM mail_forwards \
         WHERE council_id = $1 AND source IN ({})",
        crate::rows::numbered_marks(2, sources.len())
    );
    let mut query = sqlx::query(&sql).bind(council_id);
    for source in sources {
        query = query.bind(source.as_str());
    }
    for row in tx.all(query).await? {
        let c = Cols::new(&row, "mail_forwards");
        let key = forward_key(
            &c.text("source")?,
            &c.text("mailbox")?,
            c.opt_text("target")?.as_deref(),
        );
        let since = c.opt_int("since_import")?;
        // Of two rows for one forward, the earlier beginning holds.
        out.entry(key)
            .and_modify(|held: &mut Option<Id>| {
                if since.is_none() || since < *held {
                    *held = since;
                }
            })
            .or_insert(since);
    }
    Ok(out)
}

impl MailTx for StoreTx {
    async fn insert_forward_import(
        &mut self,
        council_id: Id,
        imported_at: DateTime<Utc>,
        imported_by: &str,
        file_name: &str,
        format: SnapshotFormat,
    ) -> RepoResult<ForwardImport> {
        self.writable()?;
        let sql = format!(
            "INSERT INTO mail_forward_imports (council_id, imported_at, imported_by, file_name,
                                               format, forwards, breaches)
             VALUES ($1, $2, $3, $4, $5, 0, 0) RETURNING {IMPORT}"
        );
        let query = sqlx::query(&sql)
            .bind(council_id)
            .bind(time_text(imported_at))
            .bind(imported_by.to_string())
            .bind(file_name.to_string())
            .bind(format.as_str());
        let row = self
            .one(query, || "the snapshot's import was not stored".into())
            .await?;
        import(&row)
    }

    async fn replace_forwards(
        &mut self,
        council_id: Id,
        import_id: Id,
        sources: &[ForwardSource],
        forwards: &[NewForward],
        breaches: i64,
    ) -> RepoResult<()> {
        self.writable()?;
        let before = standing_since(self, council_id, sources).await?;
        for source in sources {
            let query =
                sqlx::query("DELETE FROM mail_forwards WHERE council_id = $1 AND source = $2")
                    .bind(council_id)
                    .bind(source.as_str());
            self.exec(query).await?;
        }
        for chunk in forwards.chunks(INSERT_BATCH) {
            let sql = format!(
                "INSERT INTO mail_forwards (council_id, import_id, line, mailbox, person_id,
                     source, rule, kind, target, keeps_copy, outcome, message, clause, document,
                     since_import)
                 VALUES {}",
                crate::people::placeholders(chunk.len(), 15)
            );
            let mut query = sqlx::query(&sql);
            for f in chunk {
                query = query
                    .bind(council_id)
                    .bind(import_id)
                    .bind(i64::try_from(f.line).unwrap_or(i64::MAX))
                    .bind(f.mailbox.clone())
                    .bind(f.person_id)
                    .bind(f.source.as_str())
                    .bind(f.rule.clone())
                    .bind(f.kind.as_str())
                    .bind(f.target.clone())
                    .bind(f.keeps_copy.map(flag_int))
                    .bind(word(&f.outcome))
                    .bind(f.message.clone())
                    .bind(f.citation.as_ref().map(|c| c.clause.clone()))
                    .bind(f.citation.as_ref().map(|c| c.document.clone()))
                    .bind(
                        match before.get(&forward_key(
                            f.source.as_str(),
                            &f.mailbox,
                            f.target.as_deref(),
                        )) {
                            Some(since) => *since,
                            None => Some(import_id),
                        },
                    );
            }
            self.exec(query).await?;
        }
        let query = sqlx::query(
            "UPDATE mail_forward_imports SET forwards = $3, breaches = $4
             WHERE council_id = $1 AND id = $2",
        )
        .bind(council_id)
        .bind(import_id)
        .bind(forwards.len() as i64)
        .bind(breaches);
        self.exec_one(query, || format!("no snapshot import has id {import_id}"))
            .await
    }

    async fn people_by_email(&mut self, council_id: Id) -> RepoResult<Vec<(Id, String)>> {
        let query =
            sqlx::query("SELECT id, email FROM people WHERE council_id = $1 AND email IS NOT NULL")
                .bind(council_id);
        self.all(query)
            .await?
            .iter()
            .map(|row| {
                let c = Cols::new(row, "people");
                Ok((c.int("id")?, c.text("email")?.to_ascii_lowercase()))
            })
            .collect()
    }

    async fn list_forwards(
        &mut self,
        council_id: Id,
        query: &ForwardQuery,
    ) -> RepoResult<Listed<ForwardFinding>> {
        let sort = match query.sort {
            ForwardSort::Mailbox => "f.mailbox",
            ForwardSort::Outcome => "f.outcome",
        };
        let select = crate::listing::Frag::new(
            "f.id, f.council_id, f.import_id, f.mailbox, f.person_id, f.source, f.rule, f.kind, \
             f.target, f.keeps_copy, f.outcome, f.message, f.clause, f.document, \
             f.since_import, p.reference AS person_ref, p.name AS person_name",
            Vec::new(),
        );
        let mut sql = ListSql::new(
            select,
            "mail_forwards f LEFT JOIN people p ON p.council_id = f.council_id AND p.id = f.person_id",
            sort,
            KeyKind::Text,
            "f.id",
        );
        sql.count_from("mail_forwards f");
        sql.eq("f.council_id", council_id);
        if let Some(outcome) = query.filter.outcome {
            sql.eq("f.outcome", word(&outcome));
        }
        if let Some(person) = query.filter.person_id {
            sql.eq("f.person_id", person);
        }
        sql.search(
            council_id,
            &query.search,
            &[(search::PERSON, "f.person_id")],
        );
        sql.count_at_most(COUNT_CAP);
        sql.fetch(self, &query.window, query.direction, |row| forward(row))
            .await
    }

    async fn breaching_forwards(&mut self, council_id: Id) -> RepoResult<Vec<ForwardFinding>> {
        let query = sqlx::query(
            "SELECT f.id, f.council_id, f.import_id, f.mailbox, f.person_id, f.source, f.rule,
                    f.kind, f.target, f.keeps_copy, f.outcome, f.message, f.clause, f.document,
                    f.since_import, p.reference AS person_ref, p.name AS person_name
             FROM mail_forwards f
             LEFT JOIN people p ON p.council_id = f.council_id AND p.id = f.person_id
             WHERE f.council_id = $1 AND f.outcome = $2
             ORDER BY f.id",
        )
        .bind(council_id)
        .bind(word(&steward_policy::mail::ForwardOutcome::Breach));
        self.all(query).await?.iter().map(forward).collect()
    }

    async fn insert_mail_decision(
        &mut self,
        council_id: Id,
        decided_at: DateTime<Utc>,
        queue_id: Option<&str>,
        outbound: &Outbound,
        made: &MailDecision,
    ) -> RepoResult<MailDecisionRecord> {
        self.writable()?;
        let sql = format!(
            "INSERT INTO mail_decisions (council_id, decided_at, queue_id, sender, recipients,
                                         level, action, disclaimer, flagged, reasons)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {DECISION}"
        );
        let query = sqlx::query(&sql)
            .bind(council_id)
            .bind(time_text(decided_at))
            .bind(queue_id.map(str::to_string))
            .bind(outbound.sender.clone())
            .bind(json_text(&outbound.recipients))
            .bind(made.level.clone())
            .bind(made.action.as_str())
            .bind(flag_int(made.disclaimer.is_some()))
            .bind(flag_int(made.flagged))
            .bind(json_text(&made.reasons));
        let row = self
            .one(query, || "the milter's decision was not stored".into())
            .await?;
        decision(&row)
    }

    async fn list_mail_decisions(
        &mut self,
        council_id: Id,
        query: &DecisionQuery,
    ) -> RepoResult<Listed<MailDecisionRecord>> {
        let sort = match query.sort {
            DecisionSort::Decided => "d.decided_at",
            DecisionSort::Action => "d.action",
        };
        let select = crate::listing::Frag::new(
            "d.id, d.council_id, d.decided_at, d.queue_id, d.sender, d.recipients, d.level, \
             d.action, d.disclaimer, d.flagged, d.reasons",
            Vec::new(),
        );
        let mut sql = ListSql::new(select, "mail_decisions d", sort, KeyKind::Text, "d.id");
        sql.eq("d.council_id", council_id);
        if let Some(action) = query.filter.action {
            sql.eq("d.action", action.as_str());
        }
        if let Some(flagged) = query.filter.flagged {
            sql.eq("d.flagged", flag_int(flagged));
        }
        sql.count_at_most(COUNT_CAP);
        sql.fetch(self, &query.window, query.direction, |row| decision(row))
            .await
    }

    async fn forwards_of_person(
        &mut self,
        council_id: Id,
        person_id: Id,
    ) -> RepoResult<Vec<ForwardFinding>> {
        let sql = "SELECT f.id, f.council_id, f.import_id, f.mailbox, f.person_id, f.source, \
             f.rule, f.kind, f.target, f.keeps_copy, f.outcome, f.message, f.clause, f.document, \
             f.since_import, p.reference AS person_ref, p.name AS person_name \
             FROM mail_forwards f LEFT JOIN people p \
               ON p.council_id = f.council_id AND p.id = f.person_id \
             WHERE f.council_id = $1 AND f.person_id = $2 ORDER BY f.id";
        let query = sqlx::query(sql).bind(council_id).bind(person_id);
        self.all(query).await?.iter().map(forward).collect()
    }

    async fn decisions_sent_by(
        &mut self,
        council_id: Id,
        senders: &[String],
    ) -> RepoResult<Vec<MailDecisionRecord>> {
        if senders.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {DECISION} FROM mail_decisions WHERE council_id = $1 AND sender IN ({}) \
             ORDER BY decided_at DESC, id DESC",
            crate::rows::numbered_marks(2, senders.len())
        );
        let mut query = sqlx::query(&sql).bind(council_id);
        for s in senders {
            query = query.bind(s.clone());
        }
        self.all(query).await?.iter().map(decision).collect()
    }
}
