//! Signing in with the council's identity provider: the council's settings, linking accounts to
//! the provider's identities, break-glass accounts, the attempts under way, and what a
//! validated ID token may do.
//!
//! An account is found only by the identity an administrator linked to it (`steward user
//! identity`): never by e-mail address or user name, and a token whose identity no account holds
//! is refused. The token's role claim, read through the council's mapping, sets the account's
//! role at each sign-in; no mapped value, no entry.

use super::sessions::{self, SignedIn};
use super::users;
use super::{NONE, audit};
use crate::auth::{
    AccountKey, AccountSignIn, AuthTx, ExternalId, OidcAttempt, OidcSettings, ProviderClaims, Role,
    StartLimited, StartLimits, User, Username, may_start,
};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::records::Council;
use chrono::{DateTime, Utc};

/// The council's settings, if it signs in with a provider.
pub async fn settings<T: AuthTx>(
    tx: &mut T,
    council: &Council,
) -> DomainResult<Option<OidcSettings>> {
    Ok(tx.oidc_settings(council.id).await?)
}

/// Saves the council's settings, replacing any before, with an audit record of both.
pub async fn set<T: AuthTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    settings: OidcSettings,
) -> DomainResult<OidcSettings> {
    let before = tx.oidc_settings(council.id).await?;
    tx.save_oidc_settings(council.id, &settings, ctx.now)
        .await?;
    audit(
        tx,
        ctx,
        council.id,
        "oidc.set",
        "council",
        &council.slug,
        before.as_ref(),
        Some(&settings),
    )
    .await?;
    Ok(settings)
}

/// Removes the council's settings: everyone signs in with a password again. Returns whether
/// there were any.
pub async fn clear<T: AuthTx>(tx: &mut T, ctx: &Ctx, council: &Council) -> DomainResult<bool> {
    let Some(before) = tx.oidc_settings(council.id).await? else {
        return Ok(false);
    };
    tx.delete_oidc_settings(council.id).await?;
    audit(
        tx,
        ctx,
        council.id,
        "oidc.clear",
        "council",
        &council.slug,
        Some(&before),
        NONE,
    )
    .await?;
    Ok(true)
}

/// An account and how it signs in besides its password.
pub async fn account<T: AuthTx>(
    tx: &mut T,
    council: &Council,
    username: &Username,
) -> DomainResult<(User, AccountSignIn)> {
    let user = users::find(tx, council, username).await?;
    let how = tx.account_sign_in(council.id, user.id).await?;
    Ok((user, how))
}

async fn save<T: AuthTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    user: &User,
    before: &AccountSignIn,
    after: AccountSignIn,
    action: &str,
) -> DomainResult<AccountSignIn> {
    if *before == after {
        return Ok(after);
    }
    tx.save_account_sign_in(council.id, &after).await?;
    audit(
        tx,
        ctx,
        council.id,
        action,
        "user",
        &user.username,
        Some(before),
        Some(&after),
    )
    .await?;
    Ok(after)
}

/// Links the account to an identity at the provider (or, with `None`, unlinks it). An identity
/// belongs to one account.
pub async fn link<T: AuthTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    username: &Username,
    external: Option<ExternalId>,
) -> DomainResult<AccountSignIn> {
    let (user, before) = account(tx, council, username).await?;
    if let Some(external) = &external
        && let Some(other) = tx.user_by_external(council.id, external).await?
        && other.id != user.id
    {
        return Err(DomainError::Conflict {
            field: "identity".into(),
            message: format!("that identity is already linked to {}", other.username),
        });
    }
    let after = AccountSignIn {
        user_id: user.id,
        external,
        ..before.clone()
    };
    save(tx, ctx, council, &user, &before, after, "user.identity").await
}

/// Marks an administrator's account as break-glass (it keeps its password when passwords are
/// switched off), or no longer.
pub async fn set_break_glass<T: AuthTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    username: &Username,
    on: bool,
) -> DomainResult<AccountSignIn> {
    let (user, before) = account(tx, council, username).await?;
    if on && user.role != Role::Admin {
        return Err(DomainError::invalid(
            "username",
            format!(
                "only an administrator's account can be break-glass; {} is {}",
                user.username,
                users::with_article(user.role)
            ),
        ));
    }
    let after = AccountSignIn {
        user_id: user.id,
        break_glass: on,
        ..before.clone()
    };
    save(tx, ctx, council, &user, &before, after, "user.break_glass").await
}

