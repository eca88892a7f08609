//! Who the web filter would recognise on a day, listed and paged in SQL: the holder of an
//! item on a day is its latest loan issued on or before the day and not returned by it, on
//! the backend STEWARD_TEST_BACKEND selects.

use super::workflow::{Town, ctx, day, town};
use steward_domain::RegisterTx;
use steward_domain::listing::{ListQuery, Window};
use steward_domain::network::NetworkTx;
use steward_domain::ops::network::identities::{IdentityLine, IdentityQuery};
use steward_domain::repo::NewLoan;
use steward_policy::PersonKind;

/// Lends `tag` to `person` from `issued`, back on `returned` when given.
async fn lend(t: &Town, tag: &str, person: &str, issued: &str, returned: Option<&str>) {
    let mut tx = t.store.begin().await.unwrap();
    let id = t.council.id;
    let item = tx
        .equipment_by_tag(id, &tag.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let who = tx
        .person_by_ref(id, &person.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let version = tx
        .pack_version_in_force(id, day("2027-01-12"))
        .await
        .unwrap()
        .unwrap();
    let loan = tx
        .insert_loan(
            id,
            &NewLoan {
                equipment_id: item.id,
                person_id: who.id,
                issued_on: day(issued),
                due_on: None,
                due_clause: None,
                pack_version_id: version.id,
            },
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    if let Some(back) = returned {
        sqlx::query("UPDATE loans SET returned_on = $1 WHERE council_id = $2 AND id = $3")
            .bind(back.to_string())
            .bind(id)
            .bind(loan.id)
            .execute(t.store.pool())
            .await
            .unwrap();
    }
}

/// Each line as reference, user names and "TAG=addresses" per device.
fn lines(items: &[IdentityLine]) -> Vec<(String, Vec<String>, Vec<String>)> {
    items
        .iter()
        .map(|l| {
            let devices = l
                .devices
                .iter()
                .map(|d| {
                    let a: Vec<String> = d.addresses.iter().map(ToString::to_string).collect();
                    format!("{}={}", d.asset_tag, a.join(","))
                })
                .collect();
            (l.reference.to_string(), l.usernames.clone(), devices)
        })
        .collect()
}

fn line(reference: &str, users: &[&str], devices: &[&str]) -> (String, Vec<String>, Vec<String>) {
    let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
    (reference.to_string(), own(users), own(devices))
}

#[tokio::test]
async fn the_list_holds_whoever_the_filter_knows_on_the_day_by_reference() {
    let none: &[&str] = &[];
    let people: Vec<(&str, &str, PersonKind, &[&str])> = vec![
        ("P1", "Ada Quill", PersonKind::Employee, none),
        ("P2", "Ben Roe", PersonKind::Employee, none),
        ("P3", "Cy Rowe", PersonKind::Employee, none),
        ("P4", "Di Voss", PersonKind::Employee, none),
    ];
    let t = town("town-it-policy", &people).await;
    let id = t.council.id;
    let c = ctx("2027-01-02");
    let mut tx = t.store.begin().await.unwrap();
    let p1 = tx
        .person_by_ref(id, &"P1".parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    tx.insert_proxy_user(id, p1.id, "p1.proxy", c.today)
        .await
        .unwrap();
    for (tag, addresses) in [
        ("LAP-1", &["10.0.0.1"][..]),
        ("LAP-2", &["10.0.0.21", "10.0.0.9"][..]),
        ("LAP-3", &["10.0.0.3"][..]),
    ] {
        let item = tx
            .equipment_by_tag(id, &tag.parse().unwrap())
            .await
            .unwrap()
            .unwrap();
        for a in addresses {
            tx.insert_equipment_address(id, item.id, a.parse().unwrap(), c.today)
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();
    // LAP-1 passes from P2 to P3 on the 6th; LAP-2 goes to P3 on the 9th; LAP-3 is P1's from
    // the 2nd, recorded back only on the 12th, but lent to P4 on the 8th: the later loan wins.
    // TAB-1 has no address, so P2 holding it is no identity.
    lend(&t, "LAP-1", "P2", "2027-01-01", Some("2027-01-06")).await;
    lend(&t, "LAP-1", "P3", "2027-01-06", None).await;
    lend(&t, "LAP-2", "P3", "2027-01-09", None).await;
    lend(&t, "LAP-3", "P1", "2027-01-02", Some("2027-01-12")).await;
    lend(&t, "LAP-3", "P4", "2027-01-08", None).await;
    lend(&t, "TAB-1", "P2", "2027-01-07", None).await;

    let mut tx = t.store.read().await.unwrap();
    let everyone = IdentityQuery::default();
    let on_10th = tx
        .list_web_identities(id, &everyone, day("2027-01-10"))
        .await
        .unwrap();
    assert_eq!(
        lines(&on_10th.items),
        vec![
            line("P1", &["p1.proxy"], &[]),
            line("P3", &[], &["LAP-1=10.0.0.1", "LAP-2=10.0.0.9,10.0.0.21"]),
            line("P4", &[], &["LAP-3=10.0.0.3"]),
        ]
    );
    let on_5th = tx
        .list_web_identities(id, &everyone, day("2027-01-05"))
        .await
        .unwrap();
    assert_eq!(
        lines(&on_5th.items),
        vec![
            line("P1", &["p1.proxy"], &["LAP-3=10.0.0.3"]),
            line("P2", &[], &["LAP-1=10.0.0.1"]),
        ]
    );
    // A page at a time: each person once, in order.
    let mut query: IdentityQuery = ListQuery {
        window: Window::first(1),
        ..ListQuery::default()
    };
    let mut walked = Vec::new();
    loop {
        let page = tx
            .list_web_identities(id, &query, day("2027-01-10"))
            .await
            .unwrap();
        assert_eq!(page.total.value(), 3);
        walked.extend(page.items.iter().map(|l| l.reference.to_string()));
        match page.next {
            Some(next) => query.continue_from(next),
            None => break,
        }
    }
    assert_eq!(walked, ["P1", "P3", "P4"]);
}
