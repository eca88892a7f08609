//! Every statement a council's work sends names the council in its conditions, so that a
//! database sharded by `council_id` answers it from one shard. A representative flow runs
//! (a loan and its extension, a concern, a return, what is due, the daily sweep and the
//! pickers' look-ups) with the statement log on, and each SELECT, UPDATE and DELETE that reads or changes a
//! council's table must compare `council_id` with a bound value.
//!
//! The statement log listens process-wide and other tests of this binary run alongside, so
//! the test runs itself again in a child process where it is the only test.

use super::workflow::{TOWN_PEOPLE, ctx, day, town};
use sqlx::Row;
use steward_domain::ops::requests::{self, Raise};
use steward_domain::ops::{cases, due, loans, pick, posture, sweep};
use steward_domain::posture::parse::{Format, parse_native};
use steward_domain::workflow::{Decision, RequestDetails};
use steward_policy::OfficeId;
use steward_policy::model::ReportKind;
use steward_store::testing::statements;
use steward_store::{Backend, Store};

const CHILD: &str = "STEWARD_TEST_SCOPED_CHILD";
const NAME: &str = "council_scoped::every_statement_of_a_councils_work_names_the_council";

/// Tables that belong to no one council, or hold the global look-up of credentials.
const ALLOWED: &[&str] = &["councils", "credential_lookup"];

#[test]
fn every_statement_of_a_councils_work_names_the_council() {
    if std::env::var_os(CHILD).is_some() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(flow_names_the_council());
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args([NAME, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "the flow failed:\n{stdout}\n{stderr}"
    );
}

/// The tables with a `council_id` column, less the allowed ones.
async fn council_tables(store: &Store) -> Vec<String> {
    let sql = match store.backend() {
        Backend::Sqlite => {
            "SELECT m.name AS t FROM sqlite_master m, pragma_table_info(m.name) c \
             WHERE m.type = 'table' AND c.name = 'council_id'"
        }
        Backend::Postgres => {
            "SELECT table_name::text AS t FROM information_schema.columns \
             WHERE table_schema = 'public' AND column_name = 'council_id'"
        }
    };
    let rows = sqlx::query(sql).fetch_all(store.pool()).await.unwrap();
    let mut tables: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String, _>("t").unwrap())
        .filter(|t| !ALLOWED.contains(&t.as_str()))
        .collect();
    tables.sort();
    tables.dedup();
    tables
}

