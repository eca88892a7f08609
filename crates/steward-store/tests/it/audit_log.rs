//! The audit log paged in the database, and the fast check of the whole chain, on the backend
//! STEWARD_TEST_BACKEND selects (sqlite by default, or postgres).

use chrono::{DateTime, Duration, TimeZone, Utc};
use sqlx::Executor;
use steward_domain::audit::{AuditRecord, ChainProblem};
use steward_domain::listing::{Cursor, Direction, SearchWords, Total, Window};
use steward_domain::ops::audit_log::{self, AuditLogFilter, AuditLogQuery, AuditSort};
use steward_domain::{AuditEvent, Council, RegisterTx};
use steward_store::testing::TestDb;
use steward_store::{Backend, Store};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 5, 4, 9, 0, 0).unwrap()
}

fn event(action: &str, entity: &str, id: &str, n: i64) -> AuditEvent {
    AuditEvent {
        action: action.into(),
        entity: entity.into(),
        entity_id: id.into(),
        before: None,
        after: Some(serde_json::json!({ "n": n })),
    }
}

/// A council with `n` records: every third about loan 7, every second by "dot", an hour
/// apart, one record in five written back-dated by a day (as `--as-of` can).
async fn council_with(store: &Store, n: i64) -> Result<Council, Box<dyn std::error::Error>> {
    let mut tx = store.begin().await?;
    let council = tx
        .insert_council(&"ashbury".parse()?, "Ashbury City Council")
        .await?;
    for i in 1..=n {
        let (action, entity, id) = if i % 3 == 0 {
            ("loan.issue", "loan", "7")
        } else {
            ("person.add", "person", "M1")
        };
        let actor = if i % 2 == 0 { "dot" } else { "clerk" };
        let mut at = start() + Duration::hours(i);
        if i % 5 == 0 {
            at -= Duration::days(1);
        }
        tx.append_audit(council.id, at, actor, &event(action, entity, id, i))
            .await?;
    }
    tx.commit().await?;
    Ok(council)
}

fn query(filter: AuditLogFilter, direction: Direction, cursor: Option<Cursor>) -> AuditLogQuery {
    AuditLogQuery {
        search: SearchWords::default(),
        sort: AuditSort::Seq,
        direction,
        filter,
        window: Window::at(10, cursor),
    }
}

/// Every page forwards from the first, then every page backwards from the last; returns the
/// seqs in list order, checking that both walks agree.
async fn walk(
    store: &Store,
    council: &Council,
    filter: AuditLogFilter,
    direction: Direction,
) -> Result<Vec<i64>, Box<dyn std::error::Error>> {
    let mut pages: Vec<Vec<i64>> = Vec::new();
    let mut cursor = None;
    let last_page = loop {
        let mut tx = store.read().await?;
        let page =
            audit_log::list(&mut tx, council, &query(filter.clone(), direction, cursor)).await?;
        tx.commit().await?;
        let index = pages.iter().map(Vec::len).sum::<usize>() as u64;
        assert_eq!(page.first_index, index);
        pages.push(page.items.iter().map(|r| r.seq).collect());
        match page.next {
            Some(next) => cursor = Some(next),
            None => break page.previous,
        }
    };
    // Backwards: from the last page's "previous" to the first page.
    let mut back: Vec<Vec<i64>> = vec![pages.last().cloned().unwrap_or_default()];
    let mut cursor = last_page;
    while let Some(previous) = cursor {
        let mut tx = store.read().await?;
        let page = audit_log::list(
            &mut tx,
            council,
            &query(filter.clone(), direction, Some(previous)),
        )
        .await?;
        tx.commit().await?;
        back.insert(0, page.items.iter().map(|r| r.seq).collect());
        cursor = page.previous;
    }
    assert_eq!(back, pages, "the same pages either way");
    Ok(pages.concat())
}

async fn all(
    store: &Store,
    council: &Council,
) -> Result<Vec<AuditRecord>, Box<dyn std::error::Error>> {
    let mut tx = store.read().await?;
    let mut q = query(AuditLogFilter::default(), Direction::Ascending, None);
    q.window = Window::at(200, None);
    Ok(audit_log::list(&mut tx, council, &q).await?.items)
}

