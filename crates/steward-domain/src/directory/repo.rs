//! The storage a directory sync needs beside the register's.

use super::entry::ExternalId;
use super::plan::Registered;
use super::settings::DirectorySettings;
use crate::auth::AuthTx;
use crate::records::Id;
use crate::repo::RepoResult;
use chrono::{DateTime, NaiveDate, Utc};
use std::future::Future;

pub trait DirectoryTx: AuthTx {
    fn directory_settings(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Option<DirectorySettings>>> + Send;

    fn save_directory_settings(
        &mut self,
        council_id: Id,
        settings: &DirectorySettings,
        at: DateTime<Utc>,
    ) -> impl Future<Output = RepoResult<()>> + Send;

    /// Everyone in the register with their link, whether they serve on `day` and the offices
    /// they hold then, read in a fixed number of statements.
    fn directory_register(
        &mut self,
        council_id: Id,
        day: NaiveDate,
    ) -> impl Future<Output = RepoResult<Vec<Registered>>> + Send;

    /// Links a person to their directory entry.
    fn link_directory(
        &mut self,
        council_id: Id,
        person_id: Id,
        external_id: &ExternalId,
    ) -> impl Future<Output = RepoResult<()>> + Send;
}
