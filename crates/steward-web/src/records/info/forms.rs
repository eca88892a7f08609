//! The forms on a request's page, each posting to its own address.

use super::act::{Forms, render, request_id};
use super::field_errors;
use crate::back_office::{base, error, optional_date, required_date};
use crate::pages::FieldError;
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use steward_domain::ops::info as ops;
use steward_domain::{DomainResult, PersonRef};
use steward_store::StoreTx;

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

pub(super) async fn pause(
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

pub(super) async fn resume(
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

pub(super) async fn extend(
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

pub(super) async fn ask(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Id2,
    CsrfForm(f): Form,
) -> Result<Response, WebError> {
    let mut errors = Vec::new();
    let mut tx = state.store.read().await?;
    let person: Option<PersonRef> = crate::back_office::picked_person(
        &mut tx,
        &signed,
        "ask_person",
        &f.ask_person,
        &mut errors,
    )
    .await?
    .map(|p| p.reference);
    drop(tx);
    let on = optional_date(&mut errors, "ask_on", &f.ask_on, "the date they were asked");
    let action = person.map(|p| Action::Ask(p, on));
    let map = &[("person", "ask_person"), ("asked_on", "ask_on")];
    act(state, signed, id, f, errors, "ask", map, action).await
}

pub(super) async fn answer(
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

pub(super) async fn identity(
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

pub(super) async fn close(
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