fn words(sql: &str) -> Vec<String> {
    sql.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Whether the statement compares `council_id` with a bound value (or a list of them).
fn names_the_council(sql: &str) -> bool {
    let flat: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    flat.match_indices("council_id").any(|(at, word)| {
        let rest = flat[at + word.len()..].trim_start();
        let rest = rest
            .strip_prefix('=')
            .or_else(|| rest.strip_prefix("IN "))
            .or_else(|| rest.strip_prefix("in "))
            .map(str::trim_start);
        matches!(rest, Some(r) if r.starts_with('$') || r.starts_with('?') || r.starts_with('('))
    })
}

/// The statements that read or change a council's table without naming the council.
fn offenders(seen: &[String], tables: &[String]) -> Vec<String> {
    seen.iter()
        .filter(|sql| {
            let w = words(sql);
            let verb = w.first().map(String::as_str);
            matches!(verb, Some("select" | "update" | "delete" | "with"))
                && w.iter().any(|word| tables.contains(word))
        })
        .filter(|sql| !names_the_council(sql))
        .cloned()
        .collect()
}

async fn flow_names_the_council() {
    statements::listen();
    let t = town("town-it-policy", TOWN_PEOPLE).await;
    let tables = council_tables(&t.store).await;
    assert!(tables.iter().any(|t| t == "loans"), "{tables:?}");
    statements::take();

    // A loan, a request to extend it approved by the clerk and the mayor, its view.
    let loan = t.lend("M1", "LAP-1", "2027-01-05").await;
    let ada = t.principal("M1", "2027-03-01").await;
    let c = ctx("2027-03-01");
    let mut tx = t.tx().await;
    let raised = requests::raise_for_self(
        &mut tx,
        &c,
        &t.council,
        &ada.member().unwrap(),
        Raise {
            kind: ReportKind::LoanExtension,
            equipment: Some("LAP-1".parse().unwrap()),
            summary: "Need it for the budget meetings".into(),
            details: RequestDetails::Extension {
                until: day("2027-05-01"),
            },
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    for who in ["S1", "M2"] {
        let p = t.principal(who, "2027-03-01").await;
        let mut tx = t.tx().await;
        requests::decide(
            &mut tx,
            &c,
            &t.council,
            &p,
            raised.request.id,
            Decision::Approve,
            "Agreed",
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let mut tx = t.tx().await;
    let detail = requests::detail(&mut tx, &t.council, &ada, raised.request.id, c.now)
        .await
        .unwrap();
    assert!(!detail.events.is_empty());
    let extended = loans::find(&mut tx, &t.council, loan.id).await.unwrap();
    assert_eq!(extended.due_on, Some(day("2027-05-01")));
    drop(tx);

    // A concern about a member, with a note from whoever handles it.
    let mut tx = t.tx().await;
    let case = cases::raise(
        &mut tx,
        &c,
        &t.council,
        cases::Raiser::Anonymous,
        cases::Concern {
            subject: Some("M3".parse().unwrap()),
            summary: "Laptop left in a car".into(),
            details: "Seen on the back seat".into(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let clerk = t.principal("S1", "2027-03-01").await;
    let mut tx = t.tx().await;
    cases::note(
        &mut tx,
        &c,
        &t.council,
        &clerk,
        case.id,
        "Spoke to the member",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    // The loan comes back.
    let back = ctx("2027-03-02");
    let mut tx = t.tx().await;
    loans::return_loan(&mut tx, &back, &t.council, loan.id)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // What is due, the daily sweep, and the pickers' look-ups.
    let day_after = ctx("2027-03-03");
    let mut tx = t.tx().await;
    due::compute(&mut tx, &t.council, day_after.today)
        .await
        .unwrap();
    pick::person(&mut tx, &t.council, "person", "M1", day_after.today)
        .await
        .unwrap();
    pick::suggest_items(&mut tx, &t.council, "lap")
        .await
        .unwrap();
    let clerks = [OfficeId("town_clerk".into())];
    pick::holders(&mut tx, &t.council, &clerks, day_after.today)
        .await
        .unwrap();
    sweep::run(&mut tx, &day_after, &t.council).await.unwrap();
    tx.commit().await.unwrap();

    // Device checks taken in, and judged by the pack.
    let rows = parse_native(
        "checks.csv",
        b"device,check,result,observed_at,detail\n\
          LAP-1,antivirus,fail,2027-03-02T09:00:00Z,\n\
          LAP-1,software,pass,2027-03-02T09:00:00Z,Steam\n",
    )
    .unwrap();
    let mut tx = t.tx().await;
    posture::import(
        &mut tx,
        &day_after,
        &t.council,
        "checks.csv",
        Format::Steward,
        rows,
        |_| {},
    )
    .await
    .unwrap();
    let judged = posture::findings(&mut tx, &day_after, &t.council, None)
        .await
        .unwrap();
    assert!(!judged[0].findings.is_empty());
    let (paged, _) = posture::page(&mut tx, &day_after, &t.council, None, 10)
        .await
        .unwrap();
    assert_eq!(paged.len(), 1);
    tx.commit().await.unwrap();

    let seen = statements::take();
    assert!(
        seen.iter().any(|s| s.contains("request_approvals")),
        "the flow's statements were not captured"
    );
    let bad = offenders(&seen, &tables);
    assert!(
        bad.is_empty(),
        "{} statements read or change a council's table without naming the council:\n{}",
        bad.len(),
        bad.join("\n---\n")
    );
}

#[test]
fn a_statement_by_id_alone_is_found() {
    let tables = vec!["people".to_string(), "loans".to_string()];
    let seen = vec![
        "SELECT id, council_id, name FROM people WHERE id = $1".to_string(),
        "SELECT id FROM loans WHERE council_id = $1 AND id = $2".to_string(),
        "UPDATE loans SET due_on = ? WHERE id = ?".to_string(),
        "SELECT id FROM councils WHERE id = $1".to_string(),
        "INSERT INTO people (council_id, name) VALUES ($1, $2)".to_string(),
    ];
    assert_eq!(
        offenders(&seen, &tables),
        vec![seen[0].clone(), seen[2].clone()]
    );
}
