//! A phone's lines: shown on the item's page, registered on a page of their own, removed from
//! the item's page.

use super::super::{base, form_errors, may_change, office_page, parsed};
use crate::pages::{FieldError, by_field};
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::ops::equipment;
use steward_domain::phones::{PhoneNumber, lines};
use steward_domain::{AssetTag, Council, Equipment, Id};
use steward_policy::{EquipmentKind, long_date};
use steward_store::StoreTx;

/// One line as the item's page lists it.
#[derive(Serialize)]
pub struct LineRow {
    id: Id,
    number: String,
    added_on: String,
    removed_on: Option<String>,
}

/// The lines of an item, for its page; none for anything but a mobile phone.
pub async fn item_lines(
    tx: &mut StoreTx,
    council: &Council,
    item: &Equipment,
) -> Result<Vec<LineRow>, WebError> {
    if item.kind != EquipmentKind::MobilePhone {
        return Ok(Vec::new());
    }
    Ok(lines::of_equipment(tx, council, item.id)
        .await?
        .into_iter()
        .map(|l| LineRow {
            id: l.line.id,
            number: l.readable,
            added_on: long_date(l.line.added_on),
            removed_on: l.line.removed_on.map(long_date),
        })
        .collect())
}

#[derive(Default, Deserialize, Serialize)]
pub struct LineForm {
    #[serde(default)]
    number: String,
}

async fn render_new(
    state: &AppState,
    signed: &SignedIn,
    tag: &str,
    form: &LineForm,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let tag: AssetTag = tag.parse().map_err(|_| WebError::not_found())?;
    let mut tx = state.store.begin().await?;
    let item = equipment::find(&mut tx, &signed.council, &tag).await?;
    let current: Vec<LineRow> = item_lines(&mut tx, &signed.council, &item)
        .await?
        .into_iter()
        .filter(|l| l.removed_on.is_none())
        .collect();
    drop(tx);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut page = office_page("Register a phone line", signed, "equipment");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/phone_line_new.html",
        &page,
        context! {
            asset_tag => item.asset_tag.to_string(),
            kind => item.kind.as_str().replace('_', " "),
            is_phone => item.kind == EquipmentKind::MobilePhone,
            current => Serde(&current),
            form => Serde(form),
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
    Path((_, tag)): Path<(String, String)>,
) -> Result<Response, WebError> {
    render_new(&state, &signed, &tag, &LineForm::default(), Vec::new()).await
}

pub async fn add(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, raw)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<LineForm>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let tag: AssetTag = raw.parse().map_err(|_| WebError::not_found())?;
    let mut errors = Vec::new();
    let number: Option<PhoneNumber> = parsed(
        &mut errors,
        "number",
        &form.number,
        "Enter the phone's number, for example 07700 900123",
    );
    let Some(number) = number else {
        return render_new(&state, &signed, &raw, &form, errors).await;
    };
    let mut tx = state.store.begin().await?;
    match lines::add(&mut tx, &signed.ctx(), &signed.council, &tag, &number).await {
        Ok(_) => {
            tx.commit().await?;
            let to = format!("{}/equipment/{tag}?done=line", base(&signed));
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            drop(tx);
            let errors = form_errors(e, &["number"], "number")?;
            render_new(&state, &signed, &raw, &form, errors).await
        }
    }
}

#[derive(Deserialize)]
pub struct NoFields {}

pub async fn remove(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, raw)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let id: Id = raw.parse().map_err(|_| WebError::not_found())?;
    let mut tx = state.store.begin().await?;
    let line = lines::find(&mut tx, &signed.council, id).await?;
    let view = lines::view(&mut tx, line).await?;
    lines::remove(&mut tx, &signed.ctx(), &signed.council, id).await?;
    tx.commit().await?;
    let to = format!(
        "{}/equipment/{}?done=line-removed",
        base(&signed),
        view.asset_tag
    );
    Ok(Redirect::to(&to).into_response())
}
