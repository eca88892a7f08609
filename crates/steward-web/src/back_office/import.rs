//! Importing people or equipment from a CSV file in the browser: upload, a preview of every
//! row (or every problem, by line and column), and a Confirm button that imports all the rows
//! or none through the same domain import the command line uses.
//!
//! Between the preview and the confirmation the file travels in the page itself: its bytes
//! base64-encoded in a hidden field, beside a SHA-256 digest of the session's form token and
//! the bytes. Keeping it in the form rather than on the server means nothing personal is
//! left behind on a server when someone walks away from the preview, nothing needs clearing
//! up, and it works the same when several servers share the database. The digest makes the
//! confirmation import exactly the file that was previewed in this session; the confirmation
//! still parses and checks every row again, in the transaction that writes them.

use super::{base, error, may_change, office_page};
use crate::pages::{FieldError, by_field, sentence};
use crate::session::{CsrfFields, SignedIn};
use crate::{AppState, WebError};
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;
use sha2::{Digest, Sha256};
use steward_domain::DomainError;
use steward_domain::import::{self, EquipmentRow, ImportErrors, PersonRow};
use steward_domain::ops::{equipment, people};
use steward_policy::long_date;

use crate::limits::{IMPORT_FILE as MAX_BYTES, IMPORT_ROWS as MAX_ROWS};
/// Rows of the preview shown at a time.
const ROWS_SHOWN: usize = 50;
/// Problems listed at most; a file with more has more to fix than a page can show usefully.
const PROBLEMS_SHOWN: usize = 500;

/// The request body the import pages accept: the file, base64-encoded on the confirmation
/// (a third larger), with room for the form around it.
pub(super) fn body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_BYTES / 3 * 4 + 1024 * 1024)
}

/// Which register a file goes into.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Register {
    People,
    Equipment,
}

impl Register {
    fn path(self) -> &'static str {
        match self {
            Register::People => "people",
            Register::Equipment => "equipment",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Register::People => "Import people from a file",
            Register::Equipment => "Import equipment from a file",
        }
    }

    fn what(self, n: usize) -> String {
        match (self, n) {
            (Register::People, 1) => "1 person".to_string(),
            (Register::People, n) => format!("{} people", thousands(n)),
            (Register::Equipment, 1) => "1 item".to_string(),
            (Register::Equipment, n) => format!("{} items", thousands(n)),
        }
    }

    fn headings(self) -> &'static [&'static str] {
        match self {
            Register::People => &[
                "Line",
                "Reference",
                "Name",
                "Kind",
                "Email address",
                "Household",
                "Term",
                "Offices",
            ],
            Register::Equipment => &[
                "Line",
                "Asset tag",
                "Kind",
                "Make and model",
                "Serial number",
                "Replacement cost",
                "Bought on",
                "State",
            ],
        }
    }
}

pub(super) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A column as the page names it.
fn column_words(column: &str) -> String {
    let known = match column {
        "reference" => "Reference",
        "name" => "Name",
        "kind" => "Kind",
        "email" => "Email address",
        "household" => "Household",
        "term_start" => "Term start",
        "term_end" => "Term end",
        "offices" => "Offices",
        "asset_tag" => "Asset tag",
        "model" => "Make and model",
        "serial" => "Serial number",
        "purchased_on" => "Bought on",
        "replacement_cost" => "Replacement cost",
        "pat_tested_on" => "Electrical safety test",
        "encrypted" => "Encrypted",
        "state" => "State",
        other => {
            return sentence(&other.replace('_', " "))
                .trim_end_matches('.')
                .to_string();
        }
    };
    known.to_string()
}

fn words(code: &str) -> String {
    sentence(&code.replace('_', " "))
        .trim_end_matches('.')
        .to_string()
}

