//! Breach cases, their notes, and what their outcomes recorded: withdrawn access and
//! restrictions on items.

use crate::rows::{
    Cols, RowRef, date_text, json_text, opt_date_text, opt_time_text, time_text, word,
};
use crate::tx::StoreTx;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use steward_domain::workflow::*;
use steward_domain::{Id, RepoResult};

pub(super) const CASE: &str = "id, council_id, subject_id, reporter_id, source, summary, details, \
    handlers, clause, document, state, escalated_to, escalation_clause, escalated_at, outcome, \
    outcome_clause, outcome_note, created_at, closed_at";
const NOTE: &str = "id, case_id, at, actor, text";
const WITHDRAWAL: &str =
    "id, council_id, person_id, case_id, from_date, clause, document, lifted_on";
const RESTRICTION: &str = "id, council_id, equipment_id, case_id, outcome, note, on_date, clause";

pub(super) fn case<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<Case> {
    let row: RowRef<'r> = row.into();
    let c = Cols::new(row, "cases");
    Ok(Case {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        subject_id: c.opt_int("subject_id")?,
        reporter_id: c.opt_int("reporter_id")?,
        source: c.word("source")?,
        summary: c.text("summary")?,
        details: c.text("details")?,
        handlers: c.json("handlers")?,
        clause: c.text("clause")?,
        document: c.text("document")?,
        state: c.word("state")?,
        escalated_to: c.opt_word("escalated_to")?,
        escalation_clause: c.opt_text("escalation_clause")?,
        escalated_at: c.opt_time("escalated_at")?,
        outcome: c.opt_word("outcome")?,
        outcome_clause: c.opt_text("outcome_clause")?,
        outcome_note: c.opt_text("outcome_note")?,
        created_at: c.time("created_at")?,
        closed_at: c.opt_time("closed_at")?,
    })
}

fn note(row: &AnyRow) -> RepoResult<CaseNote> {
    let c = Cols::new(row, "case_notes");
    Ok(CaseNote {
        id: c.int("id")?,
        case_id: c.int("case_id")?,
        at: c.time("at")?,
        actor: c.text("actor")?,
        text: c.text("text")?,
    })
}

fn withdrawal(row: &AnyRow) -> RepoResult<Withdrawal> {
    let c = Cols::new(row, "withdrawals");
    Ok(Withdrawal {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        person_id: c.int("person_id")?,
        case_id: c.int("case_id")?,
        from: c.date("from_date")?,
        clause: c.text("clause")?,
        document: c.text("document")?,
        lifted_on: c.opt_date("lifted_on")?,
    })
}

fn restriction(row: &AnyRow) -> RepoResult<Restriction> {
    let c = Cols::new(row, "restrictions");
    Ok(Restriction {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        equipment_id: c.int("equipment_id")?,
        case_id: c.int("case_id")?,
        outcome: c.word("outcome")?,
        note: c.text("note")?,
        on: c.date("on_date")?,
        clause: c.text("clause")?,
    })
}

pub(crate) async fn insert(tx: &mut StoreTx, council_id: Id, new: &NewCase) -> RepoResult<Case> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO cases (council_id, subject_id, reporter_id, source, summary, details,
             handlers, clause, document, state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING {CASE}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(new.subject_id)
        .bind(new.reporter_id)
        .bind(word(&new.source))
        .bind(new.summary.as_str())
        .bind(new.details.as_str())
        .bind(json_text(&new.handlers))
        .bind(new.clause.as_str())
        .bind(new.document.as_str())
        .bind(word(&CaseState::Open))
        .bind(time_text(new.created_at));
    let row = tx.one(query, || "the case was not stored".into()).await?;
    let made = case(&row)?;
    let offices: Vec<&str> = made.handlers.iter().map(|o| o.as_str()).collect();
    super::insert_offices(tx, HANDLERS, council_id, made.id, &offices).await?;
    Ok(made)
}

/// Where a case's handling offices are kept as rows.
const HANDLERS: &str = "case_handlers (council_id, case_id, office)";

pub(crate) async fn update(tx: &mut StoreTx, k: &Case) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "UPDATE cases SET state = $3, escalated_to = $4, escalation_clause = $5,
                escalated_at = $6, outcome = $7, outcome_clause = $8, outcome_note = $9,
                closed_at = $10
         WHERE id = $1 AND council_id = $2",
    )
    .bind(k.id)
    .bind(k.council_id)
    .bind(word(&k.state))
    .bind(k.escalated_to.as_ref().map(|o| o.as_str().to_string()))
    .bind(k.escalation_clause.as_deref())
    .bind(opt_time_text(k.escalated_at))
    .bind(k.outcome.as_ref().map(word))
    .bind(k.outcome_clause.as_deref())
    .bind(k.outcome_note.as_deref())
    .bind(opt_time_text(k.closed_at));
    let id = k.id;
    tx.exec_one(query, move || format!("no case has id {id}"))
        .await
}

