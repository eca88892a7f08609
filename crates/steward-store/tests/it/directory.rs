//! A directory sync against the register: joiners, movers and leavers through the domain's
//! commands, with entries as a source hands them over, on the backend STEWARD_TEST_BACKEND
//! selects.

use super::workflow::{ctx, town};
use std::collections::{BTreeMap, BTreeSet};
use steward_domain::RegisterTx;
use steward_domain::directory::settings::{
    Attributes, DirectorySettings, GroupMapping, SourceSettings,
};
use steward_domain::directory::{DirectoryTx, RawEntry, apply};
use steward_domain::ops::people;
use steward_policy::{PersonKind, TermEndReason};

fn settings() -> DirectorySettings {
    DirectorySettings {
        source: SourceSettings::Ldap {
            url: "ldap://127.0.0.1:1".into(),
            base_dn: "dc=test".into(),
            bind_dn: None,
            password: None,
            filter: "(objectClass=person)".into(),
        },
        attributes: Attributes::ldap_defaults(),
        default_kind: None,
        groups: [
            "cn=members=councillor",
            "cn=mayor=office:mayor",
            "cn=staff=employee",
            "cn=clerks=office:town_clerk",
        ]
        .iter()
        .map(|g| g.parse::<GroupMapping>().unwrap())
        .collect(),
        scheduled: true,
    }
}

fn entry(id: &str, reference: &str, name: &str, groups: &[&str]) -> RawEntry {
    let mut attributes = BTreeMap::new();
    for (k, v) in [
        ("entryuuid", id.to_string()),
        ("employeenumber", reference.to_string()),
        ("displayname", name.to_string()),
        ("mail", format!("{}@test.example", reference.to_lowercase())),
    ] {
        attributes.insert(k.to_string(), vec![v]);
    }
    RawEntry {
        locator: format!("uid={id}"),
        attributes,
        groups: groups
            .iter()
            .map(|g| g.to_string())
            .collect::<BTreeSet<_>>(),
    }
}

#[tokio::test]
async fn a_sync_adds_changes_and_ends_terms_and_a_dropped_preview_changes_nothing() {
    // S0009 was added by hand: no directory entry, so the sync never touches them.
    let t = town(
        "town-it-policy",
        &[("S0009", "Hand Added", PersonKind::Employee, &[])],
    )
    .await;
    let s = settings();
    let mut tx = t.store.begin().await.unwrap();
    apply::save_settings(&mut tx, &ctx("2027-01-04"), &t.council, &s)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let first = vec![
        entry("a", "M0001", "Ada Pryce", &["cn=members", "cn=mayor"]),
        entry("b", "S0002", "Bo Hale", &["cn=staff", "cn=clerks"]),
        entry("c", "S0003", "Cy Lund", &["cn=staff"]),
        entry("d", "X0004", "Dan Outside", &["cn=other"]),
        entry("e", "bad ref", "Eve", &["cn=staff"]),
    ];
    // A preview: the same sync, dropped.
    let mut tx = t.store.begin().await.unwrap();
    let preview = apply::sync(&mut tx, &ctx("2027-02-01"), &t.council, &s, &first)
        .await
        .unwrap();
    drop(tx);
    assert_eq!(preview.joiners.len(), 3);
    assert_eq!(preview.problems.len(), 1, "{:?}", preview.problems);
    let mut tx = t.store.read().await.unwrap();
    assert!(
        tx.person_by_ref(t.council.id, &"M0001".parse().unwrap())
            .await
            .unwrap()
            .is_none()
    );
    drop(tx);

    let mut tx = t.store.begin().await.unwrap();
    let c = ctx("2027-02-01");
    let applied = apply::sync(&mut tx, &c, &t.council, &s, &first)
        .await
        .unwrap();
    assert_eq!(applied, preview);
    tx.commit().await.unwrap();
    let mut tx = t.store.read().await.unwrap();
    let ada = people::detail(&mut tx, &t.council, &"M0001".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(ada.person.kind, PersonKind::Councillor);
    assert_eq!(ada.offices[0].office.as_str(), "mayor");
    assert_eq!(ada.terms[0].starts, c.today);
    let register = tx.directory_register(t.council.id, c.today).await.unwrap();
    assert_eq!(register.len(), 4);
    assert!(register.iter().all(|r| r.serving));
    drop(tx);

    // Cy becomes the clerk and changes name; Bo leaves; the rest is unchanged.
    let second = vec![
        entry("a", "M0001", "Ada Pryce", &["cn=members", "cn=mayor"]),
        entry("c", "S0003", "Cy Lund-Hart", &["cn=staff", "cn=clerks"]),
    ];
    let c = ctx("2027-03-01");
    let mut tx = t.store.begin().await.unwrap();
    let plan = apply::sync(&mut tx, &c, &t.council, &s, &second)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        (
            plan.joiners.len(),
            plan.movers.len(),
            plan.leavers.len(),
            plan.unchanged
        ),
        (0, 1, 1, 1)
    );
    let mut tx = t.store.read().await.unwrap();
    let cy = people::detail(&mut tx, &t.council, &"S0003".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(cy.person.name, "Cy Lund-Hart");
    assert_eq!(cy.offices[0].office.as_str(), "town_clerk");
    let bo = people::detail(&mut tx, &t.council, &"S0002".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(bo.terms[0].ends, Some(c.today));
    assert_eq!(bo.terms[0].end_reason, Some(TermEndReason::TermEnded));
    assert_eq!(bo.offices[0].ends, Some(c.today));
    let hand = people::detail(&mut tx, &t.council, &"S0009".parse().unwrap())
        .await
        .unwrap();
    assert!(
        hand.terms[0].ends.is_none(),
        "someone added by hand is never a leaver"
    );
    drop(tx);

    // The same directory again changes nothing; Bo coming back starts a new term.
    let c = ctx("2027-03-02");
    let mut tx = t.store.begin().await.unwrap();
    let again = apply::sync(&mut tx, &c, &t.council, &s, &second)
        .await
        .unwrap();
    assert!(again.is_empty(), "{again:?}");
    let mut back = second.clone();
    back.push(entry("b", "S0002", "Bo Hale", &["cn=staff"]));
    let returned = apply::sync(&mut tx, &c, &t.council, &s, &back)
        .await
        .unwrap();
    assert!(returned.movers[0].term_starts);
    tx.commit().await.unwrap();

    // The daily run is claimed once per council and day.
    let mut tx = t.store.begin().await.unwrap();
    assert!(
        apply::sync_daily(&mut tx, &c, &t.council, &s, &back)
            .await
            .unwrap()
            .is_some()
    );
    tx.commit().await.unwrap();
    let mut tx = t.store.begin().await.unwrap();
    assert!(
        apply::sync_daily(&mut tx, &c, &t.council, &s, &back)
            .await
            .unwrap()
            .is_none()
    );
}
