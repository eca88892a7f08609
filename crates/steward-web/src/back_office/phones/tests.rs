//! The phone pages end to end: an officer registers a line and imports a bill, the Cabinet
//! Member holding the phone marks a personal call, and the officer issues the statement and
//! records payments until it is paid.

use crate::tests::{PASSWORD, add_user};
use crate::{AppState, Now, Today, app};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::NaiveDate;
use std::sync::Arc;
use steward_domain::auth::Role;
use steward_domain::ops::{acceptance, council, equipment, loans, people, policy};
use steward_domain::repo::{NewEquipment, NewPerson};
use steward_domain::{Ctx, Pence};
use steward_policy::{EquipmentKind, EquipmentState, OfficeId, PersonKind, presets};
use steward_store::testing::TestDb;
use tower::ServiceExt;

const BASE: &str = "/councils/fenwold";

const BILL: &str = "Mobile number,Call date,Time,Number called,Duration,Cost (£)\r\n\
07700 900123,03/04/2027,09:00,01632 960001,2:00,0.00\r\n\
07700 900123,04/04/2027,19:00,01632 960002,9:30,0.75\r\n";

fn ctx(day: &str) -> Ctx {
    let d = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    Ctx::new("test", d.and_hms_opt(9, 0, 0).unwrap().and_utc(), d)
}

struct Site {
    app: Router,
    _db: TestDb,
}

/// Fenwold's borough protocol; Flo (M1) is a Cabinet Member holding PHN-1 since January.
async fn site() -> Site {
    let db = TestDb::new().await;
    let store = db.open().await.unwrap();
    let start = ctx("2027-01-04");
    let mut tx = store.begin().await.unwrap();
    let c = council::create(&mut tx, &start, &"fenwold".parse().unwrap(), "Fenwold")
        .await
        .unwrap();
    let preset = presets::find("borough-members-protocol").unwrap();
    policy::adopt(
        &mut tx,
        &start,
        &c,
        &presets::load(preset).unwrap(),
        start.today,
    )
    .await
    .unwrap();
    for (reference, name, kind, office) in [
        (
            "S1",
            "Olive Desk",
            PersonKind::Employee,
            "legal_and_democratic_services_manager",
        ),
        ("M1", "Flo Hart", PersonKind::Councillor, "cabinet_member"),
    ] {
        let req = people::AddPerson {
            person: NewPerson {
                reference: reference.parse().unwrap(),
                name: name.into(),
                kind,
                email: None,
                household: None,
            },
            term_start: Some(start.today),
            term_end: None,
            offices: vec![OfficeId(office.into())],
        };
        people::add(&mut tx, &start, &c, req).await.unwrap();
    }
    let phone = NewEquipment {
        asset_tag: "PHN-1".parse().unwrap(),
        kind: EquipmentKind::MobilePhone,
        model: "Handset".into(),
        serial: None,
        purchased_on: Some(start.today),
        replacement_cost: Pence(30_000),
        pat_tested_on: None,
        encrypted: true,
        state: EquipmentState::InStock,
    };
    equipment::add(&mut tx, &start, &c, phone).await.unwrap();
    let flo = "M1".parse().unwrap();
    let typed = acceptance::Signature::Typed {
        name: "Flo Hart".into(),
    };
    acceptance::sign(&mut tx, &start, &c, &flo, typed)
        .await
        .unwrap();
    loans::issue(&mut tx, &start, &c, &flo, &"PHN-1".parse().unwrap(), None)
        .await
        .unwrap();
    // Accounts made recently, inside the protocol's password age.
    let recent = ctx("2027-05-10");
    add_user(
        &mut tx,
        &recent,
        &c,
        "olive",
        Role::Officer,
        Some("S1"),
        false,
    )
    .await;
    add_user(&mut tx, &recent, &c, "flo", Role::Member, Some("M1"), false).await;
    add_user(&mut tx, &recent, &c, "audrey", Role::Auditor, None, false).await;
    tx.commit().await.unwrap();
    let day = NaiveDate::parse_from_str("2027-05-20", "%Y-%m-%d").unwrap();
    let today: Today = Arc::new(move || day);
    let now: Now = Arc::new(move || day.and_hms_opt(10, 0, 0).unwrap().and_utc());
    let found = crate::assets::Assets::open(std::path::Path::new("/nonexistent"));
    let state = AppState::for_tests(store, today, now, found, true);
    Site {
        app: app(state),
        _db: db,
    }
}

