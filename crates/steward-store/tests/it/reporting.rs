//! The reporting views on PostgreSQL: each value with its real type, readable by the
//! reporting role and nothing else.

use chrono::NaiveDate;
use sqlx::Row;
use steward_domain::Ctx;
use steward_domain::ops::{council, equipment, loans, people, policy};
use steward_domain::repo::{NewEquipment, NewPerson};
use steward_policy::{EquipmentKind, EquipmentState, PersonKind, presets};
use steward_store::Backend;
use steward_store::testing::TestDb;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[tokio::test]
async fn the_reporting_views_give_dates_money_and_flags_their_types() -> TestResult {
    let db = TestDb::new().await;
    if db.backend != Backend::Postgres {
        return Ok(());
    }
    let store = db.open().await?;
    let day = NaiveDate::from_ymd_opt(2027, 5, 4).ok_or("day")?;
    let ctx = Ctx::new(
        "test",
        day.and_hms_opt(9, 0, 0).ok_or("time")?.and_utc(),
        day,
    );
    let mut tx = store.begin().await?;
    let c = council::create(&mut tx, &ctx, &"dunmere".parse()?, "Dunmere").await?;
    let loaded = presets::load(presets::find("town-it-policy").ok_or("no preset")?)?;
    policy::adopt(&mut tx, &ctx, &c, &loaded, day).await?;
    let person = people::AddPerson {
        person: NewPerson {
            reference: "M1".parse()?,
            name: "Ada Quill".into(),
            kind: PersonKind::Councillor,
            email: None,
            household: None,
        },
        term_start: Some(day),
        term_end: None,
        offices: Vec::new(),
    };
    people::add(&mut tx, &ctx, &c, person).await?;
    let item = NewEquipment {
        asset_tag: "LAP-1".parse()?,
        kind: EquipmentKind::Laptop,
        model: "T14".into(),
        serial: None,
        purchased_on: Some(day),
        replacement_cost: steward_domain::Pence(65_050),
        pat_tested_on: None,
        encrypted: true,
        state: EquipmentState::InStock,
    };
    equipment::add(&mut tx, &ctx, &c, item).await?;
    loans::issue(&mut tx, &ctx, &c, &"M1".parse()?, &"LAP-1".parse()?, None).await?;
    tx.commit().await?;

    let types: Vec<(String, String, String)> = sqlx::query(
        "SELECT table_name::text AS t, column_name::text AS c, data_type::text AS d
         FROM information_schema.columns WHERE table_schema = 'reporting'",
    )
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("t")?, r.try_get("c")?, r.try_get("d")?)))
    .collect::<Result<_, sqlx::Error>>()?;
    let type_of = |table: &str, column: &str| {
        types
            .iter()
            .find(|(t, c, _)| t == table && c == column)
            .map(|(_, _, d)| d.clone())
            .unwrap_or_else(|| panic!("no column reporting.{table}.{column}"))
    };
    for table in [
        "councils",
        "people",
        "equipment",
        "loans",
        "acceptances",
        "requests",
        "charges",
    ] {
        assert!(
            types.iter().any(|(t, _, _)| t == table),
            "no view reporting.{table}"
        );
    }
    assert_eq!(type_of("loans", "issued_on"), "date");
    assert_eq!(type_of("loans", "overdue"), "boolean");
    assert_eq!(type_of("equipment", "replacement_cost_pounds"), "numeric");
    assert_eq!(type_of("equipment", "encrypted"), "boolean");
    assert_eq!(
        type_of("acceptances", "recorded_at"),
        "timestamp with time zone"
    );
    assert_eq!(
        type_of("requests", "respond_by"),
        "timestamp with time zone"
    );
    assert_eq!(type_of("people", "term_starts_on"), "date");

    let row =
        sqlx::query("SELECT replacement_cost_pounds::text AS cost, kind FROM reporting.equipment")
            .fetch_one(store.pool())
            .await?;
    assert_eq!(row.try_get::<String, _>("cost")?, "650.50");
    assert_eq!(row.try_get::<String, _>("kind")?, "laptop");
    let row = sqlx::query("SELECT person_name, asset_tag, open FROM reporting.loans")
        .fetch_one(store.pool())
        .await?;
    assert_eq!(row.try_get::<String, _>("person_name")?, "Ada Quill");
    assert!(row.try_get::<bool, _>("open")?);

    // The reporting role reads the views and cannot read the tables behind them.
    let mut conn = store.pool().acquire().await?;
    sqlx::raw_sql("SET ROLE steward_reporting")
        .execute(&mut *conn)
        .await?;
    let seen = sqlx::query("SELECT count(*) AS n FROM reporting.loans")
        .fetch_one(&mut *conn)
        .await?;
    assert_eq!(seen.try_get::<i64, _>("n")?, 1);
    let refused = sqlx::query("SELECT count(*) FROM loans")
        .fetch_one(&mut *conn)
        .await;
    assert!(refused.is_err(), "the reporting role read a table");
    sqlx::raw_sql("RESET ROLE").execute(&mut *conn).await?;
    Ok(())
}
