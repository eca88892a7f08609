//! Bills: the list, importing one by pasting its CSV, one bill with every item and each
//! holder's share, and issuing a holder's statement from it.

use super::super::{base, error, form_errors, may_change, office_page};
use crate::listing::{
    Column, EXPORT_BATCH, ListQuery, Listing, Row, column, csv_of_all, plain_column,
};
use crate::pages::{FieldError, by_field, sentence};
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
use steward_domain::phones::bill::parse_bill;
use steward_domain::phones::lists::{self, BillFilter, BillQuery};
use steward_domain::phones::views::{self, BillView, duration_text};
use steward_domain::phones::{BillPeriod, import, statements};
use steward_domain::{DomainError, Id, PersonRef};
use steward_policy::long_date;

const COLUMNS: &[Column] = &[
    plain_column("bill", "Bill"),
    column("month", "Month"),
    plain_column("line", "Line"),
    plain_column("phone", "Phone"),
    plain_column("items", "Items"),
    plain_column("total", "Total"),
    plain_column("holders", "Held by"),
    plain_column("statements", "Statements"),
    column("imported", "Imported"),
];

#[derive(Deserialize)]
pub struct BillsFilter {
    #[serde(default)]
    imported: Option<String>,
    /// Only the bills for this month (YYYY-MM).
    #[serde(default)]
    month: Option<String>,
    #[serde(flatten)]
    list: ListQuery,
}

fn row(b: &str, v: &BillView) -> Row {
    let holders: Vec<String> = v
        .holders
        .iter()
        .map(|h| format!("{} ({})", h.name, h.person))
        .collect();
    let issued = v
        .holders
        .iter()
        .filter(|h| h.statement_id.is_some())
        .count();
    Row::new(vec![
        format!("Bill {}", v.bill.id),
        v.bill.period.label(),
        v.readable.clone(),
        v.asset_tag.to_string(),
        v.items.to_string(),
        v.total.to_string(),
        if holders.is_empty() {
            "No one (council use)".into()
        } else {
            holders.join(", ")
        },
        format!("{issued} of {}", v.holders.len()),
        long_date(v.bill.imported_on),
    ])
    .link(format!("{b}/phone-bills/{}", v.bill.id))
}

