//! Equipment.

use super::*;
use steward_domain::ops::equipment::list::{EquipmentFilter, EquipmentListed, EquipmentSort};

pub(crate) async fn equipment_list(
    State(state): State<ApiState>,
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<EquipmentListed>>> {
    caller.principal.reader()?;
    let filter = EquipmentFilter {
        kind: q
            .text("kind")
            .map(|k| {
                k.parse::<EquipmentKind>()
                    .map_err(|e| ApiError::bad_field("kind", e.to_string()))
            })
            .transpose()?,
        state: q
            .text("state")
            .map(|s| {
                s.parse::<EquipmentState>()
                    .map_err(|e| ApiError::bad_field("state", e.to_string()))
            })
            .transpose()?,
    };
    let query = q.list_query::<EquipmentSort, _>(filter)?;
    let page = equipment::list::list_kept(
        &mut tx,
        &state.counts,
        &caller.council,
        &query,
        caller.today,
    )
    .await?;
    Ok(Json(page.into()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AddEquipment {
    asset_tag: String,
    kind: String,
    model: String,
    serial: Option<String>,
    purchased_on: Option<String>,
    /// Pounds and pence as text, such as "650.00".
    replacement_cost: String,
    pat_tested_on: Option<String>,
    #[serde(default)]
    encrypted: bool,
}

pub(crate) async fn equipment_add(
    State(state): State<ApiState>,
    caller: Caller,
    Body(b): Body<AddEquipment>,
) -> ApiResult<Created<steward_domain::Equipment>> {
    caller.principal.officer()?;
    let new = NewEquipment {
        asset_tag: field("asset_tag", &b.asset_tag)?,
        kind: field::<EquipmentKind>("kind", &b.kind)?,
        model: b.model,
        serial: b.serial,
        purchased_on: opt_day("purchased_on", &b.purchased_on)?,
        replacement_cost: Pence::parse_pounds(&b.replacement_cost)
            .map_err(|e| ApiError::invalid("replacement_cost", e.to_string()))?,
        pat_tested_on: opt_day("pat_tested_on", &b.pat_tested_on)?,
        encrypted: b.encrypted,
        state: EquipmentState::InStock,
    };
    let mut tx = write(&state).await?;
    let item = equipment::add(&mut tx, &caller.ctx(), &caller.council, new).await?;
    tx.commit().await?;
    Ok(created(item))
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct EquipmentDetail {
    equipment: steward_domain::Equipment,
    open_loan: Option<steward_domain::Loan>,
}

pub(crate) async fn equipment_show(
    Reader { caller, mut tx }: Reader,
    Seg(t): Seg,
) -> ApiResult<Json<EquipmentDetail>> {
    caller.principal.reader()?;
    let tag = path_tag(&t)?;
    let item = equipment::find(&mut tx, &caller.council, &tag).await?;
    let open_loan = tx
        .open_loan_of_equipment(caller.council.id, item.id)
        .await
        .map_err(steward_domain::DomainError::from)?;
    Ok(Json(EquipmentDetail {
        equipment: item,
        open_loan,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PatTest {
    on: Option<String>,
}

pub(crate) async fn equipment_pat_test(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(t): Seg,
    Body(b): Body<PatTest>,
) -> ApiResult<Json<steward_domain::Equipment>> {
    caller.principal.officer()?;
    let tag = path_tag(&t)?;
    let on = opt_day("on", &b.on)?.unwrap_or(caller.today);
    let mut tx = write(&state).await?;
    let item =
        equipment::record_pat_test(&mut tx, &caller.ctx(), &caller.council, &tag, on).await?;
    tx.commit().await?;
    Ok(Json(item))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SetState {
    state: String,
}

pub(crate) async fn equipment_state(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(t): Seg,
    Body(b): Body<SetState>,
) -> ApiResult<Json<steward_domain::Equipment>> {
    caller.principal.officer()?;
    let tag = path_tag(&t)?;
    let to: EquipmentState = field("state", &b.state)?;
    let mut tx = write(&state).await?;
    let item = equipment::set_state(&mut tx, &caller.ctx(), &caller.council, &tag, to).await?;
    tx.commit().await?;
    Ok(Json(item))
}

pub(crate) async fn equipment_import(
    State(state): State<ApiState>,
    caller: Caller,
    Text(csv): Text,
) -> ApiResult<Json<Imported>> {
    caller.principal.officer()?;
    let rows = steward_domain::import::parse_equipment("body", csv.as_bytes())
        .map_err(steward_domain::DomainError::from)?;
    let mut tx = write(&state).await?;
    let imported = equipment::import(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        "body",
        rows,
        |_| {},
    )
    .await?;
    tx.commit().await?;
    Ok(Json(Imported { imported }))
}

/// A correction: each field given is changed; `serial` or `purchased_on` given as "" is
/// cleared.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EditEquipment {
    model: Option<String>,
    serial: Option<String>,
    /// Pounds and pence as text, such as "650.00".
    replacement_cost: Option<String>,
    purchased_on: Option<String>,
}

pub(crate) async fn equipment_edit(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(t): Seg,
    Body(b): Body<EditEquipment>,
) -> ApiResult<Json<steward_domain::Equipment>> {
    caller.principal.officer()?;
    let tag = path_tag(&t)?;
    let purchased_on = match b.purchased_on.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(text) => Some(Some(day("purchased_on", text)?)),
    };
    let change = equipment::EquipmentEdit {
        model: b.model,
        serial: b.serial,
        replacement_cost: b
            .replacement_cost
            .as_deref()
            .map(|c| {
                Pence::parse_pounds(c)
                    .map_err(|e| ApiError::invalid("replacement_cost", e.to_string()))
            })
            .transpose()?,
        purchased_on,
    };
    let mut tx = write(&state).await?;
    let item = equipment::edit(&mut tx, &caller.ctx(), &caller.council, &tag, change).await?;
    tx.commit().await?;
    Ok(Json(item))
}
