//! Records of the web filter's side of the register; they are also the wire types.

use crate::ids::PersonRef;
use crate::records::Id;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// A name a person gives the proxy when it asks who they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProxyUser {
    pub id: Id,
    pub council_id: Id,
    pub person_id: Id,
    /// Lower case: the proxy's user names are matched without regard to case.
    pub username: String,
    pub added_on: NaiveDate,
}

/// A network address an item of equipment uses; whoever has the item on loan is behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EquipmentAddress {
    pub id: Id,
    pub council_id: Id,
    pub equipment_id: Id,
    pub address: IpAddr,
    pub added_on: NaiveDate,
}

/// One run of scanning logs into the register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WebScan {
    pub id: Id,
    pub council_id: Id,
    pub scanned_at: DateTime<Utc>,
    pub scanned_by: String,
    pub files: i64,
    pub lines: i64,
    /// Findings written (new or replaced).
    pub cells: i64,
}

/// A finding as the scanner gives it, from one log file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewFinding {
    /// The log file's identity ([`super::source_of`]).
    pub source: String,
    /// The proxy user name, or the client address, as the log has it.
    pub identity: String,
    pub category: String,
    /// The UTC day.
    pub day: NaiveDate,
    pub visits: i64,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub samples: Vec<String>,
}

/// What one log showed of one identity in one category on one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WebFinding {
    pub id: Id,
    pub council_id: Id,
    pub scan_id: Id,
    pub source: String,
    pub identity: String,
    /// The person behind the identity that day, when the register knows them.
    pub person_id: Option<Id>,
    pub category: String,
    pub day: NaiveDate,
    pub visits: i64,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub samples: Vec<String>,
}

/// Which findings to read; every field narrows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FindingFilter {
    pub person_id: Option<Id>,
    pub category: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// One identity's visits to one category on one day, summed over every log that saw them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FindingCell {
    /// The lowest id among the findings summed, which stands for them in the list's order.
    pub id: Id,
    pub identity: String,
    /// The person behind the identity that day, when any log's finding knew them.
    pub person_id: Option<Id>,
    pub person: Option<PersonRef>,
    pub person_name: Option<String>,
    pub category: String,
    pub day: NaiveDate,
    pub visits: i64,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// A few of the addresses visited, each once.
    pub samples: Vec<String>,
}
