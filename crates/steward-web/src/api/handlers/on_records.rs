//! Information requests, the subject access document and the printable acceptance form. The
//! records decide who may see and act: the offices the policy names to handle information
//! requests, administrators, and auditors to read.

use super::*;
use steward_domain::ops::info::list::{InfoFilter, InfoSort};
use steward_domain::ops::info::{self as ops, InfoView, MyAsk, Receive};
use steward_domain::ops::{acceptance_form, subject_access};

fn pdf(doc: &crate::pdf::Document) -> Pdf {
    Pdf(doc.to_bytes())
}

pub(crate) async fn acceptance_form(
    Reader { caller, mut tx }: Reader,
    Seg(r): Seg,
) -> ApiResult<Json<acceptance_form::AcceptanceForm>> {
    caller.principal.officer()?;
    let form =
        acceptance_form::form(&mut tx, &caller.ctx(), &caller.council, &path_ref(&r)?).await?;
    Ok(Json(form))
}

pub(crate) async fn acceptance_form_pdf(reader: Reader, Seg(r): Seg) -> ApiResult<Pdf> {
    let Json(form) = acceptance_form(reader, Seg(r)).await?;
    Ok(pdf(&crate::records::pdfs::acceptance_form(&form)))
}

async fn produce(
    state: &ApiState,
    caller: &Caller,
    r: &str,
) -> ApiResult<subject_access::SubjectAccessDocument> {
    let mut tx = write(state).await?;
    let doc = subject_access::produce(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &caller.principal,
        &path_ref(r)?,
    )
    .await?;
    tx.commit().await?;
    Ok(doc)
}

pub(crate) async fn subject_access(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(r): Seg,
) -> ApiResult<Json<subject_access::SubjectAccessDocument>> {
    Ok(Json(produce(&state, &caller, &r).await?))
}

pub(crate) async fn subject_access_pdf(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(r): Seg,
) -> ApiResult<Pdf> {
    let doc = produce(&state, &caller, &r).await?;
    Ok(pdf(&crate::records::pdfs::subject_access(&doc)))
}

