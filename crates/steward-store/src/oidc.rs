//! The council's identity-provider settings, accounts' identity links and break-glass flags,
//! and the sign-ins at the provider under way.

use crate::rows::{Cols, flag_int, json_text, time_text};
use crate::tx::StoreTx;
use crate::users;
use chrono::{DateTime, Utc};
use steward_domain::auth::{
    AccountKey, AccountSignIn, ExternalId, Issuer, OidcAttempt, OidcSettings, OpenAttempts,
    RoleClaim, SecretSource, User,
};
use steward_domain::{Id, RepoError, RepoResult};

fn corrupt(what: &str) -> RepoError {
    RepoError::Corrupt(format!("oidc_settings.{what} is not valid"))
}

pub(crate) async fn settings(tx: &mut StoreTx, council_id: Id) -> RepoResult<Option<OidcSettings>> {
    let query = sqlx::query(
        "SELECT provider_name, issuer, client_id, secret_source, secret_name, role_claim,
                account_key, role_map, passwords_off
         FROM oidc_settings WHERE council_id = $1",
    )
    .bind(council_id);
    let Some(row) = tx.optional(query).await? else {
        return Ok(None);
    };
    let c = Cols::new(&row, "oidc_settings");
    let name = c.text("secret_name")?;
    let secret = match c.text("secret_source")?.as_str() {
        "file" => SecretSource::File(name),
        "env" => SecretSource::Env(name),
        _ => return Err(corrupt("secret_source")),
    };
    Ok(Some(OidcSettings {
        provider_name: c.text("provider_name")?,
        issuer: Issuer::parse(&c.text("issuer")?).map_err(|_| corrupt("issuer"))?,
        client_id: c.text("client_id")?,
        secret,
        role_claim: RoleClaim::parse(&c.text("role_claim")?).map_err(|_| corrupt("role_claim"))?,
        account_key: AccountKey::parse(&c.text("account_key")?)
            .map_err(|_| corrupt("account_key"))?,
        role_map: c.json("role_map")?,
        passwords_off: c.flag("passwords_off")?,
    }))
}

pub(crate) async fn save_settings(
    tx: &mut StoreTx,
    council_id: Id,
    s: &OidcSettings,
    at: DateTime<Utc>,
) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "INSERT INTO oidc_settings (council_id, provider_name, issuer, client_id, secret_source,
             secret_name, role_claim, account_key, role_map, passwords_off, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (council_id) DO UPDATE SET provider_name = $2, issuer = $3, client_id = $4,
             secret_source = $5, secret_name = $6, role_claim = $7, account_key = $8,
             role_map = $9, passwords_off = $10, updated_at = $11",
    )
    .bind(council_id)
    .bind(s.provider_name.as_str())
    .bind(s.issuer.as_str())
    .bind(s.client_id.as_str())
    .bind(s.secret.kind())
    .bind(s.secret.name())
    .bind(s.role_claim.as_str())
    .bind(s.account_key.as_str())
    .bind(json_text(&s.role_map))
    .bind(flag_int(s.passwords_off))
    .bind(time_text(at));
    tx.exec(query).await.map(|_| ())
}

pub(crate) async fn delete_settings(tx: &mut StoreTx, council_id: Id) -> RepoResult<bool> {
    tx.writable()?;
    let query = sqlx::query("DELETE FROM oidc_settings WHERE council_id = $1").bind(council_id);
    Ok(tx.exec(query).await? > 0)
}

pub(crate) async fn account(
    tx: &mut StoreTx,
    council_id: Id,
    user_id: Id,
) -> RepoResult<AccountSignIn> {
    let query = sqlx::query(
        "SELECT external_key, break_glass FROM account_sign_in
         WHERE council_id = $1 AND user_id = $2",
    )
    .bind(council_id)
    .bind(user_id);
    let Some(row) = tx.optional(query).await? else {
        return Ok(AccountSignIn {
            user_id,
            ..AccountSignIn::default()
        });
    };
    let c = Cols::new(&row, "account_sign_in");
    Ok(AccountSignIn {
        user_id,
        external: c.opt_parsed("external_key", "an identity")?,
        break_glass: c.flag("break_glass")?,
    })
}

