//! The API's handlers. Each first asks the caller's `Principal` for the capability it needs,
//! then runs the same `ops` command the CLI runs, in one transaction.

use super::ApiState;
use super::error::ApiError;
use super::extract::{Body, Caller, Page, Q, Reader, Text, parse_day};
use super::openapi::{Created, Pdf};
use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt::Display;
use std::str::FromStr;
use steward_domain::auth::{Principal, Role, Username};
use steward_domain::ops::acceptance::{self, Signature};
use steward_domain::ops::{due, equipment, loans, people, policy, tokens, users};
use steward_domain::repo::{NewEquipment, NewPerson};
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

/// Two path segments, as [`Seg`].
pub(crate) struct Seg2(pub String, pub String);

impl<S: Send + Sync> FromRequestParts<S> for Seg2 {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path((a, b)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found("no such record"))?;
        Ok(Seg2(a, b))
    }
}

/// A JSON response with 201 Created.
fn created<T: Serialize>(value: T) -> Created<T> {
    Created(value)
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

async fn write(state: &ApiState) -> ApiResult<StoreTx> {
    Ok(state.store.begin().await?)
}

/// The policy title loans cite, as of a day.
async fn document(tx: &mut StoreTx, council: &Council, on: NaiveDate) -> ApiResult<String> {
    Ok(policy::in_force(tx, council, on)
        .await?
        .map(|a| a.pack.pack.title.clone())
        .unwrap_or_default())
}

mod on_accounts;
mod on_cases;
mod on_equipment;
mod on_loans;
mod on_mail;
mod on_me;
mod on_network;
mod on_notices;
mod on_people;
mod on_phones;
mod on_policy;
mod on_posture;
mod on_records;
mod on_reports;
mod on_requests;
mod on_retention;
mod on_signatures;

pub(crate) use on_accounts::*;
pub(crate) use on_cases::*;
pub(crate) use on_equipment::*;
pub(crate) use on_loans::*;
pub(crate) use on_mail::*;
pub(crate) use on_me::*;
pub(crate) use on_network::*;
pub(crate) use on_notices::*;
pub(crate) use on_people::*;
pub(crate) use on_phones::*;
pub(crate) use on_policy::*;
pub(crate) use on_posture::*;
pub(crate) use on_records::*;
pub(crate) use on_reports::*;
pub(crate) use on_requests::*;
pub(crate) use on_retention::*;
pub(crate) use on_signatures::*;
