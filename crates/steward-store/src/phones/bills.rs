//! Phone bills and the items on them.

use crate::rows::{Cols, RowRef, date_text, flag_int};
use crate::tx::StoreTx;
use sqlx::any::AnyRow;
use steward_domain::phones::repo::{NewPhoneBill, NewPhoneCall};
use steward_domain::phones::{BillPeriod, PhoneBill, PhoneCall};
use steward_domain::{Id, Pence, RepoResult};

const BILL: &str = "id, council_id, line_id, period, imported_on, imported_by, source";
const CALL: &str = "id, council_id, bill_id, called_on, called_at, called, description, \
                    duration_seconds, cost, person_id, loan_id, personal";
/// The order calls were made in; a missing time sorts first on both backends.
const IN_ORDER: &str = "ORDER BY called_on, COALESCE(called_at, ''), id";
const TIME_FORMAT: &str = "%H:%M:%S";

pub(super) fn bill<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<PhoneBill> {
    let row: RowRef<'r> = row.into();
    let c = Cols::new(row, "phone_bills");
    Ok(PhoneBill {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        line_id: c.int("line_id")?,
        period: c.parsed("period", "a month")?,
        imported_on: c.date("imported_on")?,
        imported_by: c.text("imported_by")?,
        source: c.text("source")?,
    })
}

fn call(row: &AnyRow) -> RepoResult<PhoneCall> {
    let c = Cols::new(row, "phone_calls");
    Ok(PhoneCall {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        bill_id: c.int("bill_id")?,
        called_on: c.date("called_on")?,
        called_at: c.opt_parsed("called_at", "a time of day")?,
        called: c.opt_text("called")?,
        description: c.opt_text("description")?,
        duration_seconds: c.opt_int("duration_seconds")?,
        cost: Pence(c.int("cost")?),
        person_id: c.opt_int("person_id")?,
        loan_id: c.opt_int("loan_id")?,
        personal: c.flag("personal")?,
    })
}

pub(crate) async fn insert(
    tx: &mut StoreTx,
    council_id: Id,
    new: &NewPhoneBill,
) -> RepoResult<PhoneBill> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO phone_bills (council_id, line_id, period, imported_on, imported_by, source)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {BILL}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(new.line_id)
        .bind(new.period.to_string())
        .bind(date_text(new.imported_on))
        .bind(new.imported_by.as_str())
        .bind(new.source.as_str());
    let row = tx
        .one(query, || "the phone bill was not stored".into())
        .await?;
    bill(&row)
}

pub(crate) async fn insert_call(
    tx: &mut StoreTx,
    council_id: Id,
    bill_id: Id,
    new: &NewPhoneCall,
) -> RepoResult<PhoneCall> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO phone_calls (council_id, bill_id, called_on, called_at, called, description,
                                  duration_seconds, cost, person_id, loan_id, personal)
         SELECT council_id, $1, $2, $3, $4, $5, $6, $7, $8, $9, 0 FROM phone_bills
         WHERE council_id = $10 AND id = $1
         RETURNING {CALL}"
    );
    let query = sqlx::query(&sql)
        .bind(bill_id)
        .bind(date_text(new.called_on))
        .bind(new.called_at.map(|t| t.format(TIME_FORMAT).to_string()))
        .bind(new.called.as_deref())
        .bind(new.description.as_deref())
        .bind(new.duration_seconds)
        .bind(new.cost.0)
        .bind(new.person_id)
        .bind(new.loan_id)
        .bind(council_id);
    let row = tx
        .one(query, || format!("no phone bill has id {bill_id}"))
        .await?;
    call(&row)
}

pub(crate) async fn by_id(
    tx: &mut StoreTx,
    council_id: Id,
    id: Id,
) -> RepoResult<Option<PhoneBill>> {
    let sql = format!("SELECT {BILL} FROM phone_bills WHERE council_id = $1 AND id = $2");
    let query = sqlx::query(&sql).bind(council_id).bind(id);
    tx.optional(query).await?.as_ref().map(bill).transpose()
}

pub(crate) async fn of_line(
    tx: &mut StoreTx,
    council_id: Id,
    line_id: Id,
    period: BillPeriod,
) -> RepoResult<Option<PhoneBill>> {
    let sql = format!(
        "SELECT {BILL} FROM phone_bills WHERE council_id = $1 AND line_id = $2 AND period = $3"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(line_id)
        .bind(period.to_string());
    tx.optional(query).await?.as_ref().map(bill).transpose()
}

pub(crate) async fn list(tx: &mut StoreTx, council_id: Id) -> RepoResult<Vec<PhoneBill>> {
    let sql = format!(
        "SELECT {BILL} FROM phone_bills WHERE council_id = $1 ORDER BY period DESC, id DESC"
    );
    let query = sqlx::query(&sql).bind(council_id);
    tx.all(query).await?.iter().map(bill).collect()
}

pub(crate) async fn calls(
    tx: &mut StoreTx,
    council_id: Id,
    bill_id: Id,
) -> RepoResult<Vec<PhoneCall>> {
    let sql =
        format!("SELECT {CALL} FROM phone_calls WHERE council_id = $1 AND bill_id = $2 {IN_ORDER}");
    let query = sqlx::query(&sql).bind(council_id).bind(bill_id);
    tx.all(query).await?.iter().map(call).collect()
}

pub(crate) async fn calls_of_person(
    tx: &mut StoreTx,
    council_id: Id,
    person_id: Id,
) -> RepoResult<Vec<PhoneCall>> {
    let sql = format!(
        "SELECT {CALL} FROM phone_calls WHERE council_id = $1 AND person_id = $2 {IN_ORDER}"
    );
    let query = sqlx::query(&sql).bind(council_id).bind(person_id);
    tx.all(query).await?.iter().map(call).collect()
}

pub(crate) async fn set_personal(
    tx: &mut StoreTx,
    council_id: Id,
    call_id: Id,
    personal: bool,
) -> RepoResult<()> {
    tx.writable()?;
    let query =
        sqlx::query("UPDATE phone_calls SET personal = $2 WHERE council_id = $3 AND id = $1")
            .bind(call_id)
            .bind(flag_int(personal))
            .bind(council_id);
    tx.exec_one(query, || format!("no phone call has id {call_id}"))
        .await
}
