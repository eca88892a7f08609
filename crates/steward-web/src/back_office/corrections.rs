//! Correcting the register: a person's details, a new term of office for them, and an item's
//! details. Each form is its own page reached from a "Change" link on the record's summary
//! list; officers and administrators post it, and the domain command checks it as adding the
//! record would and writes the change with its audit record.

use super::{base, error, form_errors, may_change, office_page, optional_date, required_date};
use crate::pages::{FieldError, by_field, sentence};
use crate::session::{CsrfForm, SignedIn, safe_next};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::ops::equipment::{self, EquipmentEdit};
use steward_domain::ops::people::{self, PersonEdit};
use steward_domain::{AssetTag, DomainError, Pence, PersonRef};
use steward_policy::{PersonKind, long_date};

fn reference(raw: &str) -> Result<PersonRef, WebError> {
    raw.parse().map_err(|_| WebError::not_found())
}

fn asset_tag(raw: &str) -> Result<AssetTag, WebError> {
    raw.parse().map_err(|_| WebError::not_found())
}

fn status_of(errors: &[FieldError]) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    }
}

#[derive(Serialize)]
struct Choice {
    value: &'static str,
    text: String,
}

fn kinds() -> Vec<Choice> {
    PersonKind::ALL
        .iter()
        .map(|k| Choice {
            value: k.as_str(),
            text: sentence(&k.as_str().replace('_', " "))
                .trim_end_matches('.')
                .to_string(),
        })
        .collect()
}

/// The person form's fields as typed.
#[derive(Default, Deserialize, Serialize)]
pub struct PersonForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    household: String,
}

async fn render_person(
    state: &AppState,
    signed: &SignedIn,
    reference: &PersonRef,
    form: Option<&PersonForm>,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let mut tx = state.store.read().await?;
    let person = people::find(&mut tx, &signed.council, reference).await?;
    drop(tx);
    let current = PersonForm {
        name: person.name.clone(),
        email: person.email.clone().unwrap_or_default(),
        kind: person.kind.as_str().to_string(),
        household: person.household.clone().unwrap_or_default(),
    };
    let title = format!("Change the details of {}", person.name);
    let mut page = office_page(&title, signed, "people");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/office_person_edit.html",
        &page,
        context! {
            heading => &title,
            reference => reference.to_string(),
            form => Serde(form.unwrap_or(&current)),
            kinds => Serde(&kinds()),
            field_errors,
            csrf_token => &signed.session.csrf_token,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok((status_of(&page.errors), Html(html)).into_response())
}

pub async fn person_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, raw)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let reference = reference(&raw)?;
    render_person(&state, &signed, &reference, None, Vec::new()).await
}

pub async fn person_save(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, raw)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<PersonForm>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let reference = reference(&raw)?;
    let mut errors = Vec::new();
    if form.name.trim().is_empty() {
        errors.push(error("name", "Enter the person's full name"));
    }
    let kind = super::parsed::<PersonKind>(
        &mut errors,
        "kind",
        &form.kind,
        "Choose what kind of person they are",
    );
    let (Some(kind), true) = (kind, errors.is_empty()) else {
        return render_person(&state, &signed, &reference, Some(&form), errors).await;
    };
    let change = PersonEdit {
        name: Some(form.name.clone()),
        email: Some(form.email.clone()),
        kind: Some(kind),
        household: Some(form.household.clone()),
    };
    let mut tx = state.store.begin().await?;
    match people::edit(&mut tx, &signed.ctx(), &signed.council, &reference, change).await {
        Ok(_) => {
            tx.commit().await?;
            let to = format!("{}/people/{reference}?done=changed", base(&signed));
            Ok(Redirect::to(&to).into_response())
        }
        Err(DomainError::NotFound { .. }) => Err(WebError::not_found()),
        Err(e) => {
            drop(tx);
            let fields = ["name", "email", "kind", "household"];
            let errors = form_errors(e, &fields, "name")?;
            render_person(&state, &signed, &reference, Some(&form), errors).await
        }
    }
}

/// The new term's fields as typed.
#[derive(Default, Deserialize, Serialize)]
pub struct TermForm {
    #[serde(default)]
    starts: String,
    #[serde(default)]
    ends: String,
    /// A page of this council to go back to once the term is added (the issue form it was a
    /// remedy for).
    #[serde(default)]
    then: String,
}

async fn render_term(
    state: &AppState,
    signed: &SignedIn,
    reference: &PersonRef,
    form: &TermForm,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let mut tx = state.store.read().await?;
    let found = people::detail(&mut tx, &signed.council, reference).await?;
    drop(tx);
    let terms: Vec<String> = found
        .terms
        .iter()
        .map(|t| match t.ends {
            Some(ends) => format!("From {} to {}", long_date(t.starts), long_date(ends)),
            None => format!("From {}, with no end date", long_date(t.starts)),
        })
        .collect();
    let title = format!("Add a term for {}", found.person.name);
    let mut page = office_page(&title, signed, "people");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/office_term_new.html",
        &page,
        context! {
            heading => &title,
            name => &found.person.name,
            reference => reference.to_string(),
            terms,
            form => Serde(form),
            then => safe_next(&signed.council, &form.then),
            field_errors,
            csrf_token => &signed.session.csrf_token,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok((status_of(&page.errors), Html(html)).into_response())
}

#[derive(Deserialize)]
pub struct TermPrefill {
    #[serde(default)]
    then: Option<String>,
}

pub async fn term_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, raw)): Path<(String, String)>,
    Query(prefill): Query<TermPrefill>,
) -> Result<Response, WebError> {
    let reference = reference(&raw)?;
    let form = TermForm {
        then: prefill.then.unwrap_or_default(),
        ..TermForm::default()
    };
    render_term(&state, &signed, &reference, &form, Vec::new()).await
}

