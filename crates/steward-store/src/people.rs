//! People, their terms and the offices they hold.

use crate::listing::{Arg, Frag, Kept, KeyKind, ListSql, day_literal};
use crate::rows::{Cols, RowRef, date_text, opt_date_text, qualified};
use crate::search;
use crate::tx::StoreTx;
use chrono::NaiveDate;
use sqlx::any::AnyRow;
use steward_domain::listing::Listed;
use steward_domain::ops::kept::KeptCount;
use steward_domain::ops::people::list::{PeopleQuery, PeopleSort, PersonListed};
use steward_domain::repo::NewPerson;
use steward_domain::{Id, OfficeHolding, Person, PersonRef, RepoError, RepoResult, Term};
use steward_policy::{OfficeId, TermEndReason};

pub(crate) const PERSON: &str = "id, council_id, reference, name, kind, email, household";
const TERM: &str = "id, person_id, starts, ends, end_reason";
const OFFICE: &str = "id, person_id, office, starts, ends";

pub(crate) fn person<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<Person> {
    let row: RowRef<'r> = row.into();
    let c = Cols::new(row, "people");
    Ok(Person {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        reference: c.parsed("reference", "a person reference")?,
        name: c.text("name")?,
        kind: c.parsed("kind", "a kind of person")?,
        email: c.opt_text("email")?,
        household: c.opt_text("household")?,
    })
}

pub(crate) fn term(row: &AnyRow) -> RepoResult<Term> {
    let c = Cols::new(row, "terms");
    Ok(Term {
        id: c.int("id")?,
        person_id: c.int("person_id")?,
        starts: c.date("starts")?,
        ends: c.opt_date("ends")?,
        end_reason: c.opt_parsed("end_reason", "a reason a term ended")?,
    })
}

fn office(row: &AnyRow) -> RepoResult<OfficeHolding> {
    let c = Cols::new(row, "office_holdings");
    let office = c.text("office")?;
    if !OfficeId::is_well_formed(&office) {
        return Err(RepoError::Corrupt(
            "office_holdings.office does not hold an office identifier".into(),
        ));
    }
    Ok(OfficeHolding {
        id: c.int("id")?,
        person_id: c.int("person_id")?,
        office: OfficeId(office),
        starts: c.date("starts")?,
        ends: c.opt_date("ends")?,
    })
}

fn no_person(person_id: Id) -> impl FnOnce() -> String {
    move || format!("no person has id {person_id}")
}

pub(crate) async fn insert(
    tx: &mut StoreTx,
    council_id: Id,
    new: &NewPerson,
) -> RepoResult<Person> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO people (council_id, reference, name, kind, email, household)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {PERSON}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(new.reference.as_str())
        .bind(new.name.as_str())
        .bind(new.kind.as_str())
        .bind(new.email.as_deref())
        .bind(new.household.as_deref());
    let row = tx
        .one(query, || format!("no council has id {council_id}"))
        .await?;
    let made = person(&row)?;
    let words = search::of_person(&made);
    search::index(tx, council_id, search::PERSON, made.id, &words, false).await?;
    Ok(made)
}

pub(crate) async fn update(tx: &mut StoreTx, p: &Person) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "UPDATE people SET reference = $3, name = $4, kind = $5, email = $6, household = $7
         WHERE id = $1 AND council_id = $2",
    )
    .bind(p.id)
    .bind(p.council_id)
    .bind(p.reference.as_str())
    .bind(p.name.as_str())
    .bind(p.kind.as_str())
    .bind(p.email.as_deref())
    .bind(p.household.as_deref());
    tx.exec_one(query, no_person(p.id)).await?;
    let words = search::of_person(p);
    search::index(tx, p.council_id, search::PERSON, p.id, &words, true).await
}

pub(crate) async fn by_ref(
    tx: &mut StoreTx,
    council_id: Id,
    reference: &PersonRef,
) -> RepoResult<Option<Person>> {
    let sql = format!("SELECT {PERSON} FROM people WHERE council_id = $1 AND reference = $2");
    let query = sqlx::query(&sql).bind(council_id).bind(reference.as_str());
    tx.optional(query).await?.as_ref().map(person).transpose()
}

