//! Information requests, their pauses and helpers as rows.

use crate::rows::{Cols, RowRef, date_text, json_text, opt_date_text, time_text, word};
use crate::tx::StoreTx;
use chrono::NaiveDate;
use sqlx::any::AnyRow;
use steward_domain::info::{InfoHelper, InfoPause, InfoRequest, NewInfoRequest};
use steward_domain::{Id, RepoResult};

pub(super) const REQUEST: &str = "id, council_id, kind, reference, requester, subject_id, nation, \
    received_on, summary, handlers, clause, document, extended_to, extension_reason, \
    identity_checked_on, closed_on, outcome, created_by, created_at";
pub(super) const PAUSE: &str = "id, request_id, asked_on, answered_on, note";
const HELPER: &str = "id, request_id, person_id, asked_on, answered_on, answer";
/// The helper's columns when the table is called `h`.
pub(super) const HELPER_COLUMNS: &str =
    "h.id, h.request_id, h.person_id, h.asked_on, h.answered_on, h.answer";

pub(super) fn request<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<InfoRequest> {
    let row: RowRef<'r> = row.into();
    let c = Cols::new(row, "information_requests");
    Ok(InfoRequest {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        kind: c.word("kind")?,
        reference: c.text("reference")?,
        requester: c.text("requester")?,
        subject_id: c.opt_int("subject_id")?,
        nation: c.word("nation")?,
        received_on: c.date("received_on")?,
        summary: c.text("summary")?,
        handlers: c.json("handlers")?,
        clause: c.text("clause")?,
        document: c.text("document")?,
        extended_to: c.opt_date("extended_to")?,
        extension_reason: c.opt_text("extension_reason")?,
        identity_checked_on: c.opt_date("identity_checked_on")?,
        closed_on: c.opt_date("closed_on")?,
        outcome: c.opt_text("outcome")?,
        created_by: c.text("created_by")?,
        created_at: c.time("created_at")?,
    })
}

pub(super) fn pause(row: &AnyRow) -> RepoResult<InfoPause> {
    let c = Cols::new(row, "information_request_pauses");
    Ok(InfoPause {
        id: c.int("id")?,
        request_id: c.int("request_id")?,
        asked_on: c.date("asked_on")?,
        answered_on: c.opt_date("answered_on")?,
        note: c.text("note")?,
    })
}

pub(super) fn helper(row: &AnyRow) -> RepoResult<InfoHelper> {
    let c = Cols::new(row, "information_request_helpers");
    Ok(InfoHelper {
        id: c.int("id")?,
        request_id: c.int("request_id")?,
        person_id: c.int("person_id")?,
        asked_on: c.date("asked_on")?,
        answered_on: c.opt_date("answered_on")?,
        answer: c.opt_text("answer")?,
    })
}

pub(crate) async fn insert(
    tx: &mut StoreTx,
    council_id: Id,
    new: &NewInfoRequest,
) -> RepoResult<InfoRequest> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO information_requests (council_id, kind, reference, requester, subject_id,
             nation, received_on, summary, handlers, clause, document, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING {REQUEST}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(word(&new.kind))
        .bind(new.reference.as_str())
        .bind(new.requester.as_str())
        .bind(new.subject_id)
        .bind(word(&new.nation))
        .bind(date_text(new.received_on))
        .bind(new.summary.as_str())
        .bind(json_text(&new.handlers))
        .bind(new.clause.as_str())
        .bind(new.document.as_str())
        .bind(new.created_by.as_str())
        .bind(time_text(new.created_at));
    let row = tx
        .one(query, || "the information request was not stored".into())
        .await?;
    let made = request(&row)?;
    for office in made
        .handlers
        .iter()
        .collect::<std::collections::BTreeSet<_>>()
    {
        let sql = format!("INSERT INTO {} VALUES ($1, $2, $3)", super::list::HANDLERS);
        let query = sqlx::query(&sql)
            .bind(council_id)
            .bind(made.id)
            .bind(office.as_str());
        tx.exec(query).await?;
    }
    let words = crate::search::of_info_request(&made.reference, &made.requester);
    crate::search::index(
        tx,
        council_id,
        crate::search::INFO_REQUEST,
        made.id,
        &words,
        false,
    )
    .await?;
    Ok(made)
}

pub(crate) async fn update(tx: &mut StoreTx, r: &InfoRequest) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "UPDATE information_requests SET extended_to = $3, extension_reason = $4,
                identity_checked_on = $5, closed_on = $6, outcome = $7
         WHERE id = $1 AND council_id = $2",
    )
    .bind(r.id)
    .bind(r.council_id)
    .bind(opt_date_text(r.extended_to))
    .bind(r.extension_reason.as_deref())
    .bind(opt_date_text(r.identity_checked_on))
    .bind(opt_date_text(r.closed_on))
    .bind(r.outcome.as_deref());
    tx.exec_one(query, || {
        format!("information request {} was not found", r.id)
    })
    .await
}

pub(crate) async fn by_id(
    tx: &mut StoreTx,
    council_id: Id,
    id: Id,
) -> RepoResult<Option<InfoRequest>> {
    let sql =
        format!("SELECT {REQUEST} FROM information_requests WHERE council_id = $1 AND id = $2");
    tx.optional(sqlx::query(&sql).bind(council_id).bind(id))
        .await?
        .as_ref()
        .map(request)
        .transpose()
}

