//! Web monitoring findings as a list: one row per identity, category and day (summed over the
//! logs that saw it), filtered by person, category and days, searched by the person's name or
//! reference, sorted and paged in the database. Only those [`super::view::access`] lets in
//! read it.

use super::view::{self, FindingView};
use crate::auth::Principal;
use crate::error::DomainResult;
use crate::listing::{ListQuery, Listed};
use crate::network::{FindingFilter, NetworkTx};
use crate::records::{Council, Id};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The orders the findings list offers, each served by an index.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FindingSort {
    /// The day of the visits.
    #[default]
    Day,
    Category,
}

impl FindingSort {
    pub const ALL: [FindingSort; 2] = [FindingSort::Day, FindingSort::Category];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingSort::Day => "day",
            FindingSort::Category => "category",
        }
    }
}

impl FromStr for FindingSort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        FindingSort::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| "sort findings by day or category".to_string())
    }
}

pub type FindingQuery = ListQuery<FindingSort, FindingFilter>;

/// A page of the findings `principal` may read (on `today`'s policy), each beside the
/// accidental visits its person reported.
pub async fn page<T: NetworkTx>(
    tx: &mut T,
    council: &Council,
    principal: &Principal,
    today: NaiveDate,
    query: &FindingQuery,
) -> DomainResult<Listed<FindingView>> {
    view::access(tx, council, principal, today).await?;
    let cells = tx.list_web_findings(council.id, query).await?;
    let mut people: Vec<Id> = cells.items.iter().filter_map(|c| c.person_id).collect();
    people.sort_unstable();
    people.dedup();
    let reports = view::accidental_reports(tx, council, &people).await?;
    Ok(cells.map(|cell| view::of_cell(cell, &reports)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_read_back_from_their_names() {
        for sort in FindingSort::ALL {
            assert_eq!(sort.as_str().parse::<FindingSort>(), Ok(sort));
        }
        assert!("visits".parse::<FindingSort>().is_err());
    }
}
