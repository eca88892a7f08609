//! What scanning the proxy's logs found: every finding, filtered by person, category and
//! days, as a listing with a CSV download; and one person's findings. Only the offices the
//! pack's `[monitoring] visible_to` names see them, and auditors; the domain refuses everyone
//! else.

use crate::back_office::{base, office_page};
use crate::listing::{
    Column, EXPORT_BATCH, ListQuery, Listing, Row, column, csv_of_all, plain_column,
};
use crate::session::Reading;
use crate::session::SignedIn;
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::listing::Window;
use steward_domain::network::FindingFilter;
use steward_domain::ops::network::list::{self, FindingQuery};
use steward_domain::ops::network::view::{self, FindingView};
use steward_domain::ops::{people, pick};
use steward_domain::{DomainError, Id, PersonRef};
use steward_policy::long_date;
use steward_policy::uktime::uk_local;
use steward_store::StoreTx;

const COLUMNS: &[Column] = &[
    column("day", "Day"),
    plain_column("who", "Who"),
    column("category", "Category"),
    plain_column("visits", "Visits"),
    plain_column("seen", "First and last seen"),
    plain_column("samples", "Some addresses"),
    plain_column("reported", "Reported by them"),
];

/// The filters, as typed into the form.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Filters {
    #[serde(default)]
    person: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// The page's query: the filters and the listing's own parameters.
#[derive(Deserialize)]
pub struct FindingParams {
    #[serde(flatten)]
    filters: Filters,
    #[serde(flatten)]
    list: ListQuery,
}

fn day(text: &str) -> Option<chrono::NaiveDate> {
    steward_domain::import::parse_date(text.trim()).ok()
}

fn row(b: &str, f: &FindingView) -> Row {
    let who = match &f.person {
        Some(p) => format!("{} ({}), as {}", p.name, p.reference, f.identity),
        None => format!("Not known to the register: {}", f.identity),
    };
    let reported: Vec<String> = f
        .reported
        .iter()
        .map(|r| format!("Request {}: {}", r.request_id, r.summary))
        .collect();
    let row = Row::new(vec![
        long_date(f.day),
        who,
        f.category.clone(),
        f.visits.to_string(),
        format!(
            "{} to {}",
            uk_local(f.first_seen).format("%H:%M:%S"),
            uk_local(f.last_seen).format("%H:%M:%S")
        ),
        f.samples.join(" "),
        reported.join("; "),
    ]);
    let row = if f.reported.is_empty() {
        row
    } else {
        row.flag("Reported")
    };
    match &f.person {
        Some(p) => row.link(format!("{b}/monitoring/people/{}", p.reference)),
        None => row,
    }
}

/// The person the findings are narrowed to: the page's, or the one the filter names. One the
/// register does not know has no findings, which an empty list says.
async fn person_filter(
    tx: &mut steward_store::StoreTx,
    signed: &SignedIn,
    person: &Option<(PersonRef, String)>,
    filters: &Filters,
) -> Result<Option<Id>, WebError> {
    let reference = match person {
        Some((r, _)) => r.clone(),
        None if filters.person.trim().is_empty() => return Ok(None),
        // A name or a reference; words that name no one, or several, match no findings.
        None => {
            let on = signed.today;
            match pick::person(tx, &signed.council, "person", &filters.person, on).await {
                Ok(p) => p.reference,
                Err(DomainError::Invalid { .. }) => return Ok(Some(NOBODY)),
                Err(e) => return Err(e.into()),
            }
        }
    };
    match people::find(tx, &signed.council, &reference).await {
        Ok(p) => Ok(Some(p.id)),
        Err(DomainError::NotFound { .. }) => Ok(Some(NOBODY)),
        Err(e) => Err(e.into()),
    }
}

/// An id no person has.
const NOBODY: Id = -1;

async fn render(
    state: &AppState,
    signed: &SignedIn,
    mut tx: StoreTx,
    person: Option<(PersonRef, String)>,
    params: FindingParams,
) -> Result<Response, WebError> {
    let b = base(signed);
    let filters = params.filters;
    let filter = FindingFilter {
        person_id: person_filter(&mut tx, signed, &person, &filters).await?,
        category: Some(filters.category.trim().to_string()).filter(|c| !c.is_empty()),
        from: day(&filters.from),
        to: day(&filters.to),
    };
    let query: FindingQuery = params.list.to_query(filter);
    let (council, principal, today) = (&signed.council, &signed.principal, signed.today);
    if params.list.wants_csv() {
        // The export reads in batches of its own.
        drop(tx);
        return csv_of_all("web-findings", COLUMNS, |cursor| {
            let mut batch = query.clone();
            batch.window = Window::at(EXPORT_BATCH, cursor);
            let (state, b) = (state.clone(), b.clone());
            async move {
                let mut tx = state.store.read().await?;
                let page = list::page(&mut tx, council, principal, today, &batch).await?;
                Ok(page.map(|f| row(&b, &f)))
            }
        })
        .await;
    }
    let page = list::page(&mut tx, council, principal, today, &query).await?;
    drop(tx);
    let action = match &person {
        Some((r, _)) => format!("{b}/monitoring/people/{r}"),
        None => format!("{b}/monitoring/findings"),
    };
    let extra = [
        ("person", filters.person.as_str()),
        ("category", filters.category.as_str()),
        ("from", filters.from.as_str()),
        ("to", filters.to.as_str()),
    ];
    let listing = Listing::paged(
        &action,
        &extra,
        COLUMNS,
        query.sort.as_str(),
        &params.list,
        page.map(|f| row(&b, &f)),
    );
    let title = match &person {
        Some((_, name)) => format!("What monitoring found: {name}"),
        None => "What monitoring found".to_string(),
    };
    let page = office_page(&title, signed, "oversight");
    let html = state.pages.render(
        "pages/monitoring_findings.html",
        &page,
        context! {
            list => Serde(&listing),
            action,
            heading => &title,
            person => person.as_ref().map(|(r, _)| r.to_string()),
            filters => Serde(&filters),
        },
    )?;
    Ok(Html(html).into_response())
}

pub async fn list(
    State(state): State<AppState>,
    Reading { signed, tx }: Reading,
    Query(params): Query<FindingParams>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    render(&state, &signed, tx, None, params).await
}

pub async fn person(
    State(state): State<AppState>,
    Reading { signed, mut tx }: Reading,
    Path((_, reference)): Path<(String, String)>,
    Query(params): Query<FindingParams>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let reference: PersonRef = reference.parse().map_err(|_| WebError::not_found())?;
    // Whether someone is in the register is not for those who may not read findings.
    view::access(&mut tx, &signed.council, &signed.principal, signed.today).await?;
    let found = people::find(&mut tx, &signed.council, &reference).await?;
    let params = FindingParams {
        filters: Filters {
            person: String::new(),
            ..params.filters
        },
        ..params
    };
    render(&state, &signed, tx, Some((reference, found.name)), params).await
}
