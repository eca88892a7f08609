//! The officer back office: people, equipment, loans and signatures.
//!
//! Every page needs `reader()` to look and `officer()` to change anything; each change runs
//! one domain command in one transaction, which writes its own audit record naming the
//! signed-in username.

mod compliance;
mod corrections;
mod equipment;
mod import;
mod loans;
mod offices;
mod people;
mod phones;
mod posture_upload;
mod signatures;

pub use phones::pages as phone_pages;

use crate::WebError;
use crate::pages::{FieldError, Page, sentence};
use crate::routes::{Need, PageRoute, page};
use crate::session::SignedIn;
use axum::http::Method;
use axum::routing::{get, post};
use chrono::NaiveDate;
use steward_domain::DomainError;
use steward_domain::auth::Principal;

/// The back office's pages, for the route table.
pub fn pages() -> Vec<PageRoute> {
    use Need::*;
    vec![
        page(
            Method::GET,
            "/councils/{slug}/people",
            Reader,
            get(people::list),
        ),
        page(
            Method::GET,
            "/councils/{slug}/people/new",
            Reader,
            get(people::new_form),
        ),
        page(
            Method::POST,
            "/councils/{slug}/people/new",
            Officer,
            post(people::add),
        ),
        page(
            Method::GET,
            "/councils/{slug}/people/{reference}",
            Reader,
            get(people::detail),
        ),
        page(
            Method::GET,
            "/councils/{slug}/people/{reference}/offices",
            Reader,
            get(offices::page),
        ),
        page(
            Method::POST,
            "/councils/{slug}/people/{reference}/offices",
            Officer,
            post(offices::give),
        ),
        page(
            Method::POST,
            "/councils/{slug}/people/{reference}/offices/{office}/end",
            Officer,
            post(offices::end),
        ),
        page(
            Method::GET,
            "/councils/{slug}/equipment",
            Reader,
            get(equipment::list),
        ),
        page(
            Method::GET,
            "/councils/{slug}/compliance",
            Reader,
            get(compliance::page),
        ),
        page(
            Method::GET,
            "/councils/{slug}/compliance/upload",
            Reader,
            get(posture_upload::form),
        ),
        page(
            Method::POST,
            "/councils/{slug}/compliance/upload",
            Officer,
            post(posture_upload::post).layer(posture_upload::body_limit()),
        ),
        page(
            Method::GET,
            "/councils/{slug}/equipment/new",
            Reader,
            get(equipment::new_form),
        ),
        page(
            Method::POST,
            "/councils/{slug}/equipment/new",
            Officer,
            post(equipment::add),
        ),
        page(
            Method::GET,
            "/councils/{slug}/equipment/{tag}",
            Reader,
            get(equipment::detail),
        ),
        page(
            Method::POST,
            "/councils/{slug}/equipment/{tag}/pat-test",
            Officer,
            post(equipment::pat_test),
        ),
        page(
            Method::POST,
            "/councils/{slug}/equipment/{tag}/state",
            Officer,
            post(equipment::change_state),
        ),
        page(
            Method::GET,
            "/councils/{slug}/people/{reference}/edit",
            Reader,
            get(corrections::person_form),
        ),
        page(
            Method::POST,
            "/councils/{slug}/people/{reference}/edit",
            Officer,
            post(corrections::person_save),
        ),
        page(
            Method::GET,
            "/councils/{slug}/people/{reference}/terms/new",
            Reader,
            get(corrections::term_form),
        ),
        page(
            Method::POST,
            "/councils/{slug}/people/{reference}/terms/new",
            Officer,
            post(corrections::term_add),
        ),
        page(
            Method::GET,
            "/councils/{slug}/equipment/{tag}/edit",
            Reader,
            get(corrections::item_form),
        ),
        page(
            Method::POST,
            "/councils/{slug}/equipment/{tag}/edit",
            Officer,
            post(corrections::item_save),
        ),
        page(
            Method::GET,
            "/councils/{slug}/people/import",
            Reader,
            get(import::people_form),
        ),
        page(
            Method::POST,
            "/councils/{slug}/people/import",
            Officer,
            post(import::people_post).layer(import::body_limit()),
        ),
        page(
            Method::GET,
            "/councils/{slug}/equipment/import",
            Reader,
            get(import::equipment_form),
        ),
        page(
            Method::POST,
            "/councils/{slug}/equipment/import",
            Officer,
            post(import::equipment_post).layer(import::body_limit()),
        ),
        page(
            Method::GET,
            "/councils/{slug}/loans",
            Reader,
            get(loans::list),
        ),
        page(
            Method::GET,
            "/councils/{slug}/loans/issue",
            Reader,
            get(loans::issue_form),
        ),
        page(
            Method::POST,
            "/councils/{slug}/loans/issue",
            Officer,
            post(loans::issue),
        ),
        page(
            Method::GET,
            "/councils/{slug}/loans/{id}",
            Reader,
            get(loans::detail),
        ),
        page(
            Method::POST,
            "/councils/{slug}/loans/{id}/return",
            Officer,
            post(loans::return_loan),
        ),
        page(
            Method::POST,
            "/councils/{slug}/loans/{id}/recall",
            Officer,
            post(loans::recall),
        ),
        page(
            Method::POST,
            "/councils/{slug}/loans/{id}/extend",
            Officer,
            post(loans::extend),
        ),
        page(
            Method::GET,
            "/councils/{slug}/signatures",
            Reader,
            get(signatures::list),
        ),
        page(
            Method::GET,
            "/councils/{slug}/signatures/paper",
            Reader,
            get(signatures::paper_form),
        ),
        page(
            Method::POST,
            "/councils/{slug}/signatures/paper",
            Officer,
            post(signatures::record_paper),
        ),
    ]
}

