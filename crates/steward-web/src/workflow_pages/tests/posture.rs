//! An item's page shows its device compliance by duty, with the clauses of the borough's
//! protocol, once a device management tool has reported on it.

use super::*;
use steward_domain::ops::posture;
use steward_domain::posture::parse::{Format, parse_native};

#[tokio::test]
async fn an_items_page_shows_its_compliance_by_duty_with_the_clause() {
    let site = site().await;
    let c = site.council().await;
    let rows = parse_native(
        "checks.csv",
        b"device,check,result,observed_at,source,detail\n\
          LAP-1,antivirus,fail,2027-03-19T17:30:00Z,council script,real-time protection off\n\
          LAP-1,screen_lock,pass,2027-03-19T17:30:00Z,council script,\n\
          LAP-1,software,pass,2027-03-19T17:30:00Z,council script,Steam\n",
    )
    .unwrap();
    let ctx = Ctx::new(
        "test",
        day("2027-03-20").and_hms_opt(9, 0, 0).unwrap().and_utc(),
        day("2027-03-20"),
    );
    let mut tx = site.state.store.begin().await.unwrap();
    posture::import(
        &mut tx,
        &ctx,
        &c,
        "checks.csv",
        Format::Steward,
        rows,
        |_| {},
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let (cookie, _) = sign_in(&site, "olive").await;
    let (status, _, html) = get(&site, &format!("{BASE}/equipment/LAP-1"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let section = html
        .split(r#"id="compliance""#)
        .nth(1)
        .expect("a device compliance section");
    let section = section.split("</ul>").next().unwrap();
    // 17:30 UTC on 19 March is 5:30pm in London (no summer time yet).
    assert!(section.contains("5:30pm on 19 March 2027"), "{section}");
    assert!(section.contains("Antivirus on and updating"), "{section}");
    assert!(section.contains(">Failed<"), "{section}");
    assert!(section.contains("clause 3.3.1"), "{section}");
    assert!(section.contains("Screen lock"), "{section}");
    assert!(section.contains("Passed"), "{section}");
    assert!(
        section.contains("Steam is installed without the council&#x27;s authorisation")
            || section.contains("Steam is installed without the council's authorisation"),
        "{section}"
    );
    assert!(section.contains("clause 3.2.3"), "{section}");
    assert!(
        !section.contains("antivirus"),
        "no internal words: {section}"
    );

    let (_, _, html) = get(&site, &format!("{BASE}/equipment/TAB-1"), &cookie).await;
    assert!(
        html.contains("No device management tool has reported on it."),
        "{html}"
    );

    // The register-wide page lists the reported item with what to act on.
    let (status, _, html) = get(&site, &format!("{BASE}/compliance"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        title(&html).split(" - ").next(),
        Some("Device compliance"),
        "{}",
        title(&html)
    );
    assert!(html.contains("/equipment/LAP-1#compliance"), "{html}");
    assert!(html.contains("clause 3.3.1"), "{html}");
    assert!(!html.contains("TAB-1"), "only reported items: {html}");

    let (member, _) = sign_in(&site, "flo").await;
    let (status, _, _) = get(&site, &format!("{BASE}/compliance"), &member).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
