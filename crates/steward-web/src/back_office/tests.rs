//! The issue form end to end: refused with every clause and nothing written, then, once the
//! paper form is recorded, lent with its date and clause.

use crate::tests::{PASSWORD, add_user};
use crate::{AppState, Now, Today, app};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::NaiveDate;
use std::sync::Arc;
use steward_domain::auth::Role;
use steward_domain::ops::{council, equipment, loans, people, policy};
use steward_domain::repo::{NewEquipment, NewPerson};
use steward_domain::{Ctx, Pence};
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
    _db: TestDb,
}

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
    for (reference, name, kind, office) in [
        (
            "S1",
            "Olive Desk",
            PersonKind::Employee,
            Some("legal_and_democratic_services_manager"),
        ),
        ("M1", "Flo Hart", PersonKind::Councillor, None),
    ] {
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
            offices: office.map(|o| OfficeId(o.into())).into_iter().collect(),
        };
        people::add(&mut tx, &ctx, &c, req).await.unwrap();
    }
    let new = NewEquipment {
        asset_tag: "LAP-1".parse().unwrap(),
        kind: EquipmentKind::Laptop,
        model: "T14".into(),
        serial: None,
        purchased_on: Some(start),
        replacement_cost: Pence(65_000),
        pat_tested_on: Some(start),
        encrypted: true,
        state: EquipmentState::InStock,
    };
    equipment::add(&mut tx, &ctx, &c, new).await.unwrap();
    add_user(&mut tx, &ctx, &c, "olive", Role::Officer, Some("S1"), false).await;
    add_user(&mut tx, &ctx, &c, "audrey", Role::Auditor, None, false).await;
    tx.commit().await.unwrap();
    // Within the borough's 90-day password age (clause 2.6) of the accounts made on 4 January.
    let today: Today = Arc::new(|| day("2027-03-20"));
    let now: Now = Arc::new(|| day("2027-03-20").and_hms_opt(10, 0, 0).unwrap().and_utc());
    let found = crate::assets::Assets::open(std::path::Path::new("/nonexistent"));
    let state = AppState {
        store,
        touches: Default::default(),
        today,
        now,
        pages: Arc::new(crate::pages::Pages::new(&found).unwrap()),
        assets: Arc::new(found),
        sends_mail: true,
    };
    Site {
        app: app(state.clone()),
        state,
        _db: db,
    }
}

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
    // Set-Cookie lines ride along in the location slot when there is no redirect.
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