/// The council's address prefix.
pub(crate) fn base(signed: &SignedIn) -> String {
    format!("/councils/{}", signed.council.slug)
}

/// A back-office page in the site's layout.
pub(crate) fn office_page<'a>(title: &'a str, signed: &'a SignedIn, nav: &'static str) -> Page<'a> {
    Page::new(title)
        .council(&signed.council)
        .viewer(signed)
        .nav(nav)
}

/// Whether the signed-in account may change the register: the forms are shown only then.
pub(crate) fn may_change(principal: &Principal) -> bool {
    principal.officer().is_ok()
}

pub(crate) fn error(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// A required date field: day/month/year or ISO.
pub(crate) fn required_date(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    text: &str,
    what: &str,
) -> Option<NaiveDate> {
    let text = text.trim();
    if text.is_empty() {
        errors.push(error(field, format!("Enter {what}")));
        return None;
    }
    optional_date(errors, field, text, what)
}

/// An optional date field; blank is none.
pub(crate) fn optional_date(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    text: &str,
    what: &str,
) -> Option<NaiveDate> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match steward_domain::import::parse_date(text) {
        Ok(day) => Some(day),
        Err(_) => {
            errors.push(error(
                field,
                format!("Enter {what} as day/month/year, for example 16/05/2027"),
            ));
            None
        }
    }
}

/// A value parsed from a required text field, or an error against that field.
pub(crate) fn parsed<T: std::str::FromStr>(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    text: &str,
    missing: &str,
) -> Option<T>
where
    T::Err: std::fmt::Display,
{
    let text = text.trim();
    if text.is_empty() {
        errors.push(error(field, missing));
        return None;
    }
    match text.parse() {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push(error(field, sentence(&e.to_string())));
            None
        }
    }
}

/// The person a form's field names (a name, a reference or a chosen "Name (REF)"), or none
/// with the reason against the field.
pub(crate) async fn picked_person<T: steward_domain::RegisterTx>(
    tx: &mut T,
    signed: &SignedIn,
    field: &'static str,
    text: &str,
    errors: &mut Vec<FieldError>,
) -> Result<Option<steward_domain::Person>, WebError> {
    match steward_domain::ops::pick::person(tx, &signed.council, field, text, signed.today).await {
        Ok(person) => Ok(Some(person)),
        Err(e) => {
            errors.extend(form_errors(e, &[field], field)?);
            Ok(None)
        }
    }
}

/// The item a form's field names (a tag, a serial, a model or a chosen label), or none with
/// the reason against the field.
pub(crate) async fn picked_item<T: steward_domain::RegisterTx>(
    tx: &mut T,
    signed: &SignedIn,
    field: &'static str,
    text: &str,
    errors: &mut Vec<FieldError>,
) -> Result<Option<steward_domain::Equipment>, WebError> {
    match steward_domain::ops::pick::item(tx, &signed.council, field, text).await {
        Ok(item) => Ok(Some(item)),
        Err(e) => {
            errors.extend(form_errors(e, &[field], field)?);
            Ok(None)
        }
    }
}

/// The pickers' suggestion addresses for a council's pages.
pub(crate) fn pick_sources(signed: &SignedIn) -> (String, String) {
    let b = base(signed);
    (format!("{b}/pick/people"), format!("{b}/pick/equipment"))
}

/// What a refused or invalid command means for the form: one error per refusal (with its
/// clause) or against the field it names. Anything else is the request's failure.
pub(crate) fn form_errors(
    e: DomainError,
    fields: &[&'static str],
    fallback: &'static str,
) -> Result<Vec<FieldError>, WebError> {
    let against = |field: &str| {
        fields
            .iter()
            .copied()
            .find(|f| *f == field)
            .unwrap_or(fallback)
    };
    Ok(match e {
        DomainError::Refused { refusals, .. } => refusals
            .iter()
            .map(|r| error(fallback, r.to_string()))
            .collect(),
        DomainError::Invalid { field, message } | DomainError::Conflict { field, message } => {
            vec![error(against(&field), sentence(&message))]
        }
        DomainError::NotFound { what, key } => vec![error(
            fallback,
            sentence(&format!("there is no {what} '{key}' in the register")),
        )],
        DomainError::NoPolicy { .. } => vec![error(
            fallback,
            "The council has no policy in force today, so nothing can be decided",
        )],
        other => return Err(other.into()),
    })
}

#[cfg(test)]
mod tests;
