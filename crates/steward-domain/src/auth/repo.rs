//! The storage the account commands need, kept apart from the register's `RegisterTx` (which
//! it extends, for the audit trail and the people accounts link to).

use super::hashing::HashedPassword;
use super::invitation::Invitation;
use super::oidc::{AccountSignIn, ExternalId, OidcAttempt, OidcSettings};
use super::role::Role;
use super::session::Session;
use super::start_limit::OpenAttempts;
use super::token::ApiToken;
use super::user::User;
use super::username::Username;
use crate::listing::Listed;
use crate::ops::account_list::{AccountQuery, TokenQuery, TokenView, UserView};
use crate::records::{Id, OfficeHolding};
use crate::repo::{RegisterTx, RepoResult};
use chrono::{DateTime, NaiveDate, Utc};
use std::future::Future;

/// What [`AuthTx::page_session`] reads: a session with its account and the offices the
/// account's person has held (empty without a person), whatever their dates.
#[derive(Clone, Debug)]
pub struct PageSession {
    pub session: Session,
    pub user: User,
    pub offices: Vec<OfficeHolding>,
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: Username,
    pub role: Role,
    pub person_id: Option<Id>,
    pub password_hash: HashedPassword,
    pub must_change_password: bool,
    /// Also the time the password was set.
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct NewApiToken {
    /// SHA-256 hex of the token.
    pub token_hash: String,
    pub name: String,
    pub role: Role,
    pub created_by: Id,
    pub created_at: DateTime<Utc>,
    pub expires_on: Option<NaiveDate>,
    pub scope: super::TokenScope,
}

/// Accounts, sign-in failures, sessions and API tokens, inside one transaction.
pub trait AuthTx: RegisterTx {
    // Accounts.
    fn insert_user(
        &mut self,
        council_id: Id,
        new: &NewUser,
    ) -> impl Future<Output = RepoResult<User>> + Send;
    /// Writes every mutable field: role, person, the flags, and the two times.
    fn update_user(&mut self, user: &User) -> impl Future<Output = RepoResult<()>> + Send;
    fn set_password_hash(
        &mut self,
        council_id: Id,
        user_id: Id,
        hash: &HashedPassword,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    fn user(
        &mut self,
        council_id: Id,
        id: Id,
    ) -> impl Future<Output = RepoResult<Option<User>>> + Send;
    fn user_by_username(
        &mut self,
        council_id: Id,
        username: &Username,
    ) -> impl Future<Output = RepoResult<Option<User>>> + Send;
    /// The council's accounts by username.
    fn users(&mut self, council_id: Id) -> impl Future<Output = RepoResult<Vec<User>>> + Send;
    /// A page of the council's accounts.
    fn list_users(
        &mut self,
        council_id: Id,
        query: &AccountQuery,
    ) -> impl Future<Output = RepoResult<Listed<UserView>>> + Send;
    fn users_of_person(
        &mut self,
        council_id: Id,
        person_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<User>>> + Send;
    fn password_hash(
        &mut self,
        council_id: Id,
        user_id: Id,
    ) -> impl Future<Output = RepoResult<Option<HashedPassword>>> + Send;

    // Failed sign-ins. The password tried is never given to the store.
    fn record_sign_in_failure(
        &mut self,
        council_id: Id,
        username: &str,
        address: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    /// Failures for a username in a council at or after `since`.
    fn sign_in_failures_for_username(
        &mut self,
        council_id: Id,
        username: &str,
        since: DateTime<Utc>,
    ) -> impl Future<Output = RepoResult<Vec<DateTime<Utc>>>> + Send;
    /// Failures from an address in the council at or after `since`. Counted per council, so
    /// that no sign-in reads every council's records (see docs/scaling.md).
    fn sign_in_failures_from_address(
        &mut self,
        council_id: Id,
        address: &str,
        since: DateTime<Utc>,
    ) -> impl Future<Output = RepoResult<Vec<DateTime<Utc>>>> + Send;

    // Sessions, filed under the digest of their id. The digest alone finds a session (a cookie
    // arrives before anything names its council); the writes name the council too.
    fn insert_session(&mut self, session: &Session) -> impl Future<Output = RepoResult<()>> + Send;
    fn session(
        &mut self,
        id_hash: &str,
    ) -> impl Future<Output = RepoResult<Option<Session>>> + Send;
    /// A page's visitor read together: the council's session filed under `id_hash`, the
    /// account it signs in and every office the account's person has held. A page names its
    /// council, so the look-up by digest alone is not needed.
    fn page_session(
        &mut self,
        council_id: Id,
        id_hash: &str,
    ) -> impl Future<Output = RepoResult<Option<PageSession>>> + Send;
    fn touch_session(
        &mut self,
        council_id: Id,
        id_hash: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    fn end_session(
        &mut self,
        council_id: Id,
        id_hash: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    /// Ends every open session of the user except `keep` (a digest); returns how many ended.
    fn end_sessions_of_user(
        &mut self,
        council_id: Id,
        user_id: Id,
        at: DateTime<Utc>,
        keep: Option<&str>,
    ) -> impl Future<Output = RepoResult<u64>> + Send;

    // API tokens.
    fn insert_token(
        &mut self,
        council_id: Id,
        new: &NewApiToken,
    ) -> impl Future<Output = RepoResult<ApiToken>> + Send;
    fn token(
        &mut self,
        council_id: Id,
        id: Id,
    ) -> impl Future<Output = RepoResult<Option<ApiToken>>> + Send;
    /// Found by the digest alone: a bearer token arrives before anything names its council.
    fn token_by_hash(
        &mut self,
        token_hash: &str,
    ) -> impl Future<Output = RepoResult<Option<ApiToken>>> + Send;
    /// The council's tokens, newest first.
    fn tokens(&mut self, council_id: Id) -> impl Future<Output = RepoResult<Vec<ApiToken>>> + Send;
    /// A page of the council's tokens, each with its status at `now`.
    fn list_tokens(
        &mut self,
        council_id: Id,
        query: &TokenQuery,
        now: DateTime<Utc>,
    ) -> impl Future<Output = RepoResult<Listed<TokenView>>> + Send;
    fn revoke_token(
        &mut self,
        council_id: Id,
        id: Id,
        at: DateTime<Utc>,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    fn touch_token(
        &mut self,
        council_id: Id,
        id: Id,
        at: DateTime<Utc>,
    ) -> impl Future<Output = RepoResult<()>> + Send;

    // Invitations to choose a password.
    fn insert_invitation(
        &mut self,
        council_id: Id,
        user_id: Id,
        created_at: DateTime<Utc>,
        created_by: &str,
    ) -> impl Future<Output = RepoResult<Invitation>> + Send;
    fn invitation(
        &mut self,
        council_id: Id,
        id: Id,
    ) -> impl Future<Output = RepoResult<Option<Invitation>>> + Send;
    /// The council's invitation whose link's secret has this digest (the link names the
    /// council).
    fn invitation_by_token(
        &mut self,
        council_id: Id,
        token_hash: &str,
    ) -> impl Future<Output = RepoResult<Option<Invitation>>> + Send;
    /// The account's newest invitation, if any.
    fn latest_invitation(
        &mut self,
        council_id: Id,
        user_id: Id,
    ) -> impl Future<Output = RepoResult<Option<Invitation>>> + Send;
    /// Writes the link's digest and times, and when it was used or withdrawn.
    fn update_invitation(
        &mut self,
        invitation: &Invitation,
    ) -> impl Future<Output = RepoResult<()>> + Send;

    // Signing in with the council's identity provider.
    fn oidc_settings(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Option<OidcSettings>>> + Send;
    fn save_oidc_settings(
        &mut self,
        council_id: Id,
        settings: &OidcSettings,
        at: DateTime<Utc>,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    /// Returns whether there were settings to remove.
    fn delete_oidc_settings(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<bool>> + Send;
    /// The account's identity link and break-glass flag; the default when none was set.
    fn account_sign_in(
        &mut self,
        council_id: Id,
        user_id: Id,
    ) -> impl Future<Output = RepoResult<AccountSignIn>> + Send;
    fn save_account_sign_in(
        &mut self,
        council_id: Id,
        sign_in: &AccountSignIn,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    /// The council's account linked to this identity at the provider.
    fn user_by_external(
        &mut self,
        council_id: Id,
        external: &ExternalId,
    ) -> impl Future<Output = RepoResult<Option<User>>> + Send;
    fn insert_oidc_attempt(
        &mut self,
        council_id: Id,
        attempt: &OidcAttempt,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    /// Removes and returns the attempt whose state has this digest: an attempt is used once.
    fn take_oidc_attempt(
        &mut self,
        council_id: Id,
        state_hash: &str,
    ) -> impl Future<Output = RepoResult<Option<OidcAttempt>>> + Send;
    /// How many of the council's attempts are open, and when the oldest began: all of them,
    /// or with `address`, those started from it.
    fn open_oidc_attempts(
        &mut self,
        council_id: Id,
        address: Option<&str>,
    ) -> impl Future<Output = RepoResult<OpenAttempts>> + Send;
    /// Removes the council's attempts begun before `before`.
    fn delete_oidc_attempts_before(
        &mut self,
        council_id: Id,
        before: DateTime<Utc>,
    ) -> impl Future<Output = RepoResult<()>> + Send;
}
