//! Loans.

use super::*;
use steward_domain::ops::loans::list::{LoanFilter, LoanListed, LoanShow, LoanSort};

pub(crate) async fn loans_list(
    State(state): State<ApiState>,
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<LoanListed>>> {
    caller.principal.reader()?;
    // `show` chooses; without it, `open=true` means open loans and anything else all loans,
    // as before `show` was offered.
    let show = match q.text("show") {
        Some(s) => s
            .parse::<LoanShow>()
            .map_err(|e| ApiError::bad_field("show", e))?,
        None if q.flag("open")? => LoanShow::Open,
        None => LoanShow::All,
    };
    let filter = LoanFilter {
        show,
        ..Default::default()
    };
    let query = q.list_query::<LoanSort, _>(filter)?;
    let on = q.as_of(caller.today)?;
    let page = loans::list::list_kept(&mut tx, &state.counts, &caller.council, &query, on).await?;
    Ok(Json(page.into()))
}

pub(crate) async fn loan_show(
    Reader { caller, mut tx }: Reader,
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
    let loan = loans::find(&mut tx, &caller.council, id).await?;
    if own.is_some_and(|person| person != loan.person_id) {
        return Err(steward_domain::DomainError::not_found("loan", id).into());
    }
    let doc = document(&mut tx, &caller.council, on).await?;
    Ok(Json(loans::view(&mut tx, &doc, loan, on).await?))
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
    Reader { caller, mut tx }: Reader,
    Body(b): Body<IssueBody>,
) -> ApiResult<Json<loans::IssueCheck>> {
    caller.principal.officer()?;
    let a = issue_args(&b)?;
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
) -> ApiResult<Created<loans::Issued>> {
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
) -> ApiResult<Created<steward_domain::Extension>> {
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
        (None, Some(p)) => own_reference(&mut tx, access.council_id, p).await?,
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
) -> ApiResult<Created<steward_domain::Charge>> {
    caller.principal.officer()?;
    let id = path_id("loan", &i)?;
    let mut tx = write(&state).await?;
    let charge = loans::raise_charge(&mut tx, &caller.ctx(), &caller.council, id).await?;
    tx.commit().await?;
    Ok(created(charge))
}
