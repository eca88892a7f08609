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
