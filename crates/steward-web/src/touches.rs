//! Remembers which sessions and tokens this process has lately recorded a use of, so that
//! many requests arriving together with one session write its last use once, not each.

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;
use steward_domain::ops::sessions::TOUCH_EVERY;

/// Entries kept before old ones are swept out.
const SWEEP_AT: usize = 10_000;

#[derive(Default)]
pub struct Touches(Mutex<HashMap<String, DateTime<Utc>>>);

impl Touches {
    /// Whether the caller should write `key`'s use at `now`: true at most once per
    /// [`TOUCH_EVERY`] for each key in this process.
    pub fn claim(&self, key: &str, now: DateTime<Utc>) -> bool {
        let Ok(mut seen) = self.0.lock() else {
            // A panic elsewhere left the map unusable: writing every time is still correct.
            return true;
        };
        if seen.len() >= SWEEP_AT {
            seen.retain(|_, at| now - *at < TOUCH_EVERY);
        }
        match seen.get(key) {
            Some(at) if now - *at < TOUCH_EVERY => false,
            _ => {
                seen.insert(key.to_string(), now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_claimed_once_a_minute() {
        let t = Touches::default();
        let now = DateTime::<Utc>::UNIX_EPOCH;
        assert!(t.claim("a", now));
        assert!(!t.claim("a", now + chrono::TimeDelta::seconds(59)));
        assert!(t.claim("b", now));
        assert!(t.claim("a", now + chrono::TimeDelta::seconds(60)));
    }
}
