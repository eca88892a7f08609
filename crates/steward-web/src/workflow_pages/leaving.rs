//! People leaving office: many at once (after an election) from rows typed in or a CSV file
//! pasted or uploaded, or one person from their own page. Every row is checked before anything
//! is written; the result lists each leaver's items with the date they are due back and the
//! clause, and the accounts whose access ended.

use crate::back_office::{base, error, form_errors, may_change, office_page, required_date};
use crate::check_answers::{self, Answer, CheckAnswers, Kept, Step, answer, kept};
use crate::pages::{FieldError, by_field, sentence};
use crate::session::{CsrfFields, CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::import::{self, ImportErrors, LeaverRow};
use steward_domain::ops::{leaving, people};
use steward_domain::{DomainError, PersonRef, RegisterTx};
use steward_policy::{TermEndReason, long_date};
use steward_store::StoreTx;

/// How many people the typed form takes at once; more come as a file.
const ROWS: usize = 5;
const REFERENCE_IDS: [&str; ROWS] = [
    "reference-1",
    "reference-2",
    "reference-3",
    "reference-4",
    "reference-5",
];
const LEFT_ON_IDS: [&str; ROWS] = [
    "left_on-1",
    "left_on-2",
    "left_on-3",
    "left_on-4",
    "left_on-5",
];
const REASON_IDS: [&str; ROWS] = ["reason-1", "reason-2", "reason-3", "reason-4", "reason-5"];

pub fn reason_words(reason: TermEndReason) -> &'static str {
    match reason {
        TermEndReason::NotReElected => "Not re-elected",
        TermEndReason::StoodDown => "Stood down",
        TermEndReason::Disqualified => "Disqualified",
        TermEndReason::Died => "Died",
        TermEndReason::TermEnded => "Term ended",
    }
}

#[derive(Serialize)]
struct Choice {
    value: &'static str,
    text: &'static str,
}

fn reasons() -> Vec<Choice> {
    TermEndReason::ALL
        .iter()
        .map(|r| Choice {
            value: r.as_str(),
            text: reason_words(*r),
        })
        .collect()
}

#[derive(Clone, Default, Serialize)]
struct RowForm {
    reference: String,
    left_on: String,
    reason: String,
}

#[derive(Default, Serialize)]
struct ManyForm {
    rows: Vec<RowForm>,
    csv: String,
}

