//! Checking a council's whole audit chain reads every record, so the server runs one check
//! per council at a time and at most [`AT_ONCE`] in all; a request for another while they
//! run is turned away (429, try again shortly) rather than queued. The API's check and the
//! verify page share these places.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// Checks the server runs at once, whichever councils they are for.
pub const AT_ONCE: usize = 2;

/// Seconds a refused caller is told to wait.
pub const RETRY_AFTER_SECONDS: u32 = 5;

/// Why a check could not start now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Busy {
    /// The council's chain is being checked already.
    Council,
    /// The server is checking as many chains as it will at once.
    Server,
}

impl Busy {
    pub fn words(self) -> &'static str {
        match self {
            Busy::Council => {
                "the audit trail is being checked already; try again when that check has finished"
            }
            Busy::Server => {
                "the server is checking other councils' audit trails; try again in a few seconds"
            }
        }
    }
}

/// The councils whose chains are being checked.
#[derive(Default)]
pub struct Checks(Mutex<HashSet<i64>>);

/// A place in [`Checks`], given up when dropped: when the check ends, or when the request
/// that started it goes away (which also stops the check).
pub struct Running {
    checks: Arc<Checks>,
    council_id: i64,
}

impl Checks {
    pub fn start(self: &Arc<Self>, council_id: i64) -> Result<Running, Busy> {
        // A panic while the set was held leaves it as it was; the guard is still usable.
        let mut running = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if running.contains(&council_id) {
            return Err(Busy::Council);
        }
        if running.len() >= AT_ONCE {
            return Err(Busy::Server);
        }
        running.insert(council_id);
        Ok(Running {
            checks: Arc::clone(self),
            council_id,
        })
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut running = self
            .checks
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        running.remove(&self.council_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_check_per_council_and_a_few_in_all() {
        let checks = Arc::new(Checks::default());
        let first = checks.start(1).unwrap();
        assert_eq!(checks.start(1).err(), Some(Busy::Council));
        let second = checks.start(2).unwrap();
        assert_eq!(checks.start(3).err(), Some(Busy::Server));
        drop(first);
        assert!(checks.start(1).is_ok());
        drop(second);
        let again = checks.start(3);
        assert!(again.is_ok());
    }
}
