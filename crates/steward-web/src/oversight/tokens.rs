//! The administrator's API tokens: the list (never a secret), making one (its secret shown on
//! the result page, once), and revoking one. Every change goes through `ops::tokens`.

use super::{at, moment};
use crate::listing::{
    Column, EXPORT_BATCH, ListQuery, Listing, Row, column, csv_of_all, plain_column,
};
use crate::pages::{FieldError, Page, by_field, sentence};
use crate::session::Reading;
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::auth::{Role, TokenScope, Username};
use steward_domain::listing::Window;
use steward_domain::ops::account_list::{self, TokenFilter, TokenQuery, TokenStatus, TokenView};
use steward_domain::ops::tokens::{self, CreateToken};
use steward_domain::{Council, DomainError, Id};
use steward_policy::long_date;

const COLUMNS: &[Column] = &[
    plain_column("number", "Number"),
    column("name", "Name"),
    plain_column("account", "Account"),
    plain_column("role", "Role"),
    column("created", "Created"),
    column("last_used", "Last used"),
    column("expires", "Stops working"),
    plain_column("status", "Status"),
];

fn status_words(v: &TokenView) -> String {
    match (v.status, v.token.expires_on) {
        (TokenStatus::Active, Some(until)) => format!("Active, until {}", long_date(until)),
        (status, _) => {
            let word = status.as_str();
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

/// The token's role, or that it only provisions.
fn role_words(t: &steward_domain::auth::ApiToken) -> String {
    match t.scope {
        TokenScope::Api => t.role.label().to_string(),
        TokenScope::Scim => TokenScope::Scim.words().to_string(),
    }
}

fn row(council: &Council, v: &TokenView) -> Row {
    let t = &v.token;
    Row::new(vec![
        t.id.to_string(),
        t.name.clone(),
        v.username
            .as_ref()
            .map(|u| u.to_string())
            .unwrap_or_default(),
        role_words(t),
        moment(&t.created_at),
        t.last_used_at
            .as_ref()
            .map(moment)
            .unwrap_or_else(|| "Never".into()),
        t.expires_on
            .map(long_date)
            .unwrap_or_else(|| "Not set".into()),
        status_words(v),
    ])
    .link(at(council, &format!("/admin/tokens/{}", t.id)))
}

/// The list's own filter, as the page's query gives it.
#[derive(Deserialize)]
pub struct TokenParams {
    #[serde(default)]
    status: Option<String>,
    #[serde(flatten)]
    list: ListQuery,
}

/// Every token of the council, never its secret.
pub async fn list(
    State(state): State<AppState>,
    Reading {
        signed,
        tx: page_tx,
    }: Reading,
    Query(params): Query<TokenParams>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let filter = TokenFilter {
        status: params.status.as_deref().and_then(|s| s.parse().ok()),
    };
    let query: TokenQuery = params.list.to_query(filter);
    let (council, now) = (&signed.council, signed.now);
    if params.list.wants_csv() {
        // The export reads in batches of its own.
        drop(page_tx);
        return csv_of_all("api-tokens", COLUMNS, |cursor| {
            let mut batch = query.clone();
            batch.window = Window::at(EXPORT_BATCH, cursor);
            let state = state.clone();
            async move {
                let mut tx = state.store.read().await?;
                let page = account_list::tokens(&mut tx, council, &batch, now).await?;
                Ok(page.map(|v| row(council, &v)))
            }
        })
        .await;
    }
    let mut tx = page_tx;
    let page = account_list::tokens(&mut tx, council, &query, now).await?;
    drop(tx);
    let action = at(council, "/admin/tokens");
    let status = query.filter.status.map(|s| s.as_str()).unwrap_or_default();
    let listing = Listing::paged(
        &action,
        &[("status", status)],
        COLUMNS,
        query.sort.as_str(),
        &params.list,
        page.map(|v| row(council, &v)),
    );
    let statuses: Vec<(&str, &str)> = vec![
        ("active", "Active"),
        ("expired", "Expired"),
        ("revoked", "Revoked"),
    ];
    let page = Page::new("API tokens")
        .council(council)
        .viewer(&signed)
        .nav("accounts");
    Ok(Html(state.pages.render(
        "pages/oversight_tokens.html",
        &page,
        context! { list => Serde(&listing), action, statuses, status },
    )?)
    .into_response())
}

#[derive(Serialize)]
struct TokenDetail {
    id: Id,
    name: String,
    username: Option<String>,
    role: String,
    created: String,
    last_used: Option<String>,
    status: String,
    revoked: bool,
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

async fn render_token(
    state: &AppState,
    signed: &SignedIn,
    id: Id,
    done: bool,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let mut tx = state.store.read().await?;
    let v = match tokens::view(&mut tx, &signed.council, id, signed.now).await {
        Err(DomainError::NotFound { .. }) => return Err(WebError::not_found()),
        other => other?,
    };
    drop(tx);
    let view = TokenDetail {
        id,
        name: v.token.name.clone(),
        username: v.username.as_ref().map(|u| u.to_string()),
        role: role_words(&v.token),
        created: moment(&v.token.created_at),
        last_used: v.token.last_used_at.as_ref().map(moment),
        status: status_words(&v),
        revoked: v.status == TokenStatus::Revoked,
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let title = format!("API token {id}");
    let mut page = Page::new(&title)
        .council(&signed.council)
        .viewer(signed)
        .nav("accounts");
    page.errors = errors;
    let html = state.pages.render(
        "pages/oversight_token.html",
        &page,
        context! {
            token => Serde(&view),
            done,
            csrf_token => &signed.session.csrf_token,
        },
    )?;
    Ok((status, Html(html)).into_response())
}

fn path_id(text: &str) -> Result<Id, WebError> {
    text.parse().map_err(|_| WebError::not_found())
}

pub async fn detail(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let id = path_id(&id)?;
    let done = done.done.as_deref() == Some("revoked");
    render_token(&state, &signed, id, done, Vec::new()).await
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

fn render_new(
    state: &AppState,
    signed: &SignedIn,
    errors: Vec<FieldError>,
    form: &NewTokenForm,
) -> Result<Html<String>, WebError> {
    let mut page = Page::new("Create an API token")
        .council(&signed.council)
        .viewer(signed)
        .nav("accounts");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let mut roles: Vec<(&str, &str)> = Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect();
    // A provisioning token is chosen like a role: it acts as an administrator, at /scim only.
    roles.push((
        SCIM_CHOICE,
        "SCIM provisioning only (the directory adds and ends people)",
    ));
    Ok(Html(state.pages.render(
        "pages/oversight_token_new.html",
        &page,
        context! {
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

/// Which account the new token is for, when the page was reached from that account.
#[derive(Deserialize)]
pub struct ForAccount {
    username: Option<String>,
}

pub async fn new_page(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<ForAccount>,
) -> Result<Html<String>, WebError> {
    signed.principal.admin()?;
    let form = NewTokenForm {
        username: query.username.unwrap_or_default(),
        ..NewTokenForm::default()
    };
    render_new(&state, &signed, Vec::new(), &form)
}

fn error(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// The role list's choice for a SCIM provisioning token.
const SCIM_CHOICE: &str = "scim";

fn read_new(form: &NewTokenForm) -> Result<CreateToken, Vec<FieldError>> {
    let mut errors = Vec::new();
    let username = form.username.trim().parse::<Username>().ok();
    if username.is_none() {
        errors.push(error(
            "username",
            "Enter the username of the account the token acts for",
        ));
    }
    let (role, scope) = match form.role.trim() {
        SCIM_CHOICE => (Some(Role::Admin), TokenScope::Scim),
        other => (other.parse::<Role>().ok(), TokenScope::Api),
    };
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
            scope,
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
                            role => role_words(&made.token),
                            username => form.username.trim(),
                            secret => made.secret.expose(),
                        },
                    )?;
                    return Ok(Html(html).into_response());
                }
                Err(DomainError::NotFound { .. }) => vec![error(
                    "username",
                    format!("No account is called {}", form.username.trim()),
                )],
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
    let html = render_new(&state, &signed, errors, &form)?;
    Ok((StatusCode::BAD_REQUEST, html).into_response())
}

#[derive(Deserialize)]
pub struct NoFields {}

pub async fn revoke(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let id = path_id(&id)?;
    let mut tx = state.store.begin().await?;
    match tokens::revoke(&mut tx, &signed.ctx(), &signed.council, id).await {
        Ok(_) => {
            tx.commit().await?;
            let to = at(&signed.council, &format!("/admin/tokens/{id}?done=revoked"));
            Ok(Redirect::to(&to).into_response())
        }
        Err(DomainError::Conflict { message, .. }) => {
            drop(tx);
            let refused = error("revoke", sentence(&message));
            render_token(&state, &signed, id, false, vec![refused]).await
        }
        Err(e) => Err(e.into()),
    }
}
