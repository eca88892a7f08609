//! The request lists: an office's queue and a member's own requests, searched, filtered,
//! sorted and paged in the database, limited to what the viewer may see by the [`Scope`] the
//! `Principal` gives.

use super::view::RequestView;
use crate::auth::{MemberAccess, Principal, Scope};
use crate::error::DomainResult;
use crate::listing::{ListQuery, Listed};
use crate::records::{Council, Id};
use crate::workflow::{RequestState, WorkflowTx};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use steward_policy::OfficeId;

/// The orders the request lists offer, each served by an index.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RequestSort {
    /// By when a response is due; those with no response time last.
    #[default]
    Due,
    Raised,
    Reference,
    State,
    Office,
}

impl RequestSort {
    pub const ALL: [RequestSort; 5] = [
        RequestSort::Due,
        RequestSort::Raised,
        RequestSort::Reference,
        RequestSort::State,
        RequestSort::Office,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestSort::Due => "due",
            RequestSort::Raised => "raised",
            RequestSort::Reference => "reference",
            RequestSort::State => "state",
            RequestSort::Office => "office",
        }
    }
}

impl FromStr for RequestSort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        RequestSort::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| "sort requests by due, raised, reference, state or office".to_string())
    }
}

/// Which states a list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StateChoice {
    /// Not yet dealt with: open, in progress or awaiting approval.
    #[default]
    Open,
    All,
    Is(RequestState),
}

impl FromStr for StateChoice {
    type Err = String;

    /// `open`, `all`, or one state's name.
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "" | "open" => Ok(StateChoice::Open),
            "all" => Ok(StateChoice::All),
            other => other.parse().map(StateChoice::Is),
        }
    }
}

/// Whose requests by who is working on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assigned {
    /// Taken up by this person.
    To(Id),
    /// Taken up by nobody yet.
    Nobody,
}

/// A request list's filters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestFilter {
    pub state: StateChoice,
    /// Only requests this office must act on.
    pub office: Option<OfficeId>,
    /// Only requests past their response time at this moment and not yet dealt with.
    pub late_at: Option<DateTime<Utc>>,
    pub assigned: Option<Assigned>,
}

pub type RequestQuery = ListQuery<RequestSort, RequestFilter>;

/// A page of the requests `principal` may see. Searching finds the person a request is for
/// (name or reference), its item (asset tag or serial) or its own number.
pub async fn list<T: WorkflowTx>(
    tx: &mut T,
    council: &Council,
    principal: &Principal,
    query: &RequestQuery,
    now: DateTime<Utc>,
) -> DomainResult<Listed<RequestView>> {
    page(tx, council, &principal.request_scope(), query, now).await
}

/// A page of a member's own requests.
pub async fn mine<T: WorkflowTx>(
    tx: &mut T,
    council: &Council,
    access: &MemberAccess,
    query: &RequestQuery,
    now: DateTime<Utc>,
) -> DomainResult<Listed<RequestView>> {
    page(tx, council, &Scope::Person(access.person_id), query, now).await
}

async fn page<T: WorkflowTx>(
    tx: &mut T,
    council: &Council,
    scope: &Scope,
    query: &RequestQuery,
    now: DateTime<Utc>,
) -> DomainResult<Listed<RequestView>> {
    if scope.is_empty() {
        return Ok(Listed::empty());
    }
    Ok(tx.list_requests(council.id, scope, query, now).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_and_states_read_their_names() {
        for s in RequestSort::ALL {
            assert_eq!(s.as_str().parse::<RequestSort>(), Ok(s));
        }
        assert!("name".parse::<RequestSort>().is_err());
        assert_eq!("".parse::<StateChoice>(), Ok(StateChoice::Open));
        assert_eq!("all".parse::<StateChoice>(), Ok(StateChoice::All));
        assert_eq!(
            "in_progress".parse::<StateChoice>(),
            Ok(StateChoice::Is(RequestState::InProgress))
        );
        assert!("shut".parse::<StateChoice>().is_err());
    }
}
