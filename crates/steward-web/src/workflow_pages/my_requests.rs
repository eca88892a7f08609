//! A member's own requests: the list, one request with its history (never the officers' own
//! notes), the confirmation after raising one, commenting and withdrawing.

use super::raise::Sent;
use super::{hidden, moment, pack_in_force, record_id, view};
use crate::back_office::{base, error, form_errors};
use crate::listing::{EXPORT_BATCH, ListQuery, Listing, Row, column, csv_of_all, plain_column};
use crate::pages::{FieldError, Page, by_field};
use crate::session::Reading;
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::listing::Window;
use steward_domain::ops::requests::RequestView;
use steward_domain::ops::requests::list::{RequestFilter, RequestQuery, StateChoice};
use steward_domain::ops::requests::{self, RequestDetail};
use steward_domain::workflow::EventKind;

const COLUMNS: &[crate::listing::Column] = &[
    column("reference", "Request"),
    column("raised", "Raised"),
    plain_column("what", "What"),
    plain_column("item", "Item"),
    column("office", "Sent to"),
    column("state", "State"),
    column("due", "Due"),
];

fn row(b: &str, v: &RequestView) -> Row {
    let r = &v.request;
    let row = Row::new(vec![
        format!("Request {}", r.id),
        moment(r.created_at),
        r.kind.title().to_string(),
        v.asset_tag.clone().unwrap_or_default(),
        r.handler_name.clone(),
        r.state.words().to_string(),
        r.due_at.map(moment).unwrap_or_default(),
    ])
    .link(format!("{b}/me/requests/{}", r.id));
    if v.late { row.flag("Late") } else { row }
}

fn my_page<'a>(title: &'a str, signed: &'a SignedIn) -> Page<'a> {
    Page::new(title)
        .council(&signed.council)
        .viewer(signed)
        .nav("my-requests")
}

pub async fn list(
    State(state): State<AppState>,
    Reading {
        signed,
        tx: page_tx,
    }: Reading,
    Query(params): Query<ListQuery>,
) -> Result<Response, WebError> {
    let access = signed.principal.member()?;
    // Their own requests in every state: what was dealt with stays in their history.
    let filter = RequestFilter {
        state: StateChoice::All,
        ..RequestFilter::default()
    };
    let query: RequestQuery = params.to_query(filter);
    let b = base(&signed);
    let (council, now) = (&signed.council, signed.now);
    if params.wants_csv() {
        // The export reads in batches of its own.
        drop(page_tx);
        return csv_of_all("your-requests", COLUMNS, |cursor| {
            let mut batch = query.clone();
            batch.window = Window::at(EXPORT_BATCH, cursor);
            let (state, b, access) = (state.clone(), b.clone(), access.clone());
            async move {
                let mut tx = state.store.read().await?;
                let page = requests::list::mine(&mut tx, council, &access, &batch, now).await?;
                Ok(page.map(|v| row(&b, &v)))
            }
        })
        .await;
    }
    let mut tx = page_tx;
    let page = requests::list::mine(&mut tx, council, &access, &query, now).await?;
    drop(tx);
    let action = format!("{b}/me/requests");
    let listing = Listing::paged(
        &action,
        &[],
        COLUMNS,
        query.sort.as_str(),
        &params,
        page.map(|v| row(&b, &v)),
    );
    let page = my_page("Your requests", &signed);
    let html = state.pages.render(
        "pages/my_requests.html",
        &page,
        context! { list => Serde(&listing), action },
    )?;
    Ok(Html(html).into_response())
}

/// The request, if it is the member's own: anyone else's is not found.
async fn own(state: &AppState, signed: &SignedIn, id: i64) -> Result<RequestDetail, WebError> {
    signed.principal.member()?;
    let mut tx = state.store.read().await?;
    let found =
        requests::detail(&mut tx, &signed.council, &signed.principal, id, signed.now).await?;
    if signed.principal.requester_of(&found.view.request).is_err() {
        return Err(WebError::not_found());
    }
    Ok(found)
}

