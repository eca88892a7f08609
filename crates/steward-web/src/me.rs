//! A member's own pages: the equipment they hold, and reading and signing the policy. Each
//! handler asks the principal for `member()` and reads only that person's records.

use crate::pages::{FieldError, Page, by_field, sentence};
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError, markdown};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::{Deserialize, Serialize};
use steward_domain::auth::MemberAccess;
use steward_domain::ops::acceptance::{self, Signature};
use steward_domain::ops::loans;
use steward_domain::ops::policy::{self, ActivePack};
use steward_domain::{DomainError, Person, RegisterTx};
use steward_policy::decide::AcceptanceStatus;
use steward_store::StoreTx;

async fn person(tx: &mut StoreTx, access: &MemberAccess) -> Result<Person, WebError> {
    tx.person(access.council_id, access.person_id)
        .await
        .map_err(DomainError::from)?
        .filter(|p| p.council_id == access.council_id)
        .ok_or_else(WebError::not_found)
}

#[derive(Serialize)]
struct LoanRow {
    asset_tag: String,
    kind: String,
    issued_on: chrono::NaiveDate,
    return_by: Option<chrono::NaiveDate>,
    clause: Option<String>,
}

/// An item whose loan ended because it was reported lost or stolen.
#[derive(Serialize)]
struct GoneRow {
    asset_tag: String,
    kind: String,
    state: &'static str,
    on: chrono::NaiveDate,
}

/// The person's signature against the policy in force, in words.
#[derive(Serialize)]
struct SignatureView {
    state: &'static str,
    signed_on: Option<chrono::NaiveDate>,
    until: Option<chrono::NaiveDate>,
    reason: Option<String>,
    clause: Option<String>,
}

fn signature_view(status: &AcceptanceStatus) -> SignatureView {
    let blank = SignatureView {
        state: "not_required",
        signed_on: None,
        until: None,
        reason: None,
        clause: None,
    };
    match status {
        AcceptanceStatus::NotRequired => blank,
        AcceptanceStatus::Current {
            signed_on,
            until,
            citation,
        } => SignatureView {
            state: "current",
            signed_on: Some(*signed_on),
            until: *until,
            clause: Some(citation.to_string()),
            ..blank
        },
        AcceptanceStatus::Lapsed { reason, citation } => SignatureView {
            state: "lapsed",
            reason: Some(sentence(reason)),
            clause: Some(citation.to_string()),
            ..blank
        },
        AcceptanceStatus::Missing { citation } => SignatureView {
            state: "missing",
            clause: Some(citation.to_string()),
            ..blank
        },
    }
}

