//! County members' policy: acceptance form and Democratic Support Manager authorisation
//! before use; recall on request; one month to return after leaving.

use crate::support::{Env, refusals};

fn setup() -> Env {
    let env = Env::new();
    env.council("county-members-policy", "2026-09-01");
    env.ok(&[
        "person",
        "add",
        "--ref",
        "S1",
        "--name",
        "Hal Moss",
        "--kind",
        "employee",
        "--office",
        "democratic_support_manager",
        "--term-start",
        "2020-01-01",
        "--as-of",
        "2027-01-04",
    ]);
    env.ok(&[
        "person",
        "add",
        "--ref",
        "M1",
        "--name",
        "Ida Lowe",
        "--kind",
        "councillor",
        "--term-start",
        "2025-05-01",
        "--as-of",
        "2027-01-04",
    ]);
    env.ok(&[
        "equipment",
        "add",
        "--tag",
        "LAP-1",
        "--kind",
        "laptop",
        "--model",
        "T14",
        "--cost",
        "700",
        "--as-of",
        "2027-01-04",
    ]);
    env
}

/// M1 has signed on paper and holds LAP-1, authorised by the Democratic Support Manager.
fn on_loan() -> Env {
    let env = setup();
    env.ok(&[
        "acceptance",
        "record-paper",
        "M1",
        "--signed-on",
        "2027-01-03",
        "--recorded-by",
        "S1",
        "--as-of",
        "2027-01-04",
    ]);
    env.ok(&[
        "loan",
        "issue",
        "M1",
        "LAP-1",
        "--authorised-by",
        "S1",
        "--as-of",
        "2027-01-04",
    ]);
    env
}

#[test]
fn paper_form_and_authorisation_before_issue() {
    let env = setup();
    let refused = env.fails(
        &["loan", "issue", "M1", "LAP-1", "--as-of", "2027-01-04"],
        5,
    );
    let got = refusals(&refused);
    assert!(got.iter().any(|(g, _)| g == "acceptance"), "{got:?}");
    assert!(
        got.contains(&("authorisation".into(), Some("7".into()))),
        "{got:?}"
    );

    env.ok(&[
        "acceptance",
        "record-paper",
        "M1",
        "--signed-on",
        "2027-01-03",
        "--recorded-by",
        "S1",
        "--as-of",
        "2027-01-04",
    ]);
    let still = env.fails(
        &["loan", "issue", "M1", "LAP-1", "--as-of", "2027-01-04"],
        5,
    );
    assert_eq!(
        refusals(&still),
        vec![("authorisation".into(), Some("7".into()))]
    );
    let issued = env.ok(&[
        "loan",
        "issue",
        "M1",
        "LAP-1",
        "--authorised-by",
        "S1",
        "--as-of",
        "2027-01-04",
    ]);
    assert_eq!(issued["id"], 1);

    let list = env.ok(&["acceptance", "list", "--as-of", "2027-01-04"]);
    assert_eq!(list[0]["status"]["status"], "current");
}

#[test]
fn recall_by_the_named_officer_only() {
    let env = on_loan();
    let refused = env.fails(
        &["loan", "recall", "1", "--by", "M1", "--as-of", "2027-02-01"],
        5,
    );
    assert_eq!(refusals(&refused)[0].1.as_deref(), Some("28"));
    let recalled = env.ok(&["loan", "recall", "1", "--by", "S1", "--as-of", "2027-02-01"]);
    assert_eq!(recalled["return_by"]["date"], "2027-02-08");
    assert_eq!(recalled["return_by"]["citation"]["clause"], "28");
}

#[test]
fn one_month_from_the_end_of_january() {
    let env = on_loan();
    let left = env.ok(&[
        "person",
        "leave",
        "M1",
        "--on",
        "2027-01-31",
        "--reason",
        "disqualified",
        "--as-of",
        "2027-01-31",
    ]);
    assert_eq!(left["loans"][0]["leaving_by"], "2027-02-28");
    assert_eq!(left["citation"]["clause"], "27");
    // Clause 27 also says the laptop must not be used from that day: the answer says so, and
    // the sweep tells her once.
    assert_eq!(left["stop_use"]["clause"], "27");
    let stop_use = |day: &str| -> Vec<serde_json::Value> {
        let swept = env.ok(&["sweep", "--as-of", day]);
        swept["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["key"] == "stop-use:loan-1")
            .cloned()
            .collect()
    };
    let first = stop_use("2027-01-31");
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(first[0]["citation"]["clause"], "27", "{:#}", first[0]);
    assert!(
        first[0]["decision"]
            .as_str()
            .unwrap()
            .starts_with("Stop using it now and return it by 28 February 2027"),
        "{:#}",
        first[0]
    );
    assert_eq!(first[0]["outcome"], "queued", "{:#}", first[0]);
    let again = stop_use("2027-02-01");
    assert!(again.iter().all(|f| f["outcome"] != "queued"), "{again:?}");
    // Out of office, nothing more may be issued.
    env.ok(&[
        "equipment",
        "add",
        "--tag",
        "LAP-2",
        "--kind",
        "laptop",
        "--model",
        "T14",
        "--cost",
        "700",
        "--as-of",
        "2027-02-01",
    ]);
    let refused = env.fails(
        &[
            "loan",
            "issue",
            "M1",
            "LAP-2",
            "--authorised-by",
            "S1",
            "--as-of",
            "2027-02-01",
        ],
        5,
    );
    assert!(refusals(&refused).iter().any(|(g, _)| g == "in_office"));
}

#[test]
fn a_new_version_shows_its_changes_and_who_must_sign_before_it_is_adopted() {
    let env = Env::new();
    env.council("county-members-policy", "2027-01-04");
    for (reference, start) in [
        ("M1", "2026-05-07"),
        ("M2", "2026-05-07"),
        ("M3", "2027-06-01"),
    ] {
        env.ok(&[
            "person",
            "add",
            "--ref",
            reference,
            "--name",
            reference,
            "--kind",
            "councillor",
            "--term-start",
            start,
            "--as-of",
            "2027-01-04",
        ]);
    }
    let preview = env.ok(&[
        "policy",
        "changes",
        "--preset",
        "city-aup",
        "--effective",
        "2027-03-01",
        "--as-of",
        "2027-01-04",
    ]);
    // M3's term has not begun on the day it would take effect.
    assert_eq!(preview["must_sign"], 2, "{preview}");
    assert_eq!(preview["replaces"]["number"], 1);
    let changes = preview["changes"].as_array().unwrap();
    assert!(!changes.is_empty());
    assert!(
        changes
            .iter()
            .all(|c| c["topic"].is_string() && c["clause"].is_string())
    );
    // Nothing was adopted.
    let versions = env.ok(&["policy", "versions"]);
    assert_eq!(versions.as_array().unwrap().len(), 1);
    let same = env.ok(&[
        "policy",
        "changes",
        "--preset",
        "county-members-policy",
        "--as-of",
        "2027-01-04",
    ]);
    assert_eq!(same["changes"], serde_json::json!([]));
}
