//! Reports for officers and auditors (never members): an index, and for each report a page
//! with its chart and table, a CSV download and a PDF; and the administrator's retention
//! preview with its purge. Each report is a row of its own in the route table, so the access
//! tests cover every one.

mod chart;
mod pdf;
mod retention;
#[cfg(test)]
mod tests;

use crate::pages::{FieldError, Page, by_field};
use crate::routes::{Need, PageRoute, page};
use crate::session::SignedIn;
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::{Deserialize, Serialize};
use steward_domain::ops::reports::{self, Report, ReportName};

/// Each report's address, written out so the route table holds static paths.
const PATHS: [(ReportName, &str, &str, &str); 5] = [
    (
        ReportName::Overdue,
        "/councils/{slug}/reports/overdue",
        "/councils/{slug}/reports/overdue/csv",
        "/councils/{slug}/reports/overdue/pdf",
    ),
    (
        ReportName::Signatures,
        "/councils/{slug}/reports/signatures",
        "/councils/{slug}/reports/signatures/csv",
        "/councils/{slug}/reports/signatures/pdf",
    ),
    (
        ReportName::Refresh,
        "/councils/{slug}/reports/refresh",
        "/councils/{slug}/reports/refresh/csv",
        "/councils/{slug}/reports/refresh/pdf",
    ),
    (
        ReportName::Requests,
        "/councils/{slug}/reports/requests",
        "/councils/{slug}/reports/requests/csv",
        "/councils/{slug}/reports/requests/pdf",
    ),
    (
        ReportName::Equipment,
        "/councils/{slug}/reports/equipment",
        "/councils/{slug}/reports/equipment/csv",
        "/councils/{slug}/reports/equipment/pdf",
    ),
];

#[derive(Clone, Copy)]
enum Format {
    Html,
    Csv,
    Pdf,
}

/// The reports' pages and the retention pages, one row per method and address.
pub fn pages() -> Vec<PageRoute> {
    use Need::*;
    let mut v = vec![page(
        axum::http::Method::GET,
        "/councils/{slug}/reports",
        Reader,
        get(index),
    )];
    for (name, html, csv, pdf) in PATHS {
        for (path, format) in [(html, Format::Html), (csv, Format::Csv), (pdf, Format::Pdf)] {
            v.push(page(
                axum::http::Method::GET,
                path,
                Reader,
                get(
                    move |state: State<AppState>,
                          signed: crate::session::SignedIn,
                          q: Query<AsOf>| {
                        show(state, signed, q, name, format)
                    },
                ),
            ));
        }
    }
    v.push(page(
        axum::http::Method::GET,
        "/councils/{slug}/retention",
        Admin,
        get(retention::preview),
    ));
    v.push(page(
        axum::http::Method::POST,
        "/councils/{slug}/retention",
        Admin,
        post(retention::purge),
    ));
    v
}

#[derive(Serialize)]
struct Entry {
    href: String,
    title: &'static str,
    summary: &'static str,
}

async fn index(State(state): State<AppState>, signed: SignedIn) -> Result<Html<String>, WebError> {
    signed.principal.reader()?;
    let entries: Vec<Entry> = ReportName::ALL
        .into_iter()
        .map(|name| Entry {
            href: format!("/councils/{}/reports/{name}", signed.council.slug),
            title: name.title(),
            summary: name.summary(),
        })
        .collect();
    let page = Page::new("Reports")
        .council(&signed.council)
        .viewer(&signed)
        .nav("oversight");
    Ok(Html(state.pages.render(
        "pages/reports.html",
        &page,
        context! { entries => Serde(&entries), admin => signed.principal.admin().is_ok() },
    )?))
}

#[derive(Deserialize, Default)]
pub(crate) struct AsOf {
    as_of: Option<String>,
}

const AS_OF_FORMAT: &str = "%d/%m/%Y";

async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(q): Query<AsOf>,
    name: ReportName,
    format: Format,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let asked = q.as_of.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let chosen = asked.map(steward_domain::import::parse_date);
    let mut page = Page::new(name.title())
        .council(&signed.council)
        .viewer(&signed)
        .nav("oversight");
    let today = match chosen {
        Some(Ok(day)) => day,
        Some(Err(_)) if !matches!(format, Format::Html) => {
            return Err(WebError::bad_request(
                "Enter the date as day/month/year, for example 16/05/2027",
            ));
        }
        Some(Err(_)) => {
            page.errors.push(FieldError {
                field: "as_of",
                message: "Enter the date as day/month/year, for example 16/05/2027".into(),
            });
            signed.today
        }
        None => signed.today,
    };
    let mut tx = state.store.read().await?;
    let report = reports::build(&mut tx, &signed.council, name, today).await?;
    drop(tx);
    let file = format!("{}-{name}-{today}", signed.council.slug);
    match format {
        Format::Csv => {
            return download(
                report.csv().into_bytes(),
                "text/csv; charset=utf-8",
                &file,
                "csv",
            );
        }
        Format::Pdf => {
            return download(
                pdf::document(&report).to_bytes(),
                "application/pdf",
                &file,
                "pdf",
            );
        }
        Format::Html => {}
    }
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let as_of_text = match (asked, page.errors.is_empty()) {
        (Some(text), false) => text.to_string(),
        _ => today.format(AS_OF_FORMAT).to_string(),
    };
    let query = if asked.is_some() && page.errors.is_empty() {
        format!("?as_of={today}")
    } else {
        String::new()
    };
    let base = format!("/councils/{}/reports/{name}", signed.council.slug);
    let figure = chart::svg(&report.chart, name.as_str());
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/report.html",
        &page,
        context! {
            report => Serde(&report),
            summary => name.summary(),
            chart => Value::from_safe_string(figure),
            chart_text => chart::summary(&report.chart),
            action => &base,
            csv => format!("{base}/csv{query}"),
            pdf => format!("{base}/pdf{query}"),
            as_of_text,
            field_errors,
        },
    )?;
    Ok((status, Html(html)).into_response())
}

fn download(
    body: Vec<u8>,
    mime: &'static str,
    file: &str,
    ext: &str,
) -> Result<Response, WebError> {
    let disposition = HeaderValue::try_from(format!("attachment; filename=\"{file}.{ext}\""))
        .map_err(|_| WebError::internal("a download's file name was not a header value"))?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// The report's PDF, for the command line.
pub fn pdf_bytes(report: &Report) -> Vec<u8> {
    pdf::document(report).to_bytes()
}
