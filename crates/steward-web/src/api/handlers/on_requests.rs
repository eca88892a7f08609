//! Requests and incidents: raised by members for themselves or by officers for someone,
//! routed and approved as the pack says. What a caller may see and do is the `Principal`'s
//! to decide; a request they may not see is simply not found.

use super::*;
use steward_domain::listing::Listed;
use steward_domain::ops::requests::list::{Assigned, RequestFilter, RequestSort, StateChoice};
use steward_domain::ops::requests::{self, DetailFields, ErasureRecord, Raise};
use steward_domain::workflow::Decision;
use steward_policy::model::ReportKind;

fn report_kind(text: &str) -> ApiResult<ReportKind> {
    match text.parse::<steward_domain::workflow::RequestKind>() {
        Ok(steward_domain::workflow::RequestKind::Report(kind)) => Ok(kind),
        Ok(_) => Err(ApiError::invalid(
            "kind",
            "recalls are made through /loans/{id}/recall",
        )),
        Err(e) => Err(ApiError::invalid("kind", e.to_string())),
    }
}

/// The filters of a request list as the query gives them; without `state`, every state.
fn request_filter(
    q: &crate::api::extract::Params,
    caller: &Caller,
) -> ApiResult<Option<RequestFilter>> {
    let state = match q.text("state") {
        Some(s) => s
            .parse()
            .map_err(|e: String| ApiError::bad_field("state", e))?,
        None => StateChoice::All,
    };
    let office = q.text("office").map(|o| office("office", &o)).transpose()?;
    let assigned = match q.text("assigned").as_deref() {
        None => None,
        Some("me") => match caller.principal.user.person_id {
            Some(id) => Some(Assigned::To(id)),
            // Nobody is assigned an account that is not a person: nothing matches.
            None => return Ok(None),
        },
        Some("nobody") => Some(Assigned::Nobody),
        Some(_) => return Err(ApiError::bad_field("assigned", "give me or nobody")),
    };
    Ok(Some(RequestFilter {
        state,
        office,
        late_at: q.flag("late")?.then_some(caller.now),
        assigned,
    }))
}

