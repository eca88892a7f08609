//! Setting a new council up from the browser, at the one-time address `steward serve` prints
//! on its console while the database holds no council, and the administrators' getting-started
//! list afterwards.
//!
//! The pages ask one thing each (the preset, the council's name, the first administrator, the
//! mail server), keep the answers with the address, show them all on "Check your answers", and
//! create everything in one transaction. Forms carry the double-submit token of the
//! `steward_form` cookie, as the sign-in form does, since no one is signed in yet.

mod getting_started;
mod steps;

use crate::pages::{FieldError, Page};
use crate::routes::{Need, PageRoute, page};
use crate::session::{FORM_COOKIE, cookie, form_cookie, new_form_token};
use crate::{AppState, WebError};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::routing::{get, post};
use steward_domain::ops::setup::{self, Closed, Problems, Setup};

pub(crate) use getting_started::pending_for;

pub fn pages() -> Vec<PageRoute> {
    use Method as M;
    use Need::*;
    vec![
        page(M::GET, "/setup/{token}", Setup, get(steps::begin)),
        page(
            M::GET,
            "/setup/{token}/preset",
            Setup,
            get(steps::preset_page),
        ),
        page(M::POST, "/setup/{token}/preset", Setup, post(steps::preset)),
        page(
            M::GET,
            "/setup/{token}/council",
            Setup,
            get(steps::council_page),
        ),
        page(
            M::POST,
            "/setup/{token}/council",
            Setup,
            post(steps::council),
        ),
        page(
            M::GET,
            "/setup/{token}/administrator",
            Setup,
            get(steps::admin_page),
        ),
        page(
            M::POST,
            "/setup/{token}/administrator",
            Setup,
            post(steps::admin),
        ),
        page(M::GET, "/setup/{token}/mail", Setup, get(steps::mail_page)),
        page(M::POST, "/setup/{token}/mail", Setup, post(steps::mail)),
        page(
            M::GET,
            "/setup/{token}/check",
            Setup,
            get(steps::check_page),
        ),
        page(M::POST, "/setup/{token}/check", Setup, post(steps::create)),
        page(
            M::GET,
            "/councils/{slug}/getting-started",
            Admin,
            get(getting_started::page),
        ),
        page(
            M::POST,
            "/councils/{slug}/getting-started/policy-reviewed",
            Admin,
            post(getting_started::policy_reviewed),
        ),
    ]
}

/// The answer for a setup address that does not open.
fn closed(why: Closed) -> WebError {
    let status = match why {
        Closed::AlreadySetUp => StatusCode::FORBIDDEN,
        Closed::Unknown => StatusCode::NOT_FOUND,
        Closed::Expired | Closed::Used => StatusCode::GONE,
    };
    WebError::new(status, format!("{why}."))
}

/// Opens the setup behind an address for reading.
async fn read(state: &AppState, token: &str) -> Result<Setup, WebError> {
    let mut tx = state.store.read().await?;
    let opened = setup::open(&mut tx, token, (state.now)()).await?;
    opened.map_err(closed)
}

/// The token this browser's setup forms carry: the one in its cookie, or a new one with the
/// cookie to set. Kept across pages, so going back and forth never expires a form.
fn form_token(headers: &HeaderMap) -> Result<(String, Option<HeaderValue>), WebError> {
    match cookie(headers, FORM_COOKIE).filter(|t| !t.is_empty()) {
        Some(token) => Ok((token, None)),
        None => {
            let token = new_form_token()?;
            let set = form_cookie(&token)?;
            Ok((token, Some(set)))
        }
    }
}

fn field_errors(problems: Problems) -> Vec<FieldError> {
    problems
        .into_iter()
        .map(|(field, message)| FieldError { field, message })
        .collect()
}

/// A setup page in the site's layout: no council and no one signed in yet.
fn setup_page(title: &str, errors: Vec<FieldError>) -> Page<'_> {
    let mut page = Page::new(title);
    page.errors = errors;
    page
}
