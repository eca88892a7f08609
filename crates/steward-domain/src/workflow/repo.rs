//! The storage the workflow needs: requests with their history, approvals and follow-ups, the
//! effects approved requests have (web exceptions, authorised software, erasures), and breach
//! cases with what came of them.

use super::records::*;
use crate::auth::Scope;
use crate::listing::Listed;
use crate::ops::case_list::CaseQuery;
use crate::ops::cases::CaseView;
use crate::ops::requests::RequestView;
use crate::ops::requests::list::RequestQuery;
use crate::records::Id;
use crate::repo::RepoResult;
use chrono::{DateTime, NaiveDate, Utc};
use std::future::Future;
use steward_policy::OfficeId;
use steward_policy::model::Urgency;
use steward_policy::requests::{ApprovalRule, Routing};

#[derive(Clone, Debug)]
pub struct NewRequest {
    pub kind: RequestKind,
    pub state: RequestState,
    pub requester_id: Option<Id>,
    pub raised_by: String,
    pub equipment_id: Option<Id>,
    pub loan_id: Option<Id>,
    pub summary: String,
    pub details: RequestDetails,
    pub handler: OfficeId,
    pub handler_name: String,
    pub clause: String,
    pub document: String,
    pub urgency: Urgency,
    pub due_at: Option<DateTime<Utc>>,
    pub approval: Option<ApprovalRule>,
    pub created_at: DateTime<Utc>,
    /// How the handler was found: named by the policy, or received for want of a route.
    pub routing: Routing,
}

#[derive(Clone, Debug)]
pub struct NewEvent {
    pub request_id: Id,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: EventKind,
    pub text: String,
    pub internal: bool,
}

#[derive(Clone, Debug)]
pub struct NewCase {
    pub subject_id: Option<Id>,
    pub reporter_id: Option<Id>,
    pub source: CaseSource,
    pub summary: String,
    pub details: String,
    pub handlers: Vec<OfficeId>,
    pub clause: String,
    pub document: String,
    pub created_at: DateTime<Utc>,
}

/// Reads and writes of the workflow inside one transaction, within one council.
pub trait WorkflowTx: crate::auth::AuthTx {
    fn insert_request(
        &mut self,
        council_id: Id,
        new: &NewRequest,
    ) -> impl Future<Output = RepoResult<Request>> + Send;
    /// Writes every mutable field: state, assignee, details, outcome, times.
    fn update_request(&mut self, request: &Request) -> impl Future<Output = RepoResult<()>> + Send;
    fn request(
        &mut self,
        council_id: Id,
        id: Id,
    ) -> impl Future<Output = RepoResult<Option<Request>>> + Send;
    /// Every request of the council, oldest first.
    fn requests(&mut self, council_id: Id)
    -> impl Future<Output = RepoResult<Vec<Request>>> + Send;
    /// A page of the council's requests in `scope`, with whom each is for, who has it and
    /// its item; late as at `now`.
    fn list_requests(
        &mut self,
        council_id: Id,
        scope: &Scope,
        query: &RequestQuery,
        now: DateTime<Utc>,
    ) -> impl Future<Output = RepoResult<Listed<RequestView>>> + Send;
    /// The people holding `office` on `day` with an enabled officer's or administrator's
    /// account, by name.
    fn office_colleagues(
        &mut self,
        council_id: Id,
        office: &OfficeId,
        day: NaiveDate,
    ) -> impl Future<Output = RepoResult<Vec<Colleague>>> + Send;
    /// The open requests of `kind` about a loan.
    fn open_requests_for_loan(
        &mut self,
        council_id: Id,
        loan_id: Id,
        kind: RequestKind,
    ) -> impl Future<Output = RepoResult<Vec<Request>>> + Send;

