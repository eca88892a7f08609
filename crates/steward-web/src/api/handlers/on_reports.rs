//! What is due, and the audit trail.

use super::*;
use steward_domain::ops::audit_log::{self, AuditLogFilter, AuditSort};

/// One page of what is due, with the counts of the whole report.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct DuePage {
    council: String,
    as_of: NaiveDate,
    policy: Option<String>,
    counts: due::DueCounts,
    #[serde(flatten)]
    page: Page<due::DueItem>,
}

pub(crate) async fn due_report(
    State(state): State<ApiState>,
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<DuePage>> {
    caller.principal.reader()?;
    let on = q.as_of(caller.today)?;
    let kind = q
        .text("kind")
        .map(|k| {
            k.parse::<due::DueKind>()
                .map_err(|e| ApiError::bad_field("kind", e))
        })
        .transpose()?;
    let query = q.list_query::<due::DueSort, _>(due::DueFilter { kind })?;
    let council = &caller.council;
    let set = due::current(&mut tx, &state.due, council, on).await?;
    drop(tx);
    Ok(Json(DuePage {
        council: set.council.clone(),
        as_of: set.as_of,
        policy: set.policy.clone(),
        counts: set.counts().clone(),
        page: set.page(&query)?.into(),
    }))
}

/// The audit log, oldest first unless `dir=desc`: filtered, counted (up to a cap) and paged in
/// the database, the records as stored.
pub(crate) async fn audit_log(
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<LoggedRecord>>> {
    caller.principal.reader()?;
    let text = |field: &'static str| {
        AuditLogFilter::text(field, q.text(field).as_deref()).map_err(|e| {
            ApiError::bad_field(field, e.to_string().replacen(&format!("{field}: "), "", 1))
        })
    };
    let filter = AuditLogFilter {
        entity: text("entity")?,
        entity_id: text("entity_id")?,
        action: text("action")?,
        actor: text("actor")?,
        from: q.moment("from")?,
        to: q.moment("to")?,
    };
    let query = q.list_query::<AuditSort, _>(filter)?;
    let page = audit_log::list(&mut tx, &caller.council, &query).await?;
    let page = audit_log::say_page(&mut tx, &caller.council, page).await?;
    Ok(Json(
        page.map(|(record, said)| LoggedRecord {
            record,
            when: said.when,
            sentence: said.sentence,
        })
        .into(),
    ))
}

/// An audit record as stored, with what it says in words.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct LoggedRecord {
    #[serde(flatten)]
    record: steward_domain::audit::AuditRecord,
    /// When it was made, on the clock in London: "9:30am, 16 May 2027".
    when: String,
    /// What happened: "The officer clerk lent LAP-0102 to Ada Quill (M003)".
    sentence: String,
}

/// What checking the chain found: the same facts `steward audit verify` prints.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Verified {
    /// The council's short name.
    council: String,
    /// The council's name, as the message gives it.
    council_name: String,
    /// Records verified: all of them when the chain is intact, else those before the first
    /// problem.
    records: i64,
    /// The last sequence number verified: everything up to and including it holds.
    verified_through: i64,
    /// The chain's head as the council records it.
    head_seq: i64,
    ok: bool,
    problem: Option<steward_domain::audit::ChainProblem>,
    message: String,
}

/// Checks the council's whole chain: auditors and administrators only, one check per council
/// at a time (429 with `Retry-After` while one runs). Dropping the request stops the check.
/// The check streams the chain, so its memory does not grow with it.
pub(crate) async fn audit_verify(
    State(state): State<ApiState>,
    caller: Caller,
) -> ApiResult<Json<Verified>> {
    caller.principal.auditor()?;
    let _running = state
        .checks
        .start(caller.council.id)
        .map_err(|busy| ApiError::busy(busy.words()))?;
    let council = &caller.council;
    let name = &council.name;
    let check = state.store.check_audit(council.id, []).await?;
    let report = check.chain;
    let (ok, records, problem, message) = match report.outcome {
        Ok(n) => (
            true,
            n,
            None,
            format!("The audit trail of {name} is intact: {n} records verified."),
        ),
        Err(problem) => (
            false,
            report.verified_through,
            Some(problem.clone()),
            format!("The audit trail of {name} has been tampered with: {problem}."),
        ),
    };
    Ok(Json(Verified {
        council: council.slug.to_string(),
        council_name: name.clone(),
        records,
        verified_through: report.verified_through,
        head_seq: check.head_seq,
        ok,
        problem,
        message,
    }))
}
