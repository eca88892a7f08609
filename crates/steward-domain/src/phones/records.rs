//! What the register holds about council phones and their bills. Also the wire types.

use super::number::PhoneNumber;
use super::period::BillPeriod;
use crate::ids::Pence;
use crate::records::Id;
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// A telephone number that belongs to one council phone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PhoneLine {
    pub id: Id,
    pub council_id: Id,
    pub equipment_id: Id,
    pub number: PhoneNumber,
    pub added_on: NaiveDate,
    /// Set when the number stops being the phone's; bills already imported keep pointing here.
    pub removed_on: Option<NaiveDate>,
}

impl PhoneLine {
    pub fn is_active(&self) -> bool {
        self.removed_on.is_none()
    }
}

/// One line's itemised bill for one month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PhoneBill {
    pub id: Id,
    pub council_id: Id,
    pub line_id: Id,
    pub period: BillPeriod,
    pub imported_on: NaiveDate,
    pub imported_by: String,
    /// The name of the file it came from.
    pub source: String,
}

/// One item of a bill: a call, a text or a charge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PhoneCall {
    pub id: Id,
    pub council_id: Id,
    pub bill_id: Id,
    pub called_on: NaiveDate,
    pub called_at: Option<NaiveTime>,
    /// The number called, as the bill gives it (short codes and withheld numbers included).
    pub called: Option<String>,
    /// What the bill says the item is: "Text", "Data", "Call to voicemail".
    pub description: Option<String>,
    pub duration_seconds: Option<i64>,
    pub cost: Pence,
    /// Who held the phone on that day, by the loan open then; none for the council's own use.
    pub person_id: Option<Id>,
    pub loan_id: Option<Id>,
    /// Marked by the holder as a personal call.
    pub personal: bool,
}

/// What one holder owes for the personal calls on one bill.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PhoneStatement {
    pub id: Id,
    pub council_id: Id,
    pub bill_id: Id,
    pub person_id: Id,
    pub amount: Pence,
    pub issued_on: NaiveDate,
    pub issued_by: String,
    /// The clause that makes the amount owed, and the document it is in.
    pub clause: String,
    pub document: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PhonePayment {
    pub id: Id,
    pub council_id: Id,
    pub statement_id: Id,
    pub amount: Pence,
    pub paid_on: NaiveDate,
    pub reference: Option<String>,
    pub recorded_by: String,
}