/// "Your equipment": the person's open loans with the date each is due back and why.
pub async fn equipment(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, WebError> {
    let access = signed.principal.member()?;
    let mut tx = state.store.begin().await?;
    let me = person(&mut tx, &access).await?;
    let active = policy::in_force(&mut tx, &signed.council, signed.today).await?;
    let document = active
        .as_ref()
        .map(|a| a.pack.pack.title.clone())
        .unwrap_or_default();
    let mut rows = Vec::new();
    let mut gone = Vec::new();
    for loan in tx
        .loans_of_person(signed.council.id, me.id)
        .await
        .map_err(DomainError::from)?
    {
        if let (Some(state), Some(on)) = (loan.ended_as, loan.returned_on) {
            if let Some(item) = tx
                .equipment_by_id(signed.council.id, loan.equipment_id)
                .await
                .map_err(DomainError::from)?
            {
                gone.push(GoneRow {
                    asset_tag: item.asset_tag.to_string(),
                    kind: item.kind.to_string(),
                    state: state.as_str(),
                    on,
                });
            }
            continue;
        }
        if !loan.is_open() {
            continue;
        }
        let view = loans::view(&mut tx, &document, loan, signed.today).await?;
        rows.push(LoanRow {
            asset_tag: view.asset_tag.to_string(),
            kind: view.kind.to_string(),
            issued_on: view.loan.issued_on,
            return_by: view.return_by.as_ref().map(|d| d.date),
            clause: view.return_by.as_ref().map(|d| d.citation.to_string()),
        });
    }
    let signature = match &active {
        Some(active) => Some(signature_view(
            &acceptance::status_of(&mut tx, signed.council.id, active, me.id, signed.today).await?,
        )),
        None => None,
    };
    // Information requests the member was asked about and has not answered yet.
    let unanswered = steward_domain::ops::info::my_asks(&mut tx, &access, signed.today)
        .await?
        .iter()
        .filter(|a| a.answered_on.is_none() && !a.closed)
        .count();
    let page = Page::new("Your equipment")
        .council(&signed.council)
        .viewer(&signed)
        .nav("me");
    Ok(Html(state.pages.render(
        "pages/me.html",
        &page,
        context! {
            name => me.name,
            loans => Serde(&rows),
            gone => Serde(&gone),
            signature => signature.as_ref().map(Serde),
            unanswered,
        },
    )?))
}

/// What the policy page shows: the version in force and its text, if it asks for a signature.
fn policy_context(active: Option<&ActivePack>) -> Value {
    match active {
        Some(a) if a.pack.acceptance.is_some() => context! {
            policy => context! {
                title => &a.version.title,
                number => a.version.number,
                label => &a.version.label,
                form => a.pack.acceptance.as_ref().map(|x| x.form.clone()),
                text => Value::from_safe_string(markdown::to_html(&a.version.acceptance_text)),
            },
        },
        _ => context! {},
    }
}

async fn render_policy(
    state: &AppState,
    signed: &SignedIn,
    errors: Vec<FieldError>,
    typed_name: &str,
) -> Result<Html<String>, WebError> {
    let access = signed.principal.member()?;
    let mut tx = state.store.begin().await?;
    let me = person(&mut tx, &access).await?;
    let active = policy::in_force(&mut tx, &signed.council, signed.today).await?;
    let signature = match &active {
        Some(active) => Some(signature_view(
            &acceptance::status_of(&mut tx, signed.council.id, active, me.id, signed.today).await?,
        )),
        None => None,
    };
    let mut page = Page::new("Read and sign the policy")
        .council(&signed.council)
        .viewer(signed)
        .nav("policy");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    Ok(Html(state.pages.render(
        "pages/policy.html",
        &page,
        context! {
            ..policy_context(active.as_ref()),
            ..context! {
                typed_name,
                field_errors,
                signature => signature.as_ref().map(Serde),
                csrf_token => &signed.session.csrf_token,
            }
        },
    )?))
}

pub async fn policy_page(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, WebError> {
    render_policy(&state, &signed, Vec::new(), "").await
}

#[derive(Deserialize)]
pub struct SignForm {
    #[serde(default)]
    typed_name: String,
}

pub async fn sign_policy(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<SignForm>,
) -> Result<Response, WebError> {
    let access = signed.principal.member()?;
    let mut errors = Vec::new();
    if form.typed_name.trim().is_empty() {
        errors.push(FieldError {
            field: "typed_name",
            message: "Enter your full name to sign".into(),
        });
    } else {
        let mut tx = state.store.begin().await?;
        let me = person(&mut tx, &access).await?;
        let done = acceptance::sign(
            &mut tx,
            &signed.ctx(),
            &signed.council,
            &me.reference,
            Signature::Typed {
                name: form.typed_name.clone(),
            },
        )
        .await;
        match done {
            Ok(_) => {
                tx.commit().await?;
                let to = format!("/councils/{}/me/policy/signed", signed.council.slug);
                return Ok(Redirect::to(&to).into_response());
            }
            Err(DomainError::Invalid { message, .. }) => errors.push(FieldError {
                field: "typed_name",
                message: sentence(&message),
            }),
            Err(DomainError::NoPolicy { .. }) => errors.push(FieldError {
                field: "typed_name",
                message: "There is no policy in force to sign".into(),
            }),
            // The policy asks for no signature, or does not cover this person: its reasons,
            // with their clauses.
            Err(DomainError::Refused { refusals, .. }) => {
                errors.extend(refusals.iter().map(|r| FieldError {
                    field: "typed_name",
                    message: sentence(&r.to_string()),
                }))
            }
            Err(e) => return Err(e.into()),
        }
    }
    let html = render_policy(&state, &signed, errors, form.typed_name.trim()).await?;
    Ok((StatusCode::BAD_REQUEST, html).into_response())
}

/// The receipt for the person's latest signature.
pub async fn signed(State(state): State<AppState>, signed: SignedIn) -> Result<Response, WebError> {
    let access = signed.principal.member()?;
    let mut tx = state.store.begin().await?;
    let me = person(&mut tx, &access).await?;
    let latest = tx
        .acceptances(me.council_id, me.id)
        .await
        .map_err(DomainError::from)?
        .into_iter()
        .max_by_key(|a| (a.recorded_at, a.id));
    let Some(latest) = latest else {
        let to = format!("/councils/{}/me/policy", signed.council.slug);
        return Ok(Redirect::to(&to).into_response());
    };
    let version = policy::versions(&mut tx, &signed.council)
        .await?
        .into_iter()
        .find(|v| v.id == latest.pack_version_id)
        .ok_or_else(WebError::not_found)?;
    let page = Page::new("You have signed the policy")
        .council(&signed.council)
        .viewer(&signed)
        .nav("policy");
    let html = state.pages.render(
        "pages/signed.html",
        &page,
        context! {
            name => latest.typed_name.unwrap_or(me.name),
            signed_on => latest.signed_on.to_string(),
            title => version.title,
            number => version.number,
            label => version.label,
        },
    )?;
    Ok(Html(html).into_response())
}
