//! The API's handlers. Each first asks the caller's `Principal` for the capability it needs,
//! then runs the same `ops` command the CLI runs, in one transaction.

use super::ApiState;
use super::error::ApiError;
use super::extract::{Body, Caller, Page, Q, Text, parse_day};
use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt::Display;
use std::str::FromStr;
use steward_domain::auth::{Principal, Role, Username};
use steward_domain::ops::acceptance::{self, Signature};
use steward_domain::ops::{due, equipment, loans, people, policy, tokens, users};
use steward_domain::repo::{AuditFilter, NewEquipment, NewPerson};
use steward_domain::{AssetTag, Council, Id, Pence, PersonRef, RegisterTx};
use steward_policy::decide::AcceptanceStatus;
use steward_policy::{EquipmentKind, EquipmentState, OfficeId, PersonKind, TermEndReason};
use steward_store::StoreTx;

type ApiResult<T> = Result<T, ApiError>;

/// A path segment; one that cannot be decoded is a 404, like any other unknown record.
pub(crate) struct Seg(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Seg {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(value) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found("no such record"))?;
        Ok(Seg(value))
    }
}

/// A JSON response with 201 Created.
fn created<T: Serialize>(value: T) -> Response {
    (StatusCode::CREATED, Json(value)).into_response()
}

/// A body field parsed into its type, or a 422 naming the field.
fn field<T: FromStr>(name: &str, text: &str) -> ApiResult<T>
where
    T::Err: Display,
{
    text.parse()
        .map_err(|e: T::Err| ApiError::invalid(name, e.to_string()))
}

fn day(name: &str, text: &str) -> ApiResult<NaiveDate> {
    parse_day(name, text)
        .map_err(|_| ApiError::invalid(name, "give the day as YYYY-MM-DD, e.g. 2027-05-16"))
}

fn opt_day(name: &str, text: &Option<String>) -> ApiResult<Option<NaiveDate>> {
    text.as_deref().map(|t| day(name, t)).transpose()
}

fn office(name: &str, text: &str) -> ApiResult<OfficeId> {
    if OfficeId::is_well_formed(text) {
        Ok(OfficeId(text.to_string()))
    } else {
        Err(ApiError::invalid(
            name,
            format!(
                "'{text}' is not an office id; use the id the policy gives, e.g. monitoring_officer"
            ),
        ))
    }
}

/// A reference in a path: one that cannot be a reference is simply not found.
fn path_ref(text: &str) -> ApiResult<PersonRef> {
    text.parse()
        .map_err(|_| ApiError::not_found(format!("person '{text}' was not found")))
}

fn path_tag(text: &str) -> ApiResult<AssetTag> {
    text.parse()
        .map_err(|_| ApiError::not_found(format!("equipment '{text}' was not found")))
}

fn path_id(what: &str, text: &str) -> ApiResult<Id> {
    text.parse::<Id>()
        .map_err(|_| ApiError::not_found(format!("{what} '{text}' was not found")))
}

async fn read(state: &ApiState) -> ApiResult<StoreTx> {
    Ok(state.store.read().await?)
}

async fn write(state: &ApiState) -> ApiResult<StoreTx> {
    Ok(state.store.begin().await?)
}

/// The policy title loans cite, as of a day.
async fn document(tx: &mut StoreTx, council: &Council, on: NaiveDate) -> ApiResult<String> {
    Ok(policy::in_force(tx, council, on)
        .await?
        .map(|a| a.pack.pack.title)
        .unwrap_or_default())
}

// ---- The caller -------------------------------------------------------------------------

#[derive(Serialize)]
pub(crate) struct Me {
    username: Username,
    role: Role,
    person: steward_domain::Person,
    offices: Vec<OfficeId>,
    acceptance: Option<AcceptanceStatus>,
}

