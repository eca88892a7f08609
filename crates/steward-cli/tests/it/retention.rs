//! Retention under the town preset (requests 2 years after closing, cases 6 years, leavers a
//! year after leaving, notices a year after filing): a dry run changes nothing, a purge takes
//! exactly what is due, the audit trail still verifies, and a second purge takes nothing.

use crate::api::{PASSWORD, user};
use crate::support::Env;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

/// Signs the clerk in once and fails one sign-in, on a server pinned to `day`: a session and a
/// failed sign-in, both last used that day.
fn sign_in_and_fail(env: &Env, day: &str) {
    let mut child = env
        .command()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--no-sweep",
            "--as-of",
            day,
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start server");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("URL printed")
        .to_string();
    crate::serve::sign_in(&addr, "test-council", "clerk", PASSWORD);
    let path = "/councils/test-council/sign-in";
    let (_, page) = crate::serve::get(&addr, path);
    let cookie = page
        .lines()
        .filter_map(|l| l.strip_prefix("set-cookie: "))
        .filter_map(|c| c.split(';').next())
        .find(|c| c.starts_with("steward_form="))
        .expect("form cookie")
        .to_string();
    let token = page
        .split(r#"name="csrf_token" value=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("token");
    let form = format!("csrf_token={token}&username=clerk&password=not+the+password");
    let (status, _) = crate::serve::send(&addr, "POST", path, &cookie, &form);
    assert_eq!(status, 400, "a wrong password is refused");
    let _ = child.kill();
    let _ = child.wait();
}

fn person(env: &Env, reference: &str, name: &str, office: Option<&str>) {
    let mut args = vec![
        "person",
        "add",
        "--ref",
        reference,
        "--name",
        name,
        "--kind",
        if office.is_some() {
            "employee"
        } else {
            "councillor"
        },
        "--term-start",
        "2026-05-07",
        "--as-of",
        "2027-01-04",
    ];
    if let Some(office) = office {
        args.extend_from_slice(&["--office", office]);
    }
    env.ok(&args);
}

/// The clerk S1; councillors M1 (leaves with nothing on loan) and M2 (leaves holding LAP-2);
/// a withdrawn request, a closed case, and the notices of one sweep.
fn town() -> Env {
    let env = Env::new();
    env.council("town-it-policy", "2027-01-04");
    person(&env, "S1", "Dot Clerk", Some("town_clerk"));
    person(&env, "M1", "Ada Quill", None);
    person(&env, "M2", "Cy Fenn", None);
    user(
        &env,
        &["--username", "clerk", "--role", "officer", "--person", "S1"],
    );
    for tag in ["LAP-1", "LAP-2"] {
        env.ok(&[
            "equipment",
            "add",
            "--tag",
            tag,
            "--kind",
            "laptop",
            "--model",
            "T14",
            "--cost",
            "650",
            "--as-of",
            "2027-01-04",
        ]);
        env.ok(&[
            "equipment",
            "pat-test",
            tag,
            "--on",
            "2027-01-04",
            "--as-of",
            "2027-01-04",
        ]);
    }
    env.ok(&["loan", "issue", "M2", "LAP-2", "--as-of", "2027-01-05"]);
    env.ok(&[
        "person",
        "web-identity",
        "add",
        "M1",
        "ada.quill",
        "--as-of",
        "2027-01-05",
    ]);
    // Three months on, LAP-2 is overdue: the sweep files a notice about it.
    env.ok(&["sweep", "--as-of", "2027-04-10"]);
    let asked = env.ok(&[
        "request",
        "raise",
        "--as",
        "clerk",
        "--kind",
        "software_install",
        "--equipment",
        "LAP-1",
        "--software",
        "Screen reader",
        "--summary",
        "A screen reader for the council chamber laptop",
        "--as-of",
        "2027-02-01",
    ]);
    let id = asked["id"].as_i64().unwrap().to_string();
    env.ok(&[
        "request",
        "withdraw",
        &id,
        "--reason",
        "Bought another way",
        "--as",
        "clerk",
        "--as-of",
        "2027-02-03",
    ]);
    let raised = env.ok(&[
        "case",
        "raise",
        "--anonymous",
        "--summary",
        "Games in working hours",
        "--as-of",
        "2027-02-02",
    ]);
    let case = raised["id"].as_i64().unwrap().to_string();
    env.ok(&[
        "case",
        "close",
        &case,
        "--outcome",
        "advice",
        "--note",
        "Spoke to them",
        "--as",
        "clerk",
        "--as-of",
        "2027-02-04",
    ]);
    sign_in_and_fail(&env, "2027-02-05");
    for who in ["M1", "M2"] {
        env.ok(&[
            "person",
            "leave",
            who,
            "--on",
            "2027-05-06",
            "--reason",
            "not_re_elected",
            "--as-of",
            "2027-05-07",
        ]);
    }
    env
}

fn kind<'a>(plan: &'a Value, key: &str) -> &'a Value {
    plan["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == key)
        .unwrap_or_else(|| panic!("no {key} in {plan}"))
}

