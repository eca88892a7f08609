//! The administrator's accounts: the list (searched, filtered, sorted and paged in the
//! database), one account with its invitation, and disabling, enabling, resetting and inviting.
//! Every change goes through `ops::users` or `ops::invitations`, which audit it. Making an
//! account is in `account_new`.

use super::{at, moment};
use crate::listing::{
    Column, EXPORT_BATCH, ListQuery, Listing, Row, column, csv_of_all, plain_column,
};
use crate::pages::{FieldError, Page, by_field, sentence};
use crate::session::{CsrfForm, Reading, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::auth::{AuthTx, Invitation, InvitationState, Role, Username};
use steward_domain::listing::Window;
use steward_domain::ops::account_list::{
    self, AccountFilter, AccountQuery, AccountStatus, UserView,
};
use steward_domain::ops::{invitations, users};
use steward_domain::{Council, DomainError};

const COLUMNS: &[Column] = &[
    column("username", "Username"),
    column("role", "Role"),
    plain_column("person", "Acts as"),
    plain_column("status", "Status"),
    column("last_sign_in", "Last sign-in"),
    column("created", "Created"),
];

/// "Ada Quill (M1)", or nothing for an account that acts as no one.
fn acts_as(v: &UserView) -> String {
    match (&v.person_name, &v.person) {
        (Some(name), Some(r)) => format!("{name} ({r})"),
        (None, Some(r)) => r.to_string(),
        _ => String::new(),
    }
}

fn row(council: &Council, v: &UserView) -> Row {
    Row::new(vec![
        v.user.username.to_string(),
        v.user.role.label().to_string(),
        acts_as(v),
        v.status.label().to_string(),
        v.user
            .last_sign_in_at
            .as_ref()
            .map(moment)
            .unwrap_or_else(|| "Never".into()),
        moment(&v.user.created_at),
    ])
    .link(at(council, &format!("/admin/accounts/{}", v.user.username)))
}

/// The list's own filters and what was just done, as the page's query gives them.
#[derive(Deserialize)]
pub struct AccountParams {
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    invited: Option<String>,
    #[serde(flatten)]
    list: ListQuery,
}

/// The banner after making an account.
fn done_words(params: &AccountParams) -> Option<String> {
    let named = |text: &Option<String>| text.as_deref().and_then(|n| n.parse::<Username>().ok());
    if let Some(u) = named(&params.invited) {
        return Some(format!(
            "Account {u} created. An invitation to choose their own password is queued for \
             them; its link works once, for 72 hours from when it is sent."
        ));
    }
    named(&params.created).map(|u| {
        format!("Account {u} created. They must choose their own password when they first sign in.")
    })
}

/// Every account of the council, searchable, filterable, sortable and as CSV.
pub async fn list(
    State(state): State<AppState>,
    Reading {
        signed,
        tx: page_tx,
    }: Reading,
    Query(params): Query<AccountParams>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let filter = AccountFilter {
        role: params.role.as_deref().and_then(|r| r.parse().ok()),
        status: params.status.as_deref().and_then(|s| s.parse().ok()),
    };
    let query: AccountQuery = params.list.to_query(filter);
    let council = &signed.council;
    if params.list.wants_csv() {
        // The export reads in batches of its own.
        drop(page_tx);
        return csv_of_all("accounts", COLUMNS, |cursor| {
            let mut batch = query.clone();
            batch.window = Window::at(EXPORT_BATCH, cursor);
            let state = state.clone();
            async move {
                let mut tx = state.store.read().await?;
                let page = account_list::accounts(&mut tx, council, &batch).await?;
                Ok(page.map(|v| row(council, &v)))
            }
        })
        .await;
    }
    let mut tx = page_tx;
    let page = account_list::accounts(&mut tx, council, &query).await?;
    drop(tx);
    let action = at(council, "/admin/accounts");
    let role = query.filter.role.map(|r| r.as_str()).unwrap_or_default();
    let status = query.filter.status.map(|s| s.as_str()).unwrap_or_default();
    let listing = Listing::paged(
        &action,
        &[("role", role), ("status", status)],
        COLUMNS,
        query.sort.as_str(),
        &params.list,
        page.map(|v| row(council, &v)),
    );
    let roles: Vec<(&str, &str)> = Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect();
    let statuses: Vec<(&str, &str)> = AccountStatus::ALL
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect();
    let page = Page::new("Accounts")
        .council(council)
        .viewer(&signed)
        .nav("accounts");
    Ok(Html(state.pages.render(
        "pages/oversight_accounts.html",
        &page,
        context! {
            list => Serde(&listing),
            action,
            done => done_words(&params),
            roles,
            statuses,
            role,
            status,
        },
    )?)
    .into_response())
}

#[derive(Serialize)]
struct AccountView {
    username: String,
    role: &'static str,
    person: Option<String>,
    acts_as: String,
    status: &'static str,
    disabled: bool,
    created: String,
    password_changed: String,
    last_sign_in: Option<String>,
    invitation: Option<String>,
    yourself: bool,
    /// The identity at the provider the account is linked to, in words.
    identity: Option<String>,
}

/// Where the account's latest invitation stands, in a sentence.
fn invitation_words(i: &Invitation, now: chrono::DateTime<chrono::Utc>) -> String {
    let made = moment(&i.created_at);
    match (i.state_at(now), i.expires_at, i.used_at) {
        (InvitationState::Waiting, _, _) => {
            format!("Made at {made}; waiting in the outbox to be sent.")
        }
        (InvitationState::Open, Some(until), _) => format!(
            "Sent at {}; its link works until {}.",
            i.sent_at.as_ref().map(moment).unwrap_or_default(),
            moment(&until)
        ),
        (InvitationState::Used, _, Some(used)) => {
            format!("Used at {} to choose a password.", moment(&used))
        }
        (InvitationState::Expired, Some(until), _) => format!(
            "Its link ran out at {} without being used. Send a new one below.",
            moment(&until)
        ),
        (InvitationState::Withdrawn, _, _) => {
            format!("Made at {made}, then replaced by a temporary password or a newer invitation.")
        }
        _ => format!("Made at {made}."),
    }
}

/// What the account page says was just done.
#[derive(Deserialize)]
pub struct AccountDone {
    done: Option<String>,
}

fn done_sentence(done: Option<&str>) -> Option<&'static str> {
    match done {
        Some("disabled") => {
            Some("The account is disabled. Its sessions have ended and it can no longer sign in.")
        }
        Some("enabled") => Some("The account is enabled. It can sign in again."),
        Some("reset") => Some(
            "The password has been reset. Every session of the account has ended, and its holder must choose their own password at the next sign-in.",
        ),
        Some("linked") => Some(
            "The identity is linked: signing in with the council's identity provider as that identity reaches this account.",
        ),
        Some("unlinked") => Some(
            "The identity is unlinked. The account can no longer be reached by signing in with the identity provider.",
        ),
        Some("invited") => Some(
            "An invitation to choose a password is queued. Its link works once, for 72 hours from when it is sent; any earlier link no longer works.",
        ),
        _ => None,
    }
}

