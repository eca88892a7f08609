//! Device compliance end to end: vendors' files imported through `steward posture import`, and
//! `steward posture findings` judging each item by the council's own pack.

use crate::api::{Server, is_problem, token, user};
use crate::support::Env;
use serde_json::{Value, json};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../steward-domain/src/posture/parse/fixtures/"
);

fn fixture(name: &str) -> String {
    format!("{FIXTURES}{name}")
}

const DAY: &str = "2026-03-10";

/// A council under `preset` with two laptops whose serials the fixtures use, and an iPad.
fn setup(preset: &str) -> Env {
    let env = Env::new();
    env.council(preset, "2026-01-05");
    for (tag, kind, serial) in [
        ("LAP-0042", "laptop", "PF3LK9QZ"),
        ("LAP-0043", "laptop", "PF3LK9R1"),
        ("TAB-0001", "tablet", "DMPXK2Q9"),
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
            "2026-01-05",
        ]);
    }
    env
}

fn import(env: &Env, file: &str, format: &str) -> Value {
    env.ok(&[
        "posture", "import", file, "--format", format, "--as-of", DAY,
    ])
}

fn findings(env: &Env, tag: &str) -> Value {
    let found = env.ok(&["posture", "findings", "--item", tag, "--as-of", DAY]);
    let list = found.as_array().expect("a list").clone();
    assert_eq!(list.len(), 1, "{found}");
    list[0].clone()
}

/// The (kind, check, clause) of each finding, and whether it needs acting on.
fn problems(device: &Value) -> Vec<(String, String, String, bool)> {
    device["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["problem"]["kind"].as_str().unwrap().to_string(),
                f["problem"]["check"]
                    .as_str()
                    .or(f["problem"]["software"].as_str())
                    .unwrap_or("")
                    .to_string(),
                f["citation"]["clause"].as_str().unwrap().to_string(),
                f["excepted"].is_null(),
            )
        })
        .collect()
}

fn antivirus_off(env: &Env) {
    let csv = env.file(
        "checks.csv",
        "device,check,result,observed_at,source,detail\n\
         PF3LK9QZ,antivirus,fail,2026-03-09T08:10:05Z,council script,real-time protection off\n\
         PF3LK9QZ,checked_in,pass,2026-03-09T08:14:22Z,council script,\n",
    );
    let done = import(env, csv.to_str().unwrap(), "steward");
    assert_eq!(done["import"]["observations"], 2);
    assert_eq!(done["import"]["devices"], 1);
}

#[test]
fn antivirus_off_is_a_finding_under_each_councils_clause() {
    for (preset, clause) in [
        ("city-members-code", "28.2"),
        ("town-it-policy", "2.2"),
        ("borough-members-protocol", "3.3.1"),
    ] {
        let env = setup(preset);
        antivirus_off(&env);
        let device = findings(&env, "LAP-0042");
        assert_eq!(
            problems(&device),
            [(
                "failing".to_string(),
                "antivirus".to_string(),
                clause.to_string(),
                true
            )],
            "{preset}: {device}"
        );
        let says = device["findings"][0]["says"].as_str().unwrap();
        assert!(says.contains("real-time protection off"), "{says}");

        let text = env.run(&["posture", "findings", "--item", "LAP-0042", "--as-of", DAY]);
        assert_eq!(text.code, 0, "{}", text.stderr);
        assert!(text.stdout.contains("FAILED"), "{}", text.stdout);
        assert!(text.stdout.contains(clause), "{}", text.stdout);
        assert!(
            !text.stdout.contains("antivirus"),
            "no internal words: {}",
            text.stdout
        );
    }
}

#[test]
fn intune_encryption_passes_and_fails_under_the_city_aup() {
    let env = setup("city-aup");
    let done = import(&env, &fixture("intune-managed-devices.json"), "intune");
    // LAP-0042, LAP-0043; the iPad has no serial in Intune and its name is not a tag; the
    // never-synced laptop gives nothing.
    assert_eq!(done["import"]["devices"], 2, "{done}");
    assert_eq!(done["import"]["unmatched"], 1, "{done}");
    assert_eq!(done["unmatched_devices"][0], "iPad-Clerk");

    let encrypted = findings(&env, "LAP-0042");
    assert!(
        !problems(&encrypted)
            .iter()
            .any(|p| p.1 == "disk_encryption"),
        "{encrypted}"
    );
    let standing: Vec<&Value> = encrypted["duties"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["check"] == "disk_encryption")
        .collect();
    assert_eq!(standing[0]["result"], "pass");

    let unencrypted = findings(&env, "LAP-0043");
    assert!(
        problems(&unencrypted).contains(&(
            "failing".to_string(),
            "disk_encryption".to_string(),
            "Remote access".to_string(),
            true
        )),
        "{unencrypted}"
    );
}

