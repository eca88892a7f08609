//! The start page: readers land on it, each figure matches the register counted another way,
//! and each links to the list it counts; members land on their own equipment instead.

use super::*;
use steward_domain::Person;
use steward_domain::ops::cases::{Concern, Raiser};
use steward_domain::ops::outbox::{self as send, SendFailure};
use steward_domain::ops::{cases, sweep};
use steward_domain::outbox::{MessageFilter, MessageState};
use steward_domain::workflow::{CaseState, WorkflowTx};
use steward_policy::TermEndReason;

/// The figure the start page links to `href`, or None when there is no such link.
fn figure(html: &str, href: &str) -> Option<String> {
    let escaped = href.replace('&', "&amp;").replace('/', "&#x2f;");
    let marker = format!(r#"steward-cards__figure" href="{escaped}">"#);
    let after = html.split(&marker).nth(1)?;
    Some(after.split('<').next()?.to_string())
}

fn count(html: &str, href: &str) -> u64 {
    let text = figure(html, href).unwrap_or_else(|| panic!("no link to {href}: {html}"));
    text.parse()
        .unwrap_or_else(|_| panic!("{href} shows {text:?}"))
}

/// Gives the register something to count: an overdue item (Bo left office), one due back this
/// week (LAP-1 recalled), a councillor who has not signed, a failed email to her, a lost
/// tablet reported to Member Services, a fault sent to the help desk and an open case.
async fn busy(site: &Site) {
    let c = site.council().await;
    let today = day("2027-03-20");
    let now = today.and_hms_opt(10, 0, 0).unwrap().and_utc();
    let ctx = Ctx::new("test", now, today);
    let mut tx = site.state.store.begin().await.unwrap();
    people::leave(
        &mut tx,
        &ctx,
        &c,
        &"M2".parse().unwrap(),
        day("2027-03-10"),
        TermEndReason::StoodDown,
    )
    .await
    .unwrap();
    let earlier = Ctx::new("test", now, day("2027-03-18"));
    let lap_id = lap_loan(&mut tx, &c).await.unwrap();
    loans::recall(&mut tx, &earlier, &c, lap_id, &"S1".parse().unwrap(), None)
        .await
        .unwrap();
    let req = people::AddPerson {
        person: NewPerson {
            reference: "M3".parse().unwrap(),
            name: "Cy Moss".into(),
            kind: PersonKind::Councillor,
            email: Some("cy@example.org".into()),
            household: None,
        },
        term_start: Some(day("2027-03-01")),
        term_end: None,
        offices: Vec::new(),
    };
    people::add(&mut tx, &ctx, &c, req).await.unwrap();
    sweep::run(&mut tx, &ctx, &c).await.unwrap();
    let claimed = send::claim_next(&mut tx, &ctx, &c).await.unwrap().unwrap();
    let refused = SendFailure {
        permanent: true,
        reason: "mailbox unavailable".into(),
    };
    send::record_failure(&mut tx, &ctx, &claimed, &refused)
        .await
        .unwrap()
        .unwrap();
    let concern = Concern {
        subject: None,
        summary: "Shared passwords".into(),
        details: String::new(),
    };
    cases::raise(&mut tx, &ctx, &c, Raiser::Anonymous, concern)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let (olive, token) = sign_in(site, "olive").await;
    let body =
        format!("csrf_token={token}&kind=fault&person=M1&equipment=LAP-1&summary=Screen+cracked");
    let (status, _, html) = post(site, &format!("{BASE}/requests/new"), &olive, &body).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let (flo, flo_token) = sign_in(site, "flo").await;
    let lost = format!(
        "csrf_token={flo_token}&kind=lost_or_stolen&equipment=TAB-1&stolen=lost&noticed_on={}\
         &place=Train&summary=Gone",
        enc("19/03/2027")
    );
    let (status, _, html) = post(site, &format!("{BASE}/me/requests/new"), &flo, &lost).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
}

/// The open loan of LAP-1.
async fn lap_loan(tx: &mut steward_store::StoreTx, c: &Council) -> Option<i64> {
    let item = tx
        .equipment_by_tag(c.id, &"LAP-1".parse().unwrap())
        .await
        .unwrap()?;
    tx.open_loan_of_equipment(c.id, item.id)
        .await
        .unwrap()
        .map(|l| l.id)
}

/// The register's own answers, counted record by record rather than by the start page's
/// queries: (overdue, due this week, signatures outstanding, requests open for `offices` (all
/// when None), late among them, assigned to `person`, cases open for `offices`, failed).
async fn expected(site: &Site, offices: Option<&[&str]>, person: Option<&str>) -> [u64; 8] {
    let c = site.council().await;
    let today = day("2027-03-20");
    let now = (site.state.now)();
    let mut tx = site.state.store.read().await.unwrap();
    let open = loans::list(&mut tx, &c, true, today).await.unwrap();
    let dates: Vec<NaiveDate> = open
        .iter()
        .filter_map(|v| v.return_by.as_ref())
        .map(|d| d.date)
        .collect();
    let week_end = day("2027-03-26");
    let unsigned = acceptance::register(&mut tx, &c, today)
        .await
        .unwrap()
        .iter()
        .filter(|p| !p.status.is_satisfied())
        .count();
    let holds = |office: &OfficeId| offices.is_none_or(|o| o.contains(&office.as_str()));
    let requests: Vec<_> = tx
        .requests(c.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| !r.state.is_closed() && holds(&r.handler))
        .collect();
    let me: Option<Person> = match person {
        Some(r) => tx.person_by_ref(c.id, &r.parse().unwrap()).await.unwrap(),
        None => None,
    };
    let assigned = tx
        .requests(c.id)
        .await
        .unwrap()
        .iter()
        .filter(|r| {
            !r.state.is_closed() && me.as_ref().is_some_and(|p| r.assignee_id == Some(p.id))
        })
        .count();
    let cases = tx
        .cases(c.id)
        .await
        .unwrap()
        .iter()
        .filter(|k| k.state != CaseState::Closed)
        .filter(|k| {
            offices.is_none()
                || k.handlers.iter().any(holds)
                || k.escalated_to.as_ref().is_some_and(holds)
        })
        .count();
    let failed = send::list(
        &mut tx,
        &c,
        &MessageFilter {
            states: vec![MessageState::Failed],
            ..MessageFilter::default()
        },
    )
    .await
    .unwrap()
    .len();
    let n = |x: usize| x as u64;
    [
        n(dates.iter().filter(|d| **d < today).count()),
        n(dates
            .iter()
            .filter(|d| **d >= today && **d <= week_end)
            .count()),
        n(unsigned),
        n(requests.len()),
        n(requests.iter().filter(|r| r.is_late(now)).count()),
        n(assigned),
        n(cases),
        n(failed),
    ]
}

fn shown(html: &str, assigned: bool) -> [u64; 8] {
    let at = |rest: &str| count(html, &format!("{BASE}{rest}"));
    [
        at("/loans?show=overdue"),
        at("/loans?show=due-this-week"),
        at("/signatures?show=outstanding"),
        at("/requests"),
        at("/requests?late=yes"),
        if assigned {
            at("/requests?assigned=me")
        } else {
            0
        },
        at("/cases"),
        at("/notifications?state=failed"),
    ]
}

#[tokio::test]
async fn readers_land_on_counts_that_match_the_register_and_link_to_their_lists() {
    let site = site().await;
    busy(&site).await;
    // The tablet was reported lost at 10:00 on a Saturday, so its four working hours end at
    // 13:00 on Monday; at 15:00 on Monday it is late, and Olive takes it up.
    site.later(53 * 60);
    let (olive, token) = sign_in(&site, "olive").await;
    let (_, _, list) = get(&site, &format!("{BASE}/requests?late=yes"), &olive).await;
    let late_id = list
        .split(&format!("{BASE}/requests/").replace('/', "&#x2f;"))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let (status, _, _) = post(
        &site,
        &format!("{BASE}/requests/{late_id}/assign"),
        &olive,
        &format!("csrf_token={token}"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let olive_offices = ["member_services", "legal_and_democratic_services_manager"];
    let (status, _, html) = get(&site, &format!("{BASE}/start"), &olive).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(title(&html), "Today&#x27;s work - Fenwold - Steward");
    let want = expected(&site, Some(&olive_offices), Some("S1")).await;
    assert_eq!(shown(&html, true), want, "{html}");
    // Each figure is there to be seen, not a zero that would match anything.
    assert_eq!(want, [1, 1, 1, want[3], 1, 1, 1, 1]);
    assert!(want[3] >= 1, "{want:?}");
    assert!(html.contains("Open for your offices"), "{html}");
    assert!(!html.contains("You can read these lists"), "{html}");
    let review = figure(&html, &format!("{BASE}/policy")).unwrap();
    assert!(review.starts_with("Due "), "{review}");

    // The help desk's officer counts the help desk's queue and no case.
    let (hal, _) = sign_in(&site, "hal").await;
    let (_, _, html) = get(&site, &format!("{BASE}/start"), &hal).await;
    let want = expected(&site, Some(&["service_desk"]), Some("S2")).await;
    assert_eq!(shown(&html, true), want, "{html}");
    assert_eq!((want[3], want[5], want[6]), (1, 0, 0));

    // The auditor sees every request and case, read-only, and has no queue of her own.
    let (audrey, _) = sign_in(&site, "audrey").await;
    let (status, _, html) = get(&site, &format!("{BASE}/start"), &audrey).await;
    assert_eq!(status, StatusCode::OK);
    let want = expected(&site, None, None).await;
    assert_eq!(shown(&html, false), want, "{html}");
    assert_eq!(figure(&html, &format!("{BASE}/requests?assigned=me")), None);
    assert!(
        html.contains("You can read these lists but not change them."),
        "{html}"
    );

    // A member may not see it.
    let (flo, _) = sign_in(&site, "flo").await;
    let (status, _, _) = get(&site, &format!("{BASE}/start"), &flo).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn officers_land_on_the_start_page_and_members_on_their_equipment() {
    let site = site().await;
    for (username, lands) in [("olive", "/start"), ("audrey", "/start"), ("flo", "/me")] {
        let uri = format!("{BASE}/sign-in");
        let (_, form_cookie, html) = get(&site, &uri, "").await;
        let form = format!(
            "csrf_token={}&username={username}&password={}",
            csrf(&html),
            enc(PASSWORD)
        );
        let (status, to, _) = post(&site, &uri, &form_cookie, &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{username}");
        assert_eq!(to, format!("{BASE}{lands}"), "{username}");
    }
    // The first link of an officer's navigation is the start page.
    let (olive, _) = sign_in(&site, "olive").await;
    let (_, _, html) = get(&site, &format!("{BASE}/due"), &olive).await;
    let nav = html.split(r#"id="navigation">"#).nth(1).unwrap();
    let first = nav.split("href=\"").nth(1).unwrap();
    // The template escapes a slash it writes out as `&#x2f;`, which a browser reads as `/`.
    assert!(
        first
            .replace("&#x2f;", "/")
            .starts_with(&format!("{BASE}/start\"")),
        "{nav}"
    );
}
