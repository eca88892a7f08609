//! Requests, their history, approvals and follow-ups.

use crate::rows::{Cols, RowRef, flag_int, json_text, opt_time_text, time_text, word};
use crate::tx::StoreTx;
use sqlx::any::AnyRow;
use steward_domain::workflow::*;
use steward_domain::{Id, RepoResult};

pub(crate) const REQUEST: &str = "id, council_id, kind, state, requester_id, raised_by, equipment_id, \
    loan_id, summary, details, handler, handler_name, clause, document, urgency, due_at, \
    assignee_id, approval, outcome, created_at, updated_at, closed_at, routing";
const EVENT: &str = "id, request_id, at, actor, kind, text, internal";
const APPROVAL: &str = "id, request_id, office, person_id, decision, reason, at";
const TASK: &str = "id, request_id, title, done_at, done_by, note";

pub(crate) fn request<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<Request> {
    let row: RowRef<'r> = row.into();
    let c = Cols::new(row, "requests");
    Ok(Request {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        kind: c.parsed("kind", "a kind of request")?,
        state: c.word("state")?,
        requester_id: c.opt_int("requester_id")?,
        raised_by: c.text("raised_by")?,
        equipment_id: c.opt_int("equipment_id")?,
        loan_id: c.opt_int("loan_id")?,
        summary: c.text("summary")?,
        details: c.json("details")?,
        handler: c.word("handler")?,
        handler_name: c.text("handler_name")?,
        clause: c.text("clause")?,
        document: c.text("document")?,
        urgency: c.word("urgency")?,
        due_at: c.opt_time("due_at")?,
        assignee_id: c.opt_int("assignee_id")?,
        approval: c.opt_json("approval")?,
        outcome: c.opt_text("outcome")?,
        created_at: c.time("created_at")?,
        updated_at: c.time("updated_at")?,
        closed_at: c.opt_time("closed_at")?,
        routing: c.word("routing")?,
    })
}

fn event(row: &AnyRow) -> RepoResult<RequestEvent> {
    let c = Cols::new(row, "request_events");
    Ok(RequestEvent {
        id: c.int("id")?,
        request_id: c.int("request_id")?,
        at: c.time("at")?,
        actor: c.text("actor")?,
        kind: c.word("kind")?,
        text: c.text("text")?,
        internal: c.flag("internal")?,
    })
}

fn approval(row: &AnyRow) -> RepoResult<RequestApproval> {
    let c = Cols::new(row, "request_approvals");
    Ok(RequestApproval {
        id: c.int("id")?,
        request_id: c.int("request_id")?,
        office: c.word("office")?,
        person_id: c.int("person_id")?,
        decision: c.word("decision")?,
        reason: c.text("reason")?,
        at: c.time("at")?,
    })
}

fn task(row: &AnyRow) -> RepoResult<RequestTask> {
    let c = Cols::new(row, "request_tasks");
    Ok(RequestTask {
        id: c.int("id")?,
        request_id: c.int("request_id")?,
        title: c.text("title")?,
        done_at: c.opt_time("done_at")?,
        done_by: c.opt_text("done_by")?,
        note: c.opt_text("note")?,
    })
}

pub(crate) async fn insert(
    tx: &mut StoreTx,
    council_id: Id,
    new: &NewRequest,
) -> RepoResult<Request> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO requests (council_id, kind, state, requester_id, raised_by, equipment_id,
             loan_id, summary, details, handler, handler_name, clause, document, urgency, due_at,
             approval, created_at, updated_at, routing)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17,
             $18)
         RETURNING {REQUEST}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(new.kind.as_str())
        .bind(word(&new.state))
        .bind(new.requester_id)
        .bind(new.raised_by.as_str())
        .bind(new.equipment_id)
        .bind(new.loan_id)
        .bind(new.summary.as_str())
        .bind(json_text(&new.details))
        .bind(new.handler.as_str())
        .bind(new.handler_name.as_str())
        .bind(new.clause.as_str())
        .bind(new.document.as_str())
        .bind(word(&new.urgency))
        .bind(opt_time_text(new.due_at))
        .bind(new.approval.as_ref().map(json_text))
        .bind(time_text(new.created_at))
        .bind(new.routing.as_str());
    let row = tx
        .one(query, || "the request was not stored".into())
        .await?;
    let made = request(&row)?;
    if let Some(rule) = &made.approval {
        let offices: Vec<&str> = rule.approvers.iter().map(|o| o.as_str()).collect();
        super::insert_offices(tx, APPROVERS, council_id, made.id, &offices).await?;
    }
    Ok(made)
}

