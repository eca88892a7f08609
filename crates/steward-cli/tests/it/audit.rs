//! The audit trail: every change is recorded, and `audit verify` finds tampering.

use crate::support::Env;
use sqlx::Executor;

pub(crate) fn busy_council() -> Env {
    let env = Env::new();
    env.council("town-it-policy", "2027-01-04");
    env.ok(&[
        "person",
        "add",
        "--ref",
        "M1",
        "--name",
        "Ann Oak",
        "--kind",
        "councillor",
        "--as-of",
        "2027-01-04",
    ]);
    env.ok(&[
        "equipment",
        "add",
        "--tag",
        "LAP-1",
        "--kind",
        "laptop",
        "--model",
        "X",
        "--cost",
        "500",
        "--as-of",
        "2027-01-04",
    ]);
    env.ok(&["loan", "issue", "M1", "LAP-1", "--as-of", "2027-01-04"]);
    env
}

pub(crate) async fn tamper<S: AsRef<str>>(url: &str, statements: &[S]) -> Result<(), sqlx::Error> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await?;
    for sql in statements {
        pool.execute(sql.as_ref()).await?;
    }
    pool.close().await;
    Ok(())
}

pub(crate) fn drop_guards(url: &str) -> Vec<&'static str> {
    if url.starts_with("postgres") {
        vec![
            "DROP TRIGGER audit_events_no_update ON audit_events",
            "DROP TRIGGER audit_events_no_delete ON audit_events",
        ]
    } else {
        vec![
            "DROP TRIGGER audit_events_no_update",
            "DROP TRIGGER audit_events_no_delete",
        ]
    }
}

pub(crate) fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

#[test]
fn every_change_is_recorded_and_verifies() {
    let env = busy_council();
    let log = env.ok(&["audit", "log", "--limit", "100"]);
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    for expected in [
        "council.create",
        "policy.adopt",
        "person.add",
        "term.start",
        "equipment.add",
        "loan.issue",
        "equipment.state",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    assert!(log.as_array().unwrap().iter().all(|r| r["actor"] == "test"));
    let verified = env.ok(&["audit", "verify"]);
    assert_eq!(verified["ok"], true);
    assert_eq!(verified["records"].as_i64(), Some(actions.len() as i64));
}

#[test]
fn the_database_refuses_to_change_audit_records() {
    let env = busy_council();
    let result = block_on(tamper(
        &env.db.url,
        &["UPDATE audit_events SET actor = 'someone' WHERE seq = 2"],
    ));
    assert!(result.is_err(), "UPDATE on the audit trail must be refused");
    let result = block_on(tamper(
        &env.db.url,
        &["DELETE FROM audit_events WHERE seq = 2"],
    ));
    assert!(result.is_err(), "DELETE on the audit trail must be refused");
}

#[test]
fn edited_record_is_named() {
    let env = busy_council();
    let mut sql = drop_guards(&env.db.url);
    sql.push("UPDATE audit_events SET actor = 'someone else' WHERE seq = 3");
    block_on(tamper(&env.db.url, &sql)).unwrap();
    let run = env.fails(&["audit", "verify"], 7);
    assert_eq!(run.data()["problem"]["problem"], "altered");
    assert_eq!(run.data()["problem"]["seq"], 3);
    let human = env.run(&["audit", "verify"]);
    assert!(human.stdout.contains("record 3"), "{}", human.stdout);
}

#[test]
fn removed_and_reordered_records_are_named() {
    let env = busy_council();
    let mut sql = drop_guards(&env.db.url);
    sql.push("DELETE FROM audit_events WHERE seq = 4");
    block_on(tamper(&env.db.url, &sql)).unwrap();
    let run = env.fails(&["audit", "verify"], 7);
    assert_eq!(run.data()["problem"]["problem"], "missing");
    assert_eq!(run.data()["problem"]["expected_seq"], 4);

    let env = busy_council();
    let mut sql = drop_guards(&env.db.url);
    sql.extend([
        "UPDATE audit_events SET seq = 1000 WHERE seq = 2",
        "UPDATE audit_events SET seq = 2 WHERE seq = 3",
        "UPDATE audit_events SET seq = 3 WHERE seq = 1000",
    ]);
    block_on(tamper(&env.db.url, &sql)).unwrap();
    let run = env.fails(&["audit", "verify"], 7);
    assert_eq!(run.data()["problem"]["problem"], "reordered");
}
