//! Records of mail's side of the register; they are also the wire types.

use super::snapshot::{ForwardKind, ForwardSource, SnapshotFormat};
use crate::ids::PersonRef;
use crate::records::Id;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use steward_policy::Citation;
use steward_policy::mail::ForwardOutcome;

/// One import of a forwarding snapshot: the entity its audit record names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ForwardImport {
    pub id: Id,
    pub council_id: Id,
    pub imported_at: DateTime<Utc>,
    pub imported_by: String,
    /// The file's name, as given.
    pub file_name: String,
    pub format: SnapshotFormat,
    pub forwards: i64,
    pub breaches: i64,
}

/// A forward as judged on import, to be stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewForward {
    pub line: u64,
    pub mailbox: String,
    pub person_id: Option<Id>,
    pub source: ForwardSource,
    pub rule: Option<String>,
    pub kind: ForwardKind,
    pub target: Option<String>,
    pub keeps_copy: Option<bool>,
    pub outcome: ForwardOutcome,
    pub message: String,
    pub citation: Option<Citation>,
}

/// A forward in the latest snapshot of its kind, with what the pack says of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ForwardFinding {
    pub id: Id,
    pub council_id: Id,
    pub import_id: Id,
    /// The mailbox's address, in lower case.
    pub mailbox: String,
    /// The person whose email address the mailbox is, when the register knows them.
    pub person_id: Option<Id>,
    pub person: Option<PersonRef>,
    pub person_name: Option<String>,
    pub source: ForwardSource,
    pub rule: Option<String>,
    pub kind: ForwardKind,
    /// Where mail goes; `None` for a recipient inside the mail organisation named without an
    /// address.
    pub target: Option<String>,
    pub keeps_copy: Option<bool>,
    pub outcome: ForwardOutcome,
    /// What the outcome means, in words.
    pub message: String,
    pub citation: Option<Citation>,
    /// The snapshot this forward was first seen in without a break; none when it was already
    /// present before that was recorded.
    #[serde(default)]
    pub since_import: Option<Id>,
}

/// Which forwards to list; every field narrows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ForwardFilter {
    pub outcome: Option<ForwardOutcome>,
    pub person_id: Option<Id>,
}

/// What the outbound milter decided about one message: its envelope and marking, never its
/// content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MailDecisionRecord {
    pub id: Id,
    pub council_id: Id,
    pub decided_at: DateTime<Utc>,
    /// The relay's queue id, when it gave one.
    pub queue_id: Option<String>,
    pub sender: String,
    pub recipients: Vec<String>,
    pub level: Option<String>,
    pub action: steward_policy::mail::MailAction,
    /// Whether the disclaimer was asked for.
    pub disclaimer: bool,
    pub flagged: bool,
    pub reasons: Vec<steward_policy::mail::MailReason>,
}
