//! The officers' requests: what their offices must act on or approve, and one request with
//! what they may do to it. The domain decides who may act; these handlers only draw what
//! `Abilities` allows and show any refusal.

use super::{hidden, moment, record_id, view};
use crate::back_office::{base, error, form_errors, office_page};
use crate::listing::{EXPORT_BATCH, ListQuery, Listing, Row, column, csv_of_all, plain_column};
use crate::pages::{FieldError, by_field};
use crate::session::Reading;
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::DomainResult;
use steward_domain::listing::{Listed, Window};
use steward_domain::ops::requests::RequestView;
use steward_domain::ops::requests::list::{Assigned, RequestFilter, RequestQuery};
use steward_domain::ops::{policy, requests};
use steward_domain::workflow::{Decision, RequestState};
use steward_policy::OfficeId;

const COLUMNS: &[crate::listing::Column] = &[
    column("reference", "Request"),
    column("raised", "Raised"),
    plain_column("what", "What"),
    plain_column("for", "For"),
    plain_column("item", "Item"),
    column("office", "Office"),
    plain_column("assigned", "Assigned to"),
    column("state", "State"),
    column("due", "Due"),
    plain_column("clause", "Policy clause"),
];

#[derive(Deserialize)]
pub struct RequestParams {
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    office: Option<String>,
    #[serde(default)]
    late: Option<String>,
    #[serde(default)]
    assigned: Option<String>,
    #[serde(flatten)]
    list: ListQuery,
}

#[derive(Serialize)]
struct Choice {
    value: String,
    text: String,
}

/// Who a request is for, in words.
fn for_words(v: &RequestView) -> String {
    v.requester
        .as_ref()
        .map(|p| format!("{} ({})", p.name, p.reference))
        .unwrap_or_else(|| "The council".into())
}

fn row(b: &str, v: &RequestView) -> Row {
    let r = &v.request;
    let row = Row::new(vec![
        format!("Request {}", r.id),
        moment(r.created_at),
        r.kind.title().to_string(),
        for_words(v),
        v.asset_tag.clone().unwrap_or_default(),
        r.handler_name.clone(),
        v.assignee
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_else(|| "Nobody yet".into()),
        r.state.words().to_string(),
        r.due_at.map(moment).unwrap_or_else(|| "No time set".into()),
        requests::citation(r).to_string(),
    ])
    .link(format!("{b}/requests/{}", r.id));
    if v.late { row.flag("Late") } else { row }
}

/// The filters as the page's query gives them; a value that does not read shows what no
/// filter would rather than failing.
fn filter_of(params: &RequestParams, signed: &SignedIn) -> Option<RequestFilter> {
    let assigned = match params.assigned.as_deref() {
        Some("me") => Some(Assigned::To(signed.principal.user.person_id?)),
        Some("nobody") => Some(Assigned::Nobody),
        _ => None,
    };
    Some(RequestFilter {
        state: params
            .state
            .as_deref()
            .and_then(|s| s.parse().ok())
            .unwrap_or_default(),
        office: params.office.as_deref().and_then(office_of),
        late_at: (params.late.as_deref() == Some("yes")).then_some(signed.now),
        assigned,
    })
}

/// What the office filter reads as: the council's administrators, who receive what the policy
/// names no one for, or an office of the pack.
/// Not an office id (those have no hyphens), so no office of a pack can be mistaken for it.
const ADMINISTRATORS: &str = "council-administrators";

fn office_of(text: &str) -> Option<OfficeId> {
    if text == ADMINISTRATORS {
        Some(OfficeId::administrators())
    } else {
        OfficeId::is_well_formed(text).then(|| OfficeId(text.to_string()))
    }
}

/// The offices of the pack in force, for the office filter, and the administrators.
async fn office_choices(
    tx: &mut steward_store::StoreTx,
    signed: &SignedIn,
) -> Result<Vec<Choice>, WebError> {
    let active = policy::in_force(tx, &signed.council, signed.today).await?;
    Ok(active
        .map(|a| {
            a.pack
                .offices
                .iter()
                .map(|o| Choice {
                    value: o.id.to_string(),
                    text: o.name.clone(),
                })
                .chain(std::iter::once(Choice {
                    value: ADMINISTRATORS.to_string(),
                    text: steward_policy::requests::ADMINISTRATORS_NAME.to_string(),
                }))
                .collect()
        })
        .unwrap_or_default())
}

