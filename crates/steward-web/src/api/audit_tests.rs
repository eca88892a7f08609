//! The API's audit trail: the log paged with its cursors and filters, and the check of the
//! whole chain, which only auditors and administrators start and never two at once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::verifying::Checks;
use axum::body::Body;
use axum::http::{Request, header};
use chrono::{NaiveDate, TimeZone};
use steward_domain::auth::{Password, Role};
use steward_domain::ops::{council, people, tokens, users};
use steward_domain::repo::NewPerson;
use steward_domain::{AuditEvent, Council, Ctx, RegisterTx};
use steward_policy::PersonKind;
use steward_store::testing::TestDb;
use tower::ServiceExt;

struct Api {
    app: Router,
    checks: Arc<Checks>,
    council: Council,
    auditor: String,
    officer: String,
    _db: TestDb,
}

async fn token(
    tx: &mut steward_store::StoreTx,
    ctx: &Ctx,
    c: &Council,
    user: &str,
    role: Role,
) -> String {
    let made = tokens::create(
        tx,
        ctx,
        c,
        tokens::CreateToken {
            username: user.parse().unwrap(),
            role,
            name: "tests".into(),
            expires_on: None,
            scope: steward_domain::auth::TokenScope::Api,
        },
    )
    .await
    .unwrap();
    made.secret.expose().to_string()
}

/// A council with an officer and an auditor, each with a token, and 30 more records.
async fn api() -> Api {
    let db = TestDb::new().await;
    let store = db.open().await.unwrap();
    let today = NaiveDate::from_ymd_opt(2027, 5, 20).unwrap();
    let now = chrono::Utc.with_ymd_and_hms(2027, 5, 20, 9, 0, 0).unwrap();
    let ctx = Ctx::new("setup", now, today);
    let mut tx = store.begin().await.unwrap();
    let c = council::create(&mut tx, &ctx, &"wexcombe".parse().unwrap(), "Wexcombe")
        .await
        .unwrap();
    let person = NewPerson {
        reference: "S1".parse().unwrap(),
        name: "Olive Clerk".into(),
        kind: PersonKind::Employee,
        email: None,
        household: None,
    };
    let add = people::AddPerson {
        person,
        term_start: Some(today),
        term_end: None,
        offices: Vec::new(),
    };
    people::add(&mut tx, &ctx, &c, add).await.unwrap();
    for (name, role, person) in [
        ("audrey", Role::Auditor, None),
        ("olive", Role::Officer, Some("S1")),
    ] {
        let username: steward_domain::auth::Username = name.parse().unwrap();
        let req = users::CreateUser {
            password: Password::new("copper lantern autumn 58", &username).unwrap(),
            username,
            role,
            person: person.map(|p| p.parse().unwrap()),
            must_change_password: false,
        };
        users::create(&mut tx, &ctx, &c, req).await.unwrap();
    }
    let auditor = token(&mut tx, &ctx, &c, "audrey", Role::Auditor).await;
    let officer = token(&mut tx, &ctx, &c, "olive", Role::Officer).await;
    for i in 0..30 {
        let event = AuditEvent {
            action: if i % 2 == 0 {
                "loan.issue"
            } else {
                "loan.return"
            }
            .into(),
            entity: "loan".into(),
            entity_id: (i % 3).to_string(),
            before: None,
            after: None,
        };
        tx.append_audit(c.id, now, if i < 10 { "olive" } else { "cli" }, &event)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let checks = Arc::new(Checks::default());
    let app = with_parts(
        store,
        Arc::new(move || today),
        Arc::new(move || now),
        Arc::default(),
        Arc::default(),
        Arc::default(),
        checks.clone(),
        false,
    );
    Api {
        app,
        checks,
        council: c,
        auditor,
        officer,
        _db: db,
    }
}

async fn get(
    api: &Api,
    token: &str,
    path: &str,
) -> (StatusCode, axum::http::HeaderMap, serde_json::Value) {
    let req = Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let res = api.app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 22)
        .await
        .unwrap();
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or_default(),
    )
}

fn seqs(body: &serde_json::Value) -> Vec<i64> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["seq"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn the_log_pages_both_ways_with_its_cursors_and_filters() {
    let api = api().await;
    let (status, _, first) = get(&api, &api.officer, "/audit?limit=10&dir=desc").await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let newest = seqs(&first);
    assert_eq!(newest.len(), 10);
    assert!(newest.windows(2).all(|w| w[0] == w[1] + 1), "{newest:?}");
    assert_eq!(first["total"]["kind"], "exactly");
    assert!(first.get("previous_cursor").is_none());
    let next = first["next_cursor"].as_str().unwrap();
    let (_, _, second) = get(
        &api,
        &api.officer,
        &format!("/audit?limit=10&dir=desc&cursor={next}"),
    )
    .await;
    assert_eq!(seqs(&second)[0], newest[9] - 1);
    let back = second["previous_cursor"].as_str().unwrap();
    let (_, _, again) = get(
        &api,
        &api.officer,
        &format!("/audit?limit=10&dir=desc&cursor={back}"),
    )
    .await;
    assert_eq!(seqs(&again), newest);

    // Oldest first by default; each filter narrows in the database.
    let (_, _, oldest) = get(&api, &api.officer, "/audit?limit=3").await;
    assert_eq!(seqs(&oldest), [1, 2, 3]);
    let (_, _, returns) = get(
        &api,
        &api.officer,
        "/audit?action=loan.return&actor=olive&limit=50",
    )
    .await;
    assert_eq!(returns["items"].as_array().unwrap().len(), 5, "{returns}");
    let (_, _, loan) = get(
        &api,
        &api.officer,
        "/audit?entity=loan&entity_id=2&limit=50",
    )
    .await;
    assert_eq!(loan["items"].as_array().unwrap().len(), 10, "{loan}");
    let (_, _, none) = get(&api, &api.officer, "/audit?from=2027-05-21").await;
    assert_eq!(seqs(&none), Vec::<i64>::new());

    // Bad values are named.
    let long = "x".repeat(201);
    for (path, field) in [
        (format!("/audit?actor={long}"), "actor"),
        ("/audit?dir=sideways".to_string(), "dir"),
        ("/audit?sort=time".to_string(), "sort"),
        ("/audit?cursor=nonsense".to_string(), "cursor"),
        ("/audit?from=yesterday".to_string(), "from"),
    ] {
        let (status, _, problem) = get(&api, &api.officer, &path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{path}");
    }
    let (status, _, problem) =
        get(&api, &api.officer, "/audit?from=2027-05-21&to=2027-05-20").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "to");
}

#[tokio::test]
async fn only_auditors_check_the_chain_and_never_two_at_once() {
    let api = api().await;
    let (status, _, refused) = get(&api, &api.officer, "/audit/verify").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    let (status, _, done) = get(&api, &api.auditor, "/audit/verify").await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["ok"], true);

    // While a check of the council's chain runs, another is turned away, to try again soon.
    let running = api.checks.start(api.council.id).unwrap();
    let (status, headers, busy) = get(&api, &api.auditor, "/audit/verify").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{busy}");
    assert_eq!(headers[header::RETRY_AFTER], "5");
    assert_eq!(busy["type"], "/api/v1/problems/busy");
    assert!(
        busy["detail"]
            .as_str()
            .unwrap()
            .contains("being checked already")
    );
    drop(running);
    let (status, _, done) = get(&api, &api.auditor, "/audit/verify").await;
    assert_eq!(status, StatusCode::OK, "{done}");
}
