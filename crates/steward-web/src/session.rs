//! Who is asking: the session cookie, the signed-in [`Principal`], and the CSRF check every
//! form goes through.
//!
//! * [`SignedIn`] reads the `steward_session` cookie, asks `ops::sessions::authenticate_session`
//!   whether it is still good for the council in the address, and builds the principal from the
//!   account and the offices its person holds today. Without a good session it redirects to the
//!   council's sign-in page; an account that must change its password is sent to the password
//!   page first. Handlers then ask the principal for the capability they need.
//! * [`CsrfForm`] is the only way a handler reads a posted form. With a session it compares the
//!   form's `csrf_token` with the session's; on the sign-in form (no session yet) with the
//!   random value in the short-lived `steward_form` cookie. Either way in constant time, and any
//!   failure is the "form has expired" page. Before that, `form_guard` refuses a body that is
//!   not a form (415) and a post from another origin (the same "form has expired" page).

use crate::client::Client;
use crate::form_guard::{self, Accepts};
use crate::{AppState, WebError};
use axum::body::{Body, Bytes};
use axum::extract::{Form, FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::net::IpAddr;
use steward_domain::auth::{Principal, Session, SessionPolicy, constant_time_eq, random_text};
use steward_domain::ops::sessions::SessionCheck;
use steward_domain::ops::{council, sessions};
use steward_domain::{Council, CouncilSlug, Ctx};
use steward_store::StoreTx;

/// The cookie holding the session id.
pub const SESSION_COOKIE: &str = "steward_session";
/// The cookie holding the sign-in form's double-submit token.
pub const FORM_COOKIE: &str = "steward_form";
/// How long a sign-in form stays good, in seconds.
const FORM_COOKIE_SECONDS: u32 = 3600;

/// The value of one cookie the browser sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
}

fn header_value(text: String) -> Result<HeaderValue, WebError> {
    HeaderValue::try_from(text).map_err(|_| WebError::internal("a cookie could not be written"))
}

/// The session cookie: sent back only over HTTPS, never readable by scripts, kept on
/// cross-site links but not cross-site posts, and gone when the browser closes. The server
/// ends it sooner (30 minutes idle, 12 hours in all).
pub fn session_cookie(secret: &str) -> Result<HeaderValue, WebError> {
    header_value(format!(
        "{SESSION_COOKIE}={secret}; Path=/; Secure; HttpOnly; SameSite=Lax"
    ))
}

