//! Reports for officers and auditors (never members): an index, and for each report a page
//! with its chart and table, a CSV download and a PDF; and the administrator's retention
//! preview with its purge. Each report is a row of its own in the route table, so the access
//! tests cover every one.

mod chart;
mod pdf;
mod retention;
mod show;
#[cfg(test)]
mod tests;

use crate::pages::Page;
use crate::routes::{Need, PageRoute, page};
use crate::session::SignedIn;
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;
use steward_domain::ops::reports::{Report, ReportName};

/// Each report's address, written out so the route table holds static paths.
const PATHS: [(ReportName, &str, &str, &str); 7] = [
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
    (
        ReportName::Findings,
        "/councils/{slug}/reports/findings",
        "/councils/{slug}/reports/findings/csv",
        "/councils/{slug}/reports/findings/pdf",
    ),
    (
        ReportName::Compliance,
        "/councils/{slug}/reports/compliance",
        "/councils/{slug}/reports/compliance/csv",
        "/councils/{slug}/reports/compliance/pdf",
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
                          reading: crate::session::Reading,
                          q: Query<show::Range>| {
                        show::show(state, reading, q, name, format)
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
    let findings = crate::monitoring::may_read_findings(&state, &signed).await?;
    let entries: Vec<Entry> = ReportName::ALL
        .into_iter()
        .filter(|name| findings || !name.is_monitoring())
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

pub(super) fn download(
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
