//! Device compliance over time, under the borough's protocol (password or PIN and screen lock
//! on laptops and tablets, clause 2.2; antivirus on laptops, 3.3.1; a device silent for more
//! than 14 days is out of date, 3.3.3): the figures week by week and day by day from imported
//! checks, the CSV and PDF, the API, and who may read it.

use crate::api::{Server, is_problem, token, user};
use crate::support::Env;
use serde_json::Value;

/// Two laptops and a tablet the duties cover, and a phone they do not; checks over May 2027.
/// The first laptop's antivirus fails on 12 May and passes again on 20 May, after which it is
/// silent; the second reports from 10 May (London time) with its antivirus unknown and no
/// screen lock check, is silent from 13 May and reports again on 1 June; the tablet never.
fn borough() -> Env {
    let env = Env::new();
    env.council("borough-members-protocol", "2027-01-04");
    for (tag, kind, serial) in [
        ("LAP-0042", "laptop", "PF3LK9QZ"),
        ("LAP-0043", "laptop", "PF3LK9R1"),
        ("TAB-0001", "tablet", "DMPXK2Q9"),
        ("PHN-0001", "mobile_phone", "PH0NE001"),
    ] {
        env.ok(&[
            "equipment",
            "add",
            "--tag",
            tag,
            "--kind",
            kind,
            "--model",
            "Council build",
            "--cost",
            "650",
            "--serial",
            serial,
            "--as-of",
            "2027-01-04",
        ]);
    }
    let checks = "device,check,result,observed_at,source,detail\n\
        PF3LK9QZ,antivirus,pass,2027-05-04T09:00:00Z,script,\n\
        PF3LK9QZ,password_or_pin,pass,2027-05-04T09:00:00Z,script,\n\
        PF3LK9QZ,screen_lock,pass,2027-05-04T09:00:00Z,script,\n\
        PF3LK9QZ,antivirus,fail,2027-05-12T09:00:00Z,script,real-time protection off\n\
        PF3LK9QZ,antivirus,pass,2027-05-20T09:00:00Z,script,\n\
        PF3LK9QZ,checked_in,pass,2027-05-20T09:00:00Z,script,\n\
        PF3LK9R1,password_or_pin,pass,2027-05-09T23:30:00Z,script,\n\
        PF3LK9R1,antivirus,unknown,2027-05-13T10:00:00Z,script,\n\
        PF3LK9R1,antivirus,pass,2027-06-01T10:00:00Z,script,\n\
        PF3LK9R1,checked_in,pass,2027-06-01T10:00:00Z,script,\n\
        PH0NE001,checked_in,pass,2027-05-04T09:00:00Z,script,\n";
    let file = env.file("checks.csv", checks);
    env.ok(&[
        "posture",
        "import",
        file.to_str().unwrap(),
        "--format",
        "steward",
        "--as-of",
        "2027-06-06",
    ]);
    user(&env, &["--username", "aud", "--role", "auditor"]);
    env
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

/// A period's row for one duty: compliant, failing, unknown, out of date, not reported.
fn row(period: &str, at: &str, duty: &str, clause: &str, n: [u8; 5]) -> Vec<String> {
    let mut r: Vec<String> = [period, at, duty, clause].map(str::to_string).to_vec();
    r.extend(n.iter().map(u8::to_string));
    r
}

const ALL: &str = "All duties";
const PIN: &str = "Password or PIN (laptop, tablet)";
const LOCK: &str = "Screen lock (laptop, tablet)";
const AV: &str = "Antivirus on and updating (laptop)";

#[test]
fn items_are_counted_by_duty_and_standing_week_by_week_and_day_by_day() {
    let env = borough();
    let run = env.run(&[
        "report",
        "compliance",
        "--from",
        "2027-05-03",
        "--as-of",
        "2027-06-06",
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let weeks = run.data();
    let got = rows(&weeks);
    let has = |r: Vec<String>| {
        assert!(got.contains(&r), "no row {r:?} in {got:#?}");
    };
    // Each duty's row cites its clause as the pack words it.
    let clause = |duty: &str| got.iter().find(|r| r[2] == duty).unwrap()[3].clone();
    let (pin, av) = (clause(PIN), clause(AV));
    assert!(
        pin.starts_with("clause 2.2") && av.starts_with("clause 3.3.1"),
        "{pin} {av}"
    );
    let w1 = ("Week of 3 May 2027", "2027-05-09");
    has(row(w1.0, w1.1, ALL, "", [1, 0, 0, 0, 2]));
    has(row(w1.0, w1.1, AV, &av, [1, 0, 0, 0, 1]));
    // The antivirus failed on one laptop and could not be checked on the other.
    let w2 = ("Week of 10 May 2027", "2027-05-16");
    has(row(w2.0, w2.1, ALL, "", [0, 1, 1, 0, 1]));
    has(row(w2.0, w2.1, PIN, &pin, [2, 0, 0, 0, 1]));
    has(row(w2.0, w2.1, LOCK, &pin, [1, 0, 1, 0, 1]));
    has(row(w2.0, w2.1, AV, &av, [0, 1, 1, 0, 0]));
    let w3 = ("Week of 17 May 2027", "2027-05-23");
    has(row(w3.0, w3.1, ALL, "", [1, 0, 1, 0, 1]));
    // Silent since 13 May: more than 14 days by 30 May.
    let w4 = ("Week of 24 May 2027", "2027-05-30");
    has(row(w4.0, w4.1, ALL, "", [1, 0, 0, 1, 1]));
    has(row(w4.0, w4.1, AV, &av, [1, 0, 0, 1, 0]));
    let w5 = ("Week of 31 May 2027", "2027-06-06");
    has(row(w5.0, w5.1, ALL, "", [0, 0, 1, 1, 1]));
    has(row(w5.0, w5.1, LOCK, &pin, [0, 0, 1, 1, 1]));
    assert_eq!(got.len(), 5 * 4, "{got:#?}");
    let groups = weeks["chart"]["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 5);
    assert_eq!(groups[1]["label"], w2.0);
    assert_eq!(
        groups[1]["texts"],
        serde_json::json!(["1 failing", "1 unknown"])
    );
    let notes = weeks["notes"].to_string();
    assert!(
        notes.contains("14 days") && notes.contains("3.3.3"),
        "{notes}"
    );

    // Two days go day by day; a check at 00:30 on 10 May in London counts on the 10th.
    let days = env.ok(&[
        "report",
        "compliance",
        "--from",
        "2027-05-09",
        "--as-of",
        "2027-05-10",
    ]);
    let got = rows(&days);
    assert_eq!(
        got[0],
        row("Sun 9 May 2027", "2027-05-09", ALL, "", [1, 0, 0, 0, 2])
    );
    assert_eq!(
        got[4],
        row("Mon 10 May 2027", "2027-05-10", ALL, "", [1, 0, 1, 0, 1])
    );

    // The CSV has the same rows under the column labels; the PDF is written.
    let csv = env.run(&[
        "report",
        "compliance",
        "--from",
        "2027-05-03",
        "--as-of",
        "2027-06-06",
        "--csv",
    ]);
    assert_eq!(
        csv.stdout.lines().next().unwrap(),
        "Period,As at,Duty,Clause,Compliant,Failing,Unknown,Out of date,Not reported"
    );
    assert!(
        csv.stdout
            .contains("Week of 10 May 2027,2027-05-16,All duties,,0,1,1,0,1")
    );
    env.ok(&[
        "report",
        "compliance",
        "--pdf",
        "compliance.pdf",
        "--as-of",
        "2027-06-06",
    ]);
    let pdf = std::fs::read(env.dir.path().join("compliance.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");

    // A range longer than a year is refused, naming the first day.
    let long = env.run(&[
        "report",
        "compliance",
        "--from",
        "2026-01-01",
        "--as-of",
        "2027-06-06",
    ]);
    assert_ne!(long.code, 0);
    assert!(long.says("longer than a year"), "{}", long.stderr);

    // The API answers the same figures to an auditor and refuses a member.
    let api = Server::start(&env, "2027-06-06");
    let r = api.get(
        &token(&env, "aud", "auditor"),
        "/reports/compliance?from=2027-05-03&as_of=2027-06-06",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["rows"][4]["duty"], ALL);
    assert_eq!(r.body["rows"][4]["failing"], "1");
    assert_eq!(r.body["rows"][4]["not_reported"], "1");
    env.ok(&[
        "person",
        "add",
        "--ref",
        "M1",
        "--name",
        "Ada Quill",
        "--kind",
        "councillor",
        "--term-start",
        "2027-01-04",
        "--as-of",
        "2027-01-04",
    ]);
    user(
        &env,
        &["--username", "mem", "--role", "member", "--person", "M1"],
    );
    is_problem(
        &api.get(&token(&env, "mem", "member"), "/reports/compliance"),
        403,
    );
    is_problem(
        &api.get(
            &token(&env, "aud", "auditor"),
            "/reports/compliance?from=2020-01-01",
        ),
        422,
    );
}
