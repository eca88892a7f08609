//! Bills and statements with the names, totals and balances people read them by.

use super::number::PhoneNumber;
use super::period::BillPeriod;
use super::records::{PhoneBill, PhoneCall, PhonePayment, PhoneStatement};
use super::repo::PhoneTx;
use crate::error::{DomainError, DomainResult};
use crate::ids::{AssetTag, Pence, PersonRef};
use crate::records::{Council, Id};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use steward_policy::Citation;

/// Sums pence without wrapping; a bill's items are each capped, so this never saturates.
pub fn total<'a>(amounts: impl IntoIterator<Item = &'a Pence>) -> Pence {
    Pence(amounts.into_iter().fold(0i64, |t, p| t.saturating_add(p.0)))
}

/// One holder's share of a bill.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HolderShare {
    pub person_id: Id,
    pub person: PersonRef,
    pub name: String,
    pub items: usize,
    pub cost: Pence,
    pub personal_items: usize,
    pub personal_cost: Pence,
    /// The statement raised for this share, once there is one.
    pub statement_id: Option<Id>,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BillView {
    pub bill: PhoneBill,
    pub number: PhoneNumber,
    pub readable: String,
    pub asset_tag: AssetTag,
    pub items: usize,
    pub total: Pence,
    pub holders: Vec<HolderShare>,
    /// Items made while the phone was with the council.
    pub council_items: usize,
    pub council_cost: Pence,
}

/// A bill with every item on it, for those who may read the register.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BillDetail {
    #[serde(flatten)]
    pub view: BillView,
    pub calls: Vec<PhoneCall>,
}

pub async fn find_bill<T: PhoneTx>(
    tx: &mut T,
    council: &Council,
    id: Id,
) -> DomainResult<PhoneBill> {
    match tx.phone_bill(council.id, id).await? {
        Some(bill) if bill.council_id == council.id => Ok(bill),
        _ => Err(DomainError::not_found("phone bill", id)),
    }
}

async fn bill_view_of<T: PhoneTx>(
    tx: &mut T,
    bill: PhoneBill,
    calls: &[PhoneCall],
) -> DomainResult<BillView> {
    let line = tx
        .phone_line(bill.council_id, bill.line_id)
        .await?
        .ok_or_else(|| DomainError::not_found("phone line", bill.line_id))?;
    let item = tx
        .equipment_by_id(line.council_id, line.equipment_id)
        .await?
        .ok_or_else(|| DomainError::not_found("equipment", line.equipment_id))?;
    let statements = tx
        .phone_statements_of_bill(bill.council_id, bill.id)
        .await?;
    let mut by_person: BTreeMap<Id, Vec<&PhoneCall>> = BTreeMap::new();
    for call in calls {
        if let Some(person) = call.person_id {
            by_person.entry(person).or_default().push(call);
        }
    }
    let mut holders = Vec::new();
    for (person_id, mine) in by_person {
        let person = tx
            .person(bill.council_id, person_id)
            .await?
            .ok_or_else(|| DomainError::not_found("person", person_id))?;
        let personal: Vec<&&PhoneCall> = mine.iter().filter(|c| c.personal).collect();
        holders.push(HolderShare {
            person_id,
            person: person.reference,
            name: person.name,
            items: mine.len(),
            cost: total(mine.iter().map(|c| &c.cost)),
            personal_items: personal.len(),
            personal_cost: total(personal.iter().map(|c| &c.cost)),
            statement_id: statements
                .iter()
                .find(|s| s.person_id == person_id)
                .map(|s| s.id),
        });
    }
    let council_calls: Vec<&PhoneCall> = calls.iter().filter(|c| c.person_id.is_none()).collect();
    Ok(BillView {
        readable: line.number.readable(),
        number: line.number,
        asset_tag: item.asset_tag,
        items: calls.len(),
        total: total(calls.iter().map(|c| &c.cost)),
        holders,
        council_items: council_calls.len(),
        council_cost: total(council_calls.iter().map(|c| &c.cost)),
        bill,
    })
}

pub async fn bill_view<T: PhoneTx>(tx: &mut T, bill: PhoneBill) -> DomainResult<BillView> {
    let calls = tx.phone_calls(bill.council_id, bill.id).await?;
    bill_view_of(tx, bill, &calls).await
}

pub async fn bill_detail<T: PhoneTx>(
    tx: &mut T,
    council: &Council,
    id: Id,
) -> DomainResult<BillDetail> {
    let bill = find_bill(tx, council, id).await?;
    let calls = tx.phone_calls(council.id, bill.id).await?;
    let view = bill_view_of(tx, bill, &calls).await?;
    Ok(BillDetail { view, calls })
}

/// A statement with what has been paid against it.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StatementView {
    pub statement: PhoneStatement,
    pub person: PersonRef,
    pub person_name: String,
    pub period: BillPeriod,
    pub asset_tag: AssetTag,
    pub readable: String,
    pub paid: Pence,
    pub outstanding: Pence,
    pub payments: Vec<PhonePayment>,
    pub citation: Citation,
}

