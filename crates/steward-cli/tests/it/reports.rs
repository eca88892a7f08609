//! Reports for a known borough register: the rows each report gives, their CSV headings, and
//! the PDF (which pdftoppm, where installed, must be able to draw).

use crate::support::Env;
use serde_json::Value;

fn item(env: &Env, tag: &str, kind: &str, cost: &str, purchased: &str) {
    env.ok(&[
        "equipment",
        "add",
        "--tag",
        tag,
        "--kind",
        kind,
        "--model",
        "Model",
        "--cost",
        cost,
        "--purchased",
        purchased,
        "--as-of",
        "2027-02-01",
    ]);
}

/// Councillors M1 (signed, holds TAB-1, leaves on 6 May 2027) and M2 (never signs); a tablet
/// bought in 2022, a laptop in 2025 and a phone in 2026.
fn borough() -> Env {
    let env = Env::new();
    env.council("borough-members-protocol", "2026-06-01");
    for (reference, name) in [("M1", "Flo Hart"), ("M2", "Gil Penn")] {
        env.ok(&[
            "person",
            "add",
            "--ref",
            reference,
            "--name",
            name,
            "--kind",
            "councillor",
            "--term-start",
            "2023-05-04",
            "--as-of",
            "2027-02-01",
        ]);
    }
    item(&env, "TAB-1", "tablet", "449", "2022-09-01");
    item(&env, "LAP-1", "laptop", "650", "2025-03-01");
    item(&env, "PHN-1", "mobile_phone", "300", "2026-01-10");
    env.ok(&[
        "acceptance",
        "sign",
        "M1",
        "--typed-name",
        "Flo Hart",
        "--as-of",
        "2027-02-01",
    ]);
    env.ok(&[
        "equipment",
        "pat-test",
        "TAB-1",
        "--on",
        "2027-02-01",
        "--as-of",
        "2027-02-01",
    ]);
    env.ok(&["loan", "issue", "M1", "TAB-1", "--as-of", "2027-02-01"]);
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

fn csv_heading(env: &Env, name: &str, day: &str) -> String {
    let run = env.run(&["report", name, "--csv", "--as-of", day]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout.lines().next().unwrap_or_default().to_string()
}

#[test]
fn each_report_gives_the_rows_of_the_register() {
    let env = borough();

    let signatures = env.ok(&["report", "signatures", "--as-of", "2027-03-01"]);
    let got = rows(&signatures);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0][0..4], ["M2", "Gil Penn", "Councillor", "Not signed"]);
    assert!(got[0][5].contains("1.2"), "{got:?}");
    let bars = &signatures["chart"]["groups"];
    assert_eq!(bars[0]["label"], "Signed");
    assert_eq!(bars[0]["texts"][0], "1 person");
    assert_eq!(bars[1]["texts"][0], "1 person");

    let refresh = env.ok(&["report", "refresh", "--as-of", "2027-03-01"]);
    let got = rows(&refresh);
    let summary: Vec<(&str, &str, &str)> = got
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[5].as_str()))
        .collect();
    // The tablet passed four years in September 2026: due now, counted in 2027.
    assert_eq!(
        summary,
        [
            ("2027", "TAB-1", "2026-09-01"),
            ("2029", "LAP-1", "2029-03-01")
        ]
    );
    assert!(got[0][7].contains("3.5"), "{got:?}");
    let years = &refresh["chart"]["groups"];
    assert_eq!(years[0]["label"], "2027");
    assert_eq!(years[0]["values"][0], 44_900);
    assert_eq!(years[1]["values"][0], 65_000);

    let equipment = env.ok(&["report", "equipment", "--as-of", "2027-03-01"]);
    let got = rows(&equipment);
    assert_eq!(
        got,
        [
            ["In stock", "2", "0", "1", "1", "0", "0"],
            ["Issued", "1", "0", "0", "0", "1", "0"],
        ]
    );

    // M1 left on 6 May and had to return the tablet at once.
    let overdue = env.ok(&["report", "overdue", "--as-of", "2027-05-20"]);
    let got = rows(&overdue);
    let late = got
        .iter()
        .find(|r| r[0] == "Overdue return")
        .unwrap_or_else(|| panic!("{got:?}"));
    assert_eq!(late[1..5], ["M1", "Flo Hart", "TAB-1", "2027-05-06"]);
    assert_eq!(late[5], "14");
    let bands = &overdue["chart"]["groups"];
    assert_eq!(bands[1]["label"], "8 to 30 days late");
    assert_eq!(bands[1]["values"][0], 1);

    let requests = env.ok(&["report", "requests", "--as-of", "2027-05-20"]);
    assert!(rows(&requests).is_empty());
    assert_eq!(
        requests["chart"]["series"],
        serde_json::json!(["Met", "Late", "Open"])
    );

    let human = env.run(&["report", "refresh", "--as-of", "2027-03-01"]);
    assert!(human.stdout.contains("TAB-1"), "{}", human.stdout);
    assert!(human.stdout.contains("every 4 years"), "{}", human.stdout);
    let bad = env.run(&["report", "nonsense"]);
    assert_eq!(bad.code, 3, "{}", bad.stderr);
}

