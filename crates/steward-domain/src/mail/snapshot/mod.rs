//! Reading a snapshot of the forwards set on the council's mailboxes, as Microsoft Graph
//! (`messageRules` of each mailbox, [`graph`]) or Exchange Online PowerShell (`Get-InboxRule`
//! and `Get-Mailbox` exported with `Export-Csv`, [`exchange`]) give it.
//!
//! Pure: the caller hands over the bytes and gets back every forward, or every problem with
//! the line it is on. Disabled rules and rules that forward nowhere are left out.

pub mod exchange;
pub mod graph;

use crate::import::check_email;
use serde::{Deserialize, Serialize};

/// The most a snapshot file may hold.
pub const FILE_MAX: u64 = 32 << 20;

/// The most forwards one snapshot may hold.
pub const MAX_FORWARDS: usize = 100_000;

/// The longest rule name kept; longer names are cut.
pub const RULE_NAME_MAX: usize = 200;

/// The two shapes of snapshot the importer reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotFormat {
    /// Microsoft Graph's `messageRules` answers, each with its mailbox.
    Graph,
    /// Exchange `Get-InboxRule` or `Get-Mailbox` exported as CSV.
    Exchange,
}

impl SnapshotFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            SnapshotFormat::Graph => "graph",
            SnapshotFormat::Exchange => "exchange",
        }
    }
}

impl std::str::FromStr for SnapshotFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "graph" => Ok(SnapshotFormat::Graph),
            "exchange" => Ok(SnapshotFormat::Exchange),
            _ => Err(format!(
                "'{s}' is not a snapshot format; write graph or exchange"
            )),
        }
    }
}

/// Where a forward was set: a rule in the mailbox, or the mailbox's own forwarding.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ForwardSource {
    InboxRule,
    Mailbox,
}

impl ForwardSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ForwardSource::InboxRule => "inbox_rule",
            ForwardSource::Mailbox => "mailbox",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "inbox_rule" => Some(ForwardSource::InboxRule),
            "mailbox" => Some(ForwardSource::Mailbox),
            _ => None,
        }
    }
}

/// How mail is sent on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ForwardKind {
    /// Forwarded, as a new message from the mailbox.
    Forward,
    /// Redirected, keeping the original sender.
    Redirect,
    /// Forwarded as an attachment.
    Attachment,
    /// The mailbox's own forwarding address.
    Mailbox,
}

impl ForwardKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ForwardKind::Forward => "forward",
            ForwardKind::Redirect => "redirect",
            ForwardKind::Attachment => "attachment",
            ForwardKind::Mailbox => "mailbox",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "forward" => Some(ForwardKind::Forward),
            "redirect" => Some(ForwardKind::Redirect),
            "attachment" => Some(ForwardKind::Attachment),
            "mailbox" => Some(ForwardKind::Mailbox),
            _ => None,
        }
    }

    /// In words, for pages and tables.
    pub fn words(self) -> &'static str {
        match self {
            ForwardKind::Forward => "Forwards",
            ForwardKind::Redirect => "Redirects",
            ForwardKind::Attachment => "Forwards as attachment",
            ForwardKind::Mailbox => "Mailbox forwarding",
        }
    }
}

/// One forward as the snapshot has it, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ForwardRow {
    /// The line of the CSV file the forward is on; 0 for Graph's JSON, which does not say.
    pub line: u64,
    /// The mailbox's address, in lower case.
    pub mailbox: String,
    pub source: ForwardSource,
    /// The rule's name, for inbox rules.
    pub rule: Option<String>,
    pub kind: ForwardKind,
    /// The address mail goes to, in lower case; `None` for a recipient inside the mail
    /// organisation that the export names without an address.
    pub target: Option<String>,
    /// For a mailbox's forwarding: whether a copy stays in the mailbox.
    pub keeps_copy: Option<bool>,
}

/// A checked, lower-cased mail address.
pub(crate) fn address(s: &str) -> Result<String, String> {
    check_email(s.trim()).map(|a| a.to_ascii_lowercase())
}

/// A rule's name as kept: control and invisible characters become spaces, and it is cut to
/// [`RULE_NAME_MAX`] characters.
pub(crate) fn rule_name(s: &str) -> Option<String> {
    let cleaned: String = s
        .chars()
        .map(|c| {
            let mut one = [0u8; 4];
            if crate::text::one_line(c.encode_utf8(&mut one)).is_err() {
                ' '
            } else {
                c
            }
        })
        .take(RULE_NAME_MAX)
        .collect();
    let trimmed = cleaned.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}
