//! The domain's phone storage interface, `PhoneTx`, for a store transaction.

mod bills;
mod lines;
mod lists;
pub(crate) mod statements;

use crate::tx::StoreTx;
use chrono::NaiveDate;
use steward_domain::listing::Listed;
use steward_domain::phones::lists::{BillQuery, StatementQuery};
use steward_domain::phones::repo::{
    NewPhoneBill, NewPhoneCall, NewPhonePayment, NewPhoneStatement,
};
use steward_domain::phones::views::{BillView, StatementView};
use steward_domain::phones::{
    BillPeriod, PhoneBill, PhoneCall, PhoneLine, PhoneNumber, PhonePayment, PhoneStatement, PhoneTx,
};
use steward_domain::{Id, Pence, RepoResult};

impl PhoneTx for StoreTx {
    async fn insert_phone_line(
        &mut self,
        council_id: Id,
        equipment_id: Id,
        number: &PhoneNumber,
        added_on: NaiveDate,
    ) -> RepoResult<PhoneLine> {
        lines::insert(self, council_id, equipment_id, number, added_on).await
    }

    async fn phone_line(&mut self, council_id: Id, id: Id) -> RepoResult<Option<PhoneLine>> {
        lines::by_id(self, council_id, id).await
    }

    async fn active_phone_line(
        &mut self,
        council_id: Id,
        number: &PhoneNumber,
    ) -> RepoResult<Option<PhoneLine>> {
        lines::active(self, council_id, number).await
    }

    async fn phone_lines(&mut self, council_id: Id) -> RepoResult<Vec<PhoneLine>> {
        lines::list(self, council_id).await
    }

    async fn remove_phone_line(&mut self, council_id: Id, id: Id, on: NaiveDate) -> RepoResult<()> {
        lines::remove(self, council_id, id, on).await
    }

    async fn insert_phone_bill(
        &mut self,
        council_id: Id,
        new: &NewPhoneBill,
    ) -> RepoResult<PhoneBill> {
        bills::insert(self, council_id, new).await
    }

    async fn insert_phone_call(
        &mut self,
        council_id: Id,
        bill_id: Id,
        new: &NewPhoneCall,
    ) -> RepoResult<PhoneCall> {
        bills::insert_call(self, council_id, bill_id, new).await
    }

    async fn phone_bill(&mut self, council_id: Id, id: Id) -> RepoResult<Option<PhoneBill>> {
        bills::by_id(self, council_id, id).await
    }

    async fn phone_bill_of_line(
        &mut self,
        council_id: Id,
        line_id: Id,
        period: BillPeriod,
    ) -> RepoResult<Option<PhoneBill>> {
        bills::of_line(self, council_id, line_id, period).await
    }

    async fn phone_bills(&mut self, council_id: Id) -> RepoResult<Vec<PhoneBill>> {
        bills::list(self, council_id).await
    }

    async fn phone_calls(&mut self, council_id: Id, bill_id: Id) -> RepoResult<Vec<PhoneCall>> {
        bills::calls(self, council_id, bill_id).await
    }

    async fn phone_calls_of_person(
        &mut self,
        council_id: Id,
        person_id: Id,
    ) -> RepoResult<Vec<PhoneCall>> {
        bills::calls_of_person(self, council_id, person_id).await
    }

    async fn set_phone_call_personal(
        &mut self,
        council_id: Id,
        call_id: Id,
        personal: bool,
    ) -> RepoResult<()> {
        bills::set_personal(self, council_id, call_id, personal).await
    }

    async fn insert_phone_statement(
        &mut self,
        council_id: Id,
        new: &NewPhoneStatement,
    ) -> RepoResult<PhoneStatement> {
        statements::insert(self, council_id, new).await
    }

    async fn phone_statement(
        &mut self,
        council_id: Id,
        id: Id,
    ) -> RepoResult<Option<PhoneStatement>> {
        statements::by_id(self, council_id, id).await
    }

    async fn phone_statements(&mut self, council_id: Id) -> RepoResult<Vec<PhoneStatement>> {
        statements::list(self, council_id).await
    }

    async fn phone_statements_of_bill(
        &mut self,
        council_id: Id,
        bill_id: Id,
    ) -> RepoResult<Vec<PhoneStatement>> {
        statements::of_bill(self, council_id, bill_id).await
    }

    async fn insert_phone_payment(
        &mut self,
        council_id: Id,
        new: &NewPhonePayment,
    ) -> RepoResult<PhonePayment> {
        statements::insert_payment(self, council_id, new).await
    }

    async fn phone_payments(
        &mut self,
        council_id: Id,
        statement_id: Id,
    ) -> RepoResult<Vec<PhonePayment>> {
        statements::payments(self, council_id, statement_id).await
    }

    async fn phone_payments_of_council(&mut self, council_id: Id) -> RepoResult<Vec<PhonePayment>> {
        statements::payments_of_council(self, council_id).await
    }

    async fn list_phone_bills(
        &mut self,
        council_id: Id,
        query: &BillQuery,
    ) -> RepoResult<Listed<BillView>> {
        lists::bills_page(self, council_id, query).await
    }

    async fn list_phone_statements(
        &mut self,
        council_id: Id,
        query: &StatementQuery,
    ) -> RepoResult<Listed<StatementView>> {
        lists::statements_page(self, council_id, query).await
    }

    async fn phone_owed(&mut self, council_id: Id) -> RepoResult<Pence> {
        lists::owed(self, council_id).await
    }
}
