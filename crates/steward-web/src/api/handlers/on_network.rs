//! The web filter's identities and findings: proxy user names of people, network addresses of
//! equipment (officers), and what scanning found (the offices the policy names, and auditors).

use super::*;
use steward_domain::network::{FindingFilter, ProxyUser};
use steward_domain::ops::network::identities::{self, IdentityLine, IdentitySort, ItemAddresses};
use steward_domain::ops::network::list::{self, FindingQuery};
use steward_domain::ops::network::view::FindingView;

/// `GET /web-identities`: everyone the filter would recognise on the day, by reference, a
/// page at a time (paged in the database).
pub(crate) async fn web_identities_list(
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<IdentityLine>>> {
    caller.principal.officer()?;
    let query = q.list_query::<IdentitySort, _>(())?;
    let on = q.as_of(caller.today)?;
    let page = identities::page(&mut tx, &caller.council, &query, on).await?;
    Ok(Json(page.into()))
}

pub(crate) async fn web_identities(
    Reader { caller, mut tx }: Reader,
    Seg(reference): Seg,
) -> ApiResult<Json<IdentityLine>> {
    caller.principal.officer()?;
    let reference = path_ref(&reference)?;
    let lines = identities::list(&mut tx, &caller.council, &reference, caller.today).await?;
    lines
        .into_iter()
        .next()
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("person '{reference}' was not found")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProxyName {
    username: String,
}

pub(crate) async fn web_identity_add(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(reference): Seg,
    Body(b): Body<ProxyName>,
) -> ApiResult<Created<ProxyUser>> {
    caller.principal.officer()?;
    let reference = path_ref(&reference)?;
    let mut tx = write(&state).await?;
    let user = identities::add_user(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &reference,
        &b.username,
    )
    .await?;
    tx.commit().await?;
    Ok(created(user))
}

pub(crate) async fn web_identity_remove(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(reference): Seg,
    Body(b): Body<ProxyName>,
) -> ApiResult<Json<ProxyUser>> {
    caller.principal.officer()?;
    let reference = path_ref(&reference)?;
    let mut tx = write(&state).await?;
    let user = identities::remove_user(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        &reference,
        &b.username,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(user))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Addresses {
    addresses: Vec<String>,
}

pub(crate) async fn equipment_addresses_set(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(tag): Seg,
    Body(b): Body<Addresses>,
) -> ApiResult<Json<ItemAddresses>> {
    caller.principal.officer()?;
    let tag = path_tag(&tag)?;
    let addresses = b
        .addresses
        .iter()
        .map(|a| identities::network_address(a))
        .collect::<Result<Vec<_>, _>>()?;
    let mut tx = write(&state).await?;
    let done = identities::set_addresses(&mut tx, &caller.ctx(), &caller.council, &tag, &addresses)
        .await?;
    tx.commit().await?;
    Ok(Json(done))
}

pub(crate) async fn findings(
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<FindingView>>> {
    caller.principal.reader()?;
    let person_id = match q.text("person") {
        Some(r) => Some(
            people::find(&mut tx, &caller.council, &field::<PersonRef>("person", &r)?)
                .await?
                .id,
        ),
        None => None,
    };
    let filter = FindingFilter {
        person_id,
        category: q.text("category"),
        from: opt_day("from", &q.text("from"))?,
        to: opt_day("to", &q.text("to"))?,
    };
    let query: FindingQuery = q.list_query(filter)?;
    let page = list::page(
        &mut tx,
        &caller.council,
        &caller.principal,
        caller.today,
        &query,
    )
    .await?;
    Ok(Json(Page::from(page)))
}
