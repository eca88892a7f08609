//! Problem details (RFC 9457) for every failure the API reports.
//!
//! | status | `type` ends with | when |
//! |---|---|---|
//! | 400 | `bad-request` | malformed JSON, a bad query value or cursor (`errors` names the field) |
//! | 401 | `unauthorized` | no token, or a token that is unknown, expired, revoked or disabled |
//! | 403 | `forbidden` | the token's role does not give the capability the request needs |
//! | 404 | `not-found` | no such record in the caller's council, or one the caller may not see |
//! | 405 | `method-not-allowed` | the path exists but not with this method |
//! | 409 | `conflict` | clashes with what is recorded (`errors` names the field) |
//! | 409 | `refused` | the policy refuses it (`refusals`: gate, message, clause) |
//! | 409 | `no-policy` | the council has no policy in force on the day |
//! | 413 | `payload-too-large` | a body over 2 MiB |
//! | 415 | `unsupported-media-type` | a JSON body sent without `Content-Type: application/json` |
//! | 422 | `invalid` | a well-formed body with a value that is not acceptable (`errors`) |
//! | 429 | `busy` | the audit trail is being checked already; `Retry-After` says when to ask again |
//! | 500 | `internal` | logged without personal data; the body says only that it failed |
//! | 503 | `unavailable` | the database cannot be reached |

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use steward_domain::auth::Denied;
use steward_domain::{DomainError, InvalidValue};
use steward_policy::Problem as PackProblem;
use steward_policy::decide::Refusal;

/// Where problem types are named; relative to the server.
pub(crate) const TYPE_BASE: &str = "/api/v1/problems/";

/// One field a caller should correct.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// A failed request, rendered as `application/problem+json`. Boxed: it is the error side of
/// every handler's result.
#[derive(Debug)]
pub(crate) struct ApiError(Box<Problem>);

#[derive(Debug)]
pub(crate) struct Problem {
    pub status: StatusCode,
    pub kind: &'static str,
    pub title: &'static str,
    pub detail: String,
    pub errors: Vec<FieldProblem>,
    pub refusals: Vec<Refusal>,
    pub problems: Vec<PackProblem>,
}

/// The body of every failure, as the document's `Problem` schema describes it.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "Problem")]
pub(crate) struct ProblemBody<'a> {
    /// `/api/v1/problems/` and the kind of failure, such as `not-found`.
    #[serde(rename = "type")]
    #[schemars(regex(pattern = r"^/api/v1/problems/[a-z-]+$"))]
    kind: String,
    title: &'a str,
    status: u16,
    detail: &'a str,
    /// The fields to correct.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldProblem],
    /// The policy's gates that refused, each with its clause.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    refusals: &'a [Refusal],
    /// A policy pack's problems, each with its line and column.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    problems: &'a [PackProblem],
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        ApiError(Box::new(Problem {
            status,
            kind,
            title,
            detail: detail.into(),
            errors: Vec::new(),
            refusals: Vec::new(),
            problems: Vec::new(),
        }))
    }

    pub fn unauthorized() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Not signed in",
            "send a live API token as `Authorization: Bearer stw_...`",
        )
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    /// A bad query value, path value or cursor, naming the field.
    pub fn bad_field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e = ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Bad request",
            format!("{field}: {message}"),
        );
        e.errors.push(FieldProblem {
            field: field.to_string(),
            message,
        });
        e
    }

    /// A body value that is well-formed JSON but not acceptable.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "Invalid input",
            format!("{field}: {message}"),
        );
        e.errors.push(FieldProblem {
            field: field.to_string(),
            message,
        });
        e
    }

    /// A body over the API's limit, whichever part of the server met it first.
    pub fn too_large() -> Self {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "Payload too large",
            super::openapi::BODY_LIMIT_WORDS,
        )
    }

    /// A body that could not be read: over the limit is 413, anything else a bad request.
    pub fn unread_body(rejection: axum::extract::rejection::BytesRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large()
        } else {
            ApiError::bad_field("body", rejection.body_text())
        }
    }

    /// Work the server runs few of at once is running; the caller should ask again shortly.
    pub fn busy(detail: impl Into<String>) -> Self {
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, "busy", "Busy", detail)
    }

    pub fn internal() -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the request could not be completed; try again later",
        )
    }
}

impl std::ops::Deref for ApiError {
    type Target = Problem;
    fn deref(&self) -> &Problem {
        &self.0
    }
}

impl std::ops::DerefMut for ApiError {
    fn deref_mut(&mut self) -> &mut Problem {
        &mut self.0
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ProblemBody {
            kind: format!("{TYPE_BASE}{}", self.kind),
            title: self.title,
            status: self.status.as_u16(),
            detail: &self.detail,
            errors: &self.errors,
            refusals: &self.refusals,
            problems: &self.problems,
        };
        let mut res = (self.status, Json(body)).into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            h.insert(
                header::RETRY_AFTER,
                HeaderValue::from(crate::verifying::RETRY_AFTER_SECONDS),
            );
        }
        if self.status == StatusCode::UNAUTHORIZED {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"steward\""),
            );
        }
        res
    }
}

impl From<Denied> for ApiError {
    fn from(e: Denied) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", e.0)
    }
}

impl From<InvalidValue> for ApiError {
    fn from(e: InvalidValue) -> Self {
        ApiError::invalid(e.what, e.to_string())
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        let detail = e.to_string();
        match e {
            DomainError::NotFound { .. } => ApiError::not_found(detail),
            DomainError::Forbidden(message) => {
                ApiError::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", message)
            }
            DomainError::Invalid { field, message } => ApiError::invalid(&field, message),
            DomainError::Conflict { field, message } => {
                let mut out = ApiError::new(StatusCode::CONFLICT, "conflict", "Conflict", detail);
                out.errors.push(FieldProblem { field, message });
                out
            }
            DomainError::Refused { refusals, .. } => {
                let mut out = ApiError::new(
                    StatusCode::CONFLICT,
                    "refused",
                    "Refused by the policy",
                    detail,
                );
                out.refusals = refusals;
                out
            }
            DomainError::NoPolicy { .. } => ApiError::new(
                StatusCode::CONFLICT,
                "no-policy",
                "No policy in force",
                detail,
            ),
            DomainError::Policy(check) => {
                let mut out = ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    "Invalid policy pack",
                    format!("the policy pack has {} problem(s)", check.problems.len()),
                );
                out.errors = check
                    .problems
                    .iter()
                    .map(|p| FieldProblem {
                        field: "source".into(),
                        message: p.to_string(),
                    })
                    .collect();
                out.problems = check.problems;
                out
            }
            DomainError::Import(import) => {
                let mut out = ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    "Invalid input",
                    format!(
                        "{} row(s) of the file have problems; nothing was imported",
                        import.rows_with_problems()
                    ),
                );
                out.errors = import
                    .errors
                    .iter()
                    .map(|e| FieldProblem {
                        field: e.column.clone().unwrap_or_else(|| "body".into()),
                        message: format!("line {}: {}", e.line, e.message),
                    })
                    .collect();
                out
            }
            DomainError::Repo(repo) => {
                tracing::error!(error = %repo, "API request failed in the register");
                ApiError::internal()
            }
        }
    }
}

impl From<steward_store::StoreError> for ApiError {
    fn from(e: steward_store::StoreError) -> Self {
        tracing::error!(error = %e, "database unavailable");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Service unavailable",
            "the register's database cannot be reached; try again later",
        )
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::bad_field("query", r.body_text())
    }
}