pub(crate) async fn by_id(tx: &mut StoreTx, council_id: Id, id: Id) -> RepoResult<Option<Person>> {
    let sql = format!("SELECT {PERSON} FROM people WHERE council_id = $1 AND id = $2");
    let query = sqlx::query(&sql).bind(council_id).bind(id);
    tx.optional(query).await?.as_ref().map(person).transpose()
}

pub(crate) async fn list(tx: &mut StoreTx, council_id: Id) -> RepoResult<Vec<Person>> {
    let sql = format!("SELECT {PERSON} FROM people WHERE council_id = $1 ORDER BY reference");
    let query = sqlx::query(&sql).bind(council_id);
    tx.all(query).await?.iter().map(person).collect()
}

/// Everyone holding one of `offices` on `day`: the office index narrows to the offices, and
/// the people come by their key.
pub(crate) async fn holding(
    tx: &mut StoreTx,
    council_id: Id,
    offices: &[OfficeId],
    day: NaiveDate,
) -> RepoResult<Vec<Person>> {
    if offices.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (0..offices.len()).map(|i| format!("${}", i + 3)).collect();
    let columns = qualified(PERSON, "p");
    let sql = format!(
        "SELECT DISTINCT {cols} FROM office_holdings h
         JOIN people p ON p.council_id = h.council_id AND p.id = h.person_id
         WHERE h.council_id = $1 AND h.starts <= $2 AND (h.ends IS NULL OR h.ends >= $2)
           AND h.office IN ({marks})
         ORDER BY p.name, p.id",
        cols = columns,
        marks = marks.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(council_id).bind(date_text(day));
    for office in offices {
        query = query.bind(office.as_str());
    }
    tx.all(query).await?.iter().map(person).collect()
}

pub(crate) async fn household(
    tx: &mut StoreTx,
    council_id: Id,
    household: &str,
) -> RepoResult<Vec<Person>> {
    let sql = format!(
        "SELECT {PERSON} FROM people WHERE council_id = $1 AND household = $2 ORDER BY reference"
    );
    let query = sqlx::query(&sql).bind(council_id).bind(household);
    tx.all(query).await?.iter().map(person).collect()
}

pub(crate) async fn insert_term(
    tx: &mut StoreTx,
    council_id: Id,
    person_id: Id,
    starts: NaiveDate,
    ends: Option<NaiveDate>,
) -> RepoResult<Term> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO terms (council_id, person_id, starts, ends)
         SELECT council_id, $1, $2, $3 FROM people WHERE council_id = $4 AND id = $1 RETURNING {TERM}"
    );
    let query = sqlx::query(&sql)
        .bind(person_id)
        .bind(date_text(starts))
        .bind(opt_date_text(ends))
        .bind(council_id);
    let row = tx.one(query, no_person(person_id)).await?;
    term(&row)
}

pub(crate) async fn end_term(
    tx: &mut StoreTx,
    council_id: Id,
    term_id: Id,
    ends: NaiveDate,
    reason: TermEndReason,
) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "UPDATE terms SET ends = $2, end_reason = $3 WHERE council_id = $4 AND id = $1",
    )
    .bind(term_id)
    .bind(date_text(ends))
    .bind(reason.as_str())
    .bind(council_id);
    tx.exec_one(query, || format!("no term has id {term_id}"))
        .await
}

pub(crate) async fn terms(
    tx: &mut StoreTx,
    council_id: Id,
    person_id: Id,
) -> RepoResult<Vec<Term>> {
    let sql = format!(
        "SELECT {TERM} FROM terms WHERE council_id = $1 AND person_id = $2 ORDER BY starts, id"
    );
    let query = sqlx::query(&sql).bind(council_id).bind(person_id);
    tx.all(query).await?.iter().map(term).collect()
}

