//! The bill and statement lists, paged in SQL. A page's rows come with their line, phone and
//! person by joins; what a page also shows (each bill's holders and totals, each statement's
//! payments) comes in one more statement for the whole page, never one per row.

use super::statements::payment;
use crate::listing::{Arg, Frag, KeyKind, ListSql, bound};
use crate::rows::{Cols, RowRef};
use crate::search;
use crate::tx::StoreTx;
use std::collections::BTreeMap;
use steward_domain::listing::Listed;
use steward_domain::phones::lists::{BillQuery, BillSort, StatementQuery, StatementSort};
use steward_domain::phones::views::{BillView, HolderShare, StatementView, total};
use steward_domain::phones::{PhoneNumber, PhonePayment};
use steward_domain::{Id, Pence, RepoResult};
use steward_policy::Citation;

/// `$from, $from+1, ...` for `n` values.
fn marks(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The council and the ids, as bound to `council_id = $1 AND x IN ($2, ...)`.
fn council_and(council_id: Id, ids: &[Id]) -> Vec<Arg> {
    std::iter::once(Arg::Int(council_id))
        .chain(ids.iter().map(|id| Arg::Int(*id)))
        .collect()
}

fn readable(c: &Cols<'_>) -> RepoResult<String> {
    Ok(c.parsed::<PhoneNumber>("number", "a phone number")?
        .readable())
}

const BILL_FROM: &str = "phone_bills b \
     JOIN phone_lines l ON l.council_id = b.council_id AND l.id = b.line_id \
     JOIN equipment e ON e.council_id = l.council_id AND e.id = l.equipment_id";

pub(crate) async fn bills_page(
    tx: &mut StoreTx,
    council_id: Id,
    query: &BillQuery,
) -> RepoResult<Listed<BillView>> {
    let sort = match query.sort {
        BillSort::Month => "b.period",
        BillSort::Imported => "b.imported_on",
    };
    let select = Frag::new(
        "b.id, b.council_id, b.line_id, b.period, b.imported_on, b.imported_by, b.source, \
         l.number, e.asset_tag",
        Vec::new(),
    );
    let mut sql = ListSql::new(select, BILL_FROM, sort, KeyKind::Text, "b.id");
    sql.eq("b.council_id", council_id);
    if let Some(period) = query.filter.period {
        sql.eq("b.period", period.to_string());
    }
    sql.search_through(
        council_id,
        &query.search,
        &[
            (search::PHONE_LINE, "b.line_id IN ({words})"),
            (
                search::PERSON,
                "b.id IN (SELECT c.bill_id FROM phone_calls c \
                 WHERE c.council_id = b.council_id AND c.person_id IN ({words}))",
            ),
        ],
    );
    let page = sql
        .fetch(tx, &query.window, query.direction, |row| {
            let c = Cols::new(row, "phone_bills");
            Ok(BillView {
                bill: super::bills::bill(row)?,
                number: c.parsed("number", "a phone number")?,
                readable: readable(&c)?,
                asset_tag: c.parsed("asset_tag", "an asset tag")?,
                items: 0,
                total: Pence(0),
                holders: Vec::new(),
                council_items: 0,
                council_cost: Pence(0),
            })
        })
        .await?;
    let ids: Vec<Id> = page.items.iter().map(|v| v.bill.id).collect();
    let mut shares = shares_of(tx, council_id, &ids).await?;
    Ok(page.map(|mut view| {
        let (holders, council) = shares.remove(&view.bill.id).unwrap_or_default();
        view.items = holders.iter().map(|h| h.items).sum::<usize>() + council.0;
        view.total = total(holders.iter().map(|h| &h.cost).chain([&council.1]));
        view.council_items = council.0;
        view.council_cost = council.1;
        view.holders = holders;
        view
    }))
}

/// Each bill's holders' shares, and its items and cost with no holder (the council's use).
type Shares = BTreeMap<Id, (Vec<HolderShare>, (usize, Pence))>;

/// The shares of the bills `ids`, in two statements: the calls summed per bill and holder,
/// and the statements issued on those bills.
async fn shares_of(tx: &mut StoreTx, council_id: Id, ids: &[Id]) -> RepoResult<Shares> {
    let mut out = Shares::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let args = council_and(council_id, ids);
    let sql = format!(
        "SELECT c.bill_id, c.person_id, p.reference AS person_ref, p.name AS person_name, \
         COUNT(*) AS items, CAST(SUM(c.cost) AS BIGINT) AS cost, \
         CAST(SUM(c.personal) AS BIGINT) AS personal_items, \
         CAST(SUM(CASE WHEN c.personal = 1 THEN c.cost ELSE 0 END) AS BIGINT) AS personal_cost \
         FROM phone_calls c LEFT JOIN people p ON p.council_id = c.council_id AND p.id = c.person_id \
         WHERE c.council_id = $1 AND c.bill_id IN ({}) \
         GROUP BY c.bill_id, c.person_id, p.reference, p.name ORDER BY c.bill_id, c.person_id",
        marks(2, ids.len())
    );
    let rows = tx.all(bound(&sql, &args)).await?;
    let sql = format!(
        "SELECT bill_id, person_id, id FROM phone_statements \
         WHERE council_id = $1 AND bill_id IN ({})",
        marks(2, ids.len())
    );
    let issued: Vec<(Id, Id, Id)> = tx
        .all(bound(&sql, &args))
        .await?
        .iter()
        .map(|row| {
            let c = Cols::new(row, "phone_statements");
            Ok((c.int("bill_id")?, c.int("person_id")?, c.int("id")?))
        })
        .collect::<RepoResult<_>>()?;
    for row in &rows {
        let c = Cols::new(row, "phone_calls");
        let bill_id = c.int("bill_id")?;
        let items = usize::try_from(c.int("items")?).unwrap_or(0);
        let cost = Pence(c.int("cost")?);
        let entry = out.entry(bill_id).or_default();
        let Some(person_id) = c.opt_int("person_id")? else {
            entry.1 = (items, cost);
            continue;
        };
        entry.0.push(HolderShare {
            person_id,
            person: c.parsed("person_ref", "a person's reference")?,
            name: c.text("person_name")?,
            items,
            cost,
            personal_items: usize::try_from(c.int("personal_items")?).unwrap_or(0),
            personal_cost: Pence(c.int("personal_cost")?),
            statement_id: issued
                .iter()
                .find(|(b, p, _)| *b == bill_id && *p == person_id)
                .map(|(_, _, id)| *id),
        });
    }
    Ok(out)
}

const STATEMENT_FROM: &str = "phone_statements s \
     JOIN people p ON p.council_id = s.council_id AND p.id = s.person_id \
     JOIN phone_bills b ON b.council_id = s.council_id AND b.id = s.bill_id \
     JOIN phone_lines l ON l.council_id = b.council_id AND l.id = b.line_id \
     JOIN equipment e ON e.council_id = l.council_id AND e.id = l.equipment_id";

/// What has been paid against statement `s`.
const PAID: &str = "COALESCE((SELECT CAST(SUM(pp.amount) AS BIGINT) FROM phone_payments pp \
     WHERE pp.council_id = s.council_id AND pp.statement_id = s.id), 0)";

fn statement_row<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<StatementView> {
    let row: RowRef<'r> = row.into();
    let c = Cols::new(row, "phone_statements");
    let statement = super::statements::statement(row)?;
    let paid = Pence(c.int("paid")?);
    Ok(StatementView {
        person: c.parsed("person_ref", "a person's reference")?,
        person_name: c.text("person_name")?,
        period: c.parsed("period", "a month")?,
        asset_tag: c.parsed("asset_tag", "an asset tag")?,
        readable: readable(&c)?,
        outstanding: Pence(statement.amount.0.saturating_sub(paid.0)),
        paid,
        payments: Vec::new(),
        citation: Citation {
            clause: statement.clause.clone(),
            document: statement.document.clone(),
        },
        statement,
    })
}

pub(crate) async fn statements_page(
    tx: &mut StoreTx,
    council_id: Id,
    query: &StatementQuery,
) -> RepoResult<Listed<StatementView>> {
    let (sort, kind) = match query.sort {
        StatementSort::Issued => ("s.issued_on", KeyKind::Text),
        StatementSort::Owed => ("s.amount", KeyKind::Int),
    };
    let select = Frag::new(
        format!(
            "s.id, s.council_id, s.bill_id, s.person_id, s.amount, s.issued_on, s.issued_by, \
             s.clause, s.document, p.reference AS person_ref, p.name AS person_name, b.period, \
             l.number, e.asset_tag, {PAID} AS paid"
        ),
        Vec::new(),
    );
    let mut sql = ListSql::new(select, STATEMENT_FROM, sort, kind, "s.id");
    sql.eq("s.council_id", council_id);
    if query.filter.outstanding {
        sql.and(Frag::new(format!("s.amount > {PAID}"), Vec::new()));
    }
    sql.search_through(
        council_id,
        &query.search,
        &[
            (search::PERSON, "s.person_id IN ({words})"),
            (
                search::PHONE_LINE,
                "s.bill_id IN (SELECT lb.id FROM phone_bills lb \
                 WHERE lb.council_id = s.council_id AND lb.line_id IN ({words}))",
            ),
        ],
    );
    let page = sql
        .fetch(tx, &query.window, query.direction, |row| statement_row(row))
        .await?;
    let ids: Vec<Id> = page.items.iter().map(|v| v.statement.id).collect();
    let mut paid = payments_of(tx, council_id, &ids).await?;
    Ok(page.map(|mut view| {
        view.payments = paid.remove(&view.statement.id).unwrap_or_default();
        view
    }))
}

/// The payments against the statements `ids`, in the order they were made, in one statement.
async fn payments_of(
    tx: &mut StoreTx,
    council_id: Id,
    ids: &[Id],
) -> RepoResult<BTreeMap<Id, Vec<PhonePayment>>> {
    let mut out: BTreeMap<Id, Vec<PhonePayment>> = BTreeMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let sql = format!(
        "SELECT {} FROM phone_payments WHERE council_id = $1 AND statement_id IN ({}) ORDER BY id",
        super::statements::PAYMENT,
        marks(2, ids.len())
    );
    for row in tx.all(bound(&sql, &council_and(council_id, ids))).await? {
        let p = payment(&row)?;
        out.entry(p.statement_id).or_default().push(p);
    }
    Ok(out)
}

/// What the council's statements still ask for in all: what they say is owed less what was
/// paid, which never exceeds what each says.
pub(crate) async fn owed(tx: &mut StoreTx, council_id: Id) -> RepoResult<Pence> {
    let sql = "SELECT CAST(COALESCE((SELECT SUM(amount) FROM phone_statements \
               WHERE council_id = $1), 0) - COALESCE((SELECT SUM(amount) FROM phone_payments \
               WHERE council_id = $1), 0) AS BIGINT) AS owed";
    let row = tx
        .one(sqlx::query(sql).bind(council_id), || {
            "a sum gave no row".into()
        })
        .await?;
    Ok(Pence(Cols::new(&row, "phone_statements").int("owed")?))
}