pub(crate) async fn save_account(
    tx: &mut StoreTx,
    council_id: Id,
    a: &AccountSignIn,
) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "INSERT INTO account_sign_in (council_id, user_id, external_key, break_glass)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (council_id, user_id) DO UPDATE SET external_key = $3, break_glass = $4",
    )
    .bind(council_id)
    .bind(a.user_id)
    .bind(a.external.as_ref().map(ExternalId::as_str))
    .bind(flag_int(a.break_glass));
    tx.exec(query).await.map(|_| ())
}

pub(crate) async fn user_by_external(
    tx: &mut StoreTx,
    council_id: Id,
    external: &ExternalId,
) -> RepoResult<Option<User>> {
    let query = sqlx::query(
        "SELECT user_id FROM account_sign_in WHERE council_id = $1 AND external_key = $2",
    )
    .bind(council_id)
    .bind(external.as_str());
    let Some(row) = tx.optional(query).await? else {
        return Ok(None);
    };
    let user_id = Cols::new(&row, "account_sign_in").int("user_id")?;
    users::by_id(tx, council_id, user_id).await
}

pub(crate) async fn insert_attempt(
    tx: &mut StoreTx,
    council_id: Id,
    a: &OidcAttempt,
) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "INSERT INTO oidc_attempts (council_id, state_hash, nonce, pkce_verifier, next_path,
             address, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(council_id)
    .bind(a.state_hash.as_str())
    .bind(a.nonce.as_str())
    .bind(a.pkce_verifier.as_str())
    .bind(a.next.as_deref())
    .bind(a.address.as_str())
    .bind(time_text(a.created_at));
    tx.exec(query).await.map(|_| ())
}

pub(crate) async fn take_attempt(
    tx: &mut StoreTx,
    council_id: Id,
    state_hash: &str,
) -> RepoResult<Option<OidcAttempt>> {
    tx.writable()?;
    let query = sqlx::query(
        "DELETE FROM oidc_attempts WHERE council_id = $1 AND state_hash = $2
         RETURNING nonce, pkce_verifier, next_path, address, created_at",
    )
    .bind(council_id)
    .bind(state_hash);
    let Some(row) = tx.optional(query).await? else {
        return Ok(None);
    };
    let c = Cols::new(&row, "oidc_attempts");
    Ok(Some(OidcAttempt {
        state_hash: state_hash.to_string(),
        nonce: c.text("nonce")?,
        pkce_verifier: c.text("pkce_verifier")?,
        next: c.opt_text("next_path")?,
        address: c.text("address")?,
        created_at: c.time("created_at")?,
    }))
}

pub(crate) async fn delete_attempts_before(
    tx: &mut StoreTx,
    council_id: Id,
    before: DateTime<Utc>,
) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query("DELETE FROM oidc_attempts WHERE council_id = $1 AND created_at < $2")
        .bind(council_id)
        .bind(time_text(before));
    tx.exec(query).await.map(|_| ())
}

/// The council's open attempts (or those from one address): how many, and the oldest's start.
pub(crate) async fn open_attempts(
    tx: &mut StoreTx,
    council_id: Id,
    address: Option<&str>,
) -> RepoResult<OpenAttempts> {
    let query = match address {
        Some(address) => sqlx::query(
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM oidc_attempts
             WHERE council_id = $1 AND address = $2",
        )
        .bind(council_id)
        .bind(address.to_string()),
        None => sqlx::query(
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM oidc_attempts
             WHERE council_id = $1",
        )
        .bind(council_id),
    };
    let row = tx.one(query, || "a count gave no row".to_string()).await?;
    let c = Cols::new(&row, "oidc_attempts");
    Ok(OpenAttempts {
        count: u64::try_from(c.int("n")?).unwrap_or(0),
        oldest: c.opt_time("oldest")?,
    })
}
