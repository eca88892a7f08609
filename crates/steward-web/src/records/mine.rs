//! A member's own page of information requests they were asked to help with, where they say
//! what they hold.

use crate::back_office::{base, office_page};
use crate::pages::{FieldError, by_field};
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::ops::info as ops;
use steward_policy::long_date;

#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    answered: Option<String>,
}

#[derive(Default, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

#[derive(Serialize)]
struct AskLine {
    id: i64,
    reference: String,
    kind: &'static str,
    summary: String,
    asked_on: String,
    due_on: String,
    answered_on: Option<String>,
    answer: Option<String>,
    closed: bool,
}

async fn render(
    state: &AppState,
    signed: &SignedIn,
    answered: Option<&str>,
    failed: Option<(i64, &str)>,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let member = signed.principal.member()?;
    let mut tx = state.store.read().await?;
    let asks = ops::my_asks(&mut tx, &member, signed.today).await?;
    drop(tx);
    let lines: Vec<AskLine> = asks
        .into_iter()
        .rev()
        .map(|a| AskLine {
            id: a.helper_id,
            reference: a.reference,
            kind: a.kind.label(),
            summary: a.summary,
            asked_on: long_date(a.asked_on),
            due_on: long_date(a.council_due_on),
            answered_on: a.answered_on.map(long_date),
            answer: a.answer,
            closed: a.closed,
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut page = office_page(
        "Information requests you were asked about",
        signed,
        "my-requests",
    );
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/my_info_requests.html",
        &page,
        context! {
            asks => Serde(&lines),
            answered,
            failed_id => failed.map(|(id, _)| id),
            failed_text => failed.map(|(_, t)| t),
            field_errors,
            csrf_token => &signed.session.csrf_token,
        },
    )?;
    Ok((status, Html(html)).into_response())
}

pub async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    render(&state, &signed, done.answered.as_deref(), None, Vec::new()).await
}

pub async fn answer(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<AnswerForm>,
) -> Result<Response, WebError> {
    let member = signed.principal.member()?;
    let id: i64 = id.parse().map_err(|_| WebError::not_found())?;
    let mut tx = state.store.begin().await?;
    let done = ops::answer_mine(
        &mut tx,
        &signed.ctx(),
        &signed.council,
        &member,
        id,
        &form.answer,
    )
    .await;
    match done {
        Ok(ask) => {
            tx.commit().await?;
            let to = format!(
                "{}/me/information-requests?answered={}",
                base(&signed),
                crate::listing::encode(&ask.reference)
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(steward_domain::DomainError::Invalid { field: _, message }) => {
            drop(tx);
            let field = "answer";
            let errors = vec![crate::back_office::error(
                field,
                crate::pages::sentence(&message),
            )];
            render(&state, &signed, None, Some((id, &form.answer)), errors).await
        }
        Err(e) => Err(e.into()),
    }
}
