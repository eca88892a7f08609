//! What needs attention on a given day, each item with the clause that makes it due.
//!
//! The report is computed for a whole council at once: [`facts::DueFacts`] reads every fact
//! the decisions need in a fixed number of statements, [`build`] hands each row to the
//! policy's decision and [`set::DueSet`] sorts and counts the result. Pages are cut from it in
//! memory; a server keeps computed reports in a [`cache::DueCache`] keyed by what they depend
//! on, read from the database, so most pages cost one indexed read.

pub mod build;
pub mod cache;
pub mod facts;
pub mod list;
pub mod repo;
pub mod set;

pub use cache::DueCache;
pub use list::{DueFilter, DueQuery, DueSort};
pub use repo::DueTx;
pub use set::{DueCounts, DueEntry, DueSet};

use super::policy;
use crate::error::DomainResult;
use crate::records::Council;
use cache::CacheKey;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use std::sync::Arc;
use steward_policy::{Citation, Period};

/// How far ahead "due soon" looks.
const SOON_DAYS: u32 = 14;
/// How far ahead retests, evaluations and the replacement plan look.
const PLAN_DAYS: u32 = 30;
/// "This week": the report's day and the six after it.
const WEEK_DAYS: u32 = 7;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DueKind {
    OverdueReturn,
    ChargeAllowed,
    PhoneCostsOwed,
    ReturnSoon,
    AcceptanceMissing,
    AcceptanceLapsed,
    PatRetest,
    PhoneEvaluation,
    Refresh,
    PolicyReview,
}

impl DueKind {
    /// Every kind, in the report's order.
    pub const ALL: [DueKind; 10] = [
        DueKind::OverdueReturn,
        DueKind::ChargeAllowed,
        DueKind::PhoneCostsOwed,
        DueKind::ReturnSoon,
        DueKind::AcceptanceMissing,
        DueKind::AcceptanceLapsed,
        DueKind::PatRetest,
        DueKind::PhoneEvaluation,
        DueKind::Refresh,
        DueKind::PolicyReview,
    ];

    /// The word the API, the command line and addresses use: `overdue_return`.
    pub fn as_str(self) -> &'static str {
        match self {
            DueKind::OverdueReturn => "overdue_return",
            DueKind::ChargeAllowed => "charge_allowed",
            DueKind::PhoneCostsOwed => "phone_costs_owed",
            DueKind::ReturnSoon => "return_soon",
            DueKind::AcceptanceMissing => "acceptance_missing",
            DueKind::AcceptanceLapsed => "acceptance_lapsed",
            DueKind::PatRetest => "pat_retest",
            DueKind::PhoneEvaluation => "phone_evaluation",
            DueKind::Refresh => "refresh",
            DueKind::PolicyReview => "policy_review",
        }
    }

    /// Its place in the report's order.
    pub fn ordinal(self) -> usize {
        DueKind::ALL.iter().position(|k| *k == self).unwrap_or(0)
    }

    pub fn label(self) -> &'static str {
        match self {
            DueKind::OverdueReturn => "Overdue return",
            DueKind::ChargeAllowed => "Charge may be raised",
            DueKind::PhoneCostsOwed => "Phone costs owed",
            DueKind::ReturnSoon => "Return due soon",
            DueKind::AcceptanceMissing => "Policy not signed",
            DueKind::AcceptanceLapsed => "Signature lapsed",
            DueKind::PatRetest => "PAT test due",
            DueKind::PhoneEvaluation => "Phone evaluation due",
            DueKind::Refresh => "Due for replacement",
            DueKind::PolicyReview => "Policy review due",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DueItem {
    pub kind: DueKind,
    /// The date it is or was due; none when it is due now with no date (never signed).
    pub due_on: Option<NaiveDate>,
    pub person: Option<String>,
    pub person_name: Option<String>,
    pub asset_tag: Option<String>,
    pub loan_id: Option<i64>,
    pub detail: String,
    pub citation: Option<Citation>,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DueReport {
    pub council: String,
    pub as_of: NaiveDate,
    pub policy: Option<String>,
    pub items: Vec<DueItem>,
}

fn within(date: NaiveDate, today: NaiveDate, days: u32) -> bool {
    Period::days(days)
        .after(today)
        .is_some_and(|limit| date <= limit)
}

impl FromStr for DueKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        DueKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                let words: Vec<&str> = DueKind::ALL.iter().map(|k| k.as_str()).collect();
                format!("give one of {}", words.join(", "))
            })
    }
}

/// Computes the whole report for `today` from the register, without keeping it.
pub async fn compute<T: DueTx>(
    tx: &mut T,
    council: &Council,
    today: NaiveDate,
) -> DomainResult<DueSet> {
    let Some(active) = policy::in_force(tx, council, today).await? else {
        return Ok(DueSet::empty(council, today));
    };
    let facts = facts::DueFacts::gather(tx, council.id, today).await?;
    Ok(build::build(&active, &facts, council, today))
}

/// The report kept for `key` (read with [`repo::DueTx::due_key`], or by the store outside a
/// transaction), if there is one.
pub fn kept(
    cache: &DueCache,
    council: &Council,
    today: NaiveDate,
    key: repo::DueKey,
) -> Option<Arc<DueSet>> {
    cache.get(&CacheKey {
        council_id: council.id,
        day: today,
        head: key.head,
        version_id: key.version_id,
    })
}

/// The report for `today` from `cache`, or computed and kept there when the register, the
/// policy in force or the day has changed since. Give it a read transaction: the key and the
/// facts are then read from one snapshot.
pub async fn current<T: DueTx>(
    tx: &mut T,
    cache: &DueCache,
    council: &Council,
    today: NaiveDate,
) -> DomainResult<Arc<DueSet>> {
    let found = tx.due_key(council.id, today).await?;
    let key = CacheKey {
        council_id: council.id,
        day: today,
        head: found.head,
        version_id: found.version_id,
    };
    if let Some(kept) = cache.get(&key) {
        return Ok(kept);
    }
    let set = Arc::new(compute(tx, council, today).await?);
    cache.put(key, set.clone());
    Ok(set)
}

/// Everything due on `today`, each item with its clause.
pub async fn report<T: DueTx>(
    tx: &mut T,
    council: &Council,
    today: NaiveDate,
) -> DomainResult<DueReport> {
    Ok(compute(tx, council, today).await?.report())
}
