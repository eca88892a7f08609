//! What scripts rely on: one envelope for every command under `--json`, one exit code for each
//! kind of outcome whatever the command, `--as-of` for every check of today, flags named as
//! the import's columns.

use crate::support::{Env, refusals};
use crate::workflow::Council;

/// A town council with two councillors of one household and three laptops.
fn town() -> Env {
    let env = Env::new();
    env.council("town-it-policy", "2027-01-04");
    for (reference, name) in [("M1", "Ada Quill"), ("M2", "Bo Quill")] {
        env.ok(&[
            "person",
            "add",
            "--reference",
            reference,
            "--name",
            name,
            "--kind",
            "councillor",
            "--household",
            "quill",
            "--as-of",
            "2027-01-04",
        ]);
    }
    for tag in ["LAP-1", "LAP-2", "LAP-3"] {
        env.ok(&[
            "equipment",
            "add",
            "--asset-tag",
            tag,
            "--kind",
            "laptop",
            "--model",
            "T14",
            "--replacement-cost",
            "650",
            "--purchased-on",
            "2026-11-01",
            "--pat-tested-on",
            "2026-12-01",
            "--as-of",
            "2027-01-04",
        ]);
    }
    env
}

#[test]
fn a_refusal_exits_five_with_its_clause_from_every_command() {
    let env = town();
    env.ok(&["loan", "issue", "M1", "LAP-1", "--as-of", "2027-01-04"]);
    // A second machine to the household, asked and tried in three ways.
    let mut seen = Vec::new();
    for args in [
        ["loan", "check", "M2", "LAP-2"],
        ["loan", "issue", "M2", "LAP-2"],
        ["loan", "issue", "M2", "LAP-3"],
    ] {
        let mut all = args.to_vec();
        all.extend(["--as-of", "2027-01-05"]);
        let run = env.fails(&all, 5);
        let body = run.json();
        assert_eq!(body["command"], format!("{} {}", args[0], args[1]));
        assert!(run.stderr.is_empty(), "no text beside JSON: {}", run.stderr);
        let got = refusals(&run);
        assert!(!got.is_empty(), "{}", run.stdout);
        assert!(got.iter().all(|(_, clause)| clause.is_some()), "{got:?}");
        seen.push(got);
        // People read the same refusal with its clause.
        let human = env.run(&all);
        assert_eq!(human.code, 5, "{}", human.stderr);
        let words = human.stdout.clone() + &human.stderr;
        assert!(words.contains("(clause 4.5, "), "{words}");
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
    // The check answers with what it looked at beside the refusal.
    let run = env.fails(
        &["loan", "check", "M1", "LAP-1", "--as-of", "2027-01-05"],
        5,
    );
    assert_eq!(run.json()["data"]["equipment"]["asset_tag"], "LAP-1");
}

#[test]
fn every_outcome_comes_in_one_envelope_with_its_exit_code() {
    let env = town();
    let added = env.envelope(&["person", "list", "--limit", "1", "--as-of", "2027-01-05"]);
    assert_eq!(added["command"], "person list");
    assert_eq!(added["page"]["total"]["count"], 2);
    assert_eq!(added["data"][0]["reference"], "M1");
    assert_eq!(added["decision"], serde_json::Value::Null);
    let all = env.envelope(&["equipment", "list", "--as-of", "2027-01-05"]);
    assert_eq!(all["page"], serde_json::Value::Null);
    assert_eq!(all["outcome"], "3 items");

    let missing = env.fails(&["loan", "issue", "NOBODY", "LAP-1"], 4);
    let error = &missing.json()["error"];
    assert_eq!(error["kind"], "not_found");
    assert_eq!(error["refusals"], serde_json::json!([]));
    assert!(missing.stderr.is_empty(), "{}", missing.stderr);

    let taken = env.fails(
        &[
            "equipment",
            "add",
            "--asset-tag",
            "LAP-1",
            "--kind",
            "laptop",
            "--model",
            "T14",
            "--replacement-cost",
            "650",
        ],
        6,
    );
    assert_eq!(taken.json()["error"]["kind"], "conflict");
    assert_eq!(taken.json()["error"]["field"], "asset_tag");

    let bad = env.fails(&["equipment", "state", "LAP-1", "sparkly"], 3);
    assert_eq!(bad.json()["error"]["kind"], "invalid");
    let usage = env.fails(&["loan", "isue"], 2);
    assert_eq!(usage.json()["error"]["kind"], "usage");
    assert!(usage.stderr.is_empty(), "{}", usage.stderr);
}

#[test]
fn as_of_is_today_for_every_check_of_the_date() {
    let env = town();
    // Long after the real date: what matters is the day the command acts on.
    let item = env.ok(&[
        "equipment",
        "pat-test",
        "LAP-1",
        "--on",
        "2099-03-01",
        "--as-of",
        "2099-03-02",
    ]);
    assert_eq!(item["pat_tested_on"], "2099-03-01");
    let early = env.fails(
        &[
            "equipment",
            "pat-test",
            "LAP-2",
            "--on",
            "2099-03-03",
            "--as-of",
            "2099-03-02",
        ],
        3,
    );
    assert_eq!(early.json()["error"]["field"], "date");
}

#[test]
fn the_old_flag_names_still_work() {
    let env = town();
    let item = env.ok(&[
        "equipment",
        "add",
        "--tag",
        "LAP-4",
        "--kind",
        "laptop",
        "--model",
        "T14",
        "--cost",
        "650",
        "--purchased",
        "2026-11-01",
        "--pat-tested",
        "2026-12-01",
        "--as-of",
        "2027-01-04",
    ]);
    assert_eq!(item["purchased_on"], "2026-11-01");
    assert_eq!(item["pat_tested_on"], "2026-12-01");
    let help = env.run(&["equipment", "add", "--help"]);
    assert!(help.stdout.contains("--purchased-on"), "{}", help.stdout);
    assert!(!help.stdout.contains("--purchased "), "{}", help.stdout);
}

#[test]
fn a_report_of_misuse_by_others_opens_a_case_where_the_policy_sends_it() {
    let c = Council::new(
        "county-members-policy",
        &[("M1", "Ada Quill", "councillor", &[])],
        &[],
    );
    let raised = c.env.envelope(&[
        "request",
        "raise",
        "--as",
        "user-m1",
        "--kind",
        "misuse_by_others",
        "--summary",
        "Someone used the committee laptop for gambling",
        "--as-of",
        "2027-02-01",
    ]);
    assert_eq!(raised["command"], "request raise");
    let handlers = raised["decision"]["handlers"].as_array().unwrap();
    assert!(
        handlers.contains(&serde_json::json!("assistant_head_of_finance_audit")),
        "{raised}"
    );
    let clause = raised["decision"]["clause"].as_str().unwrap();
    let id = raised["data"]["id"].as_i64().unwrap();
    let outcome = raised["outcome"].as_str().unwrap();
    assert!(outcome.contains(&format!("case {id}")), "{outcome}");
    assert!(outcome.contains(&format!("clause {clause}")), "{outcome}");
    assert_eq!(raised["data"]["handlers"], raised["decision"]["handlers"]);
}
