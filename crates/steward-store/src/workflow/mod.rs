//! The workflow's storage interface, `WorkflowTx`, for a store transaction.

mod cases;
pub(crate) mod grants;
mod lists;
pub(crate) mod requests;

use crate::tx::StoreTx;
use chrono::{DateTime, NaiveDate, Utc};
use steward_domain::auth::Scope;
use steward_domain::listing::Listed;
use steward_domain::ops::case_list::CaseQuery;
use steward_domain::ops::cases::CaseView;
use steward_domain::ops::requests::RequestView;
use steward_domain::ops::requests::list::RequestQuery;
use steward_domain::workflow::*;
use steward_domain::{Id, RepoResult};

impl WorkflowTx for StoreTx {
    async fn insert_request(&mut self, council_id: Id, new: &NewRequest) -> RepoResult<Request> {
        requests::insert(self, council_id, new).await
    }

    async fn update_request(&mut self, request: &Request) -> RepoResult<()> {
        requests::update(self, request).await
    }

    async fn request(&mut self, council_id: Id, id: Id) -> RepoResult<Option<Request>> {
        requests::by_id(self, council_id, id).await
    }

    async fn requests(&mut self, council_id: Id) -> RepoResult<Vec<Request>> {
        requests::list(self, council_id).await
    }

    async fn list_requests(
        &mut self,
        council_id: Id,
        scope: &Scope,
        query: &RequestQuery,
        now: DateTime<Utc>,
    ) -> RepoResult<Listed<RequestView>> {
        lists::request_page(self, council_id, scope, query, now).await
    }

    async fn office_colleagues(
        &mut self,
        council_id: Id,
        office: &steward_policy::OfficeId,
        day: NaiveDate,
    ) -> RepoResult<Vec<Colleague>> {
        requests::colleagues(self, council_id, office, day).await
    }

    async fn open_requests_for_loan(
        &mut self,
        council_id: Id,
        loan_id: Id,
        kind: RequestKind,
    ) -> RepoResult<Vec<Request>> {
        requests::open_for_loan(self, council_id, loan_id, kind).await
    }

    async fn insert_request_event(
        &mut self,
        council_id: Id,
        event: &NewEvent,
    ) -> RepoResult<RequestEvent> {
        requests::insert_event(self, council_id, event).await
    }

    async fn request_events(
        &mut self,
        council_id: Id,
        request_id: Id,
    ) -> RepoResult<Vec<RequestEvent>> {
        requests::events(self, council_id, request_id).await
    }

    async fn insert_request_approval(
        &mut self,
        council_id: Id,
        approval: &RequestApproval,
    ) -> RepoResult<RequestApproval> {
        requests::insert_approval(self, council_id, approval).await
    }

    async fn request_approvals(
        &mut self,
        council_id: Id,
        request_id: Id,
    ) -> RepoResult<Vec<RequestApproval>> {
        requests::approvals(self, council_id, request_id).await
    }

    async fn insert_request_task(
        &mut self,
        council_id: Id,
        request_id: Id,
        title: &str,
    ) -> RepoResult<RequestTask> {
        requests::insert_task(self, council_id, request_id, title).await
    }

    async fn update_request_task(&mut self, council_id: Id, task: &RequestTask) -> RepoResult<()> {
        requests::update_task(self, council_id, task).await
    }

    async fn request_tasks(
        &mut self,
        council_id: Id,
        request_id: Id,
    ) -> RepoResult<Vec<RequestTask>> {
        requests::tasks(self, council_id, request_id).await
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
        council_id: Id,
        equipment_id: Id,
    ) -> RepoResult<Vec<AuthorisedSoftware>> {
        grants::software_of(self, council_id, equipment_id).await
    }

    async fn insert_posture_exception(
        &mut self,
        grant: &PostureExceptionGrant,
    ) -> RepoResult<PostureExceptionGrant> {
        grants::insert_posture_exception(self, grant).await
    }

    async fn posture_exceptions(
        &mut self,
        council_id: Id,
        today: chrono::NaiveDate,
    ) -> RepoResult<Vec<PostureExceptionGrant>> {
        grants::posture_exceptions(self, council_id, today).await
    }

    async fn insert_erasure(&mut self, erasure: &Erasure) -> RepoResult<Erasure> {
        grants::insert_erasure(self, erasure).await
    }

