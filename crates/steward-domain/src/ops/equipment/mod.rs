pub mod history;
pub mod list;

use super::{NONE, audit};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::{AssetTag, Pence};
use crate::import::{self, EquipmentRow, ImportErrors, RowError};
use crate::records::{Council, Equipment};
use crate::repo::{NewEquipment, RegisterTx};
use chrono::NaiveDate;
use steward_policy::EquipmentState;

pub async fn find<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    tag: &AssetTag,
) -> DomainResult<Equipment> {
    tx.equipment_by_tag(council.id, tag)
        .await?
        .ok_or_else(|| DomainError::not_found("equipment", tag))
}

fn check_new(new: &NewEquipment, today: NaiveDate) -> DomainResult<()> {
    if new.model.trim().is_empty() {
        return Err(DomainError::invalid("model", "give the make and model"));
    }
    if new.replacement_cost.0 <= 0 {
        return Err(DomainError::invalid(
            "replacement_cost",
            "the replacement cost must be more than zero",
        ));
    }
    if new.pat_tested_on.is_some_and(|d| d > today) {
        return Err(DomainError::invalid(
            "pat_tested_on",
            "a PAT test cannot be dated in the future",
        ));
    }
    if new.state == EquipmentState::Issued {
        return Err(DomainError::invalid(
            "state",
            "equipment is issued by recording a loan, not by its state",
        ));
    }
    Ok(())
}

pub async fn add<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    new: NewEquipment,
) -> DomainResult<Equipment> {
    check_new(&new, ctx.today)?;
    let item = tx.insert_equipment(council.id, &new).await?;
    audit(
        tx,
        ctx,
        council.id,
        "equipment.add",
        "equipment",
        &item.asset_tag,
        NONE,
        Some(&item),
    )
    .await?;
    Ok(item)
}

/// A correction to an item's details. Each field left as `None` stays as it is; a blank
/// serial number clears it, and `purchased_on: Some(None)` clears the purchase date.
#[derive(Clone, Debug, Default)]
pub struct EquipmentEdit {
    pub model: Option<String>,
    pub serial: Option<String>,
    pub replacement_cost: Option<Pence>,
    pub purchased_on: Option<Option<NaiveDate>>,
}

impl EquipmentEdit {
    pub fn is_empty(&self) -> bool {
        self.model.is_none()
            && self.serial.is_none()
            && self.replacement_cost.is_none()
            && self.purchased_on.is_none()
    }
}

/// Corrects an item's make and model, serial number, replacement cost or purchase date,
/// checked by the rules adding it and the CSV import follow, with one `equipment.edit`
/// record holding the details before and after. A serial number another of the council's
/// items already has is refused against the serial field. Changing nothing writes nothing.
pub async fn edit<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    tag: &AssetTag,
    change: EquipmentEdit,
) -> DomainResult<Equipment> {
    let before = find(tx, council, tag).await?;
    let mut after = before.clone();
    if let Some(model) = &change.model {
        let model = model.trim();
        if model.is_empty() {
            return Err(DomainError::invalid("model", "give the make and model"));
        }
        after.model = import::plain_text(model, import::MODEL_MAX)
            .map_err(|why| DomainError::invalid("model", format!("the make and model {why}")))?;
    }
    if let Some(serial) = &change.serial {
        let serial = serial.trim();
        after.serial = if serial.is_empty() {
            None
        } else {
            Some(
                import::plain_text(serial, import::SERIAL_MAX).map_err(|why| {
                    DomainError::invalid("serial", format!("the serial number {why}"))
                })?,
            )
        };
    }
    if let Some(cost) = change.replacement_cost {
        if cost.0 <= 0 {
            return Err(DomainError::invalid(
                "replacement_cost",
                "the replacement cost must be more than zero",
            ));
        }
        after.replacement_cost = cost;
    }
    if let Some(purchased_on) = change.purchased_on {
        if purchased_on.is_some_and(|d| d > ctx.today) {
            return Err(DomainError::invalid(
                "purchased_on",
                "a purchase cannot be dated in the future",
            ));
        }
        after.purchased_on = purchased_on;
    }
    if after == before {
        return Ok(before);
    }
    if let Some(serial) = after.serial.as_deref()
        && after.serial != before.serial
        && let Some(other) = tx
            .equipment_by_serial(council.id, serial)
            .await?
            .into_iter()
            .find(|e| e.id != before.id)
    {
        return Err(DomainError::Conflict {
            field: "serial".into(),
            message: format!("{} already has the serial number {serial}", other.asset_tag),
        });
    }
    tx.update_equipment(&after).await?;
    audit(
        tx,
        ctx,
        council.id,
        "equipment.edit",
        "equipment",
        tag,
        Some(&before),
        Some(&after),
    )
    .await?;
    Ok(after)
}