    fn insert_request_event(
        &mut self,
        council_id: Id,
        event: &NewEvent,
    ) -> impl Future<Output = RepoResult<RequestEvent>> + Send;
    fn request_events(
        &mut self,
        council_id: Id,
        request_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<RequestEvent>>> + Send;

    fn insert_request_approval(
        &mut self,
        council_id: Id,
        approval: &RequestApproval,
    ) -> impl Future<Output = RepoResult<RequestApproval>> + Send;
    fn request_approvals(
        &mut self,
        council_id: Id,
        request_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<RequestApproval>>> + Send;

    fn insert_request_task(
        &mut self,
        council_id: Id,
        request_id: Id,
        title: &str,
    ) -> impl Future<Output = RepoResult<RequestTask>> + Send;
    fn update_request_task(
        &mut self,
        council_id: Id,
        task: &RequestTask,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    fn request_tasks(
        &mut self,
        council_id: Id,
        request_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<RequestTask>>> + Send;

    fn insert_web_exception(
        &mut self,
        exception: &WebException,
    ) -> impl Future<Output = RepoResult<WebException>> + Send;
    /// Every exception of the council, newest first.
    fn web_exceptions(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<WebException>>> + Send;

    fn insert_authorised_software(
        &mut self,
        software: &AuthorisedSoftware,
    ) -> impl Future<Output = RepoResult<AuthorisedSoftware>> + Send;
    fn authorised_software(
        &mut self,
        council_id: Id,
        equipment_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<AuthorisedSoftware>>> + Send;

    fn insert_posture_exception(
        &mut self,
        grant: &PostureExceptionGrant,
    ) -> impl Future<Output = RepoResult<PostureExceptionGrant>> + Send;
    /// The council's posture exceptions still in force on `today` (until that day or later),
    /// read at once.
    fn posture_exceptions(
        &mut self,
        council_id: Id,
        today: chrono::NaiveDate,
    ) -> impl Future<Output = RepoResult<Vec<PostureExceptionGrant>>> + Send;

    fn insert_erasure(
        &mut self,
        erasure: &Erasure,
    ) -> impl Future<Output = RepoResult<Erasure>> + Send;
    fn erasures(
        &mut self,
        council_id: Id,
        equipment_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<Erasure>>> + Send;

    fn insert_case(
        &mut self,
        council_id: Id,
        new: &NewCase,
    ) -> impl Future<Output = RepoResult<Case>> + Send;
    fn update_case(&mut self, case: &Case) -> impl Future<Output = RepoResult<()>> + Send;
    fn case(
        &mut self,
        council_id: Id,
        id: Id,
    ) -> impl Future<Output = RepoResult<Option<Case>>> + Send;
    /// Every case of the council, oldest first.
    fn cases(&mut self, council_id: Id) -> impl Future<Output = RepoResult<Vec<Case>>> + Send;
    /// A page of the council's cases in `scope`, with whom each is about and who raised it;
    /// the handlers' names are left for the caller to fill from the pack.
    fn list_cases(
        &mut self,
        council_id: Id,
        scope: &Scope,
        query: &CaseQuery,
    ) -> impl Future<Output = RepoResult<Listed<CaseView>>> + Send;
    fn insert_case_note(
        &mut self,
        council_id: Id,
        case_id: Id,
        at: DateTime<Utc>,
        actor: &str,
        text: &str,
    ) -> impl Future<Output = RepoResult<CaseNote>> + Send;
    fn case_notes(
        &mut self,
        council_id: Id,
        case_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<CaseNote>>> + Send;

    fn insert_withdrawal(
        &mut self,
        withdrawal: &Withdrawal,
    ) -> impl Future<Output = RepoResult<Withdrawal>> + Send;
    fn withdrawals(
        &mut self,
        council_id: Id,
        person_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<Withdrawal>>> + Send;
    fn lift_withdrawal(
        &mut self,
        council_id: Id,
        id: Id,
        on: NaiveDate,
    ) -> impl Future<Output = RepoResult<()>> + Send;

    fn insert_restriction(
        &mut self,
        restriction: &Restriction,
    ) -> impl Future<Output = RepoResult<Restriction>> + Send;
    fn restrictions(
        &mut self,
        council_id: Id,
        equipment_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<Restriction>>> + Send;
}