pub(crate) async fn by_reference(
    tx: &mut StoreTx,
    council_id: Id,
    reference: &str,
) -> RepoResult<Option<InfoRequest>> {
    let sql = format!(
        "SELECT {REQUEST} FROM information_requests WHERE council_id = $1 AND reference = $2"
    );
    tx.optional(sqlx::query(&sql).bind(council_id).bind(reference))
        .await?
        .as_ref()
        .map(request)
        .transpose()
}

pub(crate) async fn list(tx: &mut StoreTx, council_id: Id) -> RepoResult<Vec<InfoRequest>> {
    let sql =
        format!("SELECT {REQUEST} FROM information_requests WHERE council_id = $1 ORDER BY id");
    let rows = tx.all(sqlx::query(&sql).bind(council_id)).await?;
    rows.iter().map(request).collect()
}

pub(crate) async fn insert_pause(
    tx: &mut StoreTx,
    council_id: Id,
    request_id: Id,
    asked_on: NaiveDate,
    note: &str,
) -> RepoResult<InfoPause> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO information_request_pauses (council_id, request_id, asked_on, note)
         VALUES ($1, $2, $3, $4) RETURNING {PAUSE}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(request_id)
        .bind(date_text(asked_on))
        .bind(note);
    let row = tx.one(query, || "the pause was not stored".into()).await?;
    pause(&row)
}

pub(crate) async fn answer_pause(
    tx: &mut StoreTx,
    council_id: Id,
    id: Id,
    on: NaiveDate,
) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "UPDATE information_request_pauses SET answered_on = $2 WHERE council_id = $3 AND id = $1",
    )
    .bind(id)
    .bind(date_text(on))
    .bind(council_id);
    tx.exec_one(query, || format!("pause {id} was not found"))
        .await
}

pub(crate) async fn pauses(
    tx: &mut StoreTx,
    council_id: Id,
    request_id: Id,
) -> RepoResult<Vec<InfoPause>> {
    let sql = format!(
        "SELECT {PAUSE} FROM information_request_pauses WHERE council_id = $1 AND request_id = $2 ORDER BY id"
    );
    let rows = tx
        .all(sqlx::query(&sql).bind(council_id).bind(request_id))
        .await?;
    rows.iter().map(pause).collect()
}

pub(crate) async fn insert_helper(
    tx: &mut StoreTx,
    council_id: Id,
    request_id: Id,
    person_id: Id,
    asked_on: NaiveDate,
) -> RepoResult<InfoHelper> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO information_request_helpers (council_id, request_id, person_id, asked_on)
         VALUES ($1, $2, $3, $4) RETURNING {HELPER}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(request_id)
        .bind(person_id)
        .bind(date_text(asked_on));
    let row = tx
        .one(query, || "the request for help was not stored".into())
        .await?;
    helper(&row)
}

pub(crate) async fn answer_helper(
    tx: &mut StoreTx,
    council_id: Id,
    id: Id,
    on: NaiveDate,
    answer: &str,
) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "UPDATE information_request_helpers SET answered_on = $2, answer = $3
         WHERE council_id = $4 AND id = $1",
    )
    .bind(id)
    .bind(date_text(on))
    .bind(answer)
    .bind(council_id);
    tx.exec_one(query, || format!("request for help {id} was not found"))
        .await
}

pub(crate) async fn helpers(
    tx: &mut StoreTx,
    council_id: Id,
    request_id: Id,
) -> RepoResult<Vec<InfoHelper>> {
    let sql = format!(
        "SELECT {HELPER} FROM information_request_helpers WHERE council_id = $1 AND request_id = $2 ORDER BY id"
    );
    let rows = tx
        .all(sqlx::query(&sql).bind(council_id).bind(request_id))
        .await?;
    rows.iter().map(helper).collect()
}

pub(crate) async fn helpers_of_person(
    tx: &mut StoreTx,
    council_id: Id,
    person_id: Id,
) -> RepoResult<Vec<InfoHelper>> {
    let sql = format!(
        "SELECT {HELPER} FROM information_request_helpers WHERE council_id = $1 AND person_id = $2 ORDER BY id"
    );
    let rows = tx
        .all(sqlx::query(&sql).bind(council_id).bind(person_id))
        .await?;
    rows.iter().map(helper).collect()
}

/// Fills the handler rows and search words of requests already stored: run once, by the
/// migration that made them, on the migration's own connection.
pub(crate) async fn fill(conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT id, council_id, reference, requester, handlers FROM information_requests",
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in &rows {
        let (id, council_id): (i64, i64) = (row.try_get("id")?, row.try_get("council_id")?);
        let text: String = row.try_get("handlers")?;
        let handlers: Vec<steward_policy::OfficeId> =
            serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        let unique: std::collections::BTreeSet<String> =
            handlers.iter().map(|o| o.to_string()).collect();
        for office in unique {
            sqlx::query(&format!(
                "INSERT INTO {} VALUES ($1, $2, $3)",
                super::list::HANDLERS
            ))
            .bind(council_id)
            .bind(id)
            .bind(office)
            .execute(&mut *conn)
            .await?;
        }
        let reference: String = row.try_get("reference")?;
        let requester: String = row.try_get("requester")?;
        let words = crate::search::of_info_request(&reference, &requester);
        crate::search::index_on(conn, council_id, crate::search::INFO_REQUEST, id, &words).await?;
    }
    Ok(())
}
