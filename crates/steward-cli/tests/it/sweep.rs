//! The daily sweep: idempotent for every preset, on whichever database the suite runs against;
//! the leaver's charge raised once; a dry run that changes nothing; and the server running the
//! sweep and the sender by itself.

use crate::mailsink::Sink;
use crate::support::Env;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

const COUNCILS: &[&str] = &[
    "ashbury-city",
    "brackenshire-county",
    "caldmoor-city",
    "dunmere-town",
    "fenwold-borough",
];

fn count(env: &Env, council: &str) -> usize {
    env.ok(&["outbox", "list", "--council", council])
        .as_array()
        .unwrap()
        .len()
}

/// A word a person would not write: `snake_case`, or braces and brackets of data formats.
fn internal_word(text: &str) -> Option<&str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '"' | '(' | ')' | '.' | ':'))
        .find(|w| {
            let snake = w.contains('_')
                && !w.contains('@')
                && w.split('_')
                    .all(|part| part.chars().all(|c| c.is_ascii_lowercase()));
            snake || w.starts_with('{') || w.starts_with("[[")
        })
}

/// Every email the sweep queued, subject and text, is in words.
fn emails_read_as_words(env: &Env, council: &str) {
    let listed = env.ok(&["outbox", "list", "--council", council]);
    for m in listed.as_array().unwrap() {
        let id = m["id"].as_i64().unwrap().to_string();
        let shown = env.ok(&["outbox", "show", &id, "--council", council]);
        let subject = shown["message"]["subject"].as_str().unwrap();
        let body = shown["notice"]["body_text"].as_str().unwrap();
        assert_eq!(internal_word(subject), None, "{council}: {subject}");
        assert_eq!(internal_word(body), None, "{council}: {body}");
    }
}

