//! Signing in and out, and recognising a signed-in browser.

use super::audit;
use crate::auth::{
    AuthTx, Session, SessionPolicy, SessionSecret, SessionState, SignInHistory, Throttle,
    ThrottlePolicy, User, Username, address_key, dummy_verify, random_text, session_state,
    throttle, verify_password,
};
use crate::ctx::Ctx;
use crate::error::DomainResult;
use crate::records::{Council, Id};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use std::net::IpAddr;

/// A successful sign-in: the account, its new session, and the session id to give the
/// browser (the store keeps only its digest). The CSRF token is `session.csrf_token`.
#[derive(Debug)]
pub struct SignedIn {
    pub user: User,
    pub session: Session,
    pub secret: SessionSecret,
}

/// Why a sign-in was refused. Wrong credentials and disabled accounts are recorded as failed
/// attempts; attempts refused by throttling are not checked and not counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignInError {
    /// The same words whether or not the username exists.
    #[error("the username or password is not right")]
    BadCredentials,
    #[error(
        "this account is locked after too many failed sign-ins; try again after {}",
        moment(.until)
    )]
    AccountLocked { until: DateTime<Utc> },
    /// Only said to someone who gave the right password.
    #[error("this account is disabled; ask the council's administrator")]
    Disabled,
    #[error(
        "too many failed sign-ins from this address; try again after {}",
        moment(.until)
    )]
    AddressThrottled { until: DateTime<Utc> },
    /// The council signs in with its identity provider; only said to someone who gave the
    /// right password, and not counted as a failure.
    #[error("this council signs in with its identity provider, not with passwords")]
    PasswordsOff,
}

