//! The storage the phone commands need, apart from the register's `RegisterTx` (which it
//! extends, for the audit trail, the equipment and the loans calls are attributed by).

use super::lists::{BillQuery, StatementQuery};
use super::number::PhoneNumber;
use super::period::BillPeriod;
use super::records::{PhoneBill, PhoneCall, PhoneLine, PhonePayment, PhoneStatement};
use super::views::{BillView, StatementView};
use crate::ids::Pence;
use crate::listing::Listed;
use crate::records::Id;
use crate::repo::{RegisterTx, RepoResult};
use chrono::{NaiveDate, NaiveTime};
use std::future::Future;

#[derive(Clone, Debug)]
pub struct NewPhoneBill {
    pub line_id: Id,
    pub period: BillPeriod,
    pub imported_on: NaiveDate,
    pub imported_by: String,
    pub source: String,
}

#[derive(Clone, Debug)]
pub struct NewPhoneCall {
    pub called_on: NaiveDate,
    pub called_at: Option<NaiveTime>,
    pub called: Option<String>,
    pub description: Option<String>,
    pub duration_seconds: Option<i64>,
    pub cost: Pence,
    pub person_id: Option<Id>,
    pub loan_id: Option<Id>,
}

#[derive(Clone, Debug)]
pub struct NewPhoneStatement {
    pub bill_id: Id,
    pub person_id: Id,
    pub amount: Pence,
    pub issued_on: NaiveDate,
    pub issued_by: String,
    pub clause: String,
    pub document: String,
}

#[derive(Clone, Debug)]
pub struct NewPhonePayment {
    pub statement_id: Id,
    pub amount: Pence,
    pub paid_on: NaiveDate,
    pub reference: Option<String>,
    pub recorded_by: String,
}

/// Phone lines, bills, their calls, statements and payments, inside one transaction. Every
/// read and change by id names the council too, so it is answered from that council's rows.
pub trait PhoneTx: RegisterTx {
    // Lines.
    fn insert_phone_line(
        &mut self,
        council_id: Id,
        equipment_id: Id,
        number: &PhoneNumber,
        added_on: NaiveDate,
    ) -> impl Future<Output = RepoResult<PhoneLine>> + Send;
    fn phone_line(
        &mut self,
        council_id: Id,
        id: Id,
    ) -> impl Future<Output = RepoResult<Option<PhoneLine>>> + Send;
    /// The line that has the number now (not one it was removed from).
    fn active_phone_line(
        &mut self,
        council_id: Id,
        number: &PhoneNumber,
    ) -> impl Future<Output = RepoResult<Option<PhoneLine>>> + Send;
    /// Every line of the council, removed ones too, by number.
    fn phone_lines(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<PhoneLine>>> + Send;
    fn remove_phone_line(
        &mut self,
        council_id: Id,
        id: Id,
        on: NaiveDate,
    ) -> impl Future<Output = RepoResult<()>> + Send;

    // Bills and their calls.
    fn insert_phone_bill(
        &mut self,
        council_id: Id,
        new: &NewPhoneBill,
    ) -> impl Future<Output = RepoResult<PhoneBill>> + Send;
    fn insert_phone_call(
        &mut self,
        council_id: Id,
        bill_id: Id,
        new: &NewPhoneCall,
    ) -> impl Future<Output = RepoResult<PhoneCall>> + Send;
    fn phone_bill(
        &mut self,
        council_id: Id,
        id: Id,
    ) -> impl Future<Output = RepoResult<Option<PhoneBill>>> + Send;
    fn phone_bill_of_line(
        &mut self,
        council_id: Id,
        line_id: Id,
        period: BillPeriod,
    ) -> impl Future<Output = RepoResult<Option<PhoneBill>>> + Send;
    /// The council's bills, newest period first.
    fn phone_bills(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<PhoneBill>>> + Send;
    /// A page of the council's bills with their totals and holders' shares.
    fn list_phone_bills(
        &mut self,
        council_id: Id,
        query: &BillQuery,
    ) -> impl Future<Output = RepoResult<Listed<BillView>>> + Send;
    /// A bill's items in the order they were made.
    fn phone_calls(
        &mut self,
        council_id: Id,
        bill_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<PhoneCall>>> + Send;
    /// The items attributed to a person, on every bill, oldest first.
    fn phone_calls_of_person(
        &mut self,
        council_id: Id,
        person_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<PhoneCall>>> + Send;
    fn set_phone_call_personal(
        &mut self,
        council_id: Id,
        call_id: Id,
        personal: bool,
    ) -> impl Future<Output = RepoResult<()>> + Send;

    // Statements and payments.
    fn insert_phone_statement(
        &mut self,
        council_id: Id,
        new: &NewPhoneStatement,
    ) -> impl Future<Output = RepoResult<PhoneStatement>> + Send;
    fn phone_statement(
        &mut self,
        council_id: Id,
        id: Id,
    ) -> impl Future<Output = RepoResult<Option<PhoneStatement>>> + Send;
    /// The council's statements, newest first.
    fn phone_statements(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<PhoneStatement>>> + Send;
    /// A page of the council's statements with what was paid against each.
    fn list_phone_statements(
        &mut self,
        council_id: Id,
        query: &StatementQuery,
    ) -> impl Future<Output = RepoResult<Listed<StatementView>>> + Send;
    /// What is still owed across all the council's statements.
    fn phone_owed(&mut self, council_id: Id) -> impl Future<Output = RepoResult<Pence>> + Send;
    fn phone_statements_of_bill(
        &mut self,
        council_id: Id,
        bill_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<PhoneStatement>>> + Send;
    fn insert_phone_payment(
        &mut self,
        council_id: Id,
        new: &NewPhonePayment,
    ) -> impl Future<Output = RepoResult<PhonePayment>> + Send;
    /// A statement's payments, in the order they were made.
    fn phone_payments(
        &mut self,
        council_id: Id,
        statement_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<PhonePayment>>> + Send;
    /// Every payment of the council, for totals across statements.
    fn phone_payments_of_council(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<PhonePayment>>> + Send;
}