pub fn clear_session_cookie() -> HeaderValue {
    HeaderValue::from_static("steward_session=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The sign-in form's token cookie: same-site posts only, for an hour.
pub fn form_cookie(token: &str) -> Result<HeaderValue, WebError> {
    header_value(format!(
        "{FORM_COOKIE}={token}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={FORM_COOKIE_SECONDS}"
    ))
}

pub fn clear_form_cookie() -> HeaderValue {
    HeaderValue::from_static("steward_form=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// A fresh random token for a sign-in form.
pub fn new_form_token() -> Result<String, WebError> {
    random_text().map_err(WebError::from)
}

/// The `{slug}` in the address; a malformed one is not found.
async fn slug_from_path(parts: &mut Parts, state: &AppState) -> Result<CouncilSlug, Response> {
    let params = RawPathParams::from_request_parts(parts, state)
        .await
        .map_err(|_| WebError::not_found().into_response())?;
    params
        .iter()
        .find(|(k, _)| *k == "slug")
        .and_then(|(_, v)| v.parse().ok())
        .ok_or_else(|| WebError::not_found().into_response())
}

fn reject(e: impl Into<WebError>) -> Response {
    e.into().into_response()
}

pub fn sign_in_path(council: &Council) -> String {
    format!("/councils/{}/sign-in", council.slug)
}

/// The sign-in page, asked to come back to `path` afterwards.
fn sign_in_returning(council: &Council, path: &str) -> String {
    format!(
        "{}?next={}",
        sign_in_path(council),
        crate::listing::encode(path)
    )
}

/// `next` when it is a page of this council worth returning to, never an address elsewhere:
/// it must start with the council's own path, and may not hold `//`, a backslash or a control
/// character that a browser could read as another host.
pub fn safe_next(council: &Council, next: &str) -> Option<String> {
    let own = format!("/councils/{}/", council.slug);
    let fine = next.len() <= 2000
        && next.starts_with(&own)
        && !next.contains("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && !next.starts_with(&format!("{own}sign-"));
    fine.then(|| next.to_string())
}

pub fn password_path(council: &Council) -> String {
    format!("/councils/{}/account/password", council.slug)
}

/// A signed-in request for one council: the council, the principal and the session.
pub struct SignedIn {
    pub council: Council,
    pub principal: Principal,
    pub session: Session,
    /// The moment the request is handled, from the server's clock.
    pub now: chrono::DateTime<chrono::Utc>,
    pub today: chrono::NaiveDate,
}

impl SignedIn {
    /// A context for commands the signed-in user makes: the audit trail names their account.
    pub fn ctx(&self) -> Ctx {
        Ctx::new(
            self.principal.user.username.to_string(),
            self.now,
            self.today,
        )
    }
}

/// Where someone lands after signing in: the password page while they must change it, then
/// the start page's counts for readers and their own equipment for members.
pub fn home_path(council: &Council, principal: &Principal) -> String {
    if principal.user.must_change_password {
        password_path(council)
    } else if principal.reader().is_ok() {
        format!("/councils/{}/start", council.slug)
    } else {
        format!("/councils/{}/me", council.slug)
    }
}

/// The CSRF token of the request's session, left for [`CsrfForm`] by [`SignedIn`].
#[derive(Clone)]
struct SessionCsrf(String);

/// A signed-in request with its read transaction still open, so that a read-only page reads
/// its visitor and its rows from one snapshot and one connection: a list page pays for one
/// transaction, not two. Take it instead of [`SignedIn`] in handlers that only read; a
/// handler that writes must not hold it (two connections per request could exhaust the pool).
pub struct Reading {
    pub signed: SignedIn,
    pub tx: StoreTx,
}

/// Who is asking, read in one read transaction that is handed back open.
struct Authenticated {
    signed: SignedIn,
    tx: StoreTx,
    /// The session, when its last use is due to be written.
    touch: Option<Session>,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Authenticated { signed, tx, touch } = authenticate(parts, state).await?;
        tx.commit().await.map_err(reject)?;
        if let Some(session) = touch {
            touch_session(state, &session, signed.now).await?;
        }
        Ok(signed)
    }
}

impl FromRequestParts<AppState> for Reading {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Authenticated { signed, tx, touch } = authenticate(parts, state).await?;
        let Some(session) = touch else {
            return Ok(Reading { signed, tx });
        };
        // The once-a-minute write of the session's use takes its own short transaction and
        // never the page's: the read is finished first and a fresh one opened after it, so a
        // request never holds two connections.
        tx.commit().await.map_err(reject)?;
        touch_session(state, &session, signed.now).await?;
        let tx = state.store.read().await.map_err(reject)?;
        Ok(Reading { signed, tx })
    }
}

async fn touch_session(
    state: &AppState,
    session: &Session,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), Response> {
    let mut write = state.store.begin().await.map_err(reject)?;
    sessions::touch(&mut write, session, now)
        .await
        .map_err(reject)?;
    write.commit().await.map_err(reject)
}

async fn authenticate(parts: &mut Parts, state: &AppState) -> Result<Authenticated, Response> {
    let slug = slug_from_path(parts, state).await?;
    let now = (state.now)();
    let today = (state.today)();
    // Everything a page needs to know of its visitor is read in one read transaction; the
    // rare writes (ending a stale session, noting a session's use once a minute) each take
    // a short transaction of their own, never the page's.
    let mut tx = state.store.read().await.map_err(reject)?;
    let council = council::find(&mut tx, &slug).await.map_err(reject)?;
    let raw = cookie(&parts.headers, SESSION_COOKIE);
    let visit = sessions::check_page_visit(
        &mut tx,
        council.id,
        raw.as_deref(),
        (now, today),
        &SessionPolicy::default(),
    )
    .await
    .map_err(reject)?;
    // A page asked for by link comes back after signing in; a form posted cannot.
    let to_sign_in = || {
        if parts.method == axum::http::Method::GET {
            let asked = parts
                .uri
                .path_and_query()
                .map_or(parts.uri.path(), |p| p.as_str());
            Redirect::to(&sign_in_returning(&council, asked)).into_response()
        } else {
            Redirect::to(&sign_in_path(&council)).into_response()
        }
    };
    let (user, session, touch) = match visit.check {
        SessionCheck::Unknown => return Err(to_sign_in()),
        SessionCheck::Stale { session, action } => {
            drop(tx);
            let mut write = state.store.begin().await.map_err(reject)?;
            sessions::end_stale(&mut write, &session, now, action)
                .await
                .map_err(reject)?;
            write.commit().await.map_err(reject)?;
            return Err(to_sign_in());
        }
        SessionCheck::Good {
            user,
            session,
            touch,
        } => (user, session, touch),
    };
    let offices = visit.offices;
    let role = user.role;
    let principal = Principal::new(user, role, offices);
    if principal.user.must_change_password {
        let path = parts.uri.path();
        let allowed = path == password_path(&council) || path.ends_with("/sign-out");
        if !allowed {
            return Err(Redirect::to(&password_path(&council)).into_response());
        }
    }
    parts
        .extensions
        .insert(SessionCsrf(session.csrf_token.clone()));
    let touch = (touch && state.touches.claim(&session.id_hash, now)).then(|| session.clone());
    Ok(Authenticated {
        signed: SignedIn {
            council,
            principal,
            session,
            now,
            today,
        },
        tx,
        touch,
    })
}

/// The address the request came from: the TCP peer, or what a trusted proxy says of the
/// client (see `crate::client`), never a header anyone else can write.
pub struct PeerAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for PeerAddr {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        match parts.extensions.get::<Client>() {
            Some(client) => Ok(PeerAddr(client.address)),
            // Every request through the router has its client worked out first.
            None => Err(WebError::internal("the client was not identified").into_response()),
        }
    }
}

/// A posted form whose CSRF token has been checked. Put it last among a handler's arguments,
/// after [`SignedIn`] when the page needs a session.
pub struct CsrfForm<T>(pub T);

#[derive(Deserialize)]
struct TokenOnly {
    csrf_token: Option<String>,
}

fn form_request(bytes: Bytes) -> Request {
    let mut req = Request::new(Body::from(bytes));
    *req.method_mut() = Method::POST;
    req.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    req
}

/// The token a form must carry: the session's, or on pages without one the form cookie's.
fn expected_token(req: &Request) -> Option<String> {
    match req.extensions().get::<SessionCsrf>() {
        Some(SessionCsrf(token)) => Some(token.clone()),
        None => cookie(req.headers(), FORM_COOKIE),
    }
}

fn token_matches(expected: Option<String>, given: Option<&str>) -> bool {
    match (expected, given) {
        (Some(expected), Some(given)) => !expected.is_empty() && constant_time_eq(&expected, given),
        _ => false,
    }
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let expired = || WebError::form_expired().into_response();
        form_guard::check(&req, Accepts::UrlEncoded).map_err(IntoResponse::into_response)?;
        let expected = expected_token(&req);
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| expired())?;
        let Form(TokenOnly { csrf_token }) = Form::from_request(form_request(bytes.clone()), &())
            .await
            .map_err(|_| expired())?;
        if !token_matches(expected, csrf_token.as_deref()) {
            return Err(expired());
        }
        let Form(value) = Form::<T>::from_request(form_request(bytes), &())
            .await
            .map_err(|_| WebError::bad_request("the form could not be read").into_response())?;
        Ok(CsrfForm(value))
    }
}

