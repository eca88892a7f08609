//! API tokens: made for an account with a role no greater than its own, shown once, revoked.

use super::{audit, users};
use crate::auth::{ApiToken, AuthTx, NewApiToken, Role, TokenScope, TokenSecret, User, Username};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::records::{Council, Id};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug)]
pub struct CreateToken {
    /// The account the token acts for.
    pub username: Username,
    pub role: Role,
    pub name: String,
    pub expires_on: Option<NaiveDate>,
    /// The JSON API, or the SCIM provisioning endpoint only.
    pub scope: TokenScope,
}

/// A new token. `secret` is the only time the token is available: show it, then drop it.
#[derive(Debug)]
pub struct CreatedToken {
    pub token: ApiToken,
    pub secret: TokenSecret,
}

/// Why `user` cannot have a token with `role`, if they cannot.
fn role_problem(user: &User, role: Role) -> Option<String> {
    if !user.role.may_grant(role) {
        return Some(format!(
            "{} account cannot make a token with the {role} role; a token can do no more than \
             the account it acts for",
            users::with_article(user.role)
        ));
    }
    if role.needs_person() && user.person_id.is_none() {
        return Some(format!(
            "{} token acts as a person in the register, and {} is not linked to one",
            users::with_article(role),
            user.username
        ));
    }
    None
}

pub async fn create<T: AuthTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    req: CreateToken,
) -> DomainResult<CreatedToken> {
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(DomainError::invalid(
            "name",
            "give the token a name of 1 to 100 characters saying what it is for",
        ));
    }
    if req.expires_on.is_some_and(|day| day <= ctx.today) {
        return Err(DomainError::invalid(
            "expires",
            format!("the expiry day must be after today ({})", ctx.today),
        ));
    }
    let user = users::find(tx, council, &req.username).await?;
    if user.disabled {
        return Err(DomainError::invalid(
            "username",
            format!("{} is disabled", user.username),
        ));
    }
    if let Some(problem) = role_problem(&user, req.role) {
        return Err(DomainError::invalid("role", problem));
    }
    // Provisioning adds people and ends their terms, as an administrator may.
    if req.scope == TokenScope::Scim && (req.role != Role::Admin || user.role != Role::Admin) {
        return Err(DomainError::invalid(
            "scope",
            "a SCIM provisioning token is made by an administrator, with the admin role",
        ));
    }
    let secret = TokenSecret::generate()?;
    let new = NewApiToken {
        token_hash: secret.digest(),
        name: name.to_string(),
        role: req.role,
        created_by: user.id,
        created_at: ctx.now,
        expires_on: req.expires_on,
        scope: req.scope,
    };
    let token = tx.insert_token(council.id, &new).await?;
    audit(
        tx,
        ctx,
        council.id,
        "token.create",
        "api_token",
        token.id,
        super::NONE,
        Some(&token),
    )
    .await?;
    Ok(CreatedToken { token, secret })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenStatus {
    Active,
    Expired,
    Revoked,
}

impl TokenStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenStatus::Active => "active",
            TokenStatus::Expired => "expired",
            TokenStatus::Revoked => "revoked",
        }
    }
}

impl std::str::FromStr for TokenStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        [
            TokenStatus::Active,
            TokenStatus::Expired,
            TokenStatus::Revoked,
        ]
        .into_iter()
        .find(|t| t.as_str() == s.trim().to_ascii_lowercase())
        .ok_or_else(|| "give a token status: active, expired or revoked".to_string())
    }
}

impl TokenStatus {
    /// Where `token` stands at `now`.
    pub fn of(token: &ApiToken, now: DateTime<Utc>) -> TokenStatus {
        if token.revoked_at.is_some() {
            TokenStatus::Revoked
        } else if token.is_live(now) {
            TokenStatus::Active
        } else {
            TokenStatus::Expired
        }
    }
}

/// A token as listed: never its secret.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TokenView {
    #[serde(flatten)]
    pub token: ApiToken,
    pub username: Option<Username>,
    pub status: TokenStatus,
}

/// One token as the list shows it.
pub async fn view<T: AuthTx>(
    tx: &mut T,
    council: &Council,
    id: Id,
    now: DateTime<Utc>,
) -> DomainResult<TokenView> {
    let token = tx
        .token(council.id, id)
        .await?
        .ok_or_else(|| DomainError::not_found("token", id))?;
    let username = tx
        .user(token.council_id, token.created_by)
        .await?
        .map(|u| u.username);
    Ok(TokenView {
        status: TokenStatus::of(&token, now),
        token,
        username,
    })
}

pub async fn revoke<T: AuthTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    id: Id,
) -> DomainResult<ApiToken> {
    let token = tx
        .token(council.id, id)
        .await?
        .ok_or_else(|| DomainError::not_found("token", id))?;
    if token.revoked_at.is_some() {
        return Err(DomainError::Conflict {
            field: "token".into(),
            message: format!("token {id} is already revoked"),
        });
    }
    tx.revoke_token(token.council_id, token.id, ctx.now).await?;
    let after = ApiToken {
        revoked_at: Some(ctx.now),
        ..token.clone()
    };
    audit(
        tx,
        ctx,
        council.id,
        "token.revoke",
        "api_token",
        token.id,
        Some(&token),
        Some(&after),
    )
    .await?;
    Ok(after)
}

/// The account a bearer token acts for, found by reading alone, and whether its last use is
/// old enough to be written again ([`touch`]). None for an unknown, expired or revoked token,
/// or one whose account can no longer hold its role.
pub async fn check<T: AuthTx>(
    tx: &mut T,
    raw_token: &str,
    now: DateTime<Utc>,
) -> DomainResult<Option<(User, ApiToken, bool)>> {
    let Some(secret) = TokenSecret::parse(raw_token) else {
        return Ok(None);
    };
    let Some(token) = tx.token_by_hash(&secret.digest()).await? else {
        return Ok(None);
    };
    if !token.is_live(now) {
        return Ok(None);
    }
    let user = tx
        .user(token.council_id, token.created_by)
        .await?
        .filter(|u| u.council_id == token.council_id && !u.disabled);
    let Some(user) = user.filter(|u| role_problem(u, token.role).is_none()) else {
        return Ok(None);
    };
    let due = token
        .last_used_at
        .is_none_or(|last| now - last >= super::sessions::TOUCH_EVERY);
    Ok(Some((user, token, due)))
}

/// Records a token's use at `now`.
pub async fn touch<T: AuthTx>(
    tx: &mut T,
    token: &ApiToken,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    Ok(tx.touch_token(token.council_id, token.id, now).await?)
}

/// [`check`], then its last use written when due, in the one transaction.
pub async fn authenticate<T: AuthTx>(
    tx: &mut T,
    raw_token: &str,
    now: DateTime<Utc>,
) -> DomainResult<Option<(User, ApiToken)>> {
    let Some((user, token, due)) = check(tx, raw_token, now).await? else {
        return Ok(None);
    };
    if !due {
        return Ok(Some((user, token)));
    }
    touch(tx, &token, now).await?;
    let token = ApiToken {
        last_used_at: Some(now),
        ..token
    };
    Ok(Some((user, token)))
}
