//! Accounts.

use super::*;

pub(crate) async fn users_list(
    State(state): State<ApiState>,
    caller: Caller,
    Q(q): Q,
) -> ApiResult<Json<Page<users::UserView>>> {
    caller.principal.admin()?;
    let page = q.page()?;
    let mut tx = read(&state).await?;
    let all = users::list(&mut tx, &caller.council).await?;
    Ok(Json(page.of(all, |u| u.user.id)))
}

pub(crate) async fn tokens_list(
    State(state): State<ApiState>,
    caller: Caller,
    Q(q): Q,
) -> ApiResult<Json<Page<tokens::TokenView>>> {
    caller.principal.admin()?;
    let page = q.page()?;
    let mut tx = read(&state).await?;
    let all = tokens::list(&mut tx, &caller.council, caller.now).await?;
    Ok(Json(page.of(all, |t| t.token.id)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewToken {
    username: String,
    role: String,
    name: String,
    expires_on: Option<String>,
}

/// A token just made: the only time its secret is shown.
#[derive(Serialize)]
pub(crate) struct MadeToken {
    token: steward_domain::auth::ApiToken,
    secret: String,
}

pub(crate) async fn token_create(
    State(state): State<ApiState>,
    caller: Caller,
    Body(b): Body<NewToken>,
) -> ApiResult<Response> {
    caller.principal.admin()?;
    let req = tokens::CreateToken {
        username: field("username", &b.username)?,
        role: field("role", &b.role)?,
        name: b.name,
        expires_on: opt_day("expires_on", &b.expires_on)?,
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
    /// A temporary password: its holder must choose their own at first sign-in.
    password: String,
}

pub(crate) async fn user_create(
    State(state): State<ApiState>,
    caller: Caller,
    Body(b): Body<NewUser>,
) -> ApiResult<Response> {
    caller.principal.admin()?;
    let username: Username = field("username", &b.username)?;
    let req = users::CreateUser {
        role: field("role", &b.role)?,
        person: b
            .person
            .as_deref()
            .map(|p| field("person", p))
            .transpose()?,
        password: steward_domain::auth::Password::new(b.password, &username)?,
        username,
        must_change_password: true,
    };
    let mut tx = write(&state).await?;
    let user = users::create(&mut tx, &caller.ctx(), &caller.council, req).await?;
    tx.commit().await?;
    Ok(created(user))
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
            message: "you cannot disable, enable or reset the account you are acting as".into(),
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