pub async fn list(
    State(state): State<AppState>,
    Reading {
        signed,
        tx: page_tx,
    }: Reading,
    Query(params): Query<RequestParams>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let b = base(&signed);
    let council = &signed.council;
    // "Assigned to me" for an account with no person in the register finds nothing.
    let filter = filter_of(&params, &signed);
    let query: RequestQuery = params.list.to_query(filter.clone().unwrap_or_default());
    if params.list.wants_csv() {
        // The export reads in batches of its own.
        drop(page_tx);
        return csv_of_all("requests", COLUMNS, |cursor| {
            let mut batch = query.clone();
            batch.window = Window::at(EXPORT_BATCH, cursor);
            let (state, b, filter) = (state.clone(), b.clone(), filter.clone());
            let (principal, now) = (&signed.principal, signed.now);
            async move {
                if filter.is_none() {
                    return Ok(Listed::empty());
                }
                let mut tx = state.store.read().await?;
                let page = requests::list::list(&mut tx, council, principal, &batch, now).await?;
                Ok(page.map(|v| row(&b, &v)))
            }
        })
        .await;
    }
    let mut tx = page_tx;
    let page = match filter {
        Some(_) => {
            requests::list::list(&mut tx, council, &signed.principal, &query, signed.now).await?
        }
        None => Listed::empty(),
    };
    let offices = office_choices(&mut tx, &signed).await?;
    drop(tx);
    let action = format!("{b}/requests");
    let chosen_state = params.state.clone().unwrap_or_default();
    let office = params.office.clone().unwrap_or_default();
    let assigned = params.assigned.clone().unwrap_or_default();
    let late_only = params.late.as_deref() == Some("yes");
    let late = if late_only { "yes" } else { "" };
    let listing = Listing::paged(
        &action,
        &[
            ("state", &chosen_state),
            ("office", &office),
            ("late", late),
            ("assigned", &assigned),
        ],
        COLUMNS,
        query.sort.as_str(),
        &params.list,
        page.map(|v| row(&b, &v)),
    );
    let states: Vec<Choice> = RequestState::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str().into(),
            text: s.words().into(),
        })
        .collect();
    let page = office_page("Requests", &signed, "requests");
    let html = state.pages.render(
        "pages/requests.html",
        &page,
        context! {
            list => Serde(&listing),
            action,
            states => Serde(&states),
            offices => Serde(&offices),
            chosen => context! { state => chosen_state, office, late => late_only, assigned },
            may_raise => signed.principal.officer().is_ok(),
        },
    )?;
    Ok(Html(html).into_response())
}

