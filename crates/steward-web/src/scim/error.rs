//! SCIM's error answer (RFC 7644 section 3.12), in `application/scim+json`.

use super::respond;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use steward_domain::DomainError;

pub(crate) const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

#[derive(Debug)]
pub(crate) struct ScimError {
    pub status: StatusCode,
    /// SCIM's word for a 400 or 409: `invalidFilter`, `invalidValue`, `uniqueness`...
    pub scim_type: Option<&'static str>,
    pub detail: String,
}

pub(crate) type ScimResult<T> = Result<T, ScimError>;

impl ScimError {
    pub fn new(
        status: StatusCode,
        scim_type: Option<&'static str>,
        detail: impl Into<String>,
    ) -> Self {
        ScimError {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    pub fn invalid_value(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some("invalidValue"), detail)
    }

    pub fn invalid_syntax(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some("invalidSyntax"), detail)
    }

    pub fn invalid_filter(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some("invalidFilter"), detail)
    }

    pub fn invalid_path(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some("invalidPath"), detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, None, detail)
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            None,
            "send a live SCIM provisioning token as `Authorization: Bearer stw_...`",
        )
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "schemas": [ERROR],
            "status": self.status.as_u16().to_string(),
            "detail": self.detail,
        });
        if let Some(t) = self.scim_type {
            body["scimType"] = json!(t);
        }
        let mut res = respond(self.status, &body);
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        res
    }
}

impl From<DomainError> for ScimError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::NotFound { what, key } => {
                ScimError::not_found(format!("no {what} has the id {key}"))
            }
            DomainError::Invalid { field, message } => {
                ScimError::invalid_value(format!("{field}: {message}"))
            }
            DomainError::Conflict { field, message } => ScimError::new(
                StatusCode::CONFLICT,
                Some("uniqueness"),
                format!("{field}: {message}"),
            ),
            DomainError::Forbidden(message) => ScimError::new(StatusCode::FORBIDDEN, None, message),
            other => {
                // The API's mapping knows the store's failures (busy, unavailable) and logs
                // the unexpected ones; its status and words serve here too.
                let api = crate::api::error::ApiError::from(other);
                ScimError::new(api.status, None, api.detail.clone())
            }
        }
    }
}

impl From<steward_store::StoreError> for ScimError {
    fn from(e: steward_store::StoreError) -> Self {
        let api = crate::api::error::ApiError::from(e);
        ScimError::new(api.status, None, api.detail.clone())
    }
}
