//! The council's equipment.

use crate::listing::{Frag, Kept, KeyKind, ListSql};
use crate::rows::{Cols, RowRef, flag_int, opt_date_text};
use crate::search;
use crate::tx::StoreTx;
use steward_domain::listing::Listed;
use steward_domain::ops::equipment::list::{
    EquipmentListed, EquipmentQuery, EquipmentSort, Holder,
};
use steward_domain::ops::kept::KeptCount;
use steward_domain::repo::NewEquipment;
use steward_domain::{AssetTag, Equipment, Id, Pence, RepoResult};

pub(crate) const EQUIPMENT: &str = "id, council_id, asset_tag, kind, model, serial, purchased_on, \
                         replacement_cost, pat_tested_on, encrypted, state";

pub(crate) fn equipment<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<Equipment> {
    let row: RowRef<'r> = row.into();
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

/// Binds a new item's ten values, in the order of the insert's columns.
fn bind_new<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    council_id: Id,
    new: &'q NewEquipment,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(council_id)
        .bind(new.asset_tag.as_str())
        .bind(new.kind.as_str())
        .bind(new.model.as_str())
        .bind(new.serial.as_deref())
        .bind(opt_date_text(new.purchased_on))
        .bind(new.replacement_cost.0)
        .bind(opt_date_text(new.pat_tested_on))
        .bind(flag_int(new.encrypted))
        .bind(new.state.as_str())
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
    let query = bind_new(sqlx::query(&sql), council_id, new);
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

pub(crate) async fn by_serial(
    tx: &mut StoreTx,
    council_id: Id,
    serial: &str,
) -> RepoResult<Vec<Equipment>> {
    let sql = format!(
        "SELECT {EQUIPMENT} FROM equipment WHERE council_id = $1 AND serial = $2 ORDER BY asset_tag"
    );
    let query = sqlx::query(&sql).bind(council_id).bind(serial);
    tx.all(query).await?.iter().map(equipment).collect()
}

pub(crate) async fn by_id(
    tx: &mut StoreTx,
    council_id: Id,
    id: Id,
) -> RepoResult<Option<Equipment>> {
    let sql = format!("SELECT {EQUIPMENT} FROM equipment WHERE council_id = $1 AND id = $2");
    let query = sqlx::query(&sql).bind(council_id).bind(id);
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

/// The items and, through the one open loan an item can have, whoever holds it.
const LISTED_FROM: &str = "equipment e \
     LEFT JOIN loans l ON l.council_id = e.council_id AND l.equipment_id = e.id \
     AND l.returned_on IS NULL \
     LEFT JOIN people p ON p.council_id = l.council_id AND p.id = l.person_id";

fn holder<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<Option<Holder>> {
    let row: RowRef<'r> = row.into();
    let c = Cols::new(row, "equipment");
    let Some(loan_id) = c.opt_int("holder_loan")? else {
        return Ok(None);
    };
    Ok(Some(Holder {
        loan_id,
        reference: c.parsed("holder_reference", "a person reference")?,
        name: c.text("holder_name")?,
    }))
}

/// A page of the equipment list, each sort's expression the one its index is built on; counted,
/// or its count taken from `kept` (see `ListSql::fetch_kept`).
pub(crate) async fn list_page(
    tx: &mut StoreTx,
    council_id: Id,
    query: &EquipmentQuery,
    kept: Option<KeptCount<'_>>,
) -> RepoResult<Listed<EquipmentListed>> {
    let sql = list_sql(council_id, query);
    let kept = kept.map(|count| Kept { council_id, count });
    sql.fetch_kept(tx, &query.window, query.direction, kept, |row| {
        Ok(EquipmentListed {
            equipment: equipment(row)?,
            holder: holder(row)?,
        })
    })
    .await
}

fn list_sql(council_id: Id, query: &EquipmentQuery) -> ListSql {
    let sort = match query.sort {
        EquipmentSort::Tag => "e.asset_tag",
        EquipmentSort::Kind => "e.kind",
        EquipmentSort::Model => "lower(e.model)",
        EquipmentSort::State => "e.state",
        EquipmentSort::Purchased => "COALESCE(e.purchased_on, '')",
    };
    let select = Frag::new(
        "e.id, e.council_id, e.asset_tag, e.kind, e.model, e.serial, e.purchased_on, \
         e.replacement_cost, e.pat_tested_on, e.encrypted, e.state, l.id AS holder_loan, \
         p.reference AS holder_reference, p.name AS holder_name",
        Vec::new(),
    );
    let mut sql = ListSql::new(select, LISTED_FROM, sort, KeyKind::Text, "e.id");
    // Each item joins at most one open loan and its one borrower, so the count reads the
    // items alone.
    sql.count_from("equipment e");
    sql.eq("e.council_id", council_id);
    if let Some(kind) = query.filter.kind {
        sql.eq("e.kind", kind.as_str());
    }
    if let Some(state) = query.filter.state {
        sql.eq("e.state", state.as_str());
    }
    sql.search(council_id, &query.search, &[(search::EQUIPMENT, "e.id")]);
    sql
}

/// Items one multi-row insert takes (ten values each).
const INSERT_BATCH: usize = 100;

/// Adds many items at once, a hundred to a statement, and returns them in the order given.
/// Each is indexed for search as [`insert`] does.
pub(crate) async fn insert_many(
    tx: &mut StoreTx,
    council_id: Id,
    news: &[NewEquipment],
) -> RepoResult<Vec<Equipment>> {
    tx.writable()?;
    let mut made = Vec::with_capacity(news.len());
    for chunk in news.chunks(INSERT_BATCH) {
        let sql = format!(
            "INSERT INTO equipment (council_id, asset_tag, kind, model, serial, purchased_on,
                                    replacement_cost, pat_tested_on, encrypted, state)
             VALUES {} RETURNING {EQUIPMENT}",
            crate::people::placeholders(chunk.len(), 10)
        );
        let mut query = sqlx::query(&sql);
        for new in chunk {
            query = bind_new(query, council_id, new);
        }
        // RETURNING's order is not promised: match by asset tag, unique in the council.
        let mut rows: std::collections::HashMap<String, Equipment> = tx
            .all(query)
            .await?
            .iter()
            .map(|row| equipment(row).map(|e| (e.asset_tag.to_string(), e)))
            .collect::<RepoResult<_>>()?;
        for new in chunk {
            let e = rows.remove(new.asset_tag.as_str()).ok_or_else(|| {
                steward_domain::RepoError::Backend(format!("{} was not stored", new.asset_tag))
            })?;
            made.push(e);
        }
    }
    for e in &made {
        let words = search::of_equipment(e);
        search::index(tx, council_id, search::EQUIPMENT, e.id, &words, false).await?;
    }
    Ok(made)
}
