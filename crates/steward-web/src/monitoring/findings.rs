//! What scanning the proxy's logs found: every finding, filtered by person, category and
//! days, as a listing with a CSV download; and one person's findings. Only the offices the
//! pack's `[monitoring] visible_to` names see them, and auditors; the domain refuses everyone
//! else.

use crate::back_office::{base, office_page};
use crate::listing::{ListQuery, Listing, Row, column};
use crate::session::SignedIn;
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::network::FindingFilter;
use steward_domain::ops::network::view::{self, FindingView};
use steward_domain::ops::people;
use steward_domain::{DomainError, PersonRef};
use steward_policy::long_date;

const COLUMNS: &[crate::listing::Column] = &[
    column("day", "Day"),
    column("who", "Who"),
    column("category", "Category"),
    column("visits", "Visits"),
    column("seen", "First and last seen (UTC)"),
    column("samples", "Some addresses"),
    column("reported", "Reported by them"),
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
    #[serde(flatten)]
    list: ListQueryFields,
}

/// The listing's own parameters, carried beside the filters.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ListQueryFields {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    sort: Option<String>,
    #[serde(default)]
    dir: Option<String>,
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    format: Option<String>,
}

impl ListQueryFields {
    fn query(&self) -> ListQuery {
        ListQuery {
            q: self.q.clone(),
            sort: self.sort.clone(),
            dir: self.dir.clone(),
            page: self.page.clone(),
            format: self.format.clone(),
            cursor: None,
        }
    }
}

fn day(text: &str) -> Option<chrono::NaiveDate> {
    steward_domain::import::parse_date(text.trim()).ok()
}

fn rows(b: &str, found: &[FindingView]) -> Vec<Row> {
    found
        .iter()
        .map(|f| {
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
                    f.first_seen.format("%H:%M:%S"),
                    f.last_seen.format("%H:%M:%S")
                ),
                f.samples.join(" "),
                reported.join("; "),
            ])
            .key(0, f.day.to_string())
            .key(3, format!("{:012}", f.visits));
            let row = if f.reported.is_empty() {
                row
            } else {
                row.flag("Reported")
            };
            match &f.person {
                Some(p) => row.link(format!("{b}/monitoring/people/{}", p.reference)),
                None => row,
            }
        })
        .collect()
}

async fn render(
    state: &AppState,
    signed: &SignedIn,
    person: Option<(PersonRef, String)>,
    filters: Filters,
) -> Result<Response, WebError> {
    let b = base(signed);
    let mut tx = state.store.read().await?;
    let person_id = match &person {
        Some((r, _)) => Some(people::find(&mut tx, &signed.council, r).await?.id),
        None if !filters.person.trim().is_empty() => {
            match filters.person.trim().parse::<PersonRef>() {
                Ok(r) => match people::find(&mut tx, &signed.council, &r).await {
                    Ok(p) => Some(p.id),
                    // Nobody by that reference has findings: an empty list says so.
                    Err(DomainError::NotFound { .. }) => Some(-1),
                    Err(e) => return Err(e.into()),
                },
                Err(_) => Some(-1),
            }
        }
        None => None,
    };
    let filter = FindingFilter {
        person_id,
        category: Some(filters.category.trim().to_string()).filter(|c| !c.is_empty()),
        from: day(&filters.from),
        to: day(&filters.to),
    };
    let found = view::visible(
        &mut tx,
        &signed.council,
        &signed.principal,
        signed.today,
        &filter,
    )
    .await?;
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
    let query = filters.list.query();
    let listing = Listing::new(&action, &extra, COLUMNS, "day", &query, rows(&b, &found));
    if query.wants_csv() {
        return listing.csv("web-findings");
    }
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
    signed: SignedIn,
    Query(filters): Query<Filters>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    render(&state, &signed, None, filters).await
}

pub async fn person(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, reference)): Path<(String, String)>,
    Query(filters): Query<Filters>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let reference: PersonRef = reference.parse().map_err(|_| WebError::not_found())?;
    let mut tx = state.store.read().await?;
    // Whether someone is in the register is not for those who may not read findings.
    view::access(&mut tx, &signed.council, &signed.principal, signed.today).await?;
    let found = people::find(&mut tx, &signed.council, &reference).await?;
    drop(tx);
    let filters = Filters {
        person: String::new(),
        ..filters
    };
    render(&state, &signed, Some((reference, found.name)), filters).await
}
