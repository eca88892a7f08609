//! The reports and the retention page through the whole router: a purge asks for confirmation,
//! then purges what is due and the audit trail still verifies; downloads are CSV and PDF.

use crate::{AppState, Now, Today, app};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::NaiveDate;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use steward_domain::auth::{Password, Role};
use steward_domain::ops::{council, people, policy, sessions, users};
use steward_domain::repo::NewPerson;
use steward_domain::{Ctx, RegisterTx};
use steward_policy::{PersonKind, presets};
use steward_store::testing::TestDb;
use tower::ServiceExt;

const SLUG: &str = "harrow-town";
const PASSWORD: &str = "copper lantern autumn 58";

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

struct Site {
    app: Router,
    state: AppState,
    council_id: i64,
    _db: TestDb,
}

/// A town council (retention: leavers a year after leaving, clause 2.1) with M1, who left
/// office at the start of 2025, an administrator and an auditor; today is 20 May 2027.
async fn site() -> Site {
    let db = TestDb::new().await;
    let store = db.open().await.unwrap();
    let start = day("2024-01-04");
    let ctx = Ctx::new(
        "setup",
        start.and_hms_opt(9, 0, 0).unwrap().and_utc(),
        start,
    );
    let mut tx = store.begin().await.unwrap();
    let c = council::create(&mut tx, &ctx, &SLUG.parse().unwrap(), "Harrow Town Council")
        .await
        .unwrap();
    let preset = presets::find("town-it-policy").unwrap();
    policy::adopt(&mut tx, &ctx, &c, &presets::load(preset).unwrap(), start)
        .await
        .unwrap();
    let req = people::AddPerson {
        person: NewPerson {
            reference: "M1".parse().unwrap(),
            name: "Ivy Marsh".into(),
            kind: PersonKind::Councillor,
            email: Some("ivy@example.org".into()),
            household: None,
        },
        term_start: Some(start),
        term_end: Some(day("2025-01-01")),
        offices: Vec::new(),
    };
    people::add(&mut tx, &ctx, &c, req).await.unwrap();
    let username: steward_domain::auth::Username = "clerk".parse().unwrap();
    let req = users::CreateUser {
        password: Password::new(PASSWORD, &username).unwrap(),
        username,
        role: Role::Admin,
        person: None,
        must_change_password: false,
    };
    users::create(&mut tx, &ctx, &c, req).await.unwrap();
    let username: steward_domain::auth::Username = "audit".parse().unwrap();
    let req = users::CreateUser {
        password: Password::new(PASSWORD, &username).unwrap(),
        username,
        role: Role::Auditor,
        person: None,
        must_change_password: false,
    };
    users::create(&mut tx, &ctx, &c, req).await.unwrap();
    tx.commit().await.unwrap();
    let found = crate::assets::Assets::open(std::path::Path::new("/nonexistent"));
    let today: Today = Arc::new(|| day("2027-05-20"));
    let now: Now = Arc::new(|| day("2027-05-20").and_hms_opt(10, 0, 0).unwrap().and_utc());
    let state = AppState::for_tests(store, today, now, found, true);
    Site {
        app: app(state.clone()),
        council_id: c.id,
        state,
        _db: db,
    }
}

async fn session(site: &Site) -> (String, String) {
    session_of(site, "clerk").await
}

async fn session_of(site: &Site, username: &str) -> (String, String) {
    let mut tx = site.state.store.begin().await.unwrap();
    let c = council::find(&mut tx, &SLUG.parse().unwrap())
        .await
        .unwrap();
    let signed = sessions::sign_in(
        &mut tx,
        &c,
        username,
        PASSWORD,
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        (site.state.now)(),
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    (
        format!("steward_session={}", signed.secret.expose()),
        signed.session.csrf_token,
    )
}

async fn send(site: &Site, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let res = site.app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 22)
        .await
        .unwrap();
    (status, headers, bytes.to_vec())
}

async fn get(
    site: &Site,
    path: &str,
    cookie: &str,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let req = Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    send(site, req).await
}

async fn post(site: &Site, path: &str, cookie: &str, form: String) -> (StatusCode, String) {
    let req = Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let (status, headers, body) = send(site, req).await;
    let location = headers
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .map(str::to_string);
    (
        status,
        location.unwrap_or_else(|| String::from_utf8_lossy(&body).into_owned()),
    )
}

fn text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}

