//! Browser sessions and when they stop being good.

use super::secret::constant_time_eq;
use crate::records::Id;
use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use std::fmt;

/// A session not used for this long has ended.
pub const IDLE_TIMEOUT: TimeDelta = TimeDelta::minutes(30);
/// A session ends this long after sign-in, however busy.
pub const ABSOLUTE_TIMEOUT: TimeDelta = TimeDelta::hours(12);

/// How long sessions last; [`SessionPolicy::default`] is 30 minutes idle and 12 hours in all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: TimeDelta,
    pub absolute: TimeDelta,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: IDLE_TIMEOUT,
            absolute: ABSOLUTE_TIMEOUT,
        }
    }
}

/// One signed-in browser. The browser holds the session id; the store keeps only its SHA-256
/// (`id_hash`). Serialising leaves out the digest and the CSRF token, so a session can go into
/// the audit trail or an API answer as it is.
#[derive(Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Session {
    #[serde(skip)]
    pub id_hash: String,
    pub user_id: Id,
    pub council_id: Id,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Random per session; forms carry it back and it must match.
    #[serde(skip)]
    pub csrf_token: String,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("user_id", &self.user_id)
            .field("council_id", &self.council_id)
            .field("created_at", &self.created_at)
            .field("last_seen_at", &self.last_seen_at)
            .field("ended_at", &self.ended_at)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Whether a form's CSRF token is this session's, compared in constant time.
    pub fn csrf_matches(&self, presented: &str) -> bool {
        constant_time_eq(&self.csrf_token, presented)
    }

    /// The moment the session stops being good if it is not used before then.
    pub fn expires_at(&self, policy: &SessionPolicy) -> DateTime<Utc> {
        (self.last_seen_at + policy.idle).min(self.created_at + policy.absolute)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    Active,
    /// Not used for the idle timeout or longer.
    IdleExpired,
    /// Signed in the absolute timeout ago or longer.
    AbsoluteExpired,
    /// Signed out, or ended by the council.
    Ended,
}

/// Where a session stands at `now`. A timeout is reached at exactly its length: a session last
/// used 30 minutes ago has expired. An ended session is `Ended` whatever its times, and the
/// absolute limit is named before the idle one when both have passed.
pub fn session_state(
    session: &Session,
    now: DateTime<Utc>,
    policy: &SessionPolicy,
) -> SessionState {
    if session.ended_at.is_some() {
        SessionState::Ended
    } else if now - session.created_at >= policy.absolute {
        SessionState::AbsoluteExpired
    } else if now - session.last_seen_at >= policy.idle {
        SessionState::IdleExpired
    } else {
        SessionState::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 5, 4, 9, 0, 0)
            .single()
            .unwrap_or_else(|| panic!("bad time"))
    }

    fn session(last_seen: DateTime<Utc>) -> Session {
        Session {
            id_hash: "ab".repeat(32),
            user_id: 1,
            council_id: 1,
            created_at: start(),
            last_seen_at: last_seen,
            ended_at: None,
            csrf_token: "csrf".into(),
        }
    }

    const MICRO: TimeDelta = TimeDelta::microseconds(1);

    #[test]
    fn idle_timeout_is_reached_at_exactly_thirty_minutes() {
        let policy = SessionPolicy::default();
        let s = session(start());
        let state = |d: TimeDelta| session_state(&s, start() + d, &policy);
        assert_eq!(state(TimeDelta::zero()), SessionState::Active);
        assert_eq!(state(IDLE_TIMEOUT - MICRO), SessionState::Active);
        assert_eq!(state(TimeDelta::minutes(30)), SessionState::IdleExpired);
        assert_eq!(state(TimeDelta::minutes(31)), SessionState::IdleExpired);
        assert_eq!(s.expires_at(&policy), start() + TimeDelta::minutes(30));
    }

    #[test]
    fn absolute_timeout_is_reached_at_exactly_twelve_hours_however_busy() {
        let policy = SessionPolicy::default();
        let twelve = TimeDelta::hours(12);
        // Used a moment ago, so never idle.
        let busy = |now: DateTime<Utc>| session_state(&session(now - MICRO), now, &policy);
        assert_eq!(busy(start() + twelve - MICRO), SessionState::Active);
        assert_eq!(busy(start() + twelve), SessionState::AbsoluteExpired);
        assert_eq!(
            busy(start() + twelve + MICRO),
            SessionState::AbsoluteExpired
        );
        // Both passed: the absolute limit is the one named.
        let idle = session(start());
        assert_eq!(
            session_state(&idle, start() + twelve, &policy),
            SessionState::AbsoluteExpired
        );
        let late = session(start() + TimeDelta::hours(11) + TimeDelta::minutes(50));
        assert_eq!(late.expires_at(&policy), start() + twelve);
    }

    #[test]
    fn ended_sessions_stay_ended_and_policies_can_be_shorter() {
        let mut s = session(start());
        s.ended_at = Some(start());
        assert_eq!(
            session_state(&s, start(), &SessionPolicy::default()),
            SessionState::Ended
        );
        let short = SessionPolicy {
            idle: TimeDelta::minutes(5),
            absolute: TimeDelta::hours(1),
        };
        let s = session(start());
        assert_eq!(
            session_state(&s, start() + TimeDelta::minutes(5), &short),
            SessionState::IdleExpired
        );
    }

    #[test]
    fn secrets_stay_out_of_json_and_debug() {
        let s = session(start());
        let json = serde_json::to_string(&s).unwrap_or_default();
        assert!(!json.contains("abab") && !json.contains("csrf"), "{json}");
        let debug = format!("{s:?}");
        assert!(
            !debug.contains("abab") && !debug.contains("csrf"),
            "{debug}"
        );
        assert!(s.csrf_matches("csrf"));
        assert!(!s.csrf_matches("csrg"));
    }
}
