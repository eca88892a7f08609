//! The officers' Notifications page: every message in the outbox with its state, and the
//! actions for those the sender could not settle (failed, without an address, or perhaps sent).
//!
//! Readers see the list and each message; changing a message needs `officer()`. Every change
//! goes through `ops::outbox`, which audits it. Last errors are the sender's own words, which
//! never carry the recipient's details.

use crate::listing::{
    Column, EXPORT_BATCH, ListQuery, Listing, Row, column, csv_of_all, plain_column,
};
use crate::pages::{FieldError, Page, sentence};
use crate::routes::{Need, PageRoute, page};
use crate::session::Reading;
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::listing::Window;
use steward_domain::ops::outbox::list::{MessageListFilter, MessageQuery};
use steward_domain::ops::outbox::{self, Resolution};
use steward_domain::outbox::{MessageState, OutboxMessage};
use steward_domain::{Council, DomainError, Id};

pub fn pages() -> Vec<PageRoute> {
    use Need::*;
    vec![
        page(
            Method::GET,
            "/councils/{slug}/notifications",
            Reader,
            get(list),
        ),
        page(
            Method::GET,
            "/councils/{slug}/notifications/{id}",
            Reader,
            get(detail),
        ),
        page(
            Method::POST,
            "/councils/{slug}/notifications/{id}/retry",
            Officer,
            post(retry),
        ),
        page(
            Method::POST,
            "/councils/{slug}/notifications/{id}/resolve",
            Officer,
            post(resolve),
        ),
    ]
}

fn at(council: &Council, rest: &str) -> String {
    format!("/councils/{}/notifications{rest}", council.slug)
}

/// "10:04 on 20 May 2027", on the clock in London.
fn moment(t: &chrono::DateTime<chrono::Utc>) -> String {
    crate::workflow_pages::moment(*t)
}

/// Who a message is for, as officers read it.
pub fn recipient(m: &OutboxMessage) -> String {
    match (&m.person_name, &m.person, &m.office) {
        (Some(name), Some(r), _) => format!("{name} ({r})"),
        (_, _, Some(office)) => format!("{office} (no one holds this office)"),
        _ => "The council's officers (none is linked to a person)".to_string(),
    }
}

/// The state with what happens next, when something does.
fn state_words(m: &OutboxMessage) -> String {
    match (m.state, m.next_attempt_at) {
        (MessageState::Queued, Some(t)) if m.attempts > 0 => {
            format!("Waiting to try again at {}", moment(&t))
        }
        (state, _) => state.label().to_string(),
    }
}

// What the sweep filed a notice under is for tracing, not reading: it is on the notice's own
// page under "Technical details", and the list leads with the subject.
const COLUMNS: &[Column] = &[
    plain_column("subject", "Subject"),
    plain_column("to", "Recipient"),
    column("state", "State"),
    column("attempts", "Attempts"),
    plain_column("error", "Last error"),
    column("queued", "Queued"),
];

#[derive(Deserialize)]
pub struct MessageParams {
    #[serde(default)]
    state: Option<String>,
    #[serde(flatten)]
    list: ListQuery,
}

fn row(council: &Council, m: &OutboxMessage) -> Row {
    Row::new(vec![
        m.subject.clone(),
        recipient(m),
        state_words(m),
        m.attempts.to_string(),
        m.last_error.clone().unwrap_or_default(),
        moment(&m.created_at),
    ])
    .link(at(council, &format!("/{}", m.id)))
}

pub async fn list(
    State(state): State<AppState>,
    Reading {
        signed,
        tx: page_tx,
    }: Reading,
    Query(params): Query<MessageParams>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let chosen = params
        .state
        .as_deref()
        .and_then(|s| s.parse::<MessageState>().ok());
    let filter = MessageListFilter {
        state: chosen,
        person_id: None,
    };
    let query: MessageQuery = params.list.to_query(filter);
    let (council, principal) = (&signed.council, &signed.principal);
    if params.list.wants_csv() {
        // The export reads in batches of its own.
        drop(page_tx);
        return csv_of_all("notifications", COLUMNS, |cursor| {
            let mut batch = query.clone();
            batch.window = Window::at(EXPORT_BATCH, cursor);
            let state = state.clone();
            async move {
                let mut tx = state.store.read().await?;
                let page = outbox::list::list(&mut tx, council, principal, &batch).await?;
                Ok(page.map(|m| row(council, &m)))
            }
        })
        .await;
    }
    let mut tx = page_tx;
    let (counts, today) = (&state.counts, signed.today);
    let page = outbox::list::list_kept(&mut tx, counts, council, principal, &query, today).await?;
    let attention = outbox::list::attention_kept(&mut tx, counts, council, today).await?;
    drop(tx);
    let action = at(council, "");
    let chosen_state = chosen.map(|s| s.as_str()).unwrap_or_default();
    let listing = Listing::paged(
        &action,
        &[("state", chosen_state)],
        COLUMNS,
        query.sort.as_str(),
        &params.list,
        page.map(|m| row(council, &m)),
    );
    let states: Vec<(String, String)> = MessageState::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), s.label().to_string()))
        .collect();
    let page = Page::new("Notifications")
        .council(council)
        .viewer(&signed)
        .nav("notifications");
    Ok(Html(state.pages.render(
        "pages/notifications.html",
        &page,
        context! {
            list => Serde(&listing),
            action,
            attention => Serde(&attention),
            states,
            chosen_state,
        },
    )?)
    .into_response())
}

