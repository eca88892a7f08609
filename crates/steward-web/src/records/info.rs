//! The register of information requests: the list with search, sort, paging and CSV, the
//! form to record a new one, and each request's page with its actions.

mod act;
mod forms;

use crate::back_office::{base, error, office_page};
use crate::listing::{EXPORT_BATCH, ListQuery, Listing, Row, column, csv_of_all, plain_column};
use crate::pages::{FieldError, by_field, sentence};
use crate::routes::{Need, PageRoute, page};
use crate::session::Reading;
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::DomainError;
use steward_domain::info::access;
use steward_domain::info::{InfoKind, Standing};
use steward_domain::listing::Window;
use steward_domain::ops::info::list::{InfoFilter, InfoQuery};
use steward_domain::ops::info::{self as ops, InfoView, Receive};
use steward_domain::ops::policy;
use steward_policy::information::info_route;
use steward_policy::long_date;

pub fn pages() -> Vec<PageRoute> {
    use Need::*;
    let mut v = vec![
        page(
            Method::GET,
            "/councils/{slug}/information-requests",
            Reader,
            get(list),
        ),
        page(
            Method::GET,
            "/councils/{slug}/information-requests/new",
            Reader,
            get(new_form),
        ),
        page(
            Method::POST,
            "/councils/{slug}/information-requests/new",
            Officer,
            post(receive),
        ),
    ];
    v.extend(act::pages());
    v
}

const COLUMNS: &[crate::listing::Column] = &[
    column("reference", "Reference"),
    column("kind", "Kind"),
    column("received", "Received"),
    plain_column("from", "From or about"),
    plain_column("summary", "Summary"),
    plain_column("due", "Due"),
    plain_column("standing", "Standing"),
    plain_column("clause", "Policy clause"),
];

#[derive(Deserialize)]
pub struct ListFilter {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    show: Option<String>,
    #[serde(flatten)]
    list: ListQuery,
}

fn who(v: &InfoView) -> String {
    match &v.subject {
        Some(s) => format!("About {s}; from {}", v.request.requester),
        None => v.request.requester.clone(),
    }
}

fn row(b: &str, v: &InfoView) -> Row {
    let r = &v.request;
    let row = Row::new(vec![
        r.reference.clone(),
        r.kind.prefix().to_string(),
        long_date(r.received_on),
        who(v),
        r.summary.clone(),
        long_date(v.deadline.due_on),
        v.deadline.standing.label().to_string(),
        v.citation.to_string(),
    ])
    .link(format!("{b}/information-requests/{}", r.id));
    match v.deadline.standing {
        Standing::Overdue => row.flag("Overdue"),
        Standing::DueSoon => row.flag("Due soon"),
        _ => row,
    }
}

async fn list(
    State(state): State<AppState>,
    Reading {
        signed,
        tx: page_tx,
    }: Reading,
    Query(filter): Query<ListFilter>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let kinds: Vec<InfoKind> = filter
        .kind
        .as_deref()
        .and_then(|k| k.parse().ok())
        .into_iter()
        .collect();
    let all = filter.show.as_deref() == Some("all");
    let query: InfoQuery = filter.list.to_query(InfoFilter {
        kinds: kinds.clone(),
        open: (!all).then_some(true),
    });
    let b = base(&signed);
    let (council, principal, today) = (&signed.council, &signed.principal, signed.today);
    if filter.list.wants_csv() {
        // The export reads in batches of its own.
        drop(page_tx);
        return csv_of_all("information-requests", COLUMNS, |cursor| {
            let mut batch = query.clone();
            batch.window = Window::at(EXPORT_BATCH, cursor);
            let (state, b) = (state.clone(), b.clone());
            async move {
                let mut tx = state.store.read().await?;
                let page = ops::list::list(&mut tx, council, principal, &batch, today).await?;
                Ok(page.map(|v| row(&b, &v)))
            }
        })
        .await;
    }
    let mut tx = page_tx;
    let page = ops::list::list(&mut tx, council, principal, &query, today).await?;
    let (overdue, due_soon) =
        ops::list::standing(&mut tx, council, principal, &kinds, today).await?;
    let active = policy::in_force(&mut tx, council, today).await?;
    drop(tx);
    let handles = active
        .as_ref()
        .is_some_and(|a| access::handles(principal, &info_route(&a.pack).handlers));
    let action = format!("{b}/information-requests");
    let kind = filter.kind.clone().unwrap_or_default();
    let show = if all { "all" } else { "" };
    let listing = Listing::paged(
        &action,
        &[("kind", kind.as_str()), ("show", show)],
        COLUMNS,
        query.sort.as_str(),
        &filter.list,
        page.map(|v| row(&b, &v)),
    );
    let page = office_page("Information requests", &signed, "information");
    let html = state.pages.render(
        "pages/info_requests.html",
        &page,
        context! {
            list => Serde(&listing), action, all, kind, overdue, due_soon, handles,
        },
    )?;
    Ok(Html(html).into_response())
}

