//! The facts of "what is due" for a whole council, one statement each, and the start page's
//! counts in one statement.

use crate::error::{StoreError, repo_error};
use crate::listing::{Arg, Frag, Statement, bound};
use crate::open::Store;
use crate::rows::{Cols, date_text, time_text, word};
use crate::tx::StoreTx;
use crate::{equipment, loans, people};
use chrono::NaiveDate;
use sqlx::any::AnyRow;
use steward_domain::ops::due::repo::{
    DueKey, DueTx, OpenLoanRow, OwedRow, SignedVersion, WorkCounts, WorkScope,
};
use steward_domain::outbox::MessageState;
use steward_domain::workflow::{CaseState, RequestState};
use steward_domain::{Charge, Equipment, Id, Pence, Person, RepoError, RepoResult};
use steward_policy::{EquipmentState, OfficeId};

/// `a, b` as `t.a, t.b`: a table's column list under an alias.
fn under(alias: &str, columns: &str) -> String {
    columns
        .split(',')
        .map(|c| format!("{alias}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A term or holding covering day `$2`.
const COVERS: &str = "starts <= $2 AND (ends IS NULL OR ends >= $2)";

fn open_loan(row: &AnyRow) -> RepoResult<OpenLoanRow> {
    let c = Cols::new(row, "loans");
    Ok(OpenLoanRow {
        loan: loans::loan(row)?,
        person: c.parsed("person_reference", "a person reference")?,
        person_name: c.text("person_name")?,
        asset_tag: c.parsed("asset_tag", "an asset tag")?,
        kind: c.parsed("equipment_kind", "a kind of equipment")?,
        model: c.text("model")?,
        replacement_cost: Pence(c.int("replacement_cost")?),
        purchased_on: c.opt_date("purchased_on")?,
    })
}

fn owed(row: &AnyRow) -> RepoResult<OwedRow> {
    let c = Cols::new(row, "phone_statements");
    Ok(OwedRow {
        statement: crate::phones::statements::statement(row)?,
        person: c.parsed("person_reference", "a person reference")?,
        person_name: c.text("person_name")?,
        asset_tag: c.parsed("asset_tag", "an asset tag")?,
        period: c.parsed("period", "a month")?,
        paid: Pence(c.int("paid")?),
    })
}

/// The register's key (see `ops::due::cache`) as two columns: `key_head`, the council's audit
/// head, and `key_version`, the policy version in force on `on`. Read by a statement of its
/// own, or beside a kept list's page (`ListSql::fetch_kept`).
pub(crate) fn key_columns(council_id: Id, on: NaiveDate) -> Frag {
    Frag::new(
        "(SELECT h.seq FROM audit_heads h WHERE h.council_id = ?) AS key_head, \
         (SELECT v.id FROM pack_versions v WHERE v.council_id = ? AND v.effective_from <= ? \
         ORDER BY v.effective_from DESC, v.number DESC LIMIT 1) AS key_version",
        vec![
            Arg::Int(council_id),
            Arg::Int(council_id),
            Arg::Text(date_text(on)),
        ],
    )
}

/// The key [`key_columns`] wrote into `row`.
pub(crate) fn read_key(row: &AnyRow, council_id: Id) -> RepoResult<DueKey> {
    let c = Cols::new(row, "audit_heads");
    let head = c
        .opt_int("key_head")?
        .ok_or_else(|| RepoError::Backend(format!("council {council_id} has no audit head")))?;
    Ok(DueKey {
        head,
        version_id: c.opt_int("key_version")?,
    })
}

/// The statement that reads the register's key alone.
fn key_statement(council_id: Id, on: NaiveDate) -> Statement {
    let mut statement = Statement::new();
    statement.text("SELECT ").frag(&key_columns(council_id, on));
    statement
}

/// Single reads that need no transaction of their own: a page whose report is kept needs only
/// these, and one statement sees one consistent state on both backends.
impl Store {
    /// The key of the council's due report on `on` (see `ops::due::cache`). A report computed
    /// after a miss reads the key again in its own read transaction.
    pub async fn due_key(&self, council_id: Id, on: NaiveDate) -> Result<DueKey, StoreError> {
        let statement = key_statement(council_id, on);
        let row = bound(&statement.sql, &statement.args)
            .fetch_one(&self.pool)
            .await
            .map_err(repo_error)?;
        Ok(read_key(&row, council_id)?)
    }

    /// The start page's counts of requests, cases and notifications.
    pub async fn work_counts(
        &self,
        council_id: Id,
        scope: &WorkScope<'_>,
    ) -> Result<WorkCounts, StoreError> {
        let (sql, args) = work_counts_sql(council_id, scope);
        let row = bound(&sql, &args)
            .fetch_one(&self.pool)
            .await
            .map_err(repo_error)?;
        Ok(counts(&row)?)
    }
}

fn counts(row: &AnyRow) -> RepoResult<WorkCounts> {
    let c = Cols::new(row, "counts");
    let n = |col: &str| -> RepoResult<u64> { Ok(u64::try_from(c.int(col)?).unwrap_or(0)) };
    Ok(WorkCounts {
        requests_open: n("requests_open")?,
        requests_late: n("requests_late")?,
        requests_assigned: n("requests_assigned")?,
        cases_open: n("cases_open")?,
        notifications_failed: n("notifications_failed")?,
    })
}

impl DueTx for StoreTx {
    async fn due_key(&mut self, council_id: Id, on: NaiveDate) -> RepoResult<DueKey> {
        let statement = key_statement(council_id, on);
        let row = self
            .one(bound(&statement.sql, &statement.args), || {
                "the register's key gave no row".into()
            })
            .await?;
        read_key(&row, council_id)
    }

    async fn open_loan_rows(&mut self, council_id: Id) -> RepoResult<Vec<OpenLoanRow>> {
        let sql = format!(
            "SELECT {}, p.reference AS person_reference, p.name AS person_name, e.asset_tag,
                    e.kind AS equipment_kind, e.model, e.replacement_cost, e.purchased_on
             FROM loans l
             JOIN people p ON p.council_id = l.council_id AND p.id = l.person_id
             JOIN equipment e ON e.council_id = l.council_id AND e.id = l.equipment_id
             WHERE l.council_id = $1 AND l.returned_on IS NULL
             ORDER BY l.issued_on DESC, l.id DESC",
            under("l", loans::LOAN)
        );
        let query = sqlx::query(&sql).bind(council_id);
        self.all(query).await?.iter().map(open_loan).collect()
    }

    async fn open_loan_charges(&mut self, council_id: Id) -> RepoResult<Vec<Charge>> {
        let sql = format!(
            "SELECT {} FROM charges c
             JOIN loans l ON l.council_id = c.council_id AND l.id = c.loan_id
             WHERE l.council_id = $1 AND l.returned_on IS NULL
             ORDER BY c.raised_on, c.id",
            under("c", loans::CHARGE)
        );
        let query = sqlx::query(&sql).bind(council_id);
        self.all(query).await?.iter().map(loans::charge).collect()
    }

    async fn people_in_office(&mut self, council_id: Id, on: NaiveDate) -> RepoResult<Vec<Person>> {
        let sql = format!(
            "SELECT {} FROM people p
             WHERE p.council_id = $1 AND EXISTS (
                 SELECT 1 FROM terms t
                 WHERE t.council_id = p.council_id AND t.person_id = p.id
                   AND t.starts <= $2 AND (t.ends IS NULL OR t.ends >= $2))
             ORDER BY p.reference",
            under("p", people::PERSON)
        );
        let query = sqlx::query(&sql).bind(council_id).bind(date_text(on));
        self.all(query).await?.iter().map(people::person).collect()
    }

    async fn offices_held(
        &mut self,
        council_id: Id,
        on: NaiveDate,
    ) -> RepoResult<Vec<(Id, OfficeId)>> {
        let sql = format!(
            "SELECT person_id, office FROM office_holdings
             WHERE council_id = $1 AND {COVERS} ORDER BY person_id, starts, id"
        );
        let query = sqlx::query(&sql).bind(council_id).bind(date_text(on));
        let rows = self.all(query).await?;
        rows.iter()
            .map(|row| {
                let c = Cols::new(row, "office_holdings");
                Ok((c.int("person_id")?, OfficeId(c.text("office")?)))
            })
            .collect()
    }

    async fn signed_versions(
        &mut self,
        council_id: Id,
        on: NaiveDate,
    ) -> RepoResult<Vec<SignedVersion>> {
        let query = sqlx::query(
            "SELECT person_id, pack_hash, MAX(signed_on) AS latest,
                    MAX(CASE WHEN signed_on <= $2 THEN signed_on END) AS latest_by_day
             FROM acceptances WHERE council_id = $1
             GROUP BY person_id, pack_hash ORDER BY person_id, pack_hash",
        )
        .bind(council_id)
        .bind(date_text(on));
        let rows = self.all(query).await?;
        rows.iter()
            .map(|row| {
                let c = Cols::new(row, "acceptances");
                Ok(SignedVersion {
                    person_id: c.int("person_id")?,
                    pack_hash: c.text("pack_hash")?,
                    latest_by_day: c.opt_date("latest_by_day")?,
                    latest: c.date("latest")?,
                })
            })
            .collect()
    }

    async fn equipment_in_service(&mut self, council_id: Id) -> RepoResult<Vec<Equipment>> {
        let sql = format!(
            "SELECT {} FROM equipment WHERE council_id = $1 AND state NOT IN ($2, $3, $4)
             ORDER BY asset_tag",
            equipment::EQUIPMENT
        );
        let query = sqlx::query(&sql)
            .bind(council_id)
            .bind(EquipmentState::Disposed.as_str())
            .bind(EquipmentState::Lost.as_str())
            .bind(EquipmentState::Stolen.as_str());
        self.all(query)
            .await?
            .iter()
            .map(equipment::equipment)
            .collect()
    }

    async fn phone_costs_owed(&mut self, council_id: Id) -> RepoResult<Vec<OwedRow>> {
        // SUM of BIGINT is NUMERIC on PostgreSQL; the cast brings it back to a whole number.
        let sql = format!(
            "SELECT * FROM (
                 SELECT {}, p.reference AS person_reference, p.name AS person_name, b.period,
                        e.asset_tag,
                        CAST(COALESCE((SELECT SUM(pp.amount) FROM phone_payments pp
                                       WHERE pp.statement_id = s.id), 0) AS BIGINT) AS paid
                 FROM phone_statements s
                 JOIN people p ON p.council_id = s.council_id AND p.id = s.person_id
                 JOIN phone_bills b ON b.council_id = s.council_id AND b.id = s.bill_id
                 JOIN phone_lines pl ON pl.council_id = b.council_id AND pl.id = b.line_id
                 JOIN equipment e ON e.council_id = pl.council_id AND e.id = pl.equipment_id
                 WHERE s.council_id = $1) owing
             WHERE paid < amount
             ORDER BY issued_on DESC, id DESC",
            under("s", crate::phones::statements::STATEMENT)
        );
        let query = sqlx::query(&sql).bind(council_id);
        self.all(query).await?.iter().map(owed).collect()
    }

    async fn work_counts(
        &mut self,
        council_id: Id,
        scope: &WorkScope<'_>,
    ) -> RepoResult<WorkCounts> {
        let (sql, args) = work_counts_sql(council_id, scope);
        let row = self
            .one(bound(&sql, &args), || "the counts gave no row".into())
            .await?;
        counts(&row)
    }
}

/// Values bound in order, each one's placeholder numbered as it is added.
#[derive(Default)]
struct Args(Vec<Arg>);

impl Args {
    fn add(&mut self, value: impl Into<Arg>) -> String {
        self.0.push(value.into());
        format!("${}", self.0.len())
    }

    fn list<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) -> String {
        let marks: Vec<String> = values.into_iter().map(|v| self.add(v)).collect();
        marks.join(", ")
    }
}

/// A LIKE pattern matching `text` exactly inside a longer text, with `!` as the escape.
fn inside(text: &str) -> String {
    let mut out = String::from("%");
    for ch in text.chars() {
        if matches!(ch, '!' | '%' | '_') {
            out.push('!');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

/// The condition of open cases `offices` may see: handled by or escalated to one of them.
fn seen_by(args: &mut Args, offices: &[OfficeId]) -> String {
    if offices.is_empty() {
        return "1 = 0".to_string();
    }
    let mut seen: Vec<String> = offices
        .iter()
        .map(|o| {
            let pattern = args.add(inside(&format!("\"{}\"", o.as_str())));
            format!("handlers LIKE {pattern} ESCAPE '!'")
        })
        .collect();
    let escalated = args.list(offices.iter().map(OfficeId::as_str));
    seen.push(format!("escalated_to IN ({escalated})"));
    format!("({})", seen.join(" OR "))
}

/// One statement of scalar counts; each uses an index on (council, state or office).
fn work_counts_sql(council_id: Id, scope: &WorkScope<'_>) -> (String, Vec<Arg>) {
    let mut args = Args::default();
    let council = args.add(council_id);
    let open_states: Vec<String> = RequestState::ALL
        .iter()
        .filter(|s| !s.is_closed())
        .map(word)
        .collect();
    let open = args.list(open_states.iter().map(String::as_str));
    let mut requests = format!("FROM requests WHERE council_id = {council} AND state IN ({open})");
    if let Some(offices) = scope.request_offices {
        // An officer with no office has no queue: nothing matches an empty list.
        let handlers = args.list(offices.iter().map(OfficeId::as_str));
        let handlers = if offices.is_empty() {
            "NULL".to_string()
        } else {
            handlers
        };
        requests.push_str(&format!(" AND handler IN ({handlers})"));
    }
    let now = args.add(time_text(scope.now));
    let assignee = args.add(scope.assignee.unwrap_or(-1));
    let closed = args.add(word(&CaseState::Closed));
    let mut cases = format!("FROM cases WHERE council_id = {council} AND state <> {closed}");
    if let Some(offices) = scope.case_offices {
        cases.push_str(&format!(" AND {}", seen_by(&mut args, offices)));
    }
    let failed = args.add(word(&MessageState::Failed));
    let sql = format!(
        "SELECT (SELECT COUNT(*) {requests}) AS requests_open,
                (SELECT COUNT(*) {requests} AND due_at IS NOT NULL AND due_at < {now})
                    AS requests_late,
                (SELECT COUNT(*) FROM requests WHERE council_id = {council} AND state IN ({open})
                    AND assignee_id = {assignee}) AS requests_assigned,
                (SELECT COUNT(*) {cases}) AS cases_open,
                (SELECT COUNT(*) FROM outbox WHERE council_id = {council} AND state = {failed})
                    AS notifications_failed"
    );
    (sql, args.0)
}