pub async fn list(
    State(state): State<AppState>,
    Reading {
        signed,
        tx: page_tx,
    }: Reading,
    Query(filter): Query<BillsFilter>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let month = filter
        .month
        .as_deref()
        .and_then(|m| m.parse::<BillPeriod>().ok());
    let query: BillQuery = filter.list.to_query(BillFilter { period: month });
    let (b, council) = (base(&signed), &signed.council);
    if filter.list.wants_csv() {
        // The export reads in batches of its own.
        drop(page_tx);
        return csv_of_all("phone-bills", COLUMNS, |cursor| {
            let mut batch = query.clone();
            batch.window = Window::at(EXPORT_BATCH, cursor);
            let (state, b) = (state.clone(), b.clone());
            async move {
                let mut tx = state.store.read().await?;
                let page = lists::bills(&mut tx, council, &batch).await?;
                Ok(page.map(|v| row(&b, &v)))
            }
        })
        .await;
    }
    let mut tx = page_tx;
    let page = lists::bills(&mut tx, council, &query).await?;
    drop(tx);
    let action = format!("{b}/phone-bills");
    let month = month.map(|m| m.to_string()).unwrap_or_default();
    let listing = Listing::paged(
        &action,
        &[("month", &month)],
        COLUMNS,
        query.sort.as_str(),
        &filter.list,
        page.map(|v| row(&b, &v)),
    );
    let imported = filter
        .imported
        .as_deref()
        .and_then(|p| p.parse::<BillPeriod>().ok())
        .map(BillPeriod::label);
    let page = office_page("Phone bills", &signed, "phones");
    let html = state.pages.render(
        "pages/phone_bills.html",
        &page,
        context! {
            list => Serde(&listing),
            action,
            imported,
            month,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok(Html(html).into_response())
}

#[derive(Default, Deserialize, Serialize)]
pub struct ImportForm {
    #[serde(default)]
    period: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    csv: String,
}

/// The most row problems the page lists; the rest are counted.
const SHOWN_PROBLEMS: usize = 50;

async fn render_import(
    state: &AppState,
    signed: &SignedIn,
    form: &ImportForm,
    errors: Vec<FieldError>,
    csv_error: Option<String>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut page = office_page("Import a phone bill", signed, "phones");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/phone_import.html",
        &page,
        context! {
            form => Serde(form),
            field_errors,
            csv_error,
            csrf_token => &signed.session.csrf_token,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok((status, Html(html)).into_response())
}

pub async fn import_form(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Response, WebError> {
    render_import(&state, &signed, &ImportForm::default(), Vec::new(), None).await
}

/// Imports the pasted bill in one transaction, or lists every problem and imports nothing.
pub async fn import(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<ImportForm>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let mut errors = Vec::new();
    let period = match form.period.trim() {
        "" => {
            errors.push(error(
                "period",
                "Enter the month the bill is for, for example 2027-04",
            ));
            None
        }
        text => match text.parse::<BillPeriod>() {
            Ok(p) => Some(p),
            Err(_) => {
                errors.push(error(
                    "period",
                    "Enter the month as year and month, for example 2027-04",
                ));
                None
            }
        },
    };
    if form.csv.trim().is_empty() {
        errors.push(error("csv", "Paste the bill's rows, with its heading line"));
    }
    let name = match form.name.trim() {
        "" => "pasted bill".to_string(),
        given => given
            .chars()
            .filter(|c| !c.is_control())
            .take(100)
            .collect(),
    };
    let (Some(period), true) = (period, errors.is_empty()) else {
        return render_import(&state, &signed, &form, errors, None).await;
    };
    let parsed = parse_bill(&name, form.csv.as_bytes()).map_err(DomainError::from);
    let outcome = match parsed {
        Ok(rows) => {
            let mut tx = state.store.begin().await?;
            match import::import(&mut tx, &signed.ctx(), &signed.council, &name, period, rows).await
            {
                Ok(done) => {
                    tx.commit().await?;
                    Ok(done)
                }
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(done) => {
            let to = format!("{}/phone-bills?imported={}", base(&signed), done.period);
            Ok(Redirect::to(&to).into_response())
        }
        Err(DomainError::Import(problems)) => {
            let mut errors: Vec<FieldError> = problems
                .errors
                .iter()
                .take(SHOWN_PROBLEMS)
                .map(|p| {
                    let column = p
                        .column
                        .as_deref()
                        .map(|c| format!("{c}: "))
                        .unwrap_or_default();
                    error(
                        "csv",
                        format!("Line {}: {column}{}", p.line, sentence(&p.message)),
                    )
                })
                .collect();
            if problems.errors.len() > SHOWN_PROBLEMS {
                errors.push(error(
                    "csv",
                    format!(
                        "And {} more problems; fix those above and try again",
                        problems.errors.len() - SHOWN_PROBLEMS
                    ),
                ));
            }
            let rows = problems.rows_with_problems();
            let csv_error = format!(
                "{rows} {} of the bill {} problems, listed above; nothing was imported",
                if rows == 1 { "row" } else { "rows" },
                if rows == 1 { "has" } else { "have" }
            );
            render_import(&state, &signed, &form, errors, Some(csv_error)).await
        }
        Err(e) => {
            let errors = form_errors(e, &["period", "csv"], "csv")?;
            render_import(&state, &signed, &form, errors, None).await
        }
    }
}

/// One item as the bill page lists it.
#[derive(Serialize)]
struct CallRow {
    date: String,
    time: String,
    called: String,
    description: String,
    length: String,
    cost: String,
    holder: String,
    personal: bool,
}

#[derive(Serialize)]
struct ShareRow {
    person: String,
    name: String,
    items: usize,
    cost: String,
    personal_items: usize,
    personal_cost: String,
    statement_id: Option<Id>,
}

#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

async fn render_bill(
    state: &AppState,
    signed: &SignedIn,
    raw: &str,
    done: Option<&str>,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let id: Id = raw.parse().map_err(|_| WebError::not_found())?;
    let mut tx = state.store.begin().await?;
    let detail = views::bill_detail(&mut tx, &signed.council, id).await?;
    drop(tx);
    let v = &detail.view;
    let calls: Vec<CallRow> = detail
        .calls
        .iter()
        .map(|c| CallRow {
            date: long_date(c.called_on),
            time: c
                .called_at
                .map(|t| t.format("%H:%M").to_string())
                .unwrap_or_default(),
            called: c.called.clone().unwrap_or_default(),
            description: c.description.clone().unwrap_or_default(),
            length: c.duration_seconds.map(duration_text).unwrap_or_default(),
            cost: c.cost.to_string(),
            holder: c
                .person_id
                .and_then(|p| v.holders.iter().find(|h| h.person_id == p))
                .map(|h| format!("{} ({})", h.name, h.person))
                .unwrap_or_else(|| "Council use".into()),
            personal: c.personal,
        })
        .collect();
    let shares: Vec<ShareRow> = v
        .holders
        .iter()
        .map(|h| ShareRow {
            person: h.person.to_string(),
            name: h.name.clone(),
            items: h.items,
            cost: h.cost.to_string(),
            personal_items: h.personal_items,
            personal_cost: h.personal_cost.to_string(),
            statement_id: h.statement_id,
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let title = format!("{} bill for {}", v.bill.period.label(), v.asset_tag);
    let mut page = office_page(&title, signed, "phones");
    page.errors = errors;
    let html = state.pages.render(
        "pages/phone_bill.html",
        &page,
        context! {
            bill => context! {
                id => v.bill.id,
                month => v.bill.period.label(),
                number => &v.readable,
                asset_tag => v.asset_tag.to_string(),
                imported_on => long_date(v.bill.imported_on),
                imported_by => &v.bill.imported_by,
                source => &v.bill.source,
                items => v.items,
                total => v.total.to_string(),
                council_items => v.council_items,
                council_cost => v.council_cost.to_string(),
            },
            shares => Serde(&shares),
            calls => Serde(&calls),
            done,
            csrf_token => &signed.session.csrf_token,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok((status, Html(html)).into_response())
}

pub async fn detail(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, raw)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    render_bill(&state, &signed, &raw, done.done.as_deref(), Vec::new()).await
}

#[derive(Deserialize)]
pub struct IssueForm {
    #[serde(default)]
    person: String,
}

/// Issues the statement for one holder's share; a refusal (a policy with nothing to repay)
/// comes back on the bill's page with its clause.
pub async fn issue(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, raw)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<IssueForm>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let id: Id = raw.parse().map_err(|_| WebError::not_found())?;
    let Ok(person) = form.person.trim().parse::<PersonRef>() else {
        let errors = vec![error("holders", "Choose whose statement to issue")];
        return render_bill(&state, &signed, &raw, None, errors).await;
    };
    let mut tx = state.store.begin().await?;
    match statements::issue(&mut tx, &signed.ctx(), &signed.council, id, &person).await {
        Ok(done) => {
            tx.commit().await?;
            let to = format!(
                "{}/phone-statements/{}?done=issued",
                base(&signed),
                done.statement.id
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            drop(tx);
            let errors = form_errors(e, &[], "holders")?;
            render_bill(&state, &signed, &raw, None, errors).await
        }
    }
}
