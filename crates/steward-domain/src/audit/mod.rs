//! The audit chain: each record commits to the one before it, so any edit, removal or
//! reordering breaks every hash after it.
//!
//! A record's hash covers a digest of its before/after data rather than the data itself, so
//! personal data can later be erased under a retention rule without breaking the chain.

pub mod checkpoint;
pub mod export;
mod export_parse;
mod hashing;
mod json_scan;
mod verify;

pub use hashing::{TimeBuf, data_digest, record_hash, timestamp_text};
pub(crate) use verify::Local;
pub use verify::{ChainProblem, ChainReport, ChainVerifier, verify_chain};

use crate::records::AuditEvent;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The hash the first record of every council's chain points back to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Actions the chain writes about itself. Records with these actions carry no personal data.
pub const CHECKPOINT_ACTION: &str = "audit.checkpoint";
pub const HEARTBEAT_ACTION: &str = "audit.heartbeat";
pub const ERASE_ACTION: &str = "audit.erase";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// The day the record's before/after data were erased under a retention rule; the digest
    /// stays, so the chain still verifies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erased_on: Option<NaiveDate>,
}

/// The council's chain head as the council row records it, with the time of its last record.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
    /// None only for an empty chain.
    pub at: Option<DateTime<Utc>>,
}

/// A record as the verifier reads it: borrowed text, so checking needs no allocation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecordView<'a> {
    pub council_id: i64,
    pub seq: i64,
    /// The canonical timestamp text (see [`timestamp_text`]).
    pub at: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
    pub data_digest: &'a str,
    pub prev_hash: &'a str,
    pub hash: &'a str,
    /// The day the data was erased, if it was.
    pub erased_on: Option<NaiveDate>,
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
        // A JSON null is stored as no data, so an export (where both read `null`) keeps it.
        let text = |v: &Option<serde_json::Value>| {
            v.as_ref().filter(|v| !v.is_null()).map(|v| v.to_string())
        };
        let (before, after) = (text(&event.before), text(&event.after));
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
            erased_on: None,
        }
    }

    /// Borrows the record for the verifier; `buf` holds the timestamp text.
    pub fn view<'a>(&'a self, buf: &'a mut TimeBuf) -> RecordView<'a> {
        RecordView {
            council_id: self.council_id,
            seq: self.seq,
            at: buf.text(self.at),
            actor: &self.actor,
            action: &self.action,
            entity: &self.entity,
            entity_id: &self.entity_id,
            before: self.before.as_deref(),
            after: self.after.as_deref(),
            data_digest: &self.data_digest,
            prev_hash: &self.prev_hash,
            hash: &self.hash,
            erased_on: self.erased_on,
        }
    }

    #[cfg(test)]
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
