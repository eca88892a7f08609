//! The SCIM resources' handlers: each write is one transaction with its audit records.

use super::error::{ScimError, ScimResult};
use super::patch::{self, Op};
use super::user::{self, Draft};
use super::{Provisioner, ScimBody, filter, group, respond};
use crate::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use steward_domain::directory::ExternalId;
use steward_domain::directory::scim::{PAGE_MAX, ScimUser, provision};

pub(crate) const LIST: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/// Most resources a list answers when the request does not say.
const PAGE_DEFAULT: usize = 100;

type Params = Result<Query<BTreeMap<String, String>>, QueryRejection>;

/// `startIndex` (from 1) and `count`, held to SCIM's rules and Steward's page limit.
fn window(params: &BTreeMap<String, String>) -> ScimResult<(usize, usize)> {
    let number = |name: &str| -> ScimResult<Option<i64>> {
        params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| {
                v.trim()
                    .parse::<i64>()
                    .map_err(|_| ScimError::invalid_value(format!("{name} is a whole number")))
            })
            .transpose()
    };
    let start = number("startIndex")?.unwrap_or(1).max(1);
    let count = number("count")?
        .map(|c| c.clamp(0, PAGE_MAX as i64))
        .unwrap_or(PAGE_DEFAULT as i64);
    Ok((
        usize::try_from(start).unwrap_or(1),
        usize::try_from(count).unwrap_or(PAGE_DEFAULT),
    ))
}

fn param<'a>(params: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn params(query: Params) -> ScimResult<BTreeMap<String, String>> {
    query
        .map(|Query(q)| q)
        .map_err(|e| ScimError::invalid_syntax(e.body_text()))
}

fn list(total: usize, start: usize, resources: Vec<Value>) -> Response {
    respond(
        StatusCode::OK,
        &json!({
            "schemas": [LIST],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": resources.len(),
            "Resources": resources,
        }),
    )
}

fn created(body: Value) -> Response {
    let location = body["meta"]["location"].as_str().map(str::to_string);
    let mut res = respond(StatusCode::CREATED, &body);
    if let Some(l) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        res.headers_mut().insert(header::LOCATION, l);
    }
    res
}

/// An id from the path; one that cannot be an id is not found.
fn path_id(what: &str, id: &str) -> ScimResult<ExternalId> {
    ExternalId::parse(id).map_err(|_| ScimError::not_found(format!("no {what} has the id {id}")))
}

pub(crate) async fn users(
    State(state): State<AppState>,
    who: Provisioner,
    query: Params,
) -> ScimResult<Response> {
    let params = params(query)?;
    let filter = filter::users(param(&params, "filter"))?;
    let (start, count) = window(&params)?;
    let mut tx = state.store.read().await?;
    let (total, page) = provision::users(&mut tx, &who.council, &filter, start - 1, count).await?;
    tx.commit().await?;
    Ok(list(total, start, page.iter().map(user::json).collect()))
}

pub(crate) async fn user(
    State(state): State<AppState>,
    who: Provisioner,
    Path(id): Path<String>,
) -> ScimResult<Response> {
    let id = path_id("user", &id)?;
    let mut tx = state.store.read().await?;
    let found = provision::user(&mut tx, &who.council, &id).await?;
    tx.commit().await?;
    Ok(respond(StatusCode::OK, &user::json(&found)))
}

/// A draft made whole: its id from the attribute the council's settings name.
async fn finish(
    tx: &mut steward_store::StoreTx,
    who: &Provisioner,
    draft: Draft,
) -> ScimResult<ScimUser> {
    let user_name = draft
        .user_name
        .ok_or_else(|| ScimError::invalid_value("give the user's userName"))?;
    let settings = provision::settings(tx, &who.council).await?;
    let id = provision::user_id(&settings, &user_name, &draft.attributes)?;
    Ok(ScimUser {
        id,
        user_name,
        active: draft.active,
        attributes: draft.attributes,
    })
}

pub(crate) async fn create_user(
    State(state): State<AppState>,
    who: Provisioner,
    ScimBody(body): ScimBody,
) -> ScimResult<Response> {
    let draft = Draft::from_body(&body)?;
    let mut tx = state.store.begin().await?;
    let new = finish(&mut tx, &who, draft).await?;
    let made = provision::create_user(&mut tx, &who.ctx(), &who.council, new).await?;
    tx.commit().await?;
    Ok(created(user::json(&made)))
}

pub(crate) async fn replace_user(
    State(state): State<AppState>,
    who: Provisioner,
    Path(id): Path<String>,
    ScimBody(body): ScimBody,
) -> ScimResult<Response> {
    let id = path_id("user", &id)?;
    let draft = Draft::from_body(&body)?;
    let mut tx = state.store.begin().await?;
    provision::user(&mut tx, &who.council, &id).await?;
    let new = finish(&mut tx, &who, draft).await?;
    let saved = provision::replace_user(&mut tx, &who.ctx(), &who.council, &id, new).await?;
    tx.commit().await?;
    Ok(respond(StatusCode::OK, &user::json(&saved)))
}

