//! Sign-in throttling, decided from the recorded failures alone.
//!
//! Per account: 5 failures within 15 minutes lock the account for 15 minutes from the fifth.
//! Only failures since the account's last successful sign-in count. Per client address: 20
//! failures within 15 minutes refuse that address for 15 minutes, whatever succeeded since.
//! Both are counted within one council, and the address is the client's own (the web layer
//! works it out, believing only trusted proxies), so one noisy address shuts out itself alone.
//!
//! The account rule counts failures from every address together, on purpose: a flood from one
//! address against a known username does lock that account for everyone, for 15 minutes at a
//! time, but counting per address instead would let many addresses take five guesses each.
//! Keeping guesses at five per quarter hour per account is worth an occasional wait.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use std::net::IpAddr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures within `window` that lock an account.
    pub account_failures: usize,
    /// Failures within `window` that refuse an address.
    pub address_failures: usize,
    pub window: TimeDelta,
    /// How long a lock or refusal lasts, from the failure that triggered it.
    pub lockout: TimeDelta,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            account_failures: 5,
            address_failures: 20,
            window: TimeDelta::minutes(15),
            lockout: TimeDelta::minutes(15),
        }
    }
}

impl ThrottlePolicy {
    /// How far back failures can still matter: a run that fits in the window and ended just
    /// under a lockout ago.
    pub fn lookback(&self) -> TimeDelta {
        self.window + self.lockout
    }
}

/// The recorded failures relevant to one attempt.
#[derive(Clone, Copy, Debug, Default)]
pub struct SignInHistory<'a> {
    /// Failures recorded for the username tried.
    pub account_failures: &'a [DateTime<Utc>],
    /// When that account last signed in successfully, if it exists and ever has.
    pub last_success: Option<DateTime<Utc>>,
    /// Failures recorded from the client's address.
    pub address_failures: &'a [DateTime<Utc>],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "throttle", rename_all = "snake_case")]
pub enum Throttle {
    Open,
    AccountLocked { until: DateTime<Utc> },
    AddressRefused { until: DateTime<Utc> },
}

/// When the latest lock that `failures` trigger ends: each run of `limit` failures spanning no
/// more than `window` locks until `lockout` after its last failure. None if no run does.
pub fn locked_until(
    failures: &[DateTime<Utc>],
    limit: usize,
    window: TimeDelta,
    lockout: TimeDelta,
) -> Option<DateTime<Utc>> {
    let limit = limit.max(1);
    let mut sorted = failures.to_vec();
    sorted.sort_unstable();
    sorted
        .windows(limit)
        .filter_map(|run| {
            let (first, last) = (run.first()?, run.last()?);
            (*last - *first <= window).then(|| *last + lockout)
        })
        .max()
}

/// Whether an attempt at `now` may go ahead. The address rule is checked first.
pub fn throttle(
    policy: &ThrottlePolicy,
    history: &SignInHistory<'_>,
    now: DateTime<Utc>,
) -> Throttle {
    let active = |until: Option<DateTime<Utc>>| until.filter(|until| now < *until);
    if let Some(until) = active(locked_until(
        history.address_failures,
        policy.address_failures,
        policy.window,
        policy.lockout,
    )) {
        return Throttle::AddressRefused { until };
    }
    let since_success: Vec<DateTime<Utc>> = history
        .account_failures
        .iter()
        .copied()
        .filter(|at| history.last_success.is_none_or(|ok| *at > ok))
        .collect();
    if let Some(until) = active(locked_until(
        &since_success,
        policy.account_failures,
        policy.window,
        policy.lockout,
    )) {
        return Throttle::AccountLocked { until };
    }
    Throttle::Open
}

