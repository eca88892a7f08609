//! Loans of equipment, their extensions and the charges raised against them.

use crate::listing::{Frag, Kept, KeyKind, ListSql, day_literal};
use crate::rows::{Cols, RowRef, date_text, opt_date_text};
use crate::search;
use crate::tx::StoreTx;
use chrono::NaiveDate;
use sqlx::any::AnyRow;
use steward_domain::listing::Listed;
use steward_domain::ops::kept::KeptCount;
use steward_domain::ops::loans::list::{LoanQuery, LoanRow, LoanShow, LoanSort, WEEK_DAYS};
use steward_domain::repo::NewLoan;
use steward_domain::{Approval, Charge, Extension, Id, Loan, Pence, RepoError, RepoResult};
use steward_policy::EquipmentKind;

pub(crate) const LOAN: &str = "id, council_id, equipment_id, person_id, issued_on, due_on, due_clause, \
                    recall_by, recall_clause, leaving_by, leaving_clause, returned_on, \
                    pack_version_id, ended_as";
const EXTENSION: &str = "id, loan_id, previous_due, new_due, reason, approvals, granted_on";
pub(crate) const CHARGE: &str = "id, loan_id, amount, raised_on, clause";

/// Newest first: the order people read a history of loans in.
const NEWEST_FIRST: &str = "ORDER BY issued_on DESC, id DESC";

pub(crate) fn loan<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<Loan> {
    let row: RowRef<'r> = row.into();
    let c = Cols::new(row, "loans");
    Ok(Loan {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        equipment_id: c.int("equipment_id")?,
        person_id: c.int("person_id")?,
        issued_on: c.date("issued_on")?,
        due_on: c.opt_date("due_on")?,
        due_clause: c.opt_text("due_clause")?,
        recall_by: c.opt_date("recall_by")?,
        recall_clause: c.opt_text("recall_clause")?,
        leaving_by: c.opt_date("leaving_by")?,
        leaving_clause: c.opt_text("leaving_clause")?,
        returned_on: c.opt_date("returned_on")?,
        pack_version_id: c.int("pack_version_id")?,
        ended_as: c.opt_word("ended_as")?,
    })
}

fn extension(row: &AnyRow) -> RepoResult<Extension> {
    let c = Cols::new(row, "extensions");
    Ok(Extension {
        id: c.int("id")?,
        loan_id: c.int("loan_id")?,
        previous_due: c.opt_date("previous_due")?,
        new_due: c.date("new_due")?,
        reason: c.text("reason")?,
        approvals: c.json("approvals")?,
        granted_on: c.date("granted_on")?,
    })
}

pub(crate) fn charge(row: &AnyRow) -> RepoResult<Charge> {
    let c = Cols::new(row, "charges");
    Ok(Charge {
        id: c.int("id")?,
        loan_id: c.int("loan_id")?,
        amount: Pence(c.int("amount")?),
        raised_on: c.date("raised_on")?,
        clause: c.text("clause")?,
    })
}

fn no_loan(loan_id: Id) -> impl FnOnce() -> String {
    move || format!("no loan has id {loan_id}")
}

pub(crate) async fn insert(tx: &mut StoreTx, council_id: Id, new: &NewLoan) -> RepoResult<Loan> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO loans (council_id, equipment_id, person_id, issued_on, due_on, due_clause,
                            pack_version_id, return_by, return_clause)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $5, $6) RETURNING {LOAN}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(new.equipment_id)
        .bind(new.person_id)
        .bind(date_text(new.issued_on))
        .bind(opt_date_text(new.due_on))
        .bind(new.due_clause.as_deref())
        .bind(new.pack_version_id);
    let row = tx.one(query, || "the loan was not stored".into()).await?;
    loan(&row)
}

pub(crate) async fn update(tx: &mut StoreTx, l: &Loan) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "UPDATE loans SET due_on = $3, due_clause = $4, recall_by = $5, recall_clause = $6,
                leaving_by = $7, leaving_clause = $8, returned_on = $9, ended_as = $10,
                return_by = $11, return_clause = $12
         WHERE id = $1 AND council_id = $2",
    )
    .bind(l.id)
    .bind(l.council_id)
    .bind(opt_date_text(l.due_on))
    .bind(l.due_clause.as_deref())
    .bind(opt_date_text(l.recall_by))
    .bind(l.recall_clause.as_deref())
    .bind(opt_date_text(l.leaving_by))
    .bind(l.leaving_clause.as_deref())
    .bind(opt_date_text(l.returned_on))
    .bind(l.ended_as.as_ref().map(crate::rows::word))
    .bind(l.return_by().map(|(date, _)| date_text(date)))
    .bind(l.return_by().map(|(_, clause)| clause.to_string()));
    tx.exec_one(query, no_loan(l.id)).await
}