#[derive(Default, Deserialize, Serialize)]
pub struct NewForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    requester: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    nation: String,
}

async fn render_new(
    state: &AppState,
    signed: &SignedIn,
    form: &NewForm,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let mut tx = state.store.read().await?;
    let active = policy::in_force(&mut tx, &signed.council, signed.today).await?;
    drop(tx);
    let route = active.as_ref().map(|a| info_route(&a.pack));
    let handles = route
        .as_ref()
        .is_some_and(|r| access::handles(&signed.principal, &r.handlers));
    let handlers = match (&active, &route) {
        (Some(a), Some(r)) if !r.handlers.is_empty() => r
            .handlers
            .iter()
            .map(|o| a.pack.office_name(o))
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "administrators (the policy names no office)".to_string(),
    };
    let clause = route
        .as_ref()
        .and_then(|r| r.citation.as_ref())
        .map(ToString::to_string);
    let nation = route.map(|r| r.nation.as_str()).unwrap_or("england_wales");
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut page = office_page("Record an information request", signed, "information");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/info_request_new.html",
        &page,
        context! {
            form => Serde(form), field_errors, handles, handlers, clause, nation,
            csrf_token => &signed.session.csrf_token,
        },
    )?;
    Ok((status, Html(html)).into_response())
}

async fn new_form(State(state): State<AppState>, signed: SignedIn) -> Result<Response, WebError> {
    signed.principal.reader()?;
    render_new(&state, &signed, &NewForm::default(), Vec::new()).await
}

/// A domain refusal as errors against the form's fields: `map` pairs the command's field
/// names with the form's, anything else goes against `fallback`.
pub(super) fn field_errors(
    e: DomainError,
    map: &[(&str, &'static str)],
    fallback: &'static str,
) -> Result<Vec<FieldError>, WebError> {
    let against = |field: &str| {
        map.iter()
            .find(|(d, _)| *d == field)
            .map(|(_, f)| *f)
            .unwrap_or(fallback)
    };
    Ok(match e {
        DomainError::Invalid { field, message } | DomainError::Conflict { field, message } => {
            vec![error(against(&field), sentence(&message))]
        }
        DomainError::NotFound { what, key } => vec![error(
            fallback,
            sentence(&format!("there is no {what} '{key}' in the register")),
        )],
        DomainError::NoPolicy { .. } => vec![error(
            fallback,
            "The council has no policy in force today, so no one is named to handle requests",
        )],
        other => return Err(other.into()),
    })
}

async fn receive(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<NewForm>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let mut errors = Vec::new();
    let kind: Option<InfoKind> = match form.kind.parse() {
        Ok(k) => Some(k),
        Err(_) => {
            errors.push(error("kind", "Choose the law the request is made under"));
            None
        }
    };
    let received_on = crate::back_office::required_date(
        &mut errors,
        "received_on",
        &form.received_on,
        "the date the request was received",
    );
    let nation = if form.nation.trim().is_empty() {
        None
    } else {
        match form.nation.parse() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(error("nation", "Choose whose bank holidays count"));
                None
            }
        }
    };
    let subject = if form.subject.trim().is_empty() {
        None
    } else {
        let mut tx = state.store.read().await?;
        let found = crate::back_office::picked_person(
            &mut tx,
            &signed,
            "subject",
            &form.subject,
            &mut errors,
        )
        .await?;
        found.map(|p| p.reference)
    };
    let (Some(kind), Some(received_on), true) = (kind, received_on, errors.is_empty()) else {
        return render_new(&state, &signed, &form, errors).await;
    };
    let mut tx = state.store.begin().await?;
    let done = ops::receive(
        &mut tx,
        &signed.ctx(),
        &signed.council,
        &signed.principal,
        Receive {
            kind,
            requester: form.requester.clone(),
            subject,
            received_on,
            summary: form.summary.clone(),
            nation,
        },
    )
    .await;
    match done {
        Ok(v) => {
            tx.commit().await?;
            let to = format!(
                "{}/information-requests/{}?done=received",
                base(&signed),
                v.request.id
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            drop(tx);
            let errors = field_errors(
                e,
                &[
                    ("requester", "requester"),
                    ("subject", "subject"),
                    ("received_on", "received_on"),
                    ("summary", "summary"),
                ],
                "kind",
            )?;
            render_new(&state, &signed, &form, errors).await
        }
    }
}