    async fn erasures(&mut self, council_id: Id, equipment_id: Id) -> RepoResult<Vec<Erasure>> {
        grants::erasures(self, council_id, equipment_id).await
    }

    async fn insert_case(&mut self, council_id: Id, new: &NewCase) -> RepoResult<Case> {
        cases::insert(self, council_id, new).await
    }

    async fn update_case(&mut self, case: &Case) -> RepoResult<()> {
        cases::update(self, case).await
    }

    async fn case(&mut self, council_id: Id, id: Id) -> RepoResult<Option<Case>> {
        cases::by_id(self, council_id, id).await
    }

    async fn cases(&mut self, council_id: Id) -> RepoResult<Vec<Case>> {
        cases::list(self, council_id).await
    }

    async fn list_cases(
        &mut self,
        council_id: Id,
        scope: &Scope,
        query: &CaseQuery,
    ) -> RepoResult<Listed<CaseView>> {
        lists::case_page(self, council_id, scope, query).await
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

    async fn case_notes(&mut self, council_id: Id, case_id: Id) -> RepoResult<Vec<CaseNote>> {
        cases::notes(self, council_id, case_id).await
    }

    async fn insert_withdrawal(&mut self, withdrawal: &Withdrawal) -> RepoResult<Withdrawal> {
        cases::insert_withdrawal(self, withdrawal).await
    }

    async fn withdrawals(&mut self, council_id: Id, person_id: Id) -> RepoResult<Vec<Withdrawal>> {
        cases::withdrawals(self, council_id, person_id).await
    }

    async fn lift_withdrawal(&mut self, council_id: Id, id: Id, on: NaiveDate) -> RepoResult<()> {
        cases::lift(self, council_id, id, on).await
    }

    async fn insert_restriction(&mut self, restriction: &Restriction) -> RepoResult<Restriction> {
        cases::insert_restriction(self, restriction).await
    }

    async fn restrictions(
        &mut self,
        council_id: Id,
        equipment_id: Id,
    ) -> RepoResult<Vec<Restriction>> {
        cases::restrictions(self, council_id, equipment_id).await
    }
}

/// Writes one row per office into `table` (`name (council_id, record_id, office)`), each
/// office once.
async fn insert_offices(
    tx: &mut StoreTx,
    table: &str,
    council_id: Id,
    record_id: Id,
    offices: &[&str],
) -> RepoResult<()> {
    let unique: std::collections::BTreeSet<&str> = offices.iter().copied().collect();
    let sql = format!("INSERT INTO {table} VALUES ($1, $2, $3)");
    for office in unique {
        let query = sqlx::query(&sql)
            .bind(council_id)
            .bind(record_id)
            .bind(office);
        tx.exec(query).await?;
    }
    Ok(())
}

/// Fills the office rows of requests and cases already stored from their JSON: run once, by
/// the migration that made those tables, on the migration's own connection.
pub(crate) async fn fill_offices(conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
    use sqlx::Row;
    use std::collections::BTreeSet;
    let mut rows: Vec<(&str, i64, i64, String)> = Vec::new();
    let requests =
        sqlx::query("SELECT id, council_id, approval FROM requests WHERE approval IS NOT NULL")
            .fetch_all(&mut *conn)
            .await?;
    for row in &requests {
        let text: String = row.try_get("approval")?;
        let rule: steward_policy::requests::ApprovalRule =
            serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        let offices: BTreeSet<String> = rule.approvers.iter().map(|o| o.to_string()).collect();
        for office in offices {
            rows.push((
                "request_approvers",
                row.try_get("council_id")?,
                row.try_get("id")?,
                office,
            ));
        }
    }
    let cases = sqlx::query("SELECT id, council_id, handlers FROM cases")
        .fetch_all(&mut *conn)
        .await?;
    for row in &cases {
        let text: String = row.try_get("handlers")?;
        let handlers: Vec<steward_policy::OfficeId> =
            serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        let offices: BTreeSet<String> = handlers.iter().map(|o| o.to_string()).collect();
        for office in offices {
            rows.push((
                "case_handlers",
                row.try_get("council_id")?,
                row.try_get("id")?,
                office,
            ));
        }
    }
    for (table, council_id, id, office) in rows {
        sqlx::query(&format!("INSERT INTO {table} VALUES ($1, $2, $3)"))
            .bind(council_id)
            .bind(id)
            .bind(office)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
