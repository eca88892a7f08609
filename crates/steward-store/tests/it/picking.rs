//! Picking a person or an item from what an officer typed, and who holds an office on a day,
//! on the backend STEWARD_TEST_BACKEND selects.

use chrono::{NaiveDate, TimeZone, Utc};
use steward_domain::ops::{council, people, pick, policy};
use steward_domain::repo::{NewEquipment, NewPerson};
use steward_domain::*;
use steward_policy::{EquipmentKind, EquipmentState, OfficeId, PersonKind, presets};
use steward_store::testing::TestDb;

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn person(reference: &str, name: &str, kind: PersonKind) -> people::AddPerson {
    people::AddPerson {
        person: NewPerson {
            reference: reference.parse().unwrap(),
            name: name.into(),
            kind,
            email: None,
            household: None,
        },
        term_start: Some(day("2025-05-01")),
        term_end: None,
        offices: Vec::new(),
    }
}

fn item(tag: &str, model: &str, serial: &str) -> NewEquipment {
    NewEquipment {
        asset_tag: tag.parse().unwrap(),
        kind: EquipmentKind::Laptop,
        model: model.into(),
        serial: Some(serial.into()),
        purchased_on: None,
        replacement_cost: Pence(80_000),
        pat_tested_on: None,
        encrypted: true,
        state: EquipmentState::InStock,
    }
}

#[tokio::test]
async fn a_name_a_reference_or_a_chosen_label_finds_the_one_meant() {
    let db = TestDb::new().await;
    let store = db.open().await.unwrap();
    let today = day("2027-03-01");
    let ctx = Ctx::new(
        "test",
        Utc.from_utc_datetime(&today.and_hms_opt(9, 0, 0).unwrap()),
        today,
    );
    let mut tx = store.begin().await.unwrap();
    let c = council::create(&mut tx, &ctx, &"brack".parse().unwrap(), "Brack")
        .await
        .unwrap();
    let pack = presets::load(presets::find("county-members-policy").unwrap()).unwrap();
    policy::adopt(&mut tx, &ctx, &c, &pack, day("2025-01-01"))
        .await
        .unwrap();
    for (reference, name, kind) in [
        ("M001", "Jane Smith", PersonKind::Councillor),
        ("M002", "John Smith", PersonKind::Councillor),
        ("M003", "Jo Smithson", PersonKind::Councillor),
        ("S001", "Priya Patel", PersonKind::Employee),
        ("S002", "Sam Okafor", PersonKind::Employee),
    ] {
        people::add(&mut tx, &ctx, &c, person(reference, name, kind))
            .await
            .unwrap();
    }
    let manager: OfficeId = OfficeId("democratic_support_manager".into());
    people::assign_office(
        &mut tx,
        &ctx,
        &c,
        &"S001".parse().unwrap(),
        &manager,
        day("2025-06-01"),
    )
    .await
    .unwrap();
    people::assign_office(
        &mut tx,
        &ctx,
        &c,
        &"S002".parse().unwrap(),
        &manager,
        day("2024-01-01"),
    )
    .await
    .unwrap();
    people::end_office(
        &mut tx,
        &ctx,
        &c,
        &"S002".parse().unwrap(),
        &manager,
        day("2025-05-31"),
    )
    .await
    .unwrap();
    tx.insert_equipment(c.id, &item("LAP-0101", "Dell Latitude 5440", "CN0ABC1"))
        .await
        .unwrap();
    tx.insert_equipment(c.id, &item("LAP-0102", "Dell Latitude 5440", "CN0ABC2"))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    let found = |r: Result<Person, DomainError>| r.map(|p| p.reference.to_string());
    // A reference, a chosen label, a unique name, a name in another case.
    for typed in ["M001", "Jane Smith (M001)", "jane", "JANE SMITH", "m001"] {
        let got = pick::person(&mut tx, &c, "person", typed, today).await;
        assert_eq!(found(got).unwrap(), "M001", "{typed}");
    }
    // Every word must start a word of the name: "jo smithson" is Jo Smithson alone, though
    // "jo" also starts "John".
    let got = pick::person(&mut tx, &c, "person", "jo smithson", today).await;
    assert_eq!(found(got).unwrap(), "M003");
    // "Jane Smith" typed whole is hers, though "smith" alone is several people's.
    let got = pick::person(&mut tx, &c, "person", "jane smith", today).await;
    assert_eq!(found(got).unwrap(), "M001");
    // Several match: the error is against the field and names them.
    match pick::person(&mut tx, &c, "person", "smith", today).await {
        Err(DomainError::Invalid { field, message }) => {
            assert_eq!(field, "person");
            assert!(message.contains("Jane Smith (M001)"), "{message}");
            assert!(message.contains("John Smith (M002)"), "{message}");
        }
        other => panic!("expected an ambiguity, got {other:?}"),
    }
    match pick::person(&mut tx, &c, "authorised_by", "Nobody Known", today).await {
        Err(DomainError::Invalid { field, message }) => {
            assert_eq!(field, "authorised_by");
            assert!(
                message.starts_with("no one in the register matches"),
                "{message}"
            );
        }
        other => panic!("expected no match, got {other:?}"),
    }

    // Items by tag, by serial, by a chosen label; a shared model is ambiguous.
    let tag = |r: Result<Equipment, DomainError>| r.map(|e| e.asset_tag.to_string());
    for (typed, want) in [
        ("LAP-0101", "LAP-0101"),
        ("cn0abc2", "LAP-0102"),
        ("Dell Latitude 5440, serial CN0ABC1 (LAP-0101)", "LAP-0101"),
    ] {
        let got = pick::item(&mut tx, &c, "asset_tag", typed).await;
        assert_eq!(tag(got).unwrap(), want, "{typed}");
    }
    assert!(matches!(
        pick::item(&mut tx, &c, "asset_tag", "dell latitude").await,
        Err(DomainError::Invalid { .. })
    ));
    let suggested = pick::suggest_items(&mut tx, &c, "dell").await.unwrap();
    assert_eq!(suggested.len(), 2);

    // Who holds the office today: the current holder only.
    let holders = pick::holders(&mut tx, &c, std::slice::from_ref(&manager), today)
        .await
        .unwrap();
    let names: Vec<&str> = holders.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Priya Patel"]);
    let then = pick::holders(
        &mut tx,
        &c,
        std::slice::from_ref(&manager),
        day("2025-03-01"),
    )
    .await
    .unwrap();
    let names: Vec<&str> = then.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Sam Okafor"]);
    assert!(
        pick::holders(&mut tx, &c, &[], today)
            .await
            .unwrap()
            .is_empty()
    );
}
