//! What is due, on the backend STEWARD_TEST_BACKEND selects: the report reads the same number
//! of statements whatever the register's size, and a kept report is used until the register
//! changes.

use chrono::NaiveDate;
use steward_domain::auth::{Principal, Role, User};
use steward_domain::ops::due::{self, DueCache, DueKind};
use steward_domain::ops::{acceptance, council, equipment, loans, people, policy, start};
use steward_domain::repo::{NewEquipment, NewPerson};
use steward_domain::{Council, Ctx, Pence};
use steward_policy::{EquipmentKind, EquipmentState, OfficeId, PersonKind, TermEndReason, presets};
use steward_store::testing::TestDb;
use steward_store::{Store, StoreTx};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn ctx(on: &str) -> Ctx {
    let d = day(on);
    Ctx::new(
        "test",
        d.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc(),
        d,
    )
}

fn kit(tag: String, kind: EquipmentKind) -> NewEquipment {
    NewEquipment {
        asset_tag: tag.parse().unwrap_or_else(|e| panic!("{tag}: {e:?}")),
        kind,
        model: "Model".into(),
        serial: None,
        purchased_on: Some(day("2022-09-01")),
        replacement_cost: Pence(60_000),
        pat_tested_on: Some(day("2025-10-01")),
        encrypted: true,
        state: EquipmentState::InStock,
    }
}