pub(crate) async fn patch_user(
    State(state): State<AppState>,
    who: Provisioner,
    Path(id): Path<String>,
    ScimBody(body): ScimBody,
) -> ScimResult<Response> {
    let id = path_id("user", &id)?;
    let ops = patch::operations(&body)?;
    let mut tx = state.store.begin().await?;
    let before = provision::user(&mut tx, &who.council, &id).await?;
    let mut draft = Draft::of(&before);
    for o in &ops {
        match (o.path, o.op) {
            (Some(path), Op::Remove) => draft.remove(path)?,
            (Some(path), _) => draft.assign(path, o.value)?,
            (None, _) => {
                for (key, value) in o.value.as_object().into_iter().flatten() {
                    draft.assign(key, value)?;
                }
            }
        }
    }
    let new = finish(&mut tx, &who, draft).await?;
    let saved = provision::replace_user(&mut tx, &who.ctx(), &who.council, &id, new).await?;
    tx.commit().await?;
    Ok(respond(StatusCode::OK, &user::json(&saved)))
}

/// The directory deletes a user: a leaver. Their person stays in the register.
pub(crate) async fn delete_user(
    State(state): State<AppState>,
    who: Provisioner,
    Path(id): Path<String>,
) -> ScimResult<StatusCode> {
    let id = path_id("user", &id)?;
    let mut tx = state.store.begin().await?;
    provision::remove_user(&mut tx, &who.ctx(), &who.council, &id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether a request leaves members out (`excludedAttributes=members`, as Entra ID asks).
fn with_members(params: &BTreeMap<String, String>) -> bool {
    !param(params, "excludedAttributes").is_some_and(|e| {
        e.split(',')
            .any(|a| a.trim().eq_ignore_ascii_case("members"))
    })
}

pub(crate) async fn groups(
    State(state): State<AppState>,
    who: Provisioner,
    query: Params,
) -> ScimResult<Response> {
    let params = params(query)?;
    let filter = filter::groups(param(&params, "filter"))?;
    let (start, count) = window(&params)?;
    let members = with_members(&params);
    let mut tx = state.store.read().await?;
    let (total, page) = provision::groups(&mut tx, &who.council, &filter, start - 1, count).await?;
    tx.commit().await?;
    Ok(list(
        total,
        start,
        page.iter().map(|g| group::json(g, members)).collect(),
    ))
}

pub(crate) async fn group(
    State(state): State<AppState>,
    who: Provisioner,
    Path(id): Path<String>,
    query: Params,
) -> ScimResult<Response> {
    let params = params(query)?;
    let id = path_id("group", &id)?;
    let mut tx = state.store.read().await?;
    let found = provision::group(&mut tx, &who.council, &id).await?;
    tx.commit().await?;
    Ok(respond(
        StatusCode::OK,
        &group::json(&found, with_members(&params)),
    ))
}

pub(crate) async fn create_group(
    State(state): State<AppState>,
    who: Provisioner,
    ScimBody(body): ScimBody,
) -> ScimResult<Response> {
    let new = group::from_body(&body, None)?;
    let mut tx = state.store.begin().await?;
    let made = provision::create_group(&mut tx, &who.ctx(), &who.council, new).await?;
    tx.commit().await?;
    Ok(created(group::json(&made, true)))
}

pub(crate) async fn replace_group(
    State(state): State<AppState>,
    who: Provisioner,
    Path(id): Path<String>,
    ScimBody(body): ScimBody,
) -> ScimResult<Response> {
    let id = path_id("group", &id)?;
    let new = group::from_body(&body, Some(&id))?;
    let mut tx = state.store.begin().await?;
    let saved = provision::replace_group(&mut tx, &who.ctx(), &who.council, new).await?;
    tx.commit().await?;
    Ok(respond(StatusCode::OK, &group::json(&saved, true)))
}

/// Entra ID's member changes. Answered 204, as Entra ID expects of a group patch.
pub(crate) async fn patch_group(
    State(state): State<AppState>,
    who: Provisioner,
    Path(id): Path<String>,
    ScimBody(body): ScimBody,
) -> ScimResult<StatusCode> {
    let id = path_id("group", &id)?;
    let ops = patch::operations(&body)?;
    let mut tx = state.store.begin().await?;
    let mut changed = provision::group(&mut tx, &who.council, &id).await?;
    for o in &ops {
        group::apply(&mut changed, o)?;
    }
    provision::replace_group(&mut tx, &who.ctx(), &who.council, changed).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn delete_group(
    State(state): State<AppState>,
    who: Provisioner,
    Path(id): Path<String>,
) -> ScimResult<StatusCode> {
    let id = path_id("group", &id)?;
    let mut tx = state.store.begin().await?;
    provision::remove_group(&mut tx, &who.ctx(), &who.council, &id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
