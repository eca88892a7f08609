//! The audit trail: filtered and paged in the database, newest first, each record told in
//! words (the record as stored, with its codes, data and hash, is in the CSV and the API); as
//! CSV; and verified end to end.

use super::at;
use super::audit_query::AuditForm;
use crate::listing::thousands;
use crate::markdown::escape;
use crate::pages::{Page, by_field};
use crate::session::Reading;
use crate::session::SignedIn;
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::Serialize;
use steward_domain::audit::{AuditRecord, ChainProblem};
use steward_domain::listing::{Listed, Total};
use steward_domain::ops::audit_log::{self, ENTITIES, FieldChange, actions_by_label, uk_moment};

#[derive(Serialize)]
struct Shown {
    seq: i64,
    when: String,
    label: String,
    sentence: String,
    /// The change table's rows, written out (see [`change_rows`]); empty without changes.
    rows: String,
    any_before: bool,
    any_after: bool,
}

fn shown(r: AuditRecord, d: audit_log::Described) -> Shown {
    let any_before = d.changes.iter().any(|c| c.before.is_some());
    let any_after = d.changes.iter().any(|c| c.after.is_some());
    Shown {
        seq: r.seq,
        rows: change_rows(&d.changes, any_before, any_after),
        any_before,
        any_after,
        when: d.when,
        label: d.label,
        sentence: d.sentence,
    }
}

/// The rows of a record's change table, escaped, with the columns the record has: written out
/// here rather than by a loop in the template, which spent longer on a page's few hundred
/// cells than the database took to find the records.
fn change_rows(changes: &[FieldChange], any_before: bool, any_after: bool) -> String {
    let mut html = String::new();
    let cell = |html: &mut String, value: &Option<String>| {
        html.push_str("<td class=\"govuk-table__cell steward-break-words\">");
        html.push_str(&escape(value.as_deref().unwrap_or("")));
        html.push_str("</td>");
    };
    for change in changes {
        html.push_str(
            "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__header\">",
        );
        html.push_str(&escape(&change.label));
        html.push_str("</th>");
        if any_before {
            cell(&mut html, &change.before);
        }
        if any_after {
            cell(&mut html, &change.after);
        }
        html.push_str("</tr>\n");
    }
    html
}

/// "1 to 25 of more than 1,000 records".
fn range(page: &Listed<impl Sized>) -> Option<String> {
    let shown = page.items.len() as u64;
    (shown > 0).then(|| {
        let of = match page.total {
            Total::Exactly(1) => "1 record".to_string(),
            Total::Exactly(n) => format!("{} records", thousands(n)),
            Total::AtLeast(n) => format!("more than {} records", thousands(n)),
        };
        if shown == 1 && page.first_index == 0 && page.total == Total::Exactly(1) {
            return "The only record that matches".to_string();
        }
        format!(
            "Records {} to {} of {of}",
            thousands(page.first_index + 1),
            thousands(page.first_index + shown)
        )
    })
}

/// A select's options, the one whose value is `chosen` selected, written out here rather than
/// by a loop in the template: the log offers well over a hundred kinds of change, and the
/// template engine took longer over them than over the records shown.
fn options<'a>(choices: impl IntoIterator<Item = (&'a str, &'a str)>, chosen: &str) -> Value {
    let mut html = String::new();
    for (value, label) in choices {
        let selected = if value == chosen { " selected" } else { "" };
        for part in [
            "<option value=\"",
            &escape(value),
            "\"",
            selected,
            ">",
            &escape(label),
            "</option>",
        ] {
            html.push_str(part);
        }
    }
    Value::from_safe_string(html)
}

/// The audit log: the filter form, one page of records in words, links to the pages either
/// side and to the CSV of every record the filter matches.
pub async fn log(
    State(state): State<AppState>,
    Reading { signed, mut tx }: Reading,
    Query(form): Query<AuditForm>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let mut page = Page::new("Audit log")
        .council(&signed.council)
        .viewer(&signed)
        .nav("audit");
    let filter = match form.filter() {
        Ok(filter) => Some(filter),
        Err(errors) => {
            page.errors = errors;
            None
        }
    };
    if let Some(filter) = &filter
        && form.wants_csv()
    {
        return super::audit_csv::download(
            state.clone(),
            signed.council.clone(),
            form,
            filter.clone(),
        );
    }
    let listed = match filter {
        Some(filter) => {
            let query = form.page_query(filter);
            let listed = audit_log::list(&mut tx, &signed.council, &query).await?;
            let listed = audit_log::describe_page(&mut tx, &signed.council, listed).await?;
            tx.commit().await?;
            Some(listed)
        }
        None => None,
    };
    let base = at(&signed.council, "/audit");
    let link = |cursor: &steward_domain::listing::Cursor| {
        let c = cursor.to_string();
        format!("{base}?{}", form.link(&[("cursor", &c)]))
    };
    let (records, range, previous, next, any) = match listed {
        Some(listed) => {
            let previous = listed.previous.as_ref().map(link);
            let next = listed.next.as_ref().map(link);
            let range = range(&listed);
            let any = !listed.items.is_empty();
            let records: Vec<Shown> = listed.items.into_iter().map(|(r, d)| shown(r, d)).collect();
            (records, range, previous, next, any)
        }
        None => (Vec::new(), None, None, None, false),
    };
    let entities = options(ENTITIES.iter().copied(), form.entity.trim());
    let actions = options(actions_by_label(), form.action.trim());
    let csv = format!("{base}?{}", form.link(&[("format", "csv")]));
    let field_errors = by_field(&page.errors);
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let html = state.pages.render(
        "pages/oversight_audit.html",
        &page,
        context! {
            query => context! {
                entity => form.entity.trim(),
                id => form.id.trim(),
                action => form.action.trim(),
                actor => form.actor.trim(),
                from => form.from.trim(),
                to => form.to.trim(),
                oldest => form.oldest_first(),
            },
            entities,
            actions,
            field_errors,
            searched => page.errors.is_empty(),
            any,
            range,
            records => Serde(&records),
            previous,
            next,
            csv,
        },
    )?;
    Ok((status, Html(html)).into_response())
}

