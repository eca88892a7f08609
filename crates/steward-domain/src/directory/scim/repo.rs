//! The storage provisioning needs beside the directory's.

use super::{Membership, ScimGroup, ScimUser};
use crate::directory::entry::ExternalId;
use crate::directory::plan::Registered;
use crate::directory::repo::DirectoryTx;
use crate::ids::PersonRef;
use crate::records::Id;
use crate::repo::RepoResult;
use chrono::NaiveDate;
use std::future::Future;

/// Which users a list asks for (SCIM's `filter`, the two forms Entra ID sends).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserFilter {
    All,
    /// `userName eq "..."`, compared regardless of case.
    UserName(String),
    /// `externalId eq "..."`.
    ExternalId(String),
}

/// Which groups a list asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupFilter {
    All,
    /// `displayName eq "..."`, compared regardless of case.
    DisplayName(String),
    /// `externalId eq "..."` (or `id eq`).
    ExternalId(String),
}

pub trait ScimTx: DirectoryTx {
    /// The users with these ids, in one read.
    fn scim_users_with(
        &mut self,
        council_id: Id,
        ids: &[ExternalId],
    ) -> impl Future<Output = RepoResult<Vec<ScimUser>>> + Send;

    /// The user whose user name is this, regardless of case.
    fn scim_user_named(
        &mut self,
        council_id: Id,
        user_name: &str,
    ) -> impl Future<Output = RepoResult<Option<ScimUser>>> + Send;

    /// A page of users in id order, `offset` from the first, and how many match in all.
    fn scim_users(
        &mut self,
        council_id: Id,
        filter: &UserFilter,
        offset: usize,
        limit: usize,
    ) -> impl Future<Output = RepoResult<(usize, Vec<ScimUser>)>> + Send;

    /// Adds or replaces a user.
    fn save_scim_user(
        &mut self,
        council_id: Id,
        user: &ScimUser,
    ) -> impl Future<Output = RepoResult<()>> + Send;

    /// Removes a user and their memberships (never the person in the register).
    fn remove_scim_user(
        &mut self,
        council_id: Id,
        id: &ExternalId,
    ) -> impl Future<Output = RepoResult<()>> + Send;

    /// Every membership of these users, with the group's display name.
    fn scim_memberships(
        &mut self,
        council_id: Id,
        users: &[ExternalId],
    ) -> impl Future<Output = RepoResult<Vec<Membership>>> + Send;

    /// A group with its members.
    fn scim_group(
        &mut self,
        council_id: Id,
        id: &ExternalId,
    ) -> impl Future<Output = RepoResult<Option<ScimGroup>>> + Send;

    /// A page of groups in id order with their members, and how many match in all.
    fn scim_groups(
        &mut self,
        council_id: Id,
        filter: &GroupFilter,
        offset: usize,
        limit: usize,
    ) -> impl Future<Output = RepoResult<(usize, Vec<ScimGroup>)>> + Send;

    /// Adds or replaces a group and its members.
    fn save_scim_group(
        &mut self,
        council_id: Id,
        group: &ScimGroup,
    ) -> impl Future<Output = RepoResult<()>> + Send;

    fn remove_scim_group(
        &mut self,
        council_id: Id,
        id: &ExternalId,
    ) -> impl Future<Output = RepoResult<()>> + Send;

    /// The people linked to these entries or holding these references, as a sync sees them
    /// on `day`, read in a fixed number of statements.
    fn directory_register_of(
        &mut self,
        council_id: Id,
        day: NaiveDate,
        ids: &[ExternalId],
        references: &[PersonRef],
    ) -> impl Future<Output = RepoResult<Vec<Registered>>> + Send;
}
