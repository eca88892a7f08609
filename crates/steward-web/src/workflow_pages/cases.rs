//! Breach cases for their handlers and auditors. Listing shows only summary lines; opening a
//! case is recorded in the audit trail each time, so the page is drawn in a write
//! transaction.

use super::{hidden, moment, office_words, record_id};
use crate::back_office::{base, error, form_errors, office_page};
use crate::listing::{EXPORT_BATCH, ListQuery, Listing, Row, column, csv_of_all, plain_column};
use crate::pages::{FieldError, by_field};
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
use steward_domain::ops::case_list::{self, CaseFilter, CaseQuery, CaseStates};
use steward_domain::ops::cases::{self, CaseView, OutcomeDetails};
use steward_domain::ops::policy;
use steward_domain::workflow::{Case, CaseSource, CaseState, WorkflowTx};
use steward_domain::{AssetTag, DomainError, DomainResult};
use steward_policy::Citation;
use steward_policy::cases::outcome_words;
use steward_policy::model::Outcome;

const COLUMNS: &[crate::listing::Column] = &[
    column("reference", "Case"),
    column("raised", "Raised"),
    plain_column("summary", "Summary"),
    plain_column("about", "About"),
    plain_column("source", "Raised by"),
    plain_column("handlers", "Handled by"),
    column("state", "State"),
    plain_column("clause", "Policy clause"),
];

fn source_words(source: CaseSource) -> &'static str {
    match source {
        CaseSource::Report => "A named person",
        CaseSource::Anonymous => "Anonymous",
        CaseSource::Monitoring => "Monitoring",
    }
}

fn citation(case: &Case) -> String {
    Citation {
        clause: case.clause.clone(),
        document: case.document.clone(),
    }
    .to_string()
}

#[derive(Deserialize)]
pub struct CaseParams {
    #[serde(default)]
    show: Option<String>,
    #[serde(flatten)]
    list: ListQuery,
}

fn row(b: &str, v: &CaseView) -> Row {
    let c = &v.case;
    Row::new(vec![
        format!("Case {}", c.id),
        moment(c.created_at),
        c.summary.clone(),
        v.subject
            .as_ref()
            .map(|p| format!("{} ({})", p.name, p.reference))
            .unwrap_or_else(|| "No one named".into()),
        source_words(c.source).to_string(),
        v.handler_names.join(", "),
        c.state.words().to_string(),
        citation(c),
    ])
    .link(format!("{b}/cases/{}", c.id))
}

pub async fn list(
    State(state): State<AppState>,
    Reading {
        signed,
        tx: page_tx,
    }: Reading,
    Query(params): Query<CaseParams>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let all = params.show.as_deref() == Some("all");
    let filter = CaseFilter {
        state: if all {
            CaseStates::All
        } else {
            CaseStates::Open
        },
    };
    let query: CaseQuery = params.list.to_query(filter);
    let b = base(&signed);
    let (council, principal, today) = (&signed.council, &signed.principal, signed.today);
    if params.list.wants_csv() {
        // The export reads in batches of its own.
        drop(page_tx);
        return csv_of_all("cases", COLUMNS, |cursor| {
            let mut batch = query.clone();
            batch.window = Window::at(EXPORT_BATCH, cursor);
            let (state, b) = (state.clone(), b.clone());
            async move {
                let mut tx = state.store.read().await?;
                let page = case_list::list(&mut tx, council, principal, &batch, today).await?;
                Ok(page.map(|v| row(&b, &v)))
            }
        })
        .await;
    }
    let mut tx = page_tx;
    let page = case_list::list(&mut tx, council, principal, &query, today).await?;
    drop(tx);
    let action = format!("{b}/cases");
    let show = if all { "all" } else { "" };
    let listing = Listing::paged(
        &action,
        &[("show", show)],
        COLUMNS,
        query.sort.as_str(),
        &params.list,
        page.map(|v| row(&b, &v)),
    );
    let page = office_page("Cases", &signed, "cases");
    let html = state.pages.render(
        "pages/cases.html",
        &page,
        context! { list => Serde(&listing), action, all },
    )?;
    Ok(Html(html).into_response())
}

/// What the case page's forms show again after an error.
#[derive(Default, Deserialize, Serialize)]
pub struct CaseForms {
    #[serde(default)]
    note: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    outcome_note: String,
    #[serde(default)]
    equipment: String,
}

