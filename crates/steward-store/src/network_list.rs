//! The findings list, paged in SQL. Findings are stored per log file; the list shows one row
//! per identity, category and day, standing on the lowest-id finding of that cell (found
//! through the cell index), and sums the cell's findings in one more statement per page.

use crate::listing::{Arg, Frag, KeyKind, ListSql, bound};
use crate::rows::{Cols, date_text};
use crate::search;
use crate::tx::StoreTx;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use steward_domain::listing::Listed;
use steward_domain::network::FindingCell;
use steward_domain::ops::network::list::{FindingQuery, FindingSort};
use steward_domain::workflow::{Request, RequestKind};
use steward_domain::{Id, RepoResult};

/// Findings lists count no further: a year of scanning a county's proxy runs long, and a
/// page should cost the same in its first week and its last.
const COUNT_CAP: u64 = 1_000;

/// How many addresses a summed finding shows.
const SAMPLES: usize = 3;

/// The first finding of its cell: none of the same identity, category and day comes before.
const FIRST_OF_CELL: &str = "NOT EXISTS (SELECT 1 FROM web_findings o \
     WHERE o.council_id = f.council_id AND o.day = f.day AND o.identity = f.identity \
     AND o.category = f.category AND o.id < f.id)";

type CellKey = (NaiveDate, String, String);

pub(crate) async fn findings_page(
    tx: &mut StoreTx,
    council_id: Id,
    query: &FindingQuery,
) -> RepoResult<Listed<FindingCell>> {
    let sort = match query.sort {
        FindingSort::Day => "f.day",
        FindingSort::Category => "f.category",
    };
    let select = Frag::new("f.id, f.day, f.identity, f.category", Vec::new());
    let mut sql = ListSql::new(select, "web_findings f", sort, KeyKind::Text, "f.id");
    sql.eq("f.council_id", council_id);
    sql.and(Frag::new(FIRST_OF_CELL, Vec::new()));
    let filter = &query.filter;
    if let Some(person) = filter.person_id {
        sql.eq("f.person_id", person);
    }
    if let Some(category) = &filter.category {
        sql.eq("f.category", category.as_str());
    }
    if let Some(from) = filter.from {
        sql.and(Frag::new("f.day >= ?", vec![date_text(from).into()]));
    }
    if let Some(to) = filter.to {
        sql.and(Frag::new("f.day <= ?", vec![date_text(to).into()]));
    }
    sql.search(
        council_id,
        &query.search,
        &[(search::PERSON, "f.person_id")],
    );
    sql.count_at_most(COUNT_CAP);
    let page = sql
        .fetch(tx, &query.window, query.direction, |row| {
            let c = Cols::new(row, "web_findings");
            Ok((
                c.int("id")?,
                (c.date("day")?, c.text("identity")?, c.text("category")?),
            ))
        })
        .await?;
    let keys: Vec<CellKey> = page.items.iter().map(|(_, k)| k.clone()).collect();
    let mut cells = cells_of(tx, council_id, &keys).await?;
    page.try_map(|(id, key)| {
        cells
            .remove(&key)
            .map(|c| FindingCell { id, ..c })
            .ok_or_else(|| {
                steward_domain::RepoError::Backend(format!("finding {id} vanished from its page"))
            })
    })
}

/// The findings of each cell in `keys`, summed, in one statement.
async fn cells_of(
    tx: &mut StoreTx,
    council_id: Id,
    keys: &[CellKey],
) -> RepoResult<BTreeMap<CellKey, FindingCell>> {
    let mut out: BTreeMap<CellKey, FindingCell> = BTreeMap::new();
    if keys.is_empty() {
        return Ok(out);
    }
    let mut args = vec![Arg::Int(council_id)];
    let mut alternatives = Vec::with_capacity(keys.len());
    for (day, identity, category) in keys {
        let n = args.len();
        alternatives.push(format!(
            "(w.day = ${} AND w.identity = ${} AND w.category = ${})",
            n + 1,
            n + 2,
            n + 3
        ));
        args.extend([
            Arg::Text(date_text(*day)),
            Arg::Text(identity.clone()),
            Arg::Text(category.clone()),
        ]);
    }
    let sql = format!(
        "SELECT w.id, w.day, w.identity, w.category, w.person_id, w.visits, w.first_seen, \
         w.last_seen, w.samples, p.reference AS person_ref, p.name AS person_name \
         FROM web_findings w LEFT JOIN people p ON p.council_id = w.council_id AND p.id = w.person_id \
         WHERE w.council_id = $1 AND ({}) ORDER BY w.id",
        alternatives.join(" OR ")
    );
    for row in tx.all(bound(&sql, &args)).await? {
        let c = Cols::new(&row, "web_findings");
        let key = (c.date("day")?, c.text("identity")?, c.text("category")?);
        let samples: Vec<String> = c.json("samples")?;
        let first_seen = c.time("first_seen")?;
        let last_seen = c.time("last_seen")?;
        let visits = c.int("visits")?;
        let person_id = c.opt_int("person_id")?;
        let person = c.opt_parsed("person_ref", "a person's reference")?;
        let person_name = c.opt_text("person_name")?;
        let cell = out.entry(key.clone()).or_insert_with(|| FindingCell {
            id: 0,
            identity: key.1.clone(),
            person_id: None,
            person: None,
            person_name: None,
            category: key.2.clone(),
            day: key.0,
            visits: 0,
            first_seen,
            last_seen,
            samples: Vec::new(),
        });
        cell.visits = cell.visits.saturating_add(visits);
        cell.first_seen = cell.first_seen.min(first_seen);
        cell.last_seen = cell.last_seen.max(last_seen);
        if cell.person_id.is_none() && person_id.is_some() {
            (cell.person_id, cell.person, cell.person_name) = (person_id, person, person_name);
        }
        for s in samples {
            if cell.samples.len() < SAMPLES && !cell.samples.contains(&s) {
                cell.samples.push(s);
            }
        }
    }
    Ok(out)
}

/// The council's requests of `kind` raised by any of `requesters`, oldest first.
pub(crate) async fn requests_of_kind_by(
    tx: &mut StoreTx,
    council_id: Id,
    kind: RequestKind,
    requesters: &[Id],
) -> RepoResult<Vec<Request>> {
    if requesters.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = vec![Arg::Int(council_id), Arg::Text(kind.as_str().to_string())];
    args.extend(requesters.iter().map(|id| Arg::Int(*id)));
    let marks: Vec<String> = (3..args.len() + 1).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {} FROM requests WHERE council_id = $1 AND kind = $2 AND requester_id IN ({}) \
         ORDER BY id",
        crate::workflow::requests::REQUEST,
        marks.join(", ")
    );
    tx.all(bound(&sql, &args))
        .await?
        .iter()
        .map(crate::workflow::requests::request)
        .collect()
}
