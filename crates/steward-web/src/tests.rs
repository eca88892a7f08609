//! Requests through the whole router, without a socket. `access` walks every page over real
//! connections, for every role.

mod access;
mod identity;
mod provider;
mod setup;

use super::*;
use axum::body::Body;
use axum::http::Request;
use steward_domain::auth::{Password, Role};
use steward_domain::ops::{council, users};
use steward_domain::{Council, Ctx};
use steward_store::testing::TestDb;
use tower::ServiceExt;

struct Site {
    app: Router,
    state: AppState,
    /// Minutes the server's clock has been moved on from 10:00 on 20 May 2027.
    minutes: Arc<std::sync::atomic::AtomicI64>,
    _db: TestDb,
    _assets: tempfile::TempDir,
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

async fn site() -> Site {
    let site = empty_site().await;
    let mut tx = site.state.store.begin().await.unwrap();
    let ctx = Ctx::new(
        "test",
        day("2027-01-01").and_hms_opt(9, 0, 0).unwrap().and_utc(),
        day("2027-01-01"),
    );
    council::create(
        &mut tx,
        &ctx,
        &"dunmere-town".parse().unwrap(),
        "Dunmere <Town> Council",
    )
    .await
    .unwrap();
    let found = council::find(&mut tx, &"dunmere-town".parse().unwrap())
        .await
        .unwrap();
    for (username, role, must_change) in [
        ("audrey", Role::Auditor, false),
        ("clerk", Role::Admin, false),
        ("newbie", Role::Auditor, true),
    ] {
        add_user(&mut tx, &ctx, &found, username, role, None, must_change).await;
    }
    tx.commit().await.unwrap();
    site
}

/// A site whose database holds no council yet.
async fn empty_site() -> Site {
    let db = TestDb::new().await;
    let store = db.open().await.unwrap();
    let assets = tempfile::tempdir().unwrap();
    std::fs::write(assets.path().join("steward.css"), "body{}").unwrap();
    std::fs::write(assets.path().join("notes.txt"), "not served").unwrap();
    let today: Today = Arc::new(|| day("2027-05-20"));
    let found = Assets::open(assets.path());
    let minutes = Arc::new(std::sync::atomic::AtomicI64::new(0));
    let moved = minutes.clone();
    let now: Now = Arc::new(move || {
        day("2027-05-20").and_hms_opt(10, 0, 0).unwrap().and_utc()
            + chrono::TimeDelta::minutes(moved.load(std::sync::atomic::Ordering::SeqCst))
    });
    let state = AppState::for_tests(store, today, now, found, true);
    Site {
        app: app(state.clone()),
        state,
        minutes,
        _db: db,
        _assets: assets,
    }
}

/// The password every test account has.
pub(crate) const PASSWORD: &str = "plum tuesday lantern 47";

pub(crate) async fn add_user(
    tx: &mut steward_store::StoreTx,
    ctx: &Ctx,
    council: &Council,
    username: &str,
    role: Role,
    person: Option<&str>,
    must_change_password: bool,
) {
    let username: steward_domain::auth::Username = username.parse().unwrap();
    let password = Password::new(PASSWORD, &username).unwrap();
    let req = users::CreateUser {
        username,
        role,
        person: person.map(|p| p.parse().unwrap()),
        password,
        must_change_password,
    };
    users::create(tx, ctx, council, req).await.unwrap();
}

async fn get(site: &Site, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    send(site, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// A GET with the given cookies.
async fn get_as(
    site: &Site,
    uri: &str,
    cookies: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let req = Request::get(uri)
        .header(header::COOKIE, cookies)
        .body(Body::empty())
        .unwrap();
    send(site, req).await
}

async fn post_as(
    site: &Site,
    uri: &str,
    cookies: &str,
    form: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let req = Request::post(uri)
        .header(header::COOKIE, cookies)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_string()))
        .unwrap();
    send(site, req).await
}

/// The `name=value` of each cookie a response sets.
fn set_cookies(headers: &axum::http::HeaderMap) -> Vec<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(str::to_string)
        .collect()
}

