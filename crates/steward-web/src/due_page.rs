//! What is due, as a list: a page of the council's report (kept computed in the process, see
//! `steward_domain::ops::due::cache`), filtered by kind, searched and paged like any list.

use crate::back_office::{base, office_page};
use crate::listing::{
    self, EXPORT_BATCH, ListQuery, Listing, Row, column, csv_of_all, plain_column,
};
use crate::pages::{FieldError, by_field};
use crate::session::Reading;
use crate::session::SignedIn;
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::Council;
use steward_domain::listing::Window;
use steward_domain::ops::due::{self, DueFilter, DueItem, DueKind, DueQuery, DueSet};

/// The date box's own format; ISO dates are read too.
const AS_OF_FORMAT: &str = "%d/%m/%Y";

const COLUMNS: &[listing::Column] = &[
    column("kind", "What"),
    column("due", "Due"),
    plain_column("who", "Who"),
    plain_column("item", "Item"),
    plain_column("detail", "Detail"),
    plain_column("clause", "Policy clause"),
];

#[derive(Deserialize)]
pub struct DueParams {
    #[serde(default)]
    as_of: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(flatten)]
    list: ListQuery,
}

/// One choice of the kind filter, with how many items it holds.
#[derive(Serialize)]
struct KindChoice {
    value: &'static str,
    text: String,
}

#[derive(Serialize)]
struct DueView {
    as_of: NaiveDate,
    policy: Option<String>,
    list: Listing,
    kinds: Vec<KindChoice>,
    kind: &'static str,
    total: u64,
}

/// An item as a row: who and what, when, and the clause behind it.
fn row(council: &Council, item: &DueItem) -> Row {
    let who = match (&item.person_name, &item.person) {
        (Some(name), Some(r)) => format!("{name} ({r})"),
        (Some(name), None) => name.clone(),
        (None, Some(r)) => r.to_string(),
        (None, None) => String::new(),
    };
    let row = Row::new(vec![
        item.kind.label().to_string(),
        item.due_on
            .map(steward_policy::long_date)
            .unwrap_or_else(|| "Now".into()),
        who,
        item.asset_tag.clone().unwrap_or_default(),
        item.detail.clone(),
        item.citation
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    ]);
    match &item.person {
        Some(r) => row.link(format!("/councils/{}/people/{r}", council.slug)),
        None => row,
    }
}

/// "Overdue returns (3)" for each kind the report holds, after "Everything".
fn kind_choices(set: &DueSet) -> Vec<KindChoice> {
    let counts = set.counts();
    let mut out = vec![KindChoice {
        value: "",
        text: format!("Everything ({})", counts.total),
    }];
    for kind in DueKind::ALL {
        let n = counts.of(kind);
        if n > 0 {
            out.push(KindChoice {
                value: kind.as_str(),
                text: format!("{} ({n})", kind.label()),
            });
        }
    }
    out
}

pub async fn list(
    State(state): State<AppState>,
    Reading { signed, mut tx }: Reading,
    Query(params): Query<DueParams>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let council = &signed.council;
    let asked = params
        .as_of
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let today = match asked.map(steward_domain::import::parse_date) {
        Some(Err(_)) => return unreadable_date(&state, &signed, asked.unwrap_or_default()),
        Some(Ok(day)) => day,
        None => signed.today,
    };
    // The kept report's key is read in the visitor's transaction; the report is computed
    // only when the register has changed since.
    let set = due::current(&mut tx, &state.due, council, today).await?;
    drop(tx);
    let kind = params
        .kind
        .as_deref()
        .and_then(|k| k.parse::<DueKind>().ok());
    let query: DueQuery = params.list.to_query(DueFilter { kind });
    if params.list.wants_csv() {
        return csv_of_all(&format!("due-{today}"), COLUMNS, |cursor| {
            let mut batch = query.clone();
            batch.window = Window::at(EXPORT_BATCH, cursor);
            let page = set.page(&batch).map(|p| p.map(|i| row(council, &i)));
            async move { Ok(page?) }
        })
        .await;
    }
    let view = view(&signed, &set, &query, &params.list, asked.is_some())?;
    let as_of_text = today.format(AS_OF_FORMAT).to_string();
    render(
        &state,
        &signed,
        StatusCode::OK,
        &as_of_text,
        &[],
        Some(view),
    )
}

/// The page of the report `query` asks for, with the kinds to choose from; `dated` keeps an
/// as-of date that was asked for in every link.
fn view(
    signed: &SignedIn,
    set: &DueSet,
    query: &DueQuery,
    list: &ListQuery,
    dated: bool,
) -> Result<DueView, WebError> {
    let page = set.page(query)?;
    let action = format!("{}/due", base(signed));
    let day = set.as_of.to_string();
    let kind = query.filter.kind.map_or("", DueKind::as_str);
    let keep: Vec<(&str, &str)> = [
        ("as_of", dated.then_some(day.as_str())),
        ("kind", Some(kind)),
    ]
    .into_iter()
    .filter_map(|(k, v)| Some((k, v?)))
    .collect();
    let rows = page.map(|i| row(&signed.council, &i));
    Ok(DueView {
        as_of: set.as_of,
        policy: set.policy.clone(),
        kinds: kind_choices(set),
        kind,
        total: set.counts().total,
        list: Listing::paged(&action, &keep, COLUMNS, query.sort.as_str(), list, rows),
    })
}

/// The page again with the date box in error, and no list.
fn unreadable_date(state: &AppState, signed: &SignedIn, text: &str) -> Result<Response, WebError> {
    let errors = [FieldError {
        field: "as_of",
        message: "Enter the date as day/month/year, for example 16/05/2027".into(),
    }];
    render(state, signed, StatusCode::BAD_REQUEST, text, &errors, None)
}

fn render(
    state: &AppState,
    signed: &SignedIn,
    status: StatusCode,
    as_of_text: &str,
    errors: &[FieldError],
    view: Option<DueView>,
) -> Result<Response, WebError> {
    let mut page = office_page("What is due", signed, "due");
    page.errors = errors.to_vec();
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/due.html",
        &page,
        context! {
            as_of_text,
            field_errors,
            action => format!("{}/due", base(signed)),
            report => view.as_ref().map(Serde),
        },
    )?;
    Ok((status, Html(html)).into_response())
}
