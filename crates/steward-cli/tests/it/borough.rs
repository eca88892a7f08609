//! Borough members' protocol: signed protocol and a PAT test before an iPad is used; phones
//! only for named offices; immediate return on leaving; refresh and phone evaluations.

use crate::support::{Env, refusals};

fn setup() -> Env {
    let env = Env::new();
    env.council("borough-members-protocol", "2026-06-01");
    env.ok(&[
        "person",
        "add",
        "--ref",
        "M1",
        "--name",
        "Flo Hart",
        "--kind",
        "councillor",
        "--term-start",
        "2023-05-04",
        "--as-of",
        "2027-02-01",
    ]);
    env.ok(&[
        "person",
        "add",
        "--ref",
        "M2",
        "--name",
        "Gil Penn",
        "--kind",
        "councillor",
        "--term-start",
        "2023-05-04",
        "--as-of",
        "2027-02-01",
    ]);
    env.ok(&[
        "equipment",
        "add",
        "--tag",
        "TAB-1",
        "--kind",
        "tablet",
        "--model",
        "iPad 10",
        "--cost",
        "449",
        "--purchased",
        "2022-09-01",
        "--as-of",
        "2027-02-01",
    ]);
    env.ok(&[
        "equipment",
        "add",
        "--tag",
        "PHN-1",
        "--kind",
        "mobile_phone",
        "--model",
        "Handset",
        "--cost",
        "300",
        "--purchased",
        "2026-01-10",
        "--as-of",
        "2027-02-01",
    ]);
    env
}

#[test]
fn ipad_needs_signature_and_pat_test() {
    let env = setup();
    let refused = env.fails(
        &["loan", "issue", "M1", "TAB-1", "--as-of", "2027-02-01"],
        5,
    );
    let got = refusals(&refused);
    assert!(
        got.contains(&("acceptance".into(), Some("1.2".into()))),
        "{got:?}"
    );
    assert!(
        got.contains(&("pat_test".into(), Some("2.5".into()))),
        "{got:?}"
    );

    env.ok(&[
        "acceptance",
        "sign",
        "M1",
        "--typed-name",
        "flo  hart",
        "--as-of",
        "2027-02-01",
    ]);
    let refused = env.fails(
        &["loan", "issue", "M1", "TAB-1", "--as-of", "2027-02-01"],
        5,
    );
    assert_eq!(
        refusals(&refused),
        vec![("pat_test".into(), Some("2.5".into()))]
    );

    env.ok(&[
        "equipment",
        "pat-test",
        "TAB-1",
        "--on",
        "2027-02-01",
        "--as-of",
        "2027-02-01",
    ]);
    let issued = env.ok(&["loan", "issue", "M1", "TAB-1", "--as-of", "2027-02-01"]);
    assert!(
        issued["due_on"].is_null(),
        "the protocol sets no loan period"
    );
}

#[test]
fn signature_must_match_the_name_held() {
    let env = setup();
    env.fails(
        &[
            "acceptance",
            "sign",
            "M1",
            "--typed-name",
            "Someone Else",
            "--as-of",
            "2027-02-01",
        ],
        3,
    );
}

#[test]
fn phone_only_while_holding_an_entitled_office() {
    let env = setup();
    env.ok(&[
        "acceptance",
        "sign",
        "M2",
        "--typed-name",
        "Gil Penn",
        "--as-of",
        "2027-02-01",
    ]);
    let refused = env.fails(
        &["loan", "issue", "M2", "PHN-1", "--as-of", "2027-02-01"],
        5,
    );
    assert_eq!(
        refusals(&refused),
        vec![("entitlement".into(), Some("1.6".into()))]
    );
    env.ok(&[
        "person",
        "office",
        "add",
        "M2",
        "cabinet_member",
        "--from",
        "2027-02-01",
        "--as-of",
        "2027-02-01",
    ]);
    env.ok(&["loan", "issue", "M2", "PHN-1", "--as-of", "2027-02-01"]);

    // Evaluated every 12 months from issue.
    let due = env.ok(&["due", "--as-of", "2028-01-20"]);
    let eval = due["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "phone_evaluation")
        .expect("evaluation due");
    assert_eq!(eval["due_on"], "2028-02-01");
    assert_eq!(eval["citation"]["clause"], "3.6");

    // Leaving office means returning it at once.
    let left = env.ok(&[
        "person",
        "leave",
        "M2",
        "--on",
        "2028-05-05",
        "--reason",
        "not_re_elected",
        "--as-of",
        "2028-05-05",
    ]);
    assert_eq!(left["loans"][0]["leaving_by"], "2028-05-05");
    assert_eq!(left["citation"]["clause"], "8.3");
}

#[test]
fn refresh_queue_puts_cabinet_first_then_oldest() {
    let env = setup();
    env.ok(&[
        "equipment",
        "add",
        "--tag",
        "LAP-1",
        "--kind",
        "laptop",
        "--model",
        "Old",
        "--cost",
        "600",
        "--purchased",
        "2021-01-01",
        "--pat-tested",
        "2027-01-01",
        "--as-of",
        "2027-02-01",
    ]);
    env.ok(&[
        "equipment",
        "add",
        "--tag",
        "LAP-2",
        "--kind",
        "laptop",
        "--model",
        "Newer",
        "--cost",
        "600",
        "--purchased",
        "2022-06-01",
        "--pat-tested",
        "2027-01-01",
        "--as-of",
        "2027-02-01",
    ]);
    env.ok(&[
        "equipment",
        "pat-test",
        "TAB-1",
        "--on",
        "2027-01-15",
        "--as-of",
        "2027-02-01",
    ]);
    for m in ["M1", "M2"] {
        let name = if m == "M1" { "Flo Hart" } else { "Gil Penn" };
        env.ok(&[
            "acceptance",
            "sign",
            m,
            "--typed-name",
            name,
            "--as-of",
            "2027-02-01",
        ]);
    }
    env.ok(&[
        "person",
        "office",
        "add",
        "M2",
        "cabinet_member",
        "--from",
        "2027-02-01",
        "--as-of",
        "2027-02-01",
    ]);
    env.ok(&["loan", "issue", "M1", "LAP-1", "--as-of", "2027-02-01"]);
    env.ok(&["loan", "issue", "M2", "LAP-2", "--as-of", "2027-02-01"]);
    let due = env.ok(&["due", "--as-of", "2027-02-02"]);
    let queue: Vec<&str> = due["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "refresh")
        .filter_map(|i| i["asset_tag"].as_str())
        .collect();
    assert_eq!(
        queue,
        vec!["LAP-2", "LAP-1"],
        "cabinet member first, then oldest"
    );
    // The replacement plan report orders its rows by the same queue.
    let report = env.ok(&["report", "refresh", "--as-of", "2027-02-02"]);
    let rows: Vec<(String, String)> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r[1].as_str().unwrap().into(), r[8].as_str().unwrap().into()))
        .collect();
    assert_eq!(
        rows,
        [
            ("LAP-2".into(), "1 (priority office holder)".into()),
            ("LAP-1".into(), "2".into()),
            ("TAB-1".into(), "3".into())
        ],
        "cabinet member first in the report as in what is due"
    );
}