fn csrf(html: &str) -> String {
    html.split(r#"name="csrf_token" value=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string()
}

/// Signs in; returns the session cookie and its CSRF token.
async fn sign_in(site: &Site, username: &str) -> (String, String) {
    let uri = format!("{BASE}/sign-in");
    let (_, form_cookie, html) = get(site, &uri, "").await;
    let form = format!(
        "csrf_token={}&username={username}&password={}",
        csrf(&html),
        PASSWORD.replace(' ', "+")
    );
    let req = Request::post(&uri)
        .header(header::COOKIE, form_cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let res = site.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let session = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|c| c.starts_with("steward_session=") && c.len() > 20)
        .unwrap()
        .to_string();
    let (status, _, page) = get(site, &format!("{BASE}/loans/issue"), &session).await;
    assert_eq!(status, StatusCode::OK);
    let token = csrf(&page);
    (session, token)
}

async fn open_loans(site: &Site) -> usize {
    let mut tx = site.state.store.begin().await.unwrap();
    let c = council::find(&mut tx, &"fenwold".parse().unwrap())
        .await
        .unwrap();
    loans::list(&mut tx, &c, true, day("2027-03-20"))
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn issuing_is_refused_with_its_clause_until_the_paper_form_is_recorded() {
    let site = site().await;
    let (olive, token) = sign_in(&site, "olive").await;
    let issue = format!("csrf_token={token}&person=M1&asset_tag=LAP-1&authorised_by=");

    let (status, _, html) = post(&site, &format!("{BASE}/loans/issue"), &olive, &issue).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("<title>Error: Issue equipment"), "{html}");
    assert!(html.contains("govuk-error-summary"), "{html}");
    assert!(html.contains("Flo Hart has not signed"), "{html}");
    assert!(html.contains("(clause "), "{html}");
    assert!(html.contains(r##"href="#person""##), "{html}");
    assert_eq!(open_loans(&site).await, 0, "a refusal writes nothing");

    // An auditor may look at the form but not use it.
    let (audrey, audrey_token) = sign_in(&site, "audrey").await;
    let as_auditor = format!("csrf_token={audrey_token}&person=M1&asset_tag=LAP-1");
    let (status, _, _) = post(&site, &format!("{BASE}/loans/issue"), &audrey, &as_auditor).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A missing field is named against its field.
    let blank = format!("csrf_token={token}&person=&asset_tag=LAP-1");
    let (status, _, html) = post(&site, &format!("{BASE}/loans/issue"), &olive, &blank).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("Enter the reference of the person borrowing it"),
        "{html}"
    );

    let paper = format!("csrf_token={token}&person=M1&signed_on=19%2F03%2F2027");
    let (status, to, html) = post(&site, &format!("{BASE}/signatures/paper"), &olive, &paper).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    assert_eq!(to, format!("{BASE}/signatures?recorded=M1"));

    let (status, to, html) = post(&site, &format!("{BASE}/loans/issue"), &olive, &issue).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    assert!(to.ends_with("?done=issued"), "{to}");
    assert_eq!(open_loans(&site).await, 1);
    let (status, _, html) = get(&site, &to, &olive).await;
    assert_eq!(status, StatusCode::OK);
    // This preset lends to members for their term, without a fixed date.
    assert!(
        html.contains("LAP-1 has been lent to Flo Hart. The policy sets no return date."),
        "{html}"
    );

    // The list shows it, and its CSV download carries the same row.
    let (status, _, html) = get(&site, &format!("{BASE}/loans"), &olive).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Flo Hart (M1)"), "{html}");
    let (status, _, csv) = get(&site, &format!("{BASE}/loans?format=csv"), &olive).await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.starts_with("Loan,Person,Item"), "{csv}");
    assert!(csv.contains("Flo Hart (M1)"), "{csv}");
}

#[tokio::test]
async fn offices_are_given_with_a_new_person_and_given_and_ended_on_their_page() {
    let site = site().await;
    let (olive, token) = sign_in(&site, "olive").await;
    let (_, _, form) = get(&site, &format!("{BASE}/people/new"), &olive).await;
    assert!(form.contains(r#"value="cabinet_member""#), "{form}");
    // An office held by members cannot go to an employee; the error is at the checkboxes.
    let body = format!(
        "csrf_token={token}&reference=S2&name=Pat+Lane&kind=employee&offices=cabinet_member"
    );
    let (status, _, page) = post(&site, &format!("{BASE}/people/new"), &olive, &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains(r##"<a href="#offices">"##), "{page}");
    let body = format!(
        "csrf_token={token}&reference=M2&name=Cy+Rowe&kind=councillor&offices=cabinet_member&offices=leader"
    );
    let (status, to, _) = post(&site, &format!("{BASE}/people/new"), &olive, &body).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, format!("{BASE}/people/M2"));
    let (_, _, offices) = get(&site, &format!("{BASE}/people/M2/offices"), &olive).await;
    assert!(
        offices.contains("Cabinet Member") && offices.contains("Leader of the Council"),
        "{offices}"
    );

    let end = format!("{BASE}/people/M2/offices/leader/end");
    let (status, to, _) = post(&site, &end, &olive, &format!("csrf_token={token}")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, format!("{BASE}/people/M2/offices?done=ended"));
    let (status, _, again) = post(&site, &end, &olive, &format!("csrf_token={token}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(again.contains("does not hold"), "{again}");

    let give = format!("{BASE}/people/M1/offices");
    let body = format!("csrf_token={token}&office=leader&from=31%2F02%2F2027");
    let (status, _, page) = post(&site, &give, &olive, &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains(r##"<a href="#from">"##), "{page}");
    let body = format!("csrf_token={token}&office=leader");
    let (status, _, _) = post(&site, &give, &olive, &body).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // An auditor sees the offices and may change none of them.
    let (audrey, audrey_token) = sign_in(&site, "audrey").await;
    let (status, _, page) = get(&site, &give, &audrey).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Leader of the Council") && !page.contains("Give the office"));
    let body = format!("csrf_token={audrey_token}&office=mayor");
    let (status, _, _) = post(&site, &give, &audrey, &body).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
