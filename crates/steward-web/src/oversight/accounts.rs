//! The administrator's accounts: the list, a new account with a temporary password, and
//! disabling and enabling. Every change goes through `ops::users`, which audits it.

use super::{at, moment};
use crate::pages::{FieldError, Page, by_field, sentence};
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::auth::{Password, Role, Username};
use steward_domain::ops::users::{self, CreateUser};
use steward_domain::{DomainError, PersonRef};

#[derive(Serialize)]
struct AccountRow {
    username: String,
    role: &'static str,
    person: Option<String>,
    disabled: bool,
    last_sign_in: Option<String>,
    yourself: bool,
}

/// What the list says was just done.
#[derive(Deserialize)]
pub struct Done {
    created: Option<String>,
    disabled: Option<String>,
    enabled: Option<String>,
}

impl Done {
    fn message(&self) -> Option<String> {
        let name = |n: &Option<String>| n.as_deref().and_then(|n| n.parse::<Username>().ok());
        if let Some(u) = name(&self.created) {
            return Some(format!(
                "Account {u} created. They must choose their own password when they first sign in."
            ));
        }
        if let Some(u) = name(&self.disabled) {
            return Some(format!(
                "Account {u} disabled. Its sessions have ended and it can no longer sign in."
            ));
        }
        name(&self.enabled).map(|u| format!("Account {u} enabled. It can sign in again."))
    }
}

/// Every account of the council.
pub async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(done): Query<Done>,
) -> Result<Html<String>, WebError> {
    signed.principal.admin()?;
    let mut tx = state.store.read().await?;
    let me = &signed.principal.user.username;
    let rows: Vec<AccountRow> = users::list(&mut tx, &signed.council)
        .await?
        .into_iter()
        .map(|v| AccountRow {
            yourself: &v.user.username == me,
            username: v.user.username.to_string(),
            role: v.user.role.as_str(),
            person: v.person.map(|p| p.to_string()),
            disabled: v.user.disabled,
            last_sign_in: v.user.last_sign_in_at.as_ref().map(moment),
        })
        .collect();
    let page = Page::new("Accounts")
        .council(&signed.council)
        .viewer(&signed)
        .nav("accounts");
    Ok(Html(state.pages.render(
        "pages/oversight_accounts.html",
        &page,
        context! {
            accounts => Serde(&rows),
            done => done.message(),
            csrf_token => &signed.session.csrf_token,
        },
    )?))
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

#[derive(Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    username: String,
}

/// The account named by a disable or enable form.
fn named(signed: &SignedIn, form: &AccountForm) -> Result<Username, WebError> {
    let username: Username = form
        .username
        .parse()
        .map_err(|_| WebError::bad_request("Choose an account from the list."))?;
    if username == signed.principal.user.username {
        return Err(WebError::bad_request(
            "You cannot disable or enable the account you are signed in with.",
        ));
    }
    Ok(username)
}

fn refused(e: DomainError) -> WebError {
    match e {
        DomainError::Conflict { message, .. } => WebError::bad_request(sentence(&message)),
        other => other.into(),
    }
}

pub async fn disable(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let username = named(&signed, &form)?;
    let mut tx = state.store.begin().await?;
    users::disable(&mut tx, &signed.ctx(), &signed.council, &username)
        .await
        .map_err(refused)?;
    tx.commit().await?;
    let to = at(
        &signed.council,
        &format!("/admin/accounts?disabled={username}"),
    );
    Ok(Redirect::to(&to).into_response())
}

pub async fn enable(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let username = named(&signed, &form)?;
    let mut tx = state.store.begin().await?;
    users::enable(&mut tx, &signed.ctx(), &signed.council, &username)
        .await
        .map_err(refused)?;
    tx.commit().await?;
    let to = at(
        &signed.council,
        &format!("/admin/accounts?enabled={username}"),
    );
    Ok(Redirect::to(&to).into_response())
}
