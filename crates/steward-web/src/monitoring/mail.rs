//! Mail forwarding: the forwards set on the council's mailboxes in the latest snapshots, each
//! with what the policy says of it and the clause, filtered by outcome and person and paged in
//! the database; and uploading a snapshot (officers), checked first (see `mail_check`). Only the offices the pack's
//! `[monitoring] visible_to` names see the list, and auditors; the domain refuses everyone
//! else.

use super::mail_check;
use crate::back_office::{base, error, may_change, office_page};
use crate::listing::{Column, ListQuery, Listing, Row, column, plain_column};
use crate::pages::{FieldError, by_field};
use crate::session::{CsrfFields, Reading, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::DomainError;
use steward_domain::import::ImportErrors;
use steward_domain::mail::snapshot::SnapshotFormat;
use steward_domain::mail::{ForwardFilter, ForwardFinding};
use steward_domain::ops::mail::forwarding::{self, ForwardQuery};
use steward_domain::ops::{people, pick};
use steward_policy::mail::ForwardOutcome;
use steward_store::StoreTx;

use crate::limits::FORWARDING_SNAPSHOT as MAX_BYTES;

/// The upload's body: the file with room for the form around it.
pub(super) fn body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_BYTES + 1024 * 1024)
}

const COLUMNS: &[Column] = &[
    column("mailbox", "Mailbox"),
    plain_column("who", "Whose"),
    plain_column("how", "How"),
    plain_column("to", "Sent on to"),
    column("outcome", "What the policy says"),
    plain_column("clause", "Clause"),
];

/// The filters, as typed into the form.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Filters {
    #[serde(default)]
    person: String,
    #[serde(default)]
    outcome: String,
}

#[derive(Deserialize)]
pub struct ForwardParams {
    #[serde(flatten)]
    filters: Filters,
    #[serde(flatten)]
    list: ListQuery,
}

fn row(f: &ForwardFinding) -> Row {
    let who = match (&f.person, &f.person_name) {
        (Some(r), Some(n)) => format!("{n} ({r})"),
        _ => "Nobody in the register has this address".to_string(),
    };
    let how = match &f.rule {
        Some(rule) => format!("{}, by the rule \u{201c}{rule}\u{201d}", f.kind.words()),
        None => f.kind.words().to_string(),
    };
    let how = match f.keeps_copy {
        Some(true) => format!("{how}, keeping a copy"),
        Some(false) => format!("{how}, keeping no copy"),
        None => how,
    };
    let row = Row::new(vec![
        f.mailbox.clone(),
        who,
        how,
        f.target
            .clone()
            .unwrap_or_else(|| "Someone inside the council".into()),
        format!("{}. {}", f.outcome.words(), f.message),
        f.citation
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    ]);
    if f.outcome == ForwardOutcome::Breach {
        row.flag("Breaks the rule")
    } else {
        row
    }
}

/// What an upload did, or what was wrong with it.
#[derive(Default)]
struct Outcome {
    imported: Option<String>,
    errors: Vec<FieldError>,
    problems: Option<ImportErrors>,
}

const NOBODY: steward_domain::Id = -1;

async fn render(
    state: &AppState,
    signed: &SignedIn,
    mut tx: StoreTx,
    params: ForwardParams,
    done: Outcome,
) -> Result<Response, WebError> {
    let b = base(signed);
    let filters = params.filters;
    let person_id = if filters.person.trim().is_empty() {
        None
    } else {
        match pick::person(
            &mut tx,
            &signed.council,
            "person",
            &filters.person,
            signed.today,
        )
        .await
        {
            Ok(p) => match people::find(&mut tx, &signed.council, &p.reference).await {
                Ok(found) => Some(found.id),
                Err(DomainError::NotFound { .. }) => Some(NOBODY),
                Err(e) => return Err(e.into()),
            },
            Err(DomainError::Invalid { .. }) => Some(NOBODY),
            Err(e) => return Err(e.into()),
        }
    };
    let outcome = filters.outcome.trim().parse::<ForwardOutcome>().ok();
    let query: ForwardQuery = params.list.to_query(ForwardFilter { outcome, person_id });
    let page = forwarding::page(
        &mut tx,
        &signed.council,
        &signed.principal,
        signed.today,
        &query,
    )
    .await?;
    drop(tx);
    let action = format!("{b}/monitoring/mail-forwards");
    let extra = [
        ("person", filters.person.as_str()),
        ("outcome", filters.outcome.as_str()),
    ];
    let listing = Listing::paged(
        &action,
        &extra,
        COLUMNS,
        query.sort.as_str(),
        &params.list,
        page.map(|f| row(&f)),
    );
    let outcomes: Vec<_> = ForwardOutcome::ALL
        .iter()
        .map(|o| context! { value => o.as_str(), text => o.words() })
        .collect();
    let problems: Vec<_> = done
        .problems
        .as_ref()
        .map(|p| {
            p.errors
                .iter()
                .map(|e| context! { line => e.line, column => &e.column, message => &e.message })
                .collect()
        })
        .unwrap_or_default();
    let title = "Mail forwarding";
    let mut page = office_page(title, signed, "oversight");
    let status = if done.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    page.errors = done.errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/monitoring_mail_forwards.html",
        &page,
        context! {
            list => Serde(&listing),
            action,
            heading => title,
            filters => Serde(&filters),
            outcomes,
            imported => done.imported,
            problems,
            problem_file => done.problems.as_ref().map(|p| p.file.clone()),
            field_errors,
            csrf_token => &signed.session.csrf_token,
            may_change => may_change(&signed.principal),
            max_size => "16 MB",
        },
    )?;
    Ok((status, Html(html)).into_response())
}

