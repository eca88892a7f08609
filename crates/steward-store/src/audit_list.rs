//! The audit log paged in the database, and the names its records mention, read a page at a
//! time.

use crate::audit::{RECORD, record};
use crate::listing::{Arg, Frag, KeyKind, ListSql};
use crate::packed::{Lookups, Page};
use crate::rows::{Cols, RowRef, time_text};
use crate::tx::StoreTx;
use std::collections::BTreeSet;
use steward_domain::audit::AuditRecord;
use steward_domain::listing::{Listed, SortValue, Total, Toward};
use steward_domain::ops::audit_log::{AuditLogFilter, AuditLogQuery, NameKeys, Names, UserName};
use steward_domain::{Id, RepoResult};

/// A filtered list's count stops here, so that a page costs the same however long the chain
/// is, and a page says "of more than 1,000". The unfiltered list is not counted at all: the
/// chain's head holds the sequence number of its last record, which is how many there are.
const COUNT_CAP: u64 = 1_000;

/// A page of the council's audit log, by sequence number: the record's key, so each filter's
/// index `(council_id, <column>, seq)` (migration 14) serves a page as one range of it whatever
/// the chain's length. A range of times is listed by time, ties by seq, from the index
/// `(council_id, at, seq)`: ordering by seq there would sort every record in the range. For
/// records written as they happen the two orders agree.
pub(crate) async fn list_page(
    tx: &mut StoreTx,
    council_id: Id,
    query: &AuditLogQuery,
) -> RepoResult<Listed<AuditRecord>> {
    let f = &query.filter;
    let by_time = f.from.is_some() || f.to.is_some();
    let (sort, kind) = if by_time {
        ("at", KeyKind::Text)
    } else {
        ("seq", KeyKind::Int)
    };
    let mut sql = ListSql::new(
        Frag::new(RECORD, Vec::new()),
        "audit_events",
        sort,
        kind,
        "seq",
    );
    sql.eq("council_id", council_id).rows_on_postgres();
    if let Some(entity) = &f.entity {
        sql.eq("entity", entity.as_str());
    }
    if let Some(id) = &f.entity_id {
        sql.eq("entity_id", id.as_str());
    }
    if let Some(action) = &f.action {
        sql.eq("action", action.as_str());
    }
    if let Some(actor) = &f.actor {
        sql.eq("actor", actor.as_str());
    }
    // Timestamps are stored in one fixed-width UTC form, so text order is time order. A bound
    // the cursor already implies is left out, so that SQLite's planner ranges over the
    // cursor's bound rather than the range's.
    let (from, to) = (f.from.map(time_text), f.to.map(time_text));
    let (cursor_floor, cursor_ceiling) = cursor_bounds(query);
    if let Some(from) = from
        && cursor_floor.as_ref().is_none_or(|floor| *floor < from)
    {
        sql.and(Frag::new("at >= ?", vec![Arg::Text(from)]));
    }
    if let Some(to) = to
        && cursor_ceiling.as_ref().is_none_or(|ceiling| *ceiling > to)
    {
        sql.and(Frag::new("at <= ?", vec![Arg::Text(to)]));
    }
    if *f == AuditLogFilter::default() {
        // Records are numbered from 1 without gaps and never deleted (the database refuses
        // it; erasure keeps the record), so the head's sequence number is the count. A
        // transaction that has appended holds the head in memory until it commits; any other
        // reads it in the page's statement (a council without records has no head: MAX over
        // no row gives NULL, taken as 0).
        match tx.held_head(council_id) {
            Some(head) => {
                sql.known_total(Some(Total::Exactly(u64::try_from(head.seq).unwrap_or(0))))
            }
            None => sql.count_by(Frag::new(
                "SELECT COALESCE(MAX(seq), 0) AS n FROM audit_heads WHERE council_id = ?",
                vec![Arg::Int(council_id)],
            )),
        };
    } else {
        sql.count_at_most(COUNT_CAP);
    }
    sql.fetch(tx, &query.window, query.direction, |row| record(row))
        .await
}

/// The time a page's cursor holds, as the lowest or the highest time the page can reach.
fn cursor_bounds(query: &AuditLogQuery) -> (Option<String>, Option<String>) {
    let Some(cursor) = &query.window.from else {
        return (None, None);
    };
    let SortValue::Text(at) = &cursor.value else {
        return (None, None);
    };
    // Rows come after the cursor in list order: above it ascending, below it descending.
    let upward = query.direction.is_descending() == (cursor.toward == Toward::Before);
    if upward {
        (Some(at.clone()), None)
    } else {
        (None, Some(at.clone()))
    }
}

/// `column IN (?, ...)` over `n` values, or a condition that is never true when there are
/// none.
fn within(column: &str, n: usize) -> String {
    if n == 0 {
        "1 = 0".to_string()
    } else {
        format!("{column} IN ({})", vec!["?"; n].join(", "))
    }
}

