//! How fast the audit verifier checks a chain: in memory (records as the database returns
//! them) and from an export (JSON lines parsed and checked). `docs/performance.md` records the
//! figures; run with `cargo bench -p steward-domain --bench audit_verify`.
//!
//! The in-memory chain is timed by the benchmark thread's CPU time, not the wall clock: the
//! figure is what one core does, however busy the machine's other cores and processes are.
//! The export, and the batches the database check hashes, are checked on every core, so they
//! are timed by the wall clock.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeZone, Utc};
use cpu_time::ThreadTime;
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;
use steward_domain::AuditEvent;
use steward_domain::audit::export::{ExportLine, verify_export};
use steward_domain::audit::{AuditRecord, ChainVerifier, RecordView, TimeBuf, verify_chain};

const RECORDS: i64 = 100_000;

/// A chain shaped like a council's: a person or loan record with a small before/after.
fn chain(n: i64) -> Vec<AuditRecord> {
    let start = Utc.with_ymd_and_hms(2027, 1, 4, 9, 0, 0).unwrap();
    let mut out: Vec<AuditRecord> = Vec::with_capacity(n as usize);
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
        let prev = out.last().map(|r| (r.seq, r.hash.as_str()));
        let at = start + chrono::Duration::milliseconds(i * 1500);
        let record = AuditRecord::chain(1, prev, at, "clerk", &event);
        out.push(record);
    }
    out
}

fn export(records: &[AuditRecord]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut time = TimeBuf::default();
    for r in records {
        serde_json::to_writer(&mut out, &ExportLine::of(r, &mut time).unwrap()).unwrap();
        out.push(b'\n');
    }
    out
}

/// CPU time of the calling thread.
struct ThreadCpu;

static WALL: WallTime = WallTime;

impl Measurement for ThreadCpu {
    type Intermediate = ThreadTime;
    type Value = Duration;

    fn start(&self) -> ThreadTime {
        ThreadTime::now()
    }

    fn end(&self, started: ThreadTime) -> Duration {
        started.elapsed()
    }

    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }

    fn zero(&self) -> Duration {
        Duration::ZERO
    }

    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        // Nanoseconds either way, so the wall clock's formatting fits.
        WALL.formatter()
    }
}

fn cpu() -> Criterion<ThreadCpu> {
    Criterion::default().with_measurement(ThreadCpu)
}

fn bench(c: &mut Criterion<ThreadCpu>) {
    let records = chain(RECORDS);
    let mut group = c.benchmark_group("audit_verify");
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.sample_size(20);
    group.bench_function("in_memory", |b| {
        b.iter(|| {
            let checked = verify_chain(black_box(&records), Some(RECORDS));
            assert_eq!(checked, Ok(RECORDS));
        })
    });
    group.finish();
}

/// Verifying an export shares the parsing and hashing between the machine's cores, so its
/// figure is the wall clock's (run under `taskset -c 0` for one core's). The database check's
/// hashing thread checks batches of 2,048 records as views on every core the same way.
fn bench_wall(c: &mut Criterion) {
    let records = chain(RECORDS);
    let mut times = vec![TimeBuf::default(); records.len()];
    let views: Vec<RecordView<'_>> = records
        .iter()
        .zip(times.iter_mut())
        .map(|(r, t)| r.view(t))
        .collect();
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let lines = export(&records);
    let mut group = c.benchmark_group("audit_verify_wall");
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.sample_size(20);
    group.bench_function("database_batches", |b| {
        b.iter(|| {
            let mut verifier = ChainVerifier::default();
            for batch in black_box(views.as_slice()).chunks(2_048) {
                verifier.push_views(batch, workers).unwrap();
            }
            assert_eq!(verifier.finish(Some(RECORDS)), Ok(RECORDS));
        })
    });
    group.bench_function("export_file", |b| {
        b.iter(|| {
            let report = verify_export(black_box(lines.as_slice()), [RECORDS / 2], |_| {});
            assert_eq!(report.chain.outcome, Ok(RECORDS));
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = cpu();
    targets = bench
}
criterion_group!(wall, bench_wall);
criterion_main!(benches, wall);
