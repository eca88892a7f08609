//! The audit chain: each record commits to the one before it, so any edit, removal or
//! reordering breaks every hash after it.
//!
//! A record's hash covers a digest of its before/after data rather than the data itself, so
//! personal data can later be erased under a retention rule without breaking the chain.

use crate::records::AuditEvent;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash the first record of every council's chain points back to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub council_id: i64,
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// JSON text exactly as stored; hashing works on the stored text, not a re-serialisation.
    pub before: Option<String>,
    pub after: Option<String>,
    pub data_digest: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The canonical timestamp text, fixed to microseconds so both databases round-trip it.
pub fn timestamp_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn field(h: &mut Sha256, bytes: &[u8]) {
    // Length-prefixing keeps ("ab","c") and ("a","bc") apart.
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

pub fn data_digest(before: Option<&str>, after: Option<&str>) -> String {
    let mut h = Sha256::new();
    for part in [before, after] {
        match part {
            Some(text) => {
                h.update([1]);
                field(&mut h, text.as_bytes());
            }
            None => h.update([0]),
        }
    }
    hex::encode(h.finalize())
}

#[allow(clippy::too_many_arguments)]
pub fn record_hash(
    council_id: i64,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    data_digest: &str,
    prev_hash: &str,
) -> String {
    let mut h = Sha256::new();
    h.update(b"steward-audit-v1");
    h.update(council_id.to_be_bytes());
    h.update(seq.to_be_bytes());
    for text in [at, actor, action, entity, entity_id, data_digest, prev_hash] {
        field(&mut h, text.as_bytes());
    }
    hex::encode(h.finalize())
}

impl AuditRecord {
    /// Chains a new event after `prev` (the previous record's seq and hash, or none for the first).
    pub fn chain(
        council_id: i64,
        prev: Option<(i64, &str)>,
        at: DateTime<Utc>,
        actor: &str,
        event: &AuditEvent,
    ) -> AuditRecord {
        let (seq, prev_hash) = match prev {
            Some((seq, hash)) => (seq + 1, hash.to_string()),
            None => (1, GENESIS.to_string()),
        };
        let before = event.before.as_ref().map(|v| v.to_string());
        let after = event.after.as_ref().map(|v| v.to_string());
        let digest = data_digest(before.as_deref(), after.as_deref());
        // Parse back what we print so the stored timestamp is exactly the hashed one.
        let at_text = timestamp_text(at);
        let at = DateTime::parse_from_rfc3339(&at_text)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(at);
        let hash = record_hash(
            council_id,
            seq,
            &at_text,
            actor,
            &event.action,
            &event.entity,
            &event.entity_id,
            &digest,
            &prev_hash,
        );
        AuditRecord {
            council_id,
            seq,
            at,
            actor: actor.to_string(),
            action: event.action.clone(),
            entity: event.entity.clone(),
            entity_id: event.entity_id.clone(),
            before,
            after,
            data_digest: digest,
            prev_hash,
            hash,
        }
    }

    fn expected_hash(&self) -> String {
        record_hash(
            self.council_id,
            self.seq,
            &timestamp_text(self.at),
            &self.actor,
            &self.action,
            &self.entity,
            &self.entity_id,
            &self.data_digest,
            &self.prev_hash,
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
        verifier.push(record)?;
    }
    verifier.finish(head_seq)
}

/// A record whose hash is right for a nearby sequence number was moved, not edited.
fn hashes_under_other_seq(record: &AuditRecord) -> bool {
    let at = timestamp_text(record.at);
    (record.seq - 64..=record.seq + 64)
        .filter(|seq| *seq != record.seq && *seq > 0)
        .any(|seq| {
            record_hash(
                record.council_id,
                seq,
                &at,
                &record.actor,
                &record.action,
                &record.entity,
                &record.entity_id,
                &record.data_digest,
                &record.prev_hash,
            ) == record.hash
        })
}

/// Incremental form of [`verify_chain`] for streaming large chains.
#[derive(Default)]
pub struct ChainVerifier {
    last_seq: i64,
    last_hash: Option<String>,
}

impl ChainVerifier {
    pub fn push(&mut self, record: &AuditRecord) -> Result<(), ChainProblem> {
        let expected_seq = self.last_seq + 1;
        let prev = self.last_hash.as_deref().unwrap_or(GENESIS);
        if record.expected_hash() != record.hash {
            return Err(if hashes_under_other_seq(record) {
                ChainProblem::Reordered { seq: record.seq }
            } else {
                ChainProblem::Altered { seq: record.seq }
            });
        }
        if data_digest(record.before.as_deref(), record.after.as_deref()) != record.data_digest {
            return Err(ChainProblem::DataAltered { seq: record.seq });
        }
        if record.seq < expected_seq {
            return Err(ChainProblem::Reordered { seq: record.seq });
        }
        if record.seq > expected_seq {
            return Err(ChainProblem::Missing {
                expected_seq,
                found_seq: record.seq,
            });
        }
        if record.prev_hash != prev {
            return Err(ChainProblem::BrokenLink { seq: record.seq });
        }
        self.last_seq = record.seq;
        self.last_hash = Some(record.hash.clone());
        Ok(())
    }

    pub fn finish(self, head_seq: Option<i64>) -> Result<i64, ChainProblem> {
        match head_seq {
            Some(head) if head > self.last_seq => Err(ChainProblem::Truncated {
                last_seq: self.last_seq,
                head_seq: head,
            }),
            _ => Ok(self.last_seq),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn chain(n: i64) -> Vec<AuditRecord> {
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
}