#[tokio::test]
async fn a_purge_needs_confirming_then_takes_what_is_due() {
    let site = site().await;
    let (cookie, token) = session(&site).await;
    let path = format!("/councils/{SLUG}/retention");

    let (status, _, body) = get(&site, &path, &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let page = text(&body);
    assert!(page.contains("Person M1"), "{page}");
    assert!(page.contains("clause 2.1, IT Policy"), "{page}");
    assert!(page.contains(r#"name="understood""#), "{page}");

    let (status, page) = post(&site, &path, &cookie, format!("csrf_token={token}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("<title>Error: Retention"), "{page}");
    assert!(page.contains(r##"<a href="#understood">"##), "{page}");

    // Ticked, the purge is first shown in words with its clause; nothing is purged yet.
    let (status, check) = post(
        &site,
        &path,
        &cookie,
        format!("csrf_token={token}&understood=yes"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{check}");
    assert!(check.contains("Check before purging"), "{check}");
    assert!(check.contains("(clause 2.1, IT Policy)"), "{check}");
    let (_, _, body) = get(&site, &path, &cookie).await;
    assert!(text(&body).contains("Person M1"));
    // Change goes back with the box still ticked.
    let (status, page) = post(
        &site,
        &path,
        &cookie,
        crate::tests::answers_body(&check, "change"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"value="yes" checked"#), "{page}");

    let (status, to) = post(
        &site,
        &path,
        &cookie,
        crate::tests::answers_body(&check, "confirm"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    assert!(to.starts_with(&format!("{path}?purged=1&erased=")), "{to}");
    let (_, _, body) = get(&site, &to, &cookie).await;
    let page = text(&body);
    assert!(page.contains("1 records purged"), "{page}");
    assert!(page.contains("Nothing is due for purging today."), "{page}");
    assert!(
        site.state
            .store
            .verify_audit(site.council_id)
            .await
            .unwrap()
            .is_ok(),
        "the audit trail still verifies"
    );
    let mut tx = site.state.store.read().await.unwrap();
    let c = council::find(&mut tx, &SLUG.parse().unwrap())
        .await
        .unwrap();
    let person = tx
        .person_by_ref(c.id, &"M1".parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(person.name, "(erased)");
    assert_eq!(person.email, None);
}

#[tokio::test]
async fn downloads_are_csv_and_pdf() {
    let site = site().await;
    let (cookie, _) = session(&site).await;
    let base = format!("/councils/{SLUG}/reports/equipment");
    let (status, headers, body) = get(&site, &format!("{base}/csv"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(text(&body).starts_with("State,Items,"));
    let (status, headers, body) =
        get(&site, &format!("{base}/pdf?as_of=2027-05-01"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("harrow-town-equipment-2027-05-01.pdf")
    );
    assert!(body.starts_with(b"%PDF-"));
    let (status, _, _) = get(&site, &format!("{base}/pdf?as_of=someday"), &cookie).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_findings_report_is_listed_and_shown_only_to_whom_it_is_for() {
    let site = site().await;
    let reports = format!("/councils/{SLUG}/reports");
    let base = format!("{reports}/findings");
    // The administrator holds no office the policy names: not listed, and refused.
    let (admin, _) = session(&site).await;
    let (_, _, body) = get(&site, &reports, &admin).await;
    let index = text(&body);
    assert!(index.contains("Equipment by state and age"), "{index}");
    assert!(!index.contains("Monitoring findings over time"), "{index}");
    let (status, _, _) = get(&site, &base, &admin).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The auditor sees it; the town's policy does not monitor web use, and the page says so.
    let (audit, _) = session_of(&site, "audit").await;
    let (_, _, body) = get(&site, &reports, &audit).await;
    assert!(text(&body).contains("Monitoring findings over time"));
    let (status, _, body) = get(&site, &base, &audit).await;
    assert_eq!(status, StatusCode::OK);
    let page = text(&body);
    assert!(page.contains("not in the policy in force"), "{page}");
    assert!(
        page.contains(r#"name="from""#) && page.contains("21&#x2f;05&#x2f;2026"),
        "{page}"
    );
    // A first day after the last is a mistake on the form, linked to its field.
    let (status, _, body) = get(&site, &format!("{base}?from=01/06/2027"), &audit).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text(&body).contains(r##"<a href="#from">"##));
    let (status, _, body) = get(&site, &format!("{base}/csv?from=2027-01-01"), &audit).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text(&body).starts_with("Period,Starts,Category,Visits,People,Unknown identities"));
}
