//! Statements of what a holder owes for the personal calls on a bill, and payments against them.

use super::repo::{NewPhonePayment, NewPhoneStatement, PhoneTx};
use super::views::{StatementView, find_bill, find_statement, statement_view};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::{Pence, PersonRef};
use crate::import::plain_text;
use crate::ops::{NONE, audit, people, policy};
use crate::records::{Council, Id};
use chrono::NaiveDate;
use steward_policy::{long_date, phones};

const REFERENCE_MAX: usize = 100;

/// Raises the statement for `person`'s share of a bill: the cost of the calls they marked
/// personal, under the pack's `[phones]` clause. Marking on the bill closes for them.
pub async fn issue<T: PhoneTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    bill_id: Id,
    person: &PersonRef,
) -> DomainResult<StatementView> {
    let bill = find_bill(tx, council, bill_id).await?;
    let holder = people::find(tx, council, person).await?;
    let mine: Vec<_> = tx
        .phone_calls(council.id, bill.id)
        .await?
        .into_iter()
        .filter(|c| c.person_id == Some(holder.id))
        .collect();
    if mine.is_empty() {
        return Err(DomainError::invalid(
            "person",
            format!(
                "{} ({}) made no calls on the {} bill",
                holder.name,
                holder.reference,
                bill.period.label()
            ),
        ));
    }
    if let Some(earlier) = tx
        .phone_statements_of_bill(council.id, bill.id)
        .await?
        .into_iter()
        .find(|s| s.person_id == holder.id)
    {
        return Err(DomainError::Conflict {
            field: "person".into(),
            message: format!(
                "statement {} for {} on this bill was already issued on {}",
                earlier.id,
                holder.name,
                long_date(earlier.issued_on)
            ),
        });
    }
    let active = policy::require(tx, council, ctx.today).await?;
    let owed = phones::amount_owed(
        &active.pack,
        mine.iter().filter(|c| c.personal).map(|c| c.cost.0),
    )
    .map_err(|refusal| DomainError::Refused {
        action: "statement",
        refusals: vec![refusal],
    })?;
    let new = NewPhoneStatement {
        bill_id: bill.id,
        person_id: holder.id,
        amount: Pence(owed.amount_pence),
        issued_on: ctx.today,
        issued_by: ctx.actor.clone(),
        clause: owed.citation.clause,
        document: owed.citation.document,
    };
    let statement = tx.insert_phone_statement(council.id, &new).await?;
    audit(
        tx,
        ctx,
        council.id,
        "phone.statement.issue",
        "phone_statement",
        statement.id,
        NONE,
        Some(&statement),
    )
    .await?;
    statement_view(tx, statement).await
}

/// A payment as it is recorded.
#[derive(Clone, Debug)]
pub struct Payment {
    pub amount: Pence,
    pub paid_on: NaiveDate,
    pub reference: Option<String>,
}

/// Records a payment towards a statement. Part payments are fine; paying more than is still
/// owed is refused.
pub async fn pay<T: PhoneTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    statement_id: Id,
    payment: Payment,
) -> DomainResult<StatementView> {
    let statement = find_statement(tx, council, statement_id).await?;
    let before = statement_view(tx, statement.clone()).await?;
    if payment.amount.0 <= 0 {
        return Err(DomainError::invalid(
            "amount",
            "a payment must be more than £0.00",
        ));
    }
    if payment.paid_on > ctx.today {
        return Err(DomainError::invalid(
            "paid_on",
            "a payment cannot be dated in the future",
        ));
    }
    if payment.paid_on < statement.issued_on {
        return Err(DomainError::invalid(
            "paid_on",
            format!(
                "a payment cannot be dated before the statement was issued on {}",
                long_date(statement.issued_on)
            ),
        ));
    }
    let reference = match payment.reference.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(
            plain_text(text, REFERENCE_MAX)
                .map_err(|why| DomainError::invalid("reference", format!("the reference {why}")))?,
        ),
    };
    if before.paid_in_full() {
        return Err(DomainError::Conflict {
            field: "statement".into(),
            message: format!("statement {statement_id} is already paid in full"),
        });
    }
    if payment.amount > before.outstanding {
        return Err(DomainError::invalid(
            "amount",
            format!(
                "{} is more than the {} still owed; an overpayment cannot be recorded",
                payment.amount, before.outstanding
            ),
        ));
    }
    let new = NewPhonePayment {
        statement_id: statement.id,
        amount: payment.amount,
        paid_on: payment.paid_on,
        reference,
        recorded_by: ctx.actor.clone(),
    };
    let paid = tx.insert_phone_payment(council.id, &new).await?;
    audit(
        tx,
        ctx,
        council.id,
        "phone.payment",
        "phone_statement",
        statement.id,
        NONE,
        Some(&paid),
    )
    .await?;
    statement_view(tx, statement).await
}
