//! A person's offices: giving one under the policy in force, and ending one. Both go through
//! `ops::people`, which checks the office against the pack and audits the change.

use super::people::{office_choices, office_field};
use super::{base, error, form_errors, may_change, office_page, optional_date};
use crate::pages::{FieldError, by_field};
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::ops::people;
use steward_domain::{DomainError, PersonRef};
use steward_policy::{OfficeId, long_date};

#[derive(Serialize)]
struct Held {
    office: String,
    name: String,
    from: String,
}

#[derive(Deserialize, Default, Serialize)]
pub struct GiveForm {
    #[serde(default)]
    office: String,
    #[serde(default)]
    from: String,
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

fn reference_of(text: &str) -> Result<PersonRef, WebError> {
    text.parse().map_err(|_| WebError::not_found())
}

async fn render(
    state: &AppState,
    signed: &SignedIn,
    reference: &PersonRef,
    form: &GiveForm,
    done: Option<&str>,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let mut tx = state.store.read().await?;
    let found = people::detail(&mut tx, &signed.council, reference).await?;
    let choices = office_choices(&mut tx, signed).await?;
    drop(tx);
    let name_of = |id: &OfficeId| {
        choices
            .iter()
            .find(|c| c.value == id.as_str())
            .map(|c| c.text.clone())
            .unwrap_or_else(|| id.as_str().replace('_', " "))
    };
    let held: Vec<Held> = found
        .offices
        .iter()
        .filter(|o| o.ends.is_none_or(|e| e >= signed.today))
        .map(|o| Held {
            office: o.office.to_string(),
            name: name_of(&o.office),
            from: long_date(o.starts),
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let title = format!("Offices of {}", found.person.name);
    let mut page = office_page(&title, signed, "people");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/office_offices.html",
        &page,
        context! {
            reference => reference.to_string(),
            name => &found.person.name,
            held => Serde(&held),
            choices => Serde(&choices),
            form => Serde(form),
            done,
            field_errors,
            csrf_token => &signed.session.csrf_token,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok((status, Html(html)).into_response())
}

/// The offices a person holds, with forms to give another or end one.
pub async fn page(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, reference)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let reference = reference_of(&reference)?;
    let done = done.done.as_deref();
    render(
        &state,
        &signed,
        &reference,
        &GiveForm::default(),
        done,
        Vec::new(),
    )
    .await
}

fn back(signed: &SignedIn, reference: &PersonRef, done: &str) -> Response {
    let to = format!("{}/people/{reference}/offices?done={done}", base(signed));
    Redirect::to(&to).into_response()
}

pub async fn give(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, reference)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<GiveForm>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let reference = reference_of(&reference)?;
    let mut errors = Vec::new();
    let office = form.office.trim();
    if !OfficeId::is_well_formed(office) {
        errors.push(error("offices", "Choose the office to give them"));
    }
    let from = optional_date(&mut errors, "from", &form.from, "the day they take it up")
        .unwrap_or(signed.today);
    if !errors.is_empty() {
        return render(&state, &signed, &reference, &form, None, errors).await;
    }
    let office = OfficeId(office.to_string());
    let mut tx = state.store.begin().await?;
    match people::assign_office(
        &mut tx,
        &signed.ctx(),
        &signed.council,
        &reference,
        &office,
        from,
    )
    .await
    {
        Ok(_) => {
            tx.commit().await?;
            Ok(back(&signed, &reference, "given"))
        }
        Err(e @ DomainError::NotFound { what: "person", .. }) => Err(e.into()),
        Err(e) => {
            drop(tx);
            let errors = form_errors(office_field(e), &["offices", "from"], "offices")?;
            render(&state, &signed, &reference, &form, None, errors).await
        }
    }
}

#[derive(Deserialize)]
pub struct EndForm {
    #[serde(default)]
    on: String,
}

pub async fn end(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, reference, office)): Path<(String, String, String)>,
    CsrfForm(form): CsrfForm<EndForm>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let reference = reference_of(&reference)?;
    if !OfficeId::is_well_formed(&office) {
        return Err(WebError::not_found());
    }
    let office = OfficeId(office);
    let mut errors = Vec::new();
    let on =
        optional_date(&mut errors, "end_on", &form.on, "the day it ends").unwrap_or(signed.today);
    if !errors.is_empty() {
        return render(
            &state,
            &signed,
            &reference,
            &GiveForm::default(),
            None,
            errors,
        )
        .await;
    }
    let mut tx = state.store.begin().await?;
    match people::end_office(
        &mut tx,
        &signed.ctx(),
        &signed.council,
        &reference,
        &office,
        on,
    )
    .await
    {
        Ok(_) => {
            tx.commit().await?;
            Ok(back(&signed, &reference, "ended"))
        }
        Err(e @ DomainError::NotFound { .. }) => Err(e.into()),
        Err(e) => {
            drop(tx);
            let errors = form_errors(e, &["end_on"], "end_on")?;
            render(
                &state,
                &signed,
                &reference,
                &GiveForm::default(),
                None,
                errors,
            )
            .await
        }
    }
}