pub(crate) async fn insert_office(
    tx: &mut StoreTx,
    council_id: Id,
    person_id: Id,
    office_id: &OfficeId,
    starts: NaiveDate,
    ends: Option<NaiveDate>,
) -> RepoResult<OfficeHolding> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO office_holdings (council_id, person_id, office, starts, ends)
         SELECT council_id, $1, $2, $3, $4 FROM people WHERE council_id = $5 AND id = $1
         RETURNING {OFFICE}"
    );
    let query = sqlx::query(&sql)
        .bind(person_id)
        .bind(office_id.as_str())
        .bind(date_text(starts))
        .bind(opt_date_text(ends))
        .bind(council_id);
    let row = tx.one(query, no_person(person_id)).await?;
    office(&row)
}

pub(crate) async fn end_office(
    tx: &mut StoreTx,
    council_id: Id,
    holding_id: Id,
    ends: NaiveDate,
) -> RepoResult<()> {
    tx.writable()?;
    let query =
        sqlx::query("UPDATE office_holdings SET ends = $2 WHERE council_id = $3 AND id = $1")
            .bind(holding_id)
            .bind(date_text(ends))
            .bind(council_id);
    tx.exec_one(query, || format!("no office holding has id {holding_id}"))
        .await
}

pub(crate) async fn offices(
    tx: &mut StoreTx,
    council_id: Id,
    person_id: Id,
) -> RepoResult<Vec<OfficeHolding>> {
    let sql = format!(
        "SELECT {OFFICE} FROM office_holdings WHERE council_id = $1 AND person_id = $2
         ORDER BY starts, id"
    );
    let query = sqlx::query(&sql).bind(council_id).bind(person_id);
    tx.all(query).await?.iter().map(office).collect()
}

/// Whether a term of the person `p` covers `day`: a condition of a list, with the day written
/// in (see [`crate::listing::literal`]) so that the plan sees it keeps nearly every person.
pub(crate) fn in_office(day: NaiveDate) -> Frag {
    let covers = term_covers(&day_literal(day));
    Frag::new(
        format!("EXISTS (SELECT 1 FROM terms t WHERE {covers})"),
        Vec::new(),
    )
}

/// A term `t` of the person `p` that covers the day `day` (a literal, or `?` to bind it).
fn term_covers(day: &str) -> String {
    format!(
        "t.council_id = p.council_id AND t.person_id = p.id \
         AND t.starts <= {day} AND (t.ends IS NULL OR t.ends >= {day})"
    )
}

fn day_twice(day: NaiveDate) -> Vec<Arg> {
    let day = date_text(day);
    vec![day.clone().into(), day.into()]
}

/// 1 when a term of the person `p` covers `day`, else 0: a column of a list. It is a scalar
/// look-up rather than `EXISTS`, which PostgreSQL's planner, counting every person the page
/// is cut from, answered by reading every term into a hash before the page's 50 rows.
fn in_office_flag(day: NaiveDate) -> Frag {
    let covers = term_covers("?");
    Frag::new(
        format!("COALESCE((SELECT 1 FROM terms t WHERE {covers} LIMIT 1), 0) AS in_office"),
        day_twice(day),
    )
}

/// A page of the people list, each sort's expression the one its index is built on; counted,
/// or its count taken from `kept` (see `ListSql::fetch_kept`).
pub(crate) async fn list_page(
    tx: &mut StoreTx,
    council_id: Id,
    query: &PeopleQuery,
    on: NaiveDate,
    kept: Option<KeptCount<'_>>,
) -> RepoResult<Listed<PersonListed>> {
    let sql = list_sql(council_id, query, on);
    let kept = kept.map(|count| Kept { council_id, count });
    sql.fetch_kept(tx, &query.window, query.direction, kept, |row| {
        Ok(PersonListed {
            person: person(row)?,
            in_office: Cols::new(row, "people").int("in_office")? == 1,
        })
    })
    .await
}

