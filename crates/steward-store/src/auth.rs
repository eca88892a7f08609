//! The domain's account storage interface, `AuthTx`, for a store transaction.

use crate::tx::StoreTx;
use crate::{account_lists, invitations, oidc, sessions, users};
use chrono::{DateTime, Utc};
use steward_domain::auth::{
    AccountSignIn, ApiToken, AuthTx, ExternalId, HashedPassword, Invitation, NewApiToken, NewUser,
    OidcAttempt, OidcSettings, OpenAttempts, PageSession, Session, User, Username,
};
use steward_domain::listing::Listed;
use steward_domain::ops::account_list::{AccountQuery, TokenQuery, TokenView, UserView};
use steward_domain::{Id, RepoResult};

impl AuthTx for StoreTx {
    async fn insert_user(&mut self, council_id: Id, new: &NewUser) -> RepoResult<User> {
        users::insert(self, council_id, new).await
    }

    async fn update_user(&mut self, user: &User) -> RepoResult<()> {
        users::update(self, user).await
    }

    async fn set_password_hash(
        &mut self,
        council_id: Id,
        user_id: Id,
        hash: &HashedPassword,
    ) -> RepoResult<()> {
        users::set_password_hash(self, council_id, user_id, hash).await
    }

    async fn user(&mut self, council_id: Id, id: Id) -> RepoResult<Option<User>> {
        users::by_id(self, council_id, id).await
    }

    async fn user_by_username(
        &mut self,
        council_id: Id,
        username: &Username,
    ) -> RepoResult<Option<User>> {
        users::by_username(self, council_id, username).await
    }

    async fn users(&mut self, council_id: Id) -> RepoResult<Vec<User>> {
        users::list(self, council_id).await
    }

    async fn list_users(
        &mut self,
        council_id: Id,
        query: &AccountQuery,
    ) -> RepoResult<Listed<UserView>> {
        account_lists::users_page(self, council_id, query).await
    }

    async fn users_of_person(&mut self, council_id: Id, person_id: Id) -> RepoResult<Vec<User>> {
        users::of_person(self, council_id, person_id).await
    }

    async fn password_hash(
        &mut self,
        council_id: Id,
        user_id: Id,
    ) -> RepoResult<Option<HashedPassword>> {
        users::password_hash(self, council_id, user_id).await
    }

    async fn record_sign_in_failure(
        &mut self,
        council_id: Id,
        username: &str,
        address: &str,
        at: DateTime<Utc>,
    ) -> RepoResult<()> {
        users::record_failure(self, council_id, username, address, at).await
    }

    async fn sign_in_failures_for_username(
        &mut self,
        council_id: Id,
        username: &str,
        since: DateTime<Utc>,
    ) -> RepoResult<Vec<DateTime<Utc>>> {
        users::failures_for_username(self, council_id, username, since).await
    }

    async fn sign_in_failures_from_address(
        &mut self,
        council_id: Id,
        address: &str,
        since: DateTime<Utc>,
    ) -> RepoResult<Vec<DateTime<Utc>>> {
        users::failures_from_address(self, council_id, address, since).await
    }

    async fn insert_session(&mut self, session: &Session) -> RepoResult<()> {
        sessions::insert_session(self, session).await
    }

    async fn session(&mut self, id_hash: &str) -> RepoResult<Option<Session>> {
        sessions::session_by_hash(self, id_hash).await
    }

    async fn page_session(
        &mut self,
        council_id: Id,
        id_hash: &str,
    ) -> RepoResult<Option<PageSession>> {
        sessions::page_session(self, council_id, id_hash).await
    }

    async fn touch_session(
        &mut self,
        council_id: Id,
        id_hash: &str,
        at: DateTime<Utc>,
    ) -> RepoResult<()> {
        sessions::touch_session(self, council_id, id_hash, at).await
    }

    async fn end_session(
        &mut self,
        council_id: Id,
        id_hash: &str,
        at: DateTime<Utc>,
    ) -> RepoResult<()> {
        sessions::end_session(self, council_id, id_hash, at).await
    }

    async fn end_sessions_of_user(
        &mut self,
        council_id: Id,
        user_id: Id,
        at: DateTime<Utc>,
        keep: Option<&str>,
    ) -> RepoResult<u64> {
        sessions::end_sessions_of_user(self, council_id, user_id, at, keep).await
    }