/// Whether `user` may sign in with a password: always, unless the council has switched
/// passwords off, when only administrators' break-glass accounts may.
pub async fn password_allowed<T: AuthTx>(tx: &mut T, user: &User) -> DomainResult<bool> {
    let Some(settings) = tx.oidc_settings(user.council_id).await? else {
        return Ok(true);
    };
    if !settings.passwords_off {
        return Ok(true);
    }
    if user.role != Role::Admin {
        return Ok(false);
    }
    Ok(tx
        .account_sign_in(user.council_id, user.id)
        .await?
        .break_glass)
}

/// Records a sign-in at the provider just begun, unless too many are open from its address
/// or in the council ([`StartLimits`]); the council's expired attempts are cleared first, so
/// only open ones count and the table holds no more than the limits allow.
pub async fn begin_attempt<T: AuthTx>(
    tx: &mut T,
    council: &Council,
    attempt: &OidcAttempt,
    limits: &StartLimits,
) -> DomainResult<Result<(), StartLimited>> {
    let now = attempt.created_at;
    tx.delete_oidc_attempts_before(council.id, now - crate::auth::ATTEMPT_LIFETIME)
        .await?;
    let from_address = tx
        .open_oidc_attempts(council.id, Some(&attempt.address))
        .await?;
    let in_council = tx.open_oidc_attempts(council.id, None).await?;
    if let Err(limited) = may_start(limits, from_address, in_council, now) {
        return Ok(Err(limited));
    }
    tx.insert_oidc_attempt(council.id, attempt).await?;
    Ok(Ok(()))
}

/// The attempt whose `state` has this digest, used up; `None` when there is none or it is
/// older than [`crate::auth::ATTEMPT_LIFETIME`].
pub async fn take_attempt<T: AuthTx>(
    tx: &mut T,
    council: &Council,
    state_hash: &str,
    now: DateTime<Utc>,
) -> DomainResult<Option<OidcAttempt>> {
    let attempt = tx.take_oidc_attempt(council.id, state_hash).await?;
    Ok(attempt.filter(|a| !a.expired(now)))
}

/// Why a validated token does not sign anyone in. Each is said plainly on the refusal page.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProviderRefusal {
    #[error(
        "your account at the identity provider does not say which organisation and object it is"
    )]
    NoTenantObject,
    #[error("your account at the identity provider has no role in Steward")]
    NoMappedRole,
    #[error("your account at the identity provider is not linked to a Steward account")]
    NotLinked,
    #[error("your Steward account is disabled")]
    Disabled,
    #[error("your role needs your Steward account to be linked to you in the register")]
    NoPerson,
}

/// The identity the settings key accounts on, from the token's claims.
pub fn external_id(
    settings: &OidcSettings,
    claims: &ProviderClaims,
) -> Result<ExternalId, ProviderRefusal> {
    match settings.account_key {
        AccountKey::Subject => {
            ExternalId::subject(&claims.subject).map_err(|_| ProviderRefusal::NotLinked)
        }
        AccountKey::TenantObject => match (&claims.tenant, &claims.object) {
            (Some(tid), Some(oid)) => {
                ExternalId::entra(tid, oid).map_err(|_| ProviderRefusal::NoTenantObject)
            }
            _ => Err(ProviderRefusal::NoTenantObject),
        },
    }
}

/// Signs in the account linked to the identity a validated ID token names, giving it the role
/// the token's claim maps to (recorded when it changes), and starts its session.
///
/// Like [`sessions::sign_in`], the outer result is the usual one and the inner the answer to
/// the person; a refusal writes nothing.
pub async fn sign_in<T: AuthTx>(
    tx: &mut T,
    council: &Council,
    settings: &OidcSettings,
    claims: &ProviderClaims,
    now: DateTime<Utc>,
) -> DomainResult<Result<SignedIn, ProviderRefusal>> {
    let external = match external_id(settings, claims) {
        Ok(e) => e,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let Some(role) = settings.role_for(&claims.role_values) else {
        return Ok(Err(ProviderRefusal::NoMappedRole));
    };
    let Some(user) = tx.user_by_external(council.id, &external).await? else {
        return Ok(Err(ProviderRefusal::NotLinked));
    };
    if user.disabled {
        return Ok(Err(ProviderRefusal::Disabled));
    }
    if role.needs_person() && user.person_id.is_none() {
        return Ok(Err(ProviderRefusal::NoPerson));
    }
    let user = if user.role == role {
        user
    } else {
        let after = User {
            role,
            ..user.clone()
        };
        tx.update_user(&after).await?;
        let ctx = Ctx::new(
            format!("{} (identity provider)", settings.provider_name),
            now,
            now.date_naive(),
        );
        audit(
            tx,
            &ctx,
            council.id,
            "user.role_from_provider",
            "user",
            &user.username,
            Some(&user),
            Some(&after),
        )
        .await?;
        after
    };
    sessions::start(tx, council, user, now).await.map(Ok)
}