/// Where a request's approving offices are kept as rows.
const APPROVERS: &str = "request_approvers (council_id, request_id, office)";

/// The open requests of one kind about a loan.
pub(crate) async fn open_for_loan(
    tx: &mut StoreTx,
    council_id: Id,
    loan_id: Id,
    kind: RequestKind,
) -> RepoResult<Vec<Request>> {
    let sql = format!(
        "SELECT {REQUEST} FROM requests WHERE council_id = $1 AND loan_id = $2 AND kind = $3
         ORDER BY id"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(loan_id)
        .bind(kind.as_str());
    let rows = tx.all(query).await?;
    let all: Vec<Request> = rows.iter().map(request).collect::<RepoResult<_>>()?;
    Ok(all.into_iter().filter(|r| !r.state.is_closed()).collect())
}

pub(crate) async fn update(tx: &mut StoreTx, r: &Request) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "UPDATE requests SET state = $3, details = $4, assignee_id = $5, outcome = $6,
                updated_at = $7, closed_at = $8
         WHERE id = $1 AND council_id = $2",
    )
    .bind(r.id)
    .bind(r.council_id)
    .bind(word(&r.state))
    .bind(json_text(&r.details))
    .bind(r.assignee_id)
    .bind(r.outcome.as_deref())
    .bind(time_text(r.updated_at))
    .bind(opt_time_text(r.closed_at));
    let id = r.id;
    tx.exec_one(query, move || format!("no request has id {id}"))
        .await
}

pub(crate) async fn by_id(tx: &mut StoreTx, council_id: Id, id: Id) -> RepoResult<Option<Request>> {
    let sql = format!("SELECT {REQUEST} FROM requests WHERE council_id = $1 AND id = $2");
    tx.optional(sqlx::query(&sql).bind(council_id).bind(id))
        .await?
        .as_ref()
        .map(request)
        .transpose()
}

pub(crate) async fn list(tx: &mut StoreTx, council_id: Id) -> RepoResult<Vec<Request>> {
    let sql = format!("SELECT {REQUEST} FROM requests WHERE council_id = $1 ORDER BY id");
    let rows = tx.all(sqlx::query(&sql).bind(council_id)).await?;
    rows.iter().map(request).collect()
}

pub(crate) async fn insert_event(
    tx: &mut StoreTx,
    council_id: Id,
    e: &NewEvent,
) -> RepoResult<RequestEvent> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO request_events (council_id, request_id, at, actor, kind, text, internal)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {EVENT}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(e.request_id)
        .bind(time_text(e.at))
        .bind(e.actor.as_str())
        .bind(e.kind.as_str())
        .bind(e.text.as_str())
        .bind(flag_int(e.internal));
    let row = tx.one(query, || "the event was not stored".into()).await?;
    event(&row)
}

pub(crate) async fn events(
    tx: &mut StoreTx,
    council_id: Id,
    request_id: Id,
) -> RepoResult<Vec<RequestEvent>> {
    let sql = format!(
        "SELECT {EVENT} FROM request_events WHERE council_id = $1 AND request_id = $2 ORDER BY id"
    );
    let rows = tx
        .all(sqlx::query(&sql).bind(council_id).bind(request_id))
        .await?;
    rows.iter().map(event).collect()
}

