//! Signatures: who has and has not signed the policy in force, and recording a paper form.

use super::{base, error, form_errors, may_change, office_page, picked_person, required_date};
use crate::listing::{EXPORT_BATCH, ListQuery, Listing, Row, column, csv_of_all, plain_column};
use crate::pages::{FieldError, by_field};
use crate::session::Reading;
use crate::session::{CsrfForm, SignedIn, safe_next};
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::listing::Window;
use steward_domain::ops::acceptance::list::{SignatureFilter, SignatureQuery};
use steward_domain::ops::acceptance::{self, PersonAcceptance, Signature};
use steward_domain::ops::acceptance_form;
use steward_domain::ops::policy;
use steward_domain::{DomainError, Person, PersonRef, RegisterTx};
use steward_policy::decide::AcceptanceStatus;
use steward_policy::long_date;
use steward_store::StoreTx;

const COLUMNS: &[crate::listing::Column] = &[
    column("reference", "Reference"),
    column("name", "Name"),
    column("kind", "Kind"),
    plain_column("status", "Signature"),
    plain_column("signed", "Signed on"),
    plain_column("clause", "Policy clause"),
];

#[derive(Deserialize)]
pub struct SignatureParams {
    #[serde(default)]
    recorded: Option<String>,
    /// `outstanding` for those who still need to sign.
    #[serde(default)]
    show: Option<String>,
    #[serde(flatten)]
    list: ListQuery,
}

/// The status in words, the date signed and the clause.
fn status_cells(status: &AcceptanceStatus) -> (&'static str, String, String) {
    match status {
        AcceptanceStatus::Missing { citation } => {
            ("Not signed", String::new(), citation.to_string())
        }
        AcceptanceStatus::Lapsed { citation, .. } => {
            ("No longer counts", String::new(), citation.to_string())
        }
        AcceptanceStatus::Current {
            signed_on,
            citation,
            ..
        } => ("Signed", long_date(*signed_on), citation.to_string()),
        AcceptanceStatus::NotRequired => ("Not required", String::new(), String::new()),
    }
}

fn row(b: &str, p: &PersonAcceptance) -> Row {
    let (words, signed_on, clause) = status_cells(&p.status);
    Row::new(vec![
        p.person.reference.to_string(),
        p.person.name.clone(),
        p.person.kind.as_str().replace('_', " "),
        words.to_string(),
        signed_on,
        clause,
    ])
    .link(format!("{b}/people/{}", p.person.reference))
}

pub async fn list(
    State(state): State<AppState>,
    Reading {
        signed,
        tx: page_tx,
    }: Reading,
    Query(params): Query<SignatureParams>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let outstanding = params.show.as_deref() == Some("outstanding");
    let query: SignatureQuery = params.list.to_query(SignatureFilter { outstanding });
    let (b, council, today) = (base(&signed), &signed.council, signed.today);
    if params.list.wants_csv() {
        // The export reads in batches of its own.
        drop(page_tx);
        return csv_of_all("signatures", COLUMNS, |cursor| {
            let mut batch = query.clone();
            batch.window = Window::at(EXPORT_BATCH, cursor);
            let (state, b) = (state.clone(), b.clone());
            async move {
                let mut tx = state.store.read().await?;
                let page =
                    acceptance::list::list_kept(&mut tx, &state.counts, council, &batch, today)
                        .await?;
                Ok(page.map(|p| row(&b, &p)))
            }
        })
        .await;
    }
    let mut tx = page_tx;
    let Some(active) = policy::in_force(&mut tx, council, today).await? else {
        drop(tx);
        return render(&state, &signed, &params, None, None, 0).await;
    };
    // How many still need to sign, whatever the search: the kept count of the outstanding list.
    let (page, waiting) =
        acceptance::list::page_kept(&mut tx, &state.counts, council, &active, &query, today)
            .await?;
    drop(tx);
    let action = format!("{b}/signatures");
    let listing = Listing::paged(
        &action,
        &[("show", if outstanding { "outstanding" } else { "" })],
        COLUMNS,
        query.sort.as_str(),
        &params.list,
        page.map(|p| row(&b, &p)),
    );
    let title = format!(
        "{} (version {})",
        active.version.title, active.version.number
    );
    render(
        &state,
        &signed,
        &params,
        Some(listing),
        Some(title),
        waiting,
    )
    .await
}

