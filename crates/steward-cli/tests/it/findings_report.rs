//! Monitoring findings over time, under the county's policy (findings for the Monitoring
//! Officer and the audit manager; kept a year after the day of the visits): the report's rows
//! by month and by week from scanned logs, who may read it, its CSV and PDF; and retention
//! purging a year-old day's findings while keeping the newer ones.

use crate::api::{Server, is_problem, token, user};
use crate::filter_db::lists;
use crate::support::Env;
use serde_json::Value;

/// `visits` visits by ada.quill to a betting site from `start` (Unix seconds), a minute apart,
/// and one shop visit from an address nobody has.
fn log(start: u64, visits: u64) -> String {
    let mut log = String::new();
    for i in 0..visits {
        log.push_str(&format!(
            "{}.000 10 10.9.9.9 TCP_MISS/200 65 GET http://bet.example/{i} ada.quill HIER_DIRECT/1.2.3.4 text/html\n",
            start + i * 60
        ));
    }
    log.push_str(&format!(
        "{}.000 10 10.5.5.5 TCP_MISS/200 65 GET http://shop.example/ - HIER_DIRECT/1.2.3.4 text/html\n",
        start + 3600
    ));
    log
}

fn scan(env: &Env, name: &str, text: &str, as_of: &str) -> Value {
    let file = env.file(name, text);
    let dir = env.dir.path().join("lists");
    env.ok(&[
        "filter",
        "scan",
        file.to_str().unwrap(),
        "--lists",
        dir.to_str().unwrap(),
        "--council",
        "test-council",
        "--as-of",
        as_of,
    ])
}

fn person(env: &Env, reference: &str, name: &str, kind: &str, offices: &[&str]) {
    let mut args = vec![
        "person",
        "add",
        "--ref",
        reference,
        "--name",
        name,
        "--kind",
        kind,
        "--term-start",
        "2025-05-01",
        "--as-of",
        "2026-01-05",
    ];
    for o in offices {
        args.extend(["--office", o]);
    }
    env.ok(&args);
}

/// The county: councillor M1 known to the proxy as ada.quill, the Monitoring Officer S1 and
/// an officer S2 the policy does not name; three visits to a betting site on Tuesday 12 May
/// 2026 and twelve on Thursday 10 June 2027 (which reach the threshold and open a case).
fn county() -> Env {
    let env = Env::new();
    lists(&env);
    env.council("county-members-policy", "2026-01-01");
    person(&env, "M1", "Ada Quill", "councillor", &[]);
    person(
        &env,
        "S1",
        "Mo Officer",
        "employee",
        &["monitoring_officer"],
    );
    person(&env, "S2", "Pat Desk", "employee", &[]);
    env.ok(&[
        "person",
        "web-identity",
        "add",
        "M1",
        "ada.quill",
        "--as-of",
        "2026-01-05",
    ]);
    for (name, role, reference) in [("moff", "officer", "S1"), ("pat", "officer", "S2")] {
        user(
            &env,
            &["--username", name, "--role", role, "--person", reference],
        );
    }
    user(
        &env,
        &["--username", "ada", "--role", "member", "--person", "M1"],
    );
    user(&env, &["--username", "aud", "--role", "auditor"]);
    // 1778580000 is 2026-05-12T10:00:00Z; 1812621600 is 2027-06-10T10:00:00Z.
    scan(&env, "old.log", &log(1_778_580_000, 3), "2026-05-13");
    let recorded = scan(&env, "new.log", &log(1_812_621_600, 12), "2027-06-11");
    assert_eq!(recorded["recorded"]["cases"].as_array().unwrap().len(), 1);
    env
}

fn report(env: &Env, who: &str, extra: &[&str]) -> crate::support::Run {
    let mut args = vec!["report", "findings", "--as", who, "--json"];
    args.extend_from_slice(extra);
    env.run(&args)
}

fn rows(report: &Value) -> Vec<Vec<String>> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

fn row(period: &str, starts: &str, category: &str, figures: [&str; 3]) -> Vec<String> {
    let mut r = vec![period.to_string(), starts.to_string(), category.to_string()];
    r.extend(figures.iter().map(|f| f.to_string()));
    r
}

