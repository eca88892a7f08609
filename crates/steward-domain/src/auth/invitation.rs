//! Invitations to choose a password: a link sent by email to the holder of a new account, good
//! once and for [`INVITATION_HOURS`] from when it was sent.
//!
//! The link's secret is made when the message carrying it is sent, so it is never stored: not
//! in the outbox (the notice's text holds [`LINK_PLACEHOLDER`] where the link goes), not in the
//! audit trail, not here. The store keeps only its SHA-256, to recognise the link when it
//! comes back. Sending the message again makes a new secret, which ends the earlier link.

use super::secret::{digest, random_text};
use crate::error::DomainError;
use crate::records::Id;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How long a link works after it was sent.
pub const INVITATION_HOURS: i64 = 72;

/// What a notice's text holds where the link goes; the sender puts the link there when it
/// sends the message, and only in what it sends.
pub const LINK_PLACEHOLDER: &str = "[the link, made when this message is sent and not kept]";

/// One invitation, to one account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Invitation {
    pub id: Id,
    pub council_id: Id,
    pub user_id: Id,
    pub created_at: DateTime<Utc>,
    /// Who made it, as the audit trail names them.
    pub created_by: String,
    /// The SHA-256 of the link's secret, once the message carrying it was sent. Not part of
    /// what is serialised, so it cannot reach an answer or the audit trail.
    #[serde(skip)]
    pub token_hash: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub used_at: Option<DateTime<Utc>>,
    /// Set when a newer invitation, or a temporary password, took its place.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

/// Where an invitation stands at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvitationState {
    /// Made; its message has not been sent yet.
    Waiting,
    /// Sent, and its link still works.
    Open,
    Used,
    Expired,
    Withdrawn,
}

impl Invitation {
    pub fn state_at(&self, now: DateTime<Utc>) -> InvitationState {
        if self.used_at.is_some() {
            InvitationState::Used
        } else if self.withdrawn_at.is_some() {
            InvitationState::Withdrawn
        } else {
            match self.expires_at {
                None => InvitationState::Waiting,
                Some(until) if now < until => InvitationState::Open,
                Some(_) => InvitationState::Expired,
            }
        }
    }

    /// Neither used nor replaced: the account still waits on it (its link may have run out).
    pub fn is_pending(&self) -> bool {
        self.used_at.is_none() && self.withdrawn_at.is_none()
    }

    /// The same invitation with a new link sent at `now`: its digest and expiry.
    pub fn sent(&self, secret: &InvitationSecret, now: DateTime<Utc>) -> Invitation {
        Invitation {
            token_hash: Some(secret.digest()),
            sent_at: Some(now),
            expires_at: Some(now + Duration::hours(INVITATION_HOURS)),
            ..self.clone()
        }
    }
}

/// The secret in an invitation's link. `Debug` hides it; it is exposed only to write the link
/// into the email being sent.
#[derive(Clone, PartialEq, Eq)]
pub struct InvitationSecret(String);

impl InvitationSecret {
    pub fn generate() -> Result<InvitationSecret, DomainError> {
        random_text().map(InvitationSecret)
    }

    /// Accepts what a link carried if it has the shape of a secret.
    pub fn parse(raw: &str) -> Option<InvitationSecret> {
        let raw = raw.trim();
        let shaped = raw.len() == 43
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        shaped.then(|| InvitationSecret(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn digest(&self) -> String {
        digest(&self.0)
    }
}

impl fmt::Debug for InvitationSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InvitationSecret(hidden)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 6, day, hour, 0, 0)
            .single()
            .unwrap_or_else(|| panic!("bad time"))
    }

    #[test]
    fn a_link_works_for_seventy_two_hours_from_sending_and_once() {
        let made = Invitation {
            id: 1,
            council_id: 1,
            user_id: 1,
            created_at: at(1, 9),
            created_by: "clerk".into(),
            token_hash: None,
            sent_at: None,
            expires_at: None,
            used_at: None,
            withdrawn_at: None,
        };
        assert_eq!(made.state_at(at(9, 9)), InvitationState::Waiting);
        let secret = InvitationSecret::generate().unwrap_or_else(|e| panic!("{e}"));
        let sent = made.sent(&secret, at(2, 10));
        assert_eq!(sent.token_hash.as_deref(), Some(secret.digest().as_str()));
        assert_eq!(sent.state_at(at(5, 9)), InvitationState::Open);
        assert_eq!(sent.state_at(at(5, 10)), InvitationState::Expired);
        let used = Invitation {
            used_at: Some(at(3, 9)),
            ..sent.clone()
        };
        assert_eq!(used.state_at(at(3, 10)), InvitationState::Used);
        assert!(!used.is_pending());
        let json = serde_json::to_string(&sent).unwrap_or_default();
        assert!(!json.contains(&secret.digest()), "{json}");
        assert!(!json.contains(secret.expose()), "{json}");
        assert_eq!(format!("{secret:?}"), "InvitationSecret(hidden)");
        assert_eq!(InvitationSecret::parse(secret.expose()), Some(secret));
        assert_eq!(InvitationSecret::parse("short"), None);
    }
}