/// An outcome as a radio button, its clause as the hint.
#[derive(Serialize)]
struct OutcomeChoice {
    value: String,
    text: String,
    hint: String,
}

#[derive(Serialize)]
struct NoteLine {
    at: String,
    actor: String,
    text: String,
}

fn needs_item(outcome: Outcome) -> bool {
    matches!(
        outcome,
        Outcome::RestrictSoftware | Outcome::RemoveInformation | Outcome::ReplacementCharge
    )
}

fn outcome_value(outcome: Outcome) -> String {
    serde_json::to_value(outcome)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

async fn render(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    done: Option<&str>,
    forms: &CaseForms,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let mut tx = state.store.begin().await?;
    let found = cases::open(
        &mut tx,
        &signed.ctx(),
        &signed.council,
        &signed.principal,
        id,
    )
    .await?;
    let active = policy::in_force(&mut tx, &signed.council, signed.today).await?;
    let c = &found.view.case;
    // Restoring access belongs to the case that withdrew it, closed or not.
    let withdrawn = match c.subject_id {
        Some(person) => tx
            .withdrawals(signed.council.id, person)
            .await
            .map_err(DomainError::from)?
            .into_iter()
            .any(|w| w.case_id == c.id && w.lifted_on.is_none()),
        None => false,
    };
    tx.commit().await?;
    let pack = active.as_ref().map(|a| &*a.pack);
    let outcomes: Vec<OutcomeChoice> = found
        .outcomes
        .iter()
        .map(|o| OutcomeChoice {
            value: outcome_value(o.outcome),
            text: crate::pages::sentence(&o.words)
                .trim_end_matches('.')
                .to_string(),
            hint: o.citation.to_string(),
        })
        .collect();
    let with_item: Vec<String> = found
        .outcomes
        .iter()
        .filter(|o| needs_item(o.outcome))
        .map(|o| o.words.clone())
        .collect();
    let notes: Vec<NoteLine> = found
        .notes
        .iter()
        .map(|n| NoteLine {
            at: moment(n.at),
            actor: n.actor.clone(),
            text: n.text.clone(),
        })
        .collect();
    let escalation = found.escalation.as_ref().map(|e| {
        context! {
            to => &e.to_name,
            when => &e.when,
            clause => e.citation.to_string(),
        }
    });
    let case = context! {
        id => c.id,
        summary => &c.summary,
        details => &c.details,
        subject => found.view.subject.as_ref().map(|p| format!("{} ({})", p.name, p.reference)),
        reporter => found.view.reporter.as_ref().map(|p| format!("{} ({})", p.name, p.reference)),
        anonymous => c.source == CaseSource::Anonymous,
        source => source_words(c.source),
        handlers => found.view.handler_names.join(", "),
        clause => citation(c),
        state => c.state.words(),
        open => c.state != CaseState::Closed,
        escalated => c.state == CaseState::Escalated,
        escalated_to => c.escalated_to.as_ref().map(|o| office_words(pack, o)),
        escalated_at => c.escalated_at.map(moment),
        outcome => c.outcome.map(outcome_words),
        outcome_clause => c.outcome_clause.as_ref().map(|clause| Citation {
            clause: clause.clone(),
            document: c.document.clone(),
        }.to_string()),
        outcome_note => c.outcome_note.clone(),
        raised => moment(c.created_at),
        closed => c.closed_at.map(moment),
    };
    let title = format!("Case {id}");
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut page = office_page(&title, signed, "cases");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let may_restore = withdrawn && signed.principal.case_handler(c).is_ok();
    let html = state.pages.render(
        "pages/case.html",
        &page,
        context! {
            case,
            notes => Serde(&notes),
            escalation,
            outcomes => Serde(&outcomes),
            with_item,
            may_handle => found.may_handle,
            may_restore,
            withdrawn,
            done,
            forms => Serde(forms),
            field_errors,
            csrf_token => &signed.session.csrf_token,
        },
    )?;
    Ok((status, Html(html)).into_response())
}

pub async fn detail(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let id = record_id(&id)?;
    render(
        &state,
        &signed,
        id,
        done.done.as_deref(),
        &CaseForms::default(),
        Vec::new(),
    )
    .await
}

/// One change to a case.
enum Action {
    Note(String),
    Escalate(String),
    Close(Outcome, OutcomeDetails),
    Restore,
}

impl Action {
    fn names(&self) -> (&'static str, &'static [&'static str], &'static str) {
        match self {
            Action::Note(_) => ("noted", &["note"], "note"),
            Action::Escalate(_) => ("escalated", &["reason"], "reason"),
            Action::Close(..) => (
                "closed",
                &["outcome", "outcome_note", "equipment"],
                "outcome",
            ),
            Action::Restore => ("restored", &[], "restore"),
        }
    }

    async fn run(
        self,
        tx: &mut steward_store::StoreTx,
        signed: &SignedIn,
        id: i64,
    ) -> DomainResult<()> {
        let ctx = signed.ctx();
        let (c, p) = (&signed.council, &signed.principal);
        match self {
            Action::Note(text) => cases::note(tx, &ctx, c, p, id, &text).await.map(drop),
            Action::Escalate(reason) => {
                cases::escalate(tx, &ctx, c, p, id, &reason).await.map(drop)
            }
            Action::Close(outcome, details) => cases::close(tx, &ctx, c, p, id, outcome, details)
                .await
                .map(drop),
            Action::Restore => cases::restore_access(tx, &ctx, c, p, id).await.map(drop),
        }
    }
}

/// The domain calls the reasons for an outcome its `note`; the close form calls them
/// `outcome_note`, apart from the note form's field.
fn close_fields(e: DomainError) -> DomainError {
    match e {
        DomainError::Invalid { field, message } if field == "note" => DomainError::Invalid {
            field: "outcome_note".into(),
            message,
        },
        other => other,
    }
}

async fn act(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    form: &CaseForms,
    action: Action,
) -> Result<Response, WebError> {
    let (done, fields, fallback) = action.names();
    let closing = matches!(action, Action::Close(..));
    let mut tx = state.store.begin().await?;
    match action.run(&mut tx, signed, id).await {
        Ok(()) => {
            tx.commit().await?;
            let to = format!("{}/cases/{id}?done={done}", base(signed));
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) if hidden(&e) => Err(WebError::not_found()),
        Err(e) => {
            drop(tx);
            let e = if closing { close_fields(e) } else { e };
            let errors = form_errors(e, fields, fallback)?;
            render(state, signed, id, None, form, errors).await
        }
    }
}

pub async fn note(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<CaseForms>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let id = record_id(&id)?;
    if form.note.trim().is_empty() {
        let errors = vec![error("note", "Enter the note")];
        return render(&state, &signed, id, None, &form, errors).await;
    }
    let action = Action::Note(form.note.clone());
    act(&state, &signed, id, &form, action).await
}

pub async fn escalate(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<CaseForms>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let id = record_id(&id)?;
    if form.reason.trim().is_empty() {
        let errors = vec![error(
            "reason",
            "Enter why the case is serious enough to go on",
        )];
        return render(&state, &signed, id, None, &form, errors).await;
    }
    let action = Action::Escalate(form.reason.clone());
    act(&state, &signed, id, &form, action).await
}

pub async fn close(
    State(state): State<AppState>,
    Reading { signed, mut tx }: Reading,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<CaseForms>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let id = record_id(&id)?;
    let mut errors = Vec::new();
    let outcome: Option<Outcome> =
        serde_json::from_value(serde_json::Value::String(form.outcome.clone())).ok();
    if outcome.is_none() {
        errors.push(error("outcome", "Choose the outcome"));
    }
    if form.outcome_note.trim().is_empty() {
        errors.push(error("outcome_note", "Enter the reasons for the outcome"));
    }
    let equipment: Option<AssetTag> = if form.equipment.trim().is_empty() {
        None
    } else {
        let found = crate::back_office::picked_item(
            &mut tx,
            &signed,
            "equipment",
            &form.equipment,
            &mut errors,
        )
        .await?;
        found.map(|e| e.asset_tag)
    };
    let (Some(outcome), true) = (outcome, errors.is_empty()) else {
        return render(&state, &signed, id, None, &form, errors).await;
    };
    let details = OutcomeDetails {
        note: form.outcome_note.clone(),
        equipment,
    };
    act(&state, &signed, id, &form, Action::Close(outcome, details)).await
}

pub async fn restore(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<CaseForms>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let id = record_id(&id)?;
    act(&state, &signed, id, &form, Action::Restore).await
}
