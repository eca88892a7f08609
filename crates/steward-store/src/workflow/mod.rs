//! The workflow's storage interface, `WorkflowTx`, for a store transaction.

mod cases;
mod grants;
mod requests;

use crate::tx::StoreTx;
use chrono::{DateTime, NaiveDate, Utc};
use steward_domain::workflow::*;
use steward_domain::{Id, RepoResult};

impl WorkflowTx for StoreTx {
    async fn insert_request(&mut self, council_id: Id, new: &NewRequest) -> RepoResult<Request> {
        requests::insert(self, council_id, new).await
    }

    async fn update_request(&mut self, request: &Request) -> RepoResult<()> {
        requests::update(self, request).await
    }

    async fn request(&mut self, id: Id) -> RepoResult<Option<Request>> {
        requests::by_id(self, id).await
    }

    async fn requests(&mut self, council_id: Id) -> RepoResult<Vec<Request>> {
        requests::list(self, council_id).await
    }

    async fn insert_request_event(
        &mut self,
        council_id: Id,
        event: &NewEvent,
    ) -> RepoResult<RequestEvent> {
        requests::insert_event(self, council_id, event).await
    }

    async fn request_events(&mut self, request_id: Id) -> RepoResult<Vec<RequestEvent>> {
        requests::events(self, request_id).await
    }

    async fn insert_request_approval(
        &mut self,
        council_id: Id,
        approval: &RequestApproval,
    ) -> RepoResult<RequestApproval> {
        requests::insert_approval(self, council_id, approval).await
    }

    async fn request_approvals(&mut self, request_id: Id) -> RepoResult<Vec<RequestApproval>> {
        requests::approvals(self, request_id).await
    }

    async fn insert_request_task(
        &mut self,
        council_id: Id,
        request_id: Id,
        title: &str,
    ) -> RepoResult<RequestTask> {
        requests::insert_task(self, council_id, request_id, title).await
    }

    async fn update_request_task(&mut self, task: &RequestTask) -> RepoResult<()> {
        requests::update_task(self, task).await
    }

    async fn request_tasks(&mut self, request_id: Id) -> RepoResult<Vec<RequestTask>> {
        requests::tasks(self, request_id).await
    }

    async fn insert_web_exception(&mut self, exception: &WebException) -> RepoResult<WebException> {
        grants::insert_exception(self, exception).await
    }

    async fn web_exceptions(&mut self, council_id: Id) -> RepoResult<Vec<WebException>> {
        grants::exceptions(self, council_id).await
    }

    async fn insert_authorised_software(
        &mut self,
        software: &AuthorisedSoftware,
    ) -> RepoResult<AuthorisedSoftware> {
        grants::insert_software(self, software).await
    }

    async fn authorised_software(
        &mut self,
        equipment_id: Id,
    ) -> RepoResult<Vec<AuthorisedSoftware>> {
        grants::software_of(self, equipment_id).await
    }

    async fn insert_erasure(&mut self, erasure: &Erasure) -> RepoResult<Erasure> {
        grants::insert_erasure(self, erasure).await
    }

    async fn erasures(&mut self, equipment_id: Id) -> RepoResult<Vec<Erasure>> {
        grants::erasures(self, equipment_id).await
    }

    async fn insert_case(&mut self, council_id: Id, new: &NewCase) -> RepoResult<Case> {
        cases::insert(self, council_id, new).await
    }

    async fn update_case(&mut self, case: &Case) -> RepoResult<()> {
        cases::update(self, case).await
    }

    async fn case(&mut self, id: Id) -> RepoResult<Option<Case>> {
        cases::by_id(self, id).await
    }

    async fn cases(&mut self, council_id: Id) -> RepoResult<Vec<Case>> {
        cases::list(self, council_id).await
    }

    async fn insert_case_note(
        &mut self,
        council_id: Id,
        case_id: Id,
        at: DateTime<Utc>,
        actor: &str,
        text: &str,
    ) -> RepoResult<CaseNote> {
        cases::insert_note(self, council_id, case_id, at, actor, text).await
    }

    async fn case_notes(&mut self, case_id: Id) -> RepoResult<Vec<CaseNote>> {
        cases::notes(self, case_id).await
    }

    async fn insert_withdrawal(&mut self, withdrawal: &Withdrawal) -> RepoResult<Withdrawal> {
        cases::insert_withdrawal(self, withdrawal).await
    }

    async fn withdrawals(&mut self, person_id: Id) -> RepoResult<Vec<Withdrawal>> {
        cases::withdrawals(self, person_id).await
    }

    async fn lift_withdrawal(&mut self, id: Id, on: NaiveDate) -> RepoResult<()> {
        cases::lift(self, id, on).await
    }

    async fn insert_restriction(&mut self, restriction: &Restriction) -> RepoResult<Restriction> {
        cases::insert_restriction(self, restriction).await
    }

    async fn restrictions(&mut self, equipment_id: Id) -> RepoResult<Vec<Restriction>> {
        cases::restrictions(self, equipment_id).await
    }
}
