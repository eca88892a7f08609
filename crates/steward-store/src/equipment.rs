//! The council's equipment.

use crate::rows::{Cols, flag_int, opt_date_text};
use crate::search;
use crate::tx::StoreTx;
use sqlx::any::AnyRow;
use steward_domain::repo::NewEquipment;
use steward_domain::{AssetTag, Equipment, Id, Pence, RepoResult};

pub(crate) const EQUIPMENT: &str = "id, council_id, asset_tag, kind, model, serial, purchased_on, \
                         replacement_cost, pat_tested_on, encrypted, state";

pub(crate) fn equipment(row: &AnyRow) -> RepoResult<Equipment> {
    let c = Cols::new(row, "equipment");
    Ok(Equipment {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        asset_tag: c.parsed("asset_tag", "an asset tag")?,
        kind: c.parsed("kind", "a kind of equipment")?,
        model: c.text("model")?,
        serial: c.opt_text("serial")?,
        purchased_on: c.opt_date("purchased_on")?,
        replacement_cost: Pence(c.int("replacement_cost")?),
        pat_tested_on: c.opt_date("pat_tested_on")?,
        encrypted: c.flag("encrypted")?,
        state: c.parsed("state", "an equipment state")?,
    })
}

pub(crate) async fn insert(
    tx: &mut StoreTx,
    council_id: Id,
    new: &NewEquipment,
) -> RepoResult<Equipment> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO equipment (council_id, asset_tag, kind, model, serial, purchased_on,
                                replacement_cost, pat_tested_on, encrypted, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {EQUIPMENT}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(new.asset_tag.as_str())
        .bind(new.kind.as_str())
        .bind(new.model.as_str())
        .bind(new.serial.as_deref())
        .bind(opt_date_text(new.purchased_on))
        .bind(new.replacement_cost.0)
        .bind(opt_date_text(new.pat_tested_on))
        .bind(flag_int(new.encrypted))
        .bind(new.state.as_str());
    let row = tx
        .one(query, || "the equipment was not stored".into())
        .await?;
    let made = equipment(&row)?;
    let words = search::of_equipment(&made);
    search::index(tx, council_id, search::EQUIPMENT, made.id, &words, false).await?;
    Ok(made)
}

pub(crate) async fn update(tx: &mut StoreTx, e: &Equipment) -> RepoResult<()> {
    tx.writable()?;
    // Most updates change only the item's state; its words are rewritten only when what they
    // come from changed.
    let before = sqlx::query(
        "SELECT asset_tag, serial, model FROM equipment WHERE id = $1 AND council_id = $2",
    )
    .bind(e.id)
    .bind(e.council_id);
    let words_changed = match tx.optional(before).await? {
        Some(row) => {
            let c = Cols::new(&row, "equipment");
            c.text("asset_tag")? != e.asset_tag.as_str()
                || c.opt_text("serial")? != e.serial
                || c.text("model")? != e.model
        }
        None => false,
    };
    let query = sqlx::query(
        "UPDATE equipment SET asset_tag = $3, kind = $4, model = $5, serial = $6,
                purchased_on = $7, replacement_cost = $8, pat_tested_on = $9, encrypted = $10,
                state = $11
         WHERE id = $1 AND council_id = $2",
    )
    .bind(e.id)
    .bind(e.council_id)
    .bind(e.asset_tag.as_str())
    .bind(e.kind.as_str())
    .bind(e.model.as_str())
    .bind(e.serial.as_deref())
    .bind(opt_date_text(e.purchased_on))
    .bind(e.replacement_cost.0)
    .bind(opt_date_text(e.pat_tested_on))
    .bind(flag_int(e.encrypted))
    .bind(e.state.as_str());
    let id = e.id;
    tx.exec_one(query, || format!("no equipment has id {id}"))
        .await?;
    if words_changed {
        let words = search::of_equipment(e);
        search::index(tx, e.council_id, search::EQUIPMENT, e.id, &words, true).await?;
    }
    Ok(())
}

pub(crate) async fn by_tag(
    tx: &mut StoreTx,
    council_id: Id,
    tag: &AssetTag,
) -> RepoResult<Option<Equipment>> {
    let sql = format!("SELECT {EQUIPMENT} FROM equipment WHERE council_id = $1 AND asset_tag = $2");
    let query = sqlx::query(&sql).bind(council_id).bind(tag.as_str());
    tx.optional(query)
        .await?
        .as_ref()
        .map(equipment)
        .transpose()
}

pub(crate) async fn by_id(tx: &mut StoreTx, id: Id) -> RepoResult<Option<Equipment>> {
    let sql = format!("SELECT {EQUIPMENT} FROM equipment WHERE id = $1");
    let query = sqlx::query(&sql).bind(id);
    tx.optional(query)
        .await?
        .as_ref()
        .map(equipment)
        .transpose()
}

pub(crate) async fn list(tx: &mut StoreTx, council_id: Id) -> RepoResult<Vec<Equipment>> {
    let sql = format!("SELECT {EQUIPMENT} FROM equipment WHERE council_id = $1 ORDER BY asset_tag");
    let query = sqlx::query(&sql).bind(council_id);
    tx.all(query).await?.iter().map(equipment).collect()
}