/// What verifying the chain found, in plain words: whether it is intact, and the sentence.
pub fn verdict(outcome: Result<i64, ChainProblem>) -> (bool, String) {
    match outcome {
        Ok(n) => (
            true,
            format!(
                "The audit trail is intact: {} {} checked, each one following the one before it.",
                thousands(u64::try_from(n).unwrap_or(0)),
                if n == 1 { "record" } else { "records" }
            ),
        ),
        Err(problem) => (
            false,
            format!("The audit trail has been tampered with: {problem}."),
        ),
    }
}

/// The whole chain checked, in plain words.
pub async fn verify(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, WebError> {
    signed.principal.reader()?;
    // The page and the API share the server's few places for a check (see `verifying`).
    let _running = state.checks.start(signed.council.id).map_err(|busy| {
        WebError::new(
            StatusCode::TOO_MANY_REQUESTS,
            crate::pages::sentence(busy.words()),
        )
    })?;
    let (intact, message) = verdict(state.store.verify_audit(signed.council.id).await?);
    let page = Page::new("Verify the audit trail")
        .council(&signed.council)
        .viewer(&signed)
        .nav("audit");
    Ok(Html(state.pages.render(
        "pages/oversight_verify.html",
        &page,
        context! { intact, message, checked_at => uk_moment(signed.now) },
    )?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verdict_says_what_was_found() {
        assert_eq!(
            verdict(Ok(12)).1,
            "The audit trail is intact: 12 records checked, each one following the one before it."
        );
        assert!(verdict(Ok(40_000)).1.contains("40,000 records"));
        let (intact, said) = verdict(Err(ChainProblem::Altered { seq: 4 }));
        assert!(!intact);
        assert_eq!(
            said,
            "The audit trail has been tampered with: record 4 was altered: its contents no \
             longer match its hash."
        );
        let (_, said) = verdict(Err(ChainProblem::Missing {
            expected_seq: 5,
            found_seq: 7,
        }));
        assert!(said.contains("record 5 was removed"), "{said}");
        let (_, said) = verdict(Err(ChainProblem::Reordered { seq: 9 }));
        assert!(said.contains("record 9 is out of order"), "{said}");
    }

    #[test]
    fn a_change_table_has_the_columns_its_record_has_and_escapes_every_value() {
        let change = |label: &str, before: Option<&str>, after: Option<&str>| FieldChange {
            label: label.to_string(),
            before: before.map(str::to_string),
            after: after.map(str::to_string),
        };
        let changes = [
            change("Model", Some("<b>Old</b>"), Some("New & shiny")),
            change("Serial", None, Some("SN1")),
        ];
        let both = change_rows(&changes, true, true);
        assert_eq!(both.matches("<tr ").count(), 2);
        assert_eq!(both.matches("<td ").count(), 4);
        assert!(both.contains(">&lt;b&gt;Old&lt;/b&gt;</td>"), "{both}");
        assert!(both.contains(">New &amp; shiny</td>"), "{both}");
        // A field only one side has leaves the other side's cell empty.
        assert!(
            both.contains("Serial</th><td class=\"govuk-table__cell steward-break-words\"></td>"),
            "{both}"
        );
        let after_only = change_rows(&changes[1..], false, true);
        assert_eq!(after_only.matches("<td ").count(), 1);
        assert!(after_only.contains(">SN1</td>"), "{after_only}");
        assert_eq!(change_rows(&[], false, false), "");
    }

    #[test]
    fn the_range_says_where_the_page_is() {
        let page = |n: usize, first: u64, total: Total| Listed {
            items: vec![(); n],
            total,
            first_index: first,
            next: None,
            previous: None,
        };
        assert_eq!(
            range(&page(25, 25, Total::AtLeast(1_000))).as_deref(),
            Some("Records 26 to 50 of more than 1,000 records")
        );
        assert_eq!(
            range(&page(1, 0, Total::Exactly(1))).as_deref(),
            Some("The only record that matches")
        );
        assert_eq!(range(&page(0, 0, Total::Exactly(0))), None);
    }
}
