//! The administrator's API tokens: the list (never a secret), making one (its secret shown on
//! the result page, once), and revoking one. Every change goes through `ops::tokens`.

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
use steward_domain::auth::{Role, Username};
use steward_domain::ops::tokens::{self, CreateToken};
use steward_domain::ops::users;
use steward_domain::{DomainError, Id};

#[derive(Serialize)]
struct TokenRow {
    id: Id,
    name: String,
    username: Option<String>,
    role: &'static str,
    created: String,
    last_used: Option<String>,
    expires_on: Option<String>,
    status: &'static str,
}

#[derive(Deserialize)]
pub struct Done {
    revoked: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(done): Query<Done>,
) -> Result<Html<String>, WebError> {
    signed.principal.admin()?;
    let mut tx = state.store.read().await?;
    let rows: Vec<TokenRow> = tokens::list(&mut tx, &signed.council, signed.now)
        .await?
        .into_iter()
        .map(|v| TokenRow {
            id: v.token.id,
            name: v.token.name,
            username: v.username.map(|u| u.to_string()),
            role: v.token.role.as_str(),
            created: moment(&v.token.created_at),
            last_used: v.token.last_used_at.as_ref().map(moment),
            expires_on: v.token.expires_on.map(|d| d.to_string()),
            status: v.status.as_str(),
        })
        .collect();
    let revoked = done.revoked.and_then(|id| id.parse::<Id>().ok());
    let page = Page::new("API tokens")
        .council(&signed.council)
        .viewer(&signed)
        .nav("accounts");
    Ok(Html(state.pages.render(
        "pages/oversight_tokens.html",
        &page,
        context! {
            tokens => Serde(&rows),
            revoked,
            csrf_token => &signed.session.csrf_token,
        },
    )?))
}

#[derive(Deserialize, Default)]
pub struct NewTokenForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    expires: String,
}

async fn render_new(
    state: &AppState,
    signed: &SignedIn,
    errors: Vec<FieldError>,
    form: &NewTokenForm,
) -> Result<Html<String>, WebError> {
    let mut tx = state.store.read().await?;
    let accounts: Vec<String> = users::list(&mut tx, &signed.council)
        .await?
        .into_iter()
        .filter(|v| !v.user.disabled)
        .map(|v| v.user.username.to_string())
        .collect();
    let mut page = Page::new("Create an API token")
        .council(&signed.council)
        .viewer(signed)
        .nav("accounts");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
    Ok(Html(state.pages.render(
        "pages/oversight_token_new.html",
        &page,
        context! {
            accounts,
            roles,
            username => form.username.trim(),
            role => form.role.trim(),
            name => form.name.trim(),
            expires => form.expires.trim(),
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
    render_new(&state, &signed, Vec::new(), &NewTokenForm::default()).await
}

fn error(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

fn read_new(form: &NewTokenForm) -> Result<CreateToken, Vec<FieldError>> {
    let mut errors = Vec::new();
    let username = form.username.trim().parse::<Username>().ok();
    if username.is_none() {
        errors.push(error("username", "Choose the account the token acts for"));
    }
    let role = form.role.trim().parse::<Role>().ok();
    if role.is_none() {
        errors.push(error("role", "Choose the token's role"));
    }
    let name = form.name.trim();
    if name.is_empty() {
        errors.push(error("name", "Enter a name saying what the token is for"));
    }
    let expires_on = match form.expires.trim() {
        "" => None,
        text => match steward_domain::import::parse_date(text) {
            Ok(day) => Some(day),
            Err(_) => {
                errors.push(error(
                    "expires",
                    "Enter the date as day/month/year, for example 01/01/2028",
                ));
                None
            }
        },
    };
    match (username, role) {
        (Some(username), Some(role)) if errors.is_empty() => Ok(CreateToken {
            username,
            role,
            name: name.to_string(),
            expires_on,
        }),
        _ => Err(errors),
    }
}

/// Makes a token and shows its secret on this one page; it is never shown again.
pub async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<NewTokenForm>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let errors = match read_new(&form) {
        Err(errors) => errors,
        Ok(req) => {
            let mut tx = state.store.begin().await?;
            match tokens::create(&mut tx, &signed.ctx(), &signed.council, req).await {
                Ok(made) => {
                    tx.commit().await?;
                    let page = Page::new("API token created")
                        .council(&signed.council)
                        .viewer(&signed)
                        .nav("accounts");
                    let html = state.pages.render(
                        "pages/oversight_token_made.html",
                        &page,
                        context! {
                            name => &made.token.name,
                            role => made.token.role.as_str(),
                            username => form.username.trim(),
                            secret => made.secret.expose(),
                        },
                    )?;
                    return Ok(Html(html).into_response());
                }
                Err(DomainError::NotFound { .. }) => {
                    vec![error("username", "Choose an account from the list")]
                }
                Err(DomainError::Invalid { field, message }) => {
                    let field = match field.as_str() {
                        "name" => "name",
                        "expires" => "expires",
                        "role" => "role",
                        _ => "username",
                    };
                    vec![error(field, sentence(&message))]
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let html = render_new(&state, &signed, errors, &form).await?;
    Ok((StatusCode::BAD_REQUEST, html).into_response())
}

#[derive(Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    id: String,
}

pub async fn revoke(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<RevokeForm>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let id: Id = form
        .id
        .trim()
        .parse()
        .map_err(|_| WebError::bad_request("Choose a token from the list."))?;
    let mut tx = state.store.begin().await?;
    match tokens::revoke(&mut tx, &signed.ctx(), &signed.council, id).await {
        Ok(_) => {}
        Err(DomainError::Conflict { message, .. }) => {
            return Err(WebError::bad_request(sentence(&message)));
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    let to = at(&signed.council, &format!("/admin/tokens?revoked={id}"));
    Ok(Redirect::to(&to).into_response())
}