/// One field of a posted form. A chosen file arrives with its name and its bytes.
#[derive(Debug)]
pub struct Field {
    pub name: String,
    pub file_name: Option<String>,
    pub value: Vec<u8>,
}

impl Field {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.value).into_owned()
    }
}

/// A posted form that may carry a file: read whether it came URL-encoded or as
/// multipart/form-data, with its CSRF token checked as [`CsrfForm`] checks it.
pub struct CsrfFields(pub Vec<Field>);

impl CsrfFields {
    /// The first field called `name`.
    pub fn get(&self, name: &str) -> Option<&Field> {
        self.0.iter().find(|f| f.name == name)
    }

    /// The text of the first field called `name`, or blank.
    pub fn text(&self, name: &str) -> String {
        self.get(name).map(Field::text).unwrap_or_default()
    }
}

impl FromRequest<AppState> for CsrfFields {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let expired = || WebError::form_expired().into_response();
        form_guard::check(&req, Accepts::UrlEncodedOrMultipart)
            .map_err(IntoResponse::into_response)?;
        let expected = expected_token(&req);
        let boundary = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(multipart_boundary);
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| expired())?;
        let fields = match boundary {
            Some(boundary) => parse_multipart(&bytes, &boundary).ok_or_else(|| {
                WebError::bad_request("the form could not be read").into_response()
            })?,
            None => {
                let Form(pairs) =
                    Form::<Vec<(String, String)>>::from_request(form_request(bytes), &())
                        .await
                        .map_err(|_| expired())?;
                pairs
                    .into_iter()
                    .map(|(name, value)| Field {
                        name,
                        file_name: None,
                        value: value.into_bytes(),
                    })
                    .collect()
            }
        };
        let given = fields
            .iter()
            .find(|f| f.name == "csrf_token")
            .map(Field::text);
        if !token_matches(expected, given.as_deref()) {
            return Err(expired());
        }
        Ok(CsrfFields(fields))
    }
}