    async fn insert_token(&mut self, council_id: Id, new: &NewApiToken) -> RepoResult<ApiToken> {
        sessions::insert_token(self, council_id, new).await
    }

    async fn token(&mut self, council_id: Id, id: Id) -> RepoResult<Option<ApiToken>> {
        sessions::token_by_id(self, council_id, id).await
    }

    async fn token_by_hash(&mut self, token_hash: &str) -> RepoResult<Option<ApiToken>> {
        sessions::token_by_hash(self, token_hash).await
    }

    async fn tokens(&mut self, council_id: Id) -> RepoResult<Vec<ApiToken>> {
        sessions::tokens(self, council_id).await
    }

    async fn list_tokens(
        &mut self,
        council_id: Id,
        query: &TokenQuery,
        now: DateTime<Utc>,
    ) -> RepoResult<Listed<TokenView>> {
        account_lists::tokens_page(self, council_id, query, now).await
    }

    async fn revoke_token(&mut self, council_id: Id, id: Id, at: DateTime<Utc>) -> RepoResult<()> {
        sessions::revoke_token(self, council_id, id, at).await
    }

    async fn touch_token(&mut self, council_id: Id, id: Id, at: DateTime<Utc>) -> RepoResult<()> {
        sessions::touch_token(self, council_id, id, at).await
    }

    async fn insert_invitation(
        &mut self,
        council_id: Id,
        user_id: Id,
        created_at: DateTime<Utc>,
        created_by: &str,
    ) -> RepoResult<Invitation> {
        invitations::insert(self, council_id, user_id, created_at, created_by).await
    }

    async fn invitation(&mut self, council_id: Id, id: Id) -> RepoResult<Option<Invitation>> {
        invitations::by_id(self, council_id, id).await
    }

    async fn invitation_by_token(
        &mut self,
        council_id: Id,
        token_hash: &str,
    ) -> RepoResult<Option<Invitation>> {
        invitations::by_token(self, council_id, token_hash).await
    }

    async fn latest_invitation(
        &mut self,
        council_id: Id,
        user_id: Id,
    ) -> RepoResult<Option<Invitation>> {
        invitations::latest(self, council_id, user_id).await
    }

    async fn update_invitation(&mut self, invitation: &Invitation) -> RepoResult<()> {
        invitations::update(self, invitation).await
    }

    async fn oidc_settings(&mut self, council_id: Id) -> RepoResult<Option<OidcSettings>> {
        oidc::settings(self, council_id).await
    }

    async fn save_oidc_settings(
        &mut self,
        council_id: Id,
        settings: &OidcSettings,
        at: DateTime<Utc>,
    ) -> RepoResult<()> {
        oidc::save_settings(self, council_id, settings, at).await
    }

    async fn delete_oidc_settings(&mut self, council_id: Id) -> RepoResult<bool> {
        oidc::delete_settings(self, council_id).await
    }

    async fn account_sign_in(&mut self, council_id: Id, user_id: Id) -> RepoResult<AccountSignIn> {
        oidc::account(self, council_id, user_id).await
    }

    async fn save_account_sign_in(
        &mut self,
        council_id: Id,
        sign_in: &AccountSignIn,
    ) -> RepoResult<()> {
        oidc::save_account(self, council_id, sign_in).await
    }

    async fn user_by_external(
        &mut self,
        council_id: Id,
        external: &ExternalId,
    ) -> RepoResult<Option<User>> {
        oidc::user_by_external(self, council_id, external).await
    }

    async fn insert_oidc_attempt(
        &mut self,
        council_id: Id,
        attempt: &OidcAttempt,
    ) -> RepoResult<()> {
        oidc::insert_attempt(self, council_id, attempt).await
    }

    async fn take_oidc_attempt(
        &mut self,
        council_id: Id,
        state_hash: &str,
    ) -> RepoResult<Option<OidcAttempt>> {
        oidc::take_attempt(self, council_id, state_hash).await
    }

    async fn open_oidc_attempts(
        &mut self,
        council_id: Id,
        address: Option<&str>,
    ) -> RepoResult<OpenAttempts> {
        oidc::open_attempts(self, council_id, address).await
    }

    async fn delete_oidc_attempts_before(
        &mut self,
        council_id: Id,
        before: DateTime<Utc>,
    ) -> RepoResult<()> {
        oidc::delete_attempts_before(self, council_id, before).await
    }
}
