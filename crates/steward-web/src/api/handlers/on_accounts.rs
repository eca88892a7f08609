//! Accounts, their invitations, and API tokens.

use super::*;
use steward_domain::auth::TokenScope;
use steward_domain::ops::account_list::{
    self, AccountFilter, AccountQuery, TokenFilter, TokenQuery, TokenView, UserView,
};
use steward_domain::ops::invitations::{self, CreateInvited, Invited};

pub(crate) async fn users_list(
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<UserView>>> {
    caller.principal.admin()?;
    let filter = AccountFilter {
        role: q.parsed("role", "give a role: member, officer, auditor or admin")?,
        status: q.parsed(
            "status",
            "give an account status: active, must_change_password, invited or disabled",
        )?,
    };
    let query: AccountQuery = q.list_query(filter)?;
    let page = account_list::accounts(&mut tx, &caller.council, &query).await?;
    Ok(Json(Page::from(page)))
}

pub(crate) async fn tokens_list(
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<TokenView>>> {
    caller.principal.admin()?;
    let filter = TokenFilter {
        status: q.parsed("status", "give a token status: active, expired or revoked")?,
    };
    let query: TokenQuery = q.list_query(filter)?;
    let page = account_list::tokens(&mut tx, &caller.council, &query, caller.now).await?;
    Ok(Json(Page::from(page)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewToken {
    username: String,
    role: String,
    name: String,
    expires_on: Option<String>,
    scope: Option<String>,
}

/// A token just made: the only time its secret is shown.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct MadeToken {
    token: steward_domain::auth::ApiToken,
    secret: String,
}

pub(crate) async fn token_create(
    State(state): State<ApiState>,
    caller: Caller,
    Body(b): Body<NewToken>,
) -> ApiResult<Created<MadeToken>> {
    caller.principal.admin()?;
    let req = tokens::CreateToken {
        username: field("username", &b.username)?,
        role: field("role", &b.role)?,
        name: b.name,
        expires_on: opt_day("expires_on", &b.expires_on)?,
        scope: match &b.scope {
            Some(s) => field("scope", s)?,
            None => TokenScope::Api,
        },
    };
    let mut tx = write(&state).await?;
    let made = tokens::create(&mut tx, &caller.ctx(), &caller.council, req).await?;
    tx.commit().await?;
    Ok(created(MadeToken {
        secret: made.secret.expose().to_string(),
        token: made.token,
    }))
}

pub(crate) async fn token_revoke(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
) -> ApiResult<Json<steward_domain::auth::ApiToken>> {
    caller.principal.admin()?;
    let id = path_id("token", &i)?;
    let mut tx = write(&state).await?;
    let revoked = tokens::revoke(&mut tx, &caller.ctx(), &caller.council, id).await?;
    tx.commit().await?;
    Ok(Json(revoked))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewUser {
    username: String,
    role: String,
    person: Option<String>,
    /// A temporary password, only where this server sends no email: its holder must choose
    /// their own at first sign-in.
    password: Option<String>,
    /// Invite the holder by email to choose their own password; the default where this server
    /// sends email, and refused where it does not.
    invite: Option<bool>,
    /// Where the invitation goes, when not to the linked person's address.
    email: Option<String>,
}

/// An account just made, and its invitation when its holder was invited.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct MadeUser {
    #[serde(flatten)]
    user: steward_domain::auth::User,
    #[serde(skip_serializing_if = "Option::is_none")]
    invitation: Option<Invited>,
}

pub(crate) async fn user_create(
    State(state): State<ApiState>,
    caller: Caller,
    Body(b): Body<NewUser>,
) -> ApiResult<Created<MadeUser>> {
    caller.principal.admin()?;
    let username: Username = field("username", &b.username)?;
    let role = field("role", &b.role)?;
    let person = b
        .person
        .as_deref()
        .map(|p| field("person", p))
        .transpose()?;
    let mut tx = write(&state).await?;
    let (ctx, council) = (caller.ctx(), &caller.council);
    // Where this server sends email the holder is invited, so no one else ever knows their
    // password; a temporary password is only for where it cannot.
    let invite = b.invite.unwrap_or(state.sends_mail);
    let made = match (invite, b.password) {
        (true, Some(_)) => {
            return Err(ApiError::invalid(
                "password",
                "an invited account has no password until its holder chooses one; leave it out",
            ));
        }
        (true, None) if !state.sends_mail => {
            return Err(ApiError::invalid(
                "invite",
                "this server does not send email, so it cannot invite; give a temporary password",
            ));
        }
        (false, Some(_)) if state.sends_mail => {
            return Err(ApiError::invalid(
                "password",
                "this server sends email: leave the password out and the holder is invited to \
                 choose their own",
            ));
        }
        (false, None) => {
            return Err(ApiError::invalid("password", "give a temporary password"));
        }
        (true, None) => {
            let req = CreateInvited {
                username,
                role,
                person,
                email: b.email,
            };
            let (user, invited) = invitations::create_invited(&mut tx, &ctx, council, req).await?;
            MadeUser {
                user,
                invitation: Some(invited),
            }
        }
        (false, Some(password)) => {
            let req = users::CreateUser {
                role,
                person,
                password: steward_domain::auth::Password::new(password, &username)?,
                username,
                must_change_password: true,
            };
            MadeUser {
                user: users::create(&mut tx, &ctx, council, req).await?,
                invitation: None,
            }
        }
    };
    tx.commit().await?;
    Ok(created(made))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Invite {
    email: Option<String>,
}

/// Invites an account's holder to choose their password; any earlier link stops working.
pub(crate) async fn user_invite(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(u): Seg,
    Body(b): Body<Invite>,
) -> ApiResult<Created<Invited>> {
    caller.principal.admin()?;
    let username = other_account(&caller, &u)?;
    if !state.sends_mail {
        return Err(steward_domain::DomainError::Conflict {
            field: "username".into(),
            message: "this server does not send email, so it cannot send an invitation; reset \
                      the password instead"
                .into(),
        }
        .into());
    }
    let mut tx = write(&state).await?;
    let invited = invitations::invite(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &username,
        b.email.as_deref(),
    )
    .await?;
    tx.commit().await?;
    Ok(created(invited))
}

/// The account named in the path, which may not be the caller's own: an administrator who
/// disabled or reset themselves would be locked out.
fn other_account(caller: &Caller, text: &str) -> ApiResult<Username> {
    let username: Username = text
        .parse()
        .map_err(|_| ApiError::not_found(format!("user '{text}' was not found")))?;
    if username == caller.principal.user.username {
        return Err(steward_domain::DomainError::Conflict {
            field: "username".into(),
            message: "you cannot disable, enable, reset or invite the account you are acting as"
                .into(),
        }
        .into());
    }
    Ok(username)
}

pub(crate) async fn user_disable(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(u): Seg,
) -> ApiResult<Json<users::Disabled>> {
    caller.principal.admin()?;
    let username = other_account(&caller, &u)?;
    let mut tx = write(&state).await?;
    let done = users::disable(&mut tx, &caller.ctx(), &caller.council, &username).await?;
    tx.commit().await?;
    Ok(Json(done))
}

pub(crate) async fn user_enable(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(u): Seg,
) -> ApiResult<Json<steward_domain::auth::User>> {
    caller.principal.admin()?;
    let username = other_account(&caller, &u)?;
    let mut tx = write(&state).await?;
    let user = users::enable(&mut tx, &caller.ctx(), &caller.council, &username).await?;
    tx.commit().await?;
    Ok(Json(user))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Reset {
    password: String,
}

/// An administrator's reset: every session of the account ends and its holder must choose
/// their own password at the next sign-in.
pub(crate) async fn user_reset_password(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(u): Seg,
    Body(b): Body<Reset>,
) -> ApiResult<Json<steward_domain::auth::User>> {
    caller.principal.admin()?;
    let username = other_account(&caller, &u)?;
    let mut tx = write(&state).await?;
    let user = users::set_password(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &username,
        users::PasswordChange::Reset,
        &b.password,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(user))
}

/// How the council signs in with its identity provider, as an administrator reads it: where
/// the client secret is read from on the server, never the secret.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct SignInSettings {
    /// The council's name.
    council: String,
    /// None where everyone signs in with a password.
    settings: Option<steward_domain::auth::OidcSettings>,
}

/// `GET /oidc`: the council's identity-provider settings (administrators).
pub(crate) async fn oidc_settings(
    Reader { caller, mut tx }: Reader,
) -> ApiResult<Json<SignInSettings>> {
    caller.principal.admin()?;
    let settings = steward_domain::ops::oidc::settings(&mut tx, &caller.council).await?;
    Ok(Json(SignInSettings {
        council: caller.council.name.clone(),
        settings,
    }))
}

/// `GET /directory`: where the council's people are read from and how (administrators): the
/// source, attributes and group mapping, and where the server reads any secret from, never the
/// secret.
pub(crate) async fn directory_settings(
    Reader { caller, mut tx }: Reader,
) -> ApiResult<Json<steward_domain::directory::settings::DirectorySettings>> {
    caller.principal.admin()?;
    let settings = steward_domain::directory::apply::settings(&mut tx, &caller.council).await?;
    Ok(Json(settings))
}