/// What the request page's forms show again after an error.
#[derive(Default, Deserialize, Serialize)]
pub struct RequestForms {
    #[serde(default)]
    comment: String,
    #[serde(default)]
    internal: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    task: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    certificate: String,
    #[serde(default)]
    dispose: String,
    #[serde(default)]
    withdraw_reason: String,
    /// The colleague to give the request to, by username; absent for oneself.
    #[serde(default)]
    to: Option<String>,
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
    forms: &RequestForms,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let mut tx = state.store.read().await?;
    let found =
        requests::detail(&mut tx, &signed.council, &signed.principal, id, signed.now).await?;
    let active = policy::in_force(&mut tx, &signed.council, signed.today).await?;
    let colleagues = if found.may.handle {
        requests::colleagues(&mut tx, &signed.ctx(), &found.view.request).await?
    } else {
        Vec::new()
    };
    drop(tx);
    // Everyone but the one already holding it, by name.
    let others: Vec<Choice> = colleagues
        .iter()
        .filter(|c| Some(c.id) != found.view.request.assignee_id)
        .map(|c| Choice {
            value: c.username.clone(),
            text: format!("{} ({})", c.name, c.reference),
        })
        .collect();
    let card = view::card(&found.view, active.as_ref().map(|a| &*a.pack));
    let mine = found.view.request.assignee_id.is_some()
        && found.view.request.assignee_id == signed.principal.user.person_id;
    // Officers' notes may be kept from the person the request is for; only those who handle
    // or approve it may write one.
    let may_note = found.may.handle || found.may.approve;
    let title = format!("Request {id}");
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut page = office_page(&title, signed, "requests");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/request.html",
        &page,
        context! {
            request => Serde(&card),
            events => Serde(&view::events(&found.events, true)),
            tasks => Serde(&view::tasks(&found.tasks)),
            approvals => view::approvals(&found),
            may => Serde(&found.may),
            may_note,
            may_resolve => found.may.handle
                && found.view.request.state != RequestState::AwaitingApproval,
            mine,
            colleagues => Serde(&others),
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
    let shown = render(
        &state,
        &signed,
        id,
        done.done.as_deref(),
        &RequestForms::default(),
        Vec::new(),
    )
    .await;
    match shown {
        Err(e) if e.is_not_found() => elsewhere(&state, &signed, id).await?.ok_or(e),
        other => other,
    }
}

/// The page for an officer who may know a request exists but not open it: where it went.
async fn elsewhere(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
) -> Result<Option<Response>, WebError> {
    let mut tx = state.store.read().await?;
    let office = requests::routed_to(&mut tx, &signed.council, &signed.principal, id).await?;
    drop(tx);
    let Some(office) = office else {
        return Ok(None);
    };
    let title = format!("Request {id}");
    let page = office_page(&title, signed, "requests");
    let html = state.pages.render(
        "pages/request_elsewhere.html",
        &page,
        context! { id, office },
    )?;
    Ok(Some((StatusCode::FORBIDDEN, Html(html)).into_response()))
}

/// One change to a request, as the domain takes it.
enum Action {
    Assign {
        to: Option<String>,
    },
    Comment {
        text: String,
        internal: bool,
    },
    Decide {
        decision: Decision,
        reason: String,
    },
    Task {
        task: i64,
        note: String,
    },
    Resolve {
        outcome: String,
        erasure: Option<requests::ErasureRecord>,
    },
    Withdraw {
        reason: String,
    },
}

impl Action {
    /// What the page says once it is done, and where a problem with it is shown.
    fn names(&self) -> (&'static str, &'static [&'static str], &'static str) {
        match self {
            Action::Assign { .. } => ("assigned", &["to"], "to"),
            Action::Comment { .. } => ("commented", &["comment", "internal"], "comment"),
            Action::Decide {
                decision: Decision::Approve,
                ..
            } => ("approved", &["decision", "reason"], "decision"),
            Action::Decide { .. } => ("refused", &["decision", "reason"], "decision"),
            Action::Task { .. } => ("task", &[], "tasks"),
            Action::Resolve { .. } => ("resolved", &["outcome", "method", "tasks"], "outcome"),
            Action::Withdraw { .. } => ("withdrawn", &[], "withdraw_reason"),
        }
    }

    async fn run(
        self,
        tx: &mut steward_store::StoreTx,
        signed: &SignedIn,
        id: i64,
    ) -> DomainResult<()> {
        let ctx = signed.ctx();
        let (c, p) = (&signed.council, &signed.principal);
        match self {
            Action::Assign { to } => requests::assign(tx, &ctx, c, p, id, to.as_deref())
                .await
                .map(drop),
            Action::Comment { text, internal } => {
                requests::comment(tx, &ctx, c, p, id, &text, internal)
                    .await
                    .map(drop)
            }
            Action::Decide { decision, reason } => {
                requests::decide(tx, &ctx, c, p, id, decision, &reason)
                    .await
                    .map(drop)
            }
            Action::Task { task, note } => requests::complete_task(tx, &ctx, c, p, id, task, &note)
                .await
                .map(drop),
            Action::Resolve { outcome, erasure } => {
                requests::resolve(tx, &ctx, c, p, id, &outcome, erasure)
                    .await
                    .map(drop)
            }
            Action::Withdraw { reason } => requests::withdraw(tx, &ctx, c, p, id, &reason)
                .await
                .map(drop),
        }
    }
}

/// Runs one action in its own transaction, then goes back to the request saying what was
/// done, or shows the page again with the problem against the field it is about.
async fn act(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    form: &RequestForms,
    action: Action,
) -> Result<Response, WebError> {
    let (done, fields, fallback) = action.names();
    let mut tx = state.store.begin().await?;
    match action.run(&mut tx, signed, id).await {
        Ok(()) => {
            tx.commit().await?;
            let to = format!("{}/requests/{id}?done={done}", base(signed));
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) if hidden(&e) => Err(WebError::not_found()),
        Err(e) => {
            drop(tx);
            let errors = form_errors(e, fields, fallback)?;
            render(state, signed, id, None, form, errors).await
        }
    }
}

pub async fn assign(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<RequestForms>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let id = record_id(&id)?;
    let to = match form.to.as_deref().map(str::trim) {
        None => None,
        Some("") => {
            let errors = vec![error("to", "Choose the officer to give the request to")];
            return render(&state, &signed, id, None, &form, errors).await;
        }
        Some(named) => Some(named.to_string()),
    };
    act(&state, &signed, id, &form, Action::Assign { to }).await
}

pub async fn comment(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<RequestForms>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let id = record_id(&id)?;
    if form.comment.trim().is_empty() {
        let errors = vec![error("comment", "Enter the comment")];
        return render(&state, &signed, id, None, &form, errors).await;
    }
    let action = Action::Comment {
        text: form.comment.clone(),
        internal: form.internal == "yes",
    };
    act(&state, &signed, id, &form, action).await
}

pub async fn decide(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<RequestForms>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let id = record_id(&id)?;
    let mut errors = Vec::new();
    let decision = match form.decision.as_str() {
        "approve" => Some(Decision::Approve),
        "refuse" => Some(Decision::Refuse),
        _ => {
            errors.push(error("decision", "Choose whether to approve or refuse it"));
            None
        }
    };
    if form.reason.trim().is_empty() {
        errors.push(error("reason", "Enter the reason for your decision"));
    }
    let (Some(decision), true) = (decision, errors.is_empty()) else {
        return render(&state, &signed, id, None, &form, errors).await;
    };
    let action = Action::Decide {
        decision,
        reason: form.reason.clone(),
    };
    act(&state, &signed, id, &form, action).await
}

pub async fn task_done(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<RequestForms>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let id = record_id(&id)?;
    let Ok(task) = form.task.trim().parse::<i64>() else {
        let errors = vec![error("tasks", "Choose the follow-up that is done")];
        return render(&state, &signed, id, None, &form, errors).await;
    };
    let action = Action::Task {
        task,
        note: form.note.clone(),
    };
    act(&state, &signed, id, &form, action).await
}

pub async fn resolve(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<RequestForms>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let id = record_id(&id)?;
    let mut errors = Vec::new();
    if form.outcome.trim().is_empty() {
        errors.push(error("outcome", "Say what was done"));
    }
    // The erasure fields are sent only by the form of an erasure request.
    let erasure = if form.method.trim().is_empty() && form.dispose.is_empty() {
        None
    } else {
        if form.method.trim().is_empty() {
            errors.push(error(
                "method",
                "Say how the data was erased, for example a certified overwrite",
            ));
        }
        let dispose = match form.dispose.as_str() {
            "dispose" => Some(true),
            "stock" => Some(false),
            _ => {
                errors.push(error(
                    "dispose",
                    "Say whether the item was disposed of or is back in stock",
                ));
                None
            }
        };
        dispose.map(|dispose| requests::ErasureRecord {
            method: form.method.trim().to_string(),
            certificate: Some(form.certificate.trim().to_string()).filter(|c| !c.is_empty()),
            dispose,
        })
    };
    if !errors.is_empty() {
        return render(&state, &signed, id, None, &form, errors).await;
    }
    let action = Action::Resolve {
        outcome: form.outcome.clone(),
        erasure,
    };
    act(&state, &signed, id, &form, action).await
}

pub async fn withdraw(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<RequestForms>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let id = record_id(&id)?;
    // Closing someone's request unanswered is explained to them.
    if form.withdraw_reason.trim().is_empty() {
        let errors = vec![error(
            "withdraw_reason",
            "Enter why the request is being closed without being dealt with",
        )];
        return render(&state, &signed, id, None, &form, errors).await;
    }
    let action = Action::Withdraw {
        reason: form.withdraw_reason.clone(),
    };
    act(&state, &signed, id, &form, action).await
}
