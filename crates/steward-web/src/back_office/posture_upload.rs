//! Uploading a file of device checks from the compliance page: choose the format (and, for
//! Fleet, the map of its policies to checks), see every problem by line, or check how many
//! observations and devices the file gives and which devices the register does not know, then
//! import it. The same parser and domain import as `steward posture import`, so the import
//! writes its audit record, and a file with any problem imports nothing.
//!
//! As on the register's import pages, the file travels in the check-your-answers page itself
//! (base64, with a digest keyed by the session's form token), so nothing is left on the server
//! when someone walks away, and the confirmation imports exactly the file that was checked.

use super::import::{problems, thousands};
use super::{base, error, may_change, office_page};
use crate::pages::{FieldError, by_field};
use crate::session::{CsrfFields, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use minijinja::context;
use minijinja::value::Serde;
use sha2::{Digest, Sha256};
use steward_domain::DomainError;
use steward_domain::import::ImportErrors;
use steward_domain::ops::posture::{self, PostureImported};
use steward_domain::posture::parse::{self, FleetMap, Format};

use crate::limits::{FLEET_MAP, POSTURE_UPLOAD as MAX_BYTES};

/// The page's words for the limit above.
const MAX_WORDS: &str = "8 MB";

/// The request body: the file and map, base64-encoded on the confirmation (a third larger),
/// with room for the form around them.
pub(super) fn body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max((MAX_BYTES + FLEET_MAP) / 3 * 4 + 1024 * 1024)
}

/// A format as the officer knows it.
fn format_words(format: Format) -> &'static str {
    match format {
        Format::Steward => "Steward's own format",
        Format::Intune => "Microsoft Intune",
        Format::Osquery => "osquery",
        Format::Fleet => "Fleet",
    }
}

/// Each format with what the officer knows it as.
fn formats() -> Vec<minijinja::Value> {
    Format::ALL
        .iter()
        .map(|f| {
            let (text, hint) = match f {
                Format::Steward => (
                    format_words(*f),
                    "A CSV file with a heading row, or JSON Lines: each line a device, a check, its result and when it was made",
                ),
                Format::Intune => (
                    format_words(*f),
                    "The managed devices saved from Microsoft Graph as JSON, or the device compliance report exported as CSV",
                ),
                Format::Osquery => (
                    format_words(*f),
                    "The results log of Steward's query pack, one result a line",
                ),
                Format::Fleet => (
                    format_words(*f),
                    "The hosts with their policy results, as JSON, with a map of Fleet's policy names to checks",
                ),
            };
            context! { value => f.word(), text, hint }
        })
        .collect()
}

/// The file and map kept in the page between checking and importing.
struct Kept {
    format: Format,
    name: String,
    data: Vec<u8>,
    map_name: String,
    map: Vec<u8>,
}

impl Kept {
    fn digest(&self, signed: &SignedIn) -> String {
        let mut hasher = Sha256::new();
        for part in [
            signed.session.csrf_token.as_bytes(),
            self.format.word().as_bytes(),
            self.name.as_bytes(),
            &self.data,
            self.map_name.as_bytes(),
            &self.map,
        ] {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part);
        }
        hex::encode(hasher.finalize())
    }
}

/// What the page shows: the form (perhaps with problems), the check, or what was imported.
#[derive(Default)]
struct View {
    errors: Vec<FieldError>,
    format: String,
    file_name: Option<String>,
    problems: Option<ImportErrors>,
    check: Option<(Kept, PostureImported)>,
    imported: Option<PostureImported>,
}