fn person_cells(r: &PersonRow) -> Vec<String> {
    let term = match (r.term_start, r.term_end) {
        (Some(s), Some(e)) => format!("{} to {}", long_date(s), long_date(e)),
        (Some(s), None) => format!("From {}", long_date(s)),
        (None, Some(e)) => format!("Until {}", long_date(e)),
        (None, None) => "None".to_string(),
    };
    vec![
        r.line.to_string(),
        r.reference.to_string(),
        r.name.clone(),
        words(r.kind.as_str()),
        r.email.clone().unwrap_or_default(),
        r.household.clone().unwrap_or_default(),
        term,
        r.offices
            .iter()
            .map(|o| words(o.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
    ]
}

fn item_cells(r: &EquipmentRow) -> Vec<String> {
    vec![
        r.line.to_string(),
        r.asset_tag.to_string(),
        words(r.kind.as_str()),
        r.model.clone(),
        r.serial.clone().unwrap_or_default(),
        r.replacement_cost.to_string(),
        r.purchased_on.map(long_date).unwrap_or_default(),
        words(r.state.as_str()),
    ]
}

/// A file's checked rows, whichever register they are for.
enum Rows {
    People(Vec<PersonRow>),
    Equipment(Vec<EquipmentRow>),
}

impl Rows {
    fn len(&self) -> usize {
        match self {
            Rows::People(r) => r.len(),
            Rows::Equipment(r) => r.len(),
        }
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn cells(&self, from: usize, to: usize) -> Vec<Vec<String>> {
        match self {
            Rows::People(r) => r
                .get(from..to)
                .unwrap_or_default()
                .iter()
                .map(person_cells)
                .collect(),
            Rows::Equipment(r) => r
                .get(from..to)
                .unwrap_or_default()
                .iter()
                .map(item_cells)
                .collect(),
        }
    }
}

fn parse(register: Register, name: &str, data: &[u8]) -> Result<Rows, ImportErrors> {
    match register {
        Register::People => import::parse_people(name, data).map(Rows::People),
        Register::Equipment => import::parse_equipment(name, data).map(Rows::Equipment),
    }
}

/// Imports the rows in `tx`, all or none; the caller commits or drops it.
async fn run(
    tx: &mut steward_store::StoreTx,
    signed: &SignedIn,
    name: &str,
    rows: Rows,
) -> Result<usize, DomainError> {
    let ctx = signed.ctx();
    match rows {
        Rows::People(rows) => people::import(tx, &ctx, &signed.council, name, rows, |_| {}).await,
        Rows::Equipment(rows) => {
            equipment::import(tx, &ctx, &signed.council, name, rows, |_| {}).await
        }
    }
}

/// One problem of the file as the page lists it.
#[derive(Serialize)]
pub(super) struct Problem {
    line: u64,
    column: Option<String>,
    message: Vec<Piece>,
}

/// A piece of a message: words, or a value to write in the file exactly (such as
/// `co_opted_member`), which the page sets as code.
#[derive(Debug, PartialEq, Eq, Serialize)]
struct Piece {
    text: String,
    code: bool,
}

/// Splits a message so the values to be written in the file as they are stand apart.
fn pieces(message: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut push = |text: &str, code: bool| match out.last_mut() {
        Some(last) if !last.code && !code => last.text.push_str(text),
        _ => out.push(Piece {
            text: text.to_string(),
            code,
        }),
    };
    let mut word = String::new();
    let is_value = |w: &str| {
        w.contains('_')
            && w.starts_with(|c: char| c.is_ascii_lowercase())
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    for c in message.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            push(&word, is_value(&word));
            word.clear();
        }
        push(&c.to_string(), false);
    }
    if !word.is_empty() {
        push(&word, is_value(&word));
    }
    out
}

pub(super) fn problems(errors: &ImportErrors) -> Vec<Problem> {
    errors
        .errors
        .iter()
        .take(PROBLEMS_SHOWN)
        .map(|e| Problem {
            line: e.line,
            column: e.column.as_deref().map(column_words),
            message: pieces(&sentence(&e.message)),
        })
        .collect()
}

/// The file kept in the page between the preview and the confirmation.
#[derive(Serialize)]
struct Kept {
    name: String,
    data: String,
    digest: String,
}

fn digest(signed: &SignedIn, data: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(signed.session.csrf_token.as_bytes());
    hasher.update([0]);
    hasher.update(data);
    hex::encode(hasher.finalize())
}

/// What the page shows: the upload form, a preview, or what was imported.
#[derive(Default)]
struct View {
    errors: Vec<FieldError>,
    problems: Vec<Problem>,
    problem_total: usize,
    problem_lines: usize,
    file_name: Option<String>,
    preview: Option<Preview>,
    imported: Option<String>,
}

struct Preview {
    kept: Kept,
    total: usize,
    rows: Vec<Vec<String>>,
    first: usize,
    last: usize,
    previous_page: Option<usize>,
    next_page: Option<usize>,
}

fn render(
    state: &AppState,
    signed: &SignedIn,
    register: Register,
    view: View,
) -> Result<Response, WebError> {
    let status = if view.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let title = if view.imported.is_some() {
        "Import complete"
    } else if view.preview.is_some() {
        "Check the rows before importing them"
    } else {
        register.title()
    };
    let mut page = office_page(title, signed, register.path());
    page.errors = view.errors;
    let field_errors = by_field(&page.errors);
    let b = base(signed);
    let preview = view.preview.as_ref().map(|p| {
        context! {
            kept => Serde(&p.kept),
            total => register.what(p.total),
            rows => Serde(&p.rows),
            first => thousands(p.first),
            last => thousands(p.last),
            previous_page => p.previous_page,
            next_page => p.next_page,
            paged => p.total > ROWS_SHOWN,
        }
    });
    let html = state.pages.render(
        "pages/office_import.html",
        &page,
        context! {
            heading => title,
            register => register.path(),
            action => format!("{b}/{}/import", register.path()),
            back => format!("{b}/{}", register.path()),
            headings => Serde(register.headings()),
            max_size => "5 MB",
            max_rows => thousands(MAX_ROWS),
            problems => Serde(&view.problems),
            problem_total => view.problem_total,
            problem_lines => view.problem_lines,
            problems_cut => view.problem_total > view.problems.len(),
            file_name => view.file_name,
            preview,
            imported => view.imported,
            field_errors,
            csrf_token => &signed.session.csrf_token,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok((status, Html(html)).into_response())
}

fn form(state: &AppState, signed: &SignedIn, register: Register) -> Result<Response, WebError> {
    signed.principal.reader()?;
    render(state, signed, register, View::default())
}

pub async fn people_form(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Response, WebError> {
    form(&state, &signed, Register::People)
}

pub async fn equipment_form(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Response, WebError> {
    form(&state, &signed, Register::Equipment)
}

pub async fn people_post(
    State(state): State<AppState>,
    signed: SignedIn,
    fields: CsrfFields,
) -> Result<Response, WebError> {
    post(&state, &signed, Register::People, &fields).await
}

pub async fn equipment_post(
    State(state): State<AppState>,
    signed: SignedIn,
    fields: CsrfFields,
) -> Result<Response, WebError> {
    post(&state, &signed, Register::Equipment, &fields).await
}

/// The upload form again with one problem against the file field.
fn refuse(
    state: &AppState,
    signed: &SignedIn,
    register: Register,
    message: impl Into<String>,
) -> Result<Response, WebError> {
    let view = View {
        errors: vec![error("file", message)],
        ..View::default()
    };
    render(state, signed, register, view)
}

/// The file: uploaded now, or kept in the preview page (its digest checked).
enum Source {
    Upload { name: String, data: Vec<u8> },
    Kept { name: String, data: Vec<u8> },
}

fn source(signed: &SignedIn, fields: &CsrfFields) -> Result<Source, &'static str> {
    let kept = fields.text("data");
    if !kept.is_empty() {
        let data = STANDARD
            .decode(kept.trim())
            .map_err(|_| "The file could not be read back from the preview; upload it again")?;
        if digest(signed, &data) != fields.text("digest") {
            return Err("The file changed after its preview; upload it again");
        }
        return Ok(Source::Kept {
            name: fields.text("file_name"),
            data,
        });
    }
    match fields.get("file") {
        Some(f) if !f.value.is_empty() => Ok(Source::Upload {
            name: f
                .file_name
                .clone()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "the file".into()),
            data: f.value.clone(),
        }),
        _ => Err("Choose a CSV file to upload"),
    }
}

async fn post(
    state: &AppState,
    signed: &SignedIn,
    register: Register,
    fields: &CsrfFields,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let (name, data, kept) = match source(signed, fields) {
        Ok(Source::Upload { name, data }) => (name, data, false),
        Ok(Source::Kept { name, data }) => (name, data, true),
        Err(message) => return refuse(state, signed, register, message),
    };
    if data.len() > MAX_BYTES {
        return refuse(
            state,
            signed,
            register,
            "The file is larger than 5 MB; split it into smaller files",
        );
    }
    let confirm = kept && fields.text("confirm") == "yes";
    let rows = match parse(register, &name, &data) {
        Ok(rows) => rows,
        Err(e) => return with_problems(state, signed, register, &name, &e),
    };
    if rows.len() > MAX_ROWS {
        return refuse(
            state,
            signed,
            register,
            format!(
                "The file has {} rows; a file may have at most {} here, so split it into smaller files",
                thousands(rows.len()),
                thousands(MAX_ROWS)
            ),
        );
    }
    if rows.is_empty() {
        return refuse(
            state,
            signed,
            register,
            "The file has no rows under its headings",
        );
    }
    let total = rows.len();
    let page: usize = fields.text("page").trim().parse().unwrap_or(0);
    let cells_from = page
        .saturating_mul(ROWS_SHOWN)
        .min(total.saturating_sub(1) / ROWS_SHOWN * ROWS_SHOWN);
    let cells = rows.cells(cells_from, (cells_from + ROWS_SHOWN).min(total));
    // The import runs in full on upload and on confirmation: the preview drops its
    // transaction, so it shows exactly what the register would refuse; the confirmation
    // commits it. Turning the preview's pages shows the file already checked in this session
    // (its digest says so), so only the rows are read again.
    let checked = if kept && !confirm {
        Ok(total)
    } else {
        let mut tx = state.store.begin().await?;
        let done = run(&mut tx, signed, &name, rows).await;
        if confirm && done.is_ok() {
            tx.commit().await?;
        }
        done
    };
    match checked {
        Ok(count) if confirm => {
            let view = View {
                imported: Some(format!(
                    "{} imported from {name}.",
                    sentence(&register.what(count)).trim_end_matches('.')
                )),
                file_name: Some(name),
                ..View::default()
            };
            render(state, signed, register, view)
        }
        Ok(_) => {
            let shown_page = cells_from / ROWS_SHOWN;
            let last_page = total.saturating_sub(1) / ROWS_SHOWN;
            let view = View {
                file_name: Some(name.clone()),
                preview: Some(Preview {
                    kept: Kept {
                        name,
                        digest: digest(signed, &data),
                        data: STANDARD.encode(&data),
                    },
                    total,
                    first: cells_from + 1,
                    last: cells_from + cells.len(),
                    rows: cells,
                    previous_page: shown_page.checked_sub(1),
                    next_page: (shown_page < last_page).then_some(shown_page + 1),
                }),
                ..View::default()
            };
            render(state, signed, register, view)
        }
        Err(DomainError::Import(e)) => with_problems(state, signed, register, &name, &e),
        Err(e) => {
            let errors = super::form_errors(e, &["file"], "file")?;
            render(
                state,
                signed,
                register,
                View {
                    errors,
                    ..View::default()
                },
            )
        }
    }
}

/// The upload form with every problem of the file, by line and column.
fn with_problems(
    state: &AppState,
    signed: &SignedIn,
    register: Register,
    name: &str,
    e: &ImportErrors,
) -> Result<Response, WebError> {
    let lines = e.rows_with_problems();
    let summary = format!(
        "{name} has problems on {} {}; nothing was imported. Fix them and upload the file again",
        thousands(lines),
        if lines == 1 { "line" } else { "lines" },
    );
    let view = View {
        errors: vec![error("file", summary)],
        problems: problems(e),
        problem_total: e.errors.len(),
        problem_lines: lines,
        file_name: Some(name.to_string()),
        ..View::default()
    };
    render(state, signed, register, view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_in_thousands() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(20_000), "20,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn values_to_write_as_they_are_stand_apart() {
        let got = pieces("Expected one of: councillor, co_opted_member.");
        assert_eq!(
            got,
            [
                Piece {
                    text: "Expected one of: councillor, ".into(),
                    code: false
                },
                Piece {
                    text: "co_opted_member".into(),
                    code: true
                },
                Piece {
                    text: ".".into(),
                    code: false
                },
            ]
        );
    }

    #[test]
    fn columns_are_named_in_words() {
        assert_eq!(column_words("term_start"), "Term start");
        assert_eq!(column_words("replacement_cost"), "Replacement cost");
        assert_eq!(column_words("something_new"), "Something new");
    }
}