pub(crate) async fn by_id(tx: &mut StoreTx, council_id: Id, id: Id) -> RepoResult<Option<Case>> {
    let sql = format!("SELECT {CASE} FROM cases WHERE council_id = $1 AND id = $2");
    tx.optional(sqlx::query(&sql).bind(council_id).bind(id))
        .await?
        .as_ref()
        .map(case)
        .transpose()
}

pub(crate) async fn list(tx: &mut StoreTx, council_id: Id) -> RepoResult<Vec<Case>> {
    let sql = format!("SELECT {CASE} FROM cases WHERE council_id = $1 ORDER BY id");
    let rows = tx.all(sqlx::query(&sql).bind(council_id)).await?;
    rows.iter().map(case).collect()
}

pub(crate) async fn insert_note(
    tx: &mut StoreTx,
    council_id: Id,
    case_id: Id,
    at: DateTime<Utc>,
    actor: &str,
    text: &str,
) -> RepoResult<CaseNote> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO case_notes (council_id, case_id, at, actor, text)
         VALUES ($1, $2, $3, $4, $5) RETURNING {NOTE}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(case_id)
        .bind(time_text(at))
        .bind(actor)
        .bind(text);
    let row = tx.one(query, || "the note was not stored".into()).await?;
    note(&row)
}

pub(crate) async fn notes(
    tx: &mut StoreTx,
    council_id: Id,
    case_id: Id,
) -> RepoResult<Vec<CaseNote>> {
    let sql =
        format!("SELECT {NOTE} FROM case_notes WHERE council_id = $1 AND case_id = $2 ORDER BY id");
    let rows = tx
        .all(sqlx::query(&sql).bind(council_id).bind(case_id))
        .await?;
    rows.iter().map(note).collect()
}

pub(crate) async fn insert_withdrawal(tx: &mut StoreTx, w: &Withdrawal) -> RepoResult<Withdrawal> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO withdrawals (council_id, person_id, case_id, from_date, clause, document)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {WITHDRAWAL}"
    );
    let query = sqlx::query(&sql)
        .bind(w.council_id)
        .bind(w.person_id)
        .bind(w.case_id)
        .bind(date_text(w.from))
        .bind(w.clause.as_str())
        .bind(w.document.as_str());
    let row = tx
        .one(query, || "the withdrawal was not stored".into())
        .await?;
    withdrawal(&row)
}

pub(crate) async fn withdrawals(
    tx: &mut StoreTx,
    council_id: Id,
    person_id: Id,
) -> RepoResult<Vec<Withdrawal>> {
    let sql = format!(
        "SELECT {WITHDRAWAL} FROM withdrawals WHERE council_id = $1 AND person_id = $2 ORDER BY id"
    );
    let rows = tx
        .all(sqlx::query(&sql).bind(council_id).bind(person_id))
        .await?;
    rows.iter().map(withdrawal).collect()
}

pub(crate) async fn lift(
    tx: &mut StoreTx,
    council_id: Id,
    id: Id,
    on: NaiveDate,
) -> RepoResult<()> {
    tx.writable()?;
    let query =
        sqlx::query("UPDATE withdrawals SET lifted_on = $2 WHERE council_id = $3 AND id = $1")
            .bind(id)
            .bind(opt_date_text(Some(on)))
            .bind(council_id);
    tx.exec_one(query, move || format!("no withdrawal has id {id}"))
        .await
}

pub(crate) async fn insert_restriction(
    tx: &mut StoreTx,
    r: &Restriction,
) -> RepoResult<Restriction> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO restrictions (council_id, equipment_id, case_id, outcome, note, on_date,
             clause)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {RESTRICTION}"
    );
    let query = sqlx::query(&sql)
        .bind(r.council_id)
        .bind(r.equipment_id)
        .bind(r.case_id)
        .bind(word(&r.outcome))
        .bind(r.note.as_str())
        .bind(date_text(r.on))
        .bind(r.clause.as_str());
    let row = tx
        .one(query, || "the restriction was not stored".into())
        .await?;
    restriction(&row)
}

pub(crate) async fn restrictions(
    tx: &mut StoreTx,
    council_id: Id,
    equipment_id: Id,
) -> RepoResult<Vec<Restriction>> {
    let sql = format!(
        "SELECT {RESTRICTION} FROM restrictions WHERE council_id = $1 AND equipment_id = $2 ORDER BY id"
    );
    let rows = tx
        .all(sqlx::query(&sql).bind(council_id).bind(equipment_id))
        .await?;
    rows.iter().map(restriction).collect()
}
