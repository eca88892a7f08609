//! The HTTP side of Steward. For now: a health check and a read-only page of what is due.

mod html;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Deserialize;
use std::net::SocketAddr;
use steward_domain::CouncilSlug;
use steward_domain::ops::{council, due};
use steward_store::Store;

/// Gives the date pages are drawn for. The server reads the clock here, at the edge, so
/// tests and demos can pin it.
pub type Today = std::sync::Arc<dyn Fn() -> NaiveDate + Send + Sync>;

#[derive(Clone)]
struct AppState {
    store: Store,
    today: Today,
}

pub fn router(store: Store, today: Today) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/health", get(health))
        .route("/councils/{slug}/due", get(due_page))
        .route("/assets/steward.css", get(stylesheet))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(AppState { store, today })
}

async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}

/// Binds, reports the address through `on_ready`, and serves until the process stops.
pub async fn serve(
    store: Store,
    listen: SocketAddr,
    today: Today,
    on_ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    on_ready(listener.local_addr()?);
    axum::serve(listener, router(store, today))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

struct WebError(StatusCode, String);

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let body = html::page(
            "Error",
            &format!("<h1>{}</h1><p>{}</p>", self.0, html::escape(&self.1)),
        );
        (self.0, Html(body)).into_response()
    }
}

impl From<steward_domain::DomainError> for WebError {
    fn from(e: steward_domain::DomainError) -> Self {
        use steward_domain::ErrorKind::*;
        match e.kind() {
            NotFound => WebError(StatusCode::NOT_FOUND, e.to_string()),
            Internal => {
                tracing::error!(error = %e, "request failed");
                WebError(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong. Try again later.".into(),
                )
            }
            _ => WebError(StatusCode::BAD_REQUEST, e.to_string()),
        }
    }
}

impl From<steward_store::StoreError> for WebError {
    fn from(e: steward_store::StoreError) -> Self {
        tracing::error!(error = %e, "database unavailable");
        WebError(
            StatusCode::SERVICE_UNAVAILABLE,
            "The database is not available.".into(),
        )
    }
}

async fn health(State(state): State<AppState>) -> Response {
    match state.store.begin().await {
        Ok(_) => Json(serde_json::json!({ "status": "ok" })).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable" })),
            )
                .into_response()
        }
    }
}

async fn index(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let mut tx = state.store.begin().await?;
    let councils = steward_domain::RegisterTx::councils(&mut tx)
        .await
        .map_err(steward_domain::DomainError::from)?;
    Ok(Html(html::index(&councils)))
}

#[derive(Deserialize)]
struct DueQuery {
    as_of: Option<String>,
}

async fn due_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<DueQuery>,
) -> Result<Html<String>, WebError> {
    let slug: CouncilSlug = slug
        .parse()
        .map_err(|_| WebError(StatusCode::NOT_FOUND, "No such council.".into()))?;
    let today = match q.as_of.as_deref().filter(|s| !s.is_empty()) {
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            WebError(
                StatusCode::BAD_REQUEST,
                "The date must be written as YYYY-MM-DD, for example 2027-05-16.".into(),
            )
        })?,
        None => (state.today)(),
    };
    let mut tx = state.store.begin().await?;
    let found = council::find(&mut tx, &slug).await?;
    let report = due::report(&mut tx, &found, today).await?;
    Ok(Html(html::due(&found, &report)))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        html::CSS,
    )
}
