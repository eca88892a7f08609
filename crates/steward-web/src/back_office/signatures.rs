//! Signatures: who has and has not signed the policy in force, and recording a paper form.

use super::{base, error, form_errors, may_change, office_page, parsed, required_date};
use crate::listing::{ListQuery, Listing, Row, column};
use crate::pages::{FieldError, by_field};
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::ops::acceptance::{self, Signature};
use steward_domain::ops::acceptance_form;
use steward_domain::ops::policy;
use steward_domain::{DomainError, Person, PersonRef, RegisterTx};
use steward_policy::decide::AcceptanceStatus;
use steward_policy::long_date;
use steward_store::StoreTx;

const COLUMNS: &[crate::listing::Column] = &[
    column("ref", "Reference"),
    column("name", "Name"),
    column("kind", "Kind"),
    column("status", "Signature"),
    column("signed", "Signed on"),
    column("clause", "Policy clause"),
];

#[derive(Deserialize)]
pub struct SignatureQuery {
    #[serde(default)]
    recorded: Option<String>,
    #[serde(flatten)]
    list: ListQuery,
}

/// The status in words, a sort key putting those who still need to sign first, the date
/// signed and the clause.
fn status_cells(status: &AcceptanceStatus) -> (&'static str, &'static str, String, String) {
    match status {
        AcceptanceStatus::Missing { citation } => {
            ("Not signed", "0", String::new(), citation.to_string())
        }
        AcceptanceStatus::Lapsed { citation, .. } => {
            ("No longer counts", "1", String::new(), citation.to_string())
        }
        AcceptanceStatus::Current {
            signed_on,
            citation,
            ..
        } => ("Signed", "2", signed_on.to_string(), citation.to_string()),
        AcceptanceStatus::NotRequired => ("Not required", "3", String::new(), String::new()),
    }
}

pub async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<SignatureQuery>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let mut tx = state.store.begin().await?;
    let b = base(&signed);
    let active = policy::in_force(&mut tx, &signed.council, signed.today).await?;
    let (register, policy_title) = match &active {
        Some(a) => (
            acceptance::register(&mut tx, &signed.council, signed.today).await?,
            Some(format!(
                "{} (version {})",
                a.version.title, a.version.number
            )),
        ),
        None => (Vec::new(), None),
    };
    let outstanding = register
        .iter()
        .filter(|p| {
            matches!(
                p.status,
                AcceptanceStatus::Missing { .. } | AcceptanceStatus::Lapsed { .. }
            )
        })
        .count();
    let rows = register
        .iter()
        .map(|p| {
            let (words, order, signed_on, clause) = status_cells(&p.status);
            let day = chrono::NaiveDate::parse_from_str(&signed_on, "%Y-%m-%d").ok();
            Row::new(vec![
                p.person.reference.to_string(),
                p.person.name.clone(),
                p.person.kind.as_str().replace('_', " "),
                words.to_string(),
                day.map(long_date).unwrap_or_default(),
                clause,
            ])
            .key(3, format!("{order}{}", p.person.name.to_lowercase()))
            .key(4, signed_on)
            .link(format!("{b}/people/{}", p.person.reference))
        })
        .collect();
    let action = format!("{b}/signatures");
    let listing = Listing::new(&action, &[], COLUMNS, "status", &query.list, rows);
    if query.list.wants_csv() {
        return listing.csv("signatures");
    }
    let page = office_page("Signatures", &signed, "signatures");
    let html = state.pages.render(
        "pages/office_signatures.html",
        &page,
        context! {
            list => Serde(&listing),
            action,
            policy => policy_title,
            outstanding,
            recorded => query.recorded,
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
}

/// The person the signed-in account is linked to, who records the form.
async fn recorder(tx: &mut StoreTx, signed: &SignedIn) -> Result<Option<Person>, WebError> {
    match signed.principal.user.person_id {
        Some(id) => Ok(tx
            .person(id)
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
    let person: Option<PersonRef> = parsed(
        &mut errors,
        "person",
        &form.person,
        "Enter the reference of the person who signed the form",
    );
    let signed_on = required_date(
        &mut errors,
        "signed_on",
        &form.signed_on,
        "the date the form was signed",
    );
    let mut tx = state.store.begin().await?;
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
            let to = format!(
                "{}/signatures?recorded={}",
                base(&signed),
                crate::listing::encode(person.as_str())
            );
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