pub(super) async fn render_account(
    state: &AppState,
    signed: &SignedIn,
    username: &Username,
    done: Option<&str>,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let mut tx = state.store.read().await?;
    let found = match users::view(&mut tx, &signed.council, username).await {
        Err(DomainError::NotFound { .. }) => return Err(WebError::not_found()),
        other => other?,
    };
    let latest = invitations::latest_of(&mut tx, &found.user).await?;
    let how = tx
        .account_sign_in(signed.council.id, found.user.id)
        .await
        .map_err(DomainError::from)?;
    drop(tx);
    let user = &found.user;
    let view = AccountView {
        username: user.username.to_string(),
        role: user.role.label(),
        person: found.person.as_ref().map(|p| p.to_string()),
        acts_as: acts_as(&found),
        status: found.status.label(),
        disabled: user.disabled,
        created: moment(&user.created_at),
        password_changed: moment(&user.password_changed_at),
        last_sign_in: user.last_sign_in_at.as_ref().map(moment),
        invitation: latest.as_ref().map(|i| invitation_words(i, signed.now)),
        yourself: user.username == signed.principal.user.username,
        identity: how.external.as_ref().map(|e| e.describe()),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let title = format!("Account {username}");
    let mut page = Page::new(&title)
        .council(&signed.council)
        .viewer(signed)
        .nav("accounts");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/oversight_account.html",
        &page,
        context! {
            account => Serde(&view),
            done => done_sentence(done),
            field_errors,
            sends_mail => state.sends_mail,
            csrf_token => &signed.session.csrf_token,
        },
    )?;
    Ok((status, Html(html)).into_response())
}

