//! Signing in and out, and changing one's own password.

use crate::pages::{FieldError, Page, by_field, sentence};
use crate::session::{
    CsrfForm, FORM_COOKIE, PeerAddr, SESSION_COOKIE, SignedIn, clear_form_cookie,
    clear_session_cookie, cookie, form_cookie, home_path, new_form_token, safe_next,
    session_cookie, sign_in_path,
};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use minijinja::context;
use serde::Deserialize;
use steward_domain::auth::{OidcSettings, Principal};
use steward_domain::ops::sessions::{self, SignInError};
use steward_domain::ops::users::{self, PasswordChange};
use steward_domain::ops::{council, oidc, people};
use steward_domain::{Council, CouncilSlug, DomainError};

pub(crate) async fn find_council(state: &AppState, slug: &str) -> Result<Council, WebError> {
    let slug: CouncilSlug = slug.parse().map_err(|_| WebError::not_found())?;
    let mut tx = state.store.begin().await?;
    Ok(council::find(&mut tx, &slug).await?)
}

#[allow(clippy::too_many_arguments)]
fn render_sign_in(
    state: &AppState,
    council: &Council,
    errors: Vec<FieldError>,
    username: &str,
    token: &str,
    next: Option<&str>,
    provider: Option<&OidcSettings>,
) -> Result<Html<String>, WebError> {
    let provider_settings = provider;
    let mut page = Page::new("Sign in").council(council);
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let provider = provider.map(|s| s.provider_name.as_str());
    let passwords_off = provider_settings.is_some_and(|s| s.passwords_off);
    let provider_href = match next {
        Some(next) => format!(
            "/councils/{}/sign-in/provider?next={}",
            council.slug,
            crate::listing::encode(next)
        ),
        None => format!("/councils/{}/sign-in/provider", council.slug),
    };
    Ok(Html(state.pages.render(
        "pages/sign_in.html",
        &page,
        context! {
            username, field_errors, csrf_token => token, next, provider, provider_href,
            passwords_off,
        },
    )?))
}

