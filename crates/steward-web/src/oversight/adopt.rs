//! Adopting a new policy version (administrators): choose a preset or paste a pack, see in
//! plain words what changes and who must sign again, then adopt it.

use super::at;
use super::policy::{PACK_FIELD, check_text, field_message, problem_errors};
use crate::pages::{FieldError, Page, sentence};
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::DomainError;
use steward_domain::ops::policy::{self, AdoptionPreview};
use steward_policy::{LoadedPack, long_date, presets};

#[derive(Serialize)]
struct PresetOption {
    id: &'static str,
    name: &'static str,
}

#[derive(Deserialize, Default)]
pub struct AdoptForm {
    #[serde(default)]
    preset: String,
    #[serde(default)]
    pack_toml: String,
    #[serde(default)]
    effective: String,
    /// Set by the check-the-changes page's button: adopt now rather than show the changes.
    #[serde(default)]
    confirm: String,
}

fn render_adopt(
    state: &AppState,
    signed: &SignedIn,
    errors: Vec<FieldError>,
    form: &AdoptForm,
) -> Result<Html<String>, WebError> {
    let mut page = Page::new("Adopt a new policy version")
        .council(&signed.council)
        .viewer(signed)
        .nav("oversight-policy");
    let field_errors = context! {
        preset => field_message(&errors, "preset"),
        pack_toml => field_message(&errors, PACK_FIELD),
        effective => field_message(&errors, "effective"),
    };
    page.errors = errors;
    let options: Vec<PresetOption> = presets::all()
        .iter()
        .map(|p| PresetOption {
            id: p.id,
            name: p.name,
        })
        .collect();
    Ok(Html(state.pages.render(
        "pages/oversight_adopt.html",
        &page,
        context! {
            presets => Serde(&options),
            preset => &form.preset,
            pack_toml => &form.pack_toml,
            effective => &form.effective,
            field_errors,
            csrf_token => &signed.session.csrf_token,
        },
    )?))
}

pub async fn adopt_page(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, WebError> {
    signed.principal.admin()?;
    let form = AdoptForm {
        effective: signed.today.format("%d/%m/%Y").to_string(),
        ..AdoptForm::default()
    };
    render_adopt(&state, &signed, Vec::new(), &form)
}

/// The pack the form chose, or what is wrong with the choice.
fn chosen_pack(form: &AdoptForm) -> Result<LoadedPack, Vec<FieldError>> {
    let preset = form.preset.trim();
    let pasted = !form.pack_toml.trim().is_empty();
    let one = |field, message: &str| {
        vec![FieldError {
            field,
            message: message.into(),
        }]
    };
    match (preset.is_empty(), pasted) {
        (true, false) => Err(one(
            "preset",
            "Choose a preset or paste the policy pack's TOML text",
        )),
        (false, true) => Err(one(
            "preset",
            "Choose a preset or paste TOML text, not both",
        )),
        (false, false) => match presets::find(preset) {
            Some(found) => presets::load(found).map_err(|e| problem_errors("preset", &e, None)),
            None => Err(one("preset", "Choose one of the presets listed")),
        },
        (true, true) => check_text(&form.pack_toml)
            .map_err(|e| problem_errors(PACK_FIELD, &e, Some(&form.pack_toml))),
    }
}

/// The effective date the form gives, or what is wrong with it.
fn effective_date(form: &AdoptForm) -> Result<NaiveDate, FieldError> {
    let problem = |message: &str| FieldError {
        field: "effective",
        message: message.into(),
    };
    match form.effective.trim() {
        "" => Err(problem("Enter the date the version takes effect")),
        text => steward_domain::import::parse_date(text)
            .map_err(|_| problem("Enter the date as day/month/year, for example 01/06/2027")),
    }
}

/// Checks the form; on a good pack and date, shows what would change (or, confirmed from that
/// page, adopts the pack as the council's next version from the effective date).
pub async fn adopt(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<AdoptForm>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let effective = effective_date(&form);
    let loaded = chosen_pack(&form);
    let (loaded, effective) = match (loaded, effective) {
        (Ok(loaded), Ok(effective)) => (loaded, effective),
        (loaded, effective) => {
            let mut errors = loaded.err().unwrap_or_default();
            errors.extend(effective.err());
            let html = render_adopt(&state, &signed, errors, &form)?;
            return Ok((StatusCode::BAD_REQUEST, html).into_response());
        }
    };
    if form.confirm != "yes" {
        let mut tx = state.store.read().await?;
        let preview =
            policy::preview_adoption(&mut tx, &signed.council, &loaded, effective).await?;
        drop(tx);
        return Ok(render_check(&state, &signed, &form, &preview)?.into_response());
    }
    let mut tx = state.store.begin().await?;
    let done = policy::adopt(&mut tx, &signed.ctx(), &signed.council, &loaded, effective).await;
    let error = match done {
        Ok(version) => {
            tx.commit().await?;
            let to = at(
                &signed.council,
                &format!("/policy/versions?adopted={}", version.number),
            );
            return Ok(Redirect::to(&to).into_response());
        }
        Err(DomainError::Invalid { field, message }) => FieldError {
            field: if field == "effective_from" {
                "effective"
            } else {
                "preset"
            },
            message: sentence(&message),
        },
        Err(DomainError::Conflict { message, .. }) => FieldError {
            field: if form.preset.trim().is_empty() {
                PACK_FIELD
            } else {
                "preset"
            },
            message: sentence(&message),
        },
        Err(e) => return Err(e.into()),
    };
    let html = render_adopt(&state, &signed, vec![error], &form)?;
    Ok((StatusCode::BAD_REQUEST, html).into_response())
}

#[derive(Serialize)]
struct ChangeRow {
    topic: String,
    what: &'static str,
    before: Option<String>,
    after: Option<String>,
    clause: String,
}

/// "Check the changes before adopting": the version, when it takes effect, what it replaces,
/// each rule that changes in words, and who must sign again; a button to adopt it.
fn render_check(
    state: &AppState,
    signed: &SignedIn,
    form: &AdoptForm,
    preview: &AdoptionPreview,
) -> Result<Html<String>, WebError> {
    let page = Page::new("Check the changes before adopting")
        .council(&signed.council)
        .viewer(signed)
        .nav("oversight-policy");
    let changes: Vec<ChangeRow> = preview
        .changes
        .iter()
        .map(|c| ChangeRow {
            topic: c.topic.clone(),
            what: c.kind.words(),
            before: c.before.clone(),
            after: c.after.clone(),
            clause: match &c.before_clause {
                Some(was) => format!("{} (was {was})", c.clause),
                None => c.clause.clone(),
            },
        })
        .collect();
    let replaces = preview
        .replaces
        .as_ref()
        .map(|v| format!("{}, version {} ({})", v.title, v.number, v.label));
    Ok(Html(state.pages.render(
        "pages/oversight_adopt_check.html",
        &page,
        context! {
            title => &preview.title,
            label => &preview.label,
            effective => long_date(preview.effective_from),
            replaces,
            changes => Serde(&changes),
            must_sign => preview.must_sign,
            preset => &form.preset,
            pack_toml => &form.pack_toml,
            effective_field => &form.effective,
            csrf_token => &signed.session.csrf_token,
        },
    )?))
}
