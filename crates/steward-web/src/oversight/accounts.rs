//! The administrator's accounts: the list, a new account with a temporary password, and
//! disabling and enabling. Every change goes through `ops::users`, which audits it.

use super::{at, moment};
use crate::listing::{ListQuery, Listing, Row, column};
use crate::pages::{FieldError, Page, by_field, sentence};
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::auth::{Password, Role, User, Username};
use steward_domain::ops::users::{self, CreateUser};
use steward_domain::{DomainError, PersonRef};

const COLUMNS: &[crate::listing::Column] = &[
    column("username", "Username"),
    column("role", "Role"),
    column("person", "Person"),
    column("status", "Status"),
    column("last_sign_in", "Last sign-in"),
];

fn status_words(user: &User) -> &'static str {
    if user.disabled {
        "Disabled"
    } else if user.must_change_password {
        "Must choose a password"
    } else {
        "Active"
    }
}

/// What the list says was just done.
#[derive(Deserialize)]
pub struct Done {
    created: Option<String>,
}

/// Every account of the council, searchable, sortable and as CSV.
pub async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(done): Query<Done>,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let mut tx = state.store.read().await?;
    let rows: Vec<Row> = users::list(&mut tx, &signed.council)
        .await?
        .into_iter()
        .map(|v| {
            let last = v.user.last_sign_in_at;
            Row::new(vec![
                v.user.username.to_string(),
                v.user.role.as_str().to_string(),
                v.person.map(|p| p.to_string()).unwrap_or_default(),
                status_words(&v.user).to_string(),
                last.as_ref().map(moment).unwrap_or_else(|| "Never".into()),
            ])
            .key(4, last.map(|t| t.to_rfc3339()).unwrap_or_default())
            .link(at(
                &signed.council,
                &format!("/admin/accounts/{}", v.user.username),
            ))
        })
        .collect();
    let action = at(&signed.council, "/admin/accounts");
    let listing = Listing::new(&action, &[], COLUMNS, "username", &query, rows);
    if query.wants_csv() {
        return listing.csv("accounts");
    }
    let created = done
        .created
        .as_deref()
        .and_then(|n| n.parse::<Username>().ok())
        .map(|u| {
            format!(
                "Account {u} created. They must choose their own password when they first sign in."
            )
        });
    let page = Page::new("Accounts")
        .council(&signed.council)
        .viewer(&signed)
        .nav("accounts");
    Ok(Html(state.pages.render(
        "pages/oversight_accounts.html",
        &page,
        context! { list => Serde(&listing), action, done => created },
    )?)
    .into_response())
}

#[derive(Serialize)]
struct AccountView {
    username: String,
    role: &'static str,
    person: Option<String>,
    status: &'static str,
    disabled: bool,
    created: String,
    password_changed: String,
    last_sign_in: Option<String>,
    yourself: bool,
}

/// What the account page says was just done.
#[derive(Deserialize)]
pub struct AccountDone {
    done: Option<String>,
}

