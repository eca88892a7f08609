//! What the daily sweep does with device and mail findings: the holder is told once, the
//! office the pack names for security problems gets a request in its queue, a serious finding
//! opens a breach case; and the town's antivirus exception, approved by the Town Clerk (003,
//! 2.2), turns the finding into one that needs nobody to act.

use crate::api::user;
use crate::mail_forwarding::import_graph;
use crate::support::Env;
use serde_json::Value;

const DAY: &str = "2026-03-10";

/// A council under `preset` with laptop LAP-0042, lent to councillor M1 in the town (whose
/// policy puts no gate before a loan); elsewhere the laptop is in stock.
fn setup(preset: &str, lend: bool) -> Env {
    let env = Env::new();
    env.council(preset, "2026-01-05");
    env.ok(&[
        "person",
        "add",
        "--ref",
        "M1",
        "--name",
        "Ada Quill",
        "--kind",
        "councillor",
        "--email",
        "ada@council.example.gov.uk",
        "--household",
        "H1",
        "--term-start",
        "2025-05-07",
        "--as-of",
        "2026-01-05",
    ]);
    env.ok(&[
        "equipment",
        "add",
        "--tag",
        "LAP-0042",
        "--kind",
        "laptop",
        "--model",
        "Council build",
        "--cost",
        "650",
        "--serial",
        "PF3LK9QZ",
        "--as-of",
        "2026-01-05",
    ]);
    if lend {
        env.ok(&["loan", "issue", "M1", "LAP-0042", "--as-of", "2026-03-02"]);
    }
    user(&env, &["--username", "admin", "--role", "admin"]);
    user(&env, &["--username", "audit", "--role", "auditor"]);
    let csv = env.file(
        "checks.csv",
        "device,check,result,observed_at,source,detail\n\
         PF3LK9QZ,antivirus,fail,2026-03-09T08:10:05Z,council script,real-time protection off\n",
    );
    env.ok(&[
        "posture",
        "import",
        csv.to_str().unwrap(),
        "--format",
        "steward",
        "--as-of",
        DAY,
    ]);
    env
}

fn sweep(env: &Env, day: &str) -> Value {
    env.ok(&["sweep", "--as-of", day])
}

/// The findings of one source in a sweep's report.
fn of_source(report: &Value, source: &str) -> Vec<Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["source"] == source)
        .cloned()
        .collect()
}

