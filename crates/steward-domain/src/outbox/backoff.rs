//! How long to wait before trying a message again, and how long a claim holds.

use chrono::{DateTime, Duration, Utc};

/// Attempts before a message is given up as `failed`.
pub const MAX_ATTEMPTS: i64 = 10;

/// How long a claimed message belongs to the process that claimed it. Each SMTP command times
/// out well within this, so a message still `sending` after it was left by a process that
/// stopped: it becomes `uncertain`.
pub const LEASE: Duration = Duration::minutes(15);

/// The first retry waits a minute; each later one twice as long as the one before, up to six
/// hours, so a mail server that is down for a while is not hammered.
const FIRST_WAIT_SECONDS: i64 = 60;
const LONGEST_WAIT_SECONDS: i64 = 6 * 60 * 60;

/// When to try again after `attempts` attempts have failed, the last at `failed_at`.
pub fn next_attempt_after(attempts: i64, failed_at: DateTime<Utc>) -> DateTime<Utc> {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    let wait = FIRST_WAIT_SECONDS
        .saturating_mul(1_i64 << doublings)
        .min(LONGEST_WAIT_SECONDS);
    failed_at + Duration::seconds(wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_and_are_capped() {
        let t = DateTime::<Utc>::UNIX_EPOCH;
        let waits: Vec<i64> = (1..=12)
            .map(|n| (next_attempt_after(n, t) - t).num_seconds())
            .collect();
        assert_eq!(&waits[..5], &[60, 120, 240, 480, 960]);
        assert!(waits.iter().all(|w| *w <= LONGEST_WAIT_SECONDS));
        assert_eq!(waits[11], LONGEST_WAIT_SECONDS);
        assert_eq!((next_attempt_after(0, t) - t).num_seconds(), 60);
    }
}
