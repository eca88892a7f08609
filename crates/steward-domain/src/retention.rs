//! The storage retention needs: the records of each kind that have ended, the audit records
//! about one of them, and purging one. Kept narrow so that a new kind of record (monitoring
//! findings, say) is one more arm in the store rather than a change to the register's trait.

use crate::records::Id;
use crate::repo::{RegisterTx, RepoResult};
use chrono::NaiveDate;
use std::future::Future;
use steward_policy::retention::RecordKind;

/// One record that has ended, as retention sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndedRecord {
    /// What the store finds the record by: a request or case id, a person's reference, a
    /// notice's key; a session's is internal and never shown.
    pub key: String,
    /// How people recognise the record ("Request 12 (fault)", "Person M1"), without the
    /// personal data the purge removes.
    pub reference: String,
    /// The day its retention period counts from.
    pub ended: NaiveDate,
    /// Why it must stay whatever its age, when something holds it.
    pub held_by: Option<String>,
}

pub trait RetentionTx: RegisterTx {
    /// Every record of `kind` that has ended and has not been purged, oldest first.
    fn ended_records(
        &mut self,
        council_id: Id,
        kind: RecordKind,
    ) -> impl Future<Output = RepoResult<Vec<EndedRecord>>> + Send;
    /// The council's audit records about the record that still hold their data.
    fn audit_about(
        &mut self,
        council_id: Id,
        kind: RecordKind,
        key: &str,
    ) -> impl Future<Output = RepoResult<Vec<i64>>> + Send;
    /// Removes the record's personal data, or the record itself where nothing refers to it,
    /// and marks what stays as purged `on` that day so it is never found again.
    fn purge_record(
        &mut self,
        council_id: Id,
        kind: RecordKind,
        key: &str,
        on: NaiveDate,
    ) -> impl Future<Output = RepoResult<()>> + Send;
}
