//! Starting a sign-in at the council's identity provider: the bounds on open attempts from
//! one address and in the council, and the provider's discovery document and keys kept
//! between sign-ins, counted at a small provider served in the test.

use super::*;
use axum::routing::get as route_get;
use std::sync::atomic::{AtomicUsize, Ordering};
use steward_domain::auth::{
    AccountKey, AuthTx, Issuer, OidcSettings, OpenAttempts, RoleClaim, RoleMapping, SecretSource,
    StartLimits,
};
use steward_domain::ops::oidc;

/// A provider that serves only its discovery document and an empty key set, and counts the
/// requests for each: enough to start a sign-in, which is all these tests do.
struct CountingProvider {
    issuer: String,
    discovery: Arc<AtomicUsize>,
    keys: Arc<AtomicUsize>,
}

impl CountingProvider {
    async fn start() -> CountingProvider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let document = serde_json::json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "jwks_uri": format!("{issuer}/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        })
        .to_string();
        let discovery = Arc::new(AtomicUsize::new(0));
        let keys = Arc::new(AtomicUsize::new(0));
        let (d, k) = (discovery.clone(), keys.clone());
        let json = || [(header::CONTENT_TYPE, "application/json")];
        let router = Router::new()
            .route(
                "/.well-known/openid-configuration",
                route_get(move || {
                    d.fetch_add(1, Ordering::SeqCst);
                    let document = document.clone();
                    async move { (json(), document) }
                }),
            )
            .route(
                "/jwks",
                route_get(move || {
                    k.fetch_add(1, Ordering::SeqCst);
                    async move { (json(), r#"{"keys":[]}"#) }
                }),
            );
        tokio::spawn(async move { axum::serve(listener, router).await });
        CountingProvider {
            issuer,
            discovery,
            keys,
        }
    }

    fn fetched(&self) -> (usize, usize) {
        (
            self.discovery.load(Ordering::SeqCst),
            self.keys.load(Ordering::SeqCst),
        )
    }
}

async fn dunmere(site: &Site) -> Council {
    let mut tx = site.state.store.read().await.unwrap();
    council::find(&mut tx, &"dunmere-town".parse().unwrap())
        .await
        .unwrap()
}

/// Dunmere signs in with the counting provider.
async fn use_provider(site: &Site, provider: &CountingProvider) {
    let council = dunmere(site).await;
    let settings = OidcSettings::new(
        "Council Login",
        Issuer::parse(&provider.issuer).unwrap(),
        "steward-test",
        SecretSource::env("STEWARD_TEST_UNSET_SECRET").unwrap(),
        RoleClaim::Roles,
        AccountKey::Subject,
        vec![RoleMapping::parse("Steward.Admin=admin").unwrap()],
        false,
    )
    .unwrap();
    let mut tx = site.state.store.begin().await.unwrap();
    let ctx = Ctx::new("test", (site.state.now)(), (site.state.today)());
    oidc::set(&mut tx, &ctx, &council, settings).await.unwrap();
    tx.commit().await.unwrap();
}

const START: &str = "/councils/dunmere-town/sign-in/provider";

/// Starts a sign-in from `address`; the answer's status and body.
async fn start_from(app: &Router, address: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let req = from_peer("GET", START, address, &[("host", "steward.test")], "");
    let res = app.clone().oneshot(req).await.unwrap();
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

async fn open(site: &Site, address: Option<&str>) -> OpenAttempts {
    let council = dunmere(site).await;
    let mut tx = site.state.store.read().await.unwrap();
    tx.open_oidc_attempts(council.id, address).await.unwrap()
}

#[tokio::test]
async fn starts_are_bounded_per_address_and_per_council_and_expire() {
    let site = site().await;
    let provider = CountingProvider::start().await;
    use_provider(&site, &provider).await;
    let limited = app(AppState {
        start_limits: StartLimits {
            per_address: 3,
            per_council: 5,
        },
        ..site.state.clone()
    });

    // One address: three starts, then a page saying when to try again.
    for _ in 0..3 {
        let (status, headers, body) = start_from(&limited, "192.0.2.1").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        assert!(
            headers[header::LOCATION]
                .to_str()
                .unwrap()
                .starts_with(&provider.issuer)
        );
    }
    let (status, headers, body) = start_from(&limited, "192.0.2.1").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(title(&body).starts_with("Too many sign-ins - "), "{body}");
    assert!(
        body.contains("Too many sign-ins have been started from your address")
            && body.contains("Try again after 11:10am on 20 May 2027"),
        "{body}"
    );
    assert_eq!(headers[header::RETRY_AFTER], "600");
    assert!(!headers.contains_key(header::SET_COOKIE));

    // Many addresses: each may start until the council holds its bound.
    for address in ["192.0.2.2", "192.0.2.3"] {
        let (status, _, body) = start_from(&limited, address).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{address}: {body}");
    }
    let (status, _, body) = start_from(&limited, "192.0.2.4").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(
        body.contains("Too many sign-ins to this council are under way"),
        "{body}"
    );
    assert_eq!(open(&site, None).await.count, 5);
    assert_eq!(open(&site, Some("192.0.2.1")).await.count, 3);
    assert_eq!(open(&site, Some("192.0.2.4")).await.count, 0);

    // Ten minutes on, the attempts have expired: the next start clears them and goes ahead.
    site.minutes.store(11, std::sync::atomic::Ordering::SeqCst);
    let (status, _, body) = start_from(&limited, "192.0.2.1").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(open(&site, None).await.count, 1);
}

#[tokio::test]
async fn the_discovery_document_and_keys_are_kept_ten_minutes_and_forgotten_on_a_change() {
    let site = site().await;
    let provider = CountingProvider::start().await;
    use_provider(&site, &provider).await;

    for address in ["192.0.2.1", "192.0.2.2", "192.0.2.3"] {
        let (status, _, body) = start_from(&site.app, address).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    }
    assert_eq!(provider.fetched(), (1, 1), "three sign-ins, one fetch");
    site.minutes.store(9, std::sync::atomic::Ordering::SeqCst);
    start_from(&site.app, "192.0.2.4").await;
    assert_eq!(provider.fetched(), (1, 1));
    site.minutes.store(10, std::sync::atomic::Ordering::SeqCst);
    start_from(&site.app, "192.0.2.5").await;
    assert_eq!(
        provider.fetched(),
        (2, 2),
        "fetched again after ten minutes"
    );

    // Saving the settings on the administrator's page forgets what was kept.
    let session = sign_in(&site, "clerk").await;
    let (_, _, page) = get_as(&site, "/councils/dunmere-town/admin/sign-in", &session).await;
    let form = format!(
        "csrf_token={}&provider_name=Council+Login&issuer={}&client_id=steward-test\
         &secret_source=env&secret_name=STEWARD_TEST_UNSET_SECRET&role_claim=roles\
         &account_key=subject&role_map=Steward.Admin%3Dadmin&confirm=yes",
        csrf_field(&page),
        provider.issuer.replace(':', "%3A").replace('/', "%2F"),
    );
    let (status, _, body) = post_as(
        &site,
        "/councils/dunmere-town/admin/sign-in",
        &session,
        &form,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    start_from(&site.app, "192.0.2.6").await;
    assert_eq!(
        provider.fetched(),
        (3, 3),
        "fetched again after the settings changed"
    );
}
