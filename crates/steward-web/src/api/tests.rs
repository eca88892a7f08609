#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;

const METHODS: [Method; 5] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];

/// The API alone over an empty database; the requests here never reach it.
async fn app() -> (Router, steward_store::testing::TestDb) {
    let db = steward_store::testing::TestDb::new().await;
    let store = db.open().await.unwrap();
    let today: Today = Arc::new(|| chrono::NaiveDate::MIN);
    let now: Now = Arc::new(chrono::Utc::now);
    (
        with_parts(
            store,
            today,
            now,
            Arc::default(),
            Arc::default(),
            Arc::default(),
            Arc::default(),
            true,
        ),
        db,
    )
}

/// A concrete path for a documented one.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "X1" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

async fn status(app: &Router, method: &Method, path: &str) -> StatusCode {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .body(Body::empty())
        .unwrap();
    app.clone().oneshot(req).await.unwrap().status()
}

#[tokio::test]
async fn the_document_and_the_router_list_the_same_routes() {
    let (app, _db) = app().await;
    let doc = openapi::document(&routes().ops);
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() > 20);
    for (path, methods) in paths {
        let methods = methods.as_object().unwrap();
        for method in METHODS {
            let got = status(&app, &method, &concrete(path)).await;
            let documented = methods.contains_key(&method.as_str().to_lowercase());
            if !documented {
                assert_eq!(got, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            } else if path == "/openapi.json" {
                assert_eq!(got, StatusCode::OK, "{method} {path}");
            } else {
                // Served, and asks for a token before anything else.
                assert_eq!(got, StatusCode::UNAUTHORIZED, "{method} {path}");
            }
        }
    }
    // And nothing answers outside the document.
    assert_eq!(
        status(&app, &Method::GET, "/nowhere").await,
        StatusCode::NOT_FOUND
    );
}

#[test]
fn every_registered_route_is_documented_once() {
    let Routes { ops, .. } = routes();
    let doc = openapi::document(&ops);
    let mut seen = std::collections::HashSet::new();
    for op in &ops {
        assert!(
            seen.insert((op.method.clone(), op.path)),
            "{} {}",
            op.method,
            op.path
        );
        let entry = &doc["paths"][op.path][op.method.as_str().to_lowercase()];
        assert!(
            entry.is_object(),
            "{} {} is not documented",
            op.method,
            op.path
        );
    }
    let documented: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|m| m.as_object().unwrap().len())
        .sum();
    assert_eq!(documented, ops.len());
}

#[test]
fn cursors_walk_without_gaps_or_repeats() {
    let items: Vec<i64> = (1..=120).rev().collect();
    let mut at = extract::PageAt {
        limit: 50,
        after: None,
    };
    let mut seen = Vec::new();
    loop {
        let page = at.of(items.clone(), |i| *i);
        seen.extend(page.items);
        match page.next_cursor {
            Some(c) => {
                let q = extract::Params {
                    cursor: Some(c),
                    limit: Some("50".into()),
                    ..Default::default()
                };
                at = q.page().unwrap();
            }
            None => break,
        }
    }
    assert_eq!(seen, (1..=120).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_before_anything_else() {
    let (app, _db) = app().await;
    let req = Request::builder()
        .method(Method::POST)
        .uri("/people")
        .header("content-type", "application/json")
        .body(Body::from(vec![b' '; BODY_LIMIT + 1]))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body = axum::body::to_bytes(res.into_body(), 1 << 16)
        .await
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["type"], "/api/v1/problems/payload-too-large");
    // The limit the answer and the document state is the one enforced.
    assert_eq!(BODY_LIMIT, 2_097_152);
    assert!(body["detail"].as_str().unwrap().contains("2,097,152 bytes"));
    let doc = openapi::document(&routes().ops);
    assert!(
        doc["info"]["description"]
            .as_str()
            .unwrap()
            .contains("2,097,152 bytes")
    );
    // At the limit, the request goes on to ask for a token.
    let req = Request::builder()
        .method(Method::POST)
        .uri("/people")
        .body(Body::from(vec![b' '; BODY_LIMIT]))
        .unwrap();
    assert_eq!(
        app.oneshot(req).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}
