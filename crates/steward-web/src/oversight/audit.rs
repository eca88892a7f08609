//! The audit trail: filtered, newest first, a page at a time by sequence number, as CSV, and
//! verified end to end.

use super::{at, moment};
use crate::listing::defuse;
use crate::pages::{FieldError, Page, by_field};
use crate::session::SignedIn;
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::audit::{AuditRecord, ChainProblem};
use steward_domain::repo::AuditFilter;
use steward_domain::{DomainError, RegisterTx};

/// Records on one page.
const PAGE_SIZE: usize = 25;

/// The kinds of record the trail holds, as the filter offers them.
const ENTITIES: &[(&str, &str)] = &[
    ("person", "Person"),
    ("equipment", "Equipment"),
    ("loan", "Loan"),
    ("request", "Request"),
    ("case", "Case"),
    ("web_exception", "Web exception"),
    ("policy", "Policy"),
    ("user", "Account"),
    ("api_token", "API token"),
    ("council", "Council"),
];

/// The filter as typed into the page's form.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub entity: String,
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// Show records with a sequence number below this one.
    pub before: Option<String>,
    pub format: Option<String>,
}

fn parse_day(text: &str, field: &'static str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match steward_domain::import::parse_date(text) {
        Ok(day) => Some(day),
        Err(_) => {
            errors.push(FieldError {
                field,
                message: "Enter the date as day/month/year, for example 16/05/2027".into(),
            });
            None
        }
    }
}

fn start_of(day: NaiveDate) -> Option<DateTime<Utc>> {
    day.and_hms_opt(0, 0, 0).map(|t| t.and_utc())
}

fn end_of(day: NaiveDate) -> Option<DateTime<Utc>> {
    day.and_hms_micro_opt(23, 59, 59, 999_999)
        .map(|t| t.and_utc())
}

