//! Registering which number belongs to which council phone.

use super::number::PhoneNumber;
use super::records::PhoneLine;
use super::repo::PhoneTx;
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::{AssetTag, PersonRef};
use crate::ops::{NONE, audit, equipment};
use crate::records::{Council, Id};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use steward_policy::{EquipmentKind, long_date};

/// A line with the phone it belongs to and who holds that phone now.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LineView {
    pub line: PhoneLine,
    pub asset_tag: AssetTag,
    /// The number as people write it: `07700 900123`.
    pub readable: String,
    pub holder: Option<PersonRef>,
    pub holder_name: Option<String>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct LineAudit<'a> {
    asset_tag: &'a AssetTag,
    number: &'a PhoneNumber,
    added_on: NaiveDate,
    removed_on: Option<NaiveDate>,
}

fn audit_of<'a>(line: &'a PhoneLine, tag: &'a AssetTag) -> LineAudit<'a> {
    LineAudit {
        asset_tag: tag,
        number: &line.number,
        added_on: line.added_on,
        removed_on: line.removed_on,
    }
}

pub async fn find<T: PhoneTx>(tx: &mut T, council: &Council, id: Id) -> DomainResult<PhoneLine> {
    match tx.phone_line(council.id, id).await? {
        Some(line) if line.council_id == council.id => Ok(line),
        _ => Err(DomainError::not_found("phone line", id)),
    }
}

/// The line that has `number` now.
pub async fn find_number<T: PhoneTx>(
    tx: &mut T,
    council: &Council,
    number: &PhoneNumber,
) -> DomainResult<PhoneLine> {
    tx.active_phone_line(council.id, number)
        .await?
        .ok_or_else(|| DomainError::not_found("phone line", number.readable()))
}

/// Records that `number` is the line of the mobile phone `tag`.
pub async fn add<T: PhoneTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    tag: &AssetTag,
    number: &PhoneNumber,
) -> DomainResult<PhoneLine> {
    let item = equipment::find(tx, council, tag).await?;
    if item.kind != EquipmentKind::MobilePhone {
        return Err(DomainError::invalid(
            "asset_tag",
            format!(
                "{tag} is a {}; only a mobile phone can have a line",
                item.kind.as_str().replace('_', " ")
            ),
        ));
    }
    if let Some(taken) = tx.active_phone_line(council.id, number).await? {
        let owner = tx
            .equipment_by_id(council.id, taken.equipment_id)
            .await?
            .map(|e| e.asset_tag.to_string())
            .unwrap_or_default();
        return Err(DomainError::Conflict {
            field: "number".into(),
            message: format!(
                "{} is already the line of {owner}; remove it there first",
                number.readable()
            ),
        });
    }
    let line = tx
        .insert_phone_line(council.id, item.id, number, ctx.today)
        .await?;
    audit(
        tx,
        ctx,
        council.id,
        "phone.line.add",
        "phone_line",
        line.id,
        NONE,
        Some(&audit_of(&line, tag)),
    )
    .await?;
    Ok(line)
}

/// Ends a line: the number is no longer the phone's. Bills already imported keep it.
pub async fn remove<T: PhoneTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    id: Id,
) -> DomainResult<PhoneLine> {
    let line = find(tx, council, id).await?;
    if let Some(on) = line.removed_on {
        return Err(DomainError::Conflict {
            field: "line".into(),
            message: format!(
                "{} was already removed on {}",
                line.number.readable(),
                long_date(on)
            ),
        });
    }
    let tag = tx
        .equipment_by_id(council.id, line.equipment_id)
        .await?
        .map(|e| e.asset_tag)
        .ok_or_else(|| DomainError::not_found("equipment", line.equipment_id))?;
    tx.remove_phone_line(council.id, line.id, ctx.today).await?;
    let after = PhoneLine {
        removed_on: Some(ctx.today),
        ..line.clone()
    };
    audit(
        tx,
        ctx,
        council.id,
        "phone.line.remove",
        "phone_line",
        line.id,
        Some(&audit_of(&line, &tag)),
        Some(&audit_of(&after, &tag)),
    )
    .await?;
    Ok(after)
}

/// The council's lines by number; removed ones only when `all`.
pub async fn list<T: PhoneTx>(
    tx: &mut T,
    council: &Council,
    all: bool,
) -> DomainResult<Vec<LineView>> {
    let lines = tx.phone_lines(council.id).await?;
    let mut out = Vec::new();
    for line in lines.into_iter().filter(|l| all || l.is_active()) {
        out.push(view(tx, line).await?);
    }
    Ok(out)
}

/// The lines of one item, current ones first.
pub async fn of_equipment<T: PhoneTx>(
    tx: &mut T,
    council: &Council,
    equipment_id: Id,
) -> DomainResult<Vec<LineView>> {
    let mut lines: Vec<PhoneLine> = tx
        .phone_lines(council.id)
        .await?
        .into_iter()
        .filter(|l| l.equipment_id == equipment_id)
        .collect();
    lines.sort_by_key(|l| (l.removed_on.is_some(), std::cmp::Reverse(l.added_on)));
    let mut out = Vec::new();
    for line in lines {
        out.push(view(tx, line).await?);
    }
    Ok(out)
}

pub async fn view<T: PhoneTx>(tx: &mut T, line: PhoneLine) -> DomainResult<LineView> {
    let item = tx
        .equipment_by_id(line.council_id, line.equipment_id)
        .await?
        .ok_or_else(|| DomainError::not_found("equipment", line.equipment_id))?;
    let holder = match tx.open_loan_of_equipment(item.council_id, item.id).await? {
        Some(loan) => tx.person(loan.council_id, loan.person_id).await?,
        None => None,
    };
    Ok(LineView {
        readable: line.number.readable(),
        asset_tag: item.asset_tag,
        holder: holder.as_ref().map(|p| p.reference.clone()),
        holder_name: holder.map(|p| p.name),
        line,
    })
}