#[test]
fn csv_headings_and_the_pdf() {
    let env = borough();
    let day = "2027-05-20";
    assert_eq!(
        csv_heading(&env, "overdue", day),
        "What,Person,Name,Item,Date,Days late,Detail,Clause"
    );
    assert_eq!(
        csv_heading(&env, "signatures", day),
        "Person,Name,Kind,Status,Detail,Clause"
    );
    assert_eq!(
        csv_heading(&env, "refresh", day),
        "Year,Item,Kind,Model,Purchased,Replace from,Replacement cost,Clause,Place in queue"
    );
    assert_eq!(
        csv_heading(&env, "requests", day),
        "Kind,Met,Late,Open,Total"
    );
    assert_eq!(
        csv_heading(&env, "equipment", day),
        "State,Items,Under 1 year,1 to 2 years,2 to 4 years,4 years or more,Purchase date unknown"
    );

    env.ok(&["report", "refresh", "--pdf", "refresh.pdf", "--as-of", day]);
    let pdf = std::fs::read(env.dir.path().join("refresh.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let drawn = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "60", "refresh.pdf", "refresh"])
        .current_dir(env.dir.path())
        .status();
    match drawn {
        Ok(status) => {
            assert!(status.success(), "pdftoppm could not draw the report");
            let png = std::fs::read_dir(env.dir.path())
                .unwrap()
                .filter_map(Result::ok)
                .any(|e| e.file_name().to_string_lossy().ends_with(".png"));
            assert!(png, "pdftoppm drew no page");
        }
        // Without poppler-utils the PDF is only checked by its header.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => panic!("pdftoppm: {e}"),
    }
}

#[test]
fn the_api_gives_the_same_rows_and_the_retention_plan_to_administrators() {
    use crate::api::{Server, is_problem, token, user};
    let env = borough();
    user(&env, &["--admin", "--username", "clerk"]);
    user(&env, &["--username", "audit", "--role", "auditor"]);
    user(
        &env,
        &["--username", "gil", "--role", "member", "--person", "M2"],
    );
    let admin = token(&env, "clerk", "admin");
    let auditor = token(&env, "audit", "auditor");
    let member = token(&env, "gil", "member");
    let api = Server::start(&env, "2027-03-01");

    let r = api.get(&auditor, "/reports/equipment?as_of=2027-03-01");
    assert_eq!(r.status, 200, "{}", r.body);
    let cli = env.ok(&["report", "equipment", "--as-of", "2027-03-01"]);
    assert_eq!(r.body["rows"].as_array().unwrap().len(), rows(&cli).len());
    assert_eq!(r.body["rows"][0]["state"], "In stock");
    assert_eq!(r.body["rows"][0]["total"], "2");
    assert_eq!(r.body["columns"][0]["label"], "State");
    is_problem(&api.get(&member, "/reports/equipment"), 403);
    is_problem(&api.get(&auditor, "/reports/nonsense"), 404);

    // Retention is the administrator's: the borough's protocol sets no periods.
    is_problem(&api.get(&auditor, "/retention"), 403);
    let plan = api.get(&admin, "/retention");
    assert_eq!(plan.status, 200, "{}", plan.body);
    assert_eq!(plan.body["not_set"].as_array().unwrap().len(), 9);
    let done = api.post(&admin, "/retention/purge", serde_json::json!({}));
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.body["purged"], true);
}
