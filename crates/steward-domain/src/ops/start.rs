//! The officers' start page: how much of each day's work is waiting, each figure a count the
//! register answers set-based (the due report's counts, or one indexed count each).

use super::due::repo::{WorkCounts, WorkScope};
use super::due::{self, DueCache, DueKind, DueSet, DueTx};
use crate::auth::{Principal, Role};
use crate::error::{DomainError, DomainResult};
use crate::records::Council;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use steward_policy::decide::Dated;

/// Whose requests the request counts cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestScope {
    /// The offices the officer's person holds.
    TheirOffices,
    /// Every request: auditors and administrators see them all.
    All,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StartCounts {
    pub as_of: NaiveDate,
    /// Open loans past their return-by date.
    pub overdue_returns: u64,
    /// Open loans due back from today to six days on.
    pub due_this_week: u64,
    /// People who must sign and have not, or whose signature lapsed.
    pub signatures_outstanding: u64,
    pub request_scope: RequestScope,
    pub requests_open: u64,
    pub requests_late: u64,
    /// Open requests assigned to the account's person; none when it has no person.
    pub requests_assigned: Option<u64>,
    /// Open breach cases the viewer may see.
    pub cases_open: u64,
    pub notifications_failed: u64,
    /// The policy's next review, and whether it has passed.
    pub review: Option<Dated>,
    pub review_overdue: bool,
    /// Everything on the due list.
    pub due_total: u64,
}

/// Whose requests and cases `principal` counts, and which requests are late at `now`.
pub fn scope(principal: &Principal, now: DateTime<Utc>) -> WorkScope<'_> {
    let offices = principal.offices.as_slice();
    let (request_offices, case_offices) = match principal.role {
        Role::Auditor => (None, None),
        Role::Admin => (None, Some(offices)),
        Role::Officer | Role::Member => (Some(offices), Some(offices)),
    };
    WorkScope {
        request_offices,
        assignee: principal.user.person_id,
        case_offices,
        now,
    }
}

/// The start page's figures from the due report and the counts of `scope(principal)`.
pub fn figures(set: &DueSet, work: WorkCounts, principal: &Principal) -> StartCounts {
    let c = set.counts();
    StartCounts {
        as_of: set.as_of,
        overdue_returns: c.of(DueKind::OverdueReturn),
        due_this_week: c.due_this_week,
        signatures_outstanding: c.of(DueKind::AcceptanceMissing) + c.of(DueKind::AcceptanceLapsed),
        request_scope: match principal.role {
            Role::Auditor | Role::Admin => RequestScope::All,
            Role::Officer | Role::Member => RequestScope::TheirOffices,
        },
        requests_open: work.requests_open,
        requests_late: work.requests_late,
        requests_assigned: principal.user.person_id.map(|_| work.requests_assigned),
        cases_open: work.cases_open,
        notifications_failed: work.notifications_failed,
        review: set.review.clone(),
        review_overdue: set.review_overdue(),
        due_total: c.total,
    }
}

/// The counts for `principal` on `today`, read in `tx`; `now` decides which requests are late.
pub async fn counts<T: DueTx>(
    tx: &mut T,
    cache: &DueCache,
    council: &Council,
    principal: &Principal,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> DomainResult<StartCounts> {
    principal
        .reader()
        .map_err(|d| DomainError::Forbidden(d.0.to_string()))?;
    let set = due::current(tx, cache, council, today).await?;
    let work = tx.work_counts(council.id, &scope(principal, now)).await?;
    Ok(figures(&set, work, principal))
}