/// The boundary of a multipart/form-data body, from its Content-Type.
fn multipart_boundary(content_type: &str) -> Option<String> {
    let mut parts = content_type.split(';');
    let media = parts.next()?.trim();
    if !media.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    parts
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
        .filter(|b| !b.is_empty() && b.len() <= 70)
}

fn find_from(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The fields of a multipart/form-data body (RFC 7578): each part's name, file name and
/// content. None when the body is not well formed.
fn parse_multipart(body: &[u8], boundary: &str) -> Option<Vec<Field>> {
    let first = format!("--{boundary}");
    let between = format!("\r\n--{boundary}");
    let mut at = find_from(body, first.as_bytes(), 0)? + first.len();
    let mut fields = Vec::new();
    loop {
        let rest = body.get(at..)?;
        if rest.starts_with(b"--") {
            return Some(fields);
        }
        if !rest.starts_with(b"\r\n") {
            return None;
        }
        let head_start = at + 2;
        let head_end = find_from(body, b"\r\n\r\n", head_start)?;
        let head = std::str::from_utf8(body.get(head_start..head_end)?).ok()?;
        let content_start = head_end + 4;
        let content_end = find_from(body, between.as_bytes(), content_start)?;
        let (name, file_name) = disposition(head)?;
        fields.push(Field {
            name,
            file_name,
            value: body.get(content_start..content_end)?.to_vec(),
        });
        at = content_end + between.len();
    }
}

/// The `name` and `filename` of a part's Content-Disposition header.
fn disposition(head: &str) -> Option<(String, Option<String>)> {
    let line = head.lines().find(|l| {
        l.split_once(':')
            .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("content-disposition"))
    })?;
    let (_, value) = line.split_once(':')?;
    let mut name = None;
    let mut file_name = None;
    for param in value.split(';').skip(1) {
        let Some((key, v)) = param.trim().split_once('=') else {
            continue;
        };
        let v = v.trim().trim_matches('"').to_string();
        match key.trim().to_ascii_lowercase().as_str() {
            "name" => name = Some(v),
            "filename" => file_name = Some(v),
            _ => {}
        }
    }
    Some((name?, file_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_bodies_give_their_fields_and_files() {
        let body = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n\
                    --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"leavers.csv\"\r\n\
                    Content-Type: text/csv\r\n\r\nreference,left_on\r\nM1,2027-05-06\r\n\r\n--XyZ--\r\n";
        assert_eq!(
            multipart_boundary("multipart/form-data; boundary=XyZ").as_deref(),
            Some("XyZ")
        );
        assert_eq!(
            multipart_boundary("application/x-www-form-urlencoded"),
            None
        );
        let fields = parse_multipart(body.as_bytes(), "XyZ").unwrap();
        assert_eq!(fields.len(), 2);
        assert_eq!(fields[0].name, "csrf_token");
        assert_eq!(fields[0].text(), "abc");
        assert_eq!(fields[1].file_name.as_deref(), Some("leavers.csv"));
        assert_eq!(fields[1].text(), "reference,left_on\r\nM1,2027-05-06\r\n");
        // Cut short: not a form.
        assert!(parse_multipart(&body.as_bytes()[..60], "XyZ").is_none());
    }

    #[test]
    fn cookies_are_found_by_exact_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; steward_session_x=2; steward_session=abc"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "a").as_deref(), Some("1"));
        assert_eq!(cookie(&headers, FORM_COOKIE), None);
    }

    #[test]
    fn session_cookies_have_the_safe_attributes() {
        let c = session_cookie("abc").unwrap();
        let text = c.to_str().unwrap();
        for part in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(text.contains(part), "{text}");
        }
        assert!(
            !text.contains("Max-Age") && !text.contains("Expires"),
            "{text}"
        );
        let f = form_cookie("x").unwrap();
        assert!(f.to_str().unwrap().contains("SameSite=Strict"));
    }
}
