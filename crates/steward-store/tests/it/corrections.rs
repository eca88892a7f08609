//! Correcting a person's or an item's details: the checks, the audit record written with the
//! change, and the search words kept in step. Runs on the backend STEWARD_TEST_BACKEND selects.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use steward_domain::audit::AuditRecord;
use steward_domain::listing::{ListQuery, SearchWords};
use steward_domain::ops::equipment::EquipmentEdit;
use steward_domain::ops::equipment::list::EquipmentQuery;
use steward_domain::ops::people::PersonEdit;
use steward_domain::ops::people::list::PeopleQuery;
use steward_domain::ops::{council as council_ops, equipment, people, policy};
use steward_domain::repo::{AuditFilter, NewEquipment, NewPerson};
use steward_domain::*;
use steward_policy::{EquipmentKind, EquipmentState, OfficeId, PersonKind};
use steward_store::testing::TestDb;
use steward_store::{Store, StoreError};

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn setup() -> Result<(TestDb, Store), StoreError> {
    let db = TestDb::new().await;
    let store = db.open().await?;
    Ok((db, store))
}

fn parse<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    match s.parse() {
        Ok(v) => v,
        Err(err) => panic!("{s}: {err:?}"),
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("no such day {y}-{m}-{d}"))
}

fn ctx() -> Ctx {
    let now: DateTime<Utc> = Utc
        .with_ymd_and_hms(2027, 5, 4, 9, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("no such time"));
    Ctx::new("clerk", now, now.date_naive())
}

fn kit(tag: &str, serial: &str) -> NewEquipment {
    NewEquipment {
        asset_tag: parse(tag),
        kind: EquipmentKind::Laptop,
        model: "ThinkPad T14".into(),
        serial: Some(serial.into()),
        purchased_on: Some(day(2026, 1, 2)),
        replacement_cost: Pence(79_900),
        pat_tested_on: None,
        encrypted: true,
        state: EquipmentState::InStock,
    }
}

/// A council under the town preset; Ann Quil (M1), a councillor who is Mayor; Bo Tate (S1),
/// an employee with no term; and two laptops.
async fn council(store: &Store) -> Result<Council, Box<dyn std::error::Error>> {
    let ctx = ctx();
    let mut tx = store.begin().await?;
    let council = council_ops::create(&mut tx, &ctx, &parse("dunmere"), "Dunmere").await?;
    let preset =
        steward_policy::presets::find("town-it-policy").ok_or("the town preset is missing")?;
    let loaded = steward_policy::presets::load(preset)?;
    policy::adopt(&mut tx, &ctx, &council, &loaded, day(2027, 1, 1)).await?;
    for (reference, name, kind, term, offices) in [
        (
            "M1",
            "Ann Quil",
            PersonKind::Councillor,
            Some(day(2026, 5, 7)),
            vec![OfficeId("mayor".into())],
        ),
        ("S1", "Bo Tate", PersonKind::Employee, None, Vec::new()),
    ] {
        let req = people::AddPerson {
            person: NewPerson {
                reference: parse(reference),
                name: name.into(),
                kind,
                email: None,
                household: None,
            },
            term_start: term,
            term_end: None,
            offices,
        };
        people::add(&mut tx, &ctx, &council, req).await?;
    }
    equipment::add(&mut tx, &ctx, &council, kit("LAP-0001", "SN-1")).await?;
    equipment::add(&mut tx, &ctx, &council, kit("LAP-0002", "SN-2")).await?;
    tx.commit().await?;
    Ok(council)
}

fn field_of(e: &DomainError) -> &str {
    match e {
        DomainError::Invalid { field, .. } | DomainError::Conflict { field, .. } => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

async fn records(store: &Store, council: &Council, action: &str) -> Vec<AuditRecord> {
    let mut tx = store.read().await.unwrap();
    tx.audit_records(council.id, &AuditFilter::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.action == action)
        .collect()
}

async fn people_found(store: &Store, council: &Council, words: &str) -> Vec<String> {
    let mut tx = store.read().await.unwrap();
    let query: PeopleQuery = ListQuery {
        search: SearchWords::parse(words),
        ..Default::default()
    };
    people::list::list(&mut tx, council, &query, day(2027, 5, 4))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|p| p.person.reference.to_string())
        .collect()
}

async fn items_found(store: &Store, council: &Council, words: &str) -> Vec<String> {
    let mut tx = store.read().await.unwrap();
    let query: EquipmentQuery = ListQuery {
        search: SearchWords::parse(words),
        ..Default::default()
    };
    equipment::list::list(&mut tx, council, &query)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.equipment.asset_tag.to_string())
        .collect()
}