fn ints(values: &BTreeSet<Id>) -> Vec<Arg> {
    values.iter().map(|v| Arg::Int(*v)).collect()
}

fn texts(values: &BTreeSet<String>) -> Vec<Arg> {
    values.iter().map(|v| Arg::Text(v.clone())).collect()
}

/// The council's id, then `args`.
fn of_council(council_id: Id, args: Vec<Arg>) -> Vec<Arg> {
    let mut all = vec![Arg::Int(council_id)];
    all.extend(args);
    all
}

/// Adds the look-up of `columns` of the council's rows of `table` with these ids, in id order
/// so that SQLite looks each up by its key rather than reading the council's rows through a
/// covering index; none when there are no ids.
fn by_ids(
    lookups: &mut Lookups,
    council_id: Id,
    table: &str,
    columns: &str,
    ids: &BTreeSet<Id>,
) -> RepoResult<Option<usize>> {
    if ids.is_empty() {
        return Ok(None);
    }
    let rest = format!(
        "FROM {table} WHERE council_id = ? AND {} ORDER BY id",
        within("id", ids.len())
    );
    let args = of_council(council_id, ints(ids));
    lookups.add(columns, Frag::new(rest, args), "").map(Some)
}

/// The names behind `keys`, every kind read in one statement whatever the page holds.
pub(crate) async fn names(tx: &mut StoreTx, council_id: Id, keys: &NameKeys) -> RepoResult<Names> {
    let mut lookups = Lookups::default();
    let people = if keys.person_ids.is_empty() && keys.person_refs.is_empty() {
        None
    } else {
        // Two look-ups, each by its own index: with an OR between them SQLite would read
        // every person of the council through the council's index instead.
        let mut args = of_council(council_id, ints(&keys.person_ids));
        args.extend(of_council(council_id, texts(&keys.person_refs)));
        let rest = format!(
            "FROM people WHERE council_id = ? AND {} \
             UNION ALL SELECT id, name, reference FROM people WHERE council_id = ? AND {}",
            within("id", keys.person_ids.len()),
            within("reference", keys.person_refs.len())
        );
        Some(lookups.add("id, name, reference", Frag::new(rest, args), "")?)
    };
    let equipment = by_ids(
        &mut lookups,
        council_id,
        "equipment",
        "id, asset_tag",
        &keys.equipment_ids,
    )?;
    let users = if keys.user_ids.is_empty() && keys.usernames.is_empty() {
        None
    } else {
        let rest = format!(
            "FROM users u LEFT JOIN people p ON p.council_id = u.council_id AND p.id = u.person_id \
             WHERE u.council_id = ? AND ({} OR {})",
            within("u.id", keys.user_ids.len()),
            within("u.username", keys.usernames.len())
        );
        let mut args = of_council(council_id, ints(&keys.user_ids));
        args.extend(texts(&keys.usernames));
        let columns = "u.id, u.username, u.role, p.name";
        Some(lookups.add(columns, Frag::new(rest, args), "")?)
    };
    let versions = by_ids(
        &mut lookups,
        council_id,
        "pack_versions",
        "id, number",
        &keys.pack_version_ids,
    )?;
    let pages = lookups.run(tx).await?;
    let part = |at: Option<usize>| at.and_then(|i| pages.get(i));
    read_names([part(people), part(equipment), part(users), part(versions)])
}

/// The rows of a look-up's page, none when it was not asked.
fn rows(page: Option<&Page>) -> impl Iterator<Item = RowRef<'_>> {
    page.into_iter().flat_map(Page::rows)
}

/// The names from the pages of [`names`]' look-ups: people, items, accounts and policy
/// versions, each absent when nothing on the page mentioned one.
fn read_names([people, equipment, users, versions]: [Option<&Page>; 4]) -> RepoResult<Names> {
    let mut names = Names::default();
    for row in rows(people) {
        let c = Cols::new(row, "people");
        let (name, reference) = (c.text("name")?, c.text("reference")?);
        names.people_by_ref.insert(reference.clone(), name.clone());
        names.people.insert(c.int("id")?, (name, reference));
    }
    for row in rows(equipment) {
        let c = Cols::new(row, "equipment");
        names.equipment.insert(c.int("id")?, c.text("asset_tag")?);
    }
    for row in rows(users) {
        let c = Cols::new(row, "users");
        let username = c.text("username")?;
        names.users.insert(c.int("id")?, username.clone());
        let user = UserName {
            role: c.text("role")?,
            person_name: c.opt_text("name")?,
        };
        names.accounts.insert(username, user);
    }
    for row in rows(versions) {
        let c = Cols::new(row, "pack_versions");
        names.pack_versions.insert(c.int("id")?, c.int("number")?);
    }
    Ok(names)
}
