//! One information request's page and the forms that act on it: stopping and restarting the
//! clock, extending, asking someone to help and recording their answer, the identity check
//! and closing. Each form posts to its own address and, on an error, the page is drawn again
//! with the error against the form's field.

use super::forms;
use crate::back_office::office_page;
use crate::pages::{FieldError, by_field};
use crate::routes::{Need, PageRoute, page};
use crate::session::SignedIn;
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::info::InfoKind;
use steward_domain::info::access;
use steward_domain::ops::info as ops;
use steward_policy::long_date;

pub fn pages() -> Vec<PageRoute> {
    use Need::*;
    let mut v = vec![page(
        Method::GET,
        "/councils/{slug}/information-requests/{id}",
        Reader,
        get(detail),
    )];
    for (path, handler) in [
        (
            "/councils/{slug}/information-requests/{id}/pause",
            post(forms::pause),
        ),
        (
            "/councils/{slug}/information-requests/{id}/resume",
            post(forms::resume),
        ),
        (
            "/councils/{slug}/information-requests/{id}/extend",
            post(forms::extend),
        ),
        (
            "/councils/{slug}/information-requests/{id}/ask",
            post(forms::ask),
        ),
        (
            "/councils/{slug}/information-requests/{id}/answer",
            post(forms::answer),
        ),
        (
            "/councils/{slug}/information-requests/{id}/identity",
            post(forms::identity),
        ),
        (
            "/councils/{slug}/information-requests/{id}/close",
            post(forms::close),
        ),
    ] {
        v.push(page(Method::POST, path, Officer, handler));
    }
    v
}

/// Every field of every form on the page, so one can be shown again after an error.
#[derive(Default, Deserialize, Serialize)]
pub struct Forms {
    #[serde(default)]
    pub(super) pause_asked_on: String,
    #[serde(default)]
    pub(super) pause_note: String,
    #[serde(default)]
    pub(super) resume_answered_on: String,
    #[serde(default)]
    pub(super) extend_to: String,
    #[serde(default)]
    pub(super) extend_reason: String,
    #[serde(default)]
    pub(super) ask_person: String,
    #[serde(default)]
    pub(super) ask_on: String,
    #[serde(default)]
    pub(super) answer_helper: String,
    #[serde(default)]
    pub(super) answer_on: String,
    #[serde(default)]
    pub(super) answer_text: String,
    #[serde(default)]
    pub(super) identity_on: String,
    #[serde(default)]
    pub(super) close_on: String,
    #[serde(default)]
    pub(super) close_outcome: String,
}

#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

fn done_words(done: &str) -> Option<&'static str> {
    Some(match done {
        "received" => "The request was recorded",
        "pause" => "The clock was stopped",
        "resume" => "The clock was restarted",
        "extend" => "The deadline was extended",
        "ask" => "The request for help was recorded",
        "answer" => "The answer was recorded",
        "identity" => "The identity check was recorded",
        "close" => "The request was closed",
        _ => return None,
    })
}

pub(super) fn request_id(text: &str) -> Result<i64, WebError> {
    text.parse().map_err(|_| WebError::not_found())
}

#[derive(Serialize)]
struct HelperLine {
    id: i64,
    who: String,
    asked_on: String,
    answered: String,
    answer: String,
}

pub(super) async fn render(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    done: Option<&str>,
    forms: &Forms,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let mut tx = state.store.read().await?;
    let v = ops::show(
        &mut tx,
        &signed.ctx(),
        &signed.council,
        &signed.principal,
        &id.to_string(),
    )
    .await?;
    drop(tx);
    let r = &v.request;
    let may_act = access::handler(&signed.principal, &r.handlers).is_ok() && r.closed_on.is_none();
    let waiting = v.pauses.iter().any(|p| p.answered_on.is_none());
    let helpers: Vec<HelperLine> = v
        .helpers
        .iter()
        .map(|h| HelperLine {
            id: h.helper.id,
            who: format!("{} ({})", h.name, h.person),
            asked_on: long_date(h.helper.asked_on),
            answered: h.helper.answered_on.map(long_date).unwrap_or_default(),
            answer: h.helper.answer.clone().unwrap_or_default(),
        })
        .collect();
    let answer_options: Vec<serde_json::Value> = v
        .helpers
        .iter()
        .filter(|h| h.helper.answered_on.is_none())
        .map(|h| {
            serde_json::json!({
                "value": h.helper.id.to_string(),
                "text": format!("{} ({})", h.name, h.person),
            })
        })
        .collect();
    let nation = match r.nation {
        steward_policy::workdays::Nation::EnglandWales => "England and Wales",
        steward_policy::workdays::Nation::Scotland => "Scotland",
        steward_policy::workdays::Nation::NorthernIreland => "Northern Ireland",
    };
    let pauses: Vec<(String, String, String)> = v
        .pauses
        .iter()
        .map(|p| {
            (
                long_date(p.asked_on),
                p.answered_on.map(long_date).unwrap_or_default(),
                p.note.clone(),
            )
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let title = format!("{} {}", r.kind.label(), r.reference);
    let mut page = office_page(&title, signed, "information");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/info_request.html",
        &page,
        context! {
            v => Serde(&v),
            kind => r.kind.label(),
            is_sar => r.kind == InfoKind::Sar,
            is_foi => r.kind == InfoKind::Foi,
            received_on => long_date(r.received_on),
            due_on => long_date(v.deadline.due_on),
            statutory => long_date(v.deadline.statutory),
            standing => v.deadline.standing.label(),
            extension => v.statutory_extension.map(long_date),
            extended_to => r.extended_to.map(long_date),
            identity_on => r.identity_checked_on.map(long_date),
            closed_on => r.closed_on.map(long_date),
            clause => v.citation.to_string(),
            pauses, helpers => Serde(&helpers), may_act, waiting, nation,
            answer_options => Serde(&answer_options),
            done => done.and_then(done_words),
            forms => Serde(forms),
            field_errors,
            csrf_token => &signed.session.csrf_token,
        },
    )?;
    Ok((status, Html(html)).into_response())
}

async fn detail(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let id = request_id(&id)?;
    render(
        &state,
        &signed,
        id,
        done.done.as_deref(),
        &Forms::default(),
        Vec::new(),
    )
    .await
}
