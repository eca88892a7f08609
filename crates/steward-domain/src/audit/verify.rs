//! Checking a chain: every hash, every link, no gaps, nothing removed from the end, and no
//! data erased without a record saying so.

use super::hashing::{HexHash, data_digest_hex, hex_text, view_hash_hex};
use super::{AuditRecord, ERASE_ACTION, GENESIS, RecordView, TimeBuf};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "problem")]
pub enum ChainProblem {
    /// The record's contents no longer match its hash.
    Altered { seq: i64 },
    /// The record's data no longer matches the digest its hash covers.
    DataAltered { seq: i64 },
    /// A record is missing: the sequence jumps.
    Missing { expected_seq: i64, found_seq: i64 },
    /// Records are out of order or a record was moved.
    Reordered { seq: i64 },
    /// The record does not point at the record before it.
    BrokenLink { seq: i64 },
    /// The chain is shorter than the council's recorded head.
    Truncated { last_seq: i64, head_seq: i64 },
    /// The record's data was removed, but no erasure record names it.
    ErasedWithoutRecord { seq: i64 },
    /// A line of an exported chain could not be read as a record.
    Unreadable { line: u64, message: String },
}

impl std::fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainProblem::Altered { seq } => {
                write!(
                    f,
                    "record {seq} was altered: its contents no longer match its hash"
                )
            }
            ChainProblem::DataAltered { seq } => write!(
                f,
                "record {seq} was altered: its before/after data no longer match its digest"
            ),
            ChainProblem::Missing {
                expected_seq,
                found_seq,
            } => write!(
                f,
                "record {expected_seq} was removed: the chain jumps from {} to {found_seq}",
                expected_seq - 1
            ),
            ChainProblem::Reordered { seq } => {
                write!(f, "record {seq} is out of order: records were reordered")
            }
            ChainProblem::BrokenLink { seq } => write!(
                f,
                "record {seq} does not follow the record before it: a record was replaced or removed"
            ),
            ChainProblem::Truncated { last_seq, head_seq } => write!(
                f,
                "records after {last_seq} were removed: the council's chain reached {head_seq}"
            ),
            ChainProblem::ErasedWithoutRecord { seq } => write!(
                f,
                "record {seq} had its data removed, but no {ERASE_ACTION} record names it on that day"
            ),
            ChainProblem::Unreadable { line, message } => {
                write!(f, "line {line} is not a readable audit record: {message}")
            }
        }
    }
}

/// Checks records in the order the store returns them (by seq). Returns the number of records
/// checked, or the first problem found. `head_seq` is the last sequence number the council's
/// row says was written, which catches removal of the newest records.
pub fn verify_chain<'a>(
    records: impl IntoIterator<Item = &'a AuditRecord>,
    head_seq: Option<i64>,
) -> Result<i64, ChainProblem> {
    let mut verifier = ChainVerifier::default();
    for record in records {
        if verifier.push(record).is_err() {
            break;
        }
    }
    verifier.finish(head_seq)
}

/// A record whose hash is right for a nearby sequence number was moved, not edited.
fn hashes_under_other_seq(v: &RecordView<'_>) -> bool {
    (v.seq.saturating_sub(64)..=v.seq.saturating_add(64))
        .filter(|seq| *seq != v.seq && *seq > 0)
        .any(|seq| view_hash_hex(v, seq).as_slice() == v.hash.as_bytes())
}

/// What can be checked of one record on its own: its hash, and its data against the digest
/// the hash covers. Computing this is most of a check's work, and needs nothing from the
/// records before it, so it can be done for many records at once.
pub(crate) struct Local {
    hash: Result<HexHash, ChainProblem>,
    data_intact: bool,
}

