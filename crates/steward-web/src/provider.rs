//! Signing in with the council's identity provider (OpenID Connect, authorisation code flow
//! with PKCE), and the page after signing out that offers the provider's own sign-out.
//!
//! * `GET /councils/{slug}/sign-in/provider` reads the provider's discovery document, files the
//!   attempt (the digest of its `state`, its nonce and PKCE verifier) on the server, binds it to
//!   this browser with a short-lived cookie holding the `state`, and sends the browser to the
//!   provider.
//! * `GET /councils/{slug}/sign-in/provider/return` takes the attempt back (once, within ten
//!   minutes, only in the browser that began it), exchanges the code with the client secret
//!   and the PKCE verifier, and validates the ID token: signature against the provider's keys,
//!   issuer, audience, expiry and nonce. `ops::oidc::sign_in` then decides who it is.
//!
//! Every request to the provider goes through [`fetch`]: no redirects followed (the addresses
//! come from the discovery document, so following one could reach an address inside the
//! council's network), timeouts, and answers read no further than [`PROVIDER_ANSWER`]. The
//! discovery document and keys are kept a while per council ([`cache`]).
//!
//! Starting is limited: an attempt is filed before anything is fetched, and only while the
//! client's address and the council have fewer open than [`StartLimits`] allows; otherwise the
//! page says when to try again (429).

mod cache;

use crate::account::find_council;
use crate::client::Client;
use crate::limits::{PROVIDER_ANSWER, SECRET_FILE};
use crate::pages::Page;
use crate::session::{SESSION_COOKIE, cookie, home_path, safe_next, session_cookie, sign_in_path};
use crate::{AppState, WebError};
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use minijinja::context;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::reqwest;
use openidconnect::{
    AdditionalClaims, AsyncHttpClient, AuthorizationCode, ClaimsVerificationError, ClientId,
    ClientSecret, CsrfToken, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    HttpRequest, HttpResponse, IdTokenFields, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, ProviderMetadataWithLogout, RedirectUrl, SignatureVerificationError,
    StandardErrorResponse, StandardTokenResponse, TokenResponse,
};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use steward_domain::auth::{
    OidcAttempt, OidcSettings, Principal, ProviderClaims, RoleClaim, SecretSource, StartLimited,
    address_key, constant_time_eq, digest,
};
use steward_domain::ops::{oidc, people, sessions};
use steward_domain::{Council, CouncilSlug};

/// How long a request to the provider may take in all, and to connect.
const TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The cookie binding an attempt to the browser that began it.
const ATTEMPT_COOKIE: &str = "steward_oidc";

/// The claims Steward reads beyond the standard ones: app roles or groups, and Entra ID's
/// tenant and object ids.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Extra {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    oid: Option<String>,
}

impl AdditionalClaims for Extra {}

type Fields = IdTokenFields<
    Extra,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type Tokens = StandardTokenResponse<Fields, CoreTokenType>;
type OidcClient = openidconnect::Client<
    Extra,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// A request to the provider that did not give an answer.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FetchError(String);

/// The HTTP client every request to the provider goes through (see [`fetch`]).
struct Http(reqwest::Client);

impl<'c> AsyncHttpClient<'c> for Http {
    type Error = FetchError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, FetchError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(fetch(&self.0, request))
    }
}

fn http() -> Result<Http, FetchError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .build()
        .map(Http)
        .map_err(|e| FetchError(format!("the HTTP client could not be built: {e}")))
}