pub async fn term_add(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, raw)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<TermForm>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let reference = reference(&raw)?;
    let mut errors = Vec::new();
    let starts = required_date(
        &mut errors,
        "starts",
        &form.starts,
        "the day the term starts",
    );
    let ends = optional_date(&mut errors, "ends", &form.ends, "the day the term ends");
    let (Some(starts), true) = (starts, errors.is_empty()) else {
        return render_term(&state, &signed, &reference, &form, errors).await;
    };
    let mut tx = state.store.begin().await?;
    let person = people::find(&mut tx, &signed.council, &reference).await?;
    match people::start_term(
        &mut tx,
        &signed.ctx(),
        &signed.council,
        &person,
        starts,
        ends,
    )
    .await
    {
        Ok(_) => {
            tx.commit().await?;
            let to = safe_next(&signed.council, &form.then)
                .unwrap_or_else(|| format!("{}/people/{reference}?done=term", base(&signed)));
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            drop(tx);
            // The register's names for this form's fields.
            let e = match e {
                DomainError::Invalid { field, message } if field == "term_start" => {
                    DomainError::invalid("starts", message)
                }
                DomainError::Invalid { field, message } if field == "term_end" => {
                    DomainError::invalid("ends", message)
                }
                other => other,
            };
            let errors = form_errors(e, &["starts", "ends"], "starts")?;
            render_term(&state, &signed, &reference, &form, errors).await
        }
    }
}

/// The item form's fields as typed.
#[derive(Default, Deserialize, Serialize)]
pub struct ItemForm {
    #[serde(default)]
    model: String,
    #[serde(default)]
    serial: String,
    #[serde(default)]
    cost: String,
    #[serde(default)]
    purchased_on: String,
}

async fn render_item(
    state: &AppState,
    signed: &SignedIn,
    tag: &AssetTag,
    form: Option<&ItemForm>,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let mut tx = state.store.read().await?;
    let item = equipment::find(&mut tx, &signed.council, tag).await?;
    drop(tx);
    let pounds = item.replacement_cost.0;
    let current = ItemForm {
        model: item.model.clone(),
        serial: item.serial.clone().unwrap_or_default(),
        cost: format!("{}.{:02}", pounds / 100, pounds % 100),
        purchased_on: item
            .purchased_on
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
    };
    let title = format!("Change the details of {tag}");
    let mut page = office_page(&title, signed, "equipment");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/office_item_edit.html",
        &page,
        context! {
            heading => &title,
            asset_tag => tag.to_string(),
            form => Serde(form.unwrap_or(&current)),
            field_errors,
            csrf_token => &signed.session.csrf_token,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok((status_of(&page.errors), Html(html)).into_response())
}

pub async fn item_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, raw)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let tag = asset_tag(&raw)?;
    render_item(&state, &signed, &tag, None, Vec::new()).await
}

pub async fn item_save(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, raw)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ItemForm>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let tag = asset_tag(&raw)?;
    let mut errors = Vec::new();
    if form.model.trim().is_empty() {
        errors.push(error("model", "Enter the make and model"));
    }
    let cost = if form.cost.trim().is_empty() {
        errors.push(error(
            "cost",
            "Enter the replacement cost, for example 650.00",
        ));
        None
    } else {
        match Pence::parse_pounds(form.cost.trim()) {
            Ok(p) => Some(p),
            Err(_) => {
                errors.push(error(
                    "cost",
                    "Enter the replacement cost in pounds, for example 650.00",
                ));
                None
            }
        }
    };
    let purchased_on = optional_date(
        &mut errors,
        "purchased_on",
        &form.purchased_on,
        "the day it was bought",
    );
    let (Some(cost), true) = (cost, errors.is_empty()) else {
        return render_item(&state, &signed, &tag, Some(&form), errors).await;
    };
    let change = EquipmentEdit {
        model: Some(form.model.clone()),
        serial: Some(form.serial.clone()),
        replacement_cost: Some(cost),
        purchased_on: Some(purchased_on),
    };
    let mut tx = state.store.begin().await?;
    match equipment::edit(&mut tx, &signed.ctx(), &signed.council, &tag, change).await {
        Ok(_) => {
            tx.commit().await?;
            let to = format!("{}/equipment/{tag}?done=changed", base(&signed));
            Ok(Redirect::to(&to).into_response())
        }
        Err(DomainError::NotFound { .. }) => Err(WebError::not_found()),
        Err(e) => {
            drop(tx);
            let e = match e {
                DomainError::Invalid { field, message } if field == "replacement_cost" => {
                    DomainError::invalid("cost", message)
                }
                other => other,
            };
            let fields = ["model", "serial", "cost", "purchased_on"];
            let errors = form_errors(e, &fields, "model")?;
            render_item(&state, &signed, &tag, Some(&form), errors).await
        }
    }
}