fn due(plan: &Value, key: &str) -> Vec<String> {
    kind(plan, key)["due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap().to_string())
        .collect()
}

fn log(env: &Env, entity: &str, id: &str) -> Vec<Value> {
    env.ok(&[
        "audit", "log", "--entity", entity, "--id", id, "--limit", "1000",
    ])
    .as_array()
    .unwrap()
    .clone()
}

fn erased(records: &[Value]) -> bool {
    !records.is_empty()
        && records
            .iter()
            .all(|r| r["before"].is_null() && r["after"].is_null() && !r["erased_on"].is_null())
}

fn head(env: &Env) -> usize {
    env.ok(&["audit", "log", "--limit", "100000"])
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn a_purge_takes_exactly_what_is_due_and_the_chain_still_verifies() {
    let env = town();
    // 2029-03-01: the request (closed Feb 2027) and the notices (April 2027) are past their
    // periods, and so are the leavers (May 2027); the case is kept until 2033.
    let day = "2029-03-01";
    let before = head(&env);
    let plan = env.ok(&["retention", "purge", "--dry-run", "--as-of", day]);
    assert_eq!(plan["purged"], false);
    assert_eq!(
        due(&plan, "closed_requests"),
        ["Request 1 (software install)"]
    );
    assert!(due(&plan, "closed_cases").is_empty());
    assert_eq!(kind(&plan, "closed_cases")["kept"], 1);
    assert_eq!(due(&plan, "leavers"), ["Person M1"]);
    let held = &kind(&plan, "leavers")["held"];
    assert_eq!(held[0]["reference"], "Person M2", "{plan}");
    assert!(held[0]["reason"].as_str().unwrap().contains("on loan"));
    let notices = due(&plan, "notices");
    assert!(!notices.is_empty());
    assert_eq!(kind(&plan, "notices")["citation"]["clause"], "2.1");
    assert_eq!(kind(&plan, "leavers")["keep"], "1 year");
    let sessions = due(&plan, "sessions");
    assert_eq!(
        sessions,
        ["Failed sign-in as clerk", "Session of clerk"],
        "{plan}"
    );
    // The dry run changed nothing.
    assert_eq!(head(&env), before);
    assert!(!erased(&log(&env, "request", "1")));
    let human = env.run(&["retention", "purge", "--dry-run", "--as-of", day]);
    assert!(
        human.stdout.contains("clause 2.1, IT Policy"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("Person M2"), "{}", human.stdout);

    let done = env.ok(&["retention", "purge", "--as-of", day]);
    assert_eq!(done["purged"], true);
    assert_eq!(kind(&done, "closed_requests")["purged"], 1);
    assert_eq!(kind(&done, "leavers")["purged"], 1);
    assert_eq!(kind(&done, "notices")["purged"], notices.len());
    assert_eq!(kind(&done, "closed_cases")["purged"], 0);
    assert_eq!(kind(&done, "sessions")["purged"], 2);
    assert!(done["audit_erased"].as_u64().unwrap() > 0);

    // What was due lost its personal data, in the register and in the audit trail.
    assert!(erased(&log(&env, "request", "1")));
    assert!(erased(&log(&env, "person", "M1")));
    let names = env
        .ok(&["person", "web-identity", "list", "M1"])
        .to_string();
    assert!(!names.contains("ada.quill"), "{names}");
    let shown = env.ok(&["person", "show", "M1"]).to_string();
    assert!(
        !shown.contains("Ada Quill") && shown.contains("(erased)"),
        "{shown}"
    );
    // What was not due kept it.
    let m2 = log(&env, "person", "M2");
    assert!(m2.iter().all(|r| r["erased_on"].is_null()));
    assert!(
        env.ok(&["person", "show", "M2"])
            .to_string()
            .contains("Cy Fenn")
    );
    let case = log(&env, "case", "1");
    assert!(case.iter().all(|r| r["erased_on"].is_null()));
    // The chain says what kind went and how many, never what they held.
    let purges = log(&env, "retention", "leavers");
    assert_eq!(purges.len(), 1);
    let note = purges[0]["after"].as_str().unwrap().to_string();
    assert!(
        note.contains("\"records\":1") && note.contains("2.1"),
        "{note}"
    );
    assert!(!note.contains("Ada") && !note.contains("M1"), "{note}");
    let all = env.ok(&["audit", "log", "--limit", "100000"]).to_string();
    assert!(
        !all.contains("Ada Quill") && !all.contains("ada.quill"),
        "the trail still names a purged leaver"
    );

    assert_eq!(env.ok(&["audit", "verify"])["ok"], true);

    // Again: nothing more is due, and nothing is written.
    let after = head(&env);
    let again = env.ok(&["retention", "purge", "--as-of", day]);
    let left: usize = again["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["due"].as_array().unwrap().len())
        .sum();
    assert_eq!(left, 0, "{again}");
    assert_eq!(head(&env), after);
    // The daily sweep runs the same purge: nothing further either.
    let swept = env.ok(&["sweep", "--as-of", day]);
    assert_eq!(swept["retention_purged"], 0);
    assert_eq!(env.ok(&["audit", "verify"])["ok"], true);
}

#[test]
fn a_policy_without_retention_keeps_everything() {
    let env = Env::new();
    env.council("city-members-code", "2027-01-04");
    let plan = env.ok(&["retention", "plan", "--as-of", "2040-01-01"]);
    assert!(plan["kinds"].as_array().unwrap().is_empty());
    assert_eq!(plan["not_set"].as_array().unwrap().len(), 9);
    let done = env.ok(&["retention", "purge", "--as-of", "2040-01-01"]);
    assert_eq!(done["audit_erased"], 0);
    assert_eq!(env.ok(&["audit", "verify"])["ok"], true);
}
