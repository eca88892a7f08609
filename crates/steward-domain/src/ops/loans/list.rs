//! The loans list: open, overdue, due this week or every loan, found by the borrower's name or
//! reference or the item's tag or serial, sorted and paged in the database with the names a
//! person needs to read each row.

use crate::error::DomainResult;
use crate::ids::{AssetTag, PersonRef};
use crate::listing::{ListQuery, Listed};
use crate::ops::due::DueTx;
use crate::ops::kept::{Counted, KeptCount, KeptCounts};
use crate::records::{Council, Id, Loan, LoanStatus, ReturnGround};
use crate::repo::RegisterTx;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use steward_policy::decide::Dated;
use steward_policy::{Citation, EquipmentKind};

/// How many days "due this week" covers, today included.
pub const WEEK_DAYS: u64 = 7;

/// The orders the loans list offers, each served by an index.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LoanSort {
    /// The loan's number, which is the order loans were recorded in.
    #[default]
    Number,
    LentOn,
    ReturnBy,
    ReturnedOn,
}

impl LoanSort {
    pub const ALL: [LoanSort; 4] = [
        LoanSort::Number,
        LoanSort::LentOn,
        LoanSort::ReturnBy,
        LoanSort::ReturnedOn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LoanSort::Number => "number",
            LoanSort::LentOn => "lent_on",
            LoanSort::ReturnBy => "return_by",
            LoanSort::ReturnedOn => "returned_on",
        }
    }
}

impl FromStr for LoanSort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        LoanSort::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| "sort loans by number, lent_on, return_by or returned_on".to_string())
    }
}

/// Which loans, by where they stand on the list's day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LoanShow {
    /// Not yet returned.
    #[default]
    Open,
    /// Open and past their return-by date.
    Overdue,
    /// Open and due back within [`WEEK_DAYS`] days, today included.
    DueThisWeek,
    /// Every loan, ended or not.
    All,
}

impl LoanShow {
    pub const ALL: [LoanShow; 4] = [
        LoanShow::Open,
        LoanShow::Overdue,
        LoanShow::DueThisWeek,
        LoanShow::All,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LoanShow::Open => "open",
            LoanShow::Overdue => "overdue",
            LoanShow::DueThisWeek => "due-this-week",
            LoanShow::All => "all",
        }
    }
}

impl FromStr for LoanShow {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        LoanShow::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| "show open, overdue, due-this-week or all loans".to_string())
    }
}

/// Which loans: by where they stand, and optionally one person's or one item's only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoanFilter {
    pub show: LoanShow,
    pub person: Option<Id>,
    pub equipment: Option<Id>,
}

pub type LoanQuery = ListQuery<LoanSort, LoanFilter>;

/// A loan as the store lists it: the loan with its borrower's and item's names.
#[derive(Clone, Debug, PartialEq)]
pub struct LoanRow {
    pub loan: Loan,
    pub person: PersonRef,
    pub person_name: String,
    pub asset_tag: AssetTag,
    pub kind: EquipmentKind,
}

/// One row of the loans list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LoanListed {
    pub loan: Loan,
    pub person: PersonRef,
    pub person_name: String,
    pub asset_tag: AssetTag,
    pub kind: EquipmentKind,
    /// The date it must be back by, and the clause that sets it.
    pub return_by: Option<Dated>,
    /// Which of its dates that is.
    pub return_ground: Option<ReturnGround>,
    pub status: LoanStatus,
}

/// The loan's return-by date with its clause, cited from `document`.
pub fn dated(loan: &Loan, document: &str) -> Option<Dated> {
    loan.return_by().map(|(date, clause)| Dated {
        date,
        citation: Citation {
            clause: clause.to_string(),
            document: document.to_string(),
        },
    })
}

impl LoanRow {
    fn listed(self, document: &str, today: NaiveDate) -> LoanListed {
        LoanListed {
            return_by: dated(&self.loan, document),
            return_ground: self.loan.return_ground(),
            status: self.loan.status(today),
            loan: self.loan,
            person: self.person,
            person_name: self.person_name,
            asset_tag: self.asset_tag,
            kind: self.kind,
        }
    }
}

/// A page of the council's loans as they stand on `today`, clauses cited from the policy in
/// force that day.
pub async fn list<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    query: &LoanQuery,
    today: NaiveDate,
) -> DomainResult<Listed<LoanListed>> {
    let document = tx
        .pack_title_in_force(council.id, today)
        .await?
        .unwrap_or_default();
    let rows = tx.list_loans(council.id, query, today, None).await?;
    Ok(rows.map(|r| r.listed(&document, today)))
}

/// As [`list`], with the count of a list that is neither searched nor narrowed to one person
/// or item (every open loan, the overdue ones, those due this week, every loan) taken from
/// `kept` while the register has not changed since it was counted, and counted and kept
/// otherwise. The page's rows are read as always, one keyset page in the database.
pub async fn list_kept<T: DueTx>(
    tx: &mut T,
    kept: &KeptCounts,
    council: &Council,
    query: &LoanQuery,
    today: NaiveDate,
) -> DomainResult<Listed<LoanListed>> {
    let document = tx
        .pack_title_in_force(council.id, today)
        .await?
        .unwrap_or_default();
    let whole = query.search.is_empty()
        && query.filter.person.is_none()
        && query.filter.equipment.is_none();
    let counted = match query.filter.show {
        LoanShow::Open => Counted::LoansOpen,
        LoanShow::Overdue => Counted::LoansOverdue,
        LoanShow::DueThisWeek => Counted::LoansDueThisWeek,
        LoanShow::All => Counted::LoansAll,
    };
    let kept = whole.then_some(KeptCount {
        counts: kept,
        counted,
        day: today,
    });
    let rows = tx.list_loans(council.id, query, today, kept).await?;
    Ok(rows.map(|r| r.listed(&document, today)))
}
