//! Subject access requests and the subject access document.

use super::{borough, due};

#[test]
fn subject_access_runs_a_month_and_extends_to_three() {
    let env = borough();
    let sar = env.ok(&[
        "sar",
        "add",
        "--as",
        "olive",
        "--requester",
        "Ada Quill",
        "--subject",
        "M1",
        "--received",
        "2027-01-31",
        "--as-of",
        "2027-02-01",
    ]);
    assert_eq!(sar["reference"], "SAR-2027-0001");
    assert_eq!(due(&sar), "2027-02-28");
    assert_eq!(sar["subject"], "Ada Quill (M1)");
    // A subject access request names the person it is about.
    env.fails(
        &[
            "sar",
            "add",
            "--as",
            "olive",
            "--requester",
            "X",
            "--received",
            "2027-02-01",
            "--as-of",
            "2027-02-01",
        ],
        3,
    );
    let checked = env.ok(&[
        "sar",
        "identity",
        "SAR-2027-0001",
        "--on",
        "2027-02-02",
        "--as",
        "olive",
        "--as-of",
        "2027-02-02",
    ]);
    assert_eq!(checked["identity_checked_on"], "2027-02-02");
    let list = env.ok(&["sar", "list", "--as", "olive", "--as-of", "2027-02-24"]);
    assert_eq!(list[0]["deadline"]["standing"], "due_soon");
    let extended = env.ok(&[
        "sar",
        "extend",
        "SAR-2027-0001",
        "--reason",
        "Records held in three systems",
        "--as",
        "olive",
        "--as-of",
        "2027-02-20",
    ]);
    assert_eq!(due(&extended), "2027-04-30");
    // An FOI request is not handled through `steward sar`.
    env.ok(&[
        "foi",
        "add",
        "--as",
        "olive",
        "--requester",
        "J",
        "--summary",
        "S",
        "--received",
        "2027-02-01",
        "--as-of",
        "2027-02-01",
    ]);
    env.fails(
        &[
            "sar",
            "show",
            "FOI-2027-0001",
            "--as",
            "olive",
            "--as-of",
            "2027-02-02",
        ],
        2,
    );
    let closed = env.ok(&[
        "sar",
        "close",
        "SAR-2027-0001",
        "--on",
        "2027-04-20",
        "--outcome",
        "Subject access document sent",
        "--as",
        "olive",
        "--as-of",
        "2027-04-21",
    ]);
    assert_eq!(closed["closed_on"], "2027-04-20");
    assert_eq!(closed["deadline"]["standing"], "closed");
}

#[test]
fn the_subject_access_document_holds_the_person_and_no_one_else() {
    let env = borough();
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
        "650",
        "--as-of",
        "2027-01-04",
    ]);
    env.ok(&[
        "equipment",
        "pat-test",
        "LAP-1",
        "--on",
        "2027-01-04",
        "--as-of",
        "2027-01-04",
    ]);
    env.ok(&[
        "acceptance",
        "sign",
        "M1",
        "--typed-name",
        "Ada Quill",
        "--as-of",
        "2027-01-05",
    ]);
    env.ok(&["loan", "issue", "M1", "LAP-1", "--as-of", "2027-01-05"]);
    env.ok(&[
        "case",
        "raise",
        "--as",
        "ada",
        "--subject",
        "M2",
        "--summary",
        "Bo Fenn shared a password with Olive",
        "--as-of",
        "2027-01-06",
    ]);
    env.ok(&[
        "case",
        "raise",
        "--as",
        "bofenn",
        "--subject",
        "M1",
        "--summary",
        "Laptop left unlocked in the chamber",
        "--as-of",
        "2027-01-06",
    ]);

    // Only those who handle information requests produce it.
    env.fails(
        &[
            "person",
            "export",
            "M1",
            "--as",
            "ada",
            "--as-of",
            "2027-02-01",
        ],
        8,
    );
    env.fails(
        &[
            "person",
            "export",
            "M1",
            "--as",
            "audrey",
            "--as-of",
            "2027-02-01",
        ],
        8,
    );
    env.fails(
        &[
            "person",
            "export",
            "M1",
            "--as",
            "sam",
            "--as-of",
            "2027-02-01",
        ],
        8,
    );

    let pdf = env.dir.path().join("sar.pdf");
    let doc = env.ok(&[
        "person",
        "export",
        "M1",
        "--as",
        "olive",
        "--out",
        pdf.to_str().unwrap(),
        "--as-of",
        "2027-02-01",
    ]);
    assert_eq!(doc["person"]["name"], "Ada Quill");
    assert_eq!(doc["loans"][0]["asset_tag"], "LAP-1");
    assert_eq!(doc["acceptances"][0]["method"], "self service");
    assert_eq!(doc["cases"].as_array().unwrap().len(), 2);
    let text = doc.to_string();
    for other in ["Bo Fenn", "Fenn", "Olive", "Desk", "bofenn", "olive"] {
        assert!(!text.contains(other), "{other} in {text}");
    }
    assert!(text.contains("[redacted: another person]"));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-1.4"));

    // The production is audited: by whom and for whom, never the data.
    let log = env.ok(&["audit", "log", "--entity", "person", "--id", "M1"]);
    let made = log
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["action"] == "person.subject_access_document")
        .expect("audited");
    assert_eq!(made["actor"], "olive");
    assert!(
        made["after"].is_null() && made["before"].is_null(),
        "{made}"
    );
    env.ok(&["audit", "verify"]);
}