#[derive(Serialize)]
struct MessageView {
    id: Id,
    key: String,
    source: String,
    recipient: String,
    address: Option<String>,
    subject: String,
    state: String,
    state_code: &'static str,
    attempts: i64,
    next_attempt: Option<String>,
    last_error: Option<String>,
    message_id: String,
    queued: String,
    sent: Option<String>,
    decision: String,
    body: Vec<String>,
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

async fn render(
    state: &AppState,
    signed: &SignedIn,
    id: Id,
    done: Option<&str>,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let mut tx = state.store.read().await?;
    let d = match outbox::detail(&mut tx, &signed.council, id).await {
        Err(DomainError::NotFound { .. }) => return Err(WebError::not_found()),
        other => other?,
    };
    let m = &d.message;
    let view = MessageView {
        id: m.id,
        key: m.key.clone(),
        source: m.source.clone(),
        recipient: recipient(m),
        address: m.address.clone(),
        subject: m.subject.clone(),
        state: state_words(m),
        state_code: m.state.as_str(),
        attempts: m.attempts,
        next_attempt: m.next_attempt_at.as_ref().map(moment),
        last_error: m.last_error.clone(),
        message_id: m.message_id.clone(),
        queued: moment(&m.created_at),
        sent: m.sent_at.as_ref().map(moment),
        decision: d.notice.citation.to_string(),
        body: d
            .notice
            .body_text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && *l != "--")
            .map(str::to_string)
            .collect(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let title = format!("Notification {id}");
    let mut page = Page::new(&title)
        .council(&signed.council)
        .viewer(signed)
        .nav("notifications");
    page.errors = errors;
    let field_errors = crate::pages::by_field(&page.errors);
    let html = state.pages.render(
        "pages/notification.html",
        &page,
        context! {
            message => Serde(&view),
            done,
            field_errors,
            may_change => signed.principal.officer().is_ok(),
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
    signed.principal.reader()?;
    let id = path_id(&id)?;
    let done = match done.done.as_deref() {
        Some("retry") => Some("retry"),
        Some("sent") => Some("sent"),
        Some("resend") => Some("resend"),
        _ => None,
    };
    render(&state, &signed, id, done, Vec::new()).await
}

#[derive(Deserialize)]
pub struct NoFields {}

#[derive(Deserialize, Default)]
pub struct ResolveForm {
    #[serde(default)]
    outcome: String,
}

/// Runs an officer's change and shows the message again: with a banner when it worked, with
/// the refusal in the error summary when it did not.
async fn change(
    state: &AppState,
    signed: &SignedIn,
    id: Id,
    done: &str,
    resolution: Option<Resolution>,
) -> Result<Response, WebError> {
    let mut tx = state.store.begin().await?;
    let ctx = signed.ctx();
    let result = match resolution {
        Some(r) => outbox::resolve(&mut tx, &ctx, &signed.council, id, r).await,
        None => outbox::retry(&mut tx, &ctx, &signed.council, id).await,
    };
    match result {
        Ok(_) => {
            tx.commit().await?;
            let to = at(&signed.council, &format!("/{id}?done={done}"));
            Ok(Redirect::to(&to).into_response())
        }
        Err(DomainError::NotFound { .. }) => Err(WebError::not_found()),
        Err(DomainError::Invalid { message, .. } | DomainError::Conflict { message, .. }) => {
            drop(tx);
            // Refusals are about the message, not a field: they link to its actions.
            let refused = FieldError {
                field: "actions",
                message: sentence(&message),
            };
            render(state, signed, id, None, vec![refused]).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn retry(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let id = path_id(&id)?;
    change(&state, &signed, id, "retry", None).await
}

pub async fn resolve(
    State(state): State<AppState>,
    Reading { signed, mut tx }: Reading,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ResolveForm>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let id = path_id(&id)?;
    let (resolution, done) = match form.outcome.trim() {
        "sent" => (Resolution::Sent, "sent"),
        "resend" => (Resolution::Resend, "resend"),
        _ => {
            let found = match outbox::find(&mut tx, &signed.council, id).await {
                Err(DomainError::NotFound { .. }) => return Err(WebError::not_found()),
                other => other?,
            };
            drop(tx);
            let error = if found.state == MessageState::Uncertain {
                FieldError {
                    field: "outcome",
                    message: "Choose whether the message arrived or should be sent again".into(),
                }
            } else {
                FieldError {
                    field: "actions",
                    message: format!(
                        "Message {id} is {}: only a message that may have been sent needs \
                         settling.",
                        found.state.label().to_lowercase()
                    ),
                }
            };
            return render(&state, &signed, id, None, vec![error]).await;
        }
    };
    change(&state, &signed, id, done, Some(resolution)).await
}