#[tokio::test]
async fn the_log_pages_both_ways_in_the_database_with_each_filter() -> TestResult {
    let db = TestDb::new().await;
    let store = db.open().await?;
    let council = council_with(&store, 57).await?;
    let every: Vec<i64> = (1..=57).collect();
    let newest_first: Vec<i64> = every.iter().rev().copied().collect();
    let none = AuditLogFilter::default();
    assert_eq!(
        walk(&store, &council, none.clone(), Direction::Descending).await?,
        newest_first
    );
    assert_eq!(
        walk(&store, &council, none, Direction::Ascending).await?,
        every
    );

    let loan = AuditLogFilter {
        entity: Some("loan".into()),
        entity_id: Some("7".into()),
        ..AuditLogFilter::default()
    };
    let loans: Vec<i64> = newest_first
        .iter()
        .copied()
        .filter(|s| s % 3 == 0)
        .collect();
    assert_eq!(
        walk(&store, &council, loan, Direction::Descending).await?,
        loans
    );
    let by_action = AuditLogFilter {
        action: Some("person.add".into()),
        actor: Some("dot".into()),
        ..AuditLogFilter::default()
    };
    let expected: Vec<i64> = every
        .iter()
        .copied()
        .filter(|s| s % 3 != 0 && s % 2 == 0)
        .collect();
    assert_eq!(
        walk(&store, &council, by_action, Direction::Ascending).await?,
        expected
    );

    // A range of times lists by time: the back-dated records fall among earlier ones.
    let records = all(&store, &council).await?;
    let (from, to) = (start() + Duration::hours(10), start() + Duration::hours(40));
    let mut in_range: Vec<&AuditRecord> = records
        .iter()
        .filter(|r| r.at >= from && r.at <= to)
        .collect();
    in_range.sort_by_key(|r| (std::cmp::Reverse(r.at), std::cmp::Reverse(r.seq)));
    let range = AuditLogFilter {
        from: Some(from),
        to: Some(to),
        ..AuditLogFilter::default()
    };
    let by_time = walk(&store, &council, range, Direction::Descending).await?;
    assert_eq!(by_time, in_range.iter().map(|r| r.seq).collect::<Vec<_>>());
    assert!(
        by_time.windows(2).any(|w| w[0] < w[1]),
        "time order is not seq order here"
    );

    // The count stops at its cap; a cursor from another order is refused.
    let mut tx = store.read().await?;
    let page = audit_log::list(
        &mut tx,
        &council,
        &query(AuditLogFilter::default(), Direction::Descending, None),
    )
    .await?;
    assert_eq!(page.total, Total::Exactly(57));
    let seq_cursor = page.next.clone();
    let ranged = AuditLogFilter {
        from: Some(from),
        ..AuditLogFilter::default()
    };
    assert!(
        audit_log::list(
            &mut tx,
            &council,
            &query(ranged, Direction::Descending, seq_cursor)
        )
        .await
        .is_err()
    );
    let backwards = AuditLogFilter {
        from: Some(to),
        to: Some(from),
        ..AuditLogFilter::default()
    };
    assert!(
        audit_log::list(
            &mut tx,
            &council,
            &query(backwards, Direction::Descending, None)
        )
        .await
        .is_err()
    );
    Ok(())
}

#[tokio::test]
async fn a_page_of_the_log_names_what_its_records_mention_in_one_batch() -> TestResult {
    let db = TestDb::new().await;
    let store = db.open().await?;
    let council = council_with(&store, 4).await?;
    let mut tx = store.read().await?;
    let page = audit_log::list(
        &mut tx,
        &council,
        &query(AuditLogFilter::default(), Direction::Descending, None),
    )
    .await?;
    let described = audit_log::describe_page(&mut tx, &council, page).await?;
    let sentences: Vec<&str> = described
        .items
        .iter()
        .map(|(_, d)| d.sentence.as_str())
        .collect();
    assert_eq!(sentences[0], "Dot added M1 to the register.");
    assert_eq!(sentences[1], "Clerk lent an item to someone as loan 7.");
    Ok(())
}

