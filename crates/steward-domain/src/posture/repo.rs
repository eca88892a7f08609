//! The storage device compliance needs, beside the workflow's (authorised software).

use super::records::*;
use crate::records::Id;
use crate::repo::RepoResult;
use crate::workflow::{AuthorisedSoftware, WorkflowTx};
use chrono::{DateTime, Utc};
use std::future::Future;

/// Imports and observations, inside one transaction.
pub trait PostureTx: WorkflowTx {
    #[allow(clippy::too_many_arguments)]
    fn insert_posture_import(
        &mut self,
        council_id: Id,
        imported_at: DateTime<Utc>,
        imported_by: &str,
        format: &str,
        file: &str,
    ) -> impl Future<Output = RepoResult<PostureImport>> + Send;
    /// Closes an import once its observations are in: records its counts, and marks which
    /// stored observations are now the latest of their item and check (or source's list of
    /// programs) and which items report at all, which the compliance list reads.
    fn finish_posture_import(
        &mut self,
        council_id: Id,
        import_id: Id,
        observations: i64,
        devices: i64,
        unmatched: i64,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    /// Stores observations a few hundred to a statement; one already stored (same item,
    /// check or program, source and time) is kept as it was. Answers how many were new.
    fn insert_observations(
        &mut self,
        council_id: Id,
        import_id: Id,
        observations: &[NewObservation],
    ) -> impl Future<Output = RepoResult<u64>> + Send;
    /// The latest observation of each check of each item (of every item when `only` is
    /// empty), and the programs of each source's latest list, by item.
    fn latest_observations(
        &mut self,
        council_id: Id,
        only: &[Id],
    ) -> impl Future<Output = RepoResult<Vec<StoredObservation>>> + Send;
    /// The spell of failure each check of each item is in, for every check whose latest
    /// observation did not pass; computed in one statement from the stored observations.
    fn check_episodes(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<CheckEpisode>>> + Send;
    /// A page of the items some source has reported on, by asset tag after `after`.
    fn reported_items(
        &mut self,
        council_id: Id,
        after: Option<&str>,
        limit: i64,
    ) -> impl Future<Output = RepoResult<Vec<Id>>> + Send;
    /// Everything judging the items `ids` needs (a page of the compliance list: a few
    /// hundred at most), read together in one statement: see [`PostureFacts`].
    fn posture_facts(
        &mut self,
        council_id: Id,
        ids: &[Id],
        today: chrono::NaiveDate,
    ) -> impl Future<Output = RepoResult<PostureFacts>> + Send;
    /// For each of these items still held by someone who has left office, the day their
    /// last term ended.
    fn held_by_leavers(
        &mut self,
        council_id: Id,
        ids: &[Id],
    ) -> impl Future<Output = RepoResult<Vec<(Id, chrono::NaiveDate)>>> + Send;
    /// For each period end, how the items in service (not disposed of, lost or stolen) of
    /// each kind a duty covers stood against it, counted by duty and standing, and by each
    /// item's worst standing over its duties; computed in one statement from the stored
    /// observations, whatever the number of items.
    fn standing_counts(
        &mut self,
        council_id: Id,
        ends: &[PeriodEnd],
        duties: &[DutyOfKind],
    ) -> impl Future<Output = RepoResult<Vec<StandingCount>>> + Send;
    /// Each check's results on one item observed from `from` until `to` (open when `None`),
    /// counted by result, for a person's subject access document.
    fn check_tallies(
        &mut self,
        council_id: Id,
        equipment_id: Id,
        from: DateTime<Utc>,
        to: Option<DateTime<Utc>>,
    ) -> impl Future<Output = RepoResult<Vec<CheckTally>>> + Send;
    /// The authorised software of these items, read together (a few hundred items to a
    /// statement), so a page of the compliance list costs what the page holds.
    fn authorised_software_of(
        &mut self,
        council_id: Id,
        ids: &[Id],
    ) -> impl Future<Output = RepoResult<Vec<AuthorisedSoftware>>> + Send;
}
