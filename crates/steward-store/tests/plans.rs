//! Every list query is answered in the order of an index: the database never sorts a whole
//! table to cut out one page. Checked on SQLite's query plans (its planner is deterministic
//! for a given schema); PostgreSQL gets the same indexes from the same migrations.

use chrono::NaiveDate;
use steward_domain::listing::{Direction, ListQuery, SearchWords, Window};
use steward_domain::ops::people::list::{PeopleFilter, PeopleSort};
use steward_domain::ops::{council, people};
use steward_domain::repo::NewPerson;
use steward_domain::{Ctx, RegisterTx};
use steward_policy::{PersonKind, presets};
use steward_store::testing::{TestDb, statements};
use steward_store::{Backend, Store};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 5, 4).unwrap_or_default()
}

/// What in a plan shows the whole of something being read or sorted.
fn problems(plan: &[String]) -> Vec<String> {
    plan.iter()
        .filter(|line| {
            line.contains("USE TEMP B-TREE FOR ORDER BY")
                || (line.starts_with("SCAN ") && !line.contains(" USING "))
        })
        .cloned()
        .collect()
}

async fn plan_of(store: &Store, sql: &str) -> Result<Vec<String>, sqlx::Error> {
    use sqlx::Row;
    let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| r.try_get::<String, _>("detail"))
        .collect()
}

async fn seed(store: &Store) -> Result<steward_domain::Council, Box<dyn std::error::Error>> {
    let ctx = Ctx::new(
        "test",
        day().and_hms_opt(9, 0, 0).unwrap_or_default().and_utc(),
        day(),
    );
    let mut tx = store.begin().await?;
    let c = council::create(&mut tx, &ctx, &"dunmere".parse()?, "Dunmere").await?;
    let loaded = presets::load(presets::find("town-it-policy").ok_or("no preset")?)?;
    steward_domain::ops::policy::adopt(&mut tx, &ctx, &c, &loaded, day()).await?;
    for i in 0..30 {
        let req = people::AddPerson {
            person: NewPerson {
                reference: format!("M{i:03}").parse()?,
                name: format!("Ada Quill {i}"),
                kind: PersonKind::Councillor,
                email: None,
                household: None,
            },
            term_start: Some(day()),
            term_end: None,
            offices: Vec::new(),
        };
        people::add(&mut tx, &ctx, &c, req).await?;
    }
    tx.commit().await?;
    Ok(c)
}

#[tokio::test]
async fn lists_read_in_index_order() -> TestResult {
    let db = TestDb::new().await;
    if db.backend != Backend::Sqlite {
        return Ok(());
    }
    statements::listen();
    let store = db.open().await?;
    let c = seed(&store).await?;
    statements::take();

    let mut tx = store.read().await?;
    for sort in PeopleSort::ALL {
        for direction in [Direction::Ascending, Direction::Descending] {
            for (search, filter) in [
                ("", PeopleFilter::default()),
                ("ada qu", PeopleFilter::default()),
                (
                    "",
                    PeopleFilter {
                        kind: Some(PersonKind::Councillor),
                        in_office: Some(true),
                    },
                ),
            ] {
                let mut query = ListQuery {
                    search: SearchWords::parse(search),
                    sort,
                    direction,
                    filter,
                    window: Window::first(10),
                };
                let first = tx.list_people(c.id, &query, day()).await?;
                if let Some(next) = first.next {
                    query.continue_from(next);
                    tx.list_people(c.id, &query, day()).await?;
                }
            }
        }
    }
    drop(tx);

    let pages: Vec<String> = statements::take()
        .into_iter()
        .filter(|sql| sql.contains("ORDER BY") && sql.contains("LIMIT"))
        .collect();
    assert!(pages.len() >= 18, "{} page queries seen", pages.len());
    let mut found = Vec::new();
    for sql in &pages {
        let plan = plan_of(&store, sql).await?;
        let bad = problems(&plan);
        if !bad.is_empty() {
            found.push(format!("{sql}\n  {}", plan.join("\n  ")));
        }
    }
    assert!(
        found.is_empty(),
        "plans that read or sort everything:\n{}",
        found.join("\n\n")
    );
    Ok(())
}
