//! What the outbox holds: notices, and one message per recipient of each.

use crate::auth::Username;
use crate::ids::PersonRef;
use crate::records::Id;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;
use steward_policy::vocab::UnknownWord;
use steward_policy::{Citation, OfficeId};

/// One fact worth telling people, under a key that is unique in its council.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Notice {
    pub id: Id,
    pub council_id: Id,
    /// `overdue-return:loan-12:2027-05-17`: what, about which record, and for which step of
    /// its schedule. The same key is never queued twice.
    pub key: String,
    /// The sweep source (or command) that raised it: `overdue`, `recall`, ...
    pub source: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub citation: Citation,
    /// The day the fact was noticed for.
    pub noticed_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct NewNotice {
    pub key: String,
    pub source: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub citation: Citation,
    pub noticed_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageState {
    /// Waiting to be sent, now or at `next_attempt_at`.
    Queued,
    /// Claimed by a sender, which is talking to the mail server.
    Sending,
    Sent,
    /// Given up: refused outright, or still failing after every attempt.
    Failed,
    /// Left in `sending` by a sender that stopped: it may or may not have gone. Only an officer
    /// sends it again.
    Uncertain,
    /// The recipient has no email address in the register (or no one holds the office).
    NoAddress,
}

impl MessageState {
    pub const ALL: &'static [MessageState] = &[
        MessageState::Queued,
        MessageState::Sending,
        MessageState::Sent,
        MessageState::Failed,
        MessageState::Uncertain,
        MessageState::NoAddress,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageState::Queued => "queued",
            MessageState::Sending => "sending",
            MessageState::Sent => "sent",
            MessageState::Failed => "failed",
            MessageState::Uncertain => "uncertain",
            MessageState::NoAddress => "no_address",
        }
    }

    /// The state as people read it.
    pub fn label(self) -> &'static str {
        match self {
            MessageState::Queued => "Waiting to send",
            MessageState::Sending => "Sending",
            MessageState::Sent => "Sent",
            MessageState::Failed => "Failed",
            MessageState::Uncertain => "May have been sent",
            MessageState::NoAddress => "No email address",
        }
    }
}

impl fmt::Display for MessageState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MessageState {
    type Err = UnknownWord;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
        MessageState::ALL
            .iter()
            .copied()
            .find(|m| m.as_str() == wanted)
            .ok_or_else(|| UnknownWord {
                what: "a message state",
                found: s.to_string(),
                expected: MessageState::ALL.iter().map(|m| m.as_str()).collect(),
            })
    }
}

/// One email to one recipient, with its notice's key and subject.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OutboxMessage {
    pub id: Id,
    pub council_id: Id,
    pub notice_id: Id,
    pub key: String,
    pub source: String,
    pub subject: String,
    /// The person it is for; none when it is for an office no one holds, or for an account
    /// that is not linked to a person.
    pub person_id: Option<Id>,
    pub person: Option<PersonRef>,
    pub person_name: Option<String>,
    /// The office it reached them through, when it was sent to an office.
    pub office: Option<OfficeId>,
    /// The account it is for, when it is about an account (an invitation).
    #[serde(default)]
    pub user_id: Option<Id>,
    #[serde(default)]
    pub account: Option<Username>,
    /// Where it goes: the person's address when it was queued.
    pub address: Option<String>,
    /// The left part of the `Message-ID` header, derived from the key and the recipient, so a
    /// receiving system can also recognise a duplicate.
    pub message_id: String,
    pub state: MessageState,
    pub attempts: i64,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// What went wrong last, in words that never carry the recipient's details.
    pub last_error: Option<String>,
    /// Set while a sender holds the message; only that sender may record how it went.
    #[serde(skip)]
    pub claim: Option<String>,
    pub claimed_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct NewMessage {
    pub notice_id: Id,
    pub person_id: Option<Id>,
    pub office: Option<OfficeId>,
    pub user_id: Option<Id>,
    pub address: Option<String>,
    pub message_id: String,
    pub state: MessageState,
    pub created_at: DateTime<Utc>,
}

/// Which messages to read; every condition is optional and they combine with AND.
#[derive(Clone, Debug, Default)]
pub struct MessageFilter {
    pub states: Vec<MessageState>,
    pub person_id: Option<Id>,
    pub notice_id: Option<Id>,
    /// Only those whose next attempt is due by then (or has no time set).
    pub due_by: Option<DateTime<Utc>>,
    /// Only those claimed before then.
    pub claimed_before: Option<DateTime<Utc>>,
    pub limit: Option<i64>,
}

/// Who a message is for, as the sweep resolves it on the day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Recipient {
    Person {
        person_id: Id,
        reference: PersonRef,
        name: String,
        office: Option<OfficeId>,
        address: Option<String>,
    },
    /// An office the policy names that no one holds on the day.
    UnheldOffice { office: OfficeId, name: String },
    /// An account not linked to a person, at an address given for it (an invitation).
    Account {
        user_id: Id,
        username: Username,
        address: String,
    },
    /// The fallback found no officer with a person in the register.
    NoOfficers,
}

impl Recipient {
    /// Who, as an officer reads it: "Ada Quill (M1)", "Town Clerk (no one holds this office)".
    pub fn describe(&self) -> String {
        match self {
            Recipient::Person {
                reference, name, ..
            } => format!("{name} ({reference})"),
            Recipient::UnheldOffice { name, .. } => format!("{name} (no one holds this office)"),
            Recipient::Account { username, .. } => format!("the holder of account {username}"),
            Recipient::NoOfficers => {
                "the council's officers (no officer account is linked to a person)".to_string()
            }
        }
    }

    /// What tells this recipient apart from the others of the same notice.
    pub fn tag(&self) -> String {
        match self {
            Recipient::Person { reference, .. } => format!("person:{reference}"),
            Recipient::UnheldOffice { office, .. } => format!("office:{office}"),
            Recipient::Account { username, .. } => format!("account:{username}"),
            Recipient::NoOfficers => "officers".to_string(),
        }
    }
}

/// The left part of a message's `Message-ID`: the same council, key and recipient always give
/// the same value, and different ones differ.
pub fn message_id_local(council: &str, key: &str, recipient_tag: &str) -> String {
    let mut h = Sha256::new();
    for part in [council, key, recipient_tag] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    let digest = hex::encode(h.finalize());
    format!("steward.{}", &digest[..32])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_back_from_their_words() {
        for state in MessageState::ALL {
            assert_eq!(state.as_str().parse::<MessageState>().ok(), Some(*state));
        }
        assert_eq!(
            "no-address".parse::<MessageState>().ok(),
            Some(MessageState::NoAddress)
        );
        assert!("lost".parse::<MessageState>().is_err());
    }

    #[test]
    fn message_ids_are_stable_and_distinct() {
        let a = message_id_local("dunmere", "overdue-return:loan-1:2027-05-17", "person:M1");
        assert_eq!(
            a,
            message_id_local("dunmere", "overdue-return:loan-1:2027-05-17", "person:M1")
        );
        assert_ne!(
            a,
            message_id_local("dunmere", "overdue-return:loan-1:2027-05-17", "person:M2")
        );
        assert_ne!(
            a,
            message_id_local("other", "overdue-return:loan-1:2027-05-17", "person:M1")
        );
        assert!(a.starts_with("steward.") && a.len() == 40);
    }
}