impl Local {
    pub(crate) fn of(v: &RecordView<'_>) -> Local {
        let hash = view_hash_hex(v, v.seq);
        let hash = if hash.as_slice() == v.hash.as_bytes() {
            Ok(hash)
        } else if hashes_under_other_seq(v) {
            Err(ChainProblem::Reordered { seq: v.seq })
        } else {
            Err(ChainProblem::Altered { seq: v.seq })
        };
        // Erasure removes the data but keeps the digest the hash covers.
        let data_intact = match v.erased_on {
            Some(_) => v.before.is_none() && v.after.is_none(),
            None => data_digest_hex(v.before, v.after).as_slice() == v.data_digest.as_bytes(),
        };
        Local { hash, data_intact }
    }
}

/// Below this many records a batch is hashed on the calling thread alone: starting threads
/// would cost more than they save.
const SPLIT_FROM: usize = 1_024;

/// Each record's own hashes, shared between up to `workers` threads.
fn locals_of(views: &[RecordView<'_>], workers: usize) -> Vec<Local> {
    if workers < 2 || views.len() < SPLIT_FROM {
        return views.iter().map(Local::of).collect();
    }
    let share = views.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let mut parts = views.chunks(share);
        let first = parts.next().unwrap_or_default();
        let others: Vec<_> = parts
            .map(|part| scope.spawn(|| part.iter().map(Local::of).collect::<Vec<_>>()))
            .collect();
        let mut out: Vec<Local> = first.iter().map(Local::of).collect();
        for handle in others {
            match handle.join() {
                Ok(mut part) => out.append(&mut part),
                // A helper only hashes; if it died, its panic is ours.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

/// What a whole check found.
#[derive(Clone, Debug, PartialEq)]
pub struct ChainReport {
    /// The number of records checked, or the first problem.
    pub outcome: Result<i64, ChainProblem>,
    /// The last sequence number known good: everything up to it verified.
    pub verified_through: i64,
    /// The council the records belong to (None for an empty chain).
    pub council_id: Option<i64>,
    /// The hash found at each watched sequence number that was reached, in seq order.
    pub observed: Vec<(i64, String)>,
}

impl ChainReport {
    pub fn hash_at(&self, seq: i64) -> Option<&str> {
        if seq == 0 {
            return Some(GENESIS);
        }
        self.observed
            .binary_search_by_key(&seq, |(s, _)| *s)
            .ok()
            .and_then(|i| self.observed.get(i))
            .map(|(_, h)| h.as_str())
    }
}

/// Incremental form of [`verify_chain`] for streaming large chains. After the first problem,
/// further records are ignored and [`ChainVerifier::finish`] returns that problem.
#[derive(Default)]
pub struct ChainVerifier {
    council_id: Option<i64>,
    last_seq: i64,
    last_hash: Option<HexHash>,
    watch: Vec<i64>,
    next_watch: usize,
    observed: Vec<(i64, String)>,
    /// Erased records not yet named by an erasure record; it comes later in the chain.
    unaccounted: BTreeMap<i64, NaiveDate>,
    failed: Option<ChainProblem>,
    time: TimeBuf,
}

#[derive(Deserialize)]
struct ErasedList {
    seqs: Vec<i64>,
    erased_on: NaiveDate,
}

impl ChainVerifier {
    /// Also notes the hash at each of these sequence numbers (for signed checkpoints).
    pub fn watching(seqs: impl IntoIterator<Item = i64>) -> ChainVerifier {
        let mut watch: Vec<i64> = seqs.into_iter().filter(|s| *s > 0).collect();
        watch.sort_unstable();
        watch.dedup();
        ChainVerifier {
            watch,
            ..ChainVerifier::default()
        }
    }

    pub fn push(&mut self, record: &AuditRecord) -> Result<(), ChainProblem> {
        let mut time = std::mem::take(&mut self.time);
        let result = self.push_view(&record.view(&mut time));
        self.time = time;
        result
    }

    /// Records that a record could not even be read; the check stops there.
    pub fn fail(&mut self, problem: ChainProblem) -> ChainProblem {
        if self.failed.is_none() {
            self.failed = Some(problem.clone());
        }
        problem
    }

    pub fn push_view(&mut self, v: &RecordView<'_>) -> Result<(), ChainProblem> {
        if let Some(problem) = &self.failed {
            return Err(problem.clone());
        }
        self.check(v).map_err(|problem| self.fail(problem))
    }

    /// Checks a record whose own hashes were already computed (see [`Local::of`]), possibly
    /// on another thread; the links between records are checked here, in order.
    pub(crate) fn push_checked(
        &mut self,
        v: &RecordView<'_>,
        local: Local,
    ) -> Result<(), ChainProblem> {
        if let Some(problem) = &self.failed {
            return Err(problem.clone());
        }
        self.link(v, local).map_err(|problem| self.fail(problem))
    }

    /// Checks `views` in order, their own hashes computed on up to `workers` threads at once
    /// (the links between them on this one), so a batch read from a database is checked as
    /// fast as the machine's cores allow. The first problem is the first in order, however the
    /// work was shared.
    pub fn push_views(
        &mut self,
        views: &[RecordView<'_>],
        workers: usize,
    ) -> Result<(), ChainProblem> {
        if let Some(problem) = &self.failed {
            return Err(problem.clone());
        }
        for (v, local) in views.iter().zip(locals_of(views, workers)) {
            self.push_checked(v, local)?;
        }
        Ok(())
    }

    fn check(&mut self, v: &RecordView<'_>) -> Result<(), ChainProblem> {
        self.link(v, Local::of(v))
    }

    fn link(&mut self, v: &RecordView<'_>, local: Local) -> Result<(), ChainProblem> {
        let seq = v.seq;
        let hash = local.hash?;
        if *self.council_id.get_or_insert(v.council_id) != v.council_id {
            return Err(ChainProblem::Altered { seq });
        }
        if !local.data_intact {
            return Err(ChainProblem::DataAltered { seq });
        }
        let expected_seq = self.last_seq + 1;
        if seq < expected_seq {
            return Err(ChainProblem::Reordered { seq });
        }
        if seq > expected_seq {
            return Err(ChainProblem::Missing {
                expected_seq,
                found_seq: seq,
            });
        }
        let prev = match &self.last_hash {
            Some(h) => h.as_slice(),
            None => GENESIS.as_bytes(),
        };
        if v.prev_hash.as_bytes() != prev {
            return Err(ChainProblem::BrokenLink { seq });
        }
        if let Some(day) = v.erased_on {
            self.unaccounted.insert(seq, day);
        }
        if v.action == ERASE_ACTION
            && let Some(list) = v
                .after
                .and_then(|a| serde_json::from_str::<ErasedList>(a).ok())
        {
            for erased in list.seqs {
                // The day is not hashed, so it must agree with the record of the erasure.
                if self.unaccounted.get(&erased) == Some(&list.erased_on) {
                    self.unaccounted.remove(&erased);
                }
            }
        }
        if self.watch.get(self.next_watch) == Some(&seq) {
            self.observed.push((seq, hex_text(&hash)));
            self.next_watch += 1;
        }
        self.last_seq = seq;
        self.last_hash = Some(hash);
        Ok(())
    }

    /// The last sequence number checked and found good.
    pub fn verified_through(&self) -> i64 {
        self.last_seq
    }

    pub fn finish(self, head_seq: Option<i64>) -> Result<i64, ChainProblem> {
        self.report(head_seq).outcome
    }

    pub fn report(self, head_seq: Option<i64>) -> ChainReport {
        let outcome = match (self.failed, head_seq) {
            (Some(problem), _) => Err(problem),
            (None, Some(head)) if head > self.last_seq => Err(ChainProblem::Truncated {
                last_seq: self.last_seq,
                head_seq: head,
            }),
            (None, _) => match self.unaccounted.keys().next() {
                Some(&seq) => Err(ChainProblem::ErasedWithoutRecord { seq }),
                None => Ok(self.last_seq),
            },
        };
        ChainReport {
            outcome,
            verified_through: self.last_seq,
            council_id: self.council_id,
            observed: self.observed,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::records::AuditEvent;
    use chrono::{NaiveDate, TimeZone, Utc};

    pub(crate) fn chain(n: i64) -> Vec<AuditRecord> {
        let mut out: Vec<AuditRecord> = Vec::new();
        for i in 0..n {
            let at =
                Utc.with_ymd_and_hms(2027, 1, 1, 9, 0, 0).unwrap() + chrono::Duration::seconds(i);
            let event = AuditEvent {
                action: "person.add".into(),
                entity: "person".into(),
                entity_id: format!("M{i}"),
                before: None,
                after: Some(serde_json::json!({ "name": format!("Person {i}") })),
            };
            let prev = out.last().map(|r| (r.seq, r.hash.as_str()));
            let rec = AuditRecord::chain(7, prev, at, "cli:test", &event);
            out.push(rec);
        }
        out
    }

    #[test]
    fn intact_chain_verifies() {
        let records = chain(20);
        assert_eq!(verify_chain(&records, Some(20)), Ok(20));
        assert_eq!(verify_chain(&[], None), Ok(0));
    }

    #[test]
    fn every_kind_of_tampering_is_named() {
        let base = chain(10);

        let mut edited = base.clone();
        edited[4].actor = "someone else".into();
        assert_eq!(
            verify_chain(&edited, Some(10)),
            Err(ChainProblem::Altered { seq: 5 })
        );

        let mut data = base.clone();
        data[2].after = Some("{\"name\":\"Changed\"}".into());
        assert_eq!(
            verify_chain(&data, Some(10)),
            Err(ChainProblem::DataAltered { seq: 3 })
        );

        let mut removed = base.clone();
        removed.remove(6);
        assert_eq!(
            verify_chain(&removed, Some(10)),
            Err(ChainProblem::Missing {
                expected_seq: 7,
                found_seq: 8
            })
        );

        // Reordering in a table means renumbering: swap two records' sequence numbers.
        let mut swapped = base.clone();
        swapped[3].seq = 5;
        swapped[4].seq = 4;
        swapped.sort_by_key(|r| r.seq);
        assert_eq!(
            verify_chain(&swapped, Some(10)),
            Err(ChainProblem::Reordered { seq: 4 })
        );

        let truncated = &base[..8];
        assert_eq!(
            verify_chain(truncated, Some(10)),
            Err(ChainProblem::Truncated {
                last_seq: 8,
                head_seq: 10
            })
        );
    }

    #[test]
    fn tampering_at_any_position_is_detected() {
        let n = 12;
        let base = chain(n);
        for i in 0..base.len() {
            let mut edited = base.clone();
            edited[i].entity_id.push('x');
            assert!(verify_chain(&edited, Some(n)).is_err(), "edit at {i}");

            let mut data = base.clone();
            data[i].after = Some("{\"name\":\"someone else\"}".into());
            assert!(verify_chain(&data, Some(n)).is_err(), "data changed at {i}");

            let mut removed = base.clone();
            removed.remove(i);
            assert!(verify_chain(&removed, Some(n)).is_err(), "removal at {i}");

            for j in 0..base.len() {
                if i == j {
                    continue;
                }
                let mut swapped = base.clone();
                let (a, b) = (swapped[i].seq, swapped[j].seq);
                swapped[i].seq = b;
                swapped[j].seq = a;
                swapped.sort_by_key(|r| r.seq);
                assert!(
                    verify_chain(&swapped, Some(n)).is_err(),
                    "swap of {i} and {j}"
                );
            }
        }
    }

    #[test]
    fn rehashing_an_edit_still_breaks_the_next_link() {
        let mut records = chain(5);
        records[1].actor = "forger".into();
        records[1].hash = records[1].expected_hash();
        assert_eq!(
            verify_chain(&records, Some(5)),
            Err(ChainProblem::BrokenLink { seq: 3 })
        );
    }

    fn erase(records: &mut [AuditRecord], seqs: &[i64]) {
        for r in records.iter_mut().filter(|r| seqs.contains(&r.seq)) {
            r.before = None;
            r.after = None;
            r.erased_on = NaiveDate::from_ymd_opt(2034, 1, 1);
        }
    }

    fn with_erasure_record(mut records: Vec<AuditRecord>, seqs: &[i64]) -> Vec<AuditRecord> {
        let last = records.last().map(|r| (r.seq, r.hash.clone()));
        let event = AuditEvent {
            action: ERASE_ACTION.into(),
            entity: "audit".into(),
            entity_id: "7".into(),
            before: None,
            after: Some(serde_json::json!({ "seqs": seqs, "erased_on": "2034-01-01" })),
        };
        let at = Utc.with_ymd_and_hms(2034, 1, 1, 0, 0, 0).unwrap();
        let prev = last.as_ref().map(|(s, h)| (*s, h.as_str()));
        records.push(AuditRecord::chain(7, prev, at, "retention", &event));
        records
    }

    #[test]
    fn erased_data_still_verifies_when_an_erasure_record_names_it() {
        let mut records = with_erasure_record(chain(6), &[2, 4]);
        erase(&mut records, &[2, 4]);
        assert_eq!(verify_chain(&records, Some(7)), Ok(7));
    }

    #[test]
    fn erasure_without_its_record_is_detected() {
        let mut records = with_erasure_record(chain(6), &[2]);
        erase(&mut records, &[2, 5]);
        assert_eq!(
            verify_chain(&records, Some(7)),
            Err(ChainProblem::ErasedWithoutRecord { seq: 5 })
        );
    }

    #[test]
    fn an_erased_record_with_data_put_back_differently_is_detected() {
        let mut records = with_erasure_record(chain(4), &[3]);
        erase(&mut records, &[3]);
        records[2].after = Some("{\"name\":\"Forged\"}".into());
        assert_eq!(
            verify_chain(&records, Some(5)),
            Err(ChainProblem::DataAltered { seq: 3 })
        );
    }

    #[test]
    fn batches_checked_on_several_threads_find_the_first_problem() {
        let mut records = chain(5_000);
        records[3_500].actor = "forger".into();
        records[1_200].entity_id.push('x');
        let mut times = vec![TimeBuf::default(); records.len()];
        let views: Vec<RecordView<'_>> = records
            .iter()
            .zip(times.iter_mut())
            .map(|(r, t)| r.view(t))
            .collect();
        for workers in [1, 2, 3] {
            let mut verifier = ChainVerifier::default();
            assert_eq!(
                verifier.push_views(&views[..1_000], workers),
                Ok(()),
                "{workers}"
            );
            assert_eq!(
                verifier.push_views(&views[1_000..], workers),
                Err(ChainProblem::Altered { seq: 1_201 }),
                "{workers}"
            );
            assert_eq!(verifier.verified_through(), 1_200);
        }
        let mut verifier = ChainVerifier::default();
        assert_eq!(verifier.push_views(&views[..1_200], 2), Ok(()));
        assert_eq!(verifier.report(Some(5_000)).verified_through, 1_200);
    }

    #[test]
    fn watched_hashes_are_reported() {
        let records = chain(5);
        let mut verifier = ChainVerifier::watching([2, 5, 9]);
        for r in &records {
            verifier.push(r).unwrap();
        }
        let report = verifier.report(Some(5));
        assert_eq!(report.outcome, Ok(5));
        assert_eq!(report.hash_at(2), Some(records[1].hash.as_str()));
        assert_eq!(report.hash_at(5), Some(records[4].hash.as_str()));
        assert_eq!(report.hash_at(9), None);
        assert_eq!(report.hash_at(0), Some(GENESIS));
    }
}