/// Sets `return_by` and `return_clause` of every loan stored before they were kept: run once,
/// by the migration that added them, on the migration's own connection.
pub(crate) async fn fill_return_by(conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
    let sql = format!("SELECT {LOAN} FROM loans");
    let rows = sqlx::query(&sql).fetch_all(&mut *conn).await?;
    for row in &rows {
        let l = loan(row).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        if let Some((date, clause)) = l.return_by() {
            sqlx::query("UPDATE loans SET return_by = $2, return_clause = $3 WHERE id = $1")
                .bind(l.id)
                .bind(date_text(date))
                .bind(clause.to_string())
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

pub(crate) async fn by_id(tx: &mut StoreTx, council_id: Id, id: Id) -> RepoResult<Option<Loan>> {
    let sql = format!("SELECT {LOAN} FROM loans WHERE council_id = $1 AND id = $2");
    let query = sqlx::query(&sql).bind(council_id).bind(id);
    tx.optional(query).await?.as_ref().map(loan).transpose()
}

pub(crate) async fn list(
    tx: &mut StoreTx,
    council_id: Id,
    open_only: bool,
) -> RepoResult<Vec<Loan>> {
    let open = if open_only {
        "AND returned_on IS NULL"
    } else {
        ""
    };
    let sql = format!("SELECT {LOAN} FROM loans WHERE council_id = $1 {open} {NEWEST_FIRST}");
    let query = sqlx::query(&sql).bind(council_id);
    tx.all(query).await?.iter().map(loan).collect()
}

pub(crate) async fn of_person(
    tx: &mut StoreTx,
    council_id: Id,
    person_id: Id,
) -> RepoResult<Vec<Loan>> {
    let sql =
        format!("SELECT {LOAN} FROM loans WHERE council_id = $1 AND person_id = $2 {NEWEST_FIRST}");
    let query = sqlx::query(&sql).bind(council_id).bind(person_id);
    tx.all(query).await?.iter().map(loan).collect()
}

/// The kinds of the items on loan to any of `person_ids`, in the order they were lent.
pub(crate) async fn open_kinds_of(
    tx: &mut StoreTx,
    council_id: Id,
    person_ids: &[Id],
) -> RepoResult<Vec<EquipmentKind>> {
    if person_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (0..person_ids.len())
        .map(|i| format!("${}", i + 2))
        .collect();
    let sql = format!(
        "SELECT e.kind FROM loans l \
         JOIN equipment e ON e.council_id = l.council_id AND e.id = l.equipment_id \
         WHERE l.council_id = $1 AND l.returned_on IS NULL AND l.person_id IN ({}) \
         ORDER BY l.id",
        marks.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(council_id);
    for id in person_ids {
        query = query.bind(*id);
    }
    tx.all(query)
        .await?
        .iter()
        .map(|row| Cols::new(row, "equipment").parsed("kind", "a kind of equipment"))
        .collect()
}

pub(crate) async fn open_of_equipment(
    tx: &mut StoreTx,
    council_id: Id,
    equipment_id: Id,
) -> RepoResult<Option<Loan>> {
    let sql = format!(
        "SELECT {LOAN} FROM loans
         WHERE council_id = $1 AND equipment_id = $2 AND returned_on IS NULL"
    );
    let query = sqlx::query(&sql).bind(council_id).bind(equipment_id);
    tx.optional(query).await?.as_ref().map(loan).transpose()
}

// The council and the loan key the row; the rest are its fields.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_extension(
    tx: &mut StoreTx,
    council_id: Id,
    loan_id: Id,
    previous_due: Option<NaiveDate>,
    new_due: NaiveDate,
    reason: &str,
    approvals: &[Approval],
    granted_on: NaiveDate,
) -> RepoResult<Extension> {
    tx.writable()?;
    let approvals = serde_json::to_string(approvals)
        .map_err(|err| RepoError::Backend(format!("could not encode approvals: {err}")))?;
    let sql = format!(
        "INSERT INTO extensions (council_id, loan_id, previous_due, new_due, reason, approvals,
                                 granted_on)
         SELECT council_id, $1, $2, $3, $4, $5, $6 FROM loans WHERE council_id = $7 AND id = $1
         RETURNING {EXTENSION}"
    );
    let query = sqlx::query(&sql)
        .bind(loan_id)
        .bind(opt_date_text(previous_due))
        .bind(date_text(new_due))
        .bind(reason)
        .bind(approvals)
        .bind(date_text(granted_on))
        .bind(council_id);
    let row = tx.one(query, no_loan(loan_id)).await?;
    extension(&row)
}

pub(crate) async fn extensions(
    tx: &mut StoreTx,
    council_id: Id,
    loan_id: Id,
) -> RepoResult<Vec<Extension>> {
    let sql = format!(
        "SELECT {EXTENSION} FROM extensions WHERE council_id = $1 AND loan_id = $2
         ORDER BY granted_on, id"
    );
    let query = sqlx::query(&sql).bind(council_id).bind(loan_id);
    tx.all(query).await?.iter().map(extension).collect()
}

pub(crate) async fn insert_charge(
    tx: &mut StoreTx,
    council_id: Id,
    loan_id: Id,
    amount: Pence,
    raised_on: NaiveDate,
    clause: &str,
) -> RepoResult<Charge> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO charges (council_id, loan_id, amount, raised_on, clause)
         SELECT council_id, $1, $2, $3, $4 FROM loans WHERE council_id = $5 AND id = $1
         RETURNING {CHARGE}"
    );
    let query = sqlx::query(&sql)
        .bind(loan_id)
        .bind(amount.0)
        .bind(date_text(raised_on))
        .bind(clause)
        .bind(council_id);
    let row = tx.one(query, no_loan(loan_id)).await?;
    charge(&row)
}

