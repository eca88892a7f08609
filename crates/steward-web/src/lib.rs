//! The HTTP side of Steward: the web pages, a health check, and the static assets they use.
//!
//! Pages are minijinja templates (`pages.rs`, `templates/`) styled with govuk-frontend, served
//! with a strict Content Security Policy: no inline script or style anywhere.

mod account;
mod api;
mod assets;
mod back_office;
mod check_answers;
pub mod client;
mod due_page;
mod form_guard;
mod invitation;
pub mod limits;
mod listing;
mod markdown;
mod me;
mod monitoring;
mod notifications;
mod oidc_settings;
mod oversight;
mod pages;
pub mod pdf;
mod pickers;
mod provider;
pub mod records;
pub mod reports;
mod routes;
mod scim;
mod session;
mod setup;
mod start;
mod tls;
mod touches;
mod verifying;
mod workflow_pages;

use assets::Assets;
use axum::extract::{FromRef, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use minijinja::context;
use minijinja::value::Serde;
use pages::{Page, Pages};
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::Arc;
use steward_domain::ops::due::DueCache;
use steward_domain::ops::kept::KeptCounts;
use steward_store::Store;

pub use assets::DEFAULT_DIR as DEFAULT_ASSETS_DIR;
pub use client::{Cidr, CidrError, TrustedProxies};
pub use tls::{TlsConfig, TlsError, TlsFiles};

/// Gives the date pages are drawn for. The server reads the clock here, at the edge, so
/// tests and demos can pin it.
pub type Today = Arc<dyn Fn() -> NaiveDate + Send + Sync>;

/// Gives the moment a request is handled: sessions, sign-in throttling and audit records use
/// it. Like [`Today`], read at the edge so tests and demos can pin it.
pub type Now = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The Content Security Policy on every response: scripts, styles and images from this server
/// only, and nothing inline.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; \
form-action 'self'";

/// Marks a request that reached this server over TLS: [`serve`] inserts it into every request's
/// extensions when it terminates TLS itself. Such requests, and those a trusted proxy says
/// came over HTTPS, get Strict-Transport-Security; nothing else does, whatever scheme a request
/// line or untrusted header claims.
#[derive(Clone, Copy, Debug)]
pub struct ArrivedOverTls;

#[derive(Clone)]
struct AppState {
    store: Store,
    today: Today,
    now: Now,
    pages: Arc<Pages>,
    assets: Arc<Assets>,
    touches: Arc<touches::Touches>,
    /// What is due, as last computed for each council and day (see `ops::due::cache`).
    due: Arc<DueCache>,
    /// Counts of long lists, as last counted for each council and day (see `ops::kept`).
    counts: Arc<KeptCounts>,
    /// The audit chains being checked, which bounds how many checks run at once.
    checks: Arc<verifying::Checks>,
    /// Whether this server sends the outbox by email (`steward serve --smtp`): then new
    /// accounts may be invited to choose their own password, else they get a temporary one.
    sends_mail: bool,
    /// The proxies whose forwarding headers say who the client is (`--trusted-proxy`).
    proxies: Arc<TrustedProxies>,
    /// The councils' identity providers' discovery documents and keys, kept a while.
    providers: Arc<provider::Providers>,
    /// How many sign-ins at an identity provider may be open at once.
    start_limits: steward_domain::auth::StartLimits,
}

#[cfg(test)]
impl AppState {
    /// A server's state for tests, built in one place so that a new field is added once.
    fn for_tests(store: Store, today: Today, now: Now, assets: Assets, sends_mail: bool) -> Self {
        #[allow(clippy::expect_used)]
        let pages = Pages::new(&assets).expect("the page templates load");
        AppState {
            store,
            today,
            now,
            pages: Arc::new(pages),
            assets: Arc::new(assets),
            touches: Arc::default(),
            due: Arc::default(),
            counts: Arc::default(),
            checks: Arc::default(),
            sends_mail,
            proxies: Arc::default(),
            providers: Arc::default(),
            start_limits: Default::default(),
        }
    }

    /// The same state behind the given trusted proxies.
    fn behind(self, proxies: TrustedProxies) -> Self {
        AppState {
            proxies: Arc::new(proxies),
            ..self
        }
    }
}

impl FromRef<AppState> for Arc<Assets> {
    fn from_ref(state: &AppState) -> Self {
        state.assets.clone()
    }
}

/// Could not start serving.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("page templates: {0:#}")]
    Templates(#[from] minijinja::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// How [`serve`] serves, beyond where it listens.
#[derive(Clone, Debug, Default)]
pub struct Serving {
    /// Serve HTTPS with this certificate and key rather than plain HTTP.
    pub tls: Option<TlsConfig>,
    /// Believe these proxies' forwarding headers about the client.
    pub proxies: TrustedProxies,
    /// Whether this process also sends the outbox by email, so that pages may offer what only
    /// email can deliver (invitations).
    pub sends_mail: bool,
}

/// The whole application. Assets come from `STEWARD_ASSETS`, else [`DEFAULT_ASSETS_DIR`].
pub fn router(store: Store, today: Today, now: Now) -> Result<Router, StartError> {
    router_with_assets(store, today, now, Assets::from_env(), &Serving::default())
}

fn router_with_assets(
    store: Store,
    today: Today,
    now: Now,
    assets: Assets,
    serving: &Serving,
) -> Result<Router, StartError> {
    let pages = Arc::new(Pages::new(&assets)?);
    Ok(app(AppState {
        store,
        today,
        now,
        pages,
        assets: Arc::new(assets),
        touches: Arc::default(),
        due: Arc::default(),
        counts: Arc::default(),
        checks: Arc::default(),
        sends_mail: serving.sends_mail,
        proxies: Arc::new(serving.proxies.clone()),
        providers: Arc::default(),
        start_limits: Default::default(),
    }))
}

fn app(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .merge(routes::page_router())
        .route("/assets/{*path}", get(assets::serve))
        .nest("/api/v1", api::router(&state))
        .nest("/scim/v2", scim::router())
        .fallback(not_found)
        .layer(axum::extract::DefaultBodyLimit::max(limits::BODY))
        .layer(axum::middleware::map_response_with_state(
            state.clone(),
            error_pages,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .with_state(state)
}

/// Works out who the client is (for every later layer and handler) and adds the security
/// headers to the answer.
async fn security_headers(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let client = client::identify(&req, &state.proxies);
    let https = client.https;
    req.extensions_mut().insert(client);
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // No address (which may hold a search or an invitation's secret) goes to another site.
    // Not `no-referrer`: under it browsers send `Origin: null` with every form, even this
    // site's own, and the form check could no longer tell them from a cross-site post.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Pages will carry personal data: keep them out of shared and browser caches.
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    res
}

/// Serves the site on `listen`, over TLS when `serving.tls` says so, until the process stops;
/// `on_ready` hears the address bound.
pub async fn serve(
    store: Store,
    listen: SocketAddr,
    today: Today,
    now: Now,
    serving: Serving,
    on_ready: impl FnOnce(SocketAddr),
) -> Result<(), StartError> {
    let app = router_with_assets(store, today, now, Assets::from_env(), &serving)?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    on_ready(listener.local_addr()?);
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    // The peer's address is where the client is worked out from (see `client`).
    match &serving.tls {
        None => {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(stop)
            .await?
        }
        Some(config) => {
            use axum::serve::ListenerExt;
            let listener = tls::TlsListener::new(listener, config).tap_io(|tls| {
                // Small answers go out at once rather than waiting to fill a TLS record.
                let _ = tls.get_ref().0.set_nodelay(true);
            });
            let app = app.layer(axum::Extension(ArrivedOverTls));
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(stop)
            .await?
        }
    }
    Ok(())
}

/// A request that could not be answered with the page it asked for. Handlers return it; the
/// `error_pages` layer turns it into a page in the site's layout.
#[derive(Clone, Debug)]
struct WebError {
    status: StatusCode,
    /// Said to the person; never internal details.
    message: String,
}

impl WebError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        WebError {
            status,
            message: message.into(),
        }
    }

    fn not_found() -> Self {
        WebError::new(StatusCode::NOT_FOUND, "")
    }

    fn is_not_found(&self) -> bool {
        self.status == StatusCode::NOT_FOUND
    }

    fn bad_request(message: impl Into<String>) -> Self {
        WebError::new(StatusCode::BAD_REQUEST, message)
    }

    fn internal(what: &str) -> Self {
        tracing::error!(what, "request failed");
        WebError::new(StatusCode::INTERNAL_SERVER_ERROR, "")
    }

    /// A form whose CSRF token was missing or wrong.
    fn form_expired() -> Self {
        WebError::new(StatusCode::FORBIDDEN, FORM_EXPIRED)
    }
}

/// What the 403 page says when a form's token did not match.
const FORM_EXPIRED: &str = "Your form has expired; go back and try again.";

impl From<steward_domain::auth::Denied> for WebError {
    fn from(denied: steward_domain::auth::Denied) -> Self {
        WebError::new(StatusCode::FORBIDDEN, pages::sentence(denied.0))
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut res = (self.status, self.message.clone()).into_response();
        res.extensions_mut().insert(self);
        res
    }
}

impl From<steward_domain::DomainError> for WebError {
    fn from(e: steward_domain::DomainError) -> Self {
        use steward_domain::ErrorKind::*;
        match e.kind() {
            NotFound => WebError::new(StatusCode::NOT_FOUND, e.to_string()),
            Forbidden => WebError::new(StatusCode::FORBIDDEN, pages::sentence(&e.to_string())),
            Internal => {
                tracing::error!(error = %e, "request failed");
                WebError::new(StatusCode::INTERNAL_SERVER_ERROR, "")
            }
            _ => WebError::new(StatusCode::BAD_REQUEST, e.to_string()),
        }
    }
}

impl From<steward_store::StoreError> for WebError {
    fn from(e: steward_store::StoreError) -> Self {
        tracing::error!(error = %e, "database unavailable");
        WebError::new(StatusCode::SERVICE_UNAVAILABLE, "")
    }
}

impl From<minijinja::Error> for WebError {
    fn from(e: minijinja::Error) -> Self {
        tracing::error!(error = format!("{e:#}"), "page could not be rendered");
        WebError::new(StatusCode::INTERNAL_SERVER_ERROR, "")
    }
}

/// Renders the page for a [`WebError`] a handler returned.
async fn error_pages(State(state): State<AppState>, res: Response) -> Response {
    let Some(err) = res.extensions().get::<WebError>().cloned() else {
        return res;
    };
    let (title, paragraphs): (&str, Vec<String>) = match err.status {
        StatusCode::NOT_FOUND => (
            "Page not found",
            vec![
                "If you typed the web address, check it is correct.".into(),
                "If you pasted the web address, check you copied the entire address.".into(),
            ],
        ),
        StatusCode::BAD_REQUEST => (
            "There is a problem with the request",
            vec![err.message.clone()],
        ),
        StatusCode::FORBIDDEN if err.message == FORM_EXPIRED => {
            ("Your form has expired", vec![err.message.clone()])
        }
        StatusCode::FORBIDDEN => (
            "You cannot see this page",
            vec![
                err.message.clone(),
                "If you think you should, ask the council's administrator.".into(),
            ],
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ("The form could not be read", vec![err.message.clone()])
        }
        StatusCode::TOO_MANY_REQUESTS => ("Try again shortly", vec![err.message.clone()]),
        StatusCode::GONE => ("This address no longer works", vec![err.message.clone()]),
        StatusCode::SERVICE_UNAVAILABLE => (
            "Sorry, the service is unavailable",
            vec!["The register's database cannot be reached. Try again later.".into()],
        ),
        _ => (
            "Sorry, there is a problem with the service",
            vec!["Try again later.".into()],
        ),
    };
    let body = state.pages.render(
        "pages/error.html",
        &Page::new(title),
        context! { heading => title, paragraphs },
    );
    match body {
        Ok(html) => (err.status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "error page could not be rendered");
            (err.status, title.to_string()).into_response()
        }
    }
}

async fn not_found() -> WebError {
    WebError::new(StatusCode::NOT_FOUND, "")
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

#[derive(Serialize)]
struct CouncilRow<'a> {
    name: &'a str,
    slug: &'a str,
}

async fn index(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let mut tx = state.store.begin().await?;
    let councils = steward_domain::RegisterTx::councils(&mut tx)
        .await
        .map_err(steward_domain::DomainError::from)?;
    let rows: Vec<CouncilRow<'_>> = councils
        .iter()
        .map(|c| CouncilRow {
            name: &c.name,
            slug: c.slug.as_str(),
        })
        .collect();
    let page = Page::new("Councils").nav("councils");
    let html = state.pages.render(
        "pages/councils.html",
        &page,
        context! { councils => Serde(&rows) },
    )?;
    Ok(Html(html))
}

#[cfg(test)]
mod tests;
