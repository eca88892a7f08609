//! How fast `audit verify` checks a council's chain in the database: a fresh database on the
//! backend `STEWARD_TEST_BACKEND` selects (sqlite by default, or postgres on `STEWARD_TEST_PG`)
//! is filled with `AUDIT_BENCH_RECORDS` loan-sized records (default 300,000), then the whole
//! chain is checked, timed by the wall clock (the check shares its work between cores).
//! `docs/performance.md` records the figures; run with
//! `cargo bench -p steward-store --bench audit_check`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::time::Instant;
use steward_domain::{AuditEvent, RegisterTx};
use steward_store::Store;
use steward_store::testing::TestDb;

fn records() -> i64 {
    std::env::var("AUDIT_BENCH_RECORDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300_000)
}

/// A chain shaped like a council's: loan records with a small before/after.
async fn fill(store: &Store, n: i64) -> i64 {
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
    council.id
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
            let check = rt.block_on(store.check_audit(council, [n / 2])).unwrap();
            assert_eq!(check.chain.outcome, Ok(n));
        })
    });
    group.finish();
    rt.block_on(store.close());
}

criterion_group!(benches, bench);
criterion_main!(benches);