fn list_sql(council_id: Id, query: &PeopleQuery, on: NaiveDate) -> ListSql {
    let (sort, kind) = match query.sort {
        PeopleSort::Reference => ("p.reference", KeyKind::Text),
        PeopleSort::Name => ("lower(p.name)", KeyKind::Text),
        PeopleSort::Kind => ("p.kind", KeyKind::Text),
    };
    let serving = in_office(on);
    let flag = in_office_flag(on);
    let select = Frag::new(
        format!(
            "p.id, p.council_id, p.reference, p.name, p.kind, p.email, p.household, {}",
            flag.sql()
        ),
        flag.args().to_vec(),
    );
    let mut sql = ListSql::new(select, "people p", sort, kind, "p.id");
    sql.eq("p.council_id", council_id);
    if let Some(k) = query.filter.kind {
        sql.eq("p.kind", k.as_str());
    }
    match query.filter.in_office {
        Some(true) => {
            sql.and(serving);
        }
        Some(false) => {
            sql.and(serving.negated());
        }
        None => {}
    }
    sql.search(council_id, &query.search, &[(search::PERSON, "p.id")]);
    sql
}

/// Rows one multi-row insert takes: well within either backend's limit on parameters, and
/// large enough that an import's round trips to the database are few.
const INSERT_BATCH: usize = 200;

/// `($1, $2, …), ($n, …)`: the placeholders of `rows` rows of `width` values each.
pub(crate) fn placeholders(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Adds many people at once, a few hundred to a statement, and returns them in the order
/// given. Each is indexed for search as [`insert`] does.
pub(crate) async fn insert_many(
    tx: &mut StoreTx,
    council_id: Id,
    news: &[NewPerson],
) -> RepoResult<Vec<Person>> {
    tx.writable()?;
    let mut made = Vec::with_capacity(news.len());
    for chunk in news.chunks(INSERT_BATCH) {
        let sql = format!(
            "INSERT INTO people (council_id, reference, name, kind, email, household)
             VALUES {} RETURNING {PERSON}",
            placeholders(chunk.len(), 6)
        );
        let mut query = sqlx::query(&sql);
        for new in chunk {
            query = query
                .bind(council_id)
                .bind(new.reference.as_str())
                .bind(new.name.as_str())
                .bind(new.kind.as_str())
                .bind(new.email.as_deref())
                .bind(new.household.as_deref());
        }
        // Neither backend promises RETURNING in the order of VALUES: match by reference,
        // which is unique in the council.
        let mut rows: std::collections::HashMap<String, Person> = tx
            .all(query)
            .await?
            .iter()
            .map(|row| person(row).map(|p| (p.reference.to_string(), p)))
            .collect::<RepoResult<_>>()?;
        for new in chunk {
            let p = rows
                .remove(new.reference.as_str())
                .ok_or_else(|| RepoError::Backend(format!("{} was not stored", new.reference)))?;
            made.push(p);
        }
    }
    for p in &made {
        let words = search::of_person(p);
        search::index(tx, council_id, search::PERSON, p.id, &words, false).await?;
    }
    Ok(made)
}

/// Opens one term for each of many people at once, returned in the order given.
pub(crate) async fn insert_terms(
    tx: &mut StoreTx,
    council_id: Id,
    terms: &[(Id, NaiveDate, Option<NaiveDate>)],
) -> RepoResult<Vec<Term>> {
    tx.writable()?;
    let mut made = Vec::with_capacity(terms.len());
    for chunk in terms.chunks(INSERT_BATCH) {
        let sql = format!(
            "INSERT INTO terms (council_id, person_id, starts, ends) VALUES {} RETURNING {TERM}",
            placeholders(chunk.len(), 4)
        );
        let mut query = sqlx::query(&sql);
        for (person_id, starts, ends) in chunk {
            query = query
                .bind(council_id)
                .bind(*person_id)
                .bind(date_text(*starts))
                .bind(opt_date_text(*ends));
        }
        // Each person here gets one term: match by person.
        let mut rows: std::collections::HashMap<Id, Term> = tx
            .all(query)
            .await?
            .iter()
            .map(|row| term(row).map(|t| (t.person_id, t)))
            .collect::<RepoResult<_>>()?;
        for (person_id, _, _) in chunk {
            let t = rows.remove(person_id).ok_or_else(|| {
                RepoError::Backend(format!("a term of person {person_id} was not stored"))
            })?;
            made.push(t);
        }
    }
    Ok(made)
}
