//! The providers' discovery documents and keys, kept per council for [`KEEP_FOR`] so that a
//! sign-in does not fetch them each time. An entry is for one issuer: settings naming another
//! issuer (from any process) miss it, and saving or removing the settings on this server
//! forgets it. A token signed with a key the kept set lacks makes the caller fetch once more
//! ([`Kept::refetch`]), since providers publish new keys before they sign with them.
//!
//! Each council has its own lock, held while its document is fetched, so many sign-ins
//! starting together with nothing kept cause one fetch, and a slow provider holds up only its
//! own council.

use chrono::{DateTime, TimeDelta, Utc};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use steward_domain::Id;

/// How long a fetched document and key set are used before they are fetched again.
pub const KEEP_FOR: TimeDelta = TimeDelta::minutes(10);

struct Entry<T> {
    issuer: String,
    fetched_at: DateTime<Utc>,
    value: Arc<T>,
}

type Slot<T> = Arc<tokio::sync::Mutex<Option<Entry<T>>>>;

/// What is kept for each council.
pub struct Kept<T> {
    councils: Mutex<HashMap<Id, Slot<T>>>,
}

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept {
            councils: Mutex::default(),
        }
    }
}

impl<T> Kept<T> {
    fn slot(&self, council: Id) -> Slot<T> {
        // A panic elsewhere while the map was held leaves it whole: entries are only added.
        let mut councils = self
            .councils
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        councils.entry(council).or_default().clone()
    }

    /// The council's kept value for `issuer` if it is younger than [`KEEP_FOR`], else what
    /// `fetch` gives (kept when it succeeds).
    pub async fn get<E, F>(
        &self,
        council: Id,
        issuer: &str,
        now: DateTime<Utc>,
        fetch: impl FnOnce() -> F,
    ) -> Result<Arc<T>, E>
    where
        F: Future<Output = Result<T, E>>,
    {
        let slot = self.slot(council);
        let mut held = slot.lock().await;
        if let Some(entry) = held.as_ref()
            && entry.issuer == issuer
            && now >= entry.fetched_at
            && now - entry.fetched_at < KEEP_FOR
        {
            return Ok(entry.value.clone());
        }
        fetch_into(&mut held, issuer, now, fetch).await
    }

    /// Fetches again because `stale` (what the caller was given) lacked something, unless
    /// another sign-in has already replaced it, when that is the answer.
    pub async fn refetch<E, F>(
        &self,
        council: Id,
        issuer: &str,
        now: DateTime<Utc>,
        stale: &Arc<T>,
        fetch: impl FnOnce() -> F,
    ) -> Result<Arc<T>, E>
    where
        F: Future<Output = Result<T, E>>,
    {
        let slot = self.slot(council);
        let mut held = slot.lock().await;
        if let Some(entry) = held.as_ref()
            && entry.issuer == issuer
            && !Arc::ptr_eq(&entry.value, stale)
        {
            return Ok(entry.value.clone());
        }
        fetch_into(&mut held, issuer, now, fetch).await
    }

    /// Forgets the council's value: its settings have changed.
    pub async fn forget(&self, council: Id) {
        let slot = self.slot(council);
        *slot.lock().await = None;
    }
}

async fn fetch_into<T, E, F>(
    held: &mut Option<Entry<T>>,
    issuer: &str,
    now: DateTime<Utc>,
    fetch: impl FnOnce() -> F,
) -> Result<Arc<T>, E>
where
    F: Future<Output = Result<T, E>>,
{
    let value = Arc::new(fetch().await?);
    *held = Some(Entry {
        issuer: issuer.to_string(),
        fetched_at: now,
        value: value.clone(),
    });
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 5, 20, 9, minute, 0).unwrap()
    }

    #[tokio::test]
    async fn kept_for_ten_minutes_per_council_and_issuer_and_forgotten_on_change() {
        let kept: Kept<usize> = Kept::default();
        let fetches = AtomicUsize::new(0);
        let fetch = || async { Ok::<_, ()>(fetches.fetch_add(1, Ordering::SeqCst) + 1) };
        let one = Id::from(1);
        assert_eq!(*kept.get(one, "a", at(0), fetch).await.unwrap(), 1);
        assert_eq!(*kept.get(one, "a", at(9), fetch).await.unwrap(), 1);
        // Another council, another issuer, and ten minutes on each fetch again.
        assert_eq!(*kept.get(Id::from(2), "a", at(9), fetch).await.unwrap(), 2);
        assert_eq!(*kept.get(one, "b", at(9), fetch).await.unwrap(), 3);
        assert_eq!(*kept.get(one, "b", at(19), fetch).await.unwrap(), 4);
        kept.forget(one).await;
        assert_eq!(*kept.get(one, "b", at(20), fetch).await.unwrap(), 5);
        // A failed fetch keeps nothing.
        kept.forget(one).await;
        let failed: Result<Arc<usize>, ()> = kept.get(one, "b", at(20), || async { Err(()) }).await;
        assert!(failed.is_err());
        assert_eq!(*kept.get(one, "b", at(20), fetch).await.unwrap(), 6);
    }

    #[tokio::test]
    async fn a_refetch_after_another_has_refetched_takes_its_answer() {
        let kept: Kept<usize> = Kept::default();
        let fetches = AtomicUsize::new(0);
        let fetch = || async { Ok::<_, ()>(fetches.fetch_add(1, Ordering::SeqCst) + 1) };
        let one = Id::from(1);
        let stale = kept.get(one, "a", at(0), fetch).await.unwrap();
        let fresh = kept.refetch(one, "a", at(1), &stale, fetch).await.unwrap();
        assert_eq!(*fresh, 2);
        let again = kept.refetch(one, "a", at(1), &stale, fetch).await.unwrap();
        assert_eq!(
            *again, 2,
            "the second sign-in with the stale set does not fetch"
        );
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
    }
}