fn security_requests(env: &Env) -> Vec<Value> {
    env.ok(&["request", "list", "--state", "all", "--as", "admin"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "security_problem")
        .cloned()
        .collect()
}

#[test]
fn antivirus_off_is_filed_once_under_each_councils_clause() {
    for (preset, clause, lend) in [
        ("city-members-code", "28.2", false),
        ("town-it-policy", "2.2", true),
        ("borough-members-protocol", "3.3.1", false),
    ] {
        let env = setup(preset, lend);
        let first = sweep(&env, DAY);
        let found = of_source(&first, "posture");
        let keys: Vec<&str> = found.iter().map(|f| f["key"].as_str().unwrap()).collect();
        let expected = if lend { 2 } else { 1 };
        assert_eq!(found.len(), expected, "{preset}: {keys:?}");
        for f in &found {
            assert_eq!(f["citation"]["clause"], clause, "{preset}: {f}");
            assert_eq!(f["outcome"], "queued", "{preset}: {f}");
            assert!(
                f["decision"].as_str().unwrap().contains(clause),
                "{preset}: {f}"
            );
        }
        // The office's request is in its queue, about the laptop.
        let queued = security_requests(&env);
        assert_eq!(queued.len(), 1, "{preset}: {queued:?}");
        if lend {
            let to_holder = found
                .iter()
                .find(|f| f["key"].as_str().unwrap().contains(":person-"))
                .expect("the holder is told");
            assert_eq!(to_holder["recipients"].as_array().unwrap().len(), 1);
            assert!(
                to_holder["recipients"][0]
                    .as_str()
                    .unwrap()
                    .contains("Ada Quill"),
                "{to_holder}"
            );
        }
        // The second sweep of the day, and the next day's, file nothing more.
        for day in [DAY, "2026-03-11"] {
            let again = sweep(&env, day);
            let found = of_source(&again, "posture");
            assert!(
                found.iter().all(|f| f["outcome"] == "already_queued"),
                "{preset}: {found:?}"
            );
            assert_eq!(security_requests(&env).len(), 1, "{preset}");
        }
    }
}

#[test]
fn the_town_clerk_can_authorise_antivirus_off_until_a_date() {
    let env = setup("town-it-policy", true);
    env.ok(&[
        "person",
        "add",
        "--ref",
        "S1",
        "--name",
        "Tom Clerk",
        "--kind",
        "employee",
        "--office",
        "town_clerk",
        "--as-of",
        "2026-01-05",
    ]);
    user(
        &env,
        &["--username", "clerk", "--role", "officer", "--person", "S1"],
    );
    let asked = env.ok(&[
        "request",
        "raise",
        "--as",
        "admin",
        "--for",
        "M1",
        "--kind",
        "posture_exception",
        "--equipment",
        "LAP-0042",
        "--duty",
        "antivirus",
        "--until",
        "2027-01-05",
        "--summary",
        "The scanner breaks the planning software until its upgrade",
        "--as-of",
        DAY,
    ]);
    assert_eq!(asked["handler"], "town_clerk", "{asked}");
    assert_eq!(asked["state"], "awaiting_approval");
    assert_eq!(asked["approval"]["citation"]["clause"], "2.2");
    // Before approval the laptop still breaks the duty.
    let before = env.ok(&["posture", "findings", "--item", "LAP-0042", "--as-of", DAY]);
    assert!(before[0]["findings"][0]["excepted"].is_null(), "{before}");
    let id = asked["id"].as_i64().unwrap().to_string();
    env.ok(&[
        "request",
        "approve",
        &id,
        "--reason",
        "Until the upgrade",
        "--as",
        "clerk",
        "--as-of",
        DAY,
    ]);
    let after = env.ok(&["posture", "findings", "--item", "LAP-0042", "--as-of", DAY]);
    let finding = &after[0]["findings"][0];
    assert_eq!(finding["excepted"]["until"], "2027-01-05", "{after}");
    let says = finding["says"].as_str().unwrap();
    assert!(
        says.contains("authorised off by the Town Clerk until 5 January 2027 (2.2)"),
        "{says}"
    );
    // Nothing is filed for it: it needs no one to act.
    let swept = sweep(&env, DAY);
    assert!(of_source(&swept, "posture").is_empty(), "{swept}");
    assert!(security_requests(&env).is_empty());
    // A policy that lets no one authorise a duty off refuses the request with its clause.
    let refused = env.run(&[
        "request",
        "raise",
        "--as",
        "admin",
        "--for",
        "M1",
        "--kind",
        "posture_exception",
        "--equipment",
        "LAP-0042",
        "--duty",
        "password_or_pin",
        "--until",
        "2027-01-05",
        "--summary",
        "No password please",
        "--as-of",
        DAY,
    ]);
    assert_ne!(refused.code, 0);
    assert!(refused.stderr.contains("2.2"), "{}", refused.stderr);
}

const GRAPH: &str = r#"{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('ada%40council.example.gov.uk')/mailFolders('inbox')/messageRules",
  "value": [
    {"id": "AQAAAJ5dZqA=", "displayName": "Everything home", "sequence": 1, "isEnabled": true,
     "conditions": {}, "actions": {"forwardTo": [{"emailAddress": {"name": "Ada", "address": "ada.quill@gmail.com"}}],
     "stopProcessingRules": true}}
  ]
}"#;

fn forwarding(preset: &str) -> Env {
    let env = setup(preset, false);
    import_graph(&env, "rules.json", GRAPH, DAY);
    env
}

