//! How fast `audit verify` checks a council's chain in the database, and what a page of the
//! audit log costs however long the chain: a fresh database on the backend
//! `STEWARD_TEST_BACKEND` selects (sqlite by default, or postgres on `STEWARD_TEST_PG`) is
//! filled with `AUDIT_BENCH_RECORDS` loan-sized records (default 300,000), then the whole
//! chain is checked, timed by the wall clock (the check shares its work between cores), and
//! pages of the log are read at its newest end, deep in it, filtered and over a range of days.
//! `docs/performance.md` records the figures; run with
//! `cargo bench -p steward-store --bench audit_check`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::time::Instant;
use steward_domain::listing::{Cursor, Direction, SearchWords, SortValue, Toward, Window};
use steward_domain::ops::audit_log::{self, AuditLogFilter, AuditLogQuery, AuditSort};
use steward_domain::{AuditEvent, Council, RegisterTx};
use steward_store::Store;
use steward_store::testing::TestDb;

fn records() -> i64 {
    std::env::var("AUDIT_BENCH_RECORDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300_000)
}

/// A chain shaped like a council's: loan records with a small before/after.
async fn fill(store: &Store, n: i64) -> Council {
    let mut tx = store.begin().await.unwrap();
    let council = tx
        .insert_council(&"brackenshire".parse().unwrap(), "Brackenshire")
        .await
        .unwrap();
    let start = Utc.with_ymd_and_hms(2027, 1, 4, 9, 0, 0).unwrap();
    for i in 0..n {
        let event = AuditEvent {
            action: "loan.issue".into(),
            entity: "loan".into(),
            entity_id: i.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "id": i, "person": format!("M{}", i % 40), "equipment": format!("LAP-{}", i % 90),
                "issued_on": "2027-01-04", "due_on": "2031-05-16", "clause": "28.9"
            })),
        };
        let at = start + chrono::Duration::milliseconds(i * 1500);
        tx.append_audit(council.id, at, "clerk", &event)
            .await
            .unwrap();
        // Commit now and then, so one transaction does not hold the whole fill.
        if i % 50_000 == 49_999 {
            tx.commit().await.unwrap();
            tx = store.begin().await.unwrap();
        }
    }
    tx.commit().await.unwrap();
    council
}

/// A page of 25, newest first, from `cursor`, with `filter`.
fn page(filter: AuditLogFilter, cursor: Option<Cursor>) -> AuditLogQuery {
    AuditLogQuery {
        search: SearchWords::default(),
        sort: AuditSort::Seq,
        direction: Direction::Descending,
        filter,
        window: Window::at(25, cursor),
    }
}

/// Pages of the log, each timed alone: their cost must not grow with the chain.
fn pages(c: &mut Criterion, rt: &tokio::runtime::Runtime, store: &Store, council: &Council) {
    let deep = Cursor {
        toward: Toward::After,
        value: SortValue::Int(1_000),
        id: 1_000,
        index: 0,
    };
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2027, 1, d).unwrap();
    let loans = AuditLogFilter {
        entity: Some("loan".into()),
        ..AuditLogFilter::default()
    };
    let days = AuditLogFilter {
        from: Some(audit_log::london_day_start(day(5))),
        to: Some(audit_log::london_day_end(day(6))),
        ..AuditLogFilter::default()
    };
    let one = AuditLogFilter {
        entity: Some("loan".into()),
        entity_id: Some("777".into()),
        ..AuditLogFilter::default()
    };
    let cases = [
        ("page_newest", page(AuditLogFilter::default(), None)),
        (
            "page_deep",
            page(AuditLogFilter::default(), Some(deep.clone())),
        ),
        ("page_entity_deep", page(loans, Some(deep))),
        ("page_two_days", page(days, None)),
        ("page_one_record", page(one, None)),
    ];
    let mut group = c.benchmark_group(format!("audit_log_{:?}", store.backend()).to_lowercase());
    group.sample_size(30);
    for (name, query) in cases {
        group.bench_function(name, |b| {
            b.iter(|| {
                rt.block_on(async {
                    let mut tx = store.read().await.unwrap();
                    let listed = audit_log::list(&mut tx, council, &query).await.unwrap();
                    let listed = audit_log::describe_page(&mut tx, council, listed)
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                    assert!(!listed.items.is_empty());
                })
            })
        });
    }
    group.finish();
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let n = records();
    let db = rt.block_on(TestDb::new());
    let store = rt.block_on(db.open()).unwrap();
    let filled = Instant::now();
    let council = rt.block_on(fill(&store, n));
    eprintln!(
        "{:?}: {n} records written in {:.1} s",
        db.backend,
        filled.elapsed().as_secs_f64()
    );
    let mut group = c.benchmark_group(format!("audit_check_{:?}", db.backend).to_lowercase());
    group.throughput(Throughput::Elements(n as u64));
    group.sample_size(10);
    group.bench_function("database", |b| {
        b.iter(|| {
            let check = rt.block_on(store.check_audit(council.id, [n / 2])).unwrap();
            assert_eq!(check.chain.outcome, Ok(n));
        })
    });
    group.finish();
    pages(c, &rt, &store, &council);
    rt.block_on(store.close());
}

criterion_group!(benches, bench);
criterion_main!(benches);
