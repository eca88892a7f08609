//! What approved requests granted and what was recorded against items: web exceptions,
//! authorised software, erasures.

use crate::rows::{Cols, RowRef, date_text, time_text, word};
use crate::tx::StoreTx;
use sqlx::any::AnyRow;
use steward_domain::workflow::*;
use steward_domain::{Id, RepoResult};

const EXCEPTION: &str = "id, council_id, person_id, host, starts_at, ends_at, request_id, clause";
pub(crate) const SOFTWARE: &str =
    "id, council_id, equipment_id, name, authorised_on, request_id, clause";
const ERASURE: &str = "id, council_id, equipment_id, erased_on, method, certificate, \
    recorded_by, request_id, state_after";

fn exception(row: &AnyRow) -> RepoResult<WebException> {
    let c = Cols::new(row, "web_exceptions");
    Ok(WebException {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        person_id: c.int("person_id")?,
        host: c.text("host")?,
        starts_at: c.time("starts_at")?,
        ends_at: c.time("ends_at")?,
        request_id: c.int("request_id")?,
        clause: c.text("clause")?,
    })
}

pub(crate) fn software<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<AuthorisedSoftware> {
    let c = Cols::new(row, "authorised_software");
    Ok(AuthorisedSoftware {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        equipment_id: c.int("equipment_id")?,
        name: c.text("name")?,
        authorised_on: c.date("authorised_on")?,
        request_id: c.int("request_id")?,
        clause: c.text("clause")?,
    })
}

fn erasure(row: &AnyRow) -> RepoResult<Erasure> {
    let c = Cols::new(row, "erasures");
    Ok(Erasure {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        equipment_id: c.int("equipment_id")?,
        erased_on: c.date("erased_on")?,
        method: c.text("method")?,
        certificate: c.opt_text("certificate")?,
        recorded_by: c.text("recorded_by")?,
        request_id: c.opt_int("request_id")?,
        state_after: c.parsed("state_after", "an equipment state")?,
    })
}

pub(crate) async fn insert_exception(
    tx: &mut StoreTx,
    e: &WebException,
) -> RepoResult<WebException> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO web_exceptions (council_id, person_id, host, starts_at, ends_at, request_id,
             clause)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {EXCEPTION}"
    );
    let query = sqlx::query(&sql)
        .bind(e.council_id)
        .bind(e.person_id)
        .bind(e.host.as_str())
        .bind(time_text(e.starts_at))
        .bind(time_text(e.ends_at))
        .bind(e.request_id)
        .bind(e.clause.as_str());
    let row = tx
        .one(query, || "the exception was not stored".into())
        .await?;
    exception(&row)
}

pub(crate) async fn exceptions(tx: &mut StoreTx, council_id: Id) -> RepoResult<Vec<WebException>> {
    let sql =
        format!("SELECT {EXCEPTION} FROM web_exceptions WHERE council_id = $1 ORDER BY id DESC");
    let rows = tx.all(sqlx::query(&sql).bind(council_id)).await?;
    rows.iter().map(exception).collect()
}

pub(crate) async fn insert_software(
    tx: &mut StoreTx,
    s: &AuthorisedSoftware,
) -> RepoResult<AuthorisedSoftware> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO authorised_software (council_id, equipment_id, name, authorised_on,
             request_id, clause)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {SOFTWARE}"
    );
    let query = sqlx::query(&sql)
        .bind(s.council_id)
        .bind(s.equipment_id)
        .bind(s.name.as_str())
        .bind(date_text(s.authorised_on))
        .bind(s.request_id)
        .bind(s.clause.as_str());
    let row = tx
        .one(query, || "the software was not stored".into())
        .await?;
    software(&row)
}

pub(crate) async fn software_of(
    tx: &mut StoreTx,
    council_id: Id,
    equipment_id: Id,
) -> RepoResult<Vec<AuthorisedSoftware>> {
    let sql = format!(
        "SELECT {SOFTWARE} FROM authorised_software WHERE council_id = $1 AND equipment_id = $2 ORDER BY id"
    );
    let rows = tx
        .all(sqlx::query(&sql).bind(council_id).bind(equipment_id))
        .await?;
    rows.iter().map(software).collect()
}

pub(crate) const POSTURE_EXCEPTION: &str = "id, council_id, equipment_id, check_word, until_day, office, \
    office_name, authorised_on, request_id, clause, document";

pub(crate) fn posture_exception<'r>(
    row: impl Into<RowRef<'r>>,
) -> RepoResult<PostureExceptionGrant> {
    let c = Cols::new(row, "posture_exceptions");
    Ok(PostureExceptionGrant {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        equipment_id: c.int("equipment_id")?,
        check: c.word("check_word")?,
        until: c.date("until_day")?,
        office: steward_policy::OfficeId(c.text("office")?),
        office_name: c.text("office_name")?,
        authorised_on: c.date("authorised_on")?,
        request_id: c.int("request_id")?,
        clause: c.text("clause")?,
        document: c.text("document")?,
    })
}

pub(crate) async fn insert_posture_exception(
    tx: &mut StoreTx,
    g: &PostureExceptionGrant,
) -> RepoResult<PostureExceptionGrant> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO posture_exceptions (council_id, equipment_id, check_word, until_day,
             office, office_name, authorised_on, request_id, clause, document)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {POSTURE_EXCEPTION}"
    );
    let query = sqlx::query(&sql)
        .bind(g.council_id)
        .bind(g.equipment_id)
        .bind(word(&g.check))
        .bind(date_text(g.until))
        .bind(g.office.as_str().to_string())
        .bind(g.office_name.as_str())
        .bind(date_text(g.authorised_on))
        .bind(g.request_id)
        .bind(g.clause.as_str())
        .bind(g.document.as_str());
    let row = tx
        .one(query, || "the exception was not stored".into())
        .await?;
    posture_exception(&row)
}

pub(crate) async fn posture_exceptions(
    tx: &mut StoreTx,
    council_id: Id,
    today: chrono::NaiveDate,
) -> RepoResult<Vec<PostureExceptionGrant>> {
    let sql = format!(
        "SELECT {POSTURE_EXCEPTION} FROM posture_exceptions
         WHERE council_id = $1 AND until_day >= $2 ORDER BY equipment_id, id"
    );
    let rows = tx
        .all(sqlx::query(&sql).bind(council_id).bind(date_text(today)))
        .await?;
    rows.iter().map(posture_exception).collect()
}

pub(crate) async fn insert_erasure(tx: &mut StoreTx, e: &Erasure) -> RepoResult<Erasure> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO erasures (council_id, equipment_id, erased_on, method, certificate,
             recorded_by, request_id, state_after)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {ERASURE}"
    );
    let query = sqlx::query(&sql)
        .bind(e.council_id)
        .bind(e.equipment_id)
        .bind(date_text(e.erased_on))
        .bind(e.method.as_str())
        .bind(e.certificate.as_deref())
        .bind(e.recorded_by.as_str())
        .bind(e.request_id)
        .bind(word(&e.state_after));
    let row = tx
        .one(query, || "the erasure was not stored".into())
        .await?;
    erasure(&row)
}

pub(crate) async fn erasures(
    tx: &mut StoreTx,
    council_id: Id,
    equipment_id: Id,
) -> RepoResult<Vec<Erasure>> {
    let sql = format!(
        "SELECT {ERASURE} FROM erasures WHERE council_id = $1 AND equipment_id = $2 ORDER BY id"
    );
    let rows = tx
        .all(sqlx::query(&sql).bind(council_id).bind(equipment_id))
        .await?;
    rows.iter().map(erasure).collect()
}
