//! The register of information requests paged in SQL, within the viewer's [`Scope`], and the
//! pauses and helpers of a page read in one statement each.

use super::rows::{HELPER_COLUMNS, PAUSE, REQUEST, helper, pause, request};
use crate::listing::{Arg, Frag, KeyKind, ListSql, bound};
use crate::rows::Cols;
use crate::search;
use crate::tx::StoreTx;
use steward_domain::auth::Scope;
use steward_domain::info::{InfoHelper, InfoPause};
use steward_domain::listing::Listed;
use steward_domain::ops::info::list::{InfoListed, InfoQuery, InfoSort};
use steward_domain::{Id, RepoResult};

/// Where a request's handling offices are kept as rows.
pub(crate) const HANDLERS: &str = "information_request_handlers (council_id, request_id, office)";

fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// The requests `scope` admits, as [`Scope::admits_handled_by`] says in Rust.
fn scope_condition(scope: &Scope) -> Option<Frag> {
    match scope {
        Scope::Everything => None,
        Scope::Offices { offices, .. } if !offices.is_empty() => Some(Frag::new(
            format!(
                "EXISTS (SELECT 1 FROM information_request_handlers h \
                 WHERE h.council_id = i.council_id AND h.request_id = i.id \
                 AND h.office IN ({}))",
                marks(offices.len())
            ),
            offices.iter().map(|o| Arg::from(o.as_str())).collect(),
        )),
        _ => Some(Frag::new("1 = 0", Vec::new())),
    }
}

pub(crate) async fn page(
    tx: &mut StoreTx,
    council_id: Id,
    scope: &Scope,
    query: &InfoQuery,
) -> RepoResult<Listed<InfoListed>> {
    let (sort, kind) = match query.sort {
        InfoSort::Received => ("i.received_on", KeyKind::Text),
        InfoSort::Reference => ("i.reference", KeyKind::Text),
        InfoSort::Kind => ("i.kind", KeyKind::Text),
    };
    let columns: Vec<String> = REQUEST
        .split(',')
        .map(|c| format!("i.{}", c.trim()))
        .collect();
    let select = Frag::new(
        format!(
            "{}, sp.reference AS subject_reference, sp.name AS subject_name",
            columns.join(", ")
        ),
        Vec::new(),
    );
    let from = "information_requests i \
        LEFT JOIN people sp ON sp.council_id = i.council_id AND sp.id = i.subject_id";
    let mut sql = ListSql::new(select, from, sort, kind, "i.id");
    sql.eq("i.council_id", council_id);
    if let Some(condition) = scope_condition(scope) {
        sql.and(condition);
    }
    let f = &query.filter;
    if !f.kinds.is_empty() {
        sql.and(Frag::new(
            format!("i.kind IN ({})", marks(f.kinds.len())),
            f.kinds.iter().map(|k| Arg::from(k.as_str())).collect(),
        ));
    }
    match f.open {
        Some(true) => {
            sql.and(Frag::new("i.closed_on IS NULL", Vec::new()));
        }
        Some(false) => {
            sql.and(Frag::new("i.closed_on IS NOT NULL", Vec::new()));
        }
        None => {}
    }
    sql.search_numbered(
        council_id,
        &query.search,
        &[
            (search::PERSON, "i.subject_id"),
            (search::INFO_REQUEST, "i.id"),
        ],
        // Its own reference (FOI-2027-0003) is among its indexed words.
        None,
    );
    sql.fetch(tx, &query.window, query.direction, |row| {
        let c = Cols::new(row, "information_requests");
        Ok(InfoListed {
            request: request(row)?,
            subject_ref: c.opt_text("subject_reference")?,
            subject_name: c.opt_text("subject_name")?,
        })
    })
    .await
}

/// `IN ($1, ...)` over ids, which are numbers and so written out.
fn id_list(ids: &[Id]) -> String {
    ids.iter().map(Id::to_string).collect::<Vec<_>>().join(", ")
}

pub(crate) async fn pauses_of(
    tx: &mut StoreTx,
    council_id: Id,
    ids: &[Id],
) -> RepoResult<Vec<InfoPause>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {PAUSE} FROM information_request_pauses WHERE council_id = $1 AND request_id IN ({})
         ORDER BY request_id, id",
        id_list(ids)
    );
    let rows = tx.all(bound(&sql, &[Arg::Int(council_id)])).await?;
    rows.iter().map(pause).collect()
}

pub(crate) async fn helpers_of(
    tx: &mut StoreTx,
    council_id: Id,
    ids: &[Id],
) -> RepoResult<Vec<(InfoHelper, String, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {HELPER_COLUMNS}, p.reference AS person_reference, p.name AS person_name
         FROM information_request_helpers h
         JOIN people p ON p.council_id = h.council_id AND p.id = h.person_id
         WHERE h.council_id = $1 AND h.request_id IN ({}) ORDER BY h.request_id, h.id",
        id_list(ids)
    );
    let rows = tx.all(bound(&sql, &[Arg::Int(council_id)])).await?;
    rows.iter()
        .map(|row| {
            let c = Cols::new(row, "information_request_helpers");
            Ok((
                helper(row)?,
                c.text("person_reference")?,
                c.text("person_name")?,
            ))
        })
        .collect()
}