/// The value of the hidden `csrf_token` field in a page.
fn csrf_field(html: &str) -> String {
    html.split(r#"name="csrf_token" value=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_string()
}

/// Signs in through the form and returns the session cookie.
async fn sign_in(site: &Site, username: &str) -> String {
    let (_, headers, html) = get(site, "/councils/dunmere-town/sign-in").await;
    let form_cookie = set_cookies(&headers).join("; ");
    let token = csrf_field(&html);
    let (status, headers, body) = post_as(
        site,
        "/councils/dunmere-town/sign-in",
        &form_cookie,
        &format!(
            "csrf_token={token}&username={username}&password={}",
            PASSWORD.replace(' ', "+")
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("steward_session=") && c.len() > 20)
        .unwrap()
}

async fn send(site: &Site, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let res = site.app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

fn title(html: &str) -> &str {
    html.split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap_or("")
}

#[tokio::test]
async fn index_lists_councils_escaped_in_the_layout() {
    let site = site().await;
    let (status, headers, html) = get(&site, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(title(&html), "Councils - Steward");
    assert!(html.contains(r#"<html lang="en-GB" class="govuk-template">"#));
    assert!(html.contains(r##"<a href="#main-content" class="govuk-skip-link""##));
    assert!(html.contains(r#"<main class="govuk-main-wrapper" id="main-content">"#));
    assert!(html.contains("Dunmere &lt;Town&gt; Council"), "{html}");
    assert!(html.contains(r#"href="/councils/dunmere-town/sign-in""#));
    assert!(
        !html.contains("GOV.UK") && !html.contains("crown"),
        "{html}"
    );
    assert!(
        !html.contains("<script>") && !html.contains("style="),
        "{html}"
    );
    assert!(
        html.contains(r#"<script type="module" src="/assets/v-"#),
        "{html}"
    );
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn due_page_names_the_council_in_title_and_navigation() {
    let site = site().await;
    let me = sign_in(&site, "audrey").await;
    let (status, _, html) = get_as(&site, "/councils/dunmere-town/due", &me).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(
        title(&html),
        "What is due - Dunmere &lt;Town&gt; Council - Steward"
    );
    assert!(html.contains(r#"aria-current="page""#));
    // No policy adopted: the page says so rather than showing an empty table.
    assert!(html.contains("No policy has been adopted yet."), "{html}");
    assert!(html.contains("As of 20 May 2027."), "{html}");
    assert!(html.contains(r#"value="20&#x2f;05&#x2f;2027""#), "{html}");
}

#[tokio::test]
async fn the_compliance_page_without_a_policy_in_force_lists_nothing() {
    let site = site().await;
    let me = sign_in(&site, "audrey").await;
    let (status, _, html) = get_as(&site, "/councils/dunmere-town/compliance", &me).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("No device management tool has reported on any item yet."),
        "{html}"
    );
}

#[tokio::test]
async fn a_bad_date_is_shown_through_the_error_summary_and_the_field() {
    let site = site().await;
    let me = sign_in(&site, "clerk").await;
    let (status, _, html) = get_as(
        &site,
        "/councils/dunmere-town/due?as_of=31%2F02%2F2027%3Cb%3E",
        &me,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        title(&html).starts_with("Error: What is due - "),
        "{}",
        title(&html)
    );
    assert!(
        html.contains(r##"<a href="#as_of">Enter the date"##),
        "{html}"
    );
    assert!(html.contains(r#"id="as_of-error""#), "{html}");
    assert!(
        html.contains(r#"aria-describedby="as_of-hint as_of-error""#),
        "{html}"
    );
    assert!(
        html.contains(r#"value="31&#x2f;02&#x2f;2027&lt;b&gt;""#),
        "{html}"
    );
    assert!(
        !html.contains("As of "),
        "no report for an unreadable date: {html}"
    );

    let (status, _, _) = get_as(&site, "/councils/dunmere-town/due?as_of=2027-05-16", &me).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = get_as(&site, "/councils/dunmere-town/due?as_of=16/05/2027", &me).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = get_as(&site, "/councils/dunmere-town/due?as_of=", &me).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_pages_and_councils_get_the_not_found_page() {
    let site = site().await;
    for uri in [
        "/nowhere",
        "/councils/nowhere/due",
        "/councils/NOT%20A%20SLUG/due",
    ] {
        let (status, headers, html) = get(&site, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(title(&html), "Page not found - Steward", "{uri}");
        assert!(html.contains("govuk-footer"), "{uri}");
        assert_eq!(
            headers[header::CONTENT_SECURITY_POLICY],
            CONTENT_SECURITY_POLICY
        );
    }
}

#[tokio::test]
async fn security_headers_and_hsts_only_over_tls() {
    let site = site().await;
    let (_, headers, _) = get(&site, "/health").await;
    assert_eq!(
        headers[header::CONTENT_SECURITY_POLICY],
        CONTENT_SECURITY_POLICY
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
    assert!(!headers.contains_key(header::STRICT_TRANSPORT_SECURITY));

    // A request line or header claiming https does not make plain HTTP secure.
    let req = Request::get("https://example.org/health")
        .header("x-forwarded-proto", "https")
        .body(Body::empty())
        .unwrap();
    let (_, headers, _) = send(&site, req).await;
    assert!(!headers.contains_key(header::STRICT_TRANSPORT_SECURITY));

    let mut req = Request::get("/health").body(Body::empty()).unwrap();
    req.extensions_mut().insert(ArrivedOverTls);
    let (_, headers, _) = send(&site, req).await;
    assert_eq!(
        headers[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000"
    );
}

/// A request from `peer` with the given headers, as a socket would hand it to the router.
fn from_peer(
    method: &str,
    uri: &str,
    peer: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let mut req = builder.body(Body::from(body.to_string())).unwrap();
    let peer: std::net::SocketAddr = format!("{peer}:50000").parse().unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    req
}

/// How many failed sign-ins to Dunmere are filed under `address` today.
async fn failures_from(site: &Site, address: &str) -> usize {
    use steward_domain::auth::AuthTx;
    let mut tx = site.state.store.begin().await.unwrap();
    let c = council::find(&mut tx, &"dunmere-town".parse().unwrap())
        .await
        .unwrap();
    let since = day("2027-05-20").and_hms_opt(0, 0, 0).unwrap().and_utc();
    let found = tx
        .sign_in_failures_from_address(c.id, address, since)
        .await
        .unwrap();
    found.len()
}

#[tokio::test]
async fn forwarding_headers_count_only_from_a_trusted_proxy() {
    let site = site().await;
    let behind = app(site
        .state
        .clone()
        .behind(TrustedProxies::new(vec!["127.0.0.1/32".parse().unwrap()])));
    let (_, headers, html) = get(&site, "/councils/dunmere-town/sign-in").await;
    let cookie = set_cookies(&headers).join("; ");
    let form = format!(
        "csrf_token={}&username=clerk&password=wrong",
        csrf_field(&html)
    );
    let spoof = [
        ("cookie", cookie.as_str()),
        ("content-type", "application/x-www-form-urlencoded"),
        ("x-forwarded-for", "198.51.100.1"),
        ("x-forwarded-proto", "https"),
        ("forwarded", "for=198.51.100.2;proto=https"),
    ];
    let path = "/councils/dunmere-town/sign-in";

    // From an address no one trusts, the headers are ignored: the peer is counted, and the
    // answer claims no HTTPS.
    for app in [site.app.clone(), behind.clone()] {
        let req = from_peer("POST", path, "192.0.2.7", &spoof, &form);
        let res = app.oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(
            !res.headers()
                .contains_key(header::STRICT_TRANSPORT_SECURITY)
        );
    }
    assert_eq!(failures_from(&site, "192.0.2.7").await, 2);
    for spoofed in ["198.51.100.1", "198.51.100.2"] {
        assert_eq!(failures_from(&site, spoofed).await, 0, "{spoofed}");
    }

    // From the trusted proxy, Forwarded names the client and its scheme.
    let req = from_peer("POST", path, "127.0.0.1", &spoof, &form);
    let res = behind.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        res.headers()[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000"
    );
    assert_eq!(failures_from(&site, "198.51.100.2").await, 1);
    assert_eq!(failures_from(&site, "127.0.0.1").await, 0);
}

#[tokio::test]
async fn assets_are_served_with_types_and_caching_and_nothing_else() {
    let site = site().await;
    let (_, _, html) = get(&site, "/").await;
    let css = html
        .split(r#"<link rel="stylesheet" href=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    assert!(
        css.starts_with("/assets/v-") && css.ends_with("/steward.css"),
        "{css}"
    );

    let (status, headers, body) = get(&site, &css).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "body{}");
    assert_eq!(headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert_eq!(
        headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

    let (status, headers, _) = get(&site, "/assets/steward.css").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    let (status, headers, _) = get(&site, "/assets/v-000000000000/steward.css").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");

    for uri in [
        "/assets/notes.txt",
        "/assets/missing.css",
        "/assets/..%2f..%2fCargo.toml",
        "/assets/%2e%2e/Cargo.toml",
        "/assets/../Cargo.toml",
        "/assets/v-x/..%2fsteward.css",
        "/assets/.hidden.css",
    ] {
        let (status, _, _) = get(&site, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn failures_get_pages_that_say_what_to_do_without_internal_details() {
    let site = site().await;
    for (status, heading) in [
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Sorry, there is a problem with the service",
        ),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "Sorry, the service is unavailable",
        ),
    ] {
        let failed = WebError::new(status, "secret internals").into_response();
        let res = error_pages(State(site.state.clone()), failed).await;
        assert_eq!(res.status(), status);
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        let html = String::from_utf8_lossy(&bytes);
        assert_eq!(title(&html), format!("{heading} - Steward"));
        assert!(
            html.contains("govuk-footer") && !html.contains("secret"),
            "{html}"
        );
    }
}

#[tokio::test]
async fn signing_in_sets_a_fresh_session_cookie_with_safe_attributes() {
    let site = site().await;
    let (status, headers, html) = get(&site, "/councils/dunmere-town/sign-in").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        title(&html),
        "Sign in - Dunmere &lt;Town&gt; Council - Steward"
    );
    let form = headers[header::SET_COOKIE].to_str().unwrap();
    for part in [
        "steward_form=",
        "Secure",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/",
    ] {
        assert!(form.contains(part), "{form}");
    }
    assert!(!csrf_field(&html).is_empty());

    let first = sign_in(&site, "audrey").await;
    let second = sign_in(&site, "audrey").await;
    assert_ne!(first, second, "a new session id at every sign-in");

    // Signing in again from a browser that holds a session ends the old one.
    let (_, headers, html) = get(&site, "/councils/dunmere-town/sign-in").await;
    let cookies = format!("{}; {first}", set_cookies(&headers).join("; "));
    let body = format!(
        "csrf_token={}&username=clerk&password={}",
        csrf_field(&html),
        PASSWORD.replace(' ', "+")
    );
    let (status, _, _) = post_as(&site, "/councils/dunmere-town/sign-in", &cookies, &body).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = get_as(&site, "/councils/dunmere-town/due", &first).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the old session has ended");
    let (status, _, _) = get_as(&site, "/councils/dunmere-town/due", &second).await;
    assert_eq!(status, StatusCode::OK);

    // The whole Set-Cookie line of a successful sign-in.
    let (_, headers, html) = get(&site, "/councils/dunmere-town/sign-in").await;
    let form_cookie = set_cookies(&headers).join("; ");
    let body = format!(
        "csrf_token={}&username=audrey&password={}",
        csrf_field(&html),
        PASSWORD.replace(' ', "+")
    );
    let (status, headers, _) =
        post_as(&site, "/councils/dunmere-town/sign-in", &form_cookie, &body).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/councils/dunmere-town/start");
    let line = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("steward_session="))
        .unwrap()
        .to_string();
    assert!(
        line.ends_with("; Path=/; Secure; HttpOnly; SameSite=Lax"),
        "{line}"
    );
    assert!(!line.contains("Max-Age") && !line.contains("Expires"));
}

#[tokio::test]
async fn wrong_passwords_and_unknown_users_get_the_same_answer() {
    let site = site().await;
    let (_, headers, html) = get(&site, "/councils/dunmere-town/sign-in").await;
    let form_cookie = set_cookies(&headers).join("; ");
    let token = csrf_field(&html);
    let mut answers = Vec::new();
    for user in ["audrey", "nobody"] {
        let body = format!("csrf_token={token}&username={user}&password=not+the+password");
        let (status, _, html) =
            post_as(&site, "/councils/dunmere-town/sign-in", &form_cookie, &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(title(&html).starts_with("Error: Sign in - "), "{html}");
        assert!(
            html.contains(r##"<a href="#username">The username or password is not right.</a>"##),
            "{html}"
        );
        answers.push(html.replace(user, "USER"));
    }
    assert_eq!(answers[0], answers[1]);

    // Empty fields are named at each field.
    let (status, _, html) = post_as(
        &site,
        "/councils/dunmere-town/sign-in",
        &form_cookie,
        &format!("csrf_token={token}&username=&password="),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains(r##"<a href="#username">Enter your username</a>"##));
    assert!(html.contains(r##"<a href="#password">Enter your password</a>"##));
    assert!(html.contains(r#"id="password-error""#));

    // Five failures lock the account, and the page says until when.
    for _ in 0..5 {
        let body = format!("csrf_token={token}&username=clerk&password=wrong+password+here");
        post_as(&site, "/councils/dunmere-town/sign-in", &form_cookie, &body).await;
    }
    let body = format!(
        "csrf_token={token}&username=clerk&password={}",
        PASSWORD.replace(' ', "+")
    );
    let (status, _, html) =
        post_as(&site, "/councils/dunmere-town/sign-in", &form_cookie, &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("This account is locked after too many failed sign-ins. Try again after 11:15am on 20 May 2027."),
        "{html}"
    );
}

#[tokio::test]
async fn forms_without_the_right_token_have_expired() {
    let site = site().await;
    let (_, headers, html) = get(&site, "/councils/dunmere-town/sign-in").await;
    let form_cookie = set_cookies(&headers).join("; ");
    let token = csrf_field(&html);
    let password = PASSWORD.replace(' ', "+");
    for (cookies, body) in [
        (
            "",
            format!("csrf_token={token}&username=audrey&password={password}"),
        ),
        (
            form_cookie.as_str(),
            format!("username=audrey&password={password}"),
        ),
        (
            form_cookie.as_str(),
            format!("csrf_token=x{token}&username=audrey&password={password}"),
        ),
        (
            "steward_form=",
            "csrf_token=&username=audrey&password=x".to_string(),
        ),
    ] {
        let (status, _, html) =
            post_as(&site, "/councils/dunmere-town/sign-in", cookies, &body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{cookies} {body}");
        assert!(title(&html).starts_with("Your form has expired"), "{html}");
        assert!(html.contains("Your form has expired; go back and try again."));
    }

    // Signed in, the session's token is the one that counts.
    let me = sign_in(&site, "audrey").await;
    let (status, _, _) = post_as(
        &site,
        "/councils/dunmere-town/sign-out",
        &format!("{me}; {form_cookie}"),
        &format!("csrf_token={token}"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let site = site().await;
    let me = sign_in(&site, "audrey").await;
    let (status, _, html) = get_as(&site, "/councils/dunmere-town/due", &me).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Sign out"), "{html}");
    let token = csrf_field(&html);
    let (status, headers, _) = post_as(
        &site,
        "/councils/dunmere-town/sign-out",
        &me,
        &format!("csrf_token={token}"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/councils/dunmere-town/sign-in");
    assert!(
        set_cookies(&headers).contains(&"steward_session=".to_string()),
        "{headers:?}"
    );
    let (status, headers, _) = get_as(&site, "/councils/dunmere-town/due", &me).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[header::LOCATION],
        "/councils/dunmere-town/sign-in?next=%2Fcouncils%2Fdunmere-town%2Fdue"
    );
}

#[tokio::test]
async fn a_password_set_by_someone_else_must_be_changed_first() {
    let site = site().await;
    let me = sign_in(&site, "newbie").await;
    let (status, headers, _) = get_as(&site, "/councils/dunmere-town/due", &me).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[header::LOCATION],
        "/councils/dunmere-town/account/password"
    );
    let (status, _, html) = get_as(&site, "/councils/dunmere-town/account/password", &me).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("What is due"), "no other links yet: {html}");
    let token = csrf_field(&html);
    let uri = "/councils/dunmere-town/account/password";
    let (status, _, html) = post_as(
        &site,
        uri,
        &me,
        &format!("csrf_token={token}&current_password=wrong&new_password=a+brand+new+secret&confirm_password=a+brand+new+secret+2"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains(r##"<a href="#confirm_password">Enter the same new password twice</a>"##),
        "{html}"
    );
    let (status, _, html) = post_as(
        &site,
        uri,
        &me,
        &format!("csrf_token={token}&current_password=wrong&new_password=a+brand+new+secret&confirm_password=a+brand+new+secret"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains(r##"<a href="#current_password">That is not the current password.</a>"##),
        "{html}"
    );
    let (status, headers, _) = post_as(
        &site,
        uri,
        &me,
        &format!(
            "csrf_token={token}&current_password={}&new_password=a+brand+new+secret&confirm_password=a+brand+new+secret",
            PASSWORD.replace(' ', "+")
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/councils/dunmere-town/start");
    let (status, _, _) = get_as(&site, "/councils/dunmere-town/due", &me).await;
    assert_eq!(status, StatusCode::OK, "the session carries on");
}

#[tokio::test]
async fn sessions_end_after_thirty_minutes_unused_or_twelve_hours_in_all() {
    use std::sync::atomic::Ordering;
    let site = site().await;
    let due = "/councils/dunmere-town/due";
    let me = sign_in(&site, "audrey").await;
    site.minutes.store(29, Ordering::SeqCst);
    assert_eq!(get_as(&site, due, &me).await.0, StatusCode::OK);
    // 30 minutes after that last use, it has ended.
    site.minutes.store(59, Ordering::SeqCst);
    let (status, headers, _) = get_as(&site, due, &me).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        headers[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/councils/dunmere-town/sign-in?next="),
        "{headers:?}"
    );

    // Used every 20 minutes, a session still ends 12 hours after sign-in.
    site.minutes.store(0, Ordering::SeqCst);
    let busy = sign_in(&site, "audrey").await;
    let mut minute = 0;
    while minute < 12 * 60 - 20 {
        minute += 20;
        site.minutes.store(minute, Ordering::SeqCst);
        assert_eq!(
            get_as(&site, due, &busy).await.0,
            StatusCode::OK,
            "{minute}"
        );
    }
    site.minutes.store(12 * 60, Ordering::SeqCst);
    assert_eq!(get_as(&site, due, &busy).await.0, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_session_for_one_council_is_no_good_in_another() {
    let site = site().await;
    let mut tx = site.state.store.begin().await.unwrap();
    let ctx = Ctx::new("test", (site.state.now)(), day("2027-05-20"));
    council::create(&mut tx, &ctx, &"fenwold".parse().unwrap(), "Fenwold")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let me = sign_in(&site, "audrey").await;
    let (status, headers, _) = get_as(&site, "/councils/fenwold/due", &me).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[header::LOCATION],
        "/councils/fenwold/sign-in?next=%2Fcouncils%2Ffenwold%2Fdue"
    );
}

#[tokio::test]
async fn signing_in_returns_to_the_page_first_asked_for_and_nowhere_else() {
    let site = site().await;
    let (status, headers, _) = get(&site, "/councils/dunmere-town/people?q=ada").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = headers[header::LOCATION].to_str().unwrap().to_string();
    assert_eq!(
        to,
        "/councils/dunmere-town/sign-in?next=%2Fcouncils%2Fdunmere-town%2Fpeople%3Fq%3Dada"
    );
    let (_, headers, html) = get(&site, &to).await;
    assert!(html.contains(r#"name="next" value=""#), "{html}");
    assert!(html.contains("people?q=ada"), "{html}");
    let form_cookie = set_cookies(&headers).join("; ");
    let sign_in_with = |next: &str| {
        format!(
            "csrf_token={}&username=audrey&password={}&next={}",
            csrf_field(&html),
            PASSWORD.replace(' ', "+"),
            crate::listing::encode(next)
        )
    };
    let (status, headers, _) = post_as(
        &site,
        "/councils/dunmere-town/sign-in",
        &form_cookie,
        &sign_in_with("/councils/dunmere-town/people?q=ada"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[header::LOCATION],
        "/councils/dunmere-town/people?q=ada"
    );
    // Another site, another council or a look-alike address is never followed.
    for evil in [
        "https://evil.example/",
        "//evil.example/councils/dunmere-town/",
        "/councils/dunmere-town//evil.example",
        "/councils/dunmere-town/\\evil.example",
        "/councils/fenwold/due",
        "/councils/dunmere-town-x/due",
        "/councils/dunmere-town/sign-out",
    ] {
        let (_, headers, html) = get(&site, "/councils/dunmere-town/sign-in").await;
        let form_cookie = set_cookies(&headers).join("; ");
        let body = format!(
            "csrf_token={}&username=audrey&password={}&next={}",
            csrf_field(&html),
            PASSWORD.replace(' ', "+"),
            crate::listing::encode(evil)
        );
        let (status, headers, _) =
            post_as(&site, "/councils/dunmere-town/sign-in", &form_cookie, &body).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{evil}");
        assert_eq!(
            headers[header::LOCATION],
            "/councils/dunmere-town/start",
            "{evil}"
        );
    }
}

/// The hidden fields of the form on a check-your-answers page whose marker field is `marker`
/// (`confirm` or `change`), unescaped and sent again as a url-encoded body, as a browser does.
pub(crate) fn answers_body(html: &str, marker: &str) -> String {
    let unescape = |v: &str| {
        v.replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&#x2f;", "/")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    let end = html
        .find(&format!(r#"name="{marker}" value="yes""#))
        .unwrap_or_else(|| panic!("no {marker} form in {html}"));
    let start = html[..end].rfind("<form").unwrap();
    let mut fields = vec![format!("{marker}=yes")];
    let mut rest = &html[start..end];
    while let Some(at) = rest.find(r#"<input type="hidden" name=""#) {
        rest = &rest[at + r#"<input type="hidden" name=""#.len()..];
        let (name, after) = rest.split_once(r#"" value=""#).unwrap();
        let (value, after) = after.split_once('"').unwrap();
        fields.push(format!(
            "{}={}",
            name,
            crate::listing::encode(&unescape(value))
        ));
        rest = after;
    }
    fields.join("&")
}
