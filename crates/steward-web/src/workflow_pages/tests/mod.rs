//! The workflow pages through the whole router: a borough council under its members' protocol,
//! where lost tablets go to Member Services and lost laptops to the ICT help desk, and
//! breaches to the Legal and Democratic Services Manager.

mod cases;
mod leaving;
mod posture;
mod requests;
mod start;

use crate::tests::{PASSWORD, add_user, answers_body};
use crate::{AppState, Now, Today, app};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{NaiveDate, TimeDelta};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use steward_domain::auth::Role;
use steward_domain::ops::{acceptance, council, equipment, loans, people, policy};
use steward_domain::repo::{AuditFilter, NewEquipment, NewPerson};
use steward_domain::{Council, Ctx, Pence, RegisterTx};
use steward_policy::{EquipmentKind, EquipmentState, OfficeId, PersonKind, presets};
use steward_store::testing::TestDb;
use tower::ServiceExt;

const BASE: &str = "/councils/fenwold";

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

struct Site {
    app: Router,
    state: AppState,
    /// Minutes the clock has moved on from 10:00 on 20 March 2027.
    minutes: Arc<AtomicI64>,
    _db: TestDb,
}

impl Site {
    fn later(&self, minutes: i64) {
        self.minutes.fetch_add(minutes, Ordering::SeqCst);
    }

    async fn council(&self) -> Council {
        let mut tx = self.state.store.read().await.unwrap();
        council::find(&mut tx, &"fenwold".parse().unwrap())
            .await
            .unwrap()
    }

    /// How many audit records have `action`.
    async fn audited(&self, action: &str) -> usize {
        let c = self.council().await;
        let mut tx = self.state.store.read().await.unwrap();
        tx.audit_records(c.id, &AuditFilter::default())
            .await
            .unwrap()
            .iter()
            .filter(|r| r.action == action)
            .count()
    }
}

/// Olive (S1) holds Member Services and handles breaches; Hal (S2) is the ICT help desk.
/// Flo (M1) holds TAB-1 and LAP-1; Bo (M2) holds TAB-2.
async fn site() -> Site {
    let db = TestDb::new().await;
    let store = db.open().await.unwrap();
    let start = day("2027-01-04");
    let ctx = Ctx::new("test", start.and_hms_opt(9, 0, 0).unwrap().and_utc(), start);
    let mut tx = store.begin().await.unwrap();
    let c = council::create(&mut tx, &ctx, &"fenwold".parse().unwrap(), "Fenwold")
        .await
        .unwrap();
    let preset = presets::find("borough-members-protocol").unwrap();
    policy::adopt(&mut tx, &ctx, &c, &presets::load(preset).unwrap(), start)
        .await
        .unwrap();
    let people_list: [(&str, &str, PersonKind, &[&str]); 4] = [
        (
            "S1",
            "Olive Desk",
            PersonKind::Employee,
            &["member_services", "legal_and_democratic_services_manager"],
        ),
        ("S2", "Hal Help", PersonKind::Employee, &["service_desk"]),
        ("M1", "Flo Hart", PersonKind::Councillor, &[]),
        ("M2", "Bo Fenn", PersonKind::Councillor, &[]),
    ];
    for (reference, name, kind, offices) in people_list {
        let req = people::AddPerson {
            person: NewPerson {
                reference: reference.parse().unwrap(),
                name: name.into(),
                kind,
                email: None,
                household: None,
            },
            term_start: Some(start),
            term_end: None,
            offices: offices.iter().map(|o| OfficeId(o.to_string())).collect(),
        };
        people::add(&mut tx, &ctx, &c, req).await.unwrap();
    }
    for (tag, kind) in [
        ("LAP-1", EquipmentKind::Laptop),
        ("TAB-1", EquipmentKind::Tablet),
        ("TAB-2", EquipmentKind::Tablet),
    ] {
        let new = NewEquipment {
            asset_tag: tag.parse().unwrap(),
            kind,
            model: "Model".into(),
            serial: None,
            purchased_on: Some(start),
            replacement_cost: Pence(60_000),
            pat_tested_on: Some(start),
            encrypted: true,
            state: EquipmentState::InStock,
        };
        equipment::add(&mut tx, &ctx, &c, new).await.unwrap();
    }
    for (member, name, tags) in [
        ("M1", "Flo Hart", &["TAB-1", "LAP-1"][..]),
        ("M2", "Bo Fenn", &["TAB-2"][..]),
    ] {
        acceptance::sign(
            &mut tx,
            &ctx,
            &c,
            &member.parse().unwrap(),
            acceptance::Signature::Typed { name: name.into() },
        )
        .await
        .unwrap();
        for tag in tags {
            loans::issue(
                &mut tx,
                &ctx,
                &c,
                &member.parse().unwrap(),
                &tag.parse().unwrap(),
                None,
            )
            .await
            .unwrap();
        }
    }
    for (username, role, person) in [
        ("olive", Role::Officer, Some("S1")),
        ("hal", Role::Officer, Some("S2")),
        ("flo", Role::Member, Some("M1")),
        ("bofenn", Role::Member, Some("M2")),
        ("audrey", Role::Auditor, None),
    ] {
        add_user(&mut tx, &ctx, &c, username, role, person, false).await;
    }
    tx.commit().await.unwrap();
    // Within the borough's 90-day password age (clause 2.6) of the accounts made on 4 January.
    let today: Today = Arc::new(|| day("2027-03-20"));
    let minutes = Arc::new(AtomicI64::new(0));
    let moved = minutes.clone();
    let now: Now = Arc::new(move || {
        day("2027-03-20").and_hms_opt(10, 0, 0).unwrap().and_utc()
            + TimeDelta::minutes(moved.load(Ordering::SeqCst))
    });
    let found = crate::assets::Assets::open(std::path::Path::new("/nonexistent"));
    let state = AppState::for_tests(store, today, now, found, true);
    Site {
        app: app(state.clone()),
        state,
        minutes,
        _db: db,
    }
}