async fn render_many(
    state: &AppState,
    signed: &SignedIn,
    form: &ManyForm,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut rows = form.rows.clone();
    rows.resize(ROWS, RowForm::default());
    let mut page = office_page("Record people leaving office", signed, "people");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/leaving.html",
        &page,
        context! {
            rows => Serde(&rows),
            csv => &form.csv,
            reasons => Serde(&reasons()),
            field_errors,
            csrf_token => &signed.session.csrf_token,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok((status, Html(html)).into_response())
}

pub async fn page(State(state): State<AppState>, signed: SignedIn) -> Result<Response, WebError> {
    signed.principal.reader()?;
    render_many(&state, &signed, &ManyForm::default(), Vec::new()).await
}

/// A file's problems, each as "line N: column: message", against the field it came from.
fn file_errors(errors: &ImportErrors, field: &'static str) -> Vec<FieldError> {
    errors
        .errors
        .iter()
        .map(|e| {
            let column = e
                .column
                .as_deref()
                .map(|c| format!("{c}: "))
                .unwrap_or_default();
            error(field, format!("line {}: {column}{}", e.line, e.message))
        })
        .collect()
}

/// The typed rows' problems, each against its own field.
fn row_errors(errors: &ImportErrors) -> Vec<FieldError> {
    errors
        .errors
        .iter()
        .map(|e| {
            let i = usize::try_from(e.line).unwrap_or(1).clamp(1, ROWS) - 1;
            let field = match e.column.as_deref() {
                Some("left_on") => LEFT_ON_IDS[i],
                Some("reason") => REASON_IDS[i],
                _ => REFERENCE_IDS[i],
            };
            error(field, format!("Row {}: {}", i + 1, sentence(&e.message)))
        })
        .collect()
}

/// The rows typed into the form, or each problem against its field.
fn typed_rows(form: &ManyForm) -> Result<Vec<LeaverRow>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out: Vec<LeaverRow> = Vec::new();
    for (i, row) in form.rows.iter().enumerate().take(ROWS) {
        if row.reference.trim().is_empty() && row.left_on.trim().is_empty() {
            continue;
        }
        let n = i + 1;
        let reference: Option<PersonRef> = crate::back_office::parsed(
            &mut errors,
            REFERENCE_IDS[i],
            &row.reference,
            &format!("Row {n}: enter the person's reference"),
        );
        let left_on = required_date(
            &mut errors,
            LEFT_ON_IDS[i],
            &row.left_on,
            &format!("the day the person in row {n} left office"),
        );
        let reason: Option<TermEndReason> = row.reason.parse().ok();
        if reason.is_none() {
            errors.push(error(
                REASON_IDS[i],
                format!("Row {n}: choose why they left"),
            ));
        }
        if let Some(r) = &reference
            && let Some(first) = out.iter().find(|o| &o.reference == r)
        {
            errors.push(error(
                REFERENCE_IDS[i],
                format!("Row {n}: {r} is already in row {}", first.line),
            ));
        }
        if let (Some(reference), Some(left_on), Some(reason)) = (reference, left_on, reason) {
            out.push(LeaverRow {
                line: n as u64,
                reference,
                left_on,
                reason,
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if out.is_empty() {
        return Err(vec![error(
            REFERENCE_IDS[0],
            "Enter at least one person who has left office",
        )]);
    }
    Ok(out)
}

/// One leaver as the result page shows them.
#[derive(Serialize)]
struct LeaverView {
    name: String,
    reference: String,
    left_on: String,
    reason: &'static str,
    items: Vec<ItemLine>,
    accounts: Vec<String>,
}

#[derive(Serialize)]
struct ItemLine {
    loan: i64,
    asset_tag: String,
    return_by: String,
}

async fn views(tx: &mut StoreTx, done: &[people::Leaving]) -> Result<Vec<LeaverView>, WebError> {
    let mut out = Vec::new();
    for l in done {
        let mut items = Vec::new();
        for loan in &l.loans {
            let tag = tx
                .equipment_by_id(loan.council_id, loan.equipment_id)
                .await
                .map_err(DomainError::from)?
                .map(|e| e.asset_tag.to_string())
                .unwrap_or_default();
            let return_by = match (loan.leaving_by, &l.citation) {
                (Some(by), Some(citation)) if l.stop_use.is_some() => format!(
                    "Stop using it now and return it by {} ({citation})",
                    long_date(by)
                ),
                (Some(by), Some(citation)) => format!("Return by {} ({citation})", long_date(by)),
                _ => "The policy sets no date for leavers to return it by".to_string(),
            };
            items.push(ItemLine {
                loan: loan.id,
                asset_tag: tag,
                return_by,
            });
        }
        let accounts = l
            .access_withdrawn
            .iter()
            .map(|a| {
                let sessions = match a.sessions_ended {
                    1 => "1 session ended".to_string(),
                    n => format!("{n} sessions ended"),
                };
                if a.disabled {
                    format!("{} ({}): {sessions}, account disabled", a.username, a.role)
                } else {
                    format!("{} ({}): {sessions}", a.username, a.role)
                }
            })
            .collect();
        out.push(LeaverView {
            name: l.person.name.clone(),
            reference: l.person.reference.to_string(),
            left_on: long_date(l.left_on),
            reason: reason_words(l.reason),
            items,
            accounts,
        });
    }
    Ok(out)
}

fn render_done(
    state: &AppState,
    signed: &SignedIn,
    leavers: &[LeaverView],
) -> Result<Response, WebError> {
    let title = if leavers.len() == 1 {
        "Leaving recorded"
    } else {
        "Leavers recorded"
    };
    let page = office_page(title, signed, "people");
    let html = state.pages.render(
        "pages/leaving_done.html",
        &page,
        context! { heading => title, leavers => Serde(leavers) },
    )?;
    Ok(Html(html).into_response())
}

/// Where the rows come from: typed in, or a file (an upload wins over pasted text).
enum Source {
    Rows(ManyForm),
    File {
        form: ManyForm,
        name: String,
        field: &'static str,
        data: Vec<u8>,
    },
}

fn source(fields: &CsrfFields) -> Source {
    let rows: Vec<RowForm> = (1..=ROWS)
        .map(|n| RowForm {
            reference: fields.text(&format!("reference-{n}")),
            left_on: fields.text(&format!("left_on-{n}")),
            reason: fields.text(&format!("reason-{n}")),
        })
        .collect();
    let csv = fields.text("csv");
    let file = fields
        .get("file")
        .filter(|f| f.file_name.as_deref().is_some_and(|n| !n.is_empty()) && !f.value.is_empty());
    let form = ManyForm { rows, csv };
    if fields.text("from") != "file" {
        return Source::Rows(form);
    }
    // A file uploaded before the check page comes back as text, under its own name.
    let kept_name = fields.text("file_name");
    match file {
        Some(f) => Source::File {
            name: f.file_name.clone().unwrap_or_default(),
            field: "file",
            data: f.value.clone(),
            form,
        },
        None => Source::File {
            name: if kept_name.is_empty() {
                "pasted text".into()
            } else {
                kept_name
            },
            field: "csv",
            data: form.csv.clone().into_bytes(),
            form,
        },
    }
}

/// What leaving does, in words: for each leaver, the day and reason, each item with the date
/// it is due back and the clause, and each account whose access ends.
fn leaving_words(leavers: &[LeaverView]) -> (Vec<Answer>, Vec<String>) {
    let mut answers = Vec::new();
    let mut happens = Vec::new();
    for l in leavers {
        answers.push(answer(
            format!("{} ({})", l.name, l.reference),
            format!("Left office on {}: {}", l.left_on, l.reason.to_lowercase()),
        ));
        happens.push(format!(
            "{} is recorded as having left office on {}.",
            l.name, l.left_on
        ));
        for item in &l.items {
            happens.push(format!(
                "{} held by {}: {}.",
                item.asset_tag, l.name, item.return_by
            ));
        }
        for account in &l.accounts {
            happens.push(format!(
                "Access withdrawn from {}'s account {account}.",
                l.name
            ));
        }
        if l.items.is_empty() {
            happens.push(format!("{} holds no council equipment.", l.name));
        }
    }
    (answers, happens)
}

/// The fields of the form sent again from the check page, exactly as they came.
fn kept_fields(form: &ManyForm, from_file: Option<&str>) -> Vec<Kept> {
    let mut out = Vec::new();
    for (i, row) in form.rows.iter().enumerate().take(ROWS) {
        out.push(kept(REFERENCE_IDS[i], row.reference.clone()));
        out.push(kept(LEFT_ON_IDS[i], row.left_on.clone()));
        out.push(kept(REASON_IDS[i], row.reason.clone()));
    }
    out.push(kept("csv", form.csv.clone()));
    if let Some(name) = from_file {
        out.push(kept("from", "file"));
        out.push(kept("file_name", name));
    }
    out
}

pub async fn record_many(
    State(state): State<AppState>,
    signed: SignedIn,
    fields: CsrfFields,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let step = Step::of(&fields.text("confirm"), &fields.text("change"));
    if step == Step::Change {
        let form = match source(&fields) {
            Source::Rows(form) | Source::File { form, .. } => form,
        };
        return render_many(&state, &signed, &form, Vec::new()).await;
    }
    let (mut form, rows, field) = match source(&fields) {
        Source::Rows(form) => match typed_rows(&form) {
            Ok(rows) => (form, rows, None),
            Err(errors) => return render_many(&state, &signed, &form, errors).await,
        },
        Source::File {
            form,
            name,
            field,
            data,
        } => {
            if String::from_utf8_lossy(&data).trim().is_empty() {
                let errors = vec![error("csv", "Paste the CSV, or choose a file to upload")];
                return render_many(&state, &signed, &form, errors).await;
            }
            match import::parse_leavers(&name, &data) {
                Ok(rows) => (form, rows, Some((name, field))),
                Err(e) => {
                    let errors = file_errors(&e, field);
                    return render_many(&state, &signed, &form, errors).await;
                }
            }
        }
    };
    let file_name = field
        .as_ref()
        .map(|(n, _)| n.clone())
        .unwrap_or_else(|| "the form".into());
    let mut tx = state.store.begin().await?;
    match leaving::leave_many(
        &mut tx,
        &signed.ctx(),
        &signed.council,
        &file_name,
        rows,
        |_| {},
    )
    .await
    {
        Ok(done) if step == Step::Confirm => {
            let leavers = views(&mut tx, &done).await?;
            tx.commit().await?;
            render_done(&state, &signed, &leavers)
        }
        // What leaving would do is shown from the change itself, then dropped unwritten.
        Ok(done) => {
            let leavers = views(&mut tx, &done).await?;
            drop(tx);
            let from_file = field.as_ref().map(|(name, _)| name.as_str());
            if let Some((_, "file")) = &field {
                form.csv = String::from_utf8_lossy(&file_data(&fields)).into_owned();
            }
            let (answers, happens) = leaving_words(&leavers);
            let b = base(&signed);
            let check = CheckAnswers {
                title: "Check before recording people leaving office",
                nav: "people",
                answers,
                happens,
                action: format!("{b}/people/leaving"),
                kept: kept_fields(&form, from_file),
                change_href: None,
                button: "Record these leavers",
                warning: None,
                cancel_href: format!("{b}/people"),
            };
            check_answers::render(&state, &signed, &check)
        }
        Err(e) => {
            drop(tx);
            let errors = match (e, &field) {
                (DomainError::Import(e), Some((_, field))) => file_errors(&e, field),
                (DomainError::Import(e), None) => row_errors(&e),
                (other, Some((_, field))) => form_errors(other, &[], field)?,
                (other, None) => form_errors(other, &[], REFERENCE_IDS[0])?,
            };
            render_many(&state, &signed, &form, errors).await
        }
    }
}

/// The uploaded file's bytes, when one came with the form.
fn file_data(fields: &CsrfFields) -> Vec<u8> {
    fields
        .get("file")
        .map(|f| f.value.clone())
        .unwrap_or_default()
}

#[derive(Default, Deserialize, Serialize)]
pub struct LeaveForm {
    #[serde(default)]
    left_on: String,
    #[serde(default)]
    reason: String,
    /// Set by the check-your-answers page's button: record it now.
    #[serde(default)]
    confirm: String,
    /// Set by its Change link: back to the form as typed.
    #[serde(default)]
    change: String,
}

async fn render_person(
    state: &AppState,
    signed: &SignedIn,
    reference: &PersonRef,
    form: &LeaveForm,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let mut tx = state.store.read().await?;
    let found = people::detail(&mut tx, &signed.council, reference).await?;
    drop(tx);
    let open_loans = found.loans.iter().filter(|l| l.is_open()).count();
    let serving = found
        .terms
        .iter()
        .any(|t| t.ends.is_none_or(|e| e >= signed.today));
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let title = format!("Record that {} has left", found.person.name);
    let mut page = office_page(&title, signed, "people");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/person_leave.html",
        &page,
        context! {
            heading => &title,
            name => &found.person.name,
            reference => reference.to_string(),
            open_loans,
            serving,
            reasons => Serde(&reasons()),
            form => Serde(form),
            field_errors,
            csrf_token => &signed.session.csrf_token,
            may_change => may_change(&signed.principal),
            back => format!("{}/people/{reference}", base(signed)),
        },
    )?;
    Ok((status, Html(html)).into_response())
}

fn reference(raw: &str) -> Result<PersonRef, WebError> {
    raw.parse().map_err(|_| WebError::not_found())
}

pub async fn person_page(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, raw)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let reference = reference(&raw)?;
    render_person(
        &state,
        &signed,
        &reference,
        &LeaveForm::default(),
        Vec::new(),
    )
    .await
}

pub async fn record_one(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, raw)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<LeaveForm>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let reference = reference(&raw)?;
    let step = Step::of(&form.confirm, &form.change);
    if step == Step::Change {
        return render_person(&state, &signed, &reference, &form, Vec::new()).await;
    }
    let mut errors = Vec::new();
    let left_on = required_date(
        &mut errors,
        "left_on",
        &form.left_on,
        "the day they left office",
    );
    let reason: Option<TermEndReason> = form.reason.parse().ok();
    if reason.is_none() {
        errors.push(error("reason", "Choose why they left"));
    }
    let (Some(left_on), Some(reason), true) = (left_on, reason, errors.is_empty()) else {
        return render_person(&state, &signed, &reference, &form, errors).await;
    };
    let mut tx = state.store.begin().await?;
    match people::leave(
        &mut tx,
        &signed.ctx(),
        &signed.council,
        &reference,
        left_on,
        reason,
    )
    .await
    {
        Ok(done) if step == Step::Confirm => {
            let leavers = views(&mut tx, std::slice::from_ref(&done)).await?;
            tx.commit().await?;
            render_done(&state, &signed, &leavers)
        }
        Ok(done) => {
            let leavers = views(&mut tx, std::slice::from_ref(&done)).await?;
            drop(tx);
            let (answers, happens) = leaving_words(&leavers);
            let b = base(&signed);
            let check = CheckAnswers {
                title: "Check before recording that someone has left",
                nav: "people",
                answers,
                happens,
                action: format!("{b}/people/{reference}/leave"),
                kept: vec![
                    kept("left_on", form.left_on.clone()),
                    kept("reason", form.reason.clone()),
                ],
                change_href: None,
                button: "Record that they have left",
                warning: None,
                cancel_href: format!("{b}/people/{reference}"),
            };
            check_answers::render(&state, &signed, &check)
        }
        Err(DomainError::NotFound { .. }) => Err(WebError::not_found()),
        Err(e) => {
            drop(tx);
            // The register's own words for this form's fields.
            let e = match e {
                DomainError::Invalid { field, message } if field == "date" || field == "person" => {
                    DomainError::invalid("left_on", message)
                }
                other => other,
            };
            let errors = form_errors(e, &["left_on", "reason"], "left_on")?;
            render_person(&state, &signed, &reference, &form, errors).await
        }
    }
}
