//! Statements of what a holder owes for personal calls, and the payments made against them.

use crate::rows::{Cols, RowRef, date_text};
use crate::tx::StoreTx;
use sqlx::any::AnyRow;
use steward_domain::phones::repo::{NewPhonePayment, NewPhoneStatement};
use steward_domain::phones::{PhonePayment, PhoneStatement};
use steward_domain::{Id, Pence, RepoResult};

pub(crate) const STATEMENT: &str =
    "id, council_id, bill_id, person_id, amount, issued_on, issued_by, clause, document";
pub(super) const PAYMENT: &str =
    "id, council_id, statement_id, amount, paid_on, reference, recorded_by";

pub(crate) fn statement<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<PhoneStatement> {
    let c = Cols::new(row, "phone_statements");
    Ok(PhoneStatement {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        bill_id: c.int("bill_id")?,
        person_id: c.int("person_id")?,
        amount: Pence(c.int("amount")?),
        issued_on: c.date("issued_on")?,
        issued_by: c.text("issued_by")?,
        clause: c.text("clause")?,
        document: c.text("document")?,
    })
}

pub(super) fn payment(row: &AnyRow) -> RepoResult<PhonePayment> {
    let c = Cols::new(row, "phone_payments");
    Ok(PhonePayment {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        statement_id: c.int("statement_id")?,
        amount: Pence(c.int("amount")?),
        paid_on: c.date("paid_on")?,
        reference: c.opt_text("reference")?,
        recorded_by: c.text("recorded_by")?,
    })
}

pub(crate) async fn insert(
    tx: &mut StoreTx,
    council_id: Id,
    new: &NewPhoneStatement,
) -> RepoResult<PhoneStatement> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO phone_statements (council_id, bill_id, person_id, amount, issued_on,
                                       issued_by, clause, document)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {STATEMENT}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(new.bill_id)
        .bind(new.person_id)
        .bind(new.amount.0)
        .bind(date_text(new.issued_on))
        .bind(new.issued_by.as_str())
        .bind(new.clause.as_str())
        .bind(new.document.as_str());
    let row = tx
        .one(query, || "the phone statement was not stored".into())
        .await?;
    statement(&row)
}

pub(crate) async fn by_id(
    tx: &mut StoreTx,
    council_id: Id,
    id: Id,
) -> RepoResult<Option<PhoneStatement>> {
    let sql = format!("SELECT {STATEMENT} FROM phone_statements WHERE council_id = $1 AND id = $2");
    let query = sqlx::query(&sql).bind(council_id).bind(id);
    tx.optional(query)
        .await?
        .as_ref()
        .map(statement)
        .transpose()
}

pub(crate) async fn list(tx: &mut StoreTx, council_id: Id) -> RepoResult<Vec<PhoneStatement>> {
    let sql = format!(
        "SELECT {STATEMENT} FROM phone_statements WHERE council_id = $1
         ORDER BY issued_on DESC, id DESC"
    );
    let query = sqlx::query(&sql).bind(council_id);
    tx.all(query).await?.iter().map(statement).collect()
}

pub(crate) async fn of_bill(
    tx: &mut StoreTx,
    council_id: Id,
    bill_id: Id,
) -> RepoResult<Vec<PhoneStatement>> {
    let sql = format!(
        "SELECT {STATEMENT} FROM phone_statements WHERE council_id = $1 AND bill_id = $2 ORDER BY id"
    );
    let query = sqlx::query(&sql).bind(council_id).bind(bill_id);
    tx.all(query).await?.iter().map(statement).collect()
}

pub(crate) async fn insert_payment(
    tx: &mut StoreTx,
    council_id: Id,
    new: &NewPhonePayment,
) -> RepoResult<PhonePayment> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO phone_payments (council_id, statement_id, amount, paid_on, reference,
                                     recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {PAYMENT}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(new.statement_id)
        .bind(new.amount.0)
        .bind(date_text(new.paid_on))
        .bind(new.reference.as_deref())
        .bind(new.recorded_by.as_str());
    let row = tx
        .one(query, || "the payment was not stored".into())
        .await?;
    payment(&row)
}

pub(crate) async fn payments(
    tx: &mut StoreTx,
    council_id: Id,
    statement_id: Id,
) -> RepoResult<Vec<PhonePayment>> {
    let sql = format!(
        "SELECT {PAYMENT} FROM phone_payments WHERE council_id = $1 AND statement_id = $2 ORDER BY paid_on, id"
    );
    let query = sqlx::query(&sql).bind(council_id).bind(statement_id);
    tx.all(query).await?.iter().map(payment).collect()
}

pub(crate) async fn payments_of_council(
    tx: &mut StoreTx,
    council_id: Id,
) -> RepoResult<Vec<PhonePayment>> {
    let sql =
        format!("SELECT {PAYMENT} FROM phone_payments WHERE council_id = $1 ORDER BY paid_on, id");
    let query = sqlx::query(&sql).bind(council_id);
    tx.all(query).await?.iter().map(payment).collect()
}