fn path_username(text: &str) -> Result<Username, WebError> {
    text.parse().map_err(|_| WebError::not_found())
}

/// One account, with what an administrator may do to it.
pub async fn detail(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, username)): Path<(String, String)>,
    Query(done): Query<AccountDone>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let username = path_username(&username)?;
    render_account(&state, &signed, &username, done.done.as_deref(), Vec::new()).await
}

pub(super) fn error(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// The account an action is about, which may not be the administrator's own: they would lock
/// themselves out.
fn other(signed: &SignedIn, username: &Username) -> Option<FieldError> {
    (username == &signed.principal.user.username).then(|| {
        error(
            "action",
            "You cannot disable, enable, reset or invite the account you are signed in with",
        )
    })
}

/// The account page again, with a refusal in its error summary.
fn refusal(e: DomainError) -> Result<FieldError, WebError> {
    match e {
        DomainError::Conflict { message, .. } => Ok(error("action", sentence(&message))),
        DomainError::Invalid { field, message } if field == "email" => {
            Ok(error("email", sentence(&message)))
        }
        DomainError::Invalid { message, .. } => Ok(error("password", sentence(&message))),
        other => Err(other.into()),
    }
}

fn done_at(signed: &SignedIn, username: &Username, done: &str) -> Response {
    let to = at(
        &signed.council,
        &format!("/admin/accounts/{username}?done={done}"),
    );
    Redirect::to(&to).into_response()
}

#[derive(Deserialize)]
pub struct NoFields {}

/// What one of the account page's actions does, in its own transaction.
enum Action {
    Disable,
    Enable,
    Reset(String),
    Invite(Option<String>),
}

async fn act(
    state: &AppState,
    signed: &SignedIn,
    username: &str,
    action: Action,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let username = path_username(username)?;
    if let Some(refused) = other(signed, &username) {
        return render_account(state, signed, &username, None, vec![refused]).await;
    }
    let (ctx, council) = (signed.ctx(), &signed.council);
    let mut tx = state.store.begin().await?;
    let (done, result) = match action {
        Action::Disable => (
            "disabled",
            users::disable(&mut tx, &ctx, council, &username)
                .await
                .map(|_| ()),
        ),
        Action::Enable => (
            "enabled",
            users::enable(&mut tx, &ctx, council, &username)
                .await
                .map(|_| ()),
        ),
        Action::Reset(password) => {
            let change = users::PasswordChange::Reset;
            let set = users::set_password(&mut tx, &ctx, council, &username, change, &password);
            ("reset", set.await.map(|_| ()))
        }
        Action::Invite(email) => {
            let made = invitations::invite(&mut tx, &ctx, council, &username, email.as_deref());
            ("invited", made.await.map(|_| ()))
        }
    };
    match result {
        Ok(()) => {
            tx.commit().await?;
            Ok(done_at(signed, &username, done))
        }
        Err(e) => {
            drop(tx);
            render_account(state, signed, &username, None, vec![refusal(e)?]).await
        }
    }
}

pub async fn disable(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, username)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    act(&state, &signed, &username, Action::Disable).await
}

pub async fn enable(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, username)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    act(&state, &signed, &username, Action::Enable).await
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
}

/// An administrator's reset: the holder chooses their own password at the next sign-in.
pub async fn reset(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, username)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> Result<Response, WebError> {
    if form.password.is_empty() {
        signed.principal.admin()?;
        let username = path_username(&username)?;
        let missing = error("password", "Enter a temporary password");
        return render_account(&state, &signed, &username, None, vec![missing]).await;
    }
    act(&state, &signed, &username, Action::Reset(form.password)).await
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
}

/// Sends the holder a new invitation to choose their password; an earlier link stops working.
pub async fn invite(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, username)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> Result<Response, WebError> {
    if !state.sends_mail {
        signed.principal.admin()?;
        let username = path_username(&username)?;
        let refused = error(
            "action",
            "This server does not send email, so it cannot send an invitation; reset the \
             password instead",
        );
        return render_account(&state, &signed, &username, None, vec![refused]).await;
    }
    let email = Some(form.email.trim().to_string()).filter(|e| !e.is_empty());
    act(&state, &signed, &username, Action::Invite(email)).await
}