#[test]
fn a_forward_the_city_forbids_opens_a_case_and_the_borough_allows_it() {
    let env = forwarding("city-aup");
    let swept = sweep(&env, DAY);
    let found = of_source(&swept, "forwarding");
    let keys: Vec<&str> = found.iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(found.len(), 3, "{keys:?}");
    assert!(keys.iter().any(|k| k.ends_with(":case")), "{keys:?}");
    for f in &found {
        assert!(f["citation"]["document"].is_string());
    }
    let to_owner = found
        .iter()
        .find(|f| f["key"].as_str().unwrap().contains(":person-"))
        .unwrap();
    assert_eq!(to_owner["citation"]["clause"], "Email", "{to_owner}");
    let cases = env.ok(&["case", "list", "--state", "all", "--as", "audit"]);
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 1, "{cases:?}");
    assert_eq!(cases[0]["source"], "monitoring");
    // A second sweep opens no second case.
    let again = sweep(&env, DAY);
    assert!(
        of_source(&again, "forwarding")
            .iter()
            .all(|f| f["outcome"] == "already_queued")
    );
    assert_eq!(
        env.ok(&["case", "list", "--state", "all", "--as", "audit"])
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let env = forwarding("borough-members-protocol");
    let swept = sweep(&env, DAY);
    assert!(of_source(&swept, "forwarding").is_empty(), "{swept}");
    assert_eq!(
        env.ok(&["case", "list", "--state", "all", "--as", "audit"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

fn import_checks(env: &Env, name: &str, rows: &str, day: &str) {
    let csv = env.file(
        name,
        &format!("device,check,result,observed_at,source,detail\n{rows}"),
    );
    env.ok(&[
        "posture",
        "import",
        csv.to_str().unwrap(),
        "--format",
        "steward",
        "--as-of",
        day,
    ]);
}

fn cases(env: &Env) -> Vec<Value> {
    env.ok(&["case", "list", "--state", "all", "--as", "audit"])
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn antivirus_off_again_after_being_put_right_is_filed_again_and_opens_a_case() {
    let env = setup("town-it-policy", true);
    let first = of_source(&sweep(&env, DAY), "posture");
    assert_eq!(first.len(), 2, "{first:?}");
    assert!(cases(&env).is_empty());
    // Put right: nothing new is filed while it passes.
    import_checks(
        &env,
        "pass.csv",
        "PF3LK9QZ,antivirus,pass,2026-03-11T08:00:00Z,council script,\n",
        "2026-03-11",
    );
    assert!(of_source(&sweep(&env, "2026-03-11"), "posture").is_empty());
    // It fails again: a new finding, with a new notice, and a case under [breaches].
    import_checks(
        &env,
        "again.csv",
        "PF3LK9QZ,antivirus,fail,2026-03-12T08:00:00Z,council script,turned off\n",
        "2026-03-12",
    );
    let again = of_source(&sweep(&env, "2026-03-12"), "posture");
    let keys: Vec<&str> = again.iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(again.len(), 3, "{keys:?}");
    assert!(again.iter().all(|f| f["outcome"] == "queued"), "{again:?}");
    assert!(
        keys.iter().all(|k| !first.iter().any(|f| f["key"] == *k)),
        "{keys:?}"
    );
    assert!(keys.iter().any(|k| k.ends_with(":case")), "{keys:?}");
    assert_eq!(security_requests(&env).len(), 2);
    let opened = cases(&env);
    assert_eq!(opened.len(), 1, "{opened:?}");
    let case = opened[0].to_string();
    assert!(
        case.contains("failed again after being put right"),
        "{case}"
    );
    assert!(case.contains("clause 2.2"), "{case}");
    assert_eq!(opened[0]["source"], "monitoring");
    // The same spell, checked again later, keeps its key: nothing more is filed.
    import_checks(
        &env,
        "still.csv",
        "PF3LK9QZ,antivirus,fail,2026-03-13T08:00:00Z,council script,still off\n",
        "2026-03-13",
    );
    let still = of_source(&sweep(&env, "2026-03-13"), "posture");
    let still_keys: Vec<&str> = still.iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(still_keys, keys);
    assert!(still.iter().all(|f| f["outcome"] == "already_queued"));
    assert_eq!(cases(&env).len(), 1);
}

const NO_RULES: &str = r#"{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('ada%40council.example.gov.uk')/mailFolders('inbox')/messageRules",
  "value": []
}"#;

#[test]
fn a_forward_removed_and_set_again_is_a_new_finding_and_a_repeated_breach() {
    let env = forwarding("city-aup");
    let first = of_source(&sweep(&env, DAY), "forwarding");
    assert_eq!(first.len(), 3, "{first:?}");
    // The next snapshot still holds it: the same finding, filed already.
    import_graph(&env, "same.json", GRAPH, "2026-03-11");
    let same = of_source(&sweep(&env, "2026-03-11"), "forwarding");
    assert!(
        same.iter().all(|f| f["outcome"] == "already_queued"),
        "{same:?}"
    );
    assert_eq!(
        same.iter().map(|f| &f["key"]).collect::<Vec<_>>(),
        first.iter().map(|f| &f["key"]).collect::<Vec<_>>()
    );
    // Removed, then set again.
    import_graph(&env, "none.json", NO_RULES, "2026-03-12");
    assert!(of_source(&sweep(&env, "2026-03-12"), "forwarding").is_empty());
    import_graph(&env, "back.json", GRAPH, "2026-03-13");
    let back = of_source(&sweep(&env, "2026-03-13"), "forwarding");
    assert_eq!(back.len(), 3, "{back:?}");
    assert!(back.iter().all(|f| f["outcome"] == "queued"), "{back:?}");
    let opened = cases(&env);
    assert_eq!(opened.len(), 2, "{opened:?}");
    assert!(
        opened
            .iter()
            .any(|c| c.to_string().contains("failed again after being put right")),
        "{opened:?}"
    );
    let again = of_source(&sweep(&env, "2026-03-14"), "forwarding");
    assert!(again.iter().all(|f| f["outcome"] == "already_queued"));
    assert_eq!(cases(&env).len(), 2);
}

/// Keys of one source's findings that are about a device gone silent.
fn stale_keys(report: &Value) -> Vec<String> {
    of_source(report, "posture")
        .iter()
        .filter_map(|f| f["key"].as_str())
        .filter(|k| k.contains(":stale:"))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_device_silent_again_after_checking_in_is_filed_again() {
    // The town's policy wants a check-in at least every 14 days (2.2).
    let env = setup("town-it-policy", true);
    assert!(stale_keys(&sweep(&env, DAY)).is_empty());
    let silent = sweep(&env, "2026-03-30");
    let first = stale_keys(&silent);
    assert_eq!(first.len(), 2, "{silent}");
    // Still silent the next day: the same spell, nothing more is filed.
    let next = sweep(&env, "2026-03-31");
    assert_eq!(stale_keys(&next), first);
    assert!(
        of_source(&next, "posture")
            .iter()
            .filter(|f| f["key"].as_str().is_some_and(|k| k.contains(":stale:")))
            .all(|f| f["outcome"] == "already_queued"),
        "{next}"
    );
    // It checks in, then falls silent again: a new spell, told anew.
    import_checks(
        &env,
        "back.csv",
        "PF3LK9QZ,antivirus,pass,2026-04-01T08:00:00Z,council script,\n",
        "2026-04-01",
    );
    assert!(stale_keys(&sweep(&env, "2026-04-01")).is_empty());
    let again = sweep(&env, "2026-04-20");
    let keys = stale_keys(&again);
    assert_eq!(keys.len(), 2, "{again}");
    assert!(
        keys.iter().all(|k| !first.contains(k)),
        "{keys:?} {first:?}"
    );
    assert!(
        of_source(&again, "posture")
            .iter()
            .filter(|f| f["key"].as_str().is_some_and(|k| k.contains(":stale:")))
            .all(|f| f["outcome"] == "queued"),
        "{again}"
    );
}
