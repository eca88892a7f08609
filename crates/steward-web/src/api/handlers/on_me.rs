//! The caller.

use super::*;

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Me {
    username: Username,
    role: Role,
    person: steward_domain::Person,
    offices: Vec<OfficeId>,
    acceptance: Option<AcceptanceStatus>,
}

pub(crate) async fn me(Reader { caller, mut tx }: Reader, Q(q): Q) -> ApiResult<Json<Me>> {
    let access = caller.principal.member()?;
    let on = q.as_of(caller.today)?;
    let person = tx
        .person(access.council_id, access.person_id)
        .await
        .map_err(steward_domain::DomainError::from)?
        .ok_or_else(|| ApiError::not_found("your person record was not found"))?;
    let acceptance = match policy::in_force(&mut tx, &caller.council, on).await? {
        Some(active) => {
            Some(acceptance::status_of(&mut tx, caller.council.id, &active, person.id, on).await?)
        }
        None => None,
    };
    let offices = people::offices_on(&mut tx, caller.council.id, person.id, on).await?;
    Ok(Json(Me {
        username: caller.principal.user.username.clone(),
        role: caller.principal.role,
        person,
        offices,
        acceptance,
    }))
}

pub(crate) async fn my_loans(
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<loans::LoanView>>> {
    let access = caller.principal.member()?;
    let page = q.page()?;
    let on = q.as_of(caller.today)?;
    let doc = document(&mut tx, &caller.council, on).await?;
    let mut views = Vec::new();
    for loan in tx
        .loans_of_person(caller.council.id, access.person_id)
        .await
        .map_err(steward_domain::DomainError::from)?
    {
        views.push(loans::view(&mut tx, &doc, loan, on).await?);
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
) -> ApiResult<Created<steward_domain::Acceptance>> {
    let access = caller.principal.member()?;
    let mut tx = write(&state).await?;
    let person = tx
        .person(access.council_id, access.person_id)
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