/// Status, the redirect's target (or the cookies set), and the body.
async fn send(site: &Site, req: Request<Body>) -> (StatusCode, String, String) {
    let res = site.app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let location = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
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
    (status, location.unwrap_or(cookies.join("; ")), body)
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

/// A form value, percent-encoded.
fn enc(text: &str) -> String {
    crate::listing::encode(text)
}

/// Signs in; returns the session cookie and its CSRF token.
async fn sign_in(site: &Site, username: &str) -> (String, String) {
    let uri = format!("{BASE}/sign-in");
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
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{username}");
    let session = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|c| c.starts_with("steward_session=") && c.len() > 20)
        .unwrap()
        .to_string();
    let (status, _, page) = get(site, &format!("{BASE}/account/password"), &session).await;
    assert_eq!(status, StatusCode::OK, "{username}");
    (session.clone(), csrf(&page))
}

/// Registers the line and imports the April bill, as Olive.
async fn line_and_bill(site: &Site, olive: &str, token: &str) {
    let lines = format!("{BASE}/equipment/PHN-1/lines");
    let body = format!("csrf_token={token}&number={}", enc("07700 900123"));
    let (status, to, _) = post(site, &lines, olive, &body).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, format!("{BASE}/equipment/PHN-1?done=line"));
    let body = format!(
        "csrf_token={token}&period=2027-04&name=april.csv&csv={}",
        enc(BILL)
    );
    let (status, to, html) = post(site, &format!("{BASE}/phone-bills/import"), olive, &body).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    assert_eq!(to, format!("{BASE}/phone-bills?imported=2027-04"));
}

