//! How many sign-ins at the identity provider may be under way at once: per client address,
//! so one machine cannot start them in a flood, and per council, so that many machines
//! together cannot fill the table of attempts. An attempt is open from when it starts until
//! the browser comes back with it or it expires ([`super::ATTEMPT_LIFETIME`]), so a bound on
//! open attempts is also a rate: at most that many starts in any ten minutes.

use super::ATTEMPT_LIFETIME;
use chrono::{DateTime, Utc};

/// The bounds. These protect the server rather than say anything about a council, so they
/// are the server's, not the policy pack's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StartLimits {
    /// Open attempts from one client address (an IPv4 address, or an IPv6 /64).
    pub per_address: u64,
    /// Open attempts in one council, from every address.
    pub per_council: u64,
}

impl Default for StartLimits {
    /// Twenty from one address allows a shared office connection a busy morning; two
    /// thousand in a council is more than any council's staff start in ten minutes.
    fn default() -> Self {
        StartLimits {
            per_address: 20,
            per_council: 2000,
        }
    }
}

/// The attempts already open: how many, and when the oldest began.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenAttempts {
    pub count: u64,
    pub oldest: Option<DateTime<Utc>>,
}

/// Why a sign-in may not start now, and when one may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StartLimited {
    #[error("too many sign-ins have been started from this address")]
    Address { until: DateTime<Utc> },
    #[error("too many sign-ins are under way in this council")]
    Council { until: DateTime<Utc> },
}

impl StartLimited {
    /// When the oldest of the attempts in the way expires, making room for one more.
    pub fn until(&self) -> DateTime<Utc> {
        match self {
            StartLimited::Address { until } | StartLimited::Council { until } => *until,
        }
    }
}

/// Whether one more attempt may start, given those open from the same address and in the
/// whole council (expired ones already cleared).
pub fn may_start(
    limits: &StartLimits,
    from_address: OpenAttempts,
    in_council: OpenAttempts,
    now: DateTime<Utc>,
) -> Result<(), StartLimited> {
    let until = |open: OpenAttempts| open.oldest.unwrap_or(now) + ATTEMPT_LIFETIME;
    if from_address.count >= limits.per_address {
        return Err(StartLimited::Address {
            until: until(from_address),
        });
    }
    if in_council.count >= limits.per_council {
        return Err(StartLimited::Council {
            until: until(in_council),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 5, 20, 9, minute, 0).unwrap()
    }

    fn open(count: u64, oldest: u32) -> OpenAttempts {
        OpenAttempts {
            count,
            oldest: Some(at(oldest)),
        }
    }

    #[test]
    fn an_address_or_a_council_at_its_bound_waits_for_the_oldest_to_expire() {
        let limits = StartLimits {
            per_address: 3,
            per_council: 5,
        };
        assert_eq!(may_start(&limits, open(2, 1), open(4, 0), at(5)), Ok(()));
        assert_eq!(
            may_start(&limits, open(3, 1), open(4, 0), at(5)),
            Err(StartLimited::Address { until: at(11) })
        );
        assert_eq!(
            may_start(&limits, open(0, 1), open(5, 0), at(5)),
            Err(StartLimited::Council { until: at(10) })
        );
        assert_eq!(
            may_start(
                &limits,
                OpenAttempts::default(),
                OpenAttempts::default(),
                at(5)
            ),
            Ok(())
        );
    }
}