impl StatementView {
    pub fn paid_in_full(&self) -> bool {
        self.outstanding.0 <= 0
    }
}

pub async fn find_statement<T: PhoneTx>(
    tx: &mut T,
    council: &Council,
    id: Id,
) -> DomainResult<PhoneStatement> {
    match tx.phone_statement(council.id, id).await? {
        Some(s) if s.council_id == council.id => Ok(s),
        _ => Err(DomainError::not_found("phone statement", id)),
    }
}

pub async fn statement_view<T: PhoneTx>(
    tx: &mut T,
    statement: PhoneStatement,
) -> DomainResult<StatementView> {
    let payments = tx
        .phone_payments(statement.council_id, statement.id)
        .await?;
    statement_view_with(tx, statement, payments).await
}

async fn statement_view_with<T: PhoneTx>(
    tx: &mut T,
    statement: PhoneStatement,
    payments: Vec<PhonePayment>,
) -> DomainResult<StatementView> {
    let person = tx
        .person(statement.council_id, statement.person_id)
        .await?
        .ok_or_else(|| DomainError::not_found("person", statement.person_id))?;
    let bill = tx
        .phone_bill(statement.council_id, statement.bill_id)
        .await?
        .ok_or_else(|| DomainError::not_found("phone bill", statement.bill_id))?;
    let line = tx
        .phone_line(bill.council_id, bill.line_id)
        .await?
        .ok_or_else(|| DomainError::not_found("phone line", bill.line_id))?;
    let item = tx
        .equipment_by_id(line.council_id, line.equipment_id)
        .await?
        .ok_or_else(|| DomainError::not_found("equipment", line.equipment_id))?;
    let paid = total(payments.iter().map(|p| &p.amount));
    Ok(StatementView {
        person: person.reference,
        person_name: person.name,
        period: bill.period,
        asset_tag: item.asset_tag,
        readable: line.number.readable(),
        outstanding: Pence(statement.amount.0.saturating_sub(paid.0)),
        paid,
        payments,
        citation: Citation {
            clause: statement.clause.clone(),
            document: statement.document.clone(),
        },
        statement,
    })
}

/// A bill as its holder sees it: their own items only, and where marking stands.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MyBill {
    pub bill_id: Id,
    pub period: BillPeriod,
    pub asset_tag: AssetTag,
    pub readable: String,
    pub calls: Vec<PhoneCall>,
    pub cost: Pence,
    pub personal_items: usize,
    pub personal_cost: Pence,
    /// Once a statement is issued the marks are final.
    pub statement: Option<StatementView>,
}

impl MyBill {
    pub fn open(&self) -> bool {
        self.statement.is_none()
    }
}

/// The bills with items attributed to `person_id`, newest month first.
pub async fn mine<T: PhoneTx>(
    tx: &mut T,
    council: &Council,
    person_id: Id,
) -> DomainResult<Vec<MyBill>> {
    let mut by_bill: BTreeMap<Id, Vec<PhoneCall>> = BTreeMap::new();
    for call in tx.phone_calls_of_person(council.id, person_id).await? {
        if call.council_id == council.id {
            by_bill.entry(call.bill_id).or_default().push(call);
        }
    }
    let mut out = Vec::new();
    for (bill_id, calls) in by_bill {
        let bill = find_bill(tx, council, bill_id).await?;
        let line = tx
            .phone_line(council.id, bill.line_id)
            .await?
            .ok_or_else(|| DomainError::not_found("phone line", bill.line_id))?;
        let item = tx
            .equipment_by_id(council.id, line.equipment_id)
            .await?
            .ok_or_else(|| DomainError::not_found("equipment", line.equipment_id))?;
        let statement = tx
            .phone_statements_of_bill(council.id, bill.id)
            .await?
            .into_iter()
            .find(|s| s.person_id == person_id);
        let statement = match statement {
            Some(s) => Some(statement_view(tx, s).await?),
            None => None,
        };
        let personal: Vec<&PhoneCall> = calls.iter().filter(|c| c.personal).collect();
        out.push(MyBill {
            bill_id,
            period: bill.period,
            asset_tag: item.asset_tag,
            readable: line.number.readable(),
            cost: total(calls.iter().map(|c| &c.cost)),
            personal_items: personal.len(),
            personal_cost: total(personal.iter().map(|c| &c.cost)),
            calls,
            statement,
        });
    }
    out.sort_by(|a, b| b.period.cmp(&a.period).then(b.bill_id.cmp(&a.bill_id)));
    Ok(out)
}

/// A call's length as bills write it: `3:25`, or `1:02:05` from an hour up.
pub fn duration_text(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_sums() {
        assert_eq!(duration_text(205), "3:25");
        assert_eq!(duration_text(7), "0:07");
        assert_eq!(duration_text(3725), "1:02:05");
        assert_eq!(total(&[Pence(35), Pence(120), Pence(0)]), Pence(155));
        assert_eq!(total(&[Pence(i64::MAX), Pence(1)]), Pence(i64::MAX));
    }
}
