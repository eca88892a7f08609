//! Requests through the whole router, without a socket.

use super::*;
use axum::body::Body;
use axum::http::Request;
use steward_domain::Ctx;
use steward_store::testing::TestDb;
use tower::ServiceExt;

struct Site {
    app: Router,
    state: AppState,
    _db: TestDb,
    _assets: tempfile::TempDir,
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

async fn site() -> Site {
    let db = TestDb::new().await;
    let store = db.open().await.unwrap();
    let mut tx = store.begin().await.unwrap();
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
    tx.commit().await.unwrap();

    let assets = tempfile::tempdir().unwrap();
    std::fs::write(assets.path().join("steward.css"), "body{}").unwrap();
    std::fs::write(assets.path().join("notes.txt"), "not served").unwrap();
    let today: Today = Arc::new(|| day("2027-05-20"));
    let found = Assets::open(assets.path());
    let state = AppState {
        store,
        today,
        pages: Arc::new(Pages::new(&found).unwrap()),
        assets: Arc::new(found),
    };
    Site {
        app: app(state.clone()),
        state,
        _db: db,
        _assets: assets,
    }
}

async fn get(site: &Site, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    send(site, Request::get(uri).body(Body::empty()).unwrap()).await
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
    assert!(html.contains(r#"href="/councils/dunmere-town/due""#));
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
    let (status, _, html) = get(&site, "/councils/dunmere-town/due").await;
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
async fn a_bad_date_is_shown_through_the_error_summary_and_the_field() {
    let site = site().await;
    let (status, _, html) = get(
        &site,
        "/councils/dunmere-town/due?as_of=31%2F02%2F2027%3Cb%3E",
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

    let (status, _, _) = get(&site, "/councils/dunmere-town/due?as_of=2027-05-16").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = get(&site, "/councils/dunmere-town/due?as_of=16/05/2027").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = get(&site, "/councils/dunmere-town/due?as_of=").await;
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
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
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
