//! The page an invitation's link opens: its holder chooses their password (twice, by the usual
//! rules), which uses the link up and signs them in. A link that was used, ran out, was
//! replaced or was never given says so and what to do instead.
//!
//! The link's secret is in the address, so these pages are never cached, and no page sends
//! a Referer to another site (the site's Referrer-Policy), so it does not leak there.

use crate::account::find_council;
use crate::pages::{FieldError, Page, by_field, sentence};
use crate::session::{
    CsrfForm, FORM_COOKIE, PeerAddr, clear_form_cookie, cookie, form_cookie, home_path,
    new_form_token, session_cookie, sign_in_path,
};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;
use steward_domain::auth::{INVITATION_HOURS, Principal};
use steward_domain::ops::invitations::{self, LinkCheck};
use steward_domain::ops::{people, sessions};
use steward_domain::{Council, DomainError};

fn no_store() -> (header::HeaderName, HeaderValue) {
    (header::CACHE_CONTROL, HeaderValue::from_static("no-store"))
}

/// The page for a link that cannot be used: what happened and what to do.
fn render_closed(
    state: &AppState,
    council: &Council,
    check: &LinkCheck,
) -> Result<Response, WebError> {
    let (heading, what, todo): (&str, String, &str) = match check {
        LinkCheck::Used => (
            "This link has already been used",
            "A password was chosen with it, so it cannot be used again.".into(),
            "used",
        ),
        LinkCheck::Expired(at) => (
            "This link has run out",
            format!(
                "Links to choose a password work for {INVITATION_HOURS} hours from when they are \
                 sent; this one stopped working at {}.",
                steward_policy::uktime::local_moment(*at)
            ),
            "new",
        ),
        LinkCheck::Withdrawn => (
            "This link has been replaced",
            "A newer invitation, or a temporary password, has taken its place.".into(),
            "newer",
        ),
        LinkCheck::Disabled => (
            "This account is disabled",
            "The account this link is for cannot be used at the moment.".into(),
            "ask",
        ),
        LinkCheck::Unknown | LinkCheck::Open { .. } => (
            "This link cannot be used",
            "It is not a link Steward can use. It may have been copied only in part, or a \
             newer email sent since has replaced it."
                .into(),
            "new",
        ),
    };
    let page = Page::new(heading).council(council);
    let html = state.pages.render(
        "pages/invitation_closed.html",
        &page,
        context! { heading, what, todo, sign_in => sign_in_path(council) },
    )?;
    // A link that worked once is gone for good; one that never did was never found.
    let status = match check {
        LinkCheck::Unknown | LinkCheck::Open { .. } => StatusCode::NOT_FOUND,
        _ => StatusCode::GONE,
    };
    Ok((status, AppendHeaders([no_store()]), Html(html)).into_response())
}

fn render_form(
    state: &AppState,
    council: &Council,
    username: &str,
    token: &str,
    errors: Vec<FieldError>,
) -> Result<Html<String>, WebError> {
    let mut page = Page::new("Choose your password").council(council);
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    Ok(Html(state.pages.render(
        "pages/invitation.html",
        &page,
        context! { username, field_errors, csrf_token => token },
    )?))
}

/// The link's page: the password form, or why the link cannot be used. Reads only.
pub async fn page(
    State(state): State<AppState>,
    Path((slug, secret)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let council = find_council(&state, &slug).await?;
    let mut tx = state.store.read().await?;
    let check = invitations::check(&mut tx, &council, &secret, (state.now)()).await?;
    drop(tx);
    let LinkCheck::Open { user, .. } = &check else {
        return render_closed(&state, &council, &check);
    };
    let token = new_form_token()?;
    let html = render_form(&state, &council, user.username.as_str(), &token, Vec::new())?;
    Ok((
        AppendHeaders([(header::SET_COOKIE, form_cookie(&token)?), no_store()]),
        html,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    again: String,
}

/// Where a refusal belongs on the form.
fn field_of(e: DomainError) -> Result<FieldError, WebError> {
    match e {
        DomainError::Invalid { field, message } => Ok(FieldError {
            field: if field == "again" {
                "again"
            } else {
                "password"
            },
            message: sentence(&message),
        }),
        other => Err(other.into()),
    }
}

/// Sets the password from the link, then signs its holder in.
pub async fn choose(
    State(state): State<AppState>,
    Path((slug, secret)): Path<(String, String)>,
    PeerAddr(address): PeerAddr,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, WebError> {
    let council = find_council(&state, &slug).await?;
    let now = (state.now)();
    let mut errors = Vec::new();
    if form.password.is_empty() {
        errors.push(FieldError {
            field: "password",
            message: "Enter a password".into(),
        });
    } else if form.again.is_empty() {
        errors.push(FieldError {
            field: "again",
            message: "Enter the password again".into(),
        });
    }
    let mut tx = state.store.begin().await?;
    let accepted = if errors.is_empty() {
        invitations::accept(&mut tx, &council, &secret, &form.password, &form.again, now).await
    } else {
        Err(DomainError::invalid("password", ""))
    };
    let user = match accepted {
        Ok(user) => {
            tx.commit().await?;
            user
        }
        Err(DomainError::Conflict { .. }) => {
            drop(tx);
            let mut tx = state.store.read().await?;
            let check = invitations::check(&mut tx, &council, &secret, now).await?;
            return render_closed(&state, &council, &check);
        }
        Err(e) => {
            drop(tx);
            if errors.is_empty() {
                errors.push(field_of(e)?);
            }
            let mut tx = state.store.read().await?;
            let check = invitations::check(&mut tx, &council, &secret, now).await?;
            drop(tx);
            let LinkCheck::Open { user, .. } = &check else {
                return render_closed(&state, &council, &check);
            };
            // The form keeps its token while it is being corrected.
            let token = cookie(&headers, FORM_COOKIE).unwrap_or_default();
            let html = render_form(&state, &council, user.username.as_str(), &token, errors)?;
            return Ok((StatusCode::BAD_REQUEST, AppendHeaders([no_store()]), html).into_response());
        }
    };
    sign_in_now(&state, &council, &user.username, &form.password, address).await
}

/// Signs in with the password just chosen, as the sign-in form would; if that is refused (the
/// address is throttled), the sign-in page says so.
async fn sign_in_now(
    state: &AppState,
    council: &Council,
    username: &steward_domain::auth::Username,
    password: &str,
    address: std::net::IpAddr,
) -> Result<Response, WebError> {
    let now = (state.now)();
    let mut tx = state.store.begin().await?;
    let answer =
        sessions::sign_in(&mut tx, council, username.as_str(), password, address, now).await?;
    let Ok(signed) = answer else {
        tx.commit().await?;
        return Ok(Redirect::to(&sign_in_path(council)).into_response());
    };
    let offices = match signed.user.person_id {
        Some(person) => people::offices_on(&mut tx, council.id, person, (state.today)()).await?,
        None => Vec::new(),
    };
    tx.commit().await?;
    let role = signed.user.role;
    let principal = Principal::new(signed.user, role, offices);
    Ok((
        AppendHeaders([
            (header::SET_COOKIE, session_cookie(signed.secret.expose())?),
            (header::SET_COOKIE, clear_form_cookie()),
        ]),
        Redirect::to(&home_path(council, &principal)),
    )
        .into_response())
}
