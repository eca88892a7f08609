//! Runs on the backend STEWARD_TEST_BACKEND selects (sqlite by default, or postgres).

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sqlx::Row;
use std::collections::BTreeSet;
use steward_domain::audit::{AuditRecord, ChainProblem};
use steward_domain::repo::{
    AuditFilter, NewAcceptance, NewEquipment, NewLoan, NewPackVersion, NewPerson,
};
use steward_domain::*;
use steward_policy::{EquipmentKind, EquipmentState, OfficeId, PersonKind, TermEndReason};
use steward_store::testing::TestDb;
use steward_store::{Backend, Store, StoreError, StoreTx};

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn setup() -> Result<(TestDb, Store), StoreError> {
    let db = TestDb::new().await;
    let store = db.open().await?;
    Ok((db, store))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("no such day {y}-{m}-{d}"))
}

/// A time the store keeps exactly (it stores microseconds).
fn at(hour: u32, min: u32, micros: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 5, 4, hour, min, 0)
        .single()
        .unwrap_or_else(|| panic!("no such time {hour}:{min}"))
        + chrono::Duration::microseconds(i64::from(micros))
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

fn conflict_name(result: RepoResult<impl std::fmt::Debug>) -> String {
    match result {
        Err(RepoError::Conflict { constraint }) => constraint,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn council(tx: &mut StoreTx, slug: &str) -> RepoResult<Council> {
    tx.insert_council(&parse(slug), "Ashbury City Council")
        .await
}

fn new_person(reference: &str) -> NewPerson {
    NewPerson {
        reference: parse(reference),
        name: format!("Person {reference}"),
        kind: PersonKind::Councillor,
        email: Some(format!("{reference}@example.org")),
        household: None,
    }
}

fn new_pack(pack_id: &str) -> NewPackVersion {
    NewPackVersion {
        pack_id: pack_id.into(),
        title: "ICT acceptable use".into(),
        label: "2027 edition".into(),
        hash: "ab".repeat(32),
        source: "[pack]\nid = \"x\"\n".into(),
        acceptance_text: "I accept.".into(),
        effective_from: day(2027, 5, 1),
        adopted_at: at(9, 30, 123_456),
        adopted_by: "clerk".into(),
    }
}

fn new_kit(tag: &str) -> NewEquipment {
    NewEquipment {
        asset_tag: parse(tag),
        kind: EquipmentKind::Laptop,
        model: "ThinkPad T14".into(),
        serial: Some("SN-1".into()),
        purchased_on: Some(day(2026, 1, 2)),
        replacement_cost: Pence(79_900),
        pat_tested_on: None,
        encrypted: true,
        state: EquipmentState::InStock,
    }
}

fn event(entity_id: &str, n: i64) -> AuditEvent {
    AuditEvent {
        action: "person.add".into(),
        entity: "person".into(),
        entity_id: entity_id.into(),
        before: None,
        after: Some(serde_json::json!({ "n": n, "name": "Ann Example" })),
    }
}

/// A council, a person, a policy version and a laptop, committed.
struct Base {
    council: Council,
    person: Person,
    pack: PackVersion,
    kit: Equipment,
}

async fn base(store: &Store) -> Result<Base, Box<dyn std::error::Error>> {
    let mut tx = store.begin().await?;
    let council = council(&mut tx, "ashbury").await?;
    let person = tx.insert_person(council.id, &new_person("M0001")).await?;
    let pack = tx
        .insert_pack_version(council.id, &new_pack("ashbury"))
        .await?;
    let kit = tx
        .insert_equipment(council.id, &new_kit("LAP-0001"))
        .await?;
    tx.commit().await?;
    Ok(Base {
        council,
        person,
        pack,
        kit,
    })
}

async fn count(store: &Store, sql: &str) -> Result<i64, sqlx::Error> {
    sqlx::query(sql).fetch_one(store.pool()).await?.try_get(0)
}

/// How many migrations the backend has, one SQL file each, so adding one needs no edit here.
fn migrations(backend: Backend) -> i64 {
    let dir = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(dir);
    let files = std::fs::read_dir(path).unwrap_or_else(|e| panic!("migrations: {e}"));
    let sql = files
        .filter_map(Result::ok)
        .filter(|f| f.path().extension().is_some_and(|x| x == "sql"))
        .count();
    i64::try_from(sql).unwrap_or(i64::MAX)
}

#[tokio::test]
async fn opening_again_changes_nothing_and_sqlite_is_durable() -> TestResult {
    let (db, store) = setup().await?;
    let again = db.open().await?;
    assert_eq!(
        count(&again, "SELECT COUNT(*) FROM schema_migrations").await?,
        migrations(store.backend())
    );
    if store.backend() == Backend::Sqlite {
        let mode: String = sqlx::query("PRAGMA journal_mode")
            .fetch_one(store.pool())
            .await?
            .try_get(0)?;
        assert_eq!(mode, "wal");
        assert_eq!(count(&store, "PRAGMA synchronous").await?, 2, "FULL");
        assert_eq!(count(&store, "PRAGMA foreign_keys").await?, 1);
        assert!(count(&store, "PRAGMA busy_timeout").await? >= 1000);
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_may_create_the_schema_at_once() -> TestResult {
    let db = TestDb::new().await;
    let (a, b) = tokio::join!(Store::open(&db.url), Store::open(&db.url));
    let (a, _b) = (a?, b?);
    assert_eq!(
        count(&a, "SELECT COUNT(*) FROM schema_migrations").await?,
        migrations(a.backend())
    );
    Ok(())
}

#[tokio::test]
async fn a_sweep_of_many_notices_brings_postgres_statistics_up_to_date() -> TestResult {
    let (_db, store) = setup().await?;
    let analysed = "SELECT COUNT(*) FROM pg_stat_user_tables \
                    WHERE relname IN ('notices', 'outbox') AND last_analyze IS NOT NULL";
    store.analyze_after_sweep(Store::MANY_NOTICES - 1).await?;
    if store.backend() == Backend::Postgres {
        assert_eq!(
            count(&store, analysed).await?,
            0,
            "a few rows leave them be"
        );
    }
    store.analyze_after_sweep(Store::MANY_NOTICES).await?;
    if store.backend() == Backend::Postgres {
        assert_eq!(count(&store, analysed).await?, 2);
        // Vacuumed too, so that the outbox's count reads its index alone.
        let vacuumed = "SELECT COUNT(*) FROM pg_stat_user_tables \
                        WHERE relname IN ('notices', 'outbox') AND last_vacuum IS NOT NULL";
        assert_eq!(count(&store, vacuumed).await?, 2);
    }
    Ok(())
}

#[test]
fn the_blocking_constructor_makes_a_usable_database() -> TestResult {
    let db = TestDb::new_blocking();
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let store = db.open().await?;
        let mut tx = store.begin().await?;
        council(&mut tx, "ashbury").await?;
        tx.commit().await?;
        store.close().await;
        Ok::<(), Box<dyn std::error::Error>>(())
    })
}

#[tokio::test]
async fn unsupported_addresses_are_refused() {
    for url in ["mysql://localhost/x", "sqlite::memory:", "steward.db"] {
        match Store::open(url).await {
            Err(err @ StoreError::UnsupportedUrl(_)) => {
                assert!(err.to_string().contains("sqlite://PATH"), "{err}")
            }
            other => panic!("{url}: expected refusal, got {other:?}"),
        }
    }
}

/// The version in force comes back whole however often it is read, and for each council its
/// own row, though both councils' texts (one hash) are read from the database once.
#[tokio::test]
async fn the_version_in_force_is_read_whole_every_time() -> TestResult {
    let (_db, store) = setup().await?;
    let mut tx = store.begin().await?;
    let c = council(&mut tx, "ashbury").await?;
    let other = council(&mut tx, "brockley").await?;
    let mine = tx.insert_pack_version(c.id, &new_pack("v1")).await?;
    let later = NewPackVersion {
        hash: "cd".repeat(32),
        source: "[pack]\nid = \"y\"\n".into(),
        acceptance_text: String::new(),
        effective_from: day(2027, 6, 1),
        ..new_pack("v2")
    };
    let next = tx.insert_pack_version(c.id, &later).await?;
    let theirs = tx.insert_pack_version(other.id, &new_pack("b1")).await?;
    tx.commit().await?;

    let mut tx = store.read().await?;
    for _ in 0..2 {
        assert_eq!(
            tx.pack_version_in_force(c.id, day(2027, 5, 20)).await?,
            Some(mine.clone())
        );
        assert_eq!(
            tx.pack_version_in_force(c.id, day(2027, 6, 1)).await?,
            Some(next.clone())
        );
        assert_eq!(
            tx.pack_version_in_force(other.id, day(2027, 6, 1)).await?,
            Some(theirs.clone())
        );
        assert_eq!(
            tx.pack_version_in_force(c.id, day(2027, 4, 30)).await?,
            None
        );
    }
    Ok(())
}

#[tokio::test]
async fn councils_and_policy_versions_round_trip() -> TestResult {
    let (_db, store) = setup().await?;
    let mut tx = store.begin().await?;
    let c = council(&mut tx, "ashbury").await?;
    let other = council(&mut tx, "brockley").await?;
    assert_eq!(c.slug.as_str(), "ashbury");
    assert_eq!(tx.council(&parse("ashbury")).await?, Some(c.clone()));
    assert_eq!(tx.council(&parse("nowhere")).await?, None);
    assert_eq!(tx.councils().await?, vec![c.clone(), other.clone()]);

    let first = tx.insert_pack_version(c.id, &new_pack("v1")).await?;
    let second = tx.insert_pack_version(c.id, &new_pack("v2")).await?;
    let elsewhere = tx.insert_pack_version(other.id, &new_pack("b1")).await?;
    assert_eq!((first.number, second.number, elsewhere.number), (1, 2, 1));
    assert_eq!(first.adopted_at, new_pack("v1").adopted_at);
    assert_eq!(first.effective_from, day(2027, 5, 1));
    assert_eq!(first.source, new_pack("v1").source);
    tx.commit().await?;

    let mut tx = store.read().await?;
    assert_eq!(tx.pack_versions(c.id).await?, vec![first, second]);
    drop(tx);

    let mut tx = store.begin().await?;
    assert_eq!(
        conflict_name(council(&mut tx, "ashbury").await),
        "councils_slug_unique"
    );
    Ok(())
}

#[tokio::test]
async fn people_terms_and_offices_round_trip() -> TestResult {
    let (_db, store) = setup().await?;
    let b = base(&store).await?;
    let mut tx = store.begin().await?;
    let mut ann = b.person.clone();
    assert_eq!(ann.reference.as_str(), "M0001");
    assert_eq!(ann.email.as_deref(), Some("M0001@example.org"));
    assert_eq!(tx.person(b.council.id, ann.id).await?, Some(ann.clone()));
    assert_eq!(
        tx.person_by_ref(b.council.id, &parse("M0001")).await?,
        Some(ann.clone())
    );
    assert_eq!(tx.person_by_ref(b.council.id, &parse("M9999")).await?, None);

    ann.name = "Ann Example".into();
    ann.kind = PersonKind::CoOptedMember;
    ann.email = None;
    ann.household = Some("12 High St".into());
    tx.update_person(&ann).await?;
    let mut bob = new_person("M0002");
    bob.household = Some("12 High St".into());
    bob.kind = PersonKind::Employee;
    let bob = tx.insert_person(b.council.id, &bob).await?;
    let _carol = tx.insert_person(b.council.id, &new_person("M0003")).await?;
    assert_eq!(tx.person(b.council.id, ann.id).await?, Some(ann.clone()));
    assert_eq!(
        tx.household_members(b.council.id, "12 High St").await?,
        vec![ann.clone(), bob.clone()]
    );
    assert_eq!(tx.people(b.council.id).await?.len(), 3);

    let later = tx
        .insert_term(b.council.id, ann.id, day(2027, 5, 8), None)
        .await?;
    let earlier = tx
        .insert_term(b.council.id, ann.id, day(2023, 5, 4), Some(day(2027, 5, 7)))
        .await?;
    tx.end_term(
        b.council.id,
        later.id,
        day(2028, 1, 31),
        TermEndReason::StoodDown,
    )
    .await?;
    let terms = tx.terms(b.council.id, ann.id).await?;
    assert_eq!(terms.len(), 2);
    assert_eq!(terms[0], earlier);
    assert_eq!(terms[1].ends, Some(day(2028, 1, 31)));
    assert_eq!(terms[1].end_reason, Some(TermEndReason::StoodDown));

    let chair = OfficeId("chair".into());
    let held = tx
        .insert_office(b.council.id, ann.id, &chair, day(2027, 5, 8), None)
        .await?;
    assert_eq!(held.office, chair);
    tx.end_office(b.council.id, held.id, day(2028, 5, 7))
        .await?;
    let offices = tx.offices(b.council.id, ann.id).await?;
    assert_eq!(offices.len(), 1);
    assert_eq!(offices[0].ends, Some(day(2028, 5, 7)));
    assert!(matches!(
        tx.insert_term(b.council.id, 999_999, day(2027, 1, 1), None)
            .await,
        Err(RepoError::Backend(_))
    ));
    tx.commit().await?;

    let mut tx = store.begin().await?;
    let taken = tx.insert_person(b.council.id, &new_person("M0002")).await;
    assert_eq!(conflict_name(taken), "people_ref_unique");
    drop(tx);

    // The same reference is fine in another council.
    let mut tx = store.begin().await?;
    let other = council(&mut tx, "brockley").await?;
    tx.insert_person(other.id, &new_person("M0002")).await?;
    tx.commit().await?;
    Ok(())
}

#[tokio::test]
async fn equipment_round_trips() -> TestResult {
    let (_db, store) = setup().await?;
    let b = base(&store).await?;
    let mut tx = store.begin().await?;
    let mut kit = b.kit.clone();
    assert_eq!(kit.replacement_cost, Pence(79_900));
    assert!(kit.encrypted);
    assert_eq!(
        tx.equipment_by_id(b.council.id, kit.id).await?,
        Some(kit.clone())
    );
    assert_eq!(
        tx.equipment_by_tag(b.council.id, &parse("LAP-0001"))
            .await?,
        Some(kit.clone())
    );

    kit.state = EquipmentState::InRepair;
    kit.encrypted = false;
    kit.serial = None;
    kit.pat_tested_on = Some(day(2027, 2, 3));
    kit.asset_tag = parse("LAP-0001/A");
    tx.update_equipment(&kit).await?;
    let phone = tx
        .insert_equipment(b.council.id, &new_kit("PHN-0001"))
        .await?;
    assert_eq!(
        tx.equipment_list(b.council.id).await?,
        vec![kit.clone(), phone]
    );
    tx.commit().await?;

    let mut tx = store.begin().await?;
    let taken = tx
        .insert_equipment(b.council.id, &new_kit("PHN-0001"))
        .await;
    assert_eq!(conflict_name(taken), "equipment_tag_unique");
    Ok(())
}

#[tokio::test]
async fn loans_extensions_and_charges_round_trip() -> TestResult {
    let (_db, store) = setup().await?;
    let b = base(&store).await?;
    let mut tx = store.begin().await?;
    let new = NewLoan {
        equipment_id: b.kit.id,
        person_id: b.person.id,
        issued_on: day(2027, 5, 10),
        due_on: Some(day(2028, 5, 10)),
        due_clause: Some("loans.period".into()),
        pack_version_id: b.pack.id,
    };
    let mut loan = tx.insert_loan(b.council.id, &new).await?;
    assert!(loan.is_open());
    assert_eq!(loan.due_clause.as_deref(), Some("loans.period"));
    assert_eq!(tx.loan(b.council.id, loan.id).await?, Some(loan.clone()));
    assert_eq!(
        tx.open_loan_of_equipment(b.council.id, b.kit.id).await?,
        Some(loan.clone())
    );

    loan.recall_by = Some(day(2027, 6, 1));
    loan.recall_clause = Some("loans.recall".into());
    loan.leaving_by = Some(day(2027, 7, 1));
    loan.leaving_clause = Some("leaving".into());
    tx.update_loan(&loan).await?;
    assert_eq!(tx.loan(b.council.id, loan.id).await?, Some(loan.clone()));

    let approvals = vec![Approval {
        person: parse("M0001"),
        office: OfficeId("monitoring_officer".into()),
    }];
    let ext = tx
        .insert_extension(
            b.council.id,
            loan.id,
            loan.due_on,
            day(2028, 11, 10),
            "illness",
            &approvals,
            day(2028, 4, 1),
        )
        .await?;
    assert_eq!(ext.approvals, approvals);
    assert_eq!(ext.previous_due, Some(day(2028, 5, 10)));
    assert_eq!(tx.extensions(b.council.id, loan.id).await?, vec![ext]);
    let charge = tx
        .insert_charge(
            b.council.id,
            loan.id,
            Pence(12_345),
            day(2028, 12, 1),
            "charges.lost",
        )
        .await?;
    assert_eq!(charge.amount, Pence(12_345));
    assert_eq!(tx.charges(b.council.id, loan.id).await?, vec![charge]);

    loan.returned_on = Some(day(2027, 6, 2));
    tx.update_loan(&loan).await?;
    assert_eq!(
        tx.open_loan_of_equipment(b.council.id, b.kit.id).await?,
        None
    );
    assert_eq!(tx.loans(b.council.id, true).await?, vec![]);

    // Returned equipment can go out again.
    let again = NewLoan {
        issued_on: day(2027, 6, 3),
        due_on: None,
        due_clause: None,
        ..new
    };
    let second = tx.insert_loan(b.council.id, &again).await?;
    assert_eq!(tx.loans(b.council.id, true).await?, vec![second.clone()]);
    assert_eq!(
        tx.loans(b.council.id, false).await?,
        vec![second.clone(), loan.clone()]
    );
    assert_eq!(
        tx.loans_of_person(b.council.id, b.person.id).await?,
        vec![second, loan]
    );
    tx.commit().await?;
    Ok(())
}

#[tokio::test]
async fn a_second_open_loan_of_the_same_equipment_is_refused() -> TestResult {
    let (_db, store) = setup().await?;
    let b = base(&store).await?;
    let new = NewLoan {
        equipment_id: b.kit.id,
        person_id: b.person.id,
        issued_on: day(2027, 5, 10),
        due_on: None,
        due_clause: None,
        pack_version_id: b.pack.id,
    };
    let mut tx = store.begin().await?;
    tx.insert_loan(b.council.id, &new).await?;
    tx.commit().await?;

    let mut tx = store.begin().await?;
    let second = tx.insert_loan(b.council.id, &new).await;
    assert_eq!(conflict_name(second), "loans_one_open_per_equipment");
    Ok(())
}

#[tokio::test]
async fn rows_cannot_point_into_another_council() -> TestResult {
    let (_db, store) = setup().await?;
    let b = base(&store).await?;
    let mut tx = store.begin().await?;
    let other = council(&mut tx, "brockley").await?;
    tx.commit().await?;
    let mut tx = store.begin().await?;
    let new = NewLoan {
        equipment_id: b.kit.id,
        person_id: b.person.id,
        issued_on: day(2027, 5, 10),
        due_on: None,
        due_clause: None,
        pack_version_id: b.pack.id,
    };
    assert!(matches!(
        tx.insert_loan(other.id, &new).await,
        Err(RepoError::Backend(_))
    ));
    Ok(())
}

#[tokio::test]
async fn acceptances_round_trip_newest_first() -> TestResult {
    let (_db, store) = setup().await?;
    let b = base(&store).await?;
    let mut tx = store.begin().await?;
    let sign = |signed_on, method| NewAcceptance {
        person_id: b.person.id,
        pack_version_id: b.pack.id,
        pack_hash: b.pack.hash.clone(),
        signed_on,
        recorded_at: at(10, 0, 42),
        method,
        typed_name: Some("Ann Example".into()),
        recorded_by: None,
    };
    let older = tx
        .insert_acceptance(
            b.council.id,
            &sign(day(2027, 5, 1), SignatureMethod::PaperForm),
        )
        .await?;
    let newer = tx
        .insert_acceptance(
            b.council.id,
            &sign(day(2027, 5, 2), SignatureMethod::SelfService),
        )
        .await?;
    assert_eq!(older.method, SignatureMethod::PaperForm);
    assert_eq!(older.recorded_at, at(10, 0, 42));
    assert_eq!(
        tx.acceptances(b.council.id, b.person.id).await?,
        vec![newer, older]
    );
    tx.commit().await?;
    Ok(())
}

#[tokio::test]
async fn dropping_a_transaction_writes_nothing() -> TestResult {
    let (_db, store) = setup().await?;
    let b = base(&store).await?;
    {
        let mut tx = store.begin().await?;
        council(&mut tx, "brockley").await?;
        tx.insert_person(b.council.id, &new_person("M0100")).await?;
        tx.append_audit(b.council.id, at(9, 0, 0), "cli:test", &event("M0100", 1))
            .await?;
    }
    let mut tx = store.read().await?;
    assert_eq!(tx.council(&parse("brockley")).await?, None);
    assert_eq!(tx.person_by_ref(b.council.id, &parse("M0100")).await?, None);
    assert_eq!(tx.audit_head(b.council.id).await?, None);
    drop(tx);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM audit_events").await?, 0);

    // A chain appended after the rollback starts from the beginning.
    let mut tx = store.begin().await?;
    let rec = tx
        .append_audit(b.council.id, at(9, 1, 0), "cli:test", &event("M0001", 1))
        .await?;
    tx.commit().await?;
    assert_eq!(rec.seq, 1);
    assert_eq!(store.verify_audit(b.council.id).await?, Ok(1));
    Ok(())
}

#[tokio::test]
async fn a_transaction_with_a_failed_statement_cannot_commit() -> TestResult {
    let (_db, store) = setup().await?;
    let b = base(&store).await?;
    let mut tx = store.begin().await?;
    tx.insert_person(b.council.id, &new_person("M0200")).await?;
    let dup = tx.insert_person(b.council.id, &new_person("M0001")).await;
    assert_eq!(conflict_name(dup), "people_ref_unique");
    assert!(matches!(
        tx.commit().await,
        Err(StoreError::TransactionFailed)
    ));
    let mut tx = store.read().await?;
    assert_eq!(tx.person_by_ref(b.council.id, &parse("M0200")).await?, None);
    Ok(())
}

#[tokio::test]
async fn read_transactions_refuse_writes() -> TestResult {
    let (_db, store) = setup().await?;
    let mut tx = store.read().await?;
    assert!(matches!(
        council(&mut tx, "ashbury").await,
        Err(RepoError::Backend(_))
    ));
    tx.commit().await?;
    assert_eq!(count(&store, "SELECT COUNT(*) FROM councils").await?, 0);
    Ok(())
}

async fn append_many(
    store: &Store,
    council_id: Id,
    n: i64,
) -> Result<Vec<AuditRecord>, Box<dyn std::error::Error>> {
    let mut tx = store.begin().await?;
    let mut out = Vec::new();
    for i in 1..=n {
        let entity_id = if i % 2 == 0 { "M0002" } else { "M0001" };
        let when = at(9, u32::try_from(i)?, 0);
        out.push(
            tx.append_audit(council_id, when, "cli:clerk", &event(entity_id, i))
                .await?,
        );
    }
    tx.commit().await?;
    Ok(out)
}

#[tokio::test]
async fn audit_records_chain_filter_and_verify() -> TestResult {
    let (_db, store) = setup().await?;
    let b = base(&store).await?;
    assert_eq!(store.verify_audit(b.council.id).await?, Ok(0));
    let written = append_many(&store, b.council.id, 6).await?;
    assert_eq!(written[0].prev_hash, audit::GENESIS);
    assert_eq!(written[1].prev_hash, written[0].hash);
    assert_eq!(audit::verify_chain(&written, Some(6)), Ok(6));

    let mut tx = store.read().await?;
    let all = tx
        .audit_records(b.council.id, &AuditFilter::default())
        .await?;
    assert_eq!(all, written);
    assert_eq!(tx.audit_head(b.council.id).await?, Some(6));
    let of_m2 = tx
        .audit_records(
            b.council.id,
            &AuditFilter {
                entity: Some("person".into()),
                entity_id: Some("M0002".into()),
                ..Default::default()
            },
        )
        .await?;
    assert_eq!(
        of_m2.iter().map(|r| r.seq).collect::<Vec<_>>(),
        vec![2, 4, 6]
    );
    let page = tx
        .audit_records(
            b.council.id,
            &AuditFilter {
                after_seq: Some(2),
                limit: Some(2),
                ..Default::default()
            },
        )
        .await?;
    assert_eq!(page.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![3, 4]);
    let window = tx
        .audit_records(
            b.council.id,
            &AuditFilter {
                from: Some(at(9, 2, 0)),
                to: Some(at(9, 4, 0)),
                ..Default::default()
            },
        )
        .await?;
    assert_eq!(
        window.iter().map(|r| r.seq).collect::<Vec<_>>(),
        vec![2, 3, 4]
    );
    drop(tx);

    assert_eq!(store.verify_audit(b.council.id).await?, Ok(6));
    assert!(matches!(
        store.verify_audit(999_999).await,
        Err(StoreError::NoSuchCouncil(999_999))
    ));
    Ok(())
}

#[tokio::test]
async fn a_clashing_audit_sequence_is_a_named_conflict() -> TestResult {
    let (_db, store) = setup().await?;
    let b = base(&store).await?;
    // A record written behind the store's back, at the seq the next append will use.
    sqlx::query(
        "INSERT INTO audit_events (council_id, seq, at, actor, action, entity, entity_id,
                                   data_digest, prev_hash, hash)
         VALUES ($1, 1, 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x')",
    )
    .bind(b.council.id)
    .execute(store.pool())
    .await?;
    let mut tx = store.begin().await?;
    // Records are written together before the next read of the log or at commit, and the
    // clash is named then.
    tx.append_audit(b.council.id, at(9, 0, 0), "cli:test", &event("M1", 1))
        .await?;
    let clash = match tx.commit().await {
        Err(StoreError::Repo(err)) => Err::<(), _>(err),
        other => panic!("expected the commit to fail, got {other:?}"),
    };
    assert_eq!(conflict_name(clash), "audit_events_pkey");
    Ok(())
}

async fn refused(store: &Store, sql: &str, council_id: Id) -> String {
    match sqlx::query(sql)
        .bind(council_id)
        .execute(store.pool())
        .await
    {
        Ok(done) => panic!("{sql}: allowed, {} rows", done.rows_affected()),
        Err(err) => err.to_string(),
    }
}

#[tokio::test]
async fn the_database_refuses_to_change_audit_records() -> TestResult {
    let (_db, store) = setup().await?;
    let b = base(&store).await?;
    append_many(&store, b.council.id, 3).await?;
    let id = b.council.id;
    for sql in [
        "UPDATE audit_events SET actor = 'forger' WHERE council_id = $1 AND seq = 2",
        "DELETE FROM audit_events WHERE council_id = $1 AND seq = 3",
        "DELETE FROM audit_events WHERE council_id = $1",
        "UPDATE audit_heads SET seq = 2 WHERE council_id = $1",
        "DELETE FROM audit_heads WHERE council_id = $1",
    ] {
        let message = refused(&store, sql, id).await;
        assert!(
            message.contains("audit records cannot be changed"),
            "{sql}: {message}"
        );
    }
    if store.backend() == Backend::Postgres {
        let truncate = sqlx::raw_sql("TRUNCATE audit_events")
            .execute(store.pool())
            .await;
        let message = truncate.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.contains("audit records cannot be changed"),
            "{message}"
        );
    }
    assert_eq!(store.verify_audit(id).await?, Ok(3));
    Ok(())
}

#[tokio::test]
async fn tampering_is_detected_once_the_guards_are_removed() -> TestResult {
    let (_db, store) = setup().await?;
    let drop_guards = match store.backend() {
        Backend::Sqlite => {
            "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;"
        }
        Backend::Postgres => {
            "DROP TRIGGER audit_events_no_update ON audit_events;
             DROP TRIGGER audit_events_no_delete ON audit_events;"
        }
    };
    sqlx::raw_sql(drop_guards).execute(store.pool()).await?;

    let cases: [(&str, &[&str], ChainProblem); 5] = [
        (
            "edited",
            &["UPDATE audit_events SET actor = 'forger' WHERE council_id = $1 AND seq = 2"],
            ChainProblem::Altered { seq: 2 },
        ),
        (
            "data",
            &["UPDATE audit_events SET after_data = '{}' WHERE council_id = $1 AND seq = 3"],
            ChainProblem::DataAltered { seq: 3 },
        ),
        (
            "removed",
            &["DELETE FROM audit_events WHERE council_id = $1 AND seq = 3"],
            ChainProblem::Missing {
                expected_seq: 3,
                found_seq: 4,
            },
        ),
        (
            "swapped",
            &[
                "UPDATE audit_events SET seq = -3 WHERE council_id = $1 AND seq = 3",
                "UPDATE audit_events SET seq = 3 WHERE council_id = $1 AND seq = 4",
                "UPDATE audit_events SET seq = 4 WHERE council_id = $1 AND seq = -3",
            ],
            ChainProblem::Reordered { seq: 3 },
        ),
        (
            "newest",
            &["DELETE FROM audit_events WHERE council_id = $1 AND seq = 5"],
            ChainProblem::Truncated {
                last_seq: 4,
                head_seq: 5,
            },
        ),
    ];
    for (slug, tampering, expected) in cases {
        let mut tx = store.begin().await?;
        let c = council(&mut tx, slug).await?;
        tx.commit().await?;
        append_many(&store, c.id, 5).await?;
        assert_eq!(store.verify_audit(c.id).await?, Ok(5), "{slug} before");
        for sql in tampering {
            sqlx::query(sql).bind(c.id).execute(store.pool()).await?;
        }
        assert_eq!(store.verify_audit(c.id).await?, Err(expected), "{slug}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_all_succeed_and_the_chain_holds() -> TestResult {
    const TASKS: i64 = 8;
    const EACH: i64 = 5;
    let (_db, store) = setup().await?;
    let b = base(&store).await?;
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let store = store.clone();
        let council_id = b.council.id;
        tasks.push(tokio::spawn(async move {
            for i in 0..EACH {
                let mut tx = store.begin().await?;
                // Read, then write: the pattern that fails under a deferred SQLite transaction.
                let _ = tx.people(council_id).await?;
                let reference = format!("T{t}-{i}");
                tx.insert_person(council_id, &new_person(&reference))
                    .await?;
                tx.append_audit(council_id, Utc::now(), "web:test", &event(&reference, i))
                    .await?;
                tx.commit().await?;
            }
            Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
        }));
    }
    for task in tasks {
        if let Err(err) = task.await? {
            panic!("a writer failed: {err}");
        }
    }
    assert_eq!(store.verify_audit(b.council.id).await?, Ok(TASKS * EACH));
    let mut tx = store.read().await?;
    assert_eq!(tx.audit_head(b.council.id).await?, Some(TASKS * EACH));
    assert_eq!(
        tx.people(b.council.id).await?.len() as i64,
        TASKS * EACH + 1
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_policy_versions_get_distinct_numbers() -> TestResult {
    let (_db, store) = setup().await?;
    let b = base(&store).await?;
    let mut tasks = Vec::new();
    for t in 0..4 {
        let store = store.clone();
        let council_id = b.council.id;
        tasks.push(tokio::spawn(async move {
            let mut tx = store.begin().await?;
            let v = tx
                .insert_pack_version(council_id, &new_pack(&format!("p{t}")))
                .await?;
            tx.commit().await?;
            Ok::<i64, Box<dyn std::error::Error + Send + Sync>>(v.number)
        }));
    }
    let mut numbers = BTreeSet::new();
    for task in tasks {
        match task.await? {
            Ok(n) => numbers.insert(n),
            Err(err) => panic!("a writer failed: {err}"),
        };
    }
    assert_eq!(numbers, BTreeSet::from([2, 3, 4, 5]));
    Ok(())
}

/// Tables that are not sharded by council under a distributed PostgreSQL (Citus): copied to
/// every node (`councils`, `credential_lookup`) or the schema's own bookkeeping. Every other
/// table must have `council_id`, and every key of it must include that column.
const REFERENCE_TABLES: &str =
    "'councils', 'credential_lookup', 'setup_tokens', 'schema_migrations'";

async fn names(store: &Store, sql: &str) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query(sql).fetch_all(store.pool()).await?;
    rows.iter().map(|row| row.try_get::<String, _>(0)).collect()
}

/// Everything in the public schema that a database sharded by `council_id` could not keep,
/// read from PostgreSQL's catalogue, one line each.
async fn undistributable(store: &Store) -> Result<Vec<String>, sqlx::Error> {
    let public = "relnamespace = 'public'::regnamespace";
    let council_col = "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attname = 'council_id' \
        AND NOT a.attisdropped";
    let owned = format!("t.{public} AND t.relname NOT IN ({REFERENCE_TABLES})");
    let mut found = Vec::new();
    let tables = format!(
        "SELECT 'table ' || t.relname || ' has no council_id' FROM pg_class t
         WHERE t.relkind IN ('r', 'p') AND {owned}
           AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid
                           AND a.attname = 'council_id' AND NOT a.attisdropped)"
    );
    found.extend(names(store, &tables).await?);
    let keys = format!(
        "SELECT CASE con.contype WHEN 'p' THEN 'primary key ' ELSE 'unique constraint ' END
                || con.conname || ' on ' || t.relname || ' lacks council_id'
         FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid {council_col}
         WHERE con.contype IN ('p', 'u', 'x') AND {owned} AND NOT (a.attnum = ANY (con.conkey))"
    );
    found.extend(names(store, &keys).await?);
    // Also the unique indexes made with CREATE UNIQUE INDEX, which are not constraints.
    let indexes = format!(
        "SELECT 'unique index ' || i.relname || ' on ' || t.relname || ' lacks council_id'
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid {council_col}
         WHERE x.indisunique AND {owned}
           AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = x.indexrelid
                           AND con.conrelid = t.oid)
           AND NOT (a.attnum = ANY (x.indkey::int2[]))"
    );
    found.extend(names(store, &indexes).await?);
    // A foreign key to a sharded table must pair council_id with council_id, so both rows
    // are on one shard; one to a copied table must still carry the council.
    let foreign = format!(
        "SELECT 'foreign key ' || con.conname || ' on ' || t.relname
                || ' does not carry council_id to ' || r.relname
         FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid
         JOIN pg_class r ON r.oid = con.confrelid {council_col}
         LEFT JOIN pg_attribute ra ON ra.attrelid = r.oid AND ra.attname = 'council_id'
         WHERE con.contype = 'f' AND {owned}
           AND NOT CASE WHEN r.relname IN ({REFERENCE_TABLES}) THEN a.attnum = ANY (con.conkey)
               ELSE EXISTS (SELECT 1 FROM generate_subscripts(con.conkey, 1) k
                            WHERE con.conkey[k] = a.attnum AND con.confkey[k] = ra.attnum) END"
    );
    found.extend(names(store, &foreign).await?);
    // A copied table may point only at another copied table.
    let from_reference = format!(
        "SELECT 'foreign key ' || con.conname || ' on reference table ' || t.relname
                || ' points at sharded table ' || r.relname
         FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid
         JOIN pg_class r ON r.oid = con.confrelid
         WHERE con.contype = 'f' AND t.{public} AND t.relname IN ({REFERENCE_TABLES})
           AND r.relname NOT IN ({REFERENCE_TABLES})"
    );
    found.extend(names(store, &from_reference).await?);
    found.sort();
    Ok(found)
}

/// Every key of every council's table includes council_id, so the schema can be sharded by
/// council (docs/scaling.md) without moving data. Read from PostgreSQL's catalogue; SQLite
/// is never sharded, so there is nothing to check there.
#[tokio::test]
async fn every_key_of_a_councils_table_includes_the_council() -> TestResult {
    let (_db, store) = setup().await?;
    if store.backend() != Backend::Postgres {
        eprintln!(
            "skipped: the keys a sharded database needs are read from PostgreSQL's catalogue; \
             run with STEWARD_TEST_BACKEND=postgres"
        );
        return Ok(());
    }
    let problems = undistributable(&store).await?;
    assert!(
        problems.is_empty(),
        "not distributable by council_id:\n{}",
        problems.join("\n")
    );

    // The check itself finds each kind of problem, named.
    sqlx::raw_sql(
        "ALTER TABLE people ADD CONSTRAINT people_id_alone UNIQUE (id);
         CREATE TABLE stray (id BIGINT PRIMARY KEY);
         CREATE TABLE strays (id BIGINT PRIMARY KEY, council_id BIGINT NOT NULL,
             person_id BIGINT REFERENCES people (id), code TEXT UNIQUE);
         CREATE UNIQUE INDEX strays_code_lower ON strays (lower(code));
         ALTER TABLE strays ADD CONSTRAINT strays_person FOREIGN KEY (person_id)
             REFERENCES people (id);
         ALTER TABLE credential_lookup ADD COLUMN person_id BIGINT;
         ALTER TABLE credential_lookup ADD CONSTRAINT lookup_person
             FOREIGN KEY (council_id, person_id) REFERENCES people (council_id, id);",
    )
    .execute(store.pool())
    .await?;
    assert_eq!(
        undistributable(&store).await?,
        [
            "foreign key lookup_person on reference table credential_lookup points at sharded \
             table people",
            "foreign key strays_person on strays does not carry council_id to people",
            "foreign key strays_person_id_fkey on strays does not carry council_id to people",
            "primary key strays_pkey on strays lacks council_id",
            "table stray has no council_id",
            "unique constraint people_id_alone on people lacks council_id",
            "unique constraint strays_code_key on strays lacks council_id",
            "unique index strays_code_lower on strays lacks council_id",
        ]
    );
    Ok(())
}
