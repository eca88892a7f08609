//! One report's page, CSV or PDF, as of a day the reader may choose; the reports over time
//! (monitoring findings, device compliance) also over a range of days whose first day they may choose.

use super::{Format, chart, download, pdf};
use crate::pages::{FieldError, Page, by_field};
use crate::session::Reading;
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::Deserialize;
use steward_domain::ops::reports::{self, Asked, ReportName};

/// The days asked for, as typed.
#[derive(Deserialize, Default)]
pub(crate) struct Range {
    as_of: Option<String>,
    from: Option<String>,
}

const DAY_FORMAT: &str = "%d/%m/%Y";
const DAY_HINT: &str = "Enter the date as day/month/year, for example 16/05/2027";

/// A typed day: none when left empty; a mistake is a field error on the page, and refuses a
/// download outright.
fn day(
    text: Option<&str>,
    field: &'static str,
    format: Format,
    page: &mut Page,
) -> Result<Option<NaiveDate>, WebError> {
    let Some(text) = text.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    match steward_domain::import::parse_date(text) {
        Ok(day) => Ok(Some(day)),
        Err(_) if !matches!(format, Format::Html) => Err(WebError::bad_request(DAY_HINT)),
        Err(_) => {
            page.errors.push(FieldError {
                field,
                message: DAY_HINT.into(),
            });
            Ok(None)
        }
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    Reading { signed, mut tx }: Reading,
    Query(q): Query<Range>,
    name: ReportName,
    format: Format,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let mut page = Page::new(name.title())
        .council(&signed.council)
        .viewer(&signed)
        .nav("oversight");
    let asked_day = day(q.as_of.as_deref(), "as_of", format, &mut page)?;
    let today = asked_day.unwrap_or(signed.today);
    let mut from = match name.is_ranged() {
        true => day(q.from.as_deref(), "from", format, &mut page)?,
        false => None,
    };
    if from.is_some_and(|f| f > today) {
        if !matches!(format, Format::Html) {
            return Err(WebError::bad_request(
                "The first day must be on or before the last",
            ));
        }
        page.errors.push(FieldError {
            field: "from",
            message: "The first day must be on or before the report's date".into(),
        });
        from = None;
    }
    if let (Some(first), Some(longest)) = (from, name.longest())
        && (today - first).num_days() >= longest
    {
        if !matches!(format, Format::Html) {
            return Err(WebError::bad_request(
                "The range may be at most a year long",
            ));
        }
        page.errors.push(FieldError {
            field: "from",
            message: "The range may be at most a year long; choose a later first day".into(),
        });
        from = None;
    }
    let asked = Asked::new(name, today).by(&signed.principal).from(from);
    let report = reports::build(&mut tx, &signed.council, asked).await?;
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
    let ok = page.errors.is_empty();
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    // What the fields show: a mistake as typed, so it can be corrected; otherwise the days
    // the report was built for.
    let typed = |text: &Option<String>, field: &str| {
        page.errors
            .iter()
            .any(|e| e.field == field)
            .then(|| text.clone().unwrap_or_default())
    };
    let as_of_text =
        typed(&q.as_of, "as_of").unwrap_or_else(|| today.format(DAY_FORMAT).to_string());
    let first = from.unwrap_or_else(|| name.default_from(today));
    let from_text = typed(&q.from, "from").unwrap_or_else(|| first.format(DAY_FORMAT).to_string());
    let mut query = Vec::new();
    if ok && asked_day.is_some() {
        query.push(format!("as_of={today}"));
    }
    if let (true, Some(from)) = (ok, from) {
        query.push(format!("from={from}"));
    }
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
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
            ranged => name.is_ranged(),
            as_of_text,
            from_text,
            field_errors,
        },
    )?;
    Ok((status, Html(html)).into_response())
}