async fn render(
    state: &AppState,
    signed: &SignedIn,
    params: &SignatureParams,
    listing: Option<Listing>,
    policy_title: Option<String>,
    outstanding: u64,
) -> Result<Response, WebError> {
    let page = office_page("Signatures", signed, "signatures");
    let html = state.pages.render(
        "pages/office_signatures.html",
        &page,
        context! {
            list => listing.as_ref().map(Serde),
            action => format!("{}/signatures", base(signed)),
            policy => policy_title,
            outstanding,
            show => if params.show.as_deref() == Some("outstanding") { "outstanding" } else { "" },
            recorded => &params.recorded,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok(Html(html).into_response())
}

#[derive(Default, Deserialize, Serialize)]
pub struct PaperForm {
    #[serde(default)]
    person: String,
    #[serde(default)]
    signed_on: String,
    /// The form reference printed on the form, checked against the person and version.
    #[serde(default)]
    form_reference: String,
    /// A page of this council to go back to once it is recorded (the issue form it was a
    /// remedy for).
    #[serde(default)]
    then: String,
}

/// The person the signed-in account is linked to, who records the form.
async fn recorder(tx: &mut StoreTx, signed: &SignedIn) -> Result<Option<Person>, WebError> {
    match signed.principal.user.person_id {
        Some(id) => Ok(tx
            .person(signed.principal.user.council_id, id)
            .await
            .map_err(DomainError::from)?
            .filter(|p| p.council_id == signed.council.id)),
        None => Ok(None),
    }
}

async fn render_paper(
    state: &AppState,
    signed: &SignedIn,
    form: &PaperForm,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let mut tx = state.store.begin().await?;
    let me = recorder(&mut tx, signed).await?;
    drop(tx);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut page = office_page("Record a paper form", signed, "signatures");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/office_paper.html",
        &page,
        context! {
            form => Serde(form),
            field_errors,
            recorder => me.map(|p| format!("{} ({})", p.name, p.reference)),
            people_source => format!("{}/pick/people", base(signed)),
            then => safe_next(&signed.council, &form.then),
            csrf_token => &signed.session.csrf_token,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok((status, Html(html)).into_response())
}

#[derive(Deserialize)]
pub struct PaperPrefill {
    #[serde(default)]
    person: Option<String>,
    #[serde(default)]
    then: Option<String>,
}

pub async fn paper_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(prefill): Query<PaperPrefill>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let form = PaperForm {
        person: prefill.person.unwrap_or_default(),
        signed_on: String::new(),
        form_reference: String::new(),
        then: prefill.then.unwrap_or_default(),
    };
    render_paper(&state, &signed, &form, Vec::new()).await
}

pub async fn record_paper(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<PaperForm>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let mut errors = Vec::new();
    let signed_on = required_date(
        &mut errors,
        "signed_on",
        &form.signed_on,
        "the date the form was signed",
    );
    let mut tx = state.store.begin().await?;
    let person: Option<PersonRef> =
        picked_person(&mut tx, &signed, "person", &form.person, &mut errors)
            .await?
            .map(|p| p.reference);
    let me = recorder(&mut tx, &signed).await?;
    if me.is_none() {
        errors.push(error(
            "person",
            "Your account is not linked to a person in the register, so the form cannot be \
             recorded in your name; ask an administrator to link it",
        ));
    }
    let (Some(person), Some(signed_on), Some(me), true) =
        (person, signed_on, me, errors.is_empty())
    else {
        drop(tx);
        return render_paper(&state, &signed, &form, errors).await;
    };
    let done = if form.form_reference.trim().is_empty() {
        acceptance::sign(
            &mut tx,
            &signed.ctx(),
            &signed.council,
            &person,
            Signature::Paper {
                signed_on,
                recorded_by: me.reference,
            },
        )
        .await
    } else {
        acceptance_form::record_returned(
            &mut tx,
            &signed.ctx(),
            &signed.council,
            &form.form_reference,
            Some(&person),
            signed_on,
            me.reference,
        )
        .await
    };
    match done {
        Ok(_) => {
            tx.commit().await?;
            let to = safe_next(&signed.council, &form.then).unwrap_or_else(|| {
                format!(
                    "{}/signatures?recorded={}",
                    base(&signed),
                    crate::listing::encode(person.as_str())
                )
            });
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            drop(tx);
            let errors = match e {
                // The returned form's reference is what the command calls `reference`.
                DomainError::Invalid { field, message } if field == "reference" => {
                    vec![error("form_reference", crate::pages::sentence(&message))]
                }
                e => form_errors(e, &["person", "signed_on"], "person")?,
            };
            render_paper(&state, &signed, &form, errors).await
        }
    }
}