async fn render_account(
    state: &AppState,
    signed: &SignedIn,
    username: &Username,
    done: Option<&str>,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let mut tx = state.store.read().await?;
    let found = users::list(&mut tx, &signed.council)
        .await?
        .into_iter()
        .find(|v| &v.user.username == username)
        .ok_or_else(WebError::not_found)?;
    let user = &found.user;
    let view = AccountView {
        username: user.username.to_string(),
        role: user.role.as_str(),
        person: found.person.as_ref().map(|p| p.to_string()),
        status: status_words(user),
        disabled: user.disabled,
        created: moment(&user.created_at),
        password_changed: moment(&user.password_changed_at),
        last_sign_in: user.last_sign_in_at.as_ref().map(moment),
        yourself: user.username == signed.principal.user.username,
    };
    let done = match done {
        Some("disabled") => {
            Some("The account is disabled. Its sessions have ended and it can no longer sign in.")
        }
        Some("enabled") => Some("The account is enabled. It can sign in again."),
        Some("reset") => Some(
            "The password has been reset. Every session of the account has ended, and its holder must choose their own password at the next sign-in.",
        ),
        _ => None,
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
            done,
            field_errors,
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

#[derive(Deserialize, Default)]
pub struct NewAccountForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    person: String,
    #[serde(default)]
    password: String,
}

fn render_new(
    state: &AppState,
    signed: &SignedIn,
    errors: Vec<FieldError>,
    form: &NewAccountForm,
) -> Result<Html<String>, WebError> {
    let mut page = Page::new("Create an account")
        .council(&signed.council)
        .viewer(signed)
        .nav("accounts");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
    Ok(Html(state.pages.render(
        "pages/oversight_account_new.html",
        &page,
        context! {
            username => form.username.trim(),
            role => form.role.trim(),
            person => form.person.trim(),
            roles,
            field_errors,
            csrf_token => &signed.session.csrf_token,
        },
    )?))
}

pub async fn new_page(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, WebError> {
    signed.principal.admin()?;
    render_new(&state, &signed, Vec::new(), &NewAccountForm::default())
}

fn error(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// The account the form asks for, or every problem with it.
fn read_new(form: &NewAccountForm) -> Result<CreateUser, Vec<FieldError>> {
    let mut errors = Vec::new();
    let username = match form.username.trim() {
        "" => {
            errors.push(error("username", "Enter a username"));
            None
        }
        text => match text.parse::<Username>() {
            Ok(u) => Some(u),
            Err(e) => {
                errors.push(error("username", sentence(&e.to_string())));
                None
            }
        },
    };
    let role = match form.role.trim().parse::<Role>() {
        Ok(r) => Some(r),
        Err(_) => {
            errors.push(error("role", "Choose the account's role"));
            None
        }
    };
    let person = match form.person.trim() {
        "" => None,
        text => match text.parse::<PersonRef>() {
            Ok(p) => Some(p),
            Err(e) => {
                errors.push(error("person", sentence(&e.to_string())));
                None
            }
        },
    };
    let password = if form.password.is_empty() {
        errors.push(error("password", "Enter a temporary password"));
        None
    } else {
        match &username {
            Some(u) => match Password::new(form.password.clone(), u) {
                Ok(p) => Some(p),
                Err(DomainError::Invalid { message, .. }) => {
                    errors.push(error("password", sentence(&message)));
                    None
                }
                Err(e) => {
                    errors.push(error("password", sentence(&e.to_string())));
                    None
                }
            },
            None => None,
        }
    };
    match (username, role, password) {
        (Some(username), Some(role), Some(password)) if errors.is_empty() => Ok(CreateUser {
            username,
            role,
            person,
            password,
            must_change_password: true,
        }),
        _ => Err(errors),
    }
}

/// Creates an account whose holder must choose their own password at first sign-in.
pub async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<NewAccountForm>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let errors = match read_new(&form) {
        Err(errors) => errors,
        Ok(req) => {
            let username = req.username.clone();
            let mut tx = state.store.begin().await?;
            match users::create(&mut tx, &signed.ctx(), &signed.council, req).await {
                Ok(_) => {
                    tx.commit().await?;
                    let to = at(
                        &signed.council,
                        &format!("/admin/accounts?created={username}"),
                    );
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(DomainError::NotFound { what: "person", .. }) => vec![error(
                    "person",
                    format!(
                        "No one in the register has the reference {}",
                        form.person.trim()
                    ),
                )],
                Err(DomainError::Invalid { field, message })
                | Err(DomainError::Conflict { field, message }) => {
                    let field = match field.as_str() {
                        "person" => "person",
                        "password" => "password",
                        "role" => "role",
                        _ => "username",
                    };
                    vec![error(field, sentence(&message))]
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let html = render_new(&state, &signed, errors, &form)?;
    Ok((StatusCode::BAD_REQUEST, html).into_response())
}

/// The account an action is about, which may not be the administrator's own: they would lock
/// themselves out.
fn other(signed: &SignedIn, username: &Username) -> Option<FieldError> {
    (username == &signed.principal.user.username).then(|| {
        error(
            "action",
            "You cannot disable, enable or reset the account you are signed in with",
        )
    })
}

/// The account page again, with a refusal in its error summary.
fn refusal(e: DomainError) -> Result<FieldError, WebError> {
    match e {
        DomainError::Conflict { message, .. } => Ok(error("action", sentence(&message))),
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

pub async fn disable(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, username)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let username = path_username(&username)?;
    if let Some(refused) = other(&signed, &username) {
        return render_account(&state, &signed, &username, None, vec![refused]).await;
    }
    let mut tx = state.store.begin().await?;
    match users::disable(&mut tx, &signed.ctx(), &signed.council, &username).await {
        Ok(_) => {
            tx.commit().await?;
            Ok(done_at(&signed, &username, "disabled"))
        }
        Err(e) => {
            drop(tx);
            render_account(&state, &signed, &username, None, vec![refusal(e)?]).await
        }
    }
}

pub async fn enable(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, username)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let username = path_username(&username)?;
    if let Some(refused) = other(&signed, &username) {
        return render_account(&state, &signed, &username, None, vec![refused]).await;
    }
    let mut tx = state.store.begin().await?;
    match users::enable(&mut tx, &signed.ctx(), &signed.council, &username).await {
        Ok(_) => {
            tx.commit().await?;
            Ok(done_at(&signed, &username, "enabled"))
        }
        Err(e) => {
            drop(tx);
            render_account(&state, &signed, &username, None, vec![refusal(e)?]).await
        }
    }
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
    signed.principal.admin()?;
    let username = path_username(&username)?;
    if let Some(refused) = other(&signed, &username) {
        return render_account(&state, &signed, &username, None, vec![refused]).await;
    }
    if form.password.is_empty() {
        let missing = error("password", "Enter a temporary password");
        return render_account(&state, &signed, &username, None, vec![missing]).await;
    }
    let mut tx = state.store.begin().await?;
    let change = users::PasswordChange::Reset;
    match users::set_password(
        &mut tx,
        &signed.ctx(),
        &signed.council,
        &username,
        change,
        &form.password,
    )
    .await
    {
        Ok(_) => {
            tx.commit().await?;
            Ok(done_at(&signed, &username, "reset"))
        }
        Err(e) => {
            drop(tx);
            render_account(&state, &signed, &username, None, vec![refusal(e)?]).await
        }
    }
}
