//! What is due, and the audit trail.

use super::*;

/// One page of what is due, with the counts of the whole report.
#[derive(Serialize)]
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
    caller: Caller,
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
    let set = match crate::due_page::kept(&state.store, &state.due, council, on).await? {
        Some(set) => set,
        None => {
            let mut tx = read(&state).await?;
            due::current(&mut tx, &state.due, council, on).await?
        }
    };
    Ok(Json(DuePage {
        council: set.council.clone(),
        as_of: set.as_of,
        policy: set.policy.clone(),
        counts: set.counts().clone(),
        page: set.page(&query)?.into(),
    }))
}

pub(crate) async fn audit_log(
    State(state): State<ApiState>,
    caller: Caller,
    Q(q): Q,
) -> ApiResult<Json<Page<steward_domain::audit::AuditRecord>>> {
    caller.principal.reader()?;
    let page = q.page()?;
    let filter = AuditFilter {
        entity: q.text("entity"),
        entity_id: q.text("entity_id"),
        from: q.moment("from")?,
        to: q.moment("to")?,
        after_seq: page.after,
        limit: i64::try_from(page.limit + 1).ok(),
    };
    let mut tx = read(&state).await?;
    let records = tx
        .audit_records(caller.council.id, &filter)
        .await
        .map_err(steward_domain::DomainError::from)?;
    let page = PageAt {
        after: None,
        ..page
    };
    Ok(Json(page.of(records, |r| r.seq)))
}

#[derive(Serialize)]
pub(crate) struct Verified {
    ok: bool,
    records: Option<i64>,
    problem: Option<steward_domain::audit::ChainProblem>,
    message: String,
}

pub(crate) async fn audit_verify(
    State(state): State<ApiState>,
    caller: Caller,
) -> ApiResult<Json<Verified>> {
    caller.principal.reader()?;
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