/// A borough under its members' protocol with `n` councillors: each signs and borrows a
/// laptop, every third is a cabinet member with a phone too, every fifth has left office with
/// the laptop still out, and as many again are in office without having signed. Between them
/// the report holds overdue returns, returns and PAT tests due, the replacement queue, phone
/// evaluations and missing signatures.
async fn borough(store: &Store, n: usize) -> Result<Council, Box<dyn std::error::Error>> {
    let start = ctx("2025-10-01");
    let mut tx = store.begin().await?;
    let c = council::create(&mut tx, &start, &"fenwold".parse()?, "Fenwold").await?;
    let preset = presets::find("borough-members-protocol").ok_or("no preset")?;
    policy::adopt(
        &mut tx,
        &start,
        &c,
        &presets::load(preset)?,
        day("2025-10-01"),
    )
    .await?;
    for i in 0..n {
        let reference = format!("M{i:03}");
        let offices = if i % 3 == 0 {
            vec![OfficeId("cabinet_member".into())]
        } else {
            Vec::new()
        };
        for (r, signs) in [(reference.clone(), true), (format!("U{i:03}"), false)] {
            let req = people::AddPerson {
                person: NewPerson {
                    reference: r.parse()?,
                    name: format!("Member {r}"),
                    kind: PersonKind::Councillor,
                    email: None,
                    household: None,
                },
                term_start: Some(day("2025-05-01")),
                term_end: None,
                offices: if signs { offices.clone() } else { Vec::new() },
            };
            people::add(&mut tx, &start, &c, req).await?;
            if signs {
                let name = format!("Member {r}");
                let typed = acceptance::Signature::Typed { name };
                acceptance::sign(&mut tx, &start, &c, &r.parse()?, typed).await?;
            }
        }
        let mut items = vec![(format!("LAP-{i:03}"), EquipmentKind::Laptop)];
        if i % 3 == 0 {
            items.push((format!("PHN-{i:03}"), EquipmentKind::MobilePhone));
        }
        for (tag, kind) in items {
            equipment::add(&mut tx, &start, &c, kit(tag.clone(), kind)).await?;
            loans::issue(
                &mut tx,
                &start,
                &c,
                &reference.parse()?,
                &tag.parse()?,
                None,
            )
            .await?;
        }
        if i % 5 == 0 {
            let why = TermEndReason::StoodDown;
            people::leave(
                &mut tx,
                &ctx("2026-08-20"),
                &c,
                &reference.parse()?,
                day("2026-08-20"),
                why,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(c)
}

fn noon(on: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    on.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc()
}

/// An auditor's principal, who may read every count.
fn auditor(council_id: i64) -> Principal {
    let user = User {
        id: 1,
        council_id,
        username: "audrey".parse().unwrap_or_else(|e| panic!("{e:?}")),
        role: Role::Auditor,
        person_id: None,
        must_change_password: false,
        disabled: false,
        created_at: noon(day("2026-01-01")),
        password_changed_at: noon(day("2026-01-01")),
        last_sign_in_at: None,
    };
    Principal::new(user, Role::Auditor, Vec::new())
}

/// Statements `tx` sends while `work` runs.
async fn statements<T>(tx: &mut StoreTx, work: impl AsyncFnOnce(&mut StoreTx) -> T) -> (u64, T) {
    let before = tx.statements_sent();
    let out = work(tx).await;
    (tx.statements_sent() - before, out)
}

#[tokio::test]
async fn the_report_reads_as_many_statements_for_a_hundred_people_as_for_ten() -> TestResult {
    let today = day("2026-09-20");
    let mut cost = Vec::new();
    for n in [10, 100] {
        let db = TestDb::new().await;
        let store = db.open().await?;
        let c = borough(&store, n).await?;
        let mut tx = store.read().await?;
        let (sent, set) = statements(&mut tx, async |tx| due::compute(tx, &c, today).await).await;
        let set = set?;
        let counts = set.counts();
        for kind in [
            DueKind::OverdueReturn,
            DueKind::AcceptanceMissing,
            DueKind::PhoneEvaluation,
            DueKind::Refresh,
            DueKind::PatRetest,
        ] {
            assert!(counts.of(kind) > 0, "{n} people: no {kind:?} in {counts:?}");
        }
        assert_eq!(counts.of(DueKind::AcceptanceMissing), n as u64);
        // Leavers' laptops, and the phones of those of them in the cabinet.
        let overdue: u64 = (0..n)
            .filter(|i| i % 5 == 0)
            .map(|i| 1 + u64::from(i % 3 == 0))
            .sum();
        assert_eq!(counts.of(DueKind::OverdueReturn), overdue);
        // The start page, once the report is kept: the key, and one statement of counts.
        let cache = DueCache::default();
        let auditor = auditor(c.id);
        due::current(&mut tx, &cache, &c, today).await?;
        let (start_cost, figures) = statements(&mut tx, async |tx| {
            start::counts(tx, &cache, &c, &auditor, today, noon(today)).await
        })
        .await;
        assert_eq!(figures?.overdue_returns, overdue);
        assert_eq!(start_cost, 2, "{n} people");
        cost.push((n, sent, counts.total));
    }
    let [(_, small, small_total), (_, large, large_total)] = cost[..] else {
        panic!("two sizes measured: {cost:?}");
    };
    assert!(large_total > 5 * small_total, "{cost:?}");
    assert_eq!(small, large, "statements for 10 and 100 people: {cost:?}");
    assert!(small <= 10, "{cost:?}");
    Ok(())
}

#[tokio::test]
async fn a_kept_report_costs_one_read_until_the_register_changes() -> TestResult {
    let db = TestDb::new().await;
    let store = db.open().await?;
    let c = borough(&store, 6).await?;
    let today = day("2026-09-20");
    let cache = DueCache::default();

    let mut tx = store.read().await?;
    let (first, set) = statements(&mut tx, async |tx| {
        due::current(tx, &cache, &c, today).await
    })
    .await;
    let set = set?;
    assert!(first > 1, "computed: {first}");
    let (again, kept) = statements(&mut tx, async |tx| {
        due::current(tx, &cache, &c, today).await
    })
    .await;
    assert_eq!(again, 1, "one read of the audit head");
    assert!(std::sync::Arc::ptr_eq(&set, &kept?));
    drop(tx);

    // Another day is another report.
    let mut tx = store.read().await?;
    let (other_day, _) = statements(&mut tx, async |tx| {
        due::current(tx, &cache, &c, day("2026-09-21")).await
    })
    .await;
    assert!(other_day > 1);
    drop(tx);

    // A change appends an audit record, so the next read computes the report afresh.
    let missing = set.counts().of(DueKind::AcceptanceMissing);
    let mut tx = store.begin().await?;
    let req = people::AddPerson {
        person: NewPerson {
            reference: "N001".parse()?,
            name: "New Member".into(),
            kind: PersonKind::Councillor,
            email: None,
            household: None,
        },
        term_start: Some(day("2026-09-01")),
        term_end: None,
        offices: Vec::new(),
    };
    people::add(&mut tx, &ctx("2026-09-20"), &c, req).await?;
    tx.commit().await?;
    let mut tx = store.read().await?;
    let (after, fresh) = statements(&mut tx, async |tx| {
        due::current(tx, &cache, &c, today).await
    })
    .await;
    let fresh = fresh?;
    assert!(after > 1, "computed again: {after}");
    assert_eq!(fresh.counts().of(DueKind::AcceptanceMissing), missing + 1);
    // The report at the older head was dropped; the two days' reports are kept.
    assert_eq!(cache.len(), 2);
    Ok(())
}
