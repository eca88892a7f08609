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
use steward_domain::ops::{acceptance, council, equipment, loans, people, policy};
use steward_domain::repo::{NewEquipment, NewPerson};
use steward_domain::{Ctx, Pence, RegisterTx};
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
    let state = AppState::for_tests(store, today, now, found, true);
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
    // The refusal is against the person and leads to its remedy, which comes back here.
    assert!(html.contains(r#"id="person-error""#), "{html}");
    assert!(
        html.contains(
            "paper?person=M1&amp;then=%2Fcouncils%2Ffenwold%2Floans%2Fissue%3Fperson%3DM1%26asset_tag%3DLAP-1%26authorised_by%3D"
        ),
        "{html}"
    );
    assert_eq!(open_loans(&site).await, 0, "a refusal writes nothing");

    // A name works where the reference did, and a name several people share is named back.
    let by_name = format!("csrf_token={token}&person=Flo+Hart&asset_tag=LAP-1");
    let (status, _, html) = post(&site, &format!("{BASE}/loans/issue"), &olive, &by_name).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("Flo Hart has not signed"), "{html}");

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
        html.contains("Enter a name or reference and choose the person"),
        "{html}"
    );

    // The paper form, recorded from the remedy's link, goes back to the issue form as it was.
    let back = "%2Fcouncils%2Ffenwold%2Floans%2Fissue%3Fperson%3DM1%26asset_tag%3DLAP-1";
    let paper = format!("csrf_token={token}&person=M1&signed_on=19%2F03%2F2027&then={back}");
    let (status, to, html) = post(&site, &format!("{BASE}/signatures/paper"), &olive, &paper).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    assert_eq!(to, format!("{BASE}/loans/issue?person=M1&asset_tag=LAP-1"));

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

    // Recording the return first says what it will do; only the confirmation does it.
    let loan = to.trim_end_matches("?done=issued").to_string();
    let (status, _, check) = post(
        &site,
        &format!("{loan}/return"),
        &olive,
        &format!("csrf_token={token}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{check}");
    assert!(
        check.contains("Check before recording the return"),
        "{check}"
    );
    assert!(
        check.contains("The loan of LAP-1 to Flo Hart ends today, 20 March 2027."),
        "{check}"
    );
    assert!(
        check.contains(&format!(r#"href="{}">Change"#, loan.replace('/', "&#x2f;"))),
        "{check}"
    );
    assert_eq!(open_loans(&site).await, 1, "the check writes nothing");
    let (status, _, _) = post(
        &site,
        &format!("{loan}/return"),
        &olive,
        "csrf_token=forged&confirm=yes",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let confirm = crate::tests::answers_body(&check, "confirm");
    let (status, back, _) = post(&site, &format!("{loan}/return"), &olive, &confirm).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(back.ends_with("?done=returned"), "{back}");
    assert_eq!(open_loans(&site).await, 0);

    // Disposal too is checked first, and cannot happen before erasure.
    let state = format!("{BASE}/equipment/LAP-1/state");
    let (status, _, _) = post(
        &site,
        &state,
        &olive,
        &format!("csrf_token={token}&state=erased"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, check) = post(
        &site,
        &state,
        &olive,
        &format!("csrf_token={token}&state=disposed"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{check}");
    assert!(
        check.contains("Check before disposing of equipment"),
        "{check}"
    );
    assert!(check.contains("Disposal cannot be undone."), "{check}");
    assert_eq!(
        lap_state(&site).await,
        EquipmentState::Erased,
        "the check writes nothing"
    );
    let (_, _, again) = get(
        &site,
        &format!("{BASE}/equipment/LAP-1?state=disposed"),
        &olive,
    )
    .await;
    assert!(again.contains(r#"value="disposed" selected"#), "{again}");
    let confirm = crate::tests::answers_body(&check, "confirm");
    let (status, back, _) = post(&site, &state, &olive, &confirm).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(back.ends_with("?done=state"), "{back}");
    assert_eq!(lap_state(&site).await, EquipmentState::Disposed);
}

async fn lap_state(site: &Site) -> EquipmentState {
    let mut tx = site.state.store.read().await.unwrap();
    let c = council::find(&mut tx, &"fenwold".parse().unwrap())
        .await
        .unwrap();
    steward_domain::ops::equipment::find(&mut tx, &c, &"LAP-1".parse().unwrap())
        .await
        .unwrap()
        .state
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

/// Lends LAP-1 to Flo (M1) on 10 March with her paper form, then records that she left
/// office on 18 March, which under this protocol means it is due back that day; also lends
/// TAB-2 to Cy (M2) and records that loan as ended by a loss. Gives the two loans' numbers.
async fn lend_and_lose(site: &Site) -> (i64, i64) {
    let lent = day("2027-03-10");
    let ctx = Ctx::new("test", lent.and_hms_opt(9, 0, 0).unwrap().and_utc(), lent);
    let mut tx = site.state.store.begin().await.unwrap();
    let c = council::find(&mut tx, &"fenwold".parse().unwrap())
        .await
        .unwrap();
    let cy = people::AddPerson {
        person: NewPerson {
            reference: "M2".parse().unwrap(),
            name: "Cy Rowe".into(),
            kind: PersonKind::Councillor,
            email: None,
            household: None,
        },
        term_start: Some(day("2027-01-04")),
        term_end: None,
        offices: Vec::new(),
    };
    people::add(&mut tx, &ctx, &c, cy).await.unwrap();
    let tablet = NewEquipment {
        asset_tag: "TAB-2".parse().unwrap(),
        kind: EquipmentKind::Tablet,
        model: "Air".into(),
        serial: Some("SN-TAB-2".into()),
        purchased_on: Some(lent),
        replacement_cost: Pence(40_000),
        pat_tested_on: Some(lent),
        encrypted: true,
        state: EquipmentState::InStock,
    };
    equipment::add(&mut tx, &ctx, &c, tablet).await.unwrap();
    let mut ids = Vec::new();
    for (person, tag) in [("M1", "LAP-1"), ("M2", "TAB-2")] {
        let paper = acceptance::Signature::Paper {
            signed_on: lent,
            recorded_by: "S1".parse().unwrap(),
        };
        acceptance::sign(&mut tx, &ctx, &c, &person.parse().unwrap(), paper)
            .await
            .unwrap();
        let issued = loans::issue(
            &mut tx,
            &ctx,
            &c,
            &person.parse().unwrap(),
            &tag.parse().unwrap(),
            None,
        )
        .await
        .unwrap();
        ids.push(issued.loan.id);
    }
    let left = day("2027-03-18");
    let ctx = Ctx::new("test", left.and_hms_opt(9, 0, 0).unwrap().and_utc(), left);
    people::leave(
        &mut tx,
        &ctx,
        &c,
        &"M1".parse().unwrap(),
        left,
        steward_policy::TermEndReason::StoodDown,
    )
    .await
    .unwrap();
    let mut lost = tx.loan(c.id, ids[1]).await.unwrap().unwrap();
    lost.returned_on = Some(left);
    lost.ended_as = Some(EquipmentState::Lost);
    tx.update_loan(&lost).await.unwrap();
    let mut gone = tx
        .equipment_by_id(c.id, lost.equipment_id)
        .await
        .unwrap()
        .unwrap();
    gone.state = EquipmentState::Lost;
    tx.update_equipment(&gone).await.unwrap();
    tx.commit().await.unwrap();
    (ids[0], ids[1])
}

#[tokio::test]
async fn the_loans_list_tags_overdue_loans_filters_by_what_is_due_and_names_a_loss() {
    let site = site().await;
    let (laptop, tablet) = lend_and_lose(&site).await;
    let (olive, _) = sign_in(&site, "olive").await;

    // Open loans, newest first: only the laptop, overdue since Flo left office on 18 March.
    let (status, _, html) = get(&site, &format!("{BASE}/loans"), &olive).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!(
            "Loan {laptop}</a> <strong class=\"govuk-tag govuk-tag--red\">Overdue</strong>"
        )),
        "{html}"
    );
    assert!(!html.contains(&format!("Loan {tablet}<")), "{html}");
    assert!(html.contains("Open loans: 1 to 1 of 1"), "{html}");
    let (_, _, overdue) = get(&site, &format!("{BASE}/loans?show=overdue"), &olive).await;
    assert!(overdue.contains(&format!("Loan {laptop}<")), "{overdue}");
    let (_, _, week) = get(&site, &format!("{BASE}/loans?show=due-this-week"), &olive).await;
    assert!(week.contains("No loans."), "{week}");

    // Every loan: the tablet's ended by a loss, never "returned".
    let (_, _, all) = get(&site, &format!("{BASE}/loans?show=all"), &olive).await;
    assert!(all.contains("Lost, recorded 18 March 2027"), "{all}");
    assert!(!all.contains("Returned 18 March"), "{all}");
    // Newest first unless sorted otherwise; the heading sorts the other way.
    let first = all.find(&format!("Loan {tablet}<")).unwrap();
    assert!(
        first < all.find(&format!("Loan {laptop}<")).unwrap(),
        "{all}"
    );
    let (_, _, oldest) = get(
        &site,
        &format!("{BASE}/loans?show=all&sort=number&dir=asc"),
        &olive,
    )
    .await;
    assert!(
        oldest.find(&format!("Loan {laptop}<")).unwrap()
            < oldest.find(&format!("Loan {tablet}<")).unwrap()
    );
    // Found by the borrower's name or the item's serial.
    let (_, _, by_name) = get(&site, &format!("{BASE}/loans?show=all&q=cy+ro"), &olive).await;
    assert!(
        by_name.contains(&format!("Loan {tablet}<"))
            && !by_name.contains(&format!("Loan {laptop}<"))
    );
    let (_, _, by_serial) = get(&site, &format!("{BASE}/loans?show=all&q=sn-tab"), &olive).await;
    assert!(
        by_serial.contains(&format!("Loan {tablet}<")),
        "{by_serial}"
    );
    let (_, _, csv) = get(&site, &format!("{BASE}/loans?show=all&format=csv"), &olive).await;
    assert!(csv.contains("Lost, recorded 18 March 2027"), "{csv}");
    assert_eq!(csv.lines().count(), 3, "{csv}");

    // The loan page and the person's page say it too.
    let (_, _, page) = get(&site, &format!("{BASE}/loans/{tablet}"), &olive).await;
    assert!(
        page.contains("Lost, recorded 18 March 2027") && !page.contains("Returned"),
        "{page}"
    );
    let (_, _, cy) = get(&site, &format!("{BASE}/people/M2"), &olive).await;
    assert!(cy.contains("Lost, recorded 18 March 2027"), "{cy}");
    let (_, _, flo) = get(&site, &format!("{BASE}/people/M1"), &olive).await;
    assert!(flo.contains("Overdue</strong>"), "{flo}");
}

#[tokio::test]
async fn a_recall_never_puts_the_return_date_later_and_forms_follow_the_policy() {
    let site = site().await;
    let (laptop, _) = lend_and_lose(&site).await;
    let (olive, token) = sign_in(&site, "olive").await;
    let url = format!("{BASE}/loans/{laptop}");
    let (_, _, page) = get(&site, &url, &olive).await;
    // The protocol provides for a recall but no extension.
    assert!(page.contains("Recall the loan"), "{page}");
    assert!(!page.contains("Extend the loan"), "{page}");
    assert!(
        page.contains("18 March 2027, set by leaving office (clause 8.3"),
        "{page}"
    );

    // Recalled with the protocol's week of notice: 27 March, later than the 18th, so the
    // 18th stands, and the page says which clause set it.
    let (status, to, _) = post(
        &site,
        &format!("{url}/recall"),
        &olive,
        &format!("csrf_token={token}"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = get(&site, &to, &olive).await;
    assert!(
        page.contains(
            "The loan has been recalled. Return by 18 March 2027, set by leaving office (clause 8.3"
        ),
        "{page}"
    );
    assert!(
        page.contains("Recalled for</dt>") && page.contains("27 March 2027"),
        "{page}"
    );
    assert!(!page.contains("Return by 27 March"), "{page}");
    // Recalled once, there is no second recall to offer, and one sent anyway is refused.
    assert!(!page.contains("Recall the loan"), "{page}");
    let (status, _, again) = post(
        &site,
        &format!("{url}/recall"),
        &olive,
        &format!("csrf_token={token}"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        again.contains("was already recalled, to be back by 27 March 2027"),
        "{again}"
    );
    assert!(
        again.contains(r##"href="#recall_by""##) && again.contains(r#"id="recall_by""#),
        "{again}"
    );
}

#[tokio::test]
async fn equipment_lists_its_holder_and_the_item_page_its_history() {
    let site = site().await;
    let (laptop, _) = lend_and_lose(&site).await;
    let (olive, _) = sign_in(&site, "olive").await;
    let (_, _, list) = get(&site, &format!("{BASE}/equipment"), &olive).await;
    assert!(list.contains("Flo Hart (M1)"), "{list}");
    assert!(
        list.contains("Equipment in the register: 1 to 2 of 2"),
        "{list}"
    );
    let (_, _, issued) = get(&site, &format!("{BASE}/equipment?state=issued"), &olive).await;
    assert!(
        issued.contains("LAP-1") && !issued.contains("TAB-2</a>"),
        "{issued}"
    );
    let (_, _, tablets) = get(&site, &format!("{BASE}/equipment?kind=tablet"), &olive).await;
    assert!(
        tablets.contains("TAB-2</a>") && !tablets.contains("LAP-1</a>"),
        "{tablets}"
    );
    let (_, _, found) = get(&site, &format!("{BASE}/equipment?q=t14"), &olive).await;
    assert!(
        found.contains("LAP-1</a>") && !found.contains("TAB-2</a>"),
        "{found}"
    );
    let (_, _, sorted) = get(
        &site,
        &format!("{BASE}/equipment?sort=tag&dir=desc"),
        &olive,
    )
    .await;
    assert!(sorted.find("TAB-2</a>").unwrap() < sorted.find("LAP-1</a>").unwrap());
    let (_, _, csv) = get(&site, &format!("{BASE}/equipment?format=csv"), &olive).await;
    assert!(
        csv.starts_with("Asset tag,Kind,Model,State,Held by"),
        "{csv}"
    );

    let (_, _, item) = get(&site, &format!("{BASE}/equipment/LAP-1"), &olive).await;
    assert!(item.contains("Flo Hart (M1)</a> on <a"), "{item}");
    assert!(
        item.contains(&format!("loan {laptop}</a> since 10 March 2027")),
        "{item}"
    );
    assert!(
        item.contains("Loans of LAP-1, newest first (1 in all)"),
        "{item}"
    );
    // Its changes of state, from the audit trail, in words and UK time.
    assert!(
        item.contains("09:00, 4 January 2027</span>: Registered as in stock"),
        "{item}"
    );
    assert!(
        item.contains("09:00, 10 March 2027</span>: In stock to issued"),
        "{item}"
    );
    assert!(
        item.contains("None: no software has been authorised on it."),
        "{item}"
    );
    let (_, _, tablet) = get(&site, &format!("{BASE}/equipment/TAB-2"), &olive).await;
    assert!(tablet.contains("Nobody: it is not on loan"), "{tablet}");
    assert!(tablet.contains("Lost, recorded 18 March 2027"), "{tablet}");
}

#[tokio::test]
async fn signatures_list_who_still_needs_to_sign_in_pages() {
    let site = site().await;
    let (olive, _) = sign_in(&site, "olive").await;
    let (_, _, page) = get(&site, &format!("{BASE}/signatures"), &olive).await;
    assert!(page.contains("1 person still needs to sign it."), "{page}");
    assert!(
        page.contains("Flo Hart") && page.contains("Not signed"),
        "{page}"
    );
    let (_, _, outstanding) = get(
        &site,
        &format!("{BASE}/signatures?show=outstanding"),
        &olive,
    )
    .await;
    assert!(
        outstanding.contains("People who still need to sign: 1 to 1 of 1"),
        "{outstanding}"
    );
    lend_and_lose(&site).await;
    // Flo signed, then left office; Cy signed: nobody the protocol covers is waiting.
    let (_, _, after) = get(
        &site,
        &format!("{BASE}/signatures?show=outstanding"),
        &olive,
    )
    .await;
    assert!(
        after.contains("Everyone who must sign it has signed."),
        "{after}"
    );
    assert!(after.contains("No people."), "{after}");
    let (_, _, everyone) = get(&site, &format!("{BASE}/signatures?q=cy"), &olive).await;
    assert!(
        everyone.contains("Cy Rowe") && everyone.contains("Signed"),
        "{everyone}"
    );
    assert!(!everyone.contains("Flo Hart"), "{everyone}");
}

fn multipart(fields: &[(&str, Option<&str>, &str)]) -> (String, String) {
    let boundary = "----stewardtestboundary".to_string();
    let mut body = String::new();
    for (name, file_name, value) in fields {
        body.push_str(&format!("--{boundary}\r\n"));
        match file_name {
            Some(f) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/csv\r\n\r\n"
            )),
            None => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
            )),
        }
        body.push_str(value);
        body.push_str("\r\n");
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_multipart(
    site: &Site,
    uri: &str,
    cookie: &str,
    fields: &[(&str, Option<&str>, &str)],
) -> (StatusCode, String, String) {
    let (content_type, body) = multipart(fields);
    let req = Request::post(uri)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    send(site, req).await
}

/// The value of the hidden field `name` in a page.
fn hidden(html: &str, name: &str) -> String {
    html.split(&format!(r#"name="{name}" value=""#))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no {name} field in {html}"))
        .to_string()
}

async fn person_named(site: &Site, reference: &str) -> Option<String> {
    let mut tx = site.state.store.read().await.unwrap();
    let c = council::find(&mut tx, &"fenwold".parse().unwrap())
        .await
        .unwrap();
    tx.person_by_ref(c.id, &reference.parse().unwrap())
        .await
        .unwrap()
        .map(|p| p.name)
}

#[tokio::test]
async fn a_file_is_previewed_then_imported_only_as_it_was_previewed() {
    let site = site().await;
    let (olive, token) = sign_in(&site, "olive").await;
    let uri = format!("{BASE}/people/import");
    let (status, _, html) = get(&site, &uri, &olive).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("up to 5 MB with up to 20,000 rows"), "{html}");
    let csv = "reference,name,kind\nM7,Eve Sands,councillor\nM8,Fay Long,employee\n";

    // Without the form's token nothing is read.
    let (status, _, _) =
        post_multipart(&site, &uri, &olive, &[("file", Some("new.csv"), csv)]).await;
    assert_ne!(status, StatusCode::OK);

    // A bad row is named by line and column in words, and nothing is imported.
    let bad = csv.replace("employee", "wizard");
    let (status, _, html) = post_multipart(
        &site,
        &uri,
        &olive,
        &[
            ("csrf_token", None, &token),
            ("file", Some("new.csv"), &bad),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Line 3</th>"), "{html}");
    assert!(
        html.contains("<td class=\"govuk-table__cell\">Kind</td>"),
        "{html}"
    );
    assert_eq!(person_named(&site, "M7").await, None);

    // A good file is previewed, row by row, and nothing is imported yet.
    let (status, _, html) = post_multipart(
        &site,
        &uri,
        &olive,
        &[("csrf_token", None, &token), ("file", Some("new.csv"), csv)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("2 people will be added"), "{html}");
    assert!(html.contains("Fay Long"), "{html}");
    assert_eq!(person_named(&site, "M7").await, None);
    let (data, digest) = (hidden(&html, "data"), hidden(&html, "digest"));

    // A file changed after its preview is refused.
    let (status, _, html) = post_multipart(
        &site,
        &uri,
        &olive,
        &[
            ("csrf_token", None, &token),
            ("file_name", None, "new.csv"),
            ("data", None, &data),
            ("digest", None, &"0".repeat(64)),
            ("confirm", None, "yes"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("changed after its preview"), "{html}");
    assert_eq!(person_named(&site, "M7").await, None);

    // An auditor cannot import it.
    let (audrey, audrey_token) = sign_in(&site, "audrey").await;
    let (status, _, _) = post_multipart(
        &site,
        &uri,
        &audrey,
        &[
            ("csrf_token", None, &audrey_token),
            ("file", Some("new.csv"), csv),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Confirmed as previewed, every row is imported.
    let (status, _, html) = post_multipart(
        &site,
        &uri,
        &olive,
        &[
            ("csrf_token", None, &token),
            ("file_name", None, "new.csv"),
            ("data", None, &data),
            ("digest", None, &digest),
            ("confirm", None, "yes"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("2 people imported from new.csv"), "{html}");
    assert_eq!(person_named(&site, "M8").await.as_deref(), Some("Fay Long"));
}

#[tokio::test]
async fn a_person_is_corrected_from_their_page_and_given_a_term() {
    let site = site().await;
    let (olive, token) = sign_in(&site, "olive").await;
    let (_, _, page) = get(&site, &format!("{BASE}/people/M1"), &olive).await;
    assert!(
        page.contains(&format!("{BASE}/people/M1/edit#email")),
        "{page}"
    );

    let uri = format!("{BASE}/people/M1/edit");
    let form = format!("csrf_token={token}&name=Flo+Hartley&email=flo&kind=councillor&household=");
    let (status, _, html) = post(&site, &uri, &olive, &form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("href=\"#email\""), "{html}");
    assert_eq!(person_named(&site, "M1").await.as_deref(), Some("Flo Hart"));
    let form = format!(
        "csrf_token={token}&name=Flo+Hartley&email=flo%40fenwold.gov.uk&kind=councillor&household="
    );
    let (status, to, _) = post(&site, &uri, &olive, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, format!("{BASE}/people/M1?done=changed"));
    assert_eq!(
        person_named(&site, "M1").await.as_deref(),
        Some("Flo Hartley")
    );

    // Auditors read the form but cannot post it.
    let (audrey, audrey_token) = sign_in(&site, "audrey").await;
    let (status, _, _) = get(&site, &uri, &audrey).await;
    assert_eq!(status, StatusCode::OK);
    let form = format!("csrf_token={audrey_token}&name=X&email=&kind=councillor&household=");
    let (status, _, _) = post(&site, &uri, &audrey, &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A term overlapping the one running is refused against its start.
    let uri = format!("{BASE}/people/M1/terms/new");
    let (status, _, html) = post(
        &site,
        &uri,
        &olive,
        &format!("csrf_token={token}&starts=01%2F02%2F2027&ends="),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("href=\"#starts\""), "{html}");
}

#[tokio::test]
async fn a_long_preview_pages_its_rows() {
    let site = site().await;
    let (olive, token) = sign_in(&site, "olive").await;
    let uri = format!("{BASE}/equipment/import");
    let mut csv = String::from("asset_tag,kind,model,replacement_cost\n");
    for i in 1..=60 {
        csv.push_str(&format!("TAB-{i:03},tablet,Apad,400.00\n"));
    }
    let (status, _, html) = post_multipart(
        &site,
        &uri,
        &olive,
        &[
            ("csrf_token", None, &token),
            ("file", Some("tablets.csv"), &csv),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("60 items will be added"), "{html}");
    assert!(html.contains("Rows 1 to 50 are shown"), "{html}");
    assert!(
        html.contains("TAB-050") && !html.contains("TAB-051"),
        "{html}"
    );
    let (data, digest) = (hidden(&html, "data"), hidden(&html, "digest"));
    let (status, _, html) = post_multipart(
        &site,
        &uri,
        &olive,
        &[
            ("csrf_token", None, &token),
            ("file_name", None, "tablets.csv"),
            ("data", None, &data),
            ("digest", None, &digest),
            ("page", None, "1"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Rows 51 to 60 are shown"), "{html}");
    assert!(
        html.contains("TAB-060") && !html.contains("TAB-050<"),
        "{html}"
    );
    assert!(html.contains("Previous rows"), "{html}");
}

#[tokio::test]
async fn a_person_without_a_term_is_given_one_from_the_refusal_and_the_issue_form_comes_back() {
    let site = site().await;
    let (olive, token) = sign_in(&site, "olive").await;
    let add = format!(
        "csrf_token={token}&reference=M40&name=Nell+Quarry&kind=councillor&household=&email=&term_start="
    );
    let (status, _, html) = post(&site, &format!("{BASE}/people/new"), &olive, &add).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");

    let issue = format!("csrf_token={token}&person=Nell+Quarry&asset_tag=LAP-1");
    let (status, _, html) = post(&site, &format!("{BASE}/loans/issue"), &olive, &issue).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(
        html.contains("Nell Quarry has no current term of office (clause "),
        "{html}"
    );
    assert!(
        html.contains("Add a term of office for Nell Quarry"),
        "{html}"
    );
    assert!(
        html.contains("M40&#x2f;terms&#x2f;new?then=%2Fcouncils"),
        "{html}"
    );

    let back = "%2Fcouncils%2Ffenwold%2Floans%2Fissue%3Fperson%3DNell%2BQuarry%26asset_tag%3DLAP-1";
    let (status, _, html) = get(
        &site,
        &format!("{BASE}/people/M40/terms/new?then={back}"),
        &olive,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"name="then""#), "{html}");
    let term = format!("csrf_token={token}&starts=04%2F01%2F2027&ends=&then={back}");
    let (status, to, html) = post(
        &site,
        &format!("{BASE}/people/M40/terms/new"),
        &olive,
        &term,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    assert_eq!(
        to,
        format!("{BASE}/loans/issue?person=Nell+Quarry&asset_tag=LAP-1")
    );

    // Back at the form, the term no longer stands in the way.
    let (_, _, html) = post(&site, &format!("{BASE}/loans/issue"), &olive, &issue).await;
    assert!(!html.contains("has no current term of office"), "{html}");
}

/// A word a person would not write: `snake_case`, or braces and brackets of data formats.
fn internal_word(text: &str) -> Option<&str> {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == '"')
        .find(|w| {
            let snake = w.contains('_')
                && !w.contains('@')
                && w.split('_')
                    .all(|part| part.chars().all(|c| c.is_ascii_lowercase()));
            snake || w.starts_with('{') || w.starts_with("[[")
        })
}

#[tokio::test]
async fn every_csv_download_is_headed_and_filled_with_words() {
    assert_eq!(internal_word("Tag,asset_tag"), Some("asset_tag"));
    assert_eq!(internal_word("Kind,{\"kind\":1}"), Some("{"));
    assert_eq!(
        internal_word("jo_smith@fenwold.gov.uk,LAP-1,Not signed"),
        None
    );
    let site = site().await;
    let (olive, token) = sign_in(&site, "olive").await;
    // A loan and a request, so that the downloads have rows as well as headings.
    let paper = format!("csrf_token={token}&person=M1&signed_on=19%2F03%2F2027");
    post(&site, &format!("{BASE}/signatures/paper"), &olive, &paper).await;
    let issue = format!("csrf_token={token}&person=M1&asset_tag=LAP-1");
    let (status, _, html) = post(&site, &format!("{BASE}/loans/issue"), &olive, &issue).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    let (audrey, _) = sign_in(&site, "audrey").await;
    let downloads = [
        "people?format=csv",
        "equipment?format=csv",
        "loans?show=all&format=csv",
        "signatures?format=csv",
        "requests?format=csv",
        "cases?format=csv",
        "notifications?format=csv",
        "information-requests?format=csv",
        "phone-bills?format=csv",
        "due?format=csv",
        "reports/overdue/csv",
        "reports/signatures/csv",
        "reports/refresh/csv",
        "reports/requests/csv",
        "reports/equipment/csv",
    ];
    for path in downloads {
        let (status, _, csv) = get(&site, &format!("{BASE}/{path}"), &audrey).await;
        assert_eq!(status, StatusCode::OK, "{path}: {csv}");
        let mut lines = csv.lines();
        let heading = lines.next().unwrap_or_default();
        assert!(!heading.is_empty(), "{path} has a heading row");
        assert_eq!(internal_word(heading), None, "{path}: {heading}");
        for line in lines {
            assert_eq!(internal_word(line), None, "{path}: {line}");
        }
    }
}

#[tokio::test]
async fn a_name_that_reverses_the_text_after_it_is_refused_by_the_form() {
    let site = site().await;
    let (olive, token) = sign_in(&site, "olive").await;
    let uri = format!("{BASE}/people/M1/edit");
    // "Flo " then U+202E RIGHT-TO-LEFT OVERRIDE, which would show "yeltraH" as "Hartley".
    let form =
        format!("csrf_token={token}&name=Flo+%E2%80%AEyeltraH&email=&kind=councillor&household=");
    let (status, _, html) = post(&site, &uri, &olive, &form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("href=\"#name\""), "{html}");
    assert!(html.contains("U+202E"), "{html}");
    assert_eq!(person_named(&site, "M1").await.as_deref(), Some("Flo Hart"));
}

mod mail_upload;
mod posture_upload;