/// A response: status, its Location or else its Set-Cookie pairs, and body.
async fn send(site: &Site, req: Request<Body>) -> (StatusCode, String, String) {
    let res = site.app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let location = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let cookies: Vec<String> = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(str::to_string)
        .collect();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 22)
        .await
        .unwrap();
    let body = String::from_utf8_lossy(&bytes).into_owned();
    let extra = if location.is_empty() {
        cookies.join("; ")
    } else {
        location
    };
    (status, extra, body)
}

async fn get(site: &Site, uri: &str, cookie: &str) -> (StatusCode, String, String) {
    let req = Request::get(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    send(site, req).await
}

async fn post(site: &Site, uri: &str, cookie: &str, form: &str) -> (StatusCode, String, String) {
    let req = Request::post(uri)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_string()))
        .unwrap();
    send(site, req).await
}

/// Percent-encodes a form value.
fn enc(text: &str) -> String {
    crate::listing::encode(text)
}

fn csrf(html: &str) -> String {
    html.split(r#"name="csrf_token" value=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string()
}

fn title(html: &str) -> &str {
    html.split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap_or("")
}

/// Signs in; returns the session cookie and its CSRF token.
async fn sign_in(site: &Site, username: &str) -> (String, String) {
    sign_in_at(site, BASE, username).await
}

/// Signs in to the council at `base`.
async fn sign_in_at(site: &Site, base: &str, username: &str) -> (String, String) {
    let uri = format!("{base}/sign-in");
    let (_, form_cookie, html) = get(site, &uri, "").await;
    let form = format!(
        "csrf_token={}&username={username}&password={}",
        csrf(&html),
        enc(PASSWORD)
    );
    let req = Request::post(&uri)
        .header(header::COOKIE, form_cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let res = site.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{username} signs in");
    let session = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|c| c.starts_with("steward_session=") && c.len() > 20)
        .unwrap()
        .to_string();
    let (status, _, page) = get(site, &format!("{base}/account/password"), &session).await;
    assert_eq!(status, StatusCode::OK);
    let token = csrf(&page);
    (session, token)
}
