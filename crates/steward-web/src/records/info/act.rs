//! One information request's page and the forms that act on it: stopping and restarting the
//! clock, extending, asking someone to help and recording their answer, the identity check
//! and closing. Each form posts to its own address and, on an error, the page is drawn again
//! with the error against the form's field.

use super::field_errors;
use crate::back_office::{base, error, office_page, optional_date, required_date};
use crate::pages::{FieldError, by_field};
use crate::routes::{Need, PageRoute, page};
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::info::InfoKind;
use steward_domain::info::access;
use steward_domain::ops::info as ops;
use steward_domain::{DomainResult, PersonRef};
use steward_policy::long_date;
use steward_store::StoreTx;

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
            post(pause),
        ),
        (
            "/councils/{slug}/information-requests/{id}/resume",
            post(resume),
        ),
        (
            "/councils/{slug}/information-requests/{id}/extend",
            post(extend),
        ),
        ("/councils/{slug}/information-requests/{id}/ask", post(ask)),
        (
            "/councils/{slug}/information-requests/{id}/answer",
            post(answer),
        ),
        (
            "/councils/{slug}/information-requests/{id}/identity",
            post(identity),
        ),
        (
            "/councils/{slug}/information-requests/{id}/close",
            post(close),
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
    pause_asked_on: String,
    #[serde(default)]
    pause_note: String,
    #[serde(default)]
    resume_answered_on: String,
    #[serde(default)]
    extend_to: String,
    #[serde(default)]
    extend_reason: String,
    #[serde(default)]
    ask_person: String,
    #[serde(default)]
    ask_on: String,
    #[serde(default)]
    answer_helper: String,
    #[serde(default)]
    answer_on: String,
    #[serde(default)]
    answer_text: String,
    #[serde(default)]
    identity_on: String,
    #[serde(default)]
    close_on: String,
    #[serde(default)]
    close_outcome: String,
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

fn request_id(text: &str) -> Result<i64, WebError> {
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

async fn render(
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
            pauses, helpers => Serde(&helpers), may_act, waiting,
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

/// What one form asks for, once its fields have been read.
enum Action {
    Pause(chrono::NaiveDate, String),
    Resume(chrono::NaiveDate),
    Extend(Option<chrono::NaiveDate>, String),
    Ask(PersonRef, Option<chrono::NaiveDate>),
    Answer(i64, Option<chrono::NaiveDate>, String),
    Identity(chrono::NaiveDate),
    Close(chrono::NaiveDate, String),
}

async fn run(
    tx: &mut StoreTx,
    s: &SignedIn,
    key: &str,
    action: Action,
) -> DomainResult<ops::InfoView> {
    let (ctx, c, p) = (s.ctx(), &s.council, &s.principal);
    match action {
        Action::Pause(on, note) => ops::pause(tx, &ctx, c, p, key, on, &note).await,
        Action::Resume(on) => ops::resume(tx, &ctx, c, p, key, on).await,
        Action::Extend(to, reason) => ops::extend(tx, &ctx, c, p, key, to, &reason).await,
        Action::Ask(person, on) => {
            ops::ask(tx, &ctx, c, p, key, &person, on.unwrap_or(s.today)).await
        }
        Action::Answer(helper, on, text) => {
            let on = on.unwrap_or(s.today);
            let answer = ops::Answer {
                helper,
                on,
                text: &text,
            };
            ops::answer_for(tx, &ctx, c, p, key, answer).await
        }
        Action::Identity(on) => ops::identity_checked(tx, &ctx, c, p, key, on).await,
        Action::Close(on, outcome) => ops::close(tx, &ctx, c, p, key, on, &outcome).await,
    }
}

/// Runs one action: the form's own checks first, then the command in one transaction; on
/// success back to the page with a banner, otherwise the page again with the errors.
#[allow(clippy::too_many_arguments)]
async fn act(
    state: AppState,
    signed: SignedIn,
    id: String,
    forms: Forms,
    mut errors: Vec<FieldError>,
    what: &'static str,
    map: &[(&str, &'static str)],
    action: Option<Action>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let id = request_id(&id)?;
    let fallback = map.first().map(|(_, f)| *f).unwrap_or("request");
    if let (Some(action), true) = (action, errors.is_empty()) {
        let mut tx = state.store.begin().await?;
        match run(&mut tx, &signed, &id.to_string(), action).await {
            Ok(_) => {
                tx.commit().await?;
                let to = format!("{}/information-requests/{id}?done={what}", base(&signed));
                return Ok(Redirect::to(&to).into_response());
            }
            Err(e) => {
                drop(tx);
                errors = field_errors(e, map, fallback)?;
            }
        }
    }
    render(&state, &signed, id, None, &forms, errors).await
}

type Form = CsrfForm<Forms>;
type Id2 = Path<(String, String)>;

async fn pause(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Id2,
    CsrfForm(f): Form,
) -> Result<Response, WebError> {
    let mut errors = Vec::new();
    let on = required_date(
        &mut errors,
        "pause_asked_on",
        &f.pause_asked_on,
        "the date clarification was asked for",
    );
    let action = on.map(|on| Action::Pause(on, f.pause_note.clone()));
    let map = &[("asked_on", "pause_asked_on")];
    act(state, signed, id, f, errors, "pause", map, action).await
}

async fn resume(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Id2,
    CsrfForm(f): Form,
) -> Result<Response, WebError> {
    let mut errors = Vec::new();
    let on = required_date(
        &mut errors,
        "resume_answered_on",
        &f.resume_answered_on,
        "the date the requester clarified",
    );
    let map = &[("answered_on", "resume_answered_on")];
    act(
        state,
        signed,
        id,
        f,
        errors,
        "resume",
        map,
        on.map(Action::Resume),
    )
    .await
}

async fn extend(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Id2,
    CsrfForm(f): Form,
) -> Result<Response, WebError> {
    let mut errors = Vec::new();
    let to = optional_date(&mut errors, "extend_to", &f.extend_to, "the new date");
    let action = Some(Action::Extend(to, f.extend_reason.clone()));
    let map = &[("reason", "extend_reason"), ("to", "extend_to")];
    act(state, signed, id, f, errors, "extend", map, action).await
}

async fn ask(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Id2,
    CsrfForm(f): Form,
) -> Result<Response, WebError> {
    let mut errors = Vec::new();
    let person: Option<PersonRef> = crate::back_office::parsed(
        &mut errors,
        "ask_person",
        &f.ask_person,
        "Enter the reference of the person asked to help",
    );
    let on = optional_date(&mut errors, "ask_on", &f.ask_on, "the date they were asked");
    let action = person.map(|p| Action::Ask(p, on));
    let map = &[("person", "ask_person"), ("asked_on", "ask_on")];
    act(state, signed, id, f, errors, "ask", map, action).await
}

async fn answer(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Id2,
    CsrfForm(f): Form,
) -> Result<Response, WebError> {
    let mut errors = Vec::new();
    let helper: Option<i64> = crate::back_office::parsed(
        &mut errors,
        "answer_helper",
        &f.answer_helper,
        "Choose whose answer this is",
    );
    let on = optional_date(
        &mut errors,
        "answer_on",
        &f.answer_on,
        "the date they answered",
    );
    let action = helper.map(|h| Action::Answer(h, on, f.answer_text.clone()));
    let map = &[("answer", "answer_text"), ("answered_on", "answer_on")];
    act(state, signed, id, f, errors, "answer", map, action).await
}

async fn identity(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Id2,
    CsrfForm(f): Form,
) -> Result<Response, WebError> {
    let mut errors = Vec::new();
    let on = required_date(
        &mut errors,
        "identity_on",
        &f.identity_on,
        "the date identity was checked",
    );
    let map = &[("checked_on", "identity_on")];
    act(
        state,
        signed,
        id,
        f,
        errors,
        "identity",
        map,
        on.map(Action::Identity),
    )
    .await
}

async fn close(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Id2,
    CsrfForm(f): Form,
) -> Result<Response, WebError> {
    let mut errors = Vec::new();
    let on = required_date(
        &mut errors,
        "close_on",
        &f.close_on,
        "the date the request was answered",
    );
    if f.close_outcome.trim().is_empty() {
        errors.push(error(
            "close_outcome",
            "Enter the outcome: what was sent, or why not",
        ));
    }
    let action = on.map(|on| Action::Close(on, f.close_outcome.clone()));
    let map = &[("closed_on", "close_on"), ("outcome", "close_outcome")];
    act(state, signed, id, f, errors, "close", map, action).await
}