#[test]
fn sweeping_the_same_day_twice_queues_nothing_new_for_any_preset() {
    assert_eq!(internal_word("due on_loan"), Some("on_loan"));
    let env = Env::new();
    let demo = env.run(&["demo", "--no-serve", "--as-of", "2027-05-20"]);
    assert_eq!(demo.code, 0, "{}", demo.stderr);
    let mut total = 0;
    for council in COUNCILS {
        let sweep = |extra: &[&str]| {
            let mut args = vec!["sweep", "--council", council, "--as-of", "2027-05-20"];
            args.extend_from_slice(extra);
            env.ok(&args)
        };
        let dry = sweep(&["--dry-run"]);
        assert_eq!(
            count(&env, council),
            0,
            "{council}: a dry run queues nothing"
        );
        let would = dry["findings"].as_array().unwrap().len();

        let first = sweep(&[]);
        let queued = first["queued"].as_u64().unwrap() as usize;
        assert_eq!(queued, would, "{council}: {first:#}");
        assert!(queued > 0, "{council} found nothing to tell: {first:#}");
        let messages = count(&env, council);
        assert_eq!(messages, first["messages"].as_u64().unwrap() as usize);
        emails_read_as_words(&env, council);
        for f in first["findings"].as_array().unwrap() {
            let decision = f["decision"].as_str().unwrap();
            assert!(decision.contains(" \u{2014} "), "{council}: {decision}");
        }

        let second = sweep(&[]);
        assert_eq!(second["queued"], 0, "{council}: {second:#}");
        assert_eq!(second["charges"], 0, "{council}: {second:#}");
        assert!(
            second["findings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["outcome"] == "already_queued"),
            "{council}: {second:#}"
        );
        assert_eq!(count(&env, council), messages, "{council}");
        total += queued;
    }
    assert!(total > 10, "{total}");
    env.ok(&["audit", "verify", "--council", "dunmere-town"]);
}

fn leaver() -> Env {
    let env = Env::new();
    // Leavers return equipment within 10 days or pay its replacement cost.
    env.council("city-members-code", "2026-01-01");
    env.ok(&[
        "person",
        "add",
        "--ref",
        "M1",
        "--name",
        "Eve Marsh",
        "--kind",
        "councillor",
        "--email",
        "eve@example.org",
        "--term-start",
        "2023-05-04",
    ]);
    env.ok(&[
        "equipment",
        "add",
        "--tag",
        "LAP-7",
        "--kind",
        "laptop",
        "--model",
        "X1",
        "--cost",
        "799.00",
    ]);
    env.ok(&["loan", "issue", "M1", "LAP-7", "--as-of", "2027-01-10"]);
    env.ok(&[
        "person",
        "leave",
        "M1",
        "--on",
        "2027-05-06",
        "--reason",
        "not_re_elected",
        "--as-of",
        "2027-05-06",
    ]);
    env
}

fn charges(env: &Env) -> Vec<Value> {
    env.ok(&["loan", "show", "1"])["charges"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn the_sweep_raises_a_leavers_charge_once() {
    let env = leaver();
    // The last day to return it: a reminder, no charge.
    let due = env.ok(&["sweep", "--as-of", "2027-05-16"]);
    assert_eq!(due["charges"], 0, "{due:#}");
    assert!(charges(&env).is_empty());
    let keys: Vec<&str> = due["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"loan-ending:loan-1:2027-05-16"), "{keys:?}");

    let dry = env.ok(&["sweep", "--as-of", "2027-05-17", "--dry-run"]);
    assert!(charges(&env).is_empty(), "a dry run raises nothing");
    assert!(
        dry["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["action"]["kind"] == "raise_charge"),
        "{dry:#}"
    );

    let late = env.ok(&["sweep", "--as-of", "2027-05-17"]);
    assert_eq!(late["charges"], 1, "{late:#}");
    let raised = charges(&env);
    assert_eq!(raised.len(), 1);
    assert_eq!(raised[0]["amount"], 79_900);
    let finding = late["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "leaving-charge:loan-1")
        .unwrap_or_else(|| panic!("{late:#}"));
    assert!(
        finding["decision"]
            .as_str()
            .unwrap()
            .starts_with("Charge of £799.00 raised \u{2014} clause "),
        "{finding:#}"
    );

    // Never twice: not the same day, not a week on, and not by hand afterwards.
    for day in ["2027-05-17", "2027-05-24"] {
        let again = env.ok(&["sweep", "--as-of", day]);
        assert_eq!(again["charges"], 0, "{again:#}");
    }
    assert_eq!(charges(&env).len(), 1);
    env.fails(&["loan", "charge", "1", "--as-of", "2027-05-25"], 6);
    let log = env.ok(&["audit", "log", "--entity", "loan", "--id", "1"]);
    let raised = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == "charge.raise")
        .count();
    assert_eq!(raised, 1);
    env.ok(&["audit", "verify"]);
}

#[test]
fn the_server_sweeps_at_start_up_and_sends_in_the_background() {
    let env = leaver();
    let sink = Sink::start();
    let mut child = env
        .command()
        .args(["serve", "--listen", "127.0.0.1:0", "--as-of", "2027-05-17"])
        .args([
            "--smtp",
            &sink.url(),
            "--mail-from",
            "it@ashbury.example.org",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start server");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("running at"), "{first}");
    // The sweep queues the overdue reminder and the charge notice; the sender sends both.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while sink.to("eve@example.org").len() < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    child.kill().unwrap();
    let _ = child.wait();
    let received = sink.to("eve@example.org");
    let subjects: Vec<&str> = received
        .iter()
        .map(|m| m["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects.len(), 2, "{subjects:?}");
    assert!(
        subjects.contains(&"A charge has been raised for LAP-7"),
        "{subjects:?}"
    );
    assert_eq!(charges(&env).len(), 1);
}

#[test]
fn the_sweep_chases_late_requests_weekly_and_opens_phone_evaluations_once() {
    let env = Env::new();
    env.council("borough-members-protocol", "2027-01-04");
    for (r, name, kind, office) in [
        ("M1", "Cab Member", "councillor", "cabinet_member"),
        (
            "S1",
            "Lin Manager",
            "employee",
            "legal_and_democratic_services_manager",
        ),
        ("S2", "Hal Desk", "employee", "service_desk"),
    ] {
        env.ok(&[
            "person",
            "add",
            "--ref",
            r,
            "--name",
            name,
            "--kind",
            kind,
            "--office",
            office,
            "--email",
            &format!("{}@example.org", r.to_lowercase()),
            "--term-start",
            "2026-05-07",
            "--as-of",
            "2027-01-04",
        ]);
    }
    env.ok(&[
        "equipment",
        "add",
        "--tag",
        "PHN-1",
        "--kind",
        "mobile_phone",
        "--model",
        "Phone",
        "--cost",
        "300",
        "--as-of",
        "2027-01-04",
    ]);
    env.ok(&[
        "acceptance",
        "sign",
        "M1",
        "--typed-name",
        "Cab Member",
        "--as-of",
        "2027-01-05",
    ]);
    env.ok(&["loan", "issue", "M1", "PHN-1", "--as-of", "2027-01-05"]);
    let sweep = |day: &str| env.ok(&["sweep", "--as-of", day]);
    // The help desk's officer passes on the holder's training needs on Monday 1 February; the
    // preset answers routine requests within ten working days (due at the end of Friday
    // 12 February), and nobody at Member Services takes it up.
    let mut child = env
        .command()
        .args([
            "user",
            "create",
            "--username",
            "desk",
            "--role",
            "officer",
            "--person",
            "S2",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password for tests\n")
        .unwrap();
    assert!(child.wait().unwrap().success());
    let asked = env.ok(&[
        "request",
        "raise",
        "--kind",
        "training",
        "--for",
        "M1",
        "--summary",
        "Help with video calls",
        "--as",
        "desk",
        "--as-of",
        "2027-02-01",
    ]);
    assert_eq!(asked["handler"], "member_services");
    let late = |report: &Value| -> Vec<String> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["source"] == "late-request" && f["outcome"] == "queued")
            .map(|f| f["key"].as_str().unwrap().to_string())
            .collect()
    };
    let on_time = sweep("2027-02-12");
    assert!(late(&on_time).is_empty(), "{on_time:#}");
    let a = sweep("2027-02-13");
    let b = sweep("2027-02-14");
    let c = sweep("2027-02-20");
    assert_eq!(late(&a).len(), 1, "{a:#}");
    assert!(late(&b).is_empty(), "{b:#}");
    assert_eq!(late(&c).len(), 1, "a week later, a reminder: {c:#}");
    // The phone is due its yearly evaluation on 5 January 2028: a request is opened for the
    // manager two weeks before, once.
    let before = sweep("2027-12-20");
    assert!(
        before["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["source"] != "phone-evaluation"),
        "{before:#}"
    );
    let opened = sweep("2027-12-22");
    let found: Vec<&Value> = opened["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["source"] == "phone-evaluation")
        .collect();
    assert_eq!(found.len(), 1, "{opened:#}");
    assert!(
        found[0]["recipients"][0]
            .as_str()
            .unwrap()
            .contains("Lin Manager")
    );
    let again = sweep("2027-12-23");
    assert!(
        again["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["source"] == "phone-evaluation")
            .all(|f| f["outcome"] == "already_queued"),
        "{again:#}"
    );
}