/// Runs `sql` with the audit table's guards dropped, as someone with the database's keys could.
async fn tamper(db: &TestDb, sql: &str) -> TestResult {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await?;
    let guards: &[&str] = match db.backend {
        Backend::Postgres => &[
            "DROP TRIGGER IF EXISTS audit_events_no_update ON audit_events",
            "DROP TRIGGER IF EXISTS audit_events_no_delete ON audit_events",
        ],
        Backend::Sqlite => &[
            "DROP TRIGGER IF EXISTS audit_events_no_update",
            "DROP TRIGGER IF EXISTS audit_events_no_delete",
        ],
    };
    for guard in guards {
        pool.execute(*guard).await?;
    }
    pool.execute(sql).await?;
    pool.close().await;
    Ok(())
}

async fn outcome(
    store: &Store,
    council: &Council,
) -> Result<Result<i64, ChainProblem>, Box<dyn std::error::Error>> {
    Ok(store.check_audit(council.id, []).await?.chain.outcome)
}

#[tokio::test]
async fn the_check_reads_many_pages_and_names_the_first_problem() -> TestResult {
    let db = TestDb::new().await;
    let store = db.open().await?;
    let council = council_with(&store, 4_500).await?;
    let check = store.check_audit(council.id, [2_048, 4_097]).await?;
    assert_eq!(check.chain.outcome, Ok(4_500));
    assert_eq!(check.chain.hash_at(2_048).map(str::len), Some(64));
    assert_eq!(check.chain.hash_at(4_097).map(str::len), Some(64));

    // Across page ends, each kind of tampering is named at its record.
    tamper(
        &db,
        "UPDATE audit_events SET actor = 'mallory' WHERE seq = 4100",
    )
    .await?;
    tamper(
        &db,
        "UPDATE audit_events SET after_data = '{\"n\":0}' WHERE seq = 3000",
    )
    .await?;
    assert_eq!(
        outcome(&store, &council).await?,
        Err(ChainProblem::DataAltered { seq: 3_000 })
    );
    tamper(&db, "DELETE FROM audit_events WHERE seq = 2049").await?;
    assert_eq!(
        outcome(&store, &council).await?,
        Err(ChainProblem::Missing {
            expected_seq: 2_049,
            found_seq: 2_050
        })
    );
    tamper(
        &db,
        "UPDATE audit_events SET seq = -seq WHERE seq IN (1500, 1501)",
    )
    .await?;
    tamper(&db, "UPDATE audit_events SET seq = 1501 WHERE seq = -1500").await?;
    tamper(&db, "UPDATE audit_events SET seq = 1500 WHERE seq = -1501").await?;
    assert_eq!(
        outcome(&store, &council).await?,
        Err(ChainProblem::Reordered { seq: 1_500 })
    );
    tamper(
        &db,
        "UPDATE audit_events SET erased_on = 'soon' WHERE seq = 10",
    )
    .await?;
    assert_eq!(
        outcome(&store, &council).await?,
        Err(ChainProblem::Altered { seq: 10 })
    );
    Ok(())
}

#[tokio::test]
async fn a_record_holding_a_separator_is_read_row_by_row_and_still_checked() -> TestResult {
    let db = TestDb::new().await;
    let store = db.open().await?;
    let council = council_with(&store, 30).await?;
    let mut tx = store.begin().await?;
    for actor in ["odd\u{1f}name", "odd\u{1e}name", "tab\tname"] {
        tx.append_audit(
            council.id,
            start(),
            actor,
            &event("person.add", "person", "M2", 0),
        )
        .await?;
    }
    tx.commit().await?;
    assert_eq!(outcome(&store, &council).await?, Ok(33));
    tamper(
        &db,
        "UPDATE audit_events SET entity_id = 'M1' WHERE seq = 31",
    )
    .await?;
    assert_eq!(
        outcome(&store, &council).await?,
        Err(ChainProblem::Altered { seq: 31 })
    );
    tamper(
        &db,
        "UPDATE audit_events SET entity_id = 'M2' WHERE seq = 31",
    )
    .await?;
    assert_eq!(outcome(&store, &council).await?, Ok(33));
    // A planted record before the first is out of order, however far before.
    tamper(&db, &format!(
        "INSERT INTO audit_events (council_id, seq, at, actor, action, entity, entity_id, \
         data_digest, prev_hash, hash) VALUES ({}, -9223372036854775807, 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x')",
        council.id
    ))
    .await?;
    let check = store.check_audit(council.id, []).await?;
    assert!(check.chain.outcome.is_err());
    assert_eq!(check.chain.verified_through, 0);
    Ok(())
}
