//! People.

use super::*;
use steward_domain::ops::people::list::{PeopleFilter, PeopleSort, PersonListed};

pub(crate) async fn people_list(
    State(state): State<ApiState>,
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<PersonListed>>> {
    caller.principal.reader()?;
    let filter = PeopleFilter {
        kind: q
            .text("kind")
            .map(|k| {
                k.parse::<PersonKind>()
                    .map_err(|e| ApiError::bad_field("kind", e.to_string()))
            })
            .transpose()?,
        in_office: q.either("in_office")?,
    };
    let query = q.list_query::<PeopleSort, _>(filter)?;
    let on = q.as_of(caller.today)?;
    let page = people::list::list_kept(&mut tx, &state.counts, &caller.council, &query, on).await?;
    Ok(Json(page.into()))
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
) -> ApiResult<Created<steward_domain::Person>> {
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
    Reader { caller, mut tx }: Reader,
    Seg(r): Seg,
) -> ApiResult<Json<people::PersonDetail>> {
    caller.principal.reader()?;
    let reference = path_ref(&r)?;
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
) -> ApiResult<Created<steward_domain::OfficeHolding>> {
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

pub(crate) async fn people_import(
    State(state): State<ApiState>,
    caller: Caller,
    Text(csv): Text,
) -> ApiResult<Json<Imported>> {
    caller.principal.officer()?;
    let rows = steward_domain::import::parse_people("body", csv.as_bytes())
        .map_err(steward_domain::DomainError::from)?;
    let mut tx = write(&state).await?;
    let imported = people::import(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        "body",
        rows,
        |_| {},
    )
    .await?;
    tx.commit().await?;
    Ok(Json(Imported { imported }))
}

/// How many rows an import added; all of them, or none and an error.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "ImportedRows")]
pub(crate) struct Imported {
    pub imported: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EndOffice {
    on: Option<String>,
}

pub(crate) async fn person_office_end(
    State(state): State<ApiState>,
    caller: Caller,
    Seg2(r, o): Seg2,
    Body(b): Body<EndOffice>,
) -> ApiResult<Json<steward_domain::OfficeHolding>> {
    caller.principal.officer()?;
    let reference = path_ref(&r)?;
    let office = office("office", &o)
        .map_err(|_| ApiError::not_found(format!("office '{o}' was not found")))?;
    let on = opt_day("on", &b.on)?.unwrap_or(caller.today);
    let mut tx = write(&state).await?;
    let held = people::end_office(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &reference,
        &office,
        on,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(held))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewTerm {
    from: String,
    until: Option<String>,
}

pub(crate) async fn person_term(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(r): Seg,
    Body(b): Body<NewTerm>,
) -> ApiResult<Created<steward_domain::Term>> {
    caller.principal.officer()?;
    let reference = path_ref(&r)?;
    let from = day("from", &b.from)?;
    let until = opt_day("until", &b.until)?;
    let mut tx = write(&state).await?;
    let person = people::find(&mut tx, &caller.council, &reference).await?;
    let term = people::start_term(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &person,
        from,
        until,
    )
    .await?;
    tx.commit().await?;
    Ok(created(term))
}

/// A correction: each field given is changed; `email` or `household` given as "" is cleared.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EditPerson {
    name: Option<String>,
    email: Option<String>,
    kind: Option<String>,
    household: Option<String>,
}

pub(crate) async fn person_edit(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(r): Seg,
    Body(b): Body<EditPerson>,
) -> ApiResult<Json<steward_domain::Person>> {
    caller.principal.officer()?;
    let reference = path_ref(&r)?;
    let change = people::PersonEdit {
        name: b.name,
        email: b.email,
        kind: b
            .kind
            .as_deref()
            .map(|k| field::<PersonKind>("kind", k))
            .transpose()?,
        household: b.household,
    };
    let mut tx = write(&state).await?;
    let person = people::edit(&mut tx, &caller.ctx(), &caller.council, &reference, change).await?;
    tx.commit().await?;
    Ok(Json(person))
}