pub async fn list(
    State(state): State<AppState>,
    Reading { signed, tx }: Reading,
    Query(params): Query<ForwardParams>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    render(&state, &signed, tx, params, Outcome::default()).await
}

/// Checks the uploaded snapshot and shows what it holds; on confirmation imports the
/// snapshot kept in the check, then shows the list with what happened.
pub async fn upload(
    State(state): State<AppState>,
    signed: SignedIn,
    fields: CsrfFields,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let mut done = Outcome::default();
    let snapshot = match mail_check::kept(&signed, &fields) {
        Err(e) => Err(vec![e]),
        Ok(Some(kept)) => Ok(kept),
        Ok(None) => chosen(&fields),
    };
    match snapshot {
        Err(errors) => done.errors = errors,
        Ok(kept) => {
            let confirm = !fields.text("data").is_empty() && fields.text("confirm") == "yes";
            if let Some(page) = check_or_import(&state, &signed, &kept, confirm, &mut done).await? {
                return Ok(page);
            }
        }
    }
    let tx = state.store.read().await?;
    let params = ForwardParams {
        filters: Filters::default(),
        list: ListQuery::default(),
    };
    render(&state, &signed, tx, params, done).await
}

/// The snapshot just uploaded, or every problem with the form.
fn chosen(fields: &CsrfFields) -> Result<mail_check::Kept, Vec<FieldError>> {
    let format = fields.text("format").parse::<SnapshotFormat>();
    let file = fields.get("file").filter(|f| !f.value.is_empty());
    let mut errors = Vec::new();
    if format.is_err() {
        errors.push(error("format", "Choose where the snapshot comes from"));
    }
    match file {
        None => errors.push(error("file", "Choose a snapshot file to upload")),
        Some(f) if f.value.len() > MAX_BYTES => errors.push(error(
            "file",
            "The file is larger than 16 MB; import it with the command line",
        )),
        Some(_) => {}
    }
    match (format, file) {
        (Ok(format), Some(f)) if errors.is_empty() => Ok(mail_check::Kept {
            format,
            name: f
                .file_name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| "the file".into()),
            data: f.value.clone(),
        }),
        _ => Err(errors),
    }
}

/// Reads the snapshot and runs the import: on confirmation it is committed (and `done` says
/// so); otherwise it is dropped and the check page is the answer. Problems go in `done`.
async fn check_or_import(
    state: &AppState,
    signed: &SignedIn,
    kept: &mail_check::Kept,
    confirm: bool,
    done: &mut Outcome,
) -> Result<Option<Response>, WebError> {
    let name = &kept.name;
    let rows = match forwarding::parse(kept.format, name, &kept.data) {
        Ok(rows) => rows,
        Err(problems) => {
            done.errors.push(error(
                "file",
                format!("{name} has problems, listed below; nothing was imported"),
            ));
            done.problems = Some(problems);
            return Ok(None);
        }
    };
    let mailboxes = rows
        .iter()
        .map(|r| r.mailbox.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    // The import runs in full both times: the check drops its transaction, so it counts
    // exactly what the import would store; the confirmation commits it.
    let mut tx = state.store.begin().await?;
    let imported = forwarding::import(
        &mut tx,
        &signed.ctx(),
        &signed.council,
        kept.format,
        name,
        rows,
    )
    .await;
    let imported = match imported {
        Ok(imported) => imported,
        Err(e) => {
            done.errors = crate::back_office::form_errors(e, &["file"], "file")?;
            return Ok(None);
        }
    };
    if !confirm {
        drop(tx);
        return mail_check::render(state, signed, kept, mailboxes, &imported).map(Some);
    }
    tx.commit().await?;
    done.imported = Some(format!(
        "{} forwards imported from {name}; {} break the rule.",
        imported.import.forwards, imported.import.breaches
    ));
    Ok(None)
}
