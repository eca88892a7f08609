//! The signatures list: everyone the policy in force covers who is in office, with where they
//! stand, read in one query and decided a row at a time by the policy; sorted, searched,
//! filtered to those who still need to sign, and paged in the database.

use super::PersonAcceptance;
use crate::error::DomainResult;
use crate::listing::{ListQuery, Listed, Total};
use crate::ops::due::DueTx;
use crate::ops::kept::{CountKey, Counted, KeptCounts};
use crate::ops::policy::{self, ActivePack};
use crate::records::{Council, Person};
use crate::repo::RegisterTx;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use steward_policy::PersonKind;
use steward_policy::signatures::{
    Outstanding, SignatureRow, acceptance_status_of_row, outstanding,
};

/// The orders the signatures list offers, each served by an index on people.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SignatureSort {
    #[default]
    Name,
    Reference,
    Kind,
}

impl SignatureSort {
    pub const ALL: [SignatureSort; 3] = [
        SignatureSort::Name,
        SignatureSort::Reference,
        SignatureSort::Kind,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SignatureSort::Name => "name",
            SignatureSort::Reference => "reference",
            SignatureSort::Kind => "kind",
        }
    }
}

impl FromStr for SignatureSort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        SignatureSort::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| "sort signatures by name, reference or kind".to_string())
    }
}

/// Which people: everyone covered, or only those who still need to sign.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignatureFilter {
    pub outstanding: bool,
}

pub type SignatureQuery = ListQuery<SignatureSort, SignatureFilter>;

/// Whom the list covers and what the policy asks of them, as the store needs it to choose the
/// rows and read each one's signature dates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureScope {
    /// The kinds of people the policy covers.
    pub kinds: Vec<PersonKind>,
    /// The hash of the version in force: signatures of it are the version's own.
    pub hash: String,
    /// The day: covered people in office then, signatures dated on or before it.
    pub on: NaiveDate,
    /// Who still needs to sign; None when the policy asks for no signature.
    pub outstanding: Option<Outstanding>,
}

/// A covered person with their signature dates.
#[derive(Clone, Debug, PartialEq)]
pub struct SignatureListRow {
    pub person: Person,
    pub row: SignatureRow,
}

fn scope(active: &ActivePack, on: NaiveDate) -> SignatureScope {
    SignatureScope {
        kinds: active.pack.scope.kinds.clone(),
        hash: active.version.hash.clone(),
        on,
        outstanding: outstanding(&active.pack, on),
    }
}

/// A page of the people the policy in force on `today` covers, each with their standing.
pub async fn list<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    query: &SignatureQuery,
    today: NaiveDate,
) -> DomainResult<Listed<PersonAcceptance>> {
    let active = policy::require(tx, council, today).await?;
    page(tx, council, &active, query, today).await
}

/// How many people covered by the policy `active` still need to sign on `today`.
pub async fn outstanding_count<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    active: &ActivePack,
    today: NaiveDate,
) -> DomainResult<u64> {
    let query = SignatureQuery {
        filter: SignatureFilter { outstanding: true },
        ..Default::default()
    };
    let total = tx
        .count_signatures(council.id, &query, &scope(active, today))
        .await?;
    Ok(total.value())
}

/// A page of the list under the policy `active`, for a caller that has it already.
pub async fn page<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    active: &ActivePack,
    query: &SignatureQuery,
    today: NaiveDate,
) -> DomainResult<Listed<PersonAcceptance>> {
    let rows = tx
        .list_signatures(council.id, query, &scope(active, today), None)
        .await?;
    Ok(decided(active, rows, today))
}

fn decided(
    active: &ActivePack,
    rows: Listed<SignatureListRow>,
    today: NaiveDate,
) -> Listed<PersonAcceptance> {
    rows.map(|r| PersonAcceptance {
        status: acceptance_status_of_row(&active.pack, r.row, today),
        person: r.person,
        policy_version: active.version.number,
    })
}

/// A page of the list with how many still need to sign, as [`page`] but with the unsearched
/// counts (everyone covered, and those who still need to sign) taken from `kept` when the
/// register has not changed since they were counted, and counted and kept otherwise. The
/// page's rows are read as always, one keyset page in the database.
pub async fn page_kept<T: DueTx>(
    tx: &mut T,
    kept: &KeptCounts,
    council: &Council,
    active: &ActivePack,
    query: &SignatureQuery,
    today: NaiveDate,
) -> DomainResult<(Listed<PersonAcceptance>, u64)> {
    let key = tx.due_key(council.id, today).await?;
    let scope = scope(active, today);
    let waiting = kept_count(tx, kept, council, &scope, key, true).await?;
    let counted = match (query.search.is_empty(), query.filter.outstanding) {
        (true, true) => Some(waiting),
        (true, false) => Some(kept_count(tx, kept, council, &scope, key, false).await?),
        (false, _) => None,
    };
    let rows = tx
        .list_signatures(council.id, query, &scope, counted)
        .await?;
    Ok((decided(active, rows, today), waiting.value()))
}

/// A page of the people the policy in force on `today` covers, its unsearched count kept in
/// `kept` (see [`page_kept`]).
pub async fn list_kept<T: DueTx>(
    tx: &mut T,
    kept: &KeptCounts,
    council: &Council,
    query: &SignatureQuery,
    today: NaiveDate,
) -> DomainResult<Listed<PersonAcceptance>> {
    let active = policy::require(tx, council, today).await?;
    Ok(page_kept(tx, kept, council, &active, query, today).await?.0)
}

/// Everyone `scope` covers (or only those who still need to sign), unsearched: kept for the
/// register's state `key`, or counted and kept.
async fn kept_count<T: DueTx>(
    tx: &mut T,
    kept: &KeptCounts,
    council: &Council,
    scope: &SignatureScope,
    key: crate::ops::due::repo::DueKey,
    outstanding: bool,
) -> DomainResult<Total> {
    let counted = if outstanding {
        Counted::SignaturesOutstanding
    } else {
        Counted::SignaturesCovered
    };
    let query = SignatureQuery {
        filter: SignatureFilter { outstanding },
        ..Default::default()
    };
    let key = CountKey::new(counted, council.id, scope.on, key);
    Ok(kept
        .get_or(key, tx.count_signatures(council.id, &query, scope))
        .await?)
}
