//! Equipment: the list, one item, adding an item, recording a PAT test and changing its state.

mod item;
mod list;

pub use list::list;

use super::{
    base, error, form_errors, may_change, office_page, optional_date, parsed, required_date,
};
use crate::pages::{FieldError, by_field, sentence};
use crate::session::{CsrfForm, SignedIn, safe_next};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use item::render_item;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::ops::equipment;
use steward_domain::repo::NewEquipment;
use steward_domain::{AssetTag, Pence};
use steward_policy::{EquipmentKind, EquipmentState};

pub(super) fn words(text: &str) -> String {
    text.replace('_', " ")
}

#[derive(Serialize)]
struct Choice {
    value: &'static str,
    text: String,
}

fn choice(value: &'static str) -> Choice {
    Choice {
        value,
        text: sentence(&words(value)).trim_end_matches('.').to_string(),
    }
}

/// The values the item page's forms show again after an error.
#[derive(Default, Deserialize, Serialize)]
pub struct ItemForms {
    #[serde(default)]
    tested_on: String,
    #[serde(default)]
    state: String,
    /// Set by the check-your-answers page's button: make the change now.
    #[serde(default)]
    confirm: String,
    /// A page of this council to go back to after the PAT test (the issue form it was a
    /// remedy for).
    #[serde(default)]
    then: String,
}

#[derive(Deserialize)]
pub struct ItemParams {
    #[serde(default)]
    done: Option<String>,
    /// The state chosen before, when coming back to change it.
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    then: Option<String>,
    /// Where the item's loans continue from.
    #[serde(default)]
    loans: Option<String>,
}

pub async fn detail(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, tag)): Path<(String, String)>,
    Query(params): Query<ItemParams>,
) -> Result<Response, WebError> {
    let forms = ItemForms {
        state: params.state.clone().unwrap_or_default(),
        then: params.then.clone().unwrap_or_default(),
        ..ItemForms::default()
    };
    // A cursor that does not read back starts the loans from the newest.
    let loans_from = params.loans.as_deref().and_then(|c| c.parse().ok());
    render_item(
        &state,
        &signed,
        &tag,
        params.done.as_deref(),
        loans_from,
        &forms,
        Vec::new(),
    )
    .await
}

fn back_to(signed: &SignedIn, tag: &AssetTag, done: &str) -> Response {
    let to = format!("{}/equipment/{tag}?done={done}", base(signed));
    Redirect::to(&to).into_response()
}

pub async fn pat_test(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, raw)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ItemForms>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let tag: AssetTag = raw.parse().map_err(|_| WebError::not_found())?;
    let mut errors = Vec::new();
    let on = required_date(
        &mut errors,
        "tested_on",
        &form.tested_on,
        "the date of the PAT test",
    );
    let Some(on) = on else {
        return render_item(&state, &signed, &raw, None, None, &form, errors).await;
    };
    let mut tx = state.store.begin().await?;
    match equipment::record_pat_test(&mut tx, &signed.ctx(), &signed.council, &tag, on).await {
        Ok(_) => {
            tx.commit().await?;
            Ok(match safe_next(&signed.council, &form.then) {
                Some(then) => Redirect::to(&then).into_response(),
                None => back_to(&signed, &tag, "tested"),
            })
        }
        Err(e) => {
            drop(tx);
            let errors = form_errors(e, &["tested_on"], "tested_on")?;
            render_item(&state, &signed, &raw, None, None, &form, errors).await
        }
    }
}

pub async fn change_state(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, raw)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ItemForms>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let tag: AssetTag = raw.parse().map_err(|_| WebError::not_found())?;
    let mut errors = Vec::new();
    let to: Option<EquipmentState> = parsed(
        &mut errors,
        "state",
        &form.state,
        "Choose the equipment's new state",
    );
    let Some(to) = to else {
        return render_item(&state, &signed, &raw, None, None, &form, errors).await;
    };
    // Disposal is for good: it is checked first, in a transaction then dropped.
    let check = to == EquipmentState::Disposed && form.confirm != "yes";
    let mut tx = state.store.begin().await?;
    match equipment::set_state(&mut tx, &signed.ctx(), &signed.council, &tag, to).await {
        Ok(item) if check => {
            let active =
                steward_domain::ops::policy::in_force(&mut tx, &signed.council, signed.today)
                    .await?;
            drop(tx);
            check_disposal(&state, &signed, &item, active.as_ref().map(|a| &*a.pack))
        }
        Ok(_) => {
            tx.commit().await?;
            Ok(back_to(&signed, &tag, "state"))
        }
        Err(e) => {
            drop(tx);
            let errors = form_errors(e, &["state"], "state")?;
            render_item(&state, &signed, &raw, None, None, &form, errors).await
        }
    }
}