fn render(state: &AppState, signed: &SignedIn, view: View) -> Result<Response, WebError> {
    let status = if view.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let title = if view.imported.is_some() {
        "Device checks imported"
    } else if view.check.is_some() {
        "Check the device checks before importing them"
    } else {
        "Upload device checks"
    };
    let mut page = office_page(title, signed, "equipment");
    page.errors = view.errors;
    let field_errors = by_field(&page.errors);
    let b = base(signed);
    let counts = |done: &PostureImported| {
        context! {
            observations => thousands(done.import.observations as usize),
            new => thousands(done.new as usize),
            devices => thousands(done.import.devices as usize),
            unmatched => thousands(done.import.unmatched as usize),
            unmatched_count => done.import.unmatched,
            named => Serde(&done.unmatched_devices),
        }
    };
    let check = view.check.as_ref().map(|(kept, done)| {
        context! {
            format => kept.format.word(),
            format_text => format_words(kept.format),
            name => &kept.name,
            data => STANDARD.encode(&kept.data),
            map_name => &kept.map_name,
            map => STANDARD.encode(&kept.map),
            digest => kept.digest(signed),
            counts => counts(done),
        }
    });
    let problem_list = view.problems.as_ref().map(problems).unwrap_or_default();
    let html = state.pages.render(
        "pages/posture_upload.html",
        &page,
        context! {
            heading => title,
            action => format!("{b}/compliance/upload"),
            back => format!("{b}/compliance"),
            formats => formats(),
            format => view.format,
            max_size => MAX_WORDS,
            file_name => view.file_name,
            problems => Serde(&problem_list),
            problem_total => view.problems.as_ref().map(|p| p.errors.len()).unwrap_or(0),
            problem_lines => view.problems.as_ref().map(|p| p.rows_with_problems()).unwrap_or(0),
            check,
            imported => view.imported.as_ref().map(counts),
            imported_file => view.imported.as_ref().map(|d| d.import.file.clone()),
            field_errors,
            csrf_token => &signed.session.csrf_token,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok((status, Html(html)).into_response())
}

pub async fn form(State(state): State<AppState>, signed: SignedIn) -> Result<Response, WebError> {
    signed.principal.reader()?;
    render(&state, &signed, View::default())
}

/// The form again with problems against its fields.
fn refuse(
    state: &AppState,
    signed: &SignedIn,
    format: &str,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let view = View {
        errors,
        format: format.to_string(),
        ..View::default()
    };
    render(state, signed, view)
}

/// An uploaded file's name and bytes, or the problem with it against its field.
fn uploaded(
    fields: &CsrfFields,
    field: &'static str,
    limit: usize,
    limit_words: &str,
) -> Result<Option<(String, Vec<u8>)>, FieldError> {
    let Some(f) = fields.get(field).filter(|f| !f.value.is_empty()) else {
        return Ok(None);
    };
    let name = f
        .file_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "the file".into());
    if f.value.len() > limit {
        return Err(error(
            field,
            format!(
                "{name} is larger than {limit_words}; import it with steward posture import on the command line"
            ),
        ));
    }
    Ok(Some((name, f.value.clone())))
}

/// The file kept in the check-your-answers page, its digest checked.
fn kept(signed: &SignedIn, fields: &CsrfFields) -> Result<Option<Kept>, FieldError> {
    let data = fields.text("data");
    if data.is_empty() {
        return Ok(None);
    }
    let lost = || {
        error(
            "file",
            "The file could not be read back from the check; upload it again",
        )
    };
    let format = Format::parse(&fields.text("kept_format")).ok_or_else(lost)?;
    let kept = Kept {
        format,
        name: fields.text("file_name"),
        data: STANDARD.decode(data.trim()).map_err(|_| lost())?,
        map_name: fields.text("map_name"),
        map: STANDARD
            .decode(fields.text("map").trim())
            .map_err(|_| lost())?,
    };
    if kept.data.len() > MAX_BYTES || kept.map.len() > FLEET_MAP {
        return Err(lost());
    }
    if kept.digest(signed) != fields.text("digest") {
        return Err(error(
            "file",
            "The file changed after it was checked; upload it again",
        ));
    }
    Ok(Some(kept))
}

/// The file just uploaded, with its format and (for Fleet) its map, or every problem with
/// the form.
fn upload(fields: &CsrfFields) -> Result<Kept, Vec<FieldError>> {
    let mut errors = Vec::new();
    let format = Format::parse(&fields.text("format"));
    if format.is_none() {
        errors.push(error("format", "Choose the format the file is in"));
    }
    let file = match uploaded(fields, "file", MAX_BYTES, MAX_WORDS) {
        Ok(Some(f)) => Some(f),
        Ok(None) => {
            errors.push(error("file", "Choose a file of device checks to upload"));
            None
        }
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let map = match uploaded(fields, "map", FLEET_MAP, "256 KB") {
        Ok(m) => m,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    match (format, &map) {
        (Some(Format::Fleet), None) => errors.push(error(
            "map",
            "Choose the file that says which check each Fleet policy verifies",
        )),
        (Some(f), Some(_)) if f != Format::Fleet => errors.push(error(
            "map",
            "A policy map is only for Fleet files; remove it or choose Fleet",
        )),
        _ => {}
    }
    match (format, file) {
        (Some(format), Some((name, data))) if errors.is_empty() => {
            let (map_name, map) = map.unwrap_or_default();
            Ok(Kept {
                format,
                name,
                data,
                map_name,
                map,
            })
        }
        _ => Err(errors),
    }
}

pub async fn post(
    State(state): State<AppState>,
    signed: SignedIn,
    fields: CsrfFields,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let chosen = fields.text("format");
    let file = match kept(&signed, &fields) {
        Err(e) => return refuse(&state, &signed, &chosen, vec![e]),
        Ok(Some(kept)) => Ok(kept),
        Ok(None) => upload(&fields),
    };
    let file = match file {
        Ok(file) => file,
        Err(errors) => return refuse(&state, &signed, &chosen, errors),
    };
    let confirm = !fields.text("data").is_empty() && fields.text("confirm") == "yes";
    let map = if file.format == Format::Fleet {
        let text = String::from_utf8_lossy(&file.map);
        match FleetMap::parse(&file.map_name, &text) {
            Ok(map) => map,
            Err(e) => return with_problems(&state, &signed, &file, e),
        }
    } else {
        FleetMap::default()
    };
    let rows = match parse::parse(file.format, &file.name, &file.data, &map) {
        Ok(rows) => rows,
        Err(e) => return with_problems(&state, &signed, &file, e),
    };
    if rows.is_empty() {
        let message = format!(
            "{} gives no device checks; check it is the right file",
            file.name
        );
        return refuse(
            &state,
            &signed,
            file.format.word(),
            vec![error("file", message)],
        );
    }
    // The import runs in full both times: the check drops its transaction, so it counts
    // exactly what the import would take in; the confirmation commits it.
    let mut tx = state.store.begin().await?;
    let done = posture::import(
        &mut tx,
        &signed.ctx(),
        &signed.council,
        &file.name,
        file.format,
        rows,
        |_| {},
    )
    .await;
    let done = match done {
        Ok(done) => done,
        Err(DomainError::Import(e)) => return with_problems(&state, &signed, &file, e),
        Err(e) => {
            let errors = super::form_errors(e, &["file"], "file")?;
            return refuse(&state, &signed, file.format.word(), errors);
        }
    };
    let view = if confirm {
        tx.commit().await?;
        View {
            imported: Some(done),
            ..View::default()
        }
    } else {
        drop(tx);
        View {
            file_name: Some(file.name.clone()),
            check: Some((file, done)),
            ..View::default()
        }
    };
    render(&state, &signed, view)
}

/// The form with every problem of the file (or its map), by line.
fn with_problems(
    state: &AppState,
    signed: &SignedIn,
    file: &Kept,
    e: ImportErrors,
) -> Result<Response, WebError> {
    let lines = e.rows_with_problems();
    let field = if e.file == file.map_name && file.format == Format::Fleet {
        "map"
    } else {
        "file"
    };
    let summary = format!(
        "{} has problems on {} {}; nothing was imported. Fix them and upload the file again",
        e.file,
        thousands(lines),
        if lines == 1 { "line" } else { "lines" },
    );
    let view = View {
        errors: vec![error(field, summary)],
        format: file.format.word().to_string(),
        file_name: Some(e.file.clone()),
        problems: Some(e),
        ..View::default()
    };
    render(state, signed, view)
}