#[tokio::test]
async fn a_person_is_corrected_with_one_record_and_found_by_their_new_name() -> TestResult {
    let (_db, store) = setup().await?;
    let council = council(&store).await?;
    let m1: PersonRef = parse("M1");

    let mut tx = store.begin().await?;
    let after = people::edit(
        &mut tx,
        &ctx(),
        &council,
        &m1,
        PersonEdit {
            name: Some("  Ann Quill ".into()),
            email: Some("ann.quill@dunmere.gov.uk".into()),
            household: Some("12 Mill Lane".into()),
            kind: None,
        },
    )
    .await?;
    tx.commit().await?;
    assert_eq!(after.name, "Ann Quill");
    assert_eq!(after.email.as_deref(), Some("ann.quill@dunmere.gov.uk"));
    assert_eq!(after.household.as_deref(), Some("12 Mill Lane"));

    let written = records(&store, &council, "person.edit").await;
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].entity_id, "M1");
    assert!(
        written[0]
            .before
            .as_deref()
            .unwrap_or("")
            .contains("Ann Quil\"")
    );
    assert!(
        written[0]
            .after
            .as_deref()
            .unwrap_or("")
            .contains("Ann Quill\"")
    );
    assert_eq!(people_found(&store, &council, "quill").await, ["M1"]);

    // Nothing changed: nothing written.
    let mut tx = store.begin().await?;
    people::edit(
        &mut tx,
        &ctx(),
        &council,
        &m1,
        PersonEdit {
            name: Some("Ann Quill".into()),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    assert_eq!(records(&store, &council, "person.edit").await.len(), 1);

    // A blank email address clears it.
    let mut tx = store.begin().await?;
    let cleared = people::edit(
        &mut tx,
        &ctx(),
        &council,
        &m1,
        PersonEdit {
            email: Some(" ".into()),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    assert_eq!(cleared.email, None);
    assert_eq!(
        store.verify_audit(council.id).await?,
        Ok(store_head(&store, &council).await)
    );
    Ok(())
}

async fn store_head(store: &Store, council: &Council) -> i64 {
    let mut tx = store.read().await.unwrap();
    tx.audit_head(council.id).await.unwrap().unwrap_or(0)
}

#[tokio::test]
async fn a_correction_is_checked_as_adding_and_the_import_check() -> TestResult {
    let (_db, store) = setup().await?;
    let council = council(&store).await?;
    let m1: PersonRef = parse("M1");
    let cases = [
        (
            PersonEdit {
                name: Some("   ".into()),
                ..Default::default()
            },
            "name",
        ),
        (
            PersonEdit {
                name: Some("x".repeat(201)),
                ..Default::default()
            },
            "name",
        ),
        (
            PersonEdit {
                email: Some("ann at dunmere".into()),
                ..Default::default()
            },
            "email",
        ),
        (
            PersonEdit {
                household: Some("a\nb".into()),
                ..Default::default()
            },
            "household",
        ),
        // The Mayor is held by a member, so a councillor who is Mayor cannot become staff.
        (
            PersonEdit {
                kind: Some(PersonKind::Employee),
                ..Default::default()
            },
            "kind",
        ),
    ];
    for (change, field) in cases {
        let mut tx = store.begin().await?;
        let e = people::edit(&mut tx, &ctx(), &council, &m1, change)
            .await
            .expect_err("the correction is refused");
        assert_eq!(field_of(&e), field, "{e}");
    }
    // Someone holding no such office can change kind.
    let mut tx = store.begin().await?;
    let s1 = people::edit(
        &mut tx,
        &ctx(),
        &council,
        &parse("S1"),
        PersonEdit {
            kind: Some(PersonKind::Contractor),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    assert_eq!(s1.kind, PersonKind::Contractor);
    let mut tx = store.begin().await?;
    let missing = people::edit(
        &mut tx,
        &ctx(),
        &council,
        &parse("X9"),
        PersonEdit::default(),
    )
    .await
    .expect_err("no such person");
    assert!(matches!(missing, DomainError::NotFound { .. }));
    Ok(())
}

#[tokio::test]
async fn an_item_is_corrected_and_a_serial_number_stays_its_own() -> TestResult {
    let (_db, store) = setup().await?;
    let council = council(&store).await?;
    let tag: AssetTag = parse("LAP-0001");

    let mut tx = store.begin().await?;
    let clash = equipment::edit(
        &mut tx,
        &ctx(),
        &council,
        &tag,
        EquipmentEdit {
            serial: Some("SN-2".into()),
            ..Default::default()
        },
    )
    .await
    .expect_err("another item has that serial number");
    drop(tx);
    assert_eq!(field_of(&clash), "serial");
    assert!(clash.to_string().contains("LAP-0002"), "{clash}");

    for (change, field) in [
        (
            EquipmentEdit {
                model: Some(" ".into()),
                ..Default::default()
            },
            "model",
        ),
        (
            EquipmentEdit {
                replacement_cost: Some(Pence(0)),
                ..Default::default()
            },
            "replacement_cost",
        ),
        (
            EquipmentEdit {
                purchased_on: Some(Some(day(2030, 1, 1))),
                ..Default::default()
            },
            "purchased_on",
        ),
    ] {
        let mut tx = store.begin().await?;
        let e = equipment::edit(&mut tx, &ctx(), &council, &tag, change)
            .await
            .expect_err("the correction is refused");
        assert_eq!(field_of(&e), field, "{e}");
    }

    let mut tx = store.begin().await?;
    let after = equipment::edit(
        &mut tx,
        &ctx(),
        &council,
        &tag,
        EquipmentEdit {
            model: Some("Latitude 5440".into()),
            serial: Some("ZX-981".into()),
            replacement_cost: Some(Pence(95_000)),
            purchased_on: Some(None),
        },
    )
    .await?;
    tx.commit().await?;
    assert_eq!(after.model, "Latitude 5440");
    assert_eq!(after.serial.as_deref(), Some("ZX-981"));
    assert_eq!(after.replacement_cost, Pence(95_000));
    assert_eq!(after.purchased_on, None);
    assert_eq!(after.state, EquipmentState::InStock);

    let written = records(&store, &council, "equipment.edit").await;
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].entity_id, "LAP-0001");
    // The search finds the item by its new words and no longer by its old serial number.
    assert_eq!(items_found(&store, &council, "zx-981").await, ["LAP-0001"]);
    assert_eq!(
        items_found(&store, &council, "latitude").await,
        ["LAP-0001"]
    );
    assert_eq!(
        items_found(&store, &council, "sn-1").await,
        Vec::<String>::new()
    );
    assert_eq!(
        store.verify_audit(council.id).await?,
        Ok(store_head(&store, &council).await)
    );
    Ok(())
}
