//! The people list: who is in the register, found by name or reference, sorted and paged in
//! the database.

use crate::error::DomainResult;
use crate::listing::{ListQuery, Listed};
use crate::ops::kept::{Counted, KeptCount, KeptCounts};
use crate::records::{Council, Person};
use crate::repo::RegisterTx;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use steward_policy::PersonKind;

/// The orders the people list offers, each served by an index.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PeopleSort {
    #[default]
    Reference,
    Name,
    Kind,
}

impl PeopleSort {
    pub const ALL: [PeopleSort; 3] = [PeopleSort::Reference, PeopleSort::Name, PeopleSort::Kind];

    pub fn as_str(self) -> &'static str {
        match self {
            PeopleSort::Reference => "reference",
            PeopleSort::Name => "name",
            PeopleSort::Kind => "kind",
        }
    }
}

impl FromStr for PeopleSort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        PeopleSort::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| "sort people by reference, name or kind".to_string())
    }
}

/// Which people: of one kind, and in office (or not) on the list's day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeopleFilter {
    pub kind: Option<PersonKind>,
    pub in_office: Option<bool>,
}

/// One row of the people list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PersonListed {
    #[serde(flatten)]
    pub person: Person,
    /// Whether a term of theirs covers the list's day.
    pub in_office: bool,
}

pub type PeopleQuery = ListQuery<PeopleSort, PeopleFilter>;

/// A page of the council's people as they stand on `on`.
pub async fn list<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    query: &PeopleQuery,
    on: NaiveDate,
) -> DomainResult<Listed<PersonListed>> {
    Ok(tx.list_people(council.id, query, on, None).await?)
}

/// As [`list`], with the count of an unsearched list taken from `kept` while the register
/// has not changed since it was counted, and counted and kept otherwise. The page's rows are
/// read as always, one keyset page in the database.
pub async fn list_kept<T: RegisterTx>(
    tx: &mut T,
    kept: &KeptCounts,
    council: &Council,
    query: &PeopleQuery,
    on: NaiveDate,
) -> DomainResult<Listed<PersonListed>> {
    let kept = query.search.is_empty().then_some(KeptCount {
        counts: kept,
        counted: Counted::People {
            kind: query.filter.kind,
            in_office: query.filter.in_office,
        },
        day: on,
    });
    Ok(tx.list_people(council.id, query, on, kept).await?)
}
