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
) -> ApiResult<Json<Page<steward_domain::audit::AuditRecord>>> {
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
    Ok(Json(page.into()))
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Verified {
    ok: bool,
    records: Option<i64>,
    problem: Option<steward_domain::audit::ChainProblem>,
    message: String,
}

/// Checks the council's whole chain: auditors and administrators only, one check per council
/// at a time (429 with `Retry-After` while one runs). Dropping the request stops the check.
pub(crate) async fn audit_verify(
    State(state): State<ApiState>,
    caller: Caller,
) -> ApiResult<Json<Verified>> {
    caller.principal.auditor()?;
    let _running = state
        .checks
        .start(caller.council.id)
        .map_err(|busy| ApiError::busy(busy.words()))?;
    let name = &caller.council.name;
    Ok(Json(
        match state.store.verify_audit(caller.council.id).await? {
            Ok(n) => Verified {
                ok: true,
                records: Some(n),
                problem: None,
                message: format!("The audit trail of {name} is intact: {n} records verified."),
            },
            Err(problem) => Verified {
                ok: false,
                records: None,
                message: format!("The audit trail of {name} has been tampered with: {problem}."),
                problem: Some(problem),
            },
        },
    ))
}