/// "Check before disposing": the item, and what disposal means, with the policy's clauses on
/// erasure before disposal and on disposal itself where it has them.
fn check_disposal(
    state: &AppState,
    signed: &SignedIn,
    item: &steward_domain::Equipment,
    pack: Option<&steward_policy::Pack>,
) -> Result<Response, WebError> {
    use crate::check_answers::{CheckAnswers, answer, render};
    use steward_policy::Citation;
    use steward_policy::model::DutyTopic;
    let b = base(signed);
    let tag = item.asset_tag.to_string();
    let mut happens = vec![format!(
        "{tag} is recorded as disposed of today, {}, and can never be lent again.",
        steward_policy::long_date(signed.today)
    )];
    if let Some(pack) = pack {
        if let Some(rule) = pack
            .loans
            .erasure_before_reuse
            .as_ref()
            .filter(|r| r.kinds.is_empty() || r.kinds.contains(&item.kind))
        {
            happens.push(format!(
                "It has been erased, as the policy requires before disposal ({}).",
                Citation::new(pack, &rule.clause)
            ));
        }
        for duty in pack
            .duties
            .iter()
            .filter(|d| d.topic == DutyTopic::Disposal)
        {
            happens.push(format!(
                "{} ({}).",
                duty.summary.trim_end_matches('.'),
                Citation::new(pack, &duty.clause)
            ));
        }
    }
    let mut described = words(item.kind.as_str());
    if !item.model.is_empty() {
        described = format!("{described}, {}", item.model);
    }
    let check = CheckAnswers {
        title: "Check before disposing of equipment",
        nav: "equipment",
        answers: vec![
            answer("Item", format!("{tag} ({described})")),
            answer("New state", "Disposed of"),
        ],
        happens,
        action: format!("{b}/equipment/{tag}/state"),
        kept: vec![crate::check_answers::kept("state", "disposed")],
        change_href: Some(format!("{b}/equipment/{tag}?state=disposed#state")),
        button: "Record the disposal",
        warning: Some("Disposal cannot be undone."),
        cancel_href: format!("{b}/equipment/{tag}"),
    };
    render(state, signed, &check)
}

#[derive(Default, Deserialize, Serialize)]
pub struct ItemForm {
    #[serde(default)]
    asset_tag: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    model: String,
    #[serde(default)]
    serial: String,
    #[serde(default)]
    cost: String,
    #[serde(default)]
    purchased_on: String,
    #[serde(default)]
    pat_tested_on: String,
    #[serde(default)]
    encrypted: Option<String>,
}

async fn render_new(
    state: &AppState,
    signed: &SignedIn,
    form: &ItemForm,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let kinds: Vec<Choice> = EquipmentKind::ALL
        .iter()
        .map(|k| choice(k.as_str()))
        .collect();
    let mut page = office_page("Add equipment", signed, "equipment");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/office_item_new.html",
        &page,
        context! {
            form => Serde(form),
            kinds => Serde(&kinds),
            field_errors,
            csrf_token => &signed.session.csrf_token,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok((status, Html(html)).into_response())
}

pub async fn new_form(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    render_new(&state, &signed, &ItemForm::default(), Vec::new()).await
}

pub async fn add(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<ItemForm>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let mut errors = Vec::new();
    let tag: Option<AssetTag> = parsed(
        &mut errors,
        "asset_tag",
        &form.asset_tag,
        "Enter the asset tag, for example LAP-12",
    );
    let kind: Option<EquipmentKind> = parsed(
        &mut errors,
        "kind",
        &form.kind,
        "Choose what kind of equipment it is",
    );
    if form.model.trim().is_empty() {
        errors.push(error("model", "Enter the make and model"));
    }
    let cost = if form.cost.trim().is_empty() {
        errors.push(error(
            "cost",
            "Enter the replacement cost in pounds, for example 650.00",
        ));
        None
    } else {
        match Pence::parse_pounds(&form.cost) {
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
        "the purchase date",
    );
    let pat_tested_on = optional_date(
        &mut errors,
        "pat_tested_on",
        &form.pat_tested_on,
        "the date of the last PAT test",
    );
    let (Some(tag), Some(kind), Some(cost), true) = (tag, kind, cost, errors.is_empty()) else {
        return render_new(&state, &signed, &form, errors).await;
    };
    let serial = Some(form.serial.trim().to_string()).filter(|s| !s.is_empty());
    let new = NewEquipment {
        asset_tag: tag.clone(),
        kind,
        model: form.model.trim().to_string(),
        serial,
        purchased_on,
        replacement_cost: cost,
        pat_tested_on,
        encrypted: form.encrypted.is_some(),
        state: EquipmentState::InStock,
    };
    let mut tx = state.store.begin().await?;
    match equipment::add(&mut tx, &signed.ctx(), &signed.council, new).await {
        Ok(_) => {
            tx.commit().await?;
            Ok(back_to(&signed, &tag, "added"))
        }
        Err(e) => {
            drop(tx);
            let fields = [
                "asset_tag",
                "kind",
                "model",
                "serial",
                "purchased_on",
                "pat_tested_on",
            ];
            let mut errors = form_errors(e, &fields, "asset_tag")?;
            for e in &mut errors {
                if e.message.contains("replacement cost") {
                    e.field = "cost";
                }
            }
            render_new(&state, &signed, &form, errors).await
        }
    }
}
