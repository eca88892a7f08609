//! Reports already computed, kept by the process that serves pages.
//!
//! A report depends only on the council, the day, the policy version in force and the
//! register; every change to the register appends an audit record in its own transaction, so
//! the council's audit head names the register's state. The key is read from the database in
//! the same read transaction that would compute the report, which keeps it right when several
//! servers share one database: a change made through any of them moves the head.

use super::set::DueSet;
use crate::records::Id;
use chrono::NaiveDate;
use std::sync::{Arc, Mutex};

/// Reports kept at once; more days or councils than this are computed again when asked.
const KEPT: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheKey {
    pub council_id: Id,
    pub day: NaiveDate,
    pub head: i64,
    pub version_id: Option<Id>,
}

/// The most recently used reports, newest first.
#[derive(Default)]
pub struct DueCache {
    kept: Mutex<Vec<(CacheKey, Arc<DueSet>)>>,
}

impl DueCache {
    pub fn get(&self, key: &CacheKey) -> Option<Arc<DueSet>> {
        let mut kept = self.kept.lock().ok()?;
        let at = kept.iter().position(|(k, _)| k == key)?;
        let hit = kept.remove(at);
        let set = hit.1.clone();
        kept.insert(0, hit);
        Some(set)
    }

    /// Keeps `set` for `key`, dropping reports of the same council and day at an older head
    /// (only a read that began before the change could still ask for one, and it computes its
    /// own) and the least used beyond [`KEPT`].
    pub fn put(&self, key: CacheKey, set: Arc<DueSet>) {
        let Ok(mut kept) = self.kept.lock() else {
            // A panic elsewhere poisoned the lock: computing every time is still correct.
            return;
        };
        kept.retain(|(k, _)| {
            !(k.council_id == key.council_id && k.day == key.day && k.head <= key.head)
        });
        kept.insert(0, (key, set));
        kept.truncate(KEPT);
    }

    /// How many reports are kept, for tests.
    pub fn len(&self) -> usize {
        self.kept.lock().map_or(0, |k| k.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