#[derive(Default, Deserialize, Serialize)]
pub struct MyForms {
    #[serde(default)]
    comment: String,
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

async fn render(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    done: Option<&str>,
    forms: &MyForms,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let found = own(state, signed, id).await?;
    let pack = pack_in_force(state, signed).await?;
    let card = view::card(&found.view, pack.as_deref());
    let title = format!("Request {id}");
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut page = my_page(&title, signed);
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/my_request.html",
        &page,
        context! {
            request => Serde(&card),
            events => Serde(&view::events(&found.events, false)),
            tasks => Serde(&view::tasks(&found.tasks)),
            may => Serde(&found.may),
            done,
            forms => Serde(forms),
            field_errors,
            csrf_token => &signed.session.csrf_token,
        },
    )?;
    Ok((status, Html(html)).into_response())
}

pub async fn detail(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let id = record_id(&id)?;
    render(
        &state,
        &signed,
        id,
        done.done.as_deref(),
        &MyForms::default(),
        Vec::new(),
    )
    .await
}

/// The confirmation after raising: where it went, the clause, when it is due, and what was
/// done at once. Raising writes the routing line first and then a line for each thing done,
/// all at the moment of raising, so those lines are the ones after the first.
pub async fn sent(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = record_id(&id)?;
    let found = own(&state, &signed, id).await?;
    let r = &found.view.request;
    let pack = pack_in_force(&state, &signed).await?;
    let card = view::card(&found.view, pack.as_deref());
    let done = found
        .events
        .iter()
        .filter(|e| e.at == r.created_at && e.kind == EventKind::State && !e.internal)
        .skip(1)
        .map(|e| e.text.clone())
        .collect();
    let sent = Sent {
        id,
        title: r.kind.title(),
        office: r.handler_name.clone(),
        clause: card.clause.clone(),
        unnamed: card.unnamed.clone(),
        urgency: card.urgency,
        due: card.due.clone(),
        within: None,
        approval: card.approval.clone(),
        done,
        link: Some(format!("{}/me/requests/{id}", base(&signed))),
    };
    let page = my_page("Your request has been sent", &signed);
    let html = state.pages.render(
        "pages/request_sent.html",
        &page,
        context! { sent => Serde(&sent), member => true },
    )?;
    Ok(Html(html).into_response())
}

fn back_to(signed: &SignedIn, id: i64, done: &str) -> Response {
    Redirect::to(&format!("{}/me/requests/{id}?done={done}", base(signed))).into_response()
}

pub async fn comment(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<MyForms>,
) -> Result<Response, WebError> {
    let id = record_id(&id)?;
    own(&state, &signed, id).await?;
    if form.comment.trim().is_empty() {
        let errors = vec![error("comment", "Enter your comment")];
        return render(&state, &signed, id, None, &form, errors).await;
    }
    let mut tx = state.store.begin().await?;
    let said = requests::comment(
        &mut tx,
        &signed.ctx(),
        &signed.council,
        &signed.principal,
        id,
        &form.comment,
        false,
    )
    .await;
    match said {
        Ok(_) => {
            tx.commit().await?;
            Ok(back_to(&signed, id, "commented"))
        }
        Err(e) if hidden(&e) => Err(WebError::not_found()),
        Err(e) => {
            drop(tx);
            let errors = form_errors(e, &["comment"], "comment")?;
            render(&state, &signed, id, None, &form, errors).await
        }
    }
}

pub async fn withdraw(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<MyForms>,
) -> Result<Response, WebError> {
    let id = record_id(&id)?;
    own(&state, &signed, id).await?;
    let mut tx = state.store.begin().await?;
    let taken = requests::withdraw(
        &mut tx,
        &signed.ctx(),
        &signed.council,
        &signed.principal,
        id,
        &form.reason,
    )
    .await;
    match taken {
        Ok(_) => {
            tx.commit().await?;
            Ok(back_to(&signed, id, "withdrawn"))
        }
        Err(e) if hidden(&e) => Err(WebError::not_found()),
        Err(e) => {
            drop(tx);
            let errors = form_errors(e, &["reason"], "reason")?;
            render(&state, &signed, id, None, &form, errors).await
        }
    }
}
