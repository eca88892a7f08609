//! What the register keeps of device checks: each import, and every observation matched to an
//! item of the register.

use crate::records::Id;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use steward_policy::posture::{CheckResult, CheckWord};

/// One file of device checks taken in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PostureImport {
    pub id: Id,
    pub council_id: Id,
    pub imported_at: DateTime<Utc>,
    pub imported_by: String,
    /// The format the file was read as: steward, intune, osquery or fleet.
    pub format: String,
    /// The file's name as it was given.
    pub file: String,
    /// Observations matched to items of the register.
    pub observations: i64,
    /// Items of the register the file reported on.
    pub devices: i64,
    /// Devices in the file the register does not know.
    pub unmatched: i64,
}

/// What judging some items against the policy needs to know of them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PostureFacts {
    /// The items themselves.
    pub items: Vec<crate::records::Equipment>,
    /// Their latest observations (as [`super::PostureTx::latest_observations`]).
    pub latest: Vec<StoredObservation>,
    /// The exceptions to device checks granted for them that run to the day or later.
    pub exceptions: Vec<crate::workflow::PostureExceptionGrant>,
    /// The software authorised on them.
    pub authorised: Vec<crate::workflow::AuthorisedSoftware>,
    /// Those still held by someone who has left office, with the day their last term ended.
    pub leavers: Vec<(Id, chrono::NaiveDate)>,
}

/// What an observation is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Observed {
    Check {
        check: CheckWord,
        result: CheckResult,
    },
    Software {
        name: String,
    },
}

/// An observation of an item of the register, to be stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewObservation {
    pub equipment_id: Id,
    pub observed: Observed,
    pub observed_at: DateTime<Utc>,
    pub source: String,
    pub detail: String,
}

/// A stored observation: the latest of its check (or, for software, of its source's list).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StoredObservation {
    pub equipment_id: Id,
    pub observed: Observed,
    pub observed_at: DateTime<Utc>,
    pub source: String,
    pub detail: String,
}

/// How an item stood against a duty at a moment, worst last: an item's standing over all its
/// duties is the greatest of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Standing {
    /// The latest check passed.
    Compliant,
    /// The latest check could not tell, or no source has reported this check.
    Unknown,
    /// The latest check failed.
    Failing,
    /// The device had not checked in within the pack's `[check_in] max_age`.
    Stale,
    /// No source had reported on the device at all.
    NotReported,
}

impl Standing {
    pub const ALL: [Standing; 5] = [
        Standing::Compliant,
        Standing::Unknown,
        Standing::Failing,
        Standing::Stale,
        Standing::NotReported,
    ];

    /// The number the store ranks standings by.
    pub fn rank(self) -> i64 {
        match self {
            Standing::Compliant => 0,
            Standing::Unknown => 1,
            Standing::Failing => 2,
            Standing::Stale => 3,
            Standing::NotReported => 4,
        }
    }

    pub fn of_rank(rank: i64) -> Option<Standing> {
        Standing::ALL.into_iter().find(|s| s.rank() == rank)
    }
}

/// The moment a period's figures are taken at, and from when a device that last reported
/// counts as checked in recently enough (none when the pack sets no check-in age).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeriodEnd {
    pub ends_at: DateTime<Utc>,
    pub fresh_from: Option<DateTime<Utc>>,
}

/// A duty of the pack (by its place in the pack's `[[posture]]` list) as it applies to one
/// kind of item: the check that verifies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DutyOfKind {
    pub kind: steward_policy::EquipmentKind,
    pub check: CheckWord,
    pub duty: usize,
}

/// How many items in service stood one way against one duty (or, with no duty, over all their
/// duties) at the end of one period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StandingCount {
    /// The period's place in the list asked for.
    pub period: usize,
    pub duty: Option<usize>,
    pub standing: Standing,
    pub items: i64,
}

/// How often one check came back with one result on one item over a while, for a summary
/// (`check` is a check word of the pack, or `software` for installed programs, when `result`
/// counts the programs listed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckTally {
    pub check: String,
    pub result: String,
    pub count: i64,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
}

/// The spell of failure one check of one item is in: its latest observation did not pass.
/// It begins at the first observation that did not pass after the latest one that did, so it
/// stays the same while the failure lasts and a failure that comes back begins a new one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckEpisode {
    pub equipment_id: Id,
    /// The check's word, as stored.
    pub check: String,
    pub since: DateTime<Utc>,
    /// The check passed at some time before the spell began.
    pub after_pass: bool,
    /// The check had failed (or could not tell) before it last passed: the failure came back
    /// after being put right.
    pub returned: bool,
}