/// One request to the provider: no redirects followed, time-limited, its answer read no
/// further than [`PROVIDER_ANSWER`].
async fn fetch(client: &reqwest::Client, request: HttpRequest) -> Result<HttpResponse, FetchError> {
    let request = reqwest::Request::try_from(request)
        .map_err(|e| FetchError(format!("the request could not be made: {e}")))?;
    let url = request.url().clone();
    let mut answer = client
        .execute(request)
        .await
        .map_err(|e| FetchError(format!("{url} did not answer: {e}")))?;
    let mut built = openidconnect::http::Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        built = built.header(name, value);
    }
    let mut body = Vec::new();
    while let Some(chunk) = answer
        .chunk()
        .await
        .map_err(|e| FetchError(format!("{url} broke off: {e}")))?
    {
        if body.len() + chunk.len() > PROVIDER_ANSWER {
            return Err(FetchError(format!(
                "{url} answered with more than {PROVIDER_ANSWER} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    built
        .body(body)
        .map_err(|e| FetchError(format!("{url} answered oddly: {e}")))
}

/// Why signing in at the provider did not work, said plainly; the cause goes to the log.
fn unavailable(settings: &OidcSettings, cause: impl std::fmt::Display) -> WebError {
    tracing::warn!(issuer = %settings.issuer, cause = %cause, "identity provider sign-in failed");
    WebError::new(
        StatusCode::BAD_GATEWAY,
        format!(
            "Signing in with {} did not work this time. Try again in a few minutes; if it \
             keeps happening, tell the council's administrator.",
            settings.provider_name
        ),
    )
}

/// The provider's discovery document and keys, as each council last fetched them.
pub type Providers = cache::Kept<ProviderMetadataWithLogout>;

/// Fetches the discovery document and, from the address it names, the provider's keys.
async fn fetch_metadata(settings: &OidcSettings) -> Result<ProviderMetadataWithLogout, WebError> {
    let issuer = IssuerUrl::new(settings.issuer.as_str().to_string())
        .map_err(|e| unavailable(settings, e))?;
    let client = http().map_err(|e| unavailable(settings, e))?;
    ProviderMetadataWithLogout::discover_async(issuer, &client)
        .await
        .map_err(|e| unavailable(settings, error_chain(&e)))
}

/// The council's provider's discovery document and keys, kept or fetched.
async fn discover(
    state: &AppState,
    council: &Council,
    settings: &OidcSettings,
) -> Result<Arc<ProviderMetadataWithLogout>, WebError> {
    state
        .providers
        .get(council.id, settings.issuer.as_str(), (state.now)(), || {
            fetch_metadata(settings)
        })
        .await
}

/// Forgets the council's kept discovery document and keys, as its settings have changed.
pub async fn forget_provider(state: &AppState, council: &Council) {
    state.providers.forget(council.id).await;
}

/// An error and its sources on one line, for the log.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The address the provider sends the browser back to, on the origin the browser is using.
pub fn return_address(client: &Client, slug: &CouncilSlug) -> Option<String> {
    Some(format!(
        "{}/councils/{slug}/sign-in/provider/return",
        client.origin()?
    ))
}

fn redirect_url(client: &Client, council: &Council) -> Result<RedirectUrl, WebError> {
    let address = return_address(client, &council.slug)
        .ok_or_else(|| WebError::bad_request("the request did not name this server's address"))?;
    RedirectUrl::new(address)
        .map_err(|_| WebError::bad_request("the request did not name this server's address"))
}

/// The client secret, from where the settings say it lives. Never logged or shown.
async fn read_secret(source: &SecretSource) -> Result<ClientSecret, String> {
    let text = match source {
        SecretSource::Env(name) => std::env::var(name)
            .map_err(|_| format!("the environment variable {name} is not set"))?,
        SecretSource::File(path) => {
            use tokio::io::AsyncReadExt;
            let file = tokio::fs::File::open(path)
                .await
                .map_err(|e| format!("the file {path} could not be read: {e}"))?;
            let mut bytes = Vec::new();
            file.take(SECRET_FILE + 1)
                .read_to_end(&mut bytes)
                .await
                .map_err(|e| format!("the file {path} could not be read: {e}"))?;
            if bytes.len() as u64 > SECRET_FILE {
                return Err(format!(
                    "the file {path} is longer than {SECRET_FILE} bytes"
                ));
            }
            String::from_utf8(bytes).map_err(|_| format!("the file {path} is not text"))?
        }
    };
    let secret = text.lines().next().unwrap_or_default().trim().to_string();
    if secret.is_empty() {
        return Err(format!("{} holds no secret", source.describe()));
    }
    Ok(ClientSecret::new(secret))
}

async fn settings_of(state: &AppState, council: &Council) -> Result<OidcSettings, WebError> {
    let mut tx = state.store.read().await?;
    let found = oidc::settings(&mut tx, council).await?;
    tx.commit().await?;
    found.ok_or_else(WebError::not_found)
}

fn attempt_cookie(council: &Council, state: &str) -> Result<HeaderValue, WebError> {
    HeaderValue::try_from(format!(
        "{ATTEMPT_COOKIE}={state}; Path=/councils/{}/sign-in/provider; Secure; HttpOnly; \
         SameSite=Lax; Max-Age=600",
        council.slug
    ))
    .map_err(|_| WebError::internal("a cookie could not be written"))
}

fn clear_attempt_cookie(council: &Council) -> Result<HeaderValue, WebError> {
    HeaderValue::try_from(format!(
        "{ATTEMPT_COOKIE}=; Path=/councils/{}/sign-in/provider; Secure; HttpOnly; \
         SameSite=Lax; Max-Age=0",
        council.slug
    ))
    .map_err(|_| WebError::internal("a cookie could not be written"))
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Sends the browser to the provider's sign-in page, once the attempt is filed within the
/// limits.
pub async fn start(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<Next>,
    Extension(client): Extension<Client>,
) -> Result<Response, WebError> {
    let council = find_council(&state, &slug).await?;
    let settings = settings_of(&state, &council).await?;
    let next = q.next.as_deref().and_then(|n| safe_next(&council, n));
    let redirect = redirect_url(&client, &council)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let csrf = CsrfToken::new_random();
    let nonce = Nonce::new_random();
    let attempt = OidcAttempt {
        state_hash: digest(csrf.secret()),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        next,
        address: address_key(client.address),
        created_at: (state.now)(),
    };
    // Filed before the provider is asked anything, so a flood of starts costs no fetches.
    let mut tx = state.store.begin().await?;
    let filed = oidc::begin_attempt(&mut tx, &council, &attempt, &state.start_limits).await?;
    tx.commit().await?;
    if let Err(limited) = filed {
        return too_many(&state, &council, limited);
    }
    let metadata = discover(&state, &council, &settings).await?;
    let oidc_client = OidcClient::from_provider_metadata(
        (*metadata).clone(),
        ClientId::new(settings.client_id.clone()),
        None,
    )
    .set_redirect_uri(redirect);
    let cookie = attempt_cookie(&council, csrf.secret())?;
    let (url, _, _) = oidc_client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            move || csrf,
            move || nonce,
        )
        .set_pkce_challenge(challenge)
        .url();
    Ok((
        AppendHeaders([(header::SET_COOKIE, cookie)]),
        Redirect::to(url.as_str()),
    )
        .into_response())
}

/// The page when no more sign-ins may start for now, saying when one may.
fn too_many(
    state: &AppState,
    council: &Council,
    limited: StartLimited,
) -> Result<Response, WebError> {
    let until = limited.until();
    let reason = match limited {
        StartLimited::Address { .. } => format!(
            "Too many sign-ins have been started from your address in the last ten minutes. \
             Try again after {}.",
            steward_policy::uktime::local_moment(until)
        ),
        StartLimited::Council { .. } => format!(
            "Too many sign-ins to this council are under way. Try again after {}.",
            steward_policy::uktime::local_moment(until)
        ),
    };
    let heading = "Too many sign-ins";
    let page = Page::new(heading).council(council);
    let html = state.pages.render(
        "pages/provider_busy.html",
        &page,
        context! { heading, reason, sign_in => sign_in_path(council) },
    )?;
    let wait = (until - (state.now)()).num_seconds().max(1);
    Ok((
        StatusCode::TOO_MANY_REQUESTS,
        AppendHeaders([(header::RETRY_AFTER, HeaderValue::from(wait))]),
        Html(html),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct Back {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

fn refused(
    state: &AppState,
    council: &Council,
    settings: &OidcSettings,
    status: StatusCode,
    heading: &str,
    reason: String,
) -> Result<Response, WebError> {
    let page = Page::new(heading).council(council);
    let html = state.pages.render(
        "pages/provider_refused.html",
        &page,
        context! {
            heading,
            reason,
            provider => &settings.provider_name,
            sign_in => sign_in_path(council),
        },
    )?;
    Ok((status, Html(html)).into_response())
}

fn claims_of(settings: &OidcSettings, subject: &str, extra: &Extra) -> ProviderClaims {
    ProviderClaims {
        subject: subject.to_string(),
        tenant: extra.tid.clone(),
        object: extra.oid.clone(),
        role_values: match settings.role_claim {
            RoleClaim::Roles => extra.roles.clone(),
            RoleClaim::Groups => extra.groups.clone(),
        },
    }
}

/// The browser back from the provider: the attempt checked, the code exchanged, the ID token
/// validated, and the linked account signed in.
pub async fn finish(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(back): Query<Back>,
    headers: HeaderMap,
    Extension(client): Extension<Client>,
) -> Result<Response, WebError> {
    let council = find_council(&state, &slug).await?;
    let settings = settings_of(&state, &council).await?;
    let start_again = |why: &str| {
        refused(
            &state,
            &council,
            &settings,
            StatusCode::BAD_REQUEST,
            "Sign in again",
            why.to_string(),
        )
    };
    if back.error.is_some() {
        return start_again(&format!(
            "{} did not sign you in. You can try again.",
            settings.provider_name
        ));
    }
    let (Some(code), Some(returned)) = (back.code, back.state) else {
        return start_again("This address is not the end of a sign-in. Start again.");
    };
    let bound = cookie(&headers, ATTEMPT_COOKIE)
        .is_some_and(|held| !held.is_empty() && constant_time_eq(&held, &returned));
    if !bound {
        return start_again(
            "This sign-in has expired or was started in another browser. Start again.",
        );
    }
    let now = (state.now)();
    let mut tx = state.store.begin().await?;
    let attempt = oidc::take_attempt(&mut tx, &council, &digest(&returned), now).await?;
    tx.commit().await?;
    let Some(attempt) = attempt else {
        return start_again("This sign-in has expired or was already used. Start again.");
    };
    let secret = read_secret(&settings.secret)
        .await
        .map_err(|why| unavailable(&settings, why))?;
    let metadata = discover(&state, &council, &settings).await?;
    let redirect = redirect_url(&client, &council)?;
    let oidc_client = OidcClient::from_provider_metadata(
        (*metadata).clone(),
        ClientId::new(settings.client_id.clone()),
        Some(secret.clone()),
    )
    .set_redirect_uri(redirect.clone());
    let http = http().map_err(|e| unavailable(&settings, e))?;
    let tokens = oidc_client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| unavailable(&settings, e))?
        .set_pkce_verifier(PkceCodeVerifier::new(attempt.pkce_verifier.clone()))
        .request_async(&http)
        .await
        .map_err(|e| unavailable(&settings, error_chain(&e)))?;
    let Some(id_token) = tokens.id_token() else {
        return Err(unavailable(&settings, "the token answer held no ID token"));
    };
    let nonce = Nonce::new(attempt.nonce.clone());
    let mut checked = id_token
        .claims(&oidc_client.id_token_verifier(), &nonce)
        .cloned();
    // A key the kept set lacks: the provider may have published a new one since it was
    // fetched, so fetch once more and check again.
    if let Err(ClaimsVerificationError::SignatureVerification(
        SignatureVerificationError::NoMatchingKey,
    )) = &checked
    {
        let fresh = state
            .providers
            .refetch(council.id, settings.issuer.as_str(), now, &metadata, || {
                fetch_metadata(&settings)
            })
            .await?;
        let again = OidcClient::from_provider_metadata(
            (*fresh).clone(),
            ClientId::new(settings.client_id.clone()),
            Some(secret),
        )
        .set_redirect_uri(redirect);
        checked = id_token.claims(&again.id_token_verifier(), &nonce).cloned();
    }
    let claims = match checked {
        Ok(claims) => claims,
        Err(e) => {
            tracing::warn!(issuer = %settings.issuer, cause = %error_chain(&e), "an ID token was refused");
            return refused(
                &state,
                &council,
                &settings,
                StatusCode::FORBIDDEN,
                "Your sign-in could not be confirmed",
                format!(
                    "Steward could not confirm the answer from {}, so it has not signed you in. \
                     Start again; if it keeps happening, tell the council's administrator.",
                    settings.provider_name
                ),
            );
        }
    };
    let facts = claims_of(
        &settings,
        claims.subject().as_str(),
        claims.additional_claims(),
    );
    let mut tx = state.store.begin().await?;
    let answer = oidc::sign_in(&mut tx, &council, &settings, &facts, now).await?;
    let signed = match answer {
        Ok(signed) => signed,
        Err(refusal) => {
            drop(tx);
            return refused(
                &state,
                &council,
                &settings,
                StatusCode::FORBIDDEN,
                "You cannot sign in to Steward",
                crate::pages::sentence(&refusal.to_string()),
            );
        }
    };
    if let Some(old) = cookie(&headers, SESSION_COOKIE) {
        sessions::sign_out(&mut tx, &old, now).await?;
    }
    let today = (state.today)();
    let offices = match signed.user.person_id {
        Some(person) => people::offices_on(&mut tx, council.id, person, today).await?,
        None => Vec::new(),
    };
    tx.commit().await?;
    let role = signed.user.role;
    let principal = Principal::new(signed.user, role, offices);
    let to = match attempt.next {
        Some(next) if !principal.user.must_change_password => next,
        _ => home_path(&council, &principal),
    };
    Ok((
        AppendHeaders([
            (header::SET_COOKIE, session_cookie(signed.secret.expose())?),
            (header::SET_COOKIE, clear_attempt_cookie(&council)?),
        ]),
        Redirect::to(&to),
    )
        .into_response())
}

/// After signing out of Steward: says so, and offers the provider's own sign-out when its
/// discovery document names one.
pub async fn signed_out(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Extension(client): Extension<Client>,
) -> Result<Response, WebError> {
    let council = find_council(&state, &slug).await?;
    let mut tx = state.store.read().await?;
    let settings = oidc::settings(&mut tx, &council).await?;
    tx.commit().await?;
    let mut provider = None;
    let mut end_session = None;
    if let Some(settings) = settings {
        // Without the provider's answer the page still says the Steward session has ended.
        if let Ok(metadata) = discover(&state, &council, &settings).await
            && let Some(url) = &metadata.additional_metadata().end_session_endpoint
        {
            let mut url = url.url().clone();
            url.query_pairs_mut()
                .append_pair("client_id", &settings.client_id);
            if let Some(origin) = client.origin() {
                url.query_pairs_mut().append_pair(
                    "post_logout_redirect_uri",
                    &format!("{origin}{}", sign_in_path(&council)),
                );
            }
            end_session = Some(url.to_string());
        }
        provider = Some(settings.provider_name);
    }
    let page = Page::new("You have signed out").council(&council);
    let html = state.pages.render(
        "pages/signed_out.html",
        &page,
        context! { provider, end_session, sign_in => sign_in_path(&council) },
    )?;
    Ok(Html(html).into_response())
}
