//! SCIM 2.0 provisioning at `/scim/v2` (RFC 7643 and 7644, the part Entra ID's provisioning
//! service uses): users and groups pushed by the council's directory, each change carried into
//! the register through the same plan and commands as a directory sync.
//!
//! Only a token made for SCIM opens it (`steward token create --scim`), and such a token opens
//! nothing else. SCIM is described by its own RFC schemas (`/scim/v2/Schemas`), not by the
//! API's OpenAPI document.

pub(crate) mod error;
mod filter;
mod group;
mod handlers;
mod meta;
mod patch;
mod user;

use crate::AppState;
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use error::{ScimError, ScimResult};
use serde_json::Value;
use steward_domain::auth::{Role, TokenScope};
use steward_domain::ops::tokens;
use steward_domain::{Council, Ctx, RegisterTx};

/// SCIM's media type, answered always and accepted beside `application/json`.
pub(crate) const MEDIA_TYPE: &str = "application/scim+json";

/// The SCIM endpoint, to be nested at `/scim/v2`.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/Users", get(handlers::users).post(handlers::create_user))
        .route(
            "/Users/{id}",
            get(handlers::user)
                .put(handlers::replace_user)
                .patch(handlers::patch_user)
                .delete(handlers::delete_user),
        )
        .route(
            "/Groups",
            get(handlers::groups).post(handlers::create_group),
        )
        .route(
            "/Groups/{id}",
            get(handlers::group)
                .put(handlers::replace_group)
                .patch(handlers::patch_group)
                .delete(handlers::delete_group),
        )
        .route("/ServiceProviderConfig", get(meta::service_provider_config))
        .route("/ResourceTypes", get(meta::resource_types))
        .route("/Schemas", get(meta::schemas))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(whole_body))
}

async fn not_found() -> ScimError {
    ScimError::not_found("there is no such SCIM resource")
}

async fn method_not_allowed() -> ScimError {
    ScimError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        None,
        "this SCIM resource does not take that method",
    )
}

/// Reads the whole body before anything answers, as the API does; past the limit, SCIM's 413.
async fn whole_body(req: Request, next: axum::middleware::Next) -> Response {
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, crate::limits::BODY).await {
        Ok(bytes) => next.run(Request::from_parts(parts, bytes.into())).await,
        Err(_) => ScimError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
            format!("a SCIM body is at most {} bytes", crate::limits::BODY),
        )
        .into_response(),
    }
}

/// An answer in SCIM's media type.
pub(crate) fn respond(status: StatusCode, body: &Value) -> Response {
    let mut res = (status, axum::Json(body)).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
    res
}

/// The directory's provisioning service: a live SCIM token, whose account is still an
/// administrator, in its council.
pub(crate) struct Provisioner {
    pub council: Council,
    username: String,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
}

impl Provisioner {
    /// Changes are recorded as the token's account, provisioning from the directory.
    pub fn ctx(&self) -> Ctx {
        Ctx::new(format!("{} (SCIM)", self.username), self.now, self.today)
    }
}

impl FromRequestParts<AppState> for Provisioner {
    type Rejection = ScimError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ScimResult<Self> {
        let raw = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim().to_string())
            .ok_or_else(ScimError::unauthorized)?;
        let now = (state.now)();
        let today = (state.today)();
        let mut tx = state.store.read().await?;
        let Some((user, token, due)) = tokens::check(&mut tx, &raw, now).await? else {
            return Err(ScimError::unauthorized());
        };
        if token.scope != TokenScope::Scim || token.role != Role::Admin {
            return Err(ScimError::new(
                StatusCode::FORBIDDEN,
                None,
                "this token is not a SCIM provisioning token: make one with `steward token create --scim`",
            ));
        }
        let council = tx
            .council_by_id(user.council_id)
            .await
            .map_err(steward_domain::DomainError::from)?
            .ok_or_else(ScimError::unauthorized)?;
        tx.commit().await?;
        if due && state.touches.claim(&format!("token {}", token.id), now) {
            let mut write = state.store.begin().await?;
            tokens::touch(&mut write, &token, now).await?;
            write.commit().await?;
        }
        Ok(Provisioner {
            council,
            username: user.username.to_string(),
            today,
            now,
        })
    }
}

/// A SCIM body: `application/scim+json` or `application/json`, parsed as JSON.
pub(crate) struct ScimBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for ScimBody {
    type Rejection = ScimError;

    async fn from_request(req: Request, state: &S) -> ScimResult<Self> {
        let media = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase());
        if !matches!(media.as_deref(), Some(MEDIA_TYPE | "application/json")) {
            return Err(ScimError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                None,
                format!("send the body as {MEDIA_TYPE}"),
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| ScimError::invalid_syntax("the body could not be read"))?;
        serde_json::from_slice(&bytes)
            .map(ScimBody)
            .map_err(|e| ScimError::invalid_syntax(format!("the body is not JSON: {e}")))
    }
}

#[cfg(test)]
mod tests;
