//! Breach cases. Anyone with a token may raise one (a member may raise it anonymously); only
//! the offices that handle it and auditors see it, and every look at one is audited.

use super::*;
use steward_domain::ops::case_list::{self, CaseFilter, CaseSort, CaseStates};
use steward_domain::ops::cases::{self, Concern, OutcomeDetails, Raiser};
use steward_policy::model::Outcome;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConcernBody {
    subject: Option<String>,
    summary: String,
    #[serde(default)]
    details: String,
    /// Raise it without recording who raised it.
    #[serde(default)]
    anonymous: bool,
}

pub(crate) async fn case_raise(
    State(state): State<ApiState>,
    caller: Caller,
    Body(b): Body<ConcernBody>,
) -> ApiResult<Created<ConcernRaised>> {
    let member = caller.principal.member();
    let officer = caller.principal.officer();
    let raiser = match (b.anonymous, &officer, &member) {
        (true, _, _) => Raiser::Anonymous,
        (false, Ok(o), _) => Raiser::Officer(o),
        (false, Err(_), Ok(m)) => Raiser::Member(m),
        (false, Err(denied), Err(_)) => return Err(denied.clone().into()),
    };
    let concern = Concern {
        subject: b
            .subject
            .as_deref()
            .map(|s| field("subject", s))
            .transpose()?,
        summary: b.summary,
        details: b.details,
    };
    let mut tx = write(&state).await?;
    let case = cases::raise(&mut tx, &caller.ctx(), &caller.council, raiser, concern).await?;
    tx.commit().await?;
    // The raiser learns that it went, and where; not the case, which only handlers may read.
    Ok(created(ConcernRaised {
        id: case.id,
        handlers: case.handlers,
        clause: case.clause,
        document: case.document,
    }))
}

/// What the raiser of a concern learns: that it went, and where.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct ConcernRaised {
    id: Id,
    handlers: Vec<OfficeId>,
    clause: String,
    document: String,
}

pub(crate) async fn cases_list(
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<cases::CaseView>>> {
    let state_choice = match q.text("state") {
        Some(s) => s
            .parse()
            .map_err(|e: String| ApiError::bad_field("state", e))?,
        None => CaseStates::All,
    };
    let filter = CaseFilter {
        state: state_choice,
    };
    let query = q.list_query::<CaseSort, _>(filter)?;
    let page = case_list::list(
        &mut tx,
        &caller.council,
        &caller.principal,
        &query,
        caller.today,
    )
    .await?;
    Ok(Json(page.into()))
}

/// Opening a case is recorded in the audit trail, so it runs in a write transaction.
pub(crate) async fn case_show(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
) -> ApiResult<Json<cases::CaseDetail>> {
    let id = path_id("case", &i)?;
    let mut tx = write(&state).await?;
    let detail = cases::open(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &caller.principal,
        id,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(detail))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoteBody {
    text: String,
}

pub(crate) async fn case_note(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
    Body(b): Body<NoteBody>,
) -> ApiResult<Created<steward_domain::workflow::CaseNote>> {
    let id = path_id("case", &i)?;
    let mut tx = write(&state).await?;
    let note = cases::note(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &caller.principal,
        id,
        &b.text,
    )
    .await?;
    tx.commit().await?;
    Ok(created(note))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EscalateBody {
    reason: String,
}

pub(crate) async fn case_escalate(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
    Body(b): Body<EscalateBody>,
) -> ApiResult<Json<steward_domain::workflow::Case>> {
    let id = path_id("case", &i)?;
    let mut tx = write(&state).await?;
    let case = cases::escalate(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &caller.principal,
        id,
        &b.reason,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(case))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CloseBody {
    outcome: Outcome,
    note: String,
    equipment: Option<String>,
}

pub(crate) async fn case_close(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
    Body(b): Body<CloseBody>,
) -> ApiResult<Json<cases::Closed>> {
    let id = path_id("case", &i)?;
    let details = OutcomeDetails {
        note: b.note,
        equipment: b
            .equipment
            .as_deref()
            .map(|t| field("equipment", t))
            .transpose()?,
    };
    let mut tx = write(&state).await?;
    let closed = cases::close(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &caller.principal,
        id,
        b.outcome,
        details,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(closed))
}

pub(crate) async fn case_restore(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
) -> ApiResult<Json<steward_domain::workflow::Withdrawal>> {
    let id = path_id("case", &i)?;
    let mut tx = write(&state).await?;
    let lifted = cases::restore_access(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &caller.principal,
        id,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(lifted))
}

/// Many people leaving office at once, from a CSV file (`reference,left_on,reason`).
pub(crate) async fn people_leave_many(
    State(state): State<ApiState>,
    caller: Caller,
    Text(csv): Text,
) -> ApiResult<Json<Vec<people::Leaving>>> {
    caller.principal.officer()?;
    let rows = steward_domain::import::parse_leavers("body", csv.as_bytes())
        .map_err(steward_domain::DomainError::from)?;
    let mut tx = write(&state).await?;
    let left = steward_domain::ops::leaving::leave_many(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        "body",
        rows,
        |_| {},
    )
    .await?;
    tx.commit().await?;
    Ok(Json(left))
}
