//! Erasing personal data from audit records at the end of its retention: the chain still
//! verifies, in the database and in an export, and the database allows no other change.

use crate::audit::{block_on, busy_council, tamper};
use crate::support::Env;
use chrono::{TimeZone, Utc};
use serde_json::Value;
use steward_domain::ops::{audit::erase_audit_data, council};
use steward_domain::{Ctx, DomainError};

pub(crate) fn erase(
    env: &Env,
    seqs: &[i64],
) -> Result<steward_domain::ops::audit::Erasure, DomainError> {
    block_on(async {
        let store = env.db.open().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let council = council::resolve(&mut tx, None).await.unwrap();
        let now = Utc.with_ymd_and_hms(2034, 1, 5, 10, 0, 0).unwrap();
        let ctx = Ctx::new("retention", now, now.date_naive());
        let done = erase_audit_data(&mut tx, &ctx, &council, seqs).await;
        if done.is_ok() {
            tx.commit().await.unwrap();
        }
        done
    })
}

pub(crate) fn seqs_of(env: &Env, actions: &[&str]) -> Vec<i64> {
    let log = env.ok(&["audit", "log", "--limit", "1000"]);
    log.as_array()
        .unwrap()
        .iter()
        .filter(|r| actions.contains(&r["action"].as_str().unwrap()))
        .map(|r| r["seq"].as_i64().unwrap())
        .collect()
}

fn record(env: &Env, seq: i64) -> Value {
    let log = env.ok(&["audit", "log", "--limit", "1000"]);
    log.as_array()
        .unwrap()
        .iter()
        .find(|r| r["seq"] == seq)
        .cloned()
        .unwrap()
}

#[test]
fn erased_data_leaves_the_chain_verifiable() {
    let env = busy_council();
    let key = env.dir.path().join("audit.key");
    env.ok(&["audit", "key", "create", "--out", key.to_str().unwrap()]);
    env.ok(&[
        "audit",
        "checkpoint",
        "--key",
        key.to_str().unwrap(),
        "--dir",
        "cps",
    ]);

    let personal = seqs_of(&env, &["person.add", "term.start"]);
    assert!(!personal.is_empty());
    let done = erase(&env, &personal).unwrap();
    assert_eq!(done.erased, personal);
    let note = done.record.unwrap();
    assert_eq!(note.action, "audit.erase");
    let listed: Value = serde_json::from_str(note.after.as_deref().unwrap()).unwrap();
    assert_eq!(listed["seqs"], serde_json::json!(personal));
    assert!(
        !note.after.unwrap().contains("Ann Oak"),
        "the erasure record names no data"
    );

    let erased = record(&env, personal[0]);
    assert!(erased["before"].is_null() && erased["after"].is_null());
    assert_eq!(erased["erased_on"], "2034-01-05");

    let verified = env.ok(&["audit", "verify", "--checkpoints", "cps"]);
    assert_eq!(verified["ok"], true, "{verified}");
    env.ok(&["audit", "export", "--out", "chain.jsonl"]);
    let export = std::fs::read_to_string(env.dir.path().join("chain.jsonl")).unwrap();
    assert!(!export.contains("Ann Oak"));
    let offline = env.ok(&[
        "audit",
        "verify",
        "--file",
        "chain.jsonl",
        "--checkpoints",
        "cps",
    ]);
    assert_eq!(offline["ok"], true, "{offline}");

    // Erasing again changes nothing and records nothing.
    let again = erase(&env, &personal).unwrap();
    assert!(again.erased.is_empty() && again.record.is_none());
    assert_eq!(again.already_erased, personal);
}

#[test]
fn only_personal_records_that_exist_can_be_erased() {
    let env = busy_council();
    let beat = env.ok(&["audit", "heartbeat", "--as-of", "2027-02-01"]);
    let own = beat["seq"].as_i64().unwrap();
    let err = erase(&env, &[own]).unwrap_err();
    assert!(err.to_string().contains("chain's own record"), "{err}");
    let err = erase(&env, &[9_999]).unwrap_err();
    assert!(matches!(err, DomainError::NotFound { .. }), "{err}");
    assert!(erase(&env, &[]).is_err());
    assert_eq!(env.ok(&["audit", "verify"])["ok"], true);
}

#[test]
fn the_database_allows_erasure_and_nothing_else() {
    let env = busy_council();
    let personal = seqs_of(&env, &["person.add"]);
    let seq = personal[0];
    erase(&env, &[seq]).unwrap();
    let refused = [
        format!("UPDATE audit_events SET actor = 'x' WHERE seq = {seq}"),
        format!("UPDATE audit_events SET erased_on = '2035-01-01' WHERE seq = {seq}"),
        format!("UPDATE audit_events SET after_data = '{{}}' WHERE seq = {seq}"),
        "UPDATE audit_events SET after_data = NULL WHERE seq = 1".to_string(),
        "UPDATE audit_events SET after_data = NULL, before_data = NULL, erased_on = '2034-01-05', \
         actor = 'x' WHERE seq = 1"
            .to_string(),
        "UPDATE audit_events SET before_data = NULL, after_data = NULL, erased_on = 'soon' \
         WHERE seq = 1"
            .to_string(),
        format!("DELETE FROM audit_events WHERE seq = {seq}"),
    ];
    for sql in refused {
        assert!(
            block_on(tamper(&env.db.url, &[&sql])).is_err(),
            "{sql} must be refused"
        );
    }
    assert_eq!(env.ok(&["audit", "verify"])["ok"], true);

    // Erasing in the database by hand, with no record of it, is allowed by the database but
    // caught by the verifier.
    let sql = "UPDATE audit_events SET before_data = NULL, after_data = NULL, \
               erased_on = '2034-01-05' WHERE seq = 1";
    block_on(tamper(&env.db.url, &[sql])).unwrap();
    let run = env.fails(&["audit", "verify"], 7);
    assert_eq!(run.data()["problem"]["problem"], "erased_without_record");
    assert_eq!(run.data()["problem"]["seq"], 1);
}
