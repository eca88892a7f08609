//! Importing a month's itemised bill: every line in the file must be registered, every date
//! must fit the month, and a line's bill for a month comes in once. Each item goes to whoever
//! held the phone that day.

use super::bill::BillRow;
use super::holder::loan_on;
use super::number::PhoneNumber;
use super::period::BillPeriod;
use super::records::{PhoneBill, PhoneLine};
use super::repo::{NewPhoneBill, NewPhoneCall, PhoneTx};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::{AssetTag, Pence};
use crate::import::{ImportErrors, RowError};
use crate::ops::{NONE, audit};
use crate::records::{Council, Loan};
use serde::{Deserialize, Serialize};
use steward_policy::long_date;

/// One line's bill as it was imported.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImportedBill {
    pub bill: PhoneBill,
    pub asset_tag: AssetTag,
    pub number: PhoneNumber,
    pub items: usize,
    pub total: Pence,
    /// Items made while someone held the phone.
    pub attributed: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Imported {
    pub period: BillPeriod,
    pub bills: Vec<ImportedBill>,
}

/// What the audit trail keeps of an import: counts and sums, never the numbers called.
#[derive(Serialize, schemars::JsonSchema)]
struct ImportAudit<'a> {
    source: &'a str,
    period: BillPeriod,
    bills: Vec<BillAudit<'a>>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct BillAudit<'a> {
    bill_id: i64,
    asset_tag: &'a AssetTag,
    items: usize,
    total_pence: i64,
    attributed: usize,
}

/// A file's rows grouped by the line they were made from, in the order lines first appear.
struct LineRows {
    line: PhoneLine,
    asset_tag: AssetTag,
    loans: Vec<Loan>,
    rows: Vec<BillRow>,
}

fn row_error(row: &BillRow, column: &str, message: String) -> RowError {
    RowError {
        line: row.line,
        column: Some(column.to_string()),
        message,
    }
}

/// Imports `rows` (already parsed from `file`) as the `period` bills of the lines they name.
/// Nothing is written unless every row is good and no line's bill for the month is in already.
pub async fn import<T: PhoneTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    file: &str,
    period: BillPeriod,
    rows: Vec<BillRow>,
) -> DomainResult<Imported> {
    let earliest = period.earliest_call();
    let latest = period.last_day().min(ctx.today);
    let all_loans = tx.loans(council.id, false).await?;
    let mut errors = Vec::new();
    let mut groups: Vec<LineRows> = Vec::new();
    let mut unknown: Vec<PhoneNumber> = Vec::new();

    for row in rows {
        if row.called_on > ctx.today {
            errors.push(row_error(
                &row,
                "date",
                format!(
                    "{} is after today; a bill lists calls already made",
                    long_date(row.called_on)
                ),
            ));
        } else if row.called_on < earliest || row.called_on > latest {
            errors.push(row_error(
                &row,
                "date",
                format!(
                    "{} is outside the {} bill, which may list calls from {} to {}",
                    long_date(row.called_on),
                    period.label(),
                    long_date(earliest),
                    long_date(period.last_day())
                ),
            ));
        }
        if let Some(group) = groups.iter_mut().find(|g| g.line.number == row.number) {
            group.rows.push(row);
            continue;
        }
        if unknown.contains(&row.number) {
            errors.push(not_registered(&row));
            continue;
        }
        match tx.active_phone_line(council.id, &row.number).await? {
            Some(line) => {
                let item = tx.equipment_by_id(council.id, line.equipment_id).await?;
                let asset_tag = item
                    .map(|e| e.asset_tag)
                    .ok_or_else(|| DomainError::not_found("equipment", line.equipment_id))?;
                let loans = all_loans
                    .iter()
                    .filter(|l| l.equipment_id == line.equipment_id)
                    .cloned()
                    .collect();
                groups.push(LineRows {
                    line,
                    asset_tag,
                    loans,
                    rows: vec![row],
                });
            }
            None => {
                errors.push(not_registered(&row));
                unknown.push(row.number);
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(ImportErrors {
            file: file.to_string(),
            errors,
        }
        .into());
    }

    for group in &groups {
        if let Some(earlier) = tx
            .phone_bill_of_line(council.id, group.line.id, period)
            .await?
        {
            return Err(DomainError::Conflict {
                field: "period".into(),
                message: format!(
                    "the {} bill for {} ({}) was already imported on {}; a month's bill is \
                     imported once",
                    period.label(),
                    group.line.number.readable(),
                    group.asset_tag,
                    long_date(earlier.imported_on)
                ),
            });
        }
    }

    let mut bills = Vec::new();
    for group in groups {
        let new = NewPhoneBill {
            line_id: group.line.id,
            period,
            imported_on: ctx.today,
            imported_by: ctx.actor.clone(),
            source: file.to_string(),
        };
        let bill = tx.insert_phone_bill(council.id, &new).await?;
        let mut total = Pence(0);
        let mut attributed = 0;
        let items = group.rows.len();
        for row in group.rows {
            let loan = loan_on(&group.loans, row.called_on);
            attributed += usize::from(loan.is_some());
            total = Pence(total.0.saturating_add(row.cost.0));
            let call = NewPhoneCall {
                called_on: row.called_on,
                called_at: row.called_at,
                called: row.called,
                description: row.description,
                duration_seconds: row.duration_seconds,
                cost: row.cost,
                person_id: loan.map(|l| l.person_id),
                loan_id: loan.map(|l| l.id),
            };
            tx.insert_phone_call(council.id, bill.id, &call).await?;
        }
        bills.push(ImportedBill {
            bill,
            asset_tag: group.asset_tag,
            number: group.line.number,
            items,
            total,
            attributed,
        });
    }
    let summary = ImportAudit {
        source: file,
        period,
        bills: bills
            .iter()
            .map(|b| BillAudit {
                bill_id: b.bill.id,
                asset_tag: &b.asset_tag,
                items: b.items,
                total_pence: b.total.0,
                attributed: b.attributed,
            })
            .collect(),
    };
    audit(
        tx,
        ctx,
        council.id,
        "phone.bill.import",
        "phone_bills",
        period,
        NONE,
        Some(&summary),
    )
    .await?;
    Ok(Imported { period, bills })
}

fn not_registered(row: &BillRow) -> RowError {
    row_error(
        row,
        "line",
        format!(
            "{} is not a registered council phone line; register it on the phone first \
             (steward phone line add TAG NUMBER)",
            row.number.readable()
        ),
    )
}