#[tokio::test]
async fn officers_register_a_line_and_import_a_bill_or_see_every_problem() {
    let site = site().await;
    let (olive, token) = sign_in(&site, "olive").await;
    let (status, _, item) = get(&site, &format!("{BASE}/equipment/PHN-1"), &olive).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        item.contains("Phone lines") && item.contains("Register a phone line"),
        "{item}"
    );

    let lines = format!("{BASE}/equipment/PHN-1/lines");
    let (status, _, html) = post(
        &site,
        &lines,
        &olive,
        &format!("csrf_token={token}&number=12"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("<title>Error: Register a phone line"),
        "{html}"
    );
    assert!(html.contains(r##"<a href="#number">"##), "{html}");

    // A bill with bad rows imports nothing and lists each row against the pasted text.
    let import = format!("{BASE}/phone-bills/import");
    let body = format!("csrf_token={token}&period=2027-04&csv={}", enc(BILL));
    let (status, _, html) = post(&site, &import, &olive, &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("<title>Error: Import a phone bill"), "{html}");
    assert!(
        html.contains(r##"<a href="#csv">Line 2: line: 07700 900123 is not a registered"##),
        "{html}"
    );
    assert!(html.contains("2 rows of the bill have problems"), "{html}");
    let bad = BILL.replace("0.75", "lots");
    let body = format!("csrf_token={token}&period=2027-04&csv={}", enc(&bad));
    let (status, _, html) = post(&site, &import, &olive, &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("Line 3: cost: &#x27;lots&#x27; is not an amount of money"),
        "{html}"
    );
    assert!(html.contains("nothing was imported"), "{html}");
    let (_, _, html) = post(
        &site,
        &import,
        &olive,
        &format!("csrf_token={token}&period=April&csv=x"),
    )
    .await;
    assert!(html.contains(r##"<a href="#period">"##), "{html}");

    line_and_bill(&site, &olive, &token).await;
    let (_, _, item) = get(&site, &format!("{BASE}/equipment/PHN-1?done=line"), &olive).await;
    assert!(item.contains("07700 900123") && item.contains("The phone line has been registered"));
    let (status, _, list) = get(
        &site,
        &format!("{BASE}/phone-bills?imported=2027-04"),
        &olive,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.contains("The April 2027 bill has been imported"),
        "{list}"
    );
    assert!(list.contains("Flo Hart (M1)"), "{list}");
    let (_, _, csv) = get(&site, &format!("{BASE}/phone-bills?format=csv"), &olive).await;
    assert!(
        csv.starts_with("Bill,Month,Line,Phone,Items,Total,Held by,Statements"),
        "{csv}"
    );
    assert!(
        csv.contains("Bill 1,April 2027,07700 900123,PHN-1,2,£0.75,Flo Hart (M1),0 of 1"),
        "{csv}"
    );
    // Found by the line's number as people write it, or a holder's name; a month filters.
    for (query, found) in [
        ("q=07700+900123", true),
        ("q=flo", true),
        ("q=nobody", false),
        ("month=2027-04", true),
        ("month=2027-05", false),
    ] {
        let (status, _, html) = get(&site, &format!("{BASE}/phone-bills?{query}"), &olive).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert_eq!(html.contains("Flo Hart (M1)"), found, "{query}: {html}");
    }
    let (_, _, sorted) = get(
        &site,
        &format!("{BASE}/phone-bills?sort=imported&dir=desc"),
        &olive,
    )
    .await;
    assert!(sorted.contains("aria-sort=\"descending\""), "{sorted}");
    assert!(
        !sorted.contains("imported_on") && !sorted.contains("BillView"),
        "{sorted}"
    );
    let (status, _, again) = post(
        &site,
        &import,
        &olive,
        &format!("csrf_token={token}&period=2027-04&csv={}", enc(BILL)),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(again.contains("already imported"), "{again}");

    let (status, _, bill) = get(&site, &format!("{BASE}/phone-bills/1"), &olive).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        bill.contains("01632 960002") && bill.contains("Issue statement"),
        "{bill}"
    );

    // An auditor reads the bill but is offered nothing to change.
    let (audrey, audrey_token) = sign_in(&site, "audrey").await;
    let (_, _, bill) = get(&site, &format!("{BASE}/phone-bills/1"), &audrey).await;
    assert!(
        bill.contains("01632 960002") && !bill.contains("Issue statement"),
        "{bill}"
    );
    let body = format!("csrf_token={audrey_token}&person=M1");
    let (status, _, _) = post(
        &site,
        &format!("{BASE}/phone-bills/1/statements"),
        &audrey,
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_holder_marks_a_personal_call_and_the_officer_collects_it() {
    let site = site().await;
    let (olive, token) = sign_in(&site, "olive").await;
    line_and_bill(&site, &olive, &token).await;

    let (flo, flo_token) = sign_in(&site, "flo").await;
    let (status, _, months) = get(&site, &format!("{BASE}/me/phone"), &flo).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        months.contains("clause 7.4, Protocol on the use of ICT by Members"),
        "{months}"
    );
    assert!(
        months.contains(r#"href="/councils/fenwold/me/phone/2027-04">April 2027"#),
        "{months}"
    );
    let month = format!("{BASE}/me/phone/2027-04");
    let (_, _, page) = get(&site, &month, &flo).await;
    assert!(
        page.contains(r#"name="personal" type="checkbox""#),
        "{page}"
    );
    assert!(!page.contains("<script>"), "no inline script");
    let call = page
        .split(r#"name="personal" type="checkbox" value=""#)
        .nth(2)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let (status, to, _) = post(
        &site,
        &month,
        &flo,
        &format!("csrf_token={flo_token}&personal={call}"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = get(&site, &to, &flo).await;
    assert!(
        page.contains("Your marks have been saved: 1 personal item, costing £0.75."),
        "{page}"
    );
    assert!(
        page.contains(&format!(r#"value="{call}" checked"#)),
        "{page}"
    );
    let (status, _, page) = post(
        &site,
        &month,
        &flo,
        &format!("csrf_token={flo_token}&personal=9999"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains(r##"<a href="#calls">"##), "{page}");

    // The statement asks for the marked call under clause 7.4 and closes marking.
    let body = format!("csrf_token={token}&person=M1");
    let (status, to, _) = post(
        &site,
        &format!("{BASE}/phone-bills/1/statements"),
        &olive,
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, format!("{BASE}/phone-statements/1?done=issued"));
    let (_, _, page) = get(&site, &to, &olive).await;
    assert!(
        page.contains("Flo Hart owes £0.75 (clause 7.4, Protocol on the use of ICT by Members)"),
        "{page}"
    );
    let (_, _, page) = get(&site, &month, &flo).await;
    assert!(
        !page.contains(r#"type="checkbox""#) && page.contains("Statement 1"),
        "{page}"
    );

    // Paid in part, never more than is owed, then in full.
    let pay = format!("{BASE}/phone-statements/1/payments");
    let (status, _, page) = post(
        &site,
        &pay,
        &olive,
        &format!("csrf_token={token}&amount=5&paid_on=&reference="),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains(r##"<a href="#amount">£5.00 is more than the £0.75 still owed"##),
        "{page}"
    );
    let (status, _, _) = post(
        &site,
        &pay,
        &olive,
        &format!("csrf_token={token}&amount=0.25&paid_on=20%2F05%2F2027&reference=R1"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, owed) = get(&site, &format!("{BASE}/phone-statements"), &olive).await;
    assert!(owed.contains("£0.50 is still owed"), "{owed}");
    let (_, _, csv) = get(
        &site,
        &format!("{BASE}/phone-statements?format=csv"),
        &olive,
    )
    .await;
    assert!(
        csv.contains(
            "Statement 1,Flo Hart (M1),\"April 2027, PHN-1 (07700 900123)\",£0.75,£0.25,£0.50"
        ),
        "{csv}"
    );
    let (_, _, due) = get(&site, &format!("{BASE}/due"), &olive).await;
    assert!(due.contains("Phone costs owed"), "{due}");
    let (status, _, _) = post(
        &site,
        &pay,
        &olive,
        &format!("csrf_token={token}&amount=0.50&paid_on=&reference="),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, owed) = get(&site, &format!("{BASE}/phone-statements"), &olive).await;
    assert!(owed.contains("No statements"), "{owed}");
    let (_, _, all) = get(&site, &format!("{BASE}/phone-statements?show=all"), &olive).await;
    assert!(all.contains("Statement 1"), "{all}");
}
