//! Phone lines: which number is which council phone's.

use crate::rows::{Cols, date_text};
use crate::tx::StoreTx;
use chrono::NaiveDate;
use sqlx::any::AnyRow;
use steward_domain::phones::{PhoneLine, PhoneNumber};
use steward_domain::{Id, RepoResult};

const LINE: &str = "id, council_id, equipment_id, number, added_on, removed_on";

fn line(row: &AnyRow) -> RepoResult<PhoneLine> {
    let c = Cols::new(row, "phone_lines");
    Ok(PhoneLine {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        equipment_id: c.int("equipment_id")?,
        number: c.parsed("number", "a phone number")?,
        added_on: c.date("added_on")?,
        removed_on: c.opt_date("removed_on")?,
    })
}

pub(crate) async fn insert(
    tx: &mut StoreTx,
    council_id: Id,
    equipment_id: Id,
    number: &PhoneNumber,
    added_on: NaiveDate,
) -> RepoResult<PhoneLine> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO phone_lines (council_id, equipment_id, number, added_on)
         VALUES ($1, $2, $3, $4) RETURNING {LINE}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(equipment_id)
        .bind(number.as_str())
        .bind(date_text(added_on));
    let row = tx
        .one(query, || "the phone line was not stored".into())
        .await?;
    let made = line(&row)?;
    let words = crate::search::of_phone_number(&made.number);
    crate::search::index(
        tx,
        council_id,
        crate::search::PHONE_LINE,
        made.id,
        &words,
        false,
    )
    .await?;
    Ok(made)
}

pub(crate) async fn by_id(
    tx: &mut StoreTx,
    council_id: Id,
    id: Id,
) -> RepoResult<Option<PhoneLine>> {
    let sql = format!("SELECT {LINE} FROM phone_lines WHERE council_id = $1 AND id = $2");
    let query = sqlx::query(&sql).bind(council_id).bind(id);
    tx.optional(query).await?.as_ref().map(line).transpose()
}

pub(crate) async fn active(
    tx: &mut StoreTx,
    council_id: Id,
    number: &PhoneNumber,
) -> RepoResult<Option<PhoneLine>> {
    let sql = format!(
        "SELECT {LINE} FROM phone_lines
         WHERE council_id = $1 AND number = $2 AND removed_on IS NULL"
    );
    let query = sqlx::query(&sql).bind(council_id).bind(number.as_str());
    tx.optional(query).await?.as_ref().map(line).transpose()
}

pub(crate) async fn list(tx: &mut StoreTx, council_id: Id) -> RepoResult<Vec<PhoneLine>> {
    let sql = format!("SELECT {LINE} FROM phone_lines WHERE council_id = $1 ORDER BY number, id");
    let query = sqlx::query(&sql).bind(council_id);
    tx.all(query).await?.iter().map(line).collect()
}

pub(crate) async fn remove(
    tx: &mut StoreTx,
    council_id: Id,
    id: Id,
    on: NaiveDate,
) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "UPDATE phone_lines SET removed_on = $2
             WHERE council_id = $3 AND id = $1 AND removed_on IS NULL",
    )
    .bind(id)
    .bind(date_text(on))
    .bind(council_id);
    tx.exec_one(query, || format!("no current phone line has id {id}"))
        .await
}