/// The council's identity-provider settings, if it has any.
async fn provider_of(
    state: &AppState,
    council: &Council,
) -> Result<Option<OidcSettings>, WebError> {
    let mut tx = state.store.read().await?;
    let found = oidc::settings(&mut tx, council).await?;
    tx.commit().await?;
    Ok(found)
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// The sign-in form, with a fresh double-submit token in a cookie and a hidden field. `?next=`
/// is the council page to return to afterwards.
pub async fn sign_in_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<Next>,
) -> Result<Response, WebError> {
    let council = find_council(&state, &slug).await?;
    let token = new_form_token()?;
    let next = q.next.as_deref().and_then(|n| safe_next(&council, n));
    let provider = provider_of(&state, &council).await?;
    let html = render_sign_in(
        &state,
        &council,
        Vec::new(),
        "",
        &token,
        next.as_deref(),
        provider.as_ref(),
    )?;
    Ok((
        AppendHeaders([(header::SET_COOKIE, form_cookie(&token)?)]),
        html,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// "1:15pm on 20 May 2027", in the UK's local time.
fn when(at: &DateTime<Utc>) -> String {
    steward_policy::uktime::local_moment(*at)
}

fn refusal(e: SignInError) -> String {
    match e {
        SignInError::AccountLocked { until } => format!(
            "This account is locked after too many failed sign-ins. Try again after {}.",
            when(&until)
        ),
        SignInError::AddressThrottled { until } => format!(
            "There have been too many failed sign-ins from this address. Try again after {}.",
            when(&until)
        ),
        other => sentence(&other.to_string()),
    }
}

pub async fn sign_in(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    PeerAddr(address): PeerAddr,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<SignInForm>,
) -> Result<Response, WebError> {
    let council = find_council(&state, &slug).await?;
    let next = safe_next(&council, &form.next);
    // The form keeps its token while it is being corrected.
    let token = cookie(&headers, FORM_COOKIE).unwrap_or_default();
    let mut errors = Vec::new();
    if form.username.trim().is_empty() {
        errors.push(FieldError {
            field: "username",
            message: "Enter your username".into(),
        });
    }
    if form.password.is_empty() {
        errors.push(FieldError {
            field: "password",
            message: "Enter your password".into(),
        });
    }
    if errors.is_empty() {
        let now = (state.now)();
        let mut tx = state.store.begin().await?;
        let answer = sessions::sign_in(
            &mut tx,
            &council,
            &form.username,
            &form.password,
            address,
            now,
        )
        .await?;
        // A refusal is recorded for throttling, so the transaction is kept either way.
        match answer {
            Ok(signed) => {
                // A session the browser already held ends: one browser, one session.
                if let Some(old) = cookie(&headers, SESSION_COOKIE) {
                    sessions::sign_out(&mut tx, &old, now).await?;
                }
                let today = (state.today)();
                let offices = match signed.user.person_id {
                    Some(person) => people::offices_on(&mut tx, council.id, person, today).await?,
                    None => Vec::new(),
                };
                tx.commit().await?;
                let role = signed.user.role;
                let principal = Principal::new(signed.user, role, offices);
                let to = match next {
                    Some(next) if !principal.user.must_change_password => next,
                    _ => home_path(&council, &principal),
                };
                return Ok((
                    AppendHeaders([
                        (header::SET_COOKIE, session_cookie(signed.secret.expose())?),
                        (header::SET_COOKIE, clear_form_cookie()),
                    ]),
                    Redirect::to(&to),
                )
                    .into_response());
            }
            Err(e) => {
                tx.commit().await?;
                errors.push(FieldError {
                    field: "username",
                    message: refusal(e),
                });
            }
        }
    }
    let provider = provider_of(&state, &council).await?;
    let html = render_sign_in(
        &state,
        &council,
        errors,
        form.username.trim(),
        &token,
        next.as_deref(),
        provider.as_ref(),
    )?;
    Ok((StatusCode::BAD_REQUEST, html).into_response())
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn sign_out(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    if let Some(raw) = cookie(&headers, SESSION_COOKIE) {
        let mut tx = state.store.begin().await?;
        sessions::sign_out(&mut tx, &raw, signed.now).await?;
        tx.commit().await?;
    }
    // With an identity provider, the next page offers its sign-out too.
    let to = match provider_of(&state, &signed.council).await? {
        Some(_) => format!("/councils/{}/signed-out", signed.council.slug),
        None => sign_in_path(&signed.council),
    };
    Ok((
        AppendHeaders([(header::SET_COOKIE, clear_session_cookie())]),
        Redirect::to(&to),
    )
        .into_response())
}

fn render_password(
    state: &AppState,
    signed: &SignedIn,
    errors: Vec<FieldError>,
) -> Result<Html<String>, WebError> {
    let mut page = Page::new("Change your password")
        .council(&signed.council)
        .viewer(signed);
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    Ok(Html(state.pages.render(
        "pages/password.html",
        &page,
        context! {
            field_errors,
            must_change => signed.principal.user.must_change_password,
            csrf_token => &signed.session.csrf_token,
        },
    )?))
}

pub async fn password_page(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, WebError> {
    render_password(&state, &signed, Vec::new())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, WebError> {
    let mut errors = Vec::new();
    if form.current_password.is_empty() {
        errors.push(FieldError {
            field: "current_password",
            message: "Enter your current password".into(),
        });
    }
    if form.new_password.is_empty() {
        errors.push(FieldError {
            field: "new_password",
            message: "Enter a new password".into(),
        });
    } else if form.new_password != form.confirm_password {
        errors.push(FieldError {
            field: "confirm_password",
            message: "Enter the same new password twice".into(),
        });
    }
    if errors.is_empty() {
        let mut tx = state.store.begin().await?;
        let change = PasswordChange::Own {
            current: form.current_password,
            keep: Some(signed.session.id_hash.clone()),
        };
        let done = users::set_password(
            &mut tx,
            &signed.ctx(),
            &signed.council,
            &signed.principal.user.username,
            change,
            &form.new_password,
        )
        .await;
        match done {
            Ok(user) => {
                tx.commit().await?;
                let principal = Principal {
                    user,
                    ..signed.principal.clone()
                };
                return Ok(Redirect::to(&home_path(&signed.council, &principal)).into_response());
            }
            Err(DomainError::Invalid { field, message }) => {
                errors.push(FieldError {
                    field: if field == "current_password" {
                        "current_password"
                    } else {
                        "new_password"
                    },
                    message: sentence(&message),
                });
            }
            Err(e) => return Err(e.into()),
        }
    }
    let html = render_password(&state, &signed, errors)?;
    Ok((StatusCode::BAD_REQUEST, html).into_response())
}