impl AuditQuery {
    /// The store's filter for these fields, or what is wrong with them.
    pub fn filter(&self) -> Result<AuditFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let entity = self.entity.trim();
        if !entity.is_empty() && !ENTITIES.iter().any(|(e, _)| *e == entity) {
            errors.push(FieldError {
                field: "entity",
                message: "Choose a kind of record from the list".into(),
            });
        }
        let from = parse_day(&self.from, "from", &mut errors);
        let to = parse_day(&self.to, "to", &mut errors);
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            errors.push(FieldError {
                field: "to",
                message: "The end date must be the same as or after the start date".into(),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let id = self.id.trim();
        Ok(AuditFilter {
            entity: (!entity.is_empty()).then(|| entity.to_string()),
            entity_id: (!id.is_empty()).then(|| id.to_string()),
            from: from.and_then(start_of),
            to: to.and_then(end_of),
            after_seq: None,
            limit: None,
        })
    }

    fn before(&self) -> Option<i64> {
        self.before.as_deref().and_then(|b| b.trim().parse().ok())
    }

    /// The query string for this filter, with `extra` pairs added.
    fn link(&self, extra: &[(&str, String)]) -> String {
        let mut pairs: Vec<(&str, String)> = [
            ("entity", &self.entity),
            ("id", &self.id),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k, v.trim().to_string()))
        .collect();
        pairs.extend(extra.iter().cloned());
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode_value(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Percent-encodes a query-string value.
pub(super) fn encode_value(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// One page of records, newest first: those below `before` (or the newest), with the
/// `before` values of the older and newer pages.
#[derive(Debug, PartialEq)]
pub struct AuditPage<'a> {
    pub records: Vec<&'a AuditRecord>,
    pub older: Option<i64>,
    /// `Some(None)` is the first page; `None` means there is nothing newer.
    pub newer: Option<Option<i64>>,
}

/// Pages `records` (in sequence order, as the store returns them) newest first.
pub fn page_of(records: &[AuditRecord], before: Option<i64>, size: usize) -> AuditPage<'_> {
    let end = match before {
        Some(b) => records.partition_point(|r| r.seq < b),
        None => records.len(),
    };
    let start = end.saturating_sub(size);
    let shown: Vec<&AuditRecord> = records[start..end].iter().rev().collect();
    let older = if start > 0 {
        shown.last().map(|r| r.seq)
    } else {
        None
    };
    let newer_count = records.len() - end;
    let newer = if newer_count == 0 {
        None
    } else if newer_count <= size {
        Some(None)
    } else {
        records.get(end + size).map(|r| Some(r.seq))
    };
    AuditPage {
        records: shown,
        older,
        newer,
    }
}

/// A record's data as people read it: the stored JSON, indented.
fn pretty(json: Option<&str>) -> Option<String> {
    json.map(|text| {
        serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| text.to_string())
    })
}

#[derive(Serialize)]
struct RecordRow {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    before: Option<String>,
    after: Option<String>,
}

fn record_row(r: &AuditRecord) -> RecordRow {
    RecordRow {
        seq: r.seq,
        at: moment(&r.at),
        actor: r.actor.clone(),
        action: r.action.clone(),
        entity: r.entity.clone(),
        entity_id: r.entity_id.clone(),
        before: pretty(r.before.as_deref()),
        after: pretty(r.after.as_deref()),
    }
}

/// A cell a spreadsheet will not run as a formula (see [`defuse`]), quoted where it must be.
pub fn csv_cell(text: &str) -> String {
    let guarded = defuse(text);
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// The records as CSV, one line each, oldest first.
pub fn csv_of(records: &[AuditRecord]) -> String {
    let mut out = String::from("seq,at,actor,action,entity,entity_id,before,after,hash\r\n");
    for r in records {
        let cells = [
            r.seq.to_string(),
            steward_domain::audit::timestamp_text(r.at),
            r.actor.clone(),
            r.action.clone(),
            r.entity.clone(),
            r.entity_id.clone(),
            r.before.clone().unwrap_or_default(),
            r.after.clone().unwrap_or_default(),
            r.hash.clone(),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

#[derive(Serialize)]
struct EntityOption {
    value: &'static str,
    label: &'static str,
}

/// The audit log: the filter form, one page of records, links to older and newer pages and to
/// the CSV of every record the filter matches.
pub async fn log(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(q): Query<AuditQuery>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let mut page = Page::new("Audit log")
        .council(&signed.council)
        .viewer(&signed)
        .nav("audit");
    let filter = match q.filter() {
        Ok(filter) => Some(filter),
        Err(errors) => {
            page.errors = errors;
            None
        }
    };
    let records = match &filter {
        Some(filter) => {
            let mut tx = state.store.read().await?;
            tx.audit_records(signed.council.id, filter)
                .await
                .map_err(DomainError::from)?
        }
        None => Vec::new(),
    };
    if filter.is_some() && q.format.as_deref() == Some("csv") {
        let name = format!("attachment; filename=\"audit-{}.csv\"", signed.council.slug);
        let disposition = HeaderValue::try_from(name)
            .map_err(|_| WebError::internal("a file name could not be written"))?;
        return Ok((
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            csv_of(&records),
        )
            .into_response());
    }
    let shown = page_of(&records, q.before(), PAGE_SIZE);
    let rows: Vec<RecordRow> = shown.records.iter().map(|r| record_row(r)).collect();
    let base = at(&signed.council, "/audit");
    let older = shown
        .older
        .map(|b| format!("{base}?{}", q.link(&[("before", b.to_string())])));
    let newer = shown.newer.map(|b| match b {
        Some(b) => format!("{base}?{}", q.link(&[("before", b.to_string())])),
        None => format!("{base}?{}", q.link(&[])),
    });
    let csv = format!("{base}?{}", q.link(&[("format", "csv".to_string())]));
    let entities: Vec<EntityOption> = ENTITIES
        .iter()
        .map(|(value, label)| EntityOption { value, label })
        .collect();
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
                entity => q.entity.trim(),
                id => q.id.trim(),
                from => q.from.trim(),
                to => q.to.trim(),
            },
            entities => Serde(&entities),
            field_errors,
            searched => filter.is_some(),
            total => records.len(),
            records => Serde(&rows),
            older,
            newer,
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
                "The audit trail is intact: {n} {} checked, each one following the one before it.",
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
    let (intact, message) = verdict(state.store.verify_audit(signed.council.id).await?);
    let page = Page::new("Verify the audit trail")
        .council(&signed.council)
        .viewer(&signed)
        .nav("audit");
    Ok(Html(state.pages.render(
        "pages/oversight_verify.html",
        &page,
        context! { intact, message, checked_at => moment(&signed.now) },
    )?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: i64, entity: &str, id: &str) -> AuditRecord {
        AuditRecord {
            council_id: 1,
            seq,
            at: Utc::now(),
            actor: "clerk".into(),
            action: "x.y".into(),
            entity: entity.into(),
            entity_id: id.into(),
            before: None,
            after: Some(r#"{"a":1}"#.into()),
            data_digest: String::new(),
            prev_hash: String::new(),
            hash: "h".into(),
            erased_on: None,
        }
    }

    #[test]
    fn formula_cells_are_guarded_and_quoted_cells_escaped() {
        for risky in ["=1+1", "+44 1234", "-2", "@SUM(A1)", "\tx"] {
            assert!(
                csv_cell(risky).trim_matches('"').starts_with('\''),
                "{risky}"
            );
        }
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell(r#"say "hi""#), r#""say ""hi""""#);
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        let csv = csv_of(&[record(1, "loan", "=cmd")]);
        let line = csv.lines().nth(1).unwrap();
        assert!(line.contains(",'=cmd,"), "{line}");
        assert!(line.contains(r#""{""a"":1}""#), "{line}");
        assert!(csv.starts_with("seq,at,actor,action,entity,entity_id,before,after,hash\r\n"));
    }

    #[test]
    fn the_filter_reads_dates_and_refuses_what_it_cannot() {
        let q = AuditQuery {
            entity: "loan".into(),
            id: " 3 ".into(),
            from: "16/05/2027".into(),
            to: "2027-05-20".into(),
            ..AuditQuery::default()
        };
        let f = q.filter().unwrap();
        assert_eq!(f.entity.as_deref(), Some("loan"));
        assert_eq!(f.entity_id.as_deref(), Some("3"));
        assert_eq!(f.from.unwrap().to_rfc3339(), "2027-05-16T00:00:00+00:00");
        assert!(
            f.to.unwrap()
                .to_rfc3339()
                .starts_with("2027-05-20T23:59:59")
        );

        let bad = AuditQuery {
            entity: "spaceship".into(),
            from: "31/02/2027".into(),
            ..AuditQuery::default()
        };
        let fields: Vec<&str> = bad.filter().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["entity", "from"]);

        let backwards = AuditQuery {
            from: "20/05/2027".into(),
            to: "19/05/2027".into(),
            ..AuditQuery::default()
        };
        assert_eq!(backwards.filter().unwrap_err()[0].field, "to");
        let none = AuditQuery::default().filter().unwrap();
        assert!(none.entity.is_none() && none.from.is_none() && none.to.is_none());
    }

    #[test]
    fn pages_run_newest_first_by_sequence_number() {
        let records: Vec<AuditRecord> = (1..=7).map(|n| record(n, "loan", "1")).collect();
        let seqs = |p: &AuditPage<'_>| p.records.iter().map(|r| r.seq).collect::<Vec<_>>();
        let first = page_of(&records, None, 3);
        assert_eq!(seqs(&first), [7, 6, 5]);
        assert_eq!(first.older, Some(5));
        assert_eq!(first.newer, None);
        let second = page_of(&records, Some(5), 3);
        assert_eq!(seqs(&second), [4, 3, 2]);
        assert_eq!(second.older, Some(2));
        assert_eq!(second.newer, Some(None));
        let last = page_of(&records, Some(2), 3);
        assert_eq!(seqs(&last), [1]);
        assert_eq!(last.older, None);
        assert_eq!(last.newer, Some(Some(5)));
        assert!(page_of(&[], None, 3).records.is_empty());
    }

    #[test]
    fn the_verdict_says_what_was_found() {
        assert_eq!(
            verdict(Ok(12)).1,
            "The audit trail is intact: 12 records checked, each one following the one before it."
        );
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
    fn filter_links_keep_the_filter() {
        let q = AuditQuery {
            entity: "person".into(),
            id: "M 1&x".into(),
            ..AuditQuery::default()
        };
        assert_eq!(
            q.link(&[("before", "9".into())]),
            "entity=person&id=M%201%26x&before=9"
        );
    }
}