pub(crate) async fn info_list(
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<InfoView>>> {
    let on = q.as_of(caller.today)?;
    // One kind, or several separated by commas: `foi,eir`.
    let kinds = match q.text("kind") {
        Some(k) => k
            .split(',')
            .map(|one| {
                one.trim()
                    .parse()
                    .map_err(|e: String| ApiError::bad_field("kind", e))
            })
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let open = q.either("open")?;
    let query = q.list_query::<InfoSort, _>(InfoFilter { kinds, open })?;
    let page = ops::list::list(&mut tx, &caller.council, &caller.principal, &query, on).await?;
    Ok(Json(page.into()))
}

pub(crate) async fn info_show(
    Reader { caller, mut tx }: Reader,
    Seg(key): Seg,
    Q(q): Q,
) -> ApiResult<Json<InfoView>> {
    let on = q.as_of(caller.today)?;
    let mut ctx = caller.ctx();
    ctx.today = on;
    Ok(Json(
        ops::show(&mut tx, &ctx, &caller.council, &caller.principal, &key).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReceiveBody {
    kind: String,
    requester: String,
    subject: Option<String>,
    received_on: String,
    #[serde(default)]
    summary: String,
    nation: Option<String>,
}

pub(crate) async fn info_receive(
    State(state): State<ApiState>,
    caller: Caller,
    Body(b): Body<ReceiveBody>,
) -> ApiResult<Created<InfoView>> {
    let what = Receive {
        kind: field("kind", &b.kind)?,
        requester: b.requester,
        subject: b
            .subject
            .as_deref()
            .map(|s| field("subject", s))
            .transpose()?,
        received_on: day("received_on", &b.received_on)?,
        summary: b.summary,
        nation: b
            .nation
            .as_deref()
            .map(|n| field("nation", n))
            .transpose()?,
    };
    let mut tx = write(&state).await?;
    let v = ops::receive(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &caller.principal,
        what,
    )
    .await?;
    tx.commit().await?;
    Ok(created(v))
}

/// Runs one command on a request and answers the request as it then stands.
async fn acting(
    state: &ApiState,
    caller: &Caller,
    key: &str,
    action: Action,
) -> ApiResult<Json<InfoView>> {
    let mut tx = write(state).await?;
    let (ctx, c, p) = (caller.ctx(), &caller.council, &caller.principal);
    let v = match action {
        Action::Pause(on, note) => ops::pause(&mut tx, &ctx, c, p, key, on, &note).await?,
        Action::Resume(on) => ops::resume(&mut tx, &ctx, c, p, key, on).await?,
        Action::Extend(to, reason) => ops::extend(&mut tx, &ctx, c, p, key, to, &reason).await?,
        Action::Ask(person, on) => ops::ask(&mut tx, &ctx, c, p, key, &person, on).await?,
        Action::Answer(helper, on, text) => {
            let answer = ops::Answer {
                helper,
                on,
                text: &text,
            };
            ops::answer_for(&mut tx, &ctx, c, p, key, answer).await?
        }
        Action::Identity(on) => ops::identity_checked(&mut tx, &ctx, c, p, key, on).await?,
        Action::Close(on, outcome) => ops::close(&mut tx, &ctx, c, p, key, on, &outcome).await?,
    };
    tx.commit().await?;
    Ok(Json(v))
}

enum Action {
    Pause(NaiveDate, String),
    Resume(NaiveDate),
    Extend(Option<NaiveDate>, String),
    Ask(PersonRef, NaiveDate),
    Answer(Id, NaiveDate, String),
    Identity(NaiveDate),
    Close(NaiveDate, String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PauseBody {
    asked_on: String,
    #[serde(default)]
    note: String,
}

pub(crate) async fn info_pause(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(key): Seg,
    Body(b): Body<PauseBody>,
) -> ApiResult<Json<InfoView>> {
    let action = Action::Pause(day("asked_on", &b.asked_on)?, b.note);
    acting(&state, &caller, &key, action).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResumeBody {
    answered_on: String,
}

pub(crate) async fn info_resume(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(key): Seg,
    Body(b): Body<ResumeBody>,
) -> ApiResult<Json<InfoView>> {
    let action = Action::Resume(day("answered_on", &b.answered_on)?);
    acting(&state, &caller, &key, action).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExtendBody {
    to: Option<String>,
    reason: String,
}

pub(crate) async fn info_extend(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(key): Seg,
    Body(b): Body<ExtendBody>,
) -> ApiResult<Json<InfoView>> {
    let action = Action::Extend(opt_day("to", &b.to)?, b.reason);
    acting(&state, &caller, &key, action).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AskBody {
    person: String,
    asked_on: Option<String>,
}

pub(crate) async fn info_ask(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(key): Seg,
    Body(b): Body<AskBody>,
) -> ApiResult<Json<InfoView>> {
    let on = opt_day("asked_on", &b.asked_on)?.unwrap_or(caller.today);
    let action = Action::Ask(field("person", &b.person)?, on);
    acting(&state, &caller, &key, action).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnswerBody {
    helper: Id,
    answered_on: Option<String>,
    answer: String,
}

pub(crate) async fn info_answer(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(key): Seg,
    Body(b): Body<AnswerBody>,
) -> ApiResult<Json<InfoView>> {
    let on = opt_day("answered_on", &b.answered_on)?.unwrap_or(caller.today);
    let action = Action::Answer(b.helper, on, b.answer);
    acting(&state, &caller, &key, action).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IdentityBody {
    checked_on: String,
}

pub(crate) async fn info_identity(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(key): Seg,
    Body(b): Body<IdentityBody>,
) -> ApiResult<Json<InfoView>> {
    let action = Action::Identity(day("checked_on", &b.checked_on)?);
    acting(&state, &caller, &key, action).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CloseBody {
    closed_on: String,
    outcome: String,
}

pub(crate) async fn info_close(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(key): Seg,
    Body(b): Body<CloseBody>,
) -> ApiResult<Json<InfoView>> {
    let action = Action::Close(day("closed_on", &b.closed_on)?, b.outcome);
    acting(&state, &caller, &key, action).await
}

pub(crate) async fn my_info_asks(Reader { caller, mut tx }: Reader) -> ApiResult<Json<Vec<MyAsk>>> {
    let member = caller.principal.member()?;
    Ok(Json(ops::my_asks(&mut tx, &member, caller.today).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MyAnswerBody {
    answer: String,
}

pub(crate) async fn my_info_answer(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
    Body(b): Body<MyAnswerBody>,
) -> ApiResult<Json<MyAsk>> {
    let member = caller.principal.member()?;
    let id = path_id("request for help", &i)?;
    let mut tx = write(&state).await?;
    let ask = ops::answer_mine(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &member,
        id,
        &b.answer,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(ask))
}