pub(crate) async fn me(
    State(state): State<ApiState>,
    caller: Caller,
    Q(q): Q,
) -> ApiResult<Json<Me>> {
    let access = caller.principal.member()?;
    let on = q.as_of(caller.today)?;
    let mut tx = read(&state).await?;
    let person = tx
        .person(access.person_id)
        .await
        .map_err(steward_domain::DomainError::from)?
        .ok_or_else(|| ApiError::not_found("your person record was not found"))?;
    let acceptance = match policy::in_force(&mut tx, &caller.council, on).await? {
        Some(active) => Some(acceptance::status_of(&mut tx, &active, person.id, on).await?),
        None => None,
    };
    let offices = people::offices_on(&mut tx, person.id, on).await?;
    Ok(Json(Me {
        username: caller.principal.user.username.clone(),
        role: caller.principal.role,
        person,
        offices,
        acceptance,
    }))
}

pub(crate) async fn my_loans(
    State(state): State<ApiState>,
    caller: Caller,
    Q(q): Q,
) -> ApiResult<Json<Page<loans::LoanView>>> {
    let access = caller.principal.member()?;
    let page = q.page()?;
    let on = q.as_of(caller.today)?;
    let mut tx = read(&state).await?;
    let doc = document(&mut tx, &caller.council, on).await?;
    let mut views = Vec::new();
    for loan in tx
        .loans_of_person(access.person_id)
        .await
        .map_err(steward_domain::DomainError::from)?
    {
        views.push(loans::view(&mut tx, &doc, loan).await?);
    }
    Ok(Json(page.of(views, |v| v.loan.id)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TypedSignature {
    typed_name: String,
}

pub(crate) async fn sign_myself(
    State(state): State<ApiState>,
    caller: Caller,
    Body(body): Body<TypedSignature>,
) -> ApiResult<Response> {
    let access = caller.principal.member()?;
    let mut tx = write(&state).await?;
    let person = tx
        .person(access.person_id)
        .await
        .map_err(steward_domain::DomainError::from)?
        .ok_or_else(|| ApiError::not_found("your person record was not found"))?;
    let signed = acceptance::sign(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &person.reference,
        Signature::Typed {
            name: body.typed_name,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(created(signed))
}

// ---- Policy -----------------------------------------------------------------------------

/// Policy text is read by everyone who must sign it, as well as by readers.
fn may_read_policy(p: &Principal) -> ApiResult<()> {
    match p.reader() {
        Ok(_) => Ok(()),
        Err(denied) => p.member().map(|_| ()).map_err(|_| denied.into()),
    }
}

#[derive(Serialize)]
pub(crate) struct PolicyView {
    version: steward_domain::PackVersion,
    rules: Vec<steward_policy::explain::RuleLine>,
}

fn policy_view(version: steward_domain::PackVersion) -> ApiResult<PolicyView> {
    let pack = policy::parse_version(&version)?;
    Ok(PolicyView {
        rules: steward_policy::explain::rules(&pack),
        version,
    })
}

pub(crate) async fn policy_in_force(
    State(state): State<ApiState>,
    caller: Caller,
    Q(q): Q,
) -> ApiResult<Json<PolicyView>> {
    may_read_policy(&caller.principal)?;
    let on = q.as_of(caller.today)?;
    let mut tx = read(&state).await?;
    let active = policy::require(&mut tx, &caller.council, on).await?;
    Ok(Json(policy_view(active.version)?))
}

pub(crate) async fn policy_versions(
    State(state): State<ApiState>,
    caller: Caller,
    Q(q): Q,
) -> ApiResult<Json<Page<steward_domain::PackVersion>>> {
    caller.principal.reader()?;
    let page = q.page()?;
    let mut tx = read(&state).await?;
    let all = policy::versions(&mut tx, &caller.council).await?;
    Ok(Json(page.of(all, |v| v.number)))
}

pub(crate) async fn policy_version(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(n): Seg,
) -> ApiResult<Json<PolicyView>> {
    may_read_policy(&caller.principal)?;
    let number = path_id("policy version", &n)?;
    let mut tx = read(&state).await?;
    let version = policy::version(&mut tx, &caller.council, number).await?;
    Ok(Json(policy_view(version)?))
}

#[derive(Serialize)]
pub(crate) struct PresetRow {
    id: &'static str,
    name: &'static str,
}

pub(crate) async fn policy_presets(caller: Caller) -> ApiResult<Json<Vec<PresetRow>>> {
    caller.principal.reader()?;
    Ok(Json(
        steward_policy::presets::all()
            .iter()
            .map(|p| PresetRow {
                id: p.id,
                name: p.name,
            })
            .collect(),
    ))
}

#[derive(Serialize)]
pub(crate) struct CheckResult {
    valid: bool,
    problems: Vec<steward_policy::Problem>,
}

fn no_files(name: &str) -> Result<String, String> {
    Err(format!(
        "'{name}' cannot be read through the API; put the text in acceptance.text"
    ))
}

pub(crate) async fn policy_check(
    caller: Caller,
    Text(source): Text,
) -> ApiResult<Json<CheckResult>> {
    caller.principal.reader()?;
    let result = steward_policy::check_pack("policy", &source, &no_files);
    Ok(Json(match result {
        Ok(_) => CheckResult {
            valid: true,
            problems: Vec::new(),
        },
        Err(e) => {
            let mut problems = e.problems;
            problems.sort_by_key(|p| (p.line, p.column));
            CheckResult {
                valid: false,
                problems,
            }
        }
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Adopt {
    preset: Option<String>,
    source: Option<String>,
    effective_from: Option<String>,
}

pub(crate) async fn policy_adopt(
    State(state): State<ApiState>,
    caller: Caller,
    Body(body): Body<Adopt>,
) -> ApiResult<Response> {
    caller.principal.admin()?;
    let loaded = match (&body.preset, &body.source) {
        (Some(id), None) => {
            let preset = steward_policy::presets::find(id)
                .ok_or_else(|| ApiError::invalid("preset", format!("there is no preset '{id}'")))?;
            steward_policy::presets::load(preset).map_err(steward_domain::DomainError::from)?
        }
        (None, Some(source)) => steward_policy::check_pack("policy", source, &no_files)
            .map_err(steward_domain::DomainError::from)?,
        _ => {
            return Err(ApiError::invalid(
                "source",
                "give either the pack's TOML text as source or a preset id",
            ));
        }
    };
    let effective = opt_day("effective_from", &body.effective_from)?.unwrap_or(caller.today);
    let mut tx = write(&state).await?;
    let version =
        policy::adopt(&mut tx, &caller.ctx(), &caller.council, &loaded, effective).await?;
    tx.commit().await?;
    Ok(created(version))
}

// ---- People -----------------------------------------------------------------------------

pub(crate) async fn people_list(
    State(state): State<ApiState>,
    caller: Caller,
    Q(q): Q,
) -> ApiResult<Json<Page<steward_domain::Person>>> {
    caller.principal.reader()?;
    let page = q.page()?;
    let mut tx = read(&state).await?;
    let all = tx
        .people(caller.council.id)
        .await
        .map_err(steward_domain::DomainError::from)?;
    Ok(Json(page.of(all, |p| p.id)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AddPerson {
    reference: String,
    name: String,
    kind: String,
    email: Option<String>,
    household: Option<String>,
    term_start: Option<String>,
    term_end: Option<String>,
    #[serde(default)]
    offices: Vec<String>,
}

pub(crate) async fn people_add(
    State(state): State<ApiState>,
    caller: Caller,
    Body(b): Body<AddPerson>,
) -> ApiResult<Response> {
    caller.principal.officer()?;
    let req = people::AddPerson {
        person: NewPerson {
            reference: field("reference", &b.reference)?,
            name: b.name,
            kind: field::<PersonKind>("kind", &b.kind)?,
            email: b.email,
            household: b.household,
        },
        term_start: Some(opt_day("term_start", &b.term_start)?.unwrap_or(caller.today)),
        term_end: opt_day("term_end", &b.term_end)?,
        offices: b
            .offices
            .iter()
            .map(|o| office("offices", o))
            .collect::<ApiResult<_>>()?,
    };
    let mut tx = write(&state).await?;
    let person = people::add(&mut tx, &caller.ctx(), &caller.council, req).await?;
    tx.commit().await?;
    Ok(created(person))
}

pub(crate) async fn person_show(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(r): Seg,
) -> ApiResult<Json<people::PersonDetail>> {
    caller.principal.reader()?;
    let reference = path_ref(&r)?;
    let mut tx = read(&state).await?;
    Ok(Json(
        people::detail(&mut tx, &caller.council, &reference).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AddOffice {
    office: String,
    from: Option<String>,
}

pub(crate) async fn person_office(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(r): Seg,
    Body(b): Body<AddOffice>,
) -> ApiResult<Response> {
    caller.principal.officer()?;
    let reference = path_ref(&r)?;
    let office = office("office", &b.office)?;
    let from = opt_day("from", &b.from)?.unwrap_or(caller.today);
    let mut tx = write(&state).await?;
    let held = people::assign_office(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &reference,
        &office,
        from,
    )
    .await?;
    tx.commit().await?;
    Ok(created(held))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Leave {
    on: Option<String>,
    reason: String,
}

pub(crate) async fn person_leave(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(r): Seg,
    Body(b): Body<Leave>,
) -> ApiResult<Json<people::Leaving>> {
    caller.principal.officer()?;
    let reference = path_ref(&r)?;
    let reason: TermEndReason = field("reason", &b.reason)?;
    let on = opt_day("on", &b.on)?.unwrap_or(caller.today);
    let mut tx = write(&state).await?;
    let leaving = people::leave(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &reference,
        on,
        reason,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(leaving))
}

// ---- Equipment --------------------------------------------------------------------------

pub(crate) async fn equipment_list(
    State(state): State<ApiState>,
    caller: Caller,
    Q(q): Q,
) -> ApiResult<Json<Page<steward_domain::Equipment>>> {
    caller.principal.reader()?;
    let page = q.page()?;
    let mut tx = read(&state).await?;
    let all = tx
        .equipment_list(caller.council.id)
        .await
        .map_err(steward_domain::DomainError::from)?;
    Ok(Json(page.of(all, |e| e.id)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AddEquipment {
    asset_tag: String,
    kind: String,
    model: String,
    serial: Option<String>,
    purchased_on: Option<String>,
    /// Pounds and pence as text, such as "650.00".
    replacement_cost: String,
    pat_tested_on: Option<String>,
    #[serde(default)]
    encrypted: bool,
}

pub(crate) async fn equipment_add(
    State(state): State<ApiState>,
    caller: Caller,
    Body(b): Body<AddEquipment>,
) -> ApiResult<Response> {
    caller.principal.officer()?;
    let new = NewEquipment {
        asset_tag: field("asset_tag", &b.asset_tag)?,
        kind: field::<EquipmentKind>("kind", &b.kind)?,
        model: b.model,
        serial: b.serial,
        purchased_on: opt_day("purchased_on", &b.purchased_on)?,
        replacement_cost: Pence::parse_pounds(&b.replacement_cost)
            .map_err(|e| ApiError::invalid("replacement_cost", e.to_string()))?,
        pat_tested_on: opt_day("pat_tested_on", &b.pat_tested_on)?,
        encrypted: b.encrypted,
        state: EquipmentState::InStock,
    };
    let mut tx = write(&state).await?;
    let item = equipment::add(&mut tx, &caller.ctx(), &caller.council, new).await?;
    tx.commit().await?;
    Ok(created(item))
}

#[derive(Serialize)]
pub(crate) struct EquipmentDetail {
    equipment: steward_domain::Equipment,
    open_loan: Option<steward_domain::Loan>,
}

pub(crate) async fn equipment_show(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(t): Seg,
) -> ApiResult<Json<EquipmentDetail>> {
    caller.principal.reader()?;
    let tag = path_tag(&t)?;
    let mut tx = read(&state).await?;
    let item = equipment::find(&mut tx, &caller.council, &tag).await?;
    let open_loan = tx
        .open_loan_of_equipment(item.id)
        .await
        .map_err(steward_domain::DomainError::from)?;
    Ok(Json(EquipmentDetail {
        equipment: item,
        open_loan,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PatTest {
    on: Option<String>,
}

pub(crate) async fn equipment_pat_test(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(t): Seg,
    Body(b): Body<PatTest>,
) -> ApiResult<Json<steward_domain::Equipment>> {
    caller.principal.officer()?;
    let tag = path_tag(&t)?;
    let on = opt_day("on", &b.on)?.unwrap_or(caller.today);
    let mut tx = write(&state).await?;
    let item =
        equipment::record_pat_test(&mut tx, &caller.ctx(), &caller.council, &tag, on).await?;
    tx.commit().await?;
    Ok(Json(item))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SetState {
    state: String,
}

pub(crate) async fn equipment_state(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(t): Seg,
    Body(b): Body<SetState>,
) -> ApiResult<Json<steward_domain::Equipment>> {
    caller.principal.officer()?;
    let tag = path_tag(&t)?;
    let to: EquipmentState = field("state", &b.state)?;
    let mut tx = write(&state).await?;
    let item = equipment::set_state(&mut tx, &caller.ctx(), &caller.council, &tag, to).await?;
    tx.commit().await?;
    Ok(Json(item))
}

// ---- Signatures -------------------------------------------------------------------------

pub(crate) async fn acceptances_list(
    State(state): State<ApiState>,
    caller: Caller,
    Q(q): Q,
) -> ApiResult<Json<Page<acceptance::PersonAcceptance>>> {
    caller.principal.reader()?;
    let page = q.page()?;
    let on = q.as_of(caller.today)?;
    let outstanding = q.flag("outstanding")?;
    let mut tx = read(&state).await?;
    let mut all = acceptance::register(&mut tx, &caller.council, on).await?;
    if outstanding {
        all.retain(|a| !a.status.is_satisfied());
    }
    Ok(Json(page.of(all, |a| a.person.id)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PaperForm {
    person: String,
    signed_on: String,
    /// The officer who entered the form; the caller's own person when left out.
    recorded_by: Option<String>,
}

pub(crate) async fn acceptance_paper(
    State(state): State<ApiState>,
    caller: Caller,
    Body(b): Body<PaperForm>,
) -> ApiResult<Response> {
    let access = caller.principal.officer()?;
    let reference: PersonRef = field("person", &b.person)?;
    let signed_on = day("signed_on", &b.signed_on)?;
    let mut tx = write(&state).await?;
    let recorded_by = match (&b.recorded_by, access.person_id) {
        (Some(r), _) => field("recorded_by", r)?,
        (None, Some(id)) => own_reference(&mut tx, id).await?,
        (None, None) => {
            return Err(ApiError::invalid(
                "recorded_by",
                "name the officer who entered the form",
            ));
        }
    };
    let signed = acceptance::sign(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &reference,
        Signature::Paper {
            signed_on,
            recorded_by,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(created(signed))
}

async fn own_reference(tx: &mut StoreTx, person_id: Id) -> ApiResult<PersonRef> {
    tx.person(person_id)
        .await
        .map_err(steward_domain::DomainError::from)?
        .map(|p| p.reference)
        .ok_or_else(|| ApiError::not_found("your person record was not found"))
}

// ---- Loans ------------------------------------------------------------------------------

pub(crate) async fn loans_list(
    State(state): State<ApiState>,
    caller: Caller,
    Q(q): Q,
) -> ApiResult<Json<Page<loans::LoanView>>> {
    caller.principal.reader()?;
    let page = q.page()?;
    let on = q.as_of(caller.today)?;
    let open = q.flag("open")?;
    let mut tx = read(&state).await?;
    let all = loans::list(&mut tx, &caller.council, open, on).await?;
    Ok(Json(page.of(all, |v| v.loan.id)))
}

pub(crate) async fn loan_show(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
    Q(q): Q,
) -> ApiResult<Json<loans::LoanView>> {
    // Readers see every loan; a member sees their own, and any other is "not found".
    let own = match caller.principal.reader() {
        Ok(_) => None,
        Err(_) => Some(caller.principal.member()?.person_id),
    };
    let id = path_id("loan", &i)?;
    let on = q.as_of(caller.today)?;
    let mut tx = read(&state).await?;
    let loan = loans::find(&mut tx, &caller.council, id).await?;
    if own.is_some_and(|person| person != loan.person_id) {
        return Err(steward_domain::DomainError::not_found("loan", id).into());
    }
    let doc = document(&mut tx, &caller.council, on).await?;
    Ok(Json(loans::view(&mut tx, &doc, loan).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IssueBody {
    person: String,
    asset_tag: String,
    authorised_by: Option<String>,
}

struct IssueArgs {
    person: PersonRef,
    tag: AssetTag,
    authorised_by: Option<PersonRef>,
}

fn issue_args(b: &IssueBody) -> ApiResult<IssueArgs> {
    Ok(IssueArgs {
        person: field("person", &b.person)?,
        tag: field("asset_tag", &b.asset_tag)?,
        authorised_by: b
            .authorised_by
            .as_deref()
            .map(|r| field("authorised_by", r))
            .transpose()?,
    })
}

pub(crate) async fn loan_check(
    State(state): State<ApiState>,
    caller: Caller,
    Body(b): Body<IssueBody>,
) -> ApiResult<Json<loans::IssueCheck>> {
    caller.principal.officer()?;
    let a = issue_args(&b)?;
    let mut tx = read(&state).await?;
    let check = loans::check_issue(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &a.person,
        &a.tag,
        a.authorised_by.as_ref(),
    )
    .await?;
    Ok(Json(check))
}

pub(crate) async fn loan_issue(
    State(state): State<ApiState>,
    caller: Caller,
    Body(b): Body<IssueBody>,
) -> ApiResult<Response> {
    caller.principal.officer()?;
    let a = issue_args(&b)?;
    let mut tx = write(&state).await?;
    let issued = loans::issue(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &a.person,
        &a.tag,
        a.authorised_by.as_ref(),
    )
    .await?;
    tx.commit().await?;
    Ok(created(issued))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExtendBody {
    until: String,
    approved_by: Vec<String>,
    reason: String,
}

pub(crate) async fn loan_extend(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
    Body(b): Body<ExtendBody>,
) -> ApiResult<Response> {
    caller.principal.officer()?;
    let id = path_id("loan", &i)?;
    let until = day("until", &b.until)?;
    let approvers = b
        .approved_by
        .iter()
        .map(|r| field("approved_by", r))
        .collect::<ApiResult<Vec<PersonRef>>>()?;
    let mut tx = write(&state).await?;
    let ext = loans::extend(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        id,
        until,
        &approvers,
        &b.reason,
    )
    .await?;
    tx.commit().await?;
    Ok(created(ext))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecallBody {
    /// The officer recalling it; the caller's own person when left out.
    by: Option<String>,
    return_by: Option<String>,
}

pub(crate) async fn loan_recall(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
    Body(b): Body<RecallBody>,
) -> ApiResult<Json<loans::Recalled>> {
    let access = caller.principal.officer()?;
    let id = path_id("loan", &i)?;
    let return_by = opt_day("return_by", &b.return_by)?;
    let mut tx = write(&state).await?;
    let by = match (&b.by, access.person_id) {
        (Some(r), _) => field("by", r)?,
        (None, Some(p)) => own_reference(&mut tx, p).await?,
        (None, None) => return Err(ApiError::invalid("by", "name the officer recalling it")),
    };
    let recalled =
        loans::recall(&mut tx, &caller.ctx(), &caller.council, id, &by, return_by).await?;
    tx.commit().await?;
    Ok(Json(recalled))
}

pub(crate) async fn loan_return(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
) -> ApiResult<Json<loans::Returned>> {
    caller.principal.officer()?;
    let id = path_id("loan", &i)?;
    let mut tx = write(&state).await?;
    let returned = loans::return_loan(&mut tx, &caller.ctx(), &caller.council, id).await?;
    tx.commit().await?;
    Ok(Json(returned))
}

pub(crate) async fn loan_charge(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
) -> ApiResult<Response> {
    caller.principal.officer()?;
    let id = path_id("loan", &i)?;
    let mut tx = write(&state).await?;
    let charge = loans::raise_charge(&mut tx, &caller.ctx(), &caller.council, id).await?;
    tx.commit().await?;
    Ok(created(charge))
}

// ---- What is due, and the audit trail ---------------------------------------------------

pub(crate) async fn due_report(
    State(state): State<ApiState>,
    caller: Caller,
    Q(q): Q,
) -> ApiResult<Json<due::DueReport>> {
    caller.principal.reader()?;
    let on = q.as_of(caller.today)?;
    let mut tx = read(&state).await?;
    Ok(Json(due::report(&mut tx, &caller.council, on).await?))
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
    let page = super::extract::PageAt {
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

// ---- Accounts ---------------------------------------------------------------------------

pub(crate) async fn users_list(
    State(state): State<ApiState>,
    caller: Caller,
    Q(q): Q,
) -> ApiResult<Json<Page<users::UserView>>> {
    caller.principal.admin()?;
    let page = q.page()?;
    let mut tx = read(&state).await?;
    let all = users::list(&mut tx, &caller.council).await?;
    Ok(Json(page.of(all, |u| u.user.id)))
}

pub(crate) async fn tokens_list(
    State(state): State<ApiState>,
    caller: Caller,
    Q(q): Q,
) -> ApiResult<Json<Page<tokens::TokenView>>> {
    caller.principal.admin()?;
    let page = q.page()?;
    let mut tx = read(&state).await?;
    let all = tokens::list(&mut tx, &caller.council, caller.now).await?;
    Ok(Json(page.of(all, |t| t.token.id)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewToken {
    username: String,
    role: String,
    name: String,
    expires_on: Option<String>,
}

/// A token just made: the only time its secret is shown.
#[derive(Serialize)]
pub(crate) struct MadeToken {
    token: steward_domain::auth::ApiToken,
    secret: String,
}

pub(crate) async fn token_create(
    State(state): State<ApiState>,
    caller: Caller,
    Body(b): Body<NewToken>,
) -> ApiResult<Response> {
    caller.principal.admin()?;
    let req = tokens::CreateToken {
        username: field("username", &b.username)?,
        role: field("role", &b.role)?,
        name: b.name,
        expires_on: opt_day("expires_on", &b.expires_on)?,
    };
    let mut tx = write(&state).await?;
    let made = tokens::create(&mut tx, &caller.ctx(), &caller.council, req).await?;
    tx.commit().await?;
    Ok(created(MadeToken {
        secret: made.secret.expose().to_string(),
        token: made.token,
    }))
}

pub(crate) async fn token_revoke(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(i): Seg,
) -> ApiResult<Json<steward_domain::auth::ApiToken>> {
    caller.principal.admin()?;
    let id = path_id("token", &i)?;
    let mut tx = write(&state).await?;
    let revoked = tokens::revoke(&mut tx, &caller.ctx(), &caller.council, id).await?;
    tx.commit().await?;
    Ok(Json(revoked))
}
