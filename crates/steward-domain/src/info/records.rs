use crate::records::Id;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use steward_policy::OfficeId;
use steward_policy::workdays::Nation;

/// Which law a request is made under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InfoKind {
    /// Freedom of Information Act 2000.
    Foi,
    /// Environmental Information Regulations 2004.
    Eir,
    /// A subject access request under UK GDPR article 15.
    Sar,
}

impl InfoKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InfoKind::Foi => "foi",
            InfoKind::Eir => "eir",
            InfoKind::Sar => "sar",
        }
    }

    /// The prefix of the references the council gives these requests.
    pub fn prefix(self) -> &'static str {
        match self {
            InfoKind::Foi => "FOI",
            InfoKind::Eir => "EIR",
            InfoKind::Sar => "SAR",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InfoKind::Foi => "Freedom of information",
            InfoKind::Eir => "Environmental information",
            InfoKind::Sar => "Subject access",
        }
    }
}

impl fmt::Display for InfoKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for InfoKind {
    type Err = String;

    fn from_str(text: &str) -> Result<InfoKind, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "foi" => Ok(InfoKind::Foi),
            "eir" => Ok(InfoKind::Eir),
            "sar" => Ok(InfoKind::Sar),
            _ => Err(format!(
                "'{text}' is not a kind of request; use foi, eir or sar"
            )),
        }
    }
}

/// One request, as received and as it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InfoRequest {
    pub id: Id,
    pub council_id: Id,
    pub kind: InfoKind,
    /// The council's reference, such as FOI-2027-0003.
    pub reference: String,
    /// Who asked, as they gave it (a name, an organisation, an address); for a subject access
    /// request, who made it (the person, or someone acting for them).
    pub requester: String,
    /// For a subject access request, the person the data is about.
    pub subject_id: Option<Id>,
    /// Whose bank holidays count towards the deadline.
    pub nation: Nation,
    pub received_on: NaiveDate,
    pub summary: String,
    /// Any one of these offices handles it, frozen at receipt with the clause that says so.
    pub handlers: Vec<OfficeId>,
    pub clause: String,
    pub document: String,
    /// A later deadline, with the reason it was extended.
    pub extended_to: Option<NaiveDate>,
    pub extension_reason: Option<String>,
    /// When the requester's identity was checked (subject access).
    pub identity_checked_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub outcome: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct NewInfoRequest {
    pub kind: InfoKind,
    pub reference: String,
    pub requester: String,
    pub subject_id: Option<Id>,
    pub nation: Nation,
    pub received_on: NaiveDate,
    pub summary: String,
    pub handlers: Vec<OfficeId>,
    pub clause: String,
    pub document: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// The clock stopped while the council waited for the requester to clarify the request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InfoPause {
    pub id: Id,
    pub request_id: Id,
    pub asked_on: NaiveDate,
    /// None while the council is still waiting.
    pub answered_on: Option<NaiveDate>,
    pub note: String,
}

/// Someone in the register asked to search for what they hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InfoHelper {
    pub id: Id,
    pub request_id: Id,
    pub person_id: Id,
    pub asked_on: NaiveDate,
    pub answered_on: Option<NaiveDate>,
    pub answer: Option<String>,
}
