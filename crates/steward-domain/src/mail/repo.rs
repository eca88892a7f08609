//! The storage mail's commands need.

use super::records::*;
use super::snapshot::{ForwardSource, SnapshotFormat};
use crate::listing::Listed;
use crate::ops::mail::forwarding::ForwardQuery;
use crate::ops::mail::milter::DecisionQuery;
use crate::records::Id;
use crate::repo::{RegisterTx, RepoResult};
use chrono::{DateTime, Utc};
use std::future::Future;

/// Forwarding snapshots and what the milter decided, inside one transaction.
pub trait MailTx: RegisterTx {
    fn insert_forward_import(
        &mut self,
        council_id: Id,
        imported_at: DateTime<Utc>,
        imported_by: &str,
        file_name: &str,
        format: SnapshotFormat,
    ) -> impl Future<Output = RepoResult<ForwardImport>> + Send;
    /// Removes the forwards of `sources` from earlier snapshots and stores `forwards` as
    /// import `import_id`'s, then records the import's counts.
    fn replace_forwards(
        &mut self,
        council_id: Id,
        import_id: Id,
        sources: &[ForwardSource],
        forwards: &[NewForward],
        breaches: i64,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    /// Every person of the council with an email address, as (id, address in lower case).
    fn people_by_email(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<(Id, String)>>> + Send;
    /// A page of the forwards of the latest snapshots.
    fn list_forwards(
        &mut self,
        council_id: Id,
        query: &ForwardQuery,
    ) -> impl Future<Output = RepoResult<Listed<ForwardFinding>>> + Send;
    /// Every forward of the latest snapshots the pack's rule forbids, in one statement: what
    /// the daily sweep tells people about.
    fn breaching_forwards(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<ForwardFinding>>> + Send;
    /// Records what the milter decided about one message.
    fn insert_mail_decision(
        &mut self,
        council_id: Id,
        decided_at: DateTime<Utc>,
        queue_id: Option<&str>,
        outbound: &steward_policy::mail::Outbound,
        decision: &steward_policy::mail::MailDecision,
    ) -> impl Future<Output = RepoResult<MailDecisionRecord>> + Send;
    /// The forwards of the latest snapshots on one person's mailbox.
    fn forwards_of_person(
        &mut self,
        council_id: Id,
        person_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<ForwardFinding>>> + Send;
    /// The milter's decisions about messages one of `senders` sent, newest first.
    fn decisions_sent_by(
        &mut self,
        council_id: Id,
        senders: &[String],
    ) -> impl Future<Output = RepoResult<Vec<MailDecisionRecord>>> + Send;
    /// A page of the milter's decisions, newest first by default.
    fn list_mail_decisions(
        &mut self,
        council_id: Id,
        query: &DecisionQuery,
    ) -> impl Future<Output = RepoResult<Listed<MailDecisionRecord>>> + Send;
}