pub(crate) async fn requests_list(
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<requests::RequestView>>> {
    let Some(filter) = request_filter(&q, &caller)? else {
        return Ok(Json(Listed::empty().into()));
    };
    let query = q.list_query::<RequestSort, _>(filter)?;
    let page = requests::list::list(
        &mut tx,
        &caller.council,
        &caller.principal,
        &query,
        caller.now,
    )
    .await?;
    Ok(Json(page.into()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RaiseBody {
    kind: String,
    /// Officers only: whom it is for; none for the council itself.
    person: Option<String>,
    equipment: Option<String>,
    summary: String,
    until: Option<String>,
    software: Option<String>,
    licence: Option<String>,
    host: Option<String>,
    stolen: Option<bool>,
    noticed_on: Option<String>,
    place: Option<String>,
    police_reference: Option<String>,
    address: Option<String>,
    at: Option<String>,
    dispose: Option<bool>,
    duty: Option<String>,
}

fn raise_args(b: RaiseBody, caller: &Caller) -> ApiResult<(Option<PersonRef>, Raise)> {
    let kind = report_kind(&b.kind)?;
    let person = b
        .person
        .as_deref()
        .map(|p| field("person", p))
        .transpose()?;
    let equipment = b
        .equipment
        .as_deref()
        .map(|t| field("equipment", t))
        .transpose()?;
    let fields = DetailFields {
        until: b.until,
        software: b.software,
        licence: b.licence,
        host: b.host,
        stolen: b.stolen,
        noticed_on: b.noticed_on,
        place: b.place,
        police_reference: b.police_reference,
        address: b.address,
        at: b.at,
        dispose: b.dispose,
        duty: b.duty,
    };
    let details = fields.into_details(kind, caller.today, caller.now)?;
    Ok((
        person,
        Raise {
            kind,
            equipment,
            summary: b.summary,
            details,
        },
    ))
}

/// An officer raises a request for someone, or for the council.
pub(crate) async fn request_raise(
    State(state): State<ApiState>,
    caller: Caller,
    Body(b): Body<RaiseBody>,
) -> ApiResult<Created<requests::Raised>> {
    let access = caller.principal.officer()?;
    let (person, raise) = raise_args(b, &caller)?;
    let mut tx = write(&state).await?;
    let raised = requests::raise_as_officer(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &access,
        person.as_ref(),
        raise,
    )
    .await?;
    tx.commit().await?;
    Ok(created(raised))
}

/// A member reports or asks for something for themselves.
pub(crate) async fn my_request_raise(
    State(state): State<ApiState>,
    caller: Caller,
    Body(b): Body<RaiseBody>,
) -> ApiResult<Created<requests::Raised>> {
    let access = caller.principal.member()?;
    if b.person.is_some() {
        return Err(ApiError::invalid(
            "person",
            "your own requests are for you; leave out person",
        ));
    }
    let (_, raise) = raise_args(b, &caller)?;
    let mut tx = write(&state).await?;
    let raised =
        requests::raise_for_self(&mut tx, &caller.ctx(), &caller.council, &access, raise).await?;
    tx.commit().await?;
    Ok(created(raised))
}

pub(crate) async fn my_requests(
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<requests::RequestView>>> {
    let access = caller.principal.member()?;
    let Some(filter) = request_filter(&q, &caller)? else {
        return Ok(Json(Listed::empty().into()));
    };
    let query = q.list_query::<RequestSort, _>(filter)?;
    let page = requests::list::mine(&mut tx, &caller.council, &access, &query, caller.now).await?;
    Ok(Json(page.into()))
}

pub(crate) async fn request_show(
    Reader { caller, mut tx }: Reader,
    Seg(i): Seg,
) -> ApiResult<Json<requests::RequestDetail>> {
    let id = path_id("request", &i)?;
    Ok(Json(
        requests::detail(&mut tx, &caller.council, &caller.principal, id, caller.now).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CommentBody {
    text: String,
    #[serde(default)]
    internal: bool,
}

pub(crate) async fn request_comment(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
    Body(b): Body<CommentBody>,
) -> ApiResult<Created<steward_domain::workflow::RequestEvent>> {
    let id = path_id("request", &i)?;
    let mut tx = write(&state).await?;
    visible(&mut tx, &caller, id).await?;
    let event = requests::comment(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &caller.principal,
        id,
        &b.text,
        b.internal,
    )
    .await?;
    tx.commit().await?;
    Ok(created(event))
}

/// A request the caller may not see is not found, whatever they try to do with it.
async fn visible(tx: &mut StoreTx, caller: &Caller, id: Id) -> ApiResult<()> {
    requests::detail(tx, &caller.council, &caller.principal, id, caller.now).await?;
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AssignBody {
    to: Option<String>,
}

pub(crate) async fn request_assign(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
    Body(b): Body<AssignBody>,
) -> ApiResult<Json<steward_domain::workflow::Request>> {
    let id = path_id("request", &i)?;
    let to = b.to.as_deref().map(str::trim);
    if to.is_some_and(|t| t.is_empty() || t.chars().count() > 100) {
        return Err(ApiError::invalid(
            "to",
            "give the username or person reference of an officer of the handling office",
        ));
    }
    let mut tx = write(&state).await?;
    visible(&mut tx, &caller, id).await?;
    let request = requests::assign(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &caller.principal,
        id,
        to,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(request))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DecisionBody {
    decision: String,
    reason: String,
}

pub(crate) async fn request_decide(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
    Body(b): Body<DecisionBody>,
) -> ApiResult<Json<requests::Decided>> {
    let id = path_id("request", &i)?;
    let decision = match b.decision.trim() {
        "approve" => Decision::Approve,
        "refuse" => Decision::Refuse,
        _ => return Err(ApiError::invalid("decision", "give approve or refuse")),
    };
    let mut tx = write(&state).await?;
    visible(&mut tx, &caller, id).await?;
    let decided = requests::decide(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &caller.principal,
        id,
        decision,
        &b.reason,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(decided))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TaskBody {
    #[serde(default)]
    note: String,
}

pub(crate) async fn request_task_done(
    State(state): State<ApiState>,
    caller: Caller,
    Seg2(i, t): Seg2,
    Body(b): Body<TaskBody>,
) -> ApiResult<Json<steward_domain::workflow::RequestTask>> {
    let id = path_id("request", &i)?;
    let task = path_id("follow-up", &t)?;
    let mut tx = write(&state).await?;
    visible(&mut tx, &caller, id).await?;
    let done = requests::complete_task(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &caller.principal,
        id,
        task,
        &b.note,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(done))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ErasureBody {
    method: String,
    certificate: Option<String>,
    #[serde(default)]
    dispose: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResolveBody {
    outcome: String,
    erasure: Option<ErasureBody>,
}

pub(crate) async fn request_resolve(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
    Body(b): Body<ResolveBody>,
) -> ApiResult<Json<steward_domain::workflow::Request>> {
    let id = path_id("request", &i)?;
    let erasure = b.erasure.map(|e| ErasureRecord {
        method: e.method,
        certificate: e.certificate,
        dispose: e.dispose,
    });
    let mut tx = write(&state).await?;
    visible(&mut tx, &caller, id).await?;
    let request = requests::resolve(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &caller.principal,
        id,
        &b.outcome,
        erasure,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(request))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WithdrawBody {
    #[serde(default)]
    reason: String,
}

pub(crate) async fn request_withdraw(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
    Body(b): Body<WithdrawBody>,
) -> ApiResult<Json<steward_domain::workflow::Request>> {
    let id = path_id("request", &i)?;
    let mut tx = write(&state).await?;
    visible(&mut tx, &caller, id).await?;
    let request = requests::withdraw(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &caller.principal,
        id,
        &b.reason,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(request))
}

pub(crate) async fn web_exceptions(
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<steward_domain::workflow::WebException>>> {
    caller.principal.reader()?;
    let page = q.page()?;
    let at = match q.moment("from")? {
        Some(at) => at,
        None => caller.now,
    };
    let all = requests::exceptions_in_force(&mut tx, &caller.council, at).await?;
    Ok(Json(page.of(all, |e| e.id)))
}