/// The key failures from a client are filed under: an IPv4 address as it is, an IPv6 address
/// by its /64 network (one household or machine usually has a whole /64 to rotate through).
pub fn address_key(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 5, 4, 12, 0, 0)
            .single()
            .unwrap_or_else(|| panic!("bad time"))
    }

    fn ago(seconds: &[i64]) -> Vec<DateTime<Utc>> {
        seconds
            .iter()
            .map(|s| now() - TimeDelta::seconds(*s))
            .collect()
    }

    fn decide(account: &[DateTime<Utc>], last_success: Option<DateTime<Utc>>) -> Throttle {
        let history = SignInHistory {
            account_failures: account,
            last_success,
            address_failures: &[],
        };
        throttle(&ThrottlePolicy::default(), &history, now())
    }

    #[test]
    fn five_failures_lock_the_account_for_fifteen_minutes_from_the_fifth() {
        let five = ago(&[600, 500, 400, 300, 200]);
        assert_eq!(
            decide(&five, None),
            Throttle::AccountLocked {
                until: now() - TimeDelta::seconds(200) + TimeDelta::minutes(15)
            }
        );
        assert_eq!(decide(&five[..4], None), Throttle::Open);
        // The lock ends exactly fifteen minutes after the fifth failure.
        let ended = ago(&[1500, 1400, 1300, 1200, 900]);
        assert_eq!(decide(&ended, None), Throttle::Open);
        let just = ago(&[1500, 1400, 1300, 1200, 899]);
        assert!(matches!(
            decide(&just, None),
            Throttle::AccountLocked { .. }
        ));
    }

    #[test]
    fn the_window_is_fifteen_minutes_inclusive() {
        // First and fifth exactly fifteen minutes apart: one run.
        let spread = ago(&[1000, 800, 500, 300, 100]);
        assert!(matches!(
            decide(&spread, None),
            Throttle::AccountLocked { .. }
        ));
        // A second more and no five fit in any window.
        let wider = ago(&[1001, 800, 500, 300, 100]);
        assert_eq!(decide(&wider, None), Throttle::Open);
    }

    #[test]
    fn a_successful_sign_in_resets_the_account_count_but_not_the_address_count() {
        let five = ago(&[600, 500, 400, 300, 200]);
        let success = Some(now() - TimeDelta::seconds(450));
        assert_eq!(decide(&five, success), Throttle::Open);
        let history = SignInHistory {
            account_failures: &[],
            last_success: success,
            address_failures: &ago(&[5; 20]),
        };
        assert_eq!(
            throttle(&ThrottlePolicy::default(), &history, now()),
            Throttle::AddressRefused {
                until: now() - TimeDelta::seconds(5) + TimeDelta::minutes(15)
            }
        );
    }

    #[test]
    fn address_refusal_is_named_before_an_account_lock() {
        let failures = ago(&[10; 25]);
        let history = SignInHistory {
            account_failures: &failures,
            last_success: None,
            address_failures: &failures,
        };
        assert!(matches!(
            throttle(&ThrottlePolicy::default(), &history, now()),
            Throttle::AddressRefused { .. }
        ));
    }

    #[test]
    fn addresses_are_keyed_by_host_or_ipv6_network() {
        let key = |s: &str| address_key(s.parse().unwrap_or_else(|e| panic!("{s}: {e}")));
        assert_eq!(key("192.0.2.7"), "192.0.2.7");
        assert_eq!(key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2::9"), key("2001:db8:1:2:ffff::1"));
        assert_eq!(key("::1"), "0:0:0:0::/64");
    }

    proptest! {
        /// Fewer failures than the threshold never lock, however they fall.
        #[test]
        fn below_the_threshold_nothing_is_ever_locked(
            offsets in prop::collection::vec(0i64..3600, 0..5),
            address in prop::collection::vec(0i64..3600, 0..20),
        ) {
            let account = ago(&offsets);
            let address = ago(&address);
            let history = SignInHistory { account_failures: &account, last_success: None, address_failures: &address };
            prop_assert_eq!(throttle(&ThrottlePolicy::default(), &history, now()), Throttle::Open);
        }

        /// At or above the threshold within the window (and the last failure less than a
        /// lockout ago), the account is always locked; a later success always unlocks it.
        #[test]
        fn at_the_threshold_the_account_is_always_locked(
            offsets in prop::collection::vec(1i64..900, 5..12),
        ) {
            let account = ago(&offsets);
            let locked = decide(&account, None);
            let latest = account.iter().max().copied().unwrap_or_else(now);
            prop_assert_eq!(locked, Throttle::AccountLocked { until: latest + TimeDelta::minutes(15) });
            prop_assert_eq!(decide(&account, Some(latest)), Throttle::Open);
        }

        #[test]
        fn at_the_address_threshold_the_address_is_always_refused(
            offsets in prop::collection::vec(1i64..900, 20..40),
        ) {
            let address = ago(&offsets);
            let history = SignInHistory { account_failures: &[], last_success: None, address_failures: &address };
            let refused = throttle(&ThrottlePolicy::default(), &history, now());
            let latest = address.iter().max().copied().unwrap_or_else(now);
            prop_assert_eq!(refused, Throttle::AddressRefused { until: latest + TimeDelta::minutes(15) });
        }
    }
}
