//! Phone lines, bills, marking personal calls, statements and payments.

use super::*;
use std::collections::BTreeSet;
use steward_domain::phones::bill::parse_bill;
use steward_domain::phones::import::Imported;
use steward_domain::phones::lines::LineView;
use steward_domain::phones::lists::{self, BillFilter, BillQuery, StatementFilter, StatementQuery};
use steward_domain::phones::marking::Marked;
use steward_domain::phones::statements::Payment;
use steward_domain::phones::views::{self, BillDetail, BillView, MyBill, StatementView};
use steward_domain::phones::{
    BillPeriod, PhoneLine, PhoneNumber, import, lines, marking, statements,
};

/// What a bill uploaded through the API is called in its record and in row errors.
const UPLOAD: &str = "API upload";

pub(crate) async fn phone_lines_list(
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<LineView>>> {
    caller.principal.reader()?;
    let page = q.page()?;
    let all = lines::list(&mut tx, &caller.council, true).await?;
    Ok(Json(page.of(all, |l| l.line.id)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AddLine {
    asset_tag: String,
    number: String,
}

pub(crate) async fn phone_line_add(
    State(state): State<ApiState>,
    caller: Caller,
    Body(b): Body<AddLine>,
) -> ApiResult<Created<PhoneLine>> {
    caller.principal.officer()?;
    let tag: AssetTag = field("asset_tag", &b.asset_tag)?;
    let number: PhoneNumber = field("number", &b.number)?;
    let mut tx = write(&state).await?;
    let line = lines::add(&mut tx, &caller.ctx(), &caller.council, &tag, &number).await?;
    tx.commit().await?;
    Ok(created(line))
}

pub(crate) async fn phone_line_remove(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(id): Seg,
) -> ApiResult<Json<PhoneLine>> {
    caller.principal.officer()?;
    let id = path_id("phone line", &id)?;
    let mut tx = write(&state).await?;
    let line = lines::remove(&mut tx, &caller.ctx(), &caller.council, id).await?;
    tx.commit().await?;
    Ok(Json(line))
}

pub(crate) async fn phone_bills_list(
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<BillView>>> {
    caller.principal.reader()?;
    let filter = BillFilter {
        period: q.parsed("month", "give the month as YYYY-MM, like 2027-04")?,
    };
    let query: BillQuery = q.list_query(filter)?;
    let page = lists::bills(&mut tx, &caller.council, &query).await?;
    Ok(Json(Page::from(page)))
}

pub(crate) async fn phone_bill_import(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(period): Seg,
    Text(csv): Text,
) -> ApiResult<Created<Imported>> {
    caller.principal.officer()?;
    let period: BillPeriod = period
        .parse()
        .map_err(|e: steward_domain::InvalidValue| ApiError::bad_field("period", e.to_string()))?;
    let rows = parse_bill(UPLOAD, csv.as_bytes()).map_err(steward_domain::DomainError::from)?;
    let mut tx = write(&state).await?;
    let done: Imported = import::import(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        UPLOAD,
        period,
        rows,
    )
    .await?;
    tx.commit().await?;
    Ok(created(done))
}

pub(crate) async fn phone_bill_show(
    Reader { caller, mut tx }: Reader,
    Seg(id): Seg,
) -> ApiResult<Json<BillDetail>> {
    caller.principal.reader()?;
    let id = path_id("phone bill", &id)?;
    Ok(Json(
        views::bill_detail(&mut tx, &caller.council, id).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IssueStatement {
    person: String,
}

pub(crate) async fn phone_statement_issue(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(id): Seg,
    Body(b): Body<IssueStatement>,
) -> ApiResult<Created<StatementView>> {
    caller.principal.officer()?;
    let id = path_id("phone bill", &id)?;
    let person: PersonRef = field("person", &b.person)?;
    let mut tx = write(&state).await?;
    let issued = statements::issue(&mut tx, &caller.ctx(), &caller.council, id, &person).await?;
    tx.commit().await?;
    Ok(created(issued))
}

pub(crate) async fn phone_statements_list(
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<StatementView>>> {
    caller.principal.reader()?;
    let filter = StatementFilter {
        outstanding: q.flag("outstanding")?,
    };
    let query: StatementQuery = q.list_query(filter)?;
    let page = lists::statements(&mut tx, &caller.council, &query).await?;
    Ok(Json(Page::from(page)))
}

/// One statement: anyone who reads the register, or the holder it is for.
pub(crate) async fn phone_statement_show(
    Reader { caller, mut tx }: Reader,
    Seg(id): Seg,
) -> ApiResult<Json<StatementView>> {
    let id = path_id("phone statement", &id)?;
    let found = views::find_statement(&mut tx, &caller.council, id).await?;
    if !caller.principal.may_see_person(found.person_id) {
        // A member asking about someone else's statement learns nothing, not even that it exists.
        caller.principal.member()?;
        return Err(ApiError::not_found(format!(
            "phone statement '{id}' was not found"
        )));
    }
    Ok(Json(views::statement_view(&mut tx, found).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecordPayment {
    /// Pounds and pence as text, such as "1.05".
    amount: String,
    paid_on: Option<String>,
    reference: Option<String>,
}

pub(crate) async fn phone_payment(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(id): Seg,
    Body(b): Body<RecordPayment>,
) -> ApiResult<Created<StatementView>> {
    caller.principal.officer()?;
    let id = path_id("phone statement", &id)?;
    let payment = Payment {
        amount: Pence::parse_pounds(&b.amount)
            .map_err(|e| ApiError::invalid("amount", e.to_string()))?,
        paid_on: opt_day("paid_on", &b.paid_on)?.unwrap_or(caller.today),
        reference: b.reference,
    };
    let mut tx = write(&state).await?;
    let view = statements::pay(&mut tx, &caller.ctx(), &caller.council, id, payment).await?;
    tx.commit().await?;
    Ok(created(view))
}

pub(crate) async fn my_phone_bills(
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<MyBill>>> {
    let access = caller.principal.member()?;
    let page = q.page()?;
    let mine = views::mine(&mut tx, &caller.council, access.person_id).await?;
    Ok(Json(page.of(mine, |b| b.bill_id)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MarkPersonal {
    /// Ids of the caller's items on the bill that were personal; the rest are business.
    personal: Vec<Id>,
}

pub(crate) async fn my_phone_marks(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(id): Seg,
    Body(b): Body<MarkPersonal>,
) -> ApiResult<Json<Marked>> {
    let access = caller.principal.member()?;
    let id = path_id("phone bill", &id)?;
    let chosen: BTreeSet<Id> = b.personal.into_iter().collect();
    let mut tx = write(&state).await?;
    let marked = marking::mark(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        access.person_id,
        id,
        &chosen,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(marked))
}