pub async fn record_pat_test<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    tag: &AssetTag,
    tested_on: NaiveDate,
) -> DomainResult<Equipment> {
    let item = find(tx, council, tag).await?;
    if tested_on > ctx.today {
        return Err(DomainError::invalid(
            "date",
            "a PAT test cannot be dated in the future",
        ));
    }
    if item.pat_tested_on.is_some_and(|d| d > tested_on) {
        return Err(DomainError::invalid(
            "date",
            "a later PAT test is already recorded for this item",
        ));
    }
    let after = Equipment {
        pat_tested_on: Some(tested_on),
        ..item.clone()
    };
    tx.update_equipment(&after).await?;
    audit(
        tx,
        ctx,
        council.id,
        "equipment.pat_test",
        "equipment",
        tag,
        Some(&item),
        Some(&after),
    )
    .await?;
    Ok(after)
}

/// Which manual state changes make sense. Issue and return go through loans instead.
fn allowed_change(from: EquipmentState, to: EquipmentState) -> bool {
    use EquipmentState::*;
    match to {
        Issued => false,
        InStock => matches!(from, InRepair | Returned | Erased),
        InRepair => matches!(from, InStock | Returned | Erased),
        Returned => false,
        AwaitingErasure => matches!(from, InStock | Returned | InRepair),
        Erased => matches!(from, AwaitingErasure | Returned | InStock | InRepair),
        Disposed => matches!(from, Erased),
        Lost | Stolen => !matches!(from, Disposed | Lost | Stolen),
    }
}

pub async fn set_state<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    tag: &AssetTag,
    to: EquipmentState,
) -> DomainResult<Equipment> {
    let item = find(tx, council, tag).await?;
    if !allowed_change(item.state, to) {
        let hint = match to {
            EquipmentState::Issued => "issue it with `steward loan issue`",
            EquipmentState::Returned => "record the return with `steward loan return`",
            EquipmentState::Disposed => "equipment must be erased before disposal",
            _ => "that change is not possible from its current state",
        };
        return Err(DomainError::invalid(
            "state",
            format!("{tag} is {} and cannot become {to}: {hint}", item.state),
        ));
    }
    let after = Equipment {
        state: to,
        ..item.clone()
    };
    tx.update_equipment(&after).await?;
    audit(
        tx,
        ctx,
        council.id,
        "equipment.state",
        "equipment",
        tag,
        Some(&item),
        Some(&after),
    )
    .await?;
    Ok(after)
}

pub async fn import<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    file: &str,
    rows: Vec<EquipmentRow>,
    mut progress: impl FnMut(u64),
) -> DomainResult<usize> {
    let mut errors = Vec::new();
    let mut news = Vec::with_capacity(rows.len());
    let tags: Vec<&str> = rows.iter().map(|r| r.asset_tag.as_str()).collect();
    let registered = tx.registered_tags(council.id, &tags).await?;
    for row in rows {
        if registered.contains(row.asset_tag.as_str()) {
            errors.push(RowError {
                line: row.line,
                column: Some("asset_tag".into()),
                message: format!("{} is already registered", row.asset_tag),
            });
        }
        let new = NewEquipment {
            asset_tag: row.asset_tag,
            kind: row.kind,
            model: row.model,
            serial: row.serial,
            purchased_on: row.purchased_on,
            replacement_cost: row.replacement_cost,
            pat_tested_on: row.pat_tested_on,
            encrypted: row.encrypted,
            state: row.state,
        };
        if let Err(DomainError::Invalid { field, message }) = check_new(&new, ctx.today) {
            errors.push(RowError {
                line: row.line,
                column: Some(field),
                message,
            });
        }
        news.push(new);
    }
    if !errors.is_empty() {
        return Err(ImportErrors {
            file: file.to_string(),
            errors,
        }
        .into());
    }
    let count = news.len();
    // Added a few hundred to a statement, each with the audit record `add` writes, in the
    // file's order.
    let mut done = 0;
    for chunk in news.chunks(IMPORT_BATCH) {
        let items = tx.insert_equipment_many(council.id, chunk).await?;
        for item in &items {
            audit(
                tx,
                ctx,
                council.id,
                "equipment.add",
                "equipment",
                &item.asset_tag,
                NONE,
                Some(item),
            )
            .await?;
        }
        done += chunk.len();
        progress(done as u64);
    }
    Ok(count)
}

/// Rows an import writes between two reports of its progress.
const IMPORT_BATCH: usize = 500;