pub(crate) async fn insert_approval(
    tx: &mut StoreTx,
    council_id: Id,
    a: &RequestApproval,
) -> RepoResult<RequestApproval> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO request_approvals (council_id, request_id, office, person_id, decision,
             reason, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {APPROVAL}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(a.request_id)
        .bind(a.office.as_str())
        .bind(a.person_id)
        .bind(word(&a.decision))
        .bind(a.reason.as_str())
        .bind(time_text(a.at));
    let row = tx
        .one(query, || "the approval was not stored".into())
        .await?;
    approval(&row)
}

pub(crate) async fn approvals(
    tx: &mut StoreTx,
    council_id: Id,
    request_id: Id,
) -> RepoResult<Vec<RequestApproval>> {
    let sql = format!(
        "SELECT {APPROVAL} FROM request_approvals WHERE council_id = $1 AND request_id = $2 ORDER BY id"
    );
    let rows = tx
        .all(sqlx::query(&sql).bind(council_id).bind(request_id))
        .await?;
    rows.iter().map(approval).collect()
}

pub(crate) async fn insert_task(
    tx: &mut StoreTx,
    council_id: Id,
    request_id: Id,
    title: &str,
) -> RepoResult<RequestTask> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO request_tasks (council_id, request_id, title) VALUES ($1, $2, $3)
         RETURNING {TASK}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(request_id)
        .bind(title);
    let row = tx
        .one(query, || "the follow-up was not stored".into())
        .await?;
    task(&row)
}

pub(crate) async fn update_task(
    tx: &mut StoreTx,
    council_id: Id,
    t: &RequestTask,
) -> RepoResult<()> {
    tx.writable()?;
    let query = sqlx::query(
        "UPDATE request_tasks SET done_at = $2, done_by = $3, note = $4
             WHERE council_id = $5 AND id = $1",
    )
    .bind(t.id)
    .bind(opt_time_text(t.done_at))
    .bind(t.done_by.as_deref())
    .bind(t.note.as_deref())
    .bind(council_id);
    let id = t.id;
    tx.exec_one(query, move || format!("no follow-up has id {id}"))
        .await
}

pub(crate) async fn tasks(
    tx: &mut StoreTx,
    council_id: Id,
    request_id: Id,
) -> RepoResult<Vec<RequestTask>> {
    let sql = format!(
        "SELECT {TASK} FROM request_tasks WHERE council_id = $1 AND request_id = $2 ORDER BY id"
    );
    let rows = tx
        .all(sqlx::query(&sql).bind(council_id).bind(request_id))
        .await?;
    rows.iter().map(task).collect()
}

/// The people holding `office` on `day` with an enabled officer's or administrator's account.
pub(crate) async fn colleagues(
    tx: &mut StoreTx,
    council_id: Id,
    office: &steward_policy::OfficeId,
    day: chrono::NaiveDate,
) -> RepoResult<Vec<Colleague>> {
    let day = crate::rows::date_text(day);
    let query = sqlx::query(
        "SELECT p.id, p.reference, p.name, MIN(u.username) AS username
         FROM office_holdings h
         JOIN people p ON p.council_id = h.council_id AND p.id = h.person_id
         JOIN users u ON u.council_id = p.council_id AND u.person_id = p.id
         WHERE h.council_id = $1 AND h.office = $2 AND h.starts <= $3
           AND (h.ends IS NULL OR h.ends >= $3)
           AND u.role IN ('officer', 'admin') AND u.disabled = 0
         GROUP BY p.id, p.reference, p.name
         ORDER BY p.name, p.id",
    )
    .bind(council_id)
    .bind(office.as_str())
    .bind(day);
    let rows = tx.all(query).await?;
    rows.iter()
        .map(|row| {
            let c = Cols::new(row, "people");
            Ok(Colleague {
                id: c.int("id")?,
                reference: c.text("reference")?,
                name: c.text("name")?,
                username: c.text("username")?,
            })
        })
        .collect()
}
