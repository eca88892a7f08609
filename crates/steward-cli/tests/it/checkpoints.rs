//! Signed checkpoints, heartbeats, exports checked without a database, and erasure of
//! personal data that leaves the chain verifiable.

use crate::audit::{block_on, busy_council, drop_guards, tamper};
use crate::support::Env;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn key(env: &Env, name: &str) -> PathBuf {
    let path = env.dir.path().join(name);
    env.ok(&["audit", "key", "create", "--out", path.to_str().unwrap()]);
    path
}

fn checkpoint(env: &Env, key: &Path, dir: &str) -> Value {
    env.ok(&[
        "audit",
        "checkpoint",
        "--key",
        key.to_str().unwrap(),
        "--dir",
        dir,
    ])
}

fn more_changes(env: &Env, tag: &str) {
    env.ok(&[
        "equipment",
        "add",
        "--tag",
        tag,
        "--kind",
        "laptop",
        "--model",
        "Y",
        "--cost",
        "400",
        "--as-of",
        "2027-01-05",
    ]);
}

#[test]
fn a_key_is_private_and_never_overwritten() {
    let env = Env::new();
    let path = env.dir.path().join("audit.key");
    let made = env.ok(&["audit", "key", "create", "--out", path.to_str().unwrap()]);
    let public = made["public_key"].as_str().unwrap();
    assert_eq!(public.len(), 64);
    let text = std::fs::read_to_string(env.dir.path().join("audit.key.pub")).unwrap();
    assert!(text.contains(public));
    let secret = std::fs::read_to_string(&path).unwrap();
    assert!(
        !secret.contains(public),
        "the private file holds the secret half"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let again = env.fails(
        &["audit", "key", "create", "--out", path.to_str().unwrap()],
        6,
    );
    assert!(again.says("never overwritten"), "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), secret);
}

#[test]
fn checkpoints_hold_while_the_chain_only_grows() {
    let env = busy_council();
    let key = key(&env, "audit.key");
    let first = checkpoint(&env, &key, "cps");
    let seq = first["seq"].as_i64().unwrap();
    assert_eq!(first["noted_as"].as_i64(), Some(seq));
    let file = format!("test-council-{seq:012}.checkpoint.json");
    assert!(first["file"].as_str().unwrap().ends_with(&file));
    let log = env.ok(&["audit", "log", "--entity", "audit"]);
    assert_eq!(log[0]["action"], "audit.checkpoint");

    more_changes(&env, "LAP-2");
    checkpoint(&env, &key, "cps");
    more_changes(&env, "LAP-3");

    let public = format!("{}.pub", key.display());
    let verified = env.ok(&[
        "audit",
        "verify",
        "--checkpoints",
        "cps",
        "--public-key",
        &public,
    ]);
    assert_eq!(verified["ok"], true);
    let findings = verified["checkpoints"].as_array().unwrap();
    assert_eq!(findings.len(), 2);
    assert!(findings.iter().all(|f| f["ok"] == true));

    // The auditor's copy: checked with no database at all.
    env.ok(&["audit", "export", "--out", "chain.jsonl"]);
    let offline = env
        .command()
        .env("STEWARD_DB", "sqlite:///nonexistent/dir/never.db")
        .args([
            "audit",
            "verify",
            "--file",
            "chain.jsonl",
            "--checkpoints",
            "cps",
            "--public-key",
            &public,
            "--json",
        ])
        .output()
        .unwrap();
    assert!(offline.status.success(), "{:?}", offline);
    let report: Value = serde_json::from_slice(&offline.stdout).unwrap();
    assert_eq!(report["ok"], true);
    assert_eq!(report["command"], "audit verify");
    assert_eq!(report["data"]["checkpoints"].as_array().unwrap().len(), 2);
}

#[test]
fn checkpoints_from_another_key_council_or_edited_are_refused() {
    let env = busy_council();
    let key_a = key(&env, "a.key");
    key(&env, "b.key");
    checkpoint(&env, &key_a, "cps");
    let b_pub = env.dir.path().join("b.key.pub");
    let run = env.fails(
        &[
            "audit",
            "verify",
            "--checkpoints",
            "cps",
            "--public-key",
            b_pub.to_str().unwrap(),
        ],
        7,
    );
    let finding = &run.data()["checkpoints"][0];
    assert!(
        finding["file"]
            .as_str()
            .unwrap()
            .ends_with(".checkpoint.json")
    );
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("not by the trusted key")
    );

    // An edited checkpoint no longer matches its signature.
    let dir = env.dir.path().join("cps");
    let path = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut cp: Value = serde_json::from_str(&text).unwrap();
    cp["seq"] = Value::from(cp["seq"].as_i64().unwrap() - 1);
    std::fs::write(&path, serde_json::to_string(&cp).unwrap()).unwrap();
    let run = env.fails(&["audit", "verify", "--checkpoints", "cps"], 7);
    assert!(
        run.data()["checkpoints"][0]["message"]
            .as_str()
            .unwrap()
            .contains("signature does not match"),
        "{}",
        run.stdout
    );
    let human = env.run(&["audit", "verify", "--checkpoints", "cps"]);
    assert_eq!(human.code, 7);
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(
        human.stdout.contains(&format!("FAIL cps/{name}")),
        "{}",
        human.stdout
    );

    // A checkpoint of another council, signed by the same key.
    let other = busy_council();
    checkpoint(&other, &key_a, "theirs");
    let theirs = other.dir.path().join("theirs");
    let mut cp: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::fs::read_dir(&theirs)
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(cp["council"], "test-council");
    cp["council_id"] = Value::from(0);
    std::fs::write(
        theirs.join("x.checkpoint.json"),
        serde_json::to_string(&cp).unwrap(),
    )
    .unwrap();
    let run = other.fails(
        &["audit", "verify", "--checkpoints", theirs.to_str().unwrap()],
        7,
    );
    assert!(run.stdout.contains("x.checkpoint.json"), "{}", run.stdout);
}

#[test]
fn winding_back_the_head_is_caught_by_a_checkpoint() {
    let env = busy_council();
    let key = key(&env, "audit.key");
    more_changes(&env, "LAP-2");
    let cp = checkpoint(&env, &key, "cps");
    let seq = cp["seq"].as_i64().unwrap();
    cut_records_from(&env, seq);
    // The chain alone looks whole: only the checkpoint shows records were removed.
    assert_eq!(env.ok(&["audit", "verify"])["ok"], true);
    let run = env.fails(&["audit", "verify", "--checkpoints", "cps"], 7);
    let message = run.data()["checkpoints"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("records were removed"), "{message}");
}

#[test]
fn heartbeats_fill_quiet_periods_once() {
    let env = busy_council();
    let quiet = env.ok(&["audit", "heartbeat", "--as-of", "2027-01-04"]);
    assert_eq!(quiet["recorded"], false);
    let beat = env.ok(&["audit", "heartbeat", "--as-of", "2027-01-09"]);
    assert_eq!(beat["recorded"], true);
    let again = env.ok(&["audit", "heartbeat", "--as-of", "2027-01-09"]);
    assert_eq!(again["recorded"], false);
    let weekly = env.ok(&[
        "audit",
        "heartbeat",
        "--quiet-for",
        "7d",
        "--as-of",
        "2027-01-12",
    ]);
    assert_eq!(weekly["recorded"], false);
    env.fails(&["audit", "heartbeat", "--quiet-for", "soon"], 2);
    let log = env.ok(&["audit", "log", "--entity", "audit"]);
    assert_eq!(log.as_array().unwrap().len(), 1);
    assert_eq!(log[0]["action"], "audit.heartbeat");
    assert_eq!(env.ok(&["audit", "verify"])["ok"], true);
}

/// Removes the audit records from `seq` on and winds the chain head back to the record
/// before them, guards and all: what someone with the database's keys could do unseen by
/// the chain alone.
pub(crate) fn cut_records_from(env: &Env, seq: i64) {
    let log = env.ok(&["audit", "log", "--limit", "1000"]);
    let prev_hash = log.as_array().unwrap()[(seq - 2) as usize]["hash"]
        .as_str()
        .unwrap()
        .to_string();
    let mut sql: Vec<String> = drop_guards(&env.db.url)
        .into_iter()
        .map(String::from)
        .collect();
    sql.push(if env.db.url.starts_with("postgres") {
        "DROP TRIGGER audit_heads_seq_only_grows ON audit_heads".to_string()
    } else {
        "DROP TRIGGER audit_heads_seq_only_grows".to_string()
    });
    sql.push(format!("DELETE FROM audit_events WHERE seq >= {seq}"));
    sql.push(format!(
        "UPDATE audit_heads SET seq = {}, hash = '{prev_hash}'",
        seq - 1
    ));
    block_on(tamper(&env.db.url, &sql)).unwrap();
}