#[test]
fn a_silent_device_is_stale_and_unlicensed_software_breaks_3_2_3() {
    let env = setup("borough-members-protocol");
    import(&env, &fixture("intune-managed-devices.json"), "intune");
    let stale = findings(&env, "LAP-0043");
    assert!(
        problems(&stale).contains(&(
            "stale".to_string(),
            String::new(),
            "3.3.3".to_string(),
            true
        )),
        "{stale}"
    );
    let fresh = findings(&env, "LAP-0042");
    let found = problems(&fresh);
    assert!(!found.iter().any(|p| p.0 == "stale"), "{fresh}");
    assert!(
        found.contains(&(
            "unauthorised".to_string(),
            "Steam".to_string(),
            "3.2.3".to_string(),
            true
        )),
        "{fresh}"
    );
    // Real-time protection is off on LAP-0042: 3.3.1 in this council.
    assert!(
        found
            .iter()
            .any(|p| p.0 == "failing" && p.1 == "antivirus" && p.2 == "3.3.1"),
        "{fresh}"
    );
    // The list shows only items with something to act on, both here.
    let all = env.ok(&["posture", "findings", "--as-of", DAY]);
    let tags: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["asset_tag"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["LAP-0042", "LAP-0043"]);
}

#[test]
fn osquery_and_fleet_results_are_judged_too() {
    let env = setup("city-members-code");
    let done = import(&env, &fixture("osquery-results.log"), "osquery");
    assert_eq!(done["import"]["devices"], 1, "{done}");
    let device = findings(&env, "LAP-0042");
    let found = problems(&device);
    assert!(
        found.contains(&(
            "failing".to_string(),
            "antivirus".to_string(),
            "28.2".to_string(),
            true
        )),
        "{device}"
    );
    // 000 allows no software of the member's own (28.6).
    assert!(
        found
            .iter()
            .any(|p| p.0 == "unauthorised" && p.1 == "Steam" && p.2 == "28.6"),
        "{device}"
    );

    let map = fixture("fleet-policies.map");
    let done = env.ok(&[
        "posture",
        "import",
        &fixture("fleet-hosts.json"),
        "--format",
        "fleet",
        "--policy-map",
        &map,
        "--as-of",
        DAY,
    ]);
    assert_eq!(done["import"]["devices"], 1, "{done}");
    let device = findings(&env, "LAP-0042");
    let firewall: Vec<&Value> = device["duties"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["check"] == "firewall")
        .collect();
    assert_eq!(firewall[0]["result"], "pass", "{device}");

    let run = env.fails(
        &[
            "posture",
            "import",
            &fixture("fleet-hosts.json"),
            "--format",
            "fleet",
        ],
        2,
    );
    assert!(run.stdout.contains("policy-map") || run.stderr.contains("policy-map"));
}

#[test]
fn an_import_is_audited_once_adds_nothing_twice_and_a_bad_file_nothing_at_all() {
    let env = setup("town-it-policy");
    let first = import(&env, &fixture("steward.csv"), "steward");
    assert_eq!(first["new"], 4);
    let again = import(&env, &fixture("steward.csv"), "steward");
    assert_eq!(again["new"], 0);
    let log = env.ok(&["audit", "log", "--as-of", DAY]);
    let text = log.to_string();
    assert_eq!(text.matches("posture.import").count(), 2, "{log}");

    let bad = env.file(
        "bad.csv",
        "device,check,result,observed_at\n\
         PF3LK9R1,firewall,fail,2026-03-09T08:00:00Z\n\
         PF3LK9R1,virus,pass,2026-03-09T08:00:00Z\n",
    );
    let run = env.fails(
        &[
            "posture",
            "import",
            bad.to_str().unwrap(),
            "--format",
            "steward",
            "--as-of",
            DAY,
        ],
        3,
    );
    assert!(
        run.stdout.contains(":3") || run.stdout.contains("\"line\":3"),
        "{}",
        run.stdout
    );
    let device = findings(&env, "LAP-0043");
    assert!(
        device["findings"].as_array().unwrap().is_empty(),
        "{device}"
    );
}

