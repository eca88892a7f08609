//! The breach case list: the cases a viewer may see, searched by the person a case is about
//! or its number, filtered by state, sorted and paged in the database. Listing is not
//! looking: a row shows only the summary line, and is not audited case by case.

use super::cases::CaseView;
use super::policy;
use crate::auth::Principal;
use crate::error::DomainResult;
use crate::listing::{ListQuery, Listed};
use crate::records::Council;
use crate::workflow::{CaseState, WorkflowTx};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The orders the case list offers, each served by an index.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CaseSort {
    #[default]
    Raised,
    Reference,
    State,
}

impl CaseSort {
    pub const ALL: [CaseSort; 3] = [CaseSort::Raised, CaseSort::Reference, CaseSort::State];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseSort::Raised => "raised",
            CaseSort::Reference => "reference",
            CaseSort::State => "state",
        }
    }
}

impl FromStr for CaseSort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        CaseSort::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| "sort cases by raised, reference or state".to_string())
    }
}

/// Which cases by state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CaseStates {
    /// Open or escalated: not yet closed.
    #[default]
    Open,
    All,
    Is(CaseState),
}

impl FromStr for CaseStates {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "" | "open" => Ok(CaseStates::Open),
            "all" => Ok(CaseStates::All),
            "escalated" => Ok(CaseStates::Is(CaseState::Escalated)),
            "closed" => Ok(CaseStates::Is(CaseState::Closed)),
            other => Err(format!(
                "'{other}' is not a state of a case; use open, escalated, closed or all"
            )),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseFilter {
    pub state: CaseStates,
}

pub type CaseQuery = ListQuery<CaseSort, CaseFilter>;

/// A page of the cases `principal` may see, with their handling offices named as the pack in
/// force on `today` names them.
pub async fn list<T: WorkflowTx>(
    tx: &mut T,
    council: &Council,
    principal: &Principal,
    query: &CaseQuery,
    today: NaiveDate,
) -> DomainResult<Listed<CaseView>> {
    let scope = principal.case_scope();
    if scope.is_empty() {
        return Ok(Listed::empty());
    }
    let page = tx.list_cases(council.id, &scope, query).await?;
    let pack = policy::in_force(tx, council, today).await?.map(|a| a.pack);
    Ok(page.map(|mut v| {
        v.handler_names = v
            .case
            .handlers
            .iter()
            .map(|h| match &pack {
                Some(p) => p.office_name(h),
                None => h.to_string().replace('_', " "),
            })
            .collect();
        v
    }))
}