pub(crate) async fn charges(
    tx: &mut StoreTx,
    council_id: Id,
    loan_id: Id,
) -> RepoResult<Vec<Charge>> {
    let sql = format!(
        "SELECT {CHARGE} FROM charges WHERE council_id = $1 AND loan_id = $2
         ORDER BY raised_on, id"
    );
    let query = sqlx::query(&sql).bind(council_id).bind(loan_id);
    tx.all(query).await?.iter().map(charge).collect()
}

/// The most loans the list of every loan counts.
const ALL_LOANS_COUNTED: u64 = 100_000;

/// Each loan with its borrower and item.
const LISTED_FROM: &str = "loans l \
     JOIN people p ON p.council_id = l.council_id AND p.id = l.person_id \
     JOIN equipment e ON e.council_id = l.council_id AND e.id = l.equipment_id";

/// Which loans `show` keeps on `today`, by the return-by date the store keeps on each loan.
///
/// The days are written into the statement: they keep a few of thousands of open loans, which
/// a plan sees only when it sees the day, and then finds by the return-by index.
fn shown(show: LoanShow, today: NaiveDate) -> Option<Frag> {
    let day = day_literal(today);
    let condition = match show {
        LoanShow::Open => "l.returned_on IS NULL".to_string(),
        LoanShow::Overdue => format!("l.returned_on IS NULL AND l.return_by < {day}"),
        LoanShow::DueThisWeek => {
            let last = today
                .checked_add_days(chrono::Days::new(WEEK_DAYS - 1))
                .unwrap_or(today);
            let last = day_literal(last);
            format!("l.returned_on IS NULL AND l.return_by >= {day} AND l.return_by <= {last}")
        }
        LoanShow::All => return None,
    };
    Some(Frag::new(condition, Vec::new()))
}

/// The loans list's SQL. Each sort's expression is the one its index is built on.
fn list_sql(council_id: Id, query: &LoanQuery, today: NaiveDate) -> ListSql {
    let (sort, kind) = match query.sort {
        LoanSort::Number => ("l.id", KeyKind::Int),
        LoanSort::LentOn => ("l.issued_on", KeyKind::Text),
        LoanSort::ReturnBy => ("COALESCE(l.return_by, '9999-12-31')", KeyKind::Text),
        LoanSort::ReturnedOn => ("COALESCE(l.returned_on, '')", KeyKind::Text),
    };
    let select = Frag::new(
        "l.id, l.council_id, l.equipment_id, l.person_id, l.issued_on, l.due_on, \
         l.due_clause, l.recall_by, l.recall_clause, l.leaving_by, l.leaving_clause, \
         l.returned_on, l.pack_version_id, l.ended_as, p.reference, p.name AS person_name, \
         e.asset_tag, e.kind",
        Vec::new(),
    );
    let mut sql = ListSql::new(select, LISTED_FROM, sort, kind, "l.id");
    // Every loan has exactly one borrower and one item, and no condition names them, so the
    // count reads the loans alone.
    sql.count_from("loans l");
    sql.eq("l.council_id", council_id);
    match shown(query.filter.show, today) {
        Some(condition) => {
            sql.and(condition);
        }
        // Every loan ever made grows without end; past this the list says "more than".
        None => {
            sql.count_at_most(ALL_LOANS_COUNTED);
        }
    }
    if let Some(person) = query.filter.person {
        sql.eq("l.person_id", person);
    }
    if let Some(item) = query.filter.equipment {
        sql.eq("l.equipment_id", item);
    }
    sql.search(
        council_id,
        &query.search,
        &[
            (search::PERSON, "l.person_id"),
            (search::EQUIPMENT, "l.equipment_id"),
        ],
    );
    sql
}

/// A page of the loans list, each sort's expression the one its index is built on; counted,
/// or its count taken from `kept` (see `ListSql::fetch_kept`).
pub(crate) async fn list_page(
    tx: &mut StoreTx,
    council_id: Id,
    query: &LoanQuery,
    today: NaiveDate,
    kept: Option<KeptCount<'_>>,
) -> RepoResult<Listed<LoanRow>> {
    let sql = list_sql(council_id, query, today);
    let kept = kept.map(|count| Kept { council_id, count });
    sql.fetch_kept(tx, &query.window, query.direction, kept, |row| {
        let c = Cols::new(row, "loans");
        Ok(LoanRow {
            loan: loan(row)?,
            person: c.parsed("reference", "a person reference")?,
            person_name: c.text("person_name")?,
            asset_tag: c.parsed("asset_tag", "an asset tag")?,
            kind: c.parsed("kind", "a kind of equipment")?,
        })
    })
    .await
}
