//! Bills and statements as lists, searched, filtered, sorted and paged in the database. Both
//! are found by a phone line's number or by the people concerned: those whose calls are on a
//! bill, or whom a statement is for.

use super::period::BillPeriod;
use super::repo::PhoneTx;
use super::views::{BillView, StatementView};
use crate::error::DomainResult;
use crate::ids::Pence;
use crate::listing::{ListQuery, Listed};
use crate::records::Council;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The orders the bill list offers, each served by an index.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum BillSort {
    /// The month the bill is for.
    #[default]
    Month,
    /// The day it was imported.
    Imported,
}

impl BillSort {
    pub const ALL: [BillSort; 2] = [BillSort::Month, BillSort::Imported];

    pub fn as_str(self) -> &'static str {
        match self {
            BillSort::Month => "month",
            BillSort::Imported => "imported",
        }
    }
}

impl FromStr for BillSort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        BillSort::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| "sort bills by month or imported".to_string())
    }
}

/// Which bills: those for one month.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BillFilter {
    pub period: Option<BillPeriod>,
}

pub type BillQuery = ListQuery<BillSort, BillFilter>;

/// A page of the council's bills, each with its totals and holders' shares.
pub async fn bills<T: PhoneTx>(
    tx: &mut T,
    council: &Council,
    query: &BillQuery,
) -> DomainResult<Listed<BillView>> {
    Ok(tx.list_phone_bills(council.id, query).await?)
}

/// The orders the statement list offers, each served by an index.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum StatementSort {
    /// The day it was issued.
    #[default]
    Issued,
    /// What it says is owed.
    Owed,
}

impl StatementSort {
    pub const ALL: [StatementSort; 2] = [StatementSort::Issued, StatementSort::Owed];

    pub fn as_str(self) -> &'static str {
        match self {
            StatementSort::Issued => "issued",
            StatementSort::Owed => "owed",
        }
    }
}

impl FromStr for StatementSort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        StatementSort::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| "sort statements by issued or owed".to_string())
    }
}

/// Which statements: only those not yet paid in full.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatementFilter {
    pub outstanding: bool,
}

pub type StatementQuery = ListQuery<StatementSort, StatementFilter>;

/// A page of the council's statements, each with its payments.
pub async fn statements<T: PhoneTx>(
    tx: &mut T,
    council: &Council,
    query: &StatementQuery,
) -> DomainResult<Listed<StatementView>> {
    Ok(tx.list_phone_statements(council.id, query).await?)
}

/// What the council is still owed across every statement.
pub async fn owed_in_all<T: PhoneTx>(tx: &mut T, council: &Council) -> DomainResult<Pence> {
    Ok(tx.phone_owed(council.id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_read_back_from_their_names() {
        for sort in BillSort::ALL {
            assert_eq!(sort.as_str().parse::<BillSort>(), Ok(sort));
        }
        for sort in StatementSort::ALL {
            assert_eq!(sort.as_str().parse::<StatementSort>(), Ok(sort));
        }
        assert!("total".parse::<BillSort>().is_err());
    }
}