#[test]
fn the_api_takes_in_device_checks_and_answers_compliance() {
    let env = setup("town-it-policy");
    env.ok(&[
        "person",
        "add",
        "--ref",
        "S1",
        "--name",
        "Dot Clerk",
        "--kind",
        "employee",
        "--office",
        "town_clerk",
        "--term-start",
        "2020-01-01",
        "--as-of",
        "2026-01-05",
    ]);
    user(&env, &["--admin", "--username", "clerk"]);
    user(
        &env,
        &["--username", "dot", "--role", "officer", "--person", "S1"],
    );
    user(&env, &["--username", "audit", "--role", "auditor"]);
    let officer = token(&env, "dot", "officer");
    let auditor = token(&env, "audit", "auditor");
    let api = Server::start(&env, DAY);
    let csv = std::fs::read_to_string(fixture("steward.csv")).unwrap();
    let done = api.post_csv(&officer, "/posture/import/steward", &csv);
    assert_eq!(done.status, 201, "{}", done.body);
    assert_eq!(done.body["import"]["observations"], 4);
    // An auditor reads but imports nothing; a bad file imports nothing, named by its line.
    is_problem(
        &api.post_csv(&auditor, "/posture/import/steward", &csv),
        403,
    );
    let bad = api.post_csv(
        &officer,
        "/posture/import/steward",
        "device,check,result,observed_at\nPF3LK9QZ,virus,pass,2026-03-09T08:00:00Z\n",
    );
    is_problem(&bad, 422);
    // Fleet results come with their policy map, as JSON; a map that names no check is refused
    // by its field, and results without a map are not taken as a file of another format.
    is_problem(&api.post_csv(&officer, "/posture/import/fleet", &csv), 415);
    let results = std::fs::read_to_string(fixture("fleet-hosts.json")).unwrap();
    let map = std::fs::read_to_string(fixture("fleet-policies.map")).unwrap();
    let by = |map: &str| json!({"results": results, "policy_map": map});
    is_problem(&api.post(&auditor, "/posture/import/fleet", by(&map)), 403);
    let odd = api.post(&officer, "/posture/import/fleet", by("Antivirus = virus\n"));
    is_problem(&odd, 422);
    assert_eq!(odd.body["errors"][0]["field"], "policy_map", "{}", odd.body);
    let fleet = api.post(&officer, "/posture/import/fleet", by(&map));
    assert_eq!(fleet.status, 201, "{}", fleet.body);
    assert!(
        fleet.body["import"]["observations"].as_u64().unwrap() > 0,
        "{}",
        fleet.body
    );

    let one = api.get(&auditor, "/equipment/LAP-0042/posture");
    assert_eq!(one.status, 200, "{}", one.body);
    assert_eq!(one.body["asset_tag"], "LAP-0042");
    assert!(
        one.body["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["problem"]["check"] == "antivirus" && f["citation"]["clause"] == "2.2"),
        "{}",
        one.body
    );
    let second = api.post_csv(
        &officer,
        "/posture/import/steward",
        "device,check,result,observed_at\nPF3LK9R1,checked_in,pass,2026-03-09T08:00:00Z\n",
    );
    assert_eq!(second.status, 201, "{}", second.body);
    let all = api.get(&auditor, "/posture?limit=1");
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(
        all.body["items"].as_array().unwrap().len(),
        1,
        "{}",
        all.body
    );
    assert_eq!(all.body["items"][0]["asset_tag"], "LAP-0042");
    let cursor = all.body["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_string();
    let next = api.get(&auditor, &format!("/posture?limit=1&cursor={cursor}"));
    assert_eq!(next.status, 200, "{}", next.body);
    assert_eq!(next.body["items"][0]["asset_tag"], "LAP-0043");
    assert!(next.body["next_cursor"].is_null(), "{}", next.body);
    is_problem(&api.get(&auditor, "/posture?cursor=zz"), 400);
}

/// County clause 27: a leaver's laptop must cease to be used at once; a check-in after the
/// day they left is a finding under that clause.
#[test]
fn a_laptop_checking_in_after_its_holder_left_is_a_finding_in_the_county() {
    let env = setup("county-members-policy");
    for (reference, kind, office) in [
        ("S1", "employee", Some("democratic_support_manager")),
        ("M1", "councillor", None),
    ] {
        env.person(reference, kind, office, "2025-05-01", "2026-01-05");
    }
    env.ok(&[
        "acceptance",
        "record-paper",
        "M1",
        "--signed-on",
        "2026-01-05",
        "--recorded-by",
        "S1",
        "--as-of",
        "2026-01-05",
    ]);
    env.ok(&[
        "loan",
        "issue",
        "M1",
        "LAP-0042",
        "--authorised-by",
        "S1",
        "--as-of",
        "2026-01-05",
    ]);
    antivirus_off(&env);
    let used_after = |device: &Value| {
        problems(device)
            .into_iter()
            .filter(|p| p.0 == "used_after_leaving")
            .collect::<Vec<_>>()
    };
    assert!(used_after(&findings(&env, "LAP-0042")).is_empty());
    env.ok(&[
        "person",
        "leave",
        "M1",
        "--on",
        "2026-03-02",
        "--reason",
        "stood_down",
        "--as-of",
        "2026-03-02",
    ]);
    let device = findings(&env, "LAP-0042");
    assert_eq!(
        used_after(&device),
        [(
            "used_after_leaving".to_string(),
            String::new(),
            "27".to_string(),
            true
        )],
        "{device}"
    );
}