fn moment(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The username as it is filed for throttling: trimmed, lower-cased, at most 64 characters.
fn tried_name(username: &str) -> String {
    username.trim().to_lowercase().chars().take(64).collect()
}

/// Audit records of a user's own actions name the user as the actor.
fn as_user(user: &User, now: DateTime<Utc>) -> Ctx {
    Ctx::new(user.username.to_string(), now, now.date_naive())
}

/// The clause that asks for a new password, when the policy in force sets a longest age and
/// the user's password has reached it.
async fn password_expired<T: AuthTx>(
    tx: &mut T,
    council: &Council,
    user: &User,
    now: DateTime<Utc>,
) -> DomainResult<Option<steward_policy::Citation>> {
    let today = now.date_naive();
    let Some(active) = super::policy::in_force(tx, council, today).await? else {
        return Ok(None);
    };
    let Some(rule) = &active.pack.passwords else {
        return Ok(None);
    };
    let changed = user.password_changed_at.date_naive();
    Ok(rule
        .max_age
        .after(changed)
        .filter(|due| *due <= today)
        .map(|_| steward_policy::Citation::new(&active.pack, &rule.clause)))
}

/// Checks a username and password for `council` and, if they are right and nothing stops it,
/// starts a session.
///
/// Throttling comes first ([`ThrottlePolicy::default`]: 5 failures in 15 minutes lock the
/// account, 20 refuse the address). An unknown username costs the same hashing work as a wrong
/// password and gets the same answer.
///
/// The outer result is the usual one: an error there means nothing was written and the
/// transaction should be dropped. The inner one is the answer to the person signing in. A wrong
/// password records the failed attempt (the username tried, the address, the time: never the
/// password), so **commit the transaction whichever answer comes back**.
pub async fn sign_in<T: AuthTx>(
    tx: &mut T,
    council: &Council,
    username: &str,
    password: &str,
    address: IpAddr,
    now: DateTime<Utc>,
) -> DomainResult<Result<SignedIn, SignInError>> {
    let policy = ThrottlePolicy::default();
    let tried = tried_name(username);
    let address = address_key(address);
    let since = now - policy.lookback();
    let user = match tried.parse::<Username>() {
        Ok(name) => tx.user_by_username(council.id, &name).await?,
        Err(_) => None,
    };
    let account_failures = tx
        .sign_in_failures_for_username(council.id, &tried, since)
        .await?;
    let address_failures = tx
        .sign_in_failures_from_address(council.id, &address, since)
        .await?;
    let history = SignInHistory {
        account_failures: &account_failures,
        last_success: user.as_ref().and_then(|u| u.last_sign_in_at),
        address_failures: &address_failures,
    };
    // A throttled attempt is refused unchecked and not counted, so a lock ends when the rule
    // says rather than being drawn out by each further try.
    match throttle(&policy, &history, now) {
        Throttle::AddressRefused { until } => {
            return Ok(Err(SignInError::AddressThrottled { until }));
        }
        Throttle::AccountLocked { until } => {
            return Ok(Err(SignInError::AccountLocked { until }));
        }
        Throttle::Open => {}
    }
    let refusal = match &user {
        None => {
            dummy_verify(password);
            Some(SignInError::BadCredentials)
        }
        Some(user) => {
            let right = match tx.password_hash(user.council_id, user.id).await? {
                Some(stored) => verify_password(password, &stored),
                None => {
                    dummy_verify(password);
                    false
                }
            };
            if !right {
                Some(SignInError::BadCredentials)
            } else if user.disabled {
                Some(SignInError::Disabled)
            } else {
                None
            }
        }
    };
    if let Some(refusal) = refusal {
        tx.record_sign_in_failure(council.id, &tried, &address, now)
            .await?;
        return Ok(Err(refusal));
    }
    let Some(user) = user else {
        return Ok(Err(SignInError::BadCredentials));
    };
    if !super::oidc::password_allowed(tx, &user).await? {
        return Ok(Err(SignInError::PasswordsOff));
    }
    start(tx, council, user, now).await.map(Ok)
}

/// Opens a session for an account whose password was just checked (or, at setup, just
/// chosen), with its audit record.
pub(crate) async fn start<T: AuthTx>(
    tx: &mut T,
    council: &Council,
    user: User,
    now: DateTime<Utc>,
) -> DomainResult<SignedIn> {
    let secret = SessionSecret::generate()?;
    let session = Session {
        id_hash: secret.digest(),
        user_id: user.id,
        council_id: council.id,
        created_at: now,
        last_seen_at: now,
        ended_at: None,
        csrf_token: random_text()?,
    };
    tx.insert_session(&session).await?;
    let expired = password_expired(tx, council, &user, now).await?;
    let user = User {
        last_sign_in_at: Some(now),
        must_change_password: user.must_change_password || expired.is_some(),
        ..user
    };
    tx.update_user(&user).await?;
    if let Some(citation) = &expired {
        audit(
            tx,
            &as_user(&user, now),
            council.id,
            "user.password_expired",
            "user",
            &user.username,
            super::NONE,
            Some(citation),
        )
        .await?;
    }
    audit(
        tx,
        &as_user(&user, now),
        council.id,
        "session.start",
        "user",
        &user.username,
        super::NONE,
        Some(&session),
    )
    .await?;
    Ok(SignedIn {
        user,
        session,
        secret,
    })
}

/// Ends the session the browser holds. Returns whether there was an open one to end.
pub async fn sign_out<T: AuthTx>(
    tx: &mut T,
    raw_session_id: &str,
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    let Some(secret) = SessionSecret::parse(raw_session_id) else {
        return Ok(false);
    };
    let Some(session) = tx.session(&secret.digest()).await? else {
        return Ok(false);
    };
    if session.ended_at.is_some() {
        return Ok(false);
    }
    end(tx, session, now, "session.end").await?;
    Ok(true)
}

async fn end<T: AuthTx>(
    tx: &mut T,
    session: Session,
    now: DateTime<Utc>,
    action: &str,
) -> DomainResult<()> {
    tx.end_session(session.council_id, &session.id_hash, now)
        .await?;
    let after = Session {
        ended_at: Some(now),
        ..session.clone()
    };
    let actor = match tx.user(session.council_id, session.user_id).await? {
        Some(user) => as_user(&user, now),
        None => Ctx::new("system", now, now.date_naive()),
    };
    let name = actor.actor.clone();
    audit(
        tx,
        &actor,
        session.council_id,
        action,
        "user",
        name,
        Some(&session),
        Some(&after),
    )
    .await
}

/// How often a session's or token's last use is written: at most once a minute, so that
/// reading pages does not write to the database with every request. Idle time is counted from
/// the last use written, so a session may end up to this much before its idle limit.
pub const TOUCH_EVERY: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// What a browser's session cookie is worth, found by reading alone.
#[derive(Debug)]
pub enum SessionCheck {
    /// No such session, or one already ended.
    Unknown,
    /// The session has run out, or its account is gone or disabled: it must be ended (and the
    /// ending recorded) with [`end_stale`], in a transaction of its own.
    Stale {
        session: Session,
        action: &'static str,
    },
    /// Good. `touch` says its last use is old enough to be written again ([`touch`]).
    Good {
        user: User,
        session: Session,
        touch: bool,
    },
}

/// Whether the browser holding `raw_session_id` is signed in at `now`. Reads only, so a page
/// can check its visitor inside a read transaction.
pub async fn check_session<T: AuthTx>(
    tx: &mut T,
    raw_session_id: &str,
    now: DateTime<Utc>,
    policy: &SessionPolicy,
) -> DomainResult<SessionCheck> {
    let Some(secret) = SessionSecret::parse(raw_session_id) else {
        return Ok(SessionCheck::Unknown);
    };
    let Some(session) = tx.session(&secret.digest()).await? else {
        return Ok(SessionCheck::Unknown);
    };
    let user = match session_state(&session, now, policy) {
        SessionState::Active => tx.user(session.council_id, session.user_id).await?,
        _ => None,
    };
    Ok(judge_session(session, user, now, policy))
}

/// A visitor to a page of one council: what their session is worth there, and the offices
/// their person holds on the day (none unless the session is good).
#[derive(Debug)]
pub struct PageVisit {
    pub check: SessionCheck,
    pub offices: Vec<steward_policy::OfficeId>,
}

/// [`check_session`] for a page of the council `council_id`, with the offices read in the same
/// statement as the session and its account: a session of another council is unknown here.
pub async fn check_page_visit<T: AuthTx>(
    tx: &mut T,
    council_id: Id,
    raw_session_id: Option<&str>,
    (now, today): (DateTime<Utc>, NaiveDate),
    policy: &SessionPolicy,
) -> DomainResult<PageVisit> {
    let found = match raw_session_id.and_then(SessionSecret::parse) {
        Some(secret) => tx.page_session(council_id, &secret.digest()).await?,
        None => None,
    };
    let Some(found) = found else {
        return Ok(PageVisit {
            check: SessionCheck::Unknown,
            offices: Vec::new(),
        });
    };
    let check = judge_session(found.session, Some(found.user), now, policy);
    let offices = match check {
        SessionCheck::Good { .. } => found
            .offices
            .into_iter()
            .filter(|h| h.covers(today))
            .map(|h| h.office)
            .collect(),
        _ => Vec::new(),
    };
    Ok(PageVisit { check, offices })
}

/// What a session found is worth at `now`, with its account (if it still has one).
fn judge_session(
    session: Session,
    user: Option<User>,
    now: DateTime<Utc>,
    policy: &SessionPolicy,
) -> SessionCheck {
    match session_state(&session, now, policy) {
        SessionState::Ended => return SessionCheck::Unknown,
        SessionState::IdleExpired | SessionState::AbsoluteExpired => {
            return SessionCheck::Stale {
                session,
                action: "session.expire",
            };
        }
        SessionState::Active => {}
    }
    let user = user.filter(|u| u.council_id == session.council_id && !u.disabled);
    let Some(user) = user else {
        return SessionCheck::Stale {
            session,
            action: "session.end",
        };
    };
    let touch = now - session.last_seen_at >= TOUCH_EVERY;
    SessionCheck::Good {
        user,
        session,
        touch,
    }
}

/// Ends a session [`check_session`] found stale, recording why, unless another request ended
/// it first.
pub async fn end_stale<T: AuthTx>(
    tx: &mut T,
    session: &Session,
    now: DateTime<Utc>,
    action: &str,
) -> DomainResult<()> {
    match tx.session(&session.id_hash).await? {
        Some(current) if current.ended_at.is_none() => end(tx, current, now, action).await,
        _ => Ok(()),
    }
}

/// Records a session's use at `now`.
pub async fn touch<T: AuthTx>(
    tx: &mut T,
    session: &Session,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    Ok(tx
        .touch_session(session.council_id, &session.id_hash, now)
        .await?)
}

/// [`check_session`], then the writes it calls for, in the one transaction: for callers that
/// hold a write transaction anyway.
pub async fn authenticate_session<T: AuthTx>(
    tx: &mut T,
    raw_session_id: &str,
    now: DateTime<Utc>,
    policy: &SessionPolicy,
) -> DomainResult<Option<(User, Session)>> {
    match check_session(tx, raw_session_id, now, policy).await? {
        SessionCheck::Unknown => Ok(None),
        SessionCheck::Stale { session, action } => {
            end_stale(tx, &session, now, action).await?;
            Ok(None)
        }
        SessionCheck::Good {
            user,
            session,
            touch: due,
        } => {
            if !due {
                return Ok(Some((user, session)));
            }
            touch(tx, &session, now).await?;
            let session = Session {
                last_seen_at: now,
                ..session
            };
            Ok(Some((user, session)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_say_what_happened_in_plain_words() {
        assert_eq!(
            SignInError::BadCredentials.to_string(),
            "the username or password is not right"
        );
        let until = DateTime::parse_from_rfc3339("2027-05-04T12:15:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            SignInError::AccountLocked { until }.to_string(),
            "this account is locked after too many failed sign-ins; try again after 2027-05-04T12:15:00Z"
        );
        assert!(SignInError::Disabled.to_string().contains("disabled"));
        assert!(
            SignInError::AddressThrottled { until }
                .to_string()
                .contains("from this address")
        );
        assert_eq!(tried_name("  Ada.Quill "), "ada.quill");
        assert_eq!(tried_name(&"x".repeat(500)).len(), 64);
    }
}