#[test]
fn the_report_counts_visits_and_people_by_period_for_whom_the_policy_names() {
    let env = county();
    // The last twelve months, by month: only June 2027 has findings.
    let run = report(&env, "moff", &["--as-of", "2027-06-11"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let year = run.data();
    assert_eq!(
        rows(&year),
        [
            row("June 2027", "2027-06-01", "gambling", ["12", "1", "0"]),
            row("June 2027", "2027-06-01", "shopping", ["1", "0", "1"]),
        ]
    );
    let groups = year["chart"]["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 13, "June 2026 to June 2027");
    assert_eq!(groups[0]["texts"][0], "no visits");
    assert_eq!(groups[12]["texts"][0], "12 gambling");
    let notes = year["notes"].to_string();
    assert!(notes.contains("clause 6"), "{notes}");
    assert!(
        notes.contains("1 year") && notes.contains("clause 13"),
        "{notes}"
    );

    // From May 2026 the old day shows too; a short range goes week by week.
    let long = report(
        &env,
        "aud",
        &["--from", "2026-05-01", "--as-of", "2027-06-11"],
    )
    .data();
    assert_eq!(
        rows(&long)[0],
        row("May 2026", "2026-05-01", "gambling", ["3", "1", "0"])
    );
    let weeks = report(
        &env,
        "moff",
        &["--from", "2027-06-01", "--as-of", "2027-06-11"],
    )
    .data();
    assert_eq!(
        rows(&weeks)[0],
        row(
            "Week of 7 Jun 2027",
            "2027-06-07",
            "gambling",
            ["12", "1", "0"]
        )
    );
    assert_eq!(weeks["chart"]["groups"][0]["label"], "Week of 31 May 2027");

    // A member, an officer the policy does not name, and nobody at all may not read it.
    assert_eq!(report(&env, "ada", &["--as-of", "2027-06-11"]).code, 8);
    assert_eq!(report(&env, "pat", &["--as-of", "2027-06-11"]).code, 8);
    let nobody = env.run(&["report", "findings", "--as-of", "2027-06-11"]);
    assert_ne!(nobody.code, 0);
    assert!(nobody.says("--as"), "{}", nobody.stderr);

    // CSV and PDF.
    let csv = env.run(&[
        "report",
        "findings",
        "--as",
        "moff",
        "--csv",
        "--as-of",
        "2027-06-11",
    ]);
    assert_eq!(
        csv.stdout.lines().next().unwrap(),
        "Period,Starts,Category,Visits,People,Unknown identities"
    );
    assert!(csv.stdout.contains("June 2027,2027-06-01,gambling,12,1,0"));
    env.ok(&[
        "report",
        "findings",
        "--as",
        "moff",
        "--pdf",
        "findings.pdf",
        "--as-of",
        "2027-06-11",
    ]);
    let pdf = std::fs::read(env.dir.path().join("findings.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");

    // The API: the same rows for the Monitoring Officer; refused to the others.
    let api = Server::start(&env, "2027-06-11");
    let mo = token(&env, "moff", "officer");
    let r = api.get(&mo, "/reports/findings?as_of=2027-06-11");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["rows"][0]["visits"], "12");
    assert_eq!(r.body["rows"][0]["people"], "1");
    is_problem(
        &api.get(&token(&env, "pat", "officer"), "/reports/findings"),
        403,
    );
    is_problem(
        &api.get(&token(&env, "ada", "member"), "/reports/findings"),
        403,
    );
    let r = api.get(
        &token(&env, "aud", "auditor"),
        "/reports/findings?from=2027-07-01",
    );
    is_problem(&r, 422);
}

#[test]
fn a_policy_that_does_not_monitor_web_use_says_so() {
    let env = Env::new();
    env.council("town-it-policy", "2027-01-04");
    user(&env, &["--username", "aud", "--role", "auditor"]);
    let run = report(&env, "aud", &["--as-of", "2027-06-11"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let notes = run.data()["notes"].to_string();
    assert!(notes.contains("not in the policy"), "{notes}");
}

fn kind(plan: &Value) -> &Value {
    plan["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "monitoring_findings")
        .unwrap_or_else(|| panic!("no monitoring findings in {plan}"))
}

fn head(env: &Env) -> usize {
    env.ok(&["audit", "log", "--limit", "100000"])
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn findings_older_than_their_period_are_purged_and_a_rescan_does_not_bring_them_back() {
    let env = county();
    let day = "2027-06-11";
    let plan = env.ok(&["retention", "plan", "--as-of", day]);
    let findings = kind(&plan);
    assert_eq!(findings["keep"], "1 year");
    assert_eq!(findings["citation"]["clause"], "13");
    assert_eq!(findings["kept"], 1, "{findings}");
    let due: Vec<&str> = findings["due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    assert_eq!(due, ["Web findings of 2026-05-12 (2 findings)"]);
    assert_eq!(
        findings["due"][0]["audit_records"], 1,
        "the old scan's record"
    );

    let done = env.ok(&["retention", "purge", "--as-of", day]);
    assert_eq!(kind(&done)["purged"], 1);
    assert!(done["audit_erased"].as_u64().unwrap() >= 1);
    let purges = env.ok(&[
        "audit",
        "log",
        "--entity",
        "retention",
        "--id",
        "monitoring_findings",
    ]);
    let note = purges[0]["after"].as_str().unwrap().to_string();
    assert!(
        note.contains("\"records\":1") && note.contains("\"clause\":\"13\""),
        "{note}"
    );
    assert!(!note.contains("ada.quill") && !note.contains("bet.example"));
    assert_eq!(env.ok(&["audit", "verify"])["ok"], true);

    // The old day is gone; the new one is kept.
    let all = report(&env, "moff", &["--from", "2026-05-01", "--as-of", day]).data();
    let left = rows(&all);
    assert!(left.iter().all(|r| r[0] == "June 2027"), "{left:?}");
    assert_eq!(left.len(), 2);

    // Scanning the old log again records nothing for its day.
    let again = scan(&env, "old-again.log", &log(1_778_580_000, 3), day);
    assert_eq!(again["recorded"]["expired"], 2, "{again}");
    assert_eq!(again["recorded"]["scan"]["cells"], 0);

    // A second purge finds nothing and writes nothing.
    let before = head(&env);
    let second = env.ok(&["retention", "purge", "--as-of", day]);
    assert!(kind(&second)["due"].as_array().unwrap().is_empty());
    assert_eq!(head(&env), before);
    assert_eq!(env.ok(&["audit", "verify"])["ok"], true);
}

#[test]
fn a_day_whose_findings_opened_a_case_still_open_is_held() {
    let env = county();
    // A year and a day after the twelve visits: the case they opened is still open.
    let plan = env.ok(&["retention", "plan", "--as-of", "2028-06-11"]);
    let findings = kind(&plan);
    let held = findings["held"].as_array().unwrap();
    assert_eq!(held.len(), 1, "{findings}");
    assert_eq!(
        held[0]["reference"],
        "Web findings of 2027-06-10 (2 findings)"
    );
    assert!(
        held[0]["reason"]
            .as_str()
            .unwrap()
            .contains("breach case they opened is still open")
    );
}
