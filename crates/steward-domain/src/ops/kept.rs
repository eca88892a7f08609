//! Counts of long lists, kept by the process that serves pages so that a page of a list costs
//! the same whatever the register's size.
//!
//! A count depends only on the council, the day, the policy version in force and the
//! register; every change to the register appends an audit record in its own transaction, so
//! the council's audit head names the register's state, as for the due report (see
//! [`super::due::cache`]). The key is read in the same read transaction that would count, so
//! a change made through any server sharing the database moves it. Only a list's unsearched
//! figures are kept: a search narrows the rows through its index before they are counted.

use super::due::cache::CacheKey;
use super::due::repo::DueKey;
use crate::listing::Total;
use crate::outbox::MessageState;
use crate::records::Id;
use chrono::NaiveDate;
use std::sync::Mutex;
use steward_policy::{EquipmentKind, EquipmentState, PersonKind};

/// Counts kept at once; a count dropped is counted again when asked.
const KEPT: usize = 64;

/// Which figure a count is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Counted {
    /// Everyone the policy in force covers who is in office.
    SignaturesCovered,
    /// Those of them who still need to sign.
    SignaturesOutstanding,
    /// Loans not yet returned.
    LoansOpen,
    /// Open loans past their return-by date.
    LoansOverdue,
    /// Open loans due back within the week.
    LoansDueThisWeek,
    /// Every loan, ended or not.
    LoansAll,
    /// The people list with these filters, on the key's day.
    People {
        kind: Option<PersonKind>,
        in_office: Option<bool>,
    },
    /// The equipment list with these filters.
    Equipment {
        kind: Option<EquipmentKind>,
        state: Option<EquipmentState>,
    },
    /// Every message in the outbox, up to the list's cap. A sender claiming a message changes
    /// its state without an audit record, so only counts no claim can move are kept: this
    /// one, and those of the states that wait for an officer.
    Messages,
    /// Messages in a state that waits for an officer (failed, uncertain, no address): each
    /// is entered, and left, by an audited change.
    MessagesIn(MessageState),
}

/// What a kept count stands for: the figure, the council, the day, the audit head and the
/// policy version in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CountKey {
    pub counted: Counted,
    pub at: CacheKey,
}

impl CountKey {
    pub fn new(counted: Counted, council_id: Id, day: NaiveDate, key: DueKey) -> CountKey {
        CountKey {
            counted,
            at: CacheKey {
                council_id,
                day,
                head: key.head,
                version_id: key.version_id,
            },
        }
    }
}

/// A list's count to be taken from `counts` when kept for the register's state on `day`: the
/// store reads the register's key in the page's own statement, and counts (and keeps the
/// count) only when it is not kept.
#[derive(Clone, Copy)]
pub struct KeptCount<'a> {
    pub counts: &'a KeptCounts,
    pub counted: Counted,
    pub day: NaiveDate,
}

impl KeptCount<'_> {
    /// The key the count is kept under, once the register's key is read.
    pub fn key(&self, council_id: Id, at: DueKey) -> CountKey {
        CountKey::new(self.counted, council_id, self.day, at)
    }
}

/// The most recently used counts, newest first.
#[derive(Default)]
pub struct KeptCounts {
    kept: Mutex<Vec<(CountKey, Total)>>,
}

impl KeptCounts {
    pub fn get(&self, key: &CountKey) -> Option<Total> {
        let mut kept = self.kept.lock().ok()?;
        let at = kept.iter().position(|(k, _)| k == key)?;
        let hit = kept.remove(at);
        let total = hit.1;
        kept.insert(0, hit);
        Some(total)
    }

    /// Keeps `total` for `key`, dropping the same figure of the same council and day at an
    /// older head, and the least used beyond [`KEPT`].
    pub fn put(&self, key: CountKey, total: Total) {
        let Ok(mut kept) = self.kept.lock() else {
            // A panic elsewhere poisoned the lock: counting every time is still correct.
            return;
        };
        kept.retain(|(k, _)| {
            !(k.counted == key.counted
                && k.at.council_id == key.at.council_id
                && k.at.day == key.at.day
                && k.at.head <= key.at.head)
        });
        kept.insert(0, (key, total));
        kept.truncate(KEPT);
    }

    /// How many counts are kept, for tests.
    pub fn len(&self) -> usize {
        self.kept.lock().map_or(0, |k| k.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The count for `key`, or `count`'s answer, kept for next time.
    pub async fn get_or<E, F>(&self, key: CountKey, count: F) -> Result<Total, E>
    where
        F: Future<Output = Result<Total, E>>,
    {
        if let Some(total) = self.get(&key) {
            return Ok(total);
        }
        let total = count.await?;
        self.put(key, total);
        Ok(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(counted: Counted, head: i64) -> CountKey {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        CountKey::new(
            counted,
            1,
            day,
            DueKey {
                head,
                version_id: Some(3),
            },
        )
    }

    #[test]
    fn a_count_is_kept_for_its_head_only() {
        let kept = KeptCounts::default();
        kept.put(key(Counted::LoansOpen, 10), Total::Exactly(7));
        assert_eq!(
            kept.get(&key(Counted::LoansOpen, 10)),
            Some(Total::Exactly(7))
        );
        assert_eq!(kept.get(&key(Counted::LoansOpen, 11)), None);
        assert_eq!(kept.get(&key(Counted::LoansOverdue, 10)), None);
        // A newer head replaces the older count of the same figure, not the others.
        kept.put(key(Counted::LoansOverdue, 10), Total::Exactly(2));
        kept.put(key(Counted::LoansOpen, 11), Total::Exactly(8));
        assert_eq!(kept.get(&key(Counted::LoansOpen, 10)), None);
        assert_eq!(
            kept.get(&key(Counted::LoansOverdue, 10)),
            Some(Total::Exactly(2))
        );
        assert_eq!(kept.len(), 2);
    }

    #[test]
    fn no_more_than_the_limit_are_kept() {
        let kept = KeptCounts::default();
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        for council in 0..(KEPT as i64 + 10) {
            let k = CountKey::new(
                Counted::SignaturesCovered,
                council,
                day,
                DueKey {
                    head: 1,
                    version_id: None,
                },
            );
            kept.put(k, Total::Exactly(1));
        }
        assert_eq!(kept.len(), KEPT);
    }
}
