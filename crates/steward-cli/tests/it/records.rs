//! Information requests, subject access and the printable acceptance form, through the CLI
//! and the API, on the borough's protocol: its [information_requests] names the Legal and
//! Democratic Services Manager and the Borough Solicitor to handle them (clause 9.3).

use crate::api::{Server, token, user};
use crate::support::Env;
use serde_json::{Value, json};

/// A borough council on 4 January 2027: Olive handles information requests, Ada and Bo are
/// members, Audrey audits; each has an account of that name.
fn borough() -> Env {
    let env = Env::new();
    env.council("borough-members-protocol", "2027-01-04");
    for (reference, name, kind, office) in [
        (
            "S1",
            "Olive Desk",
            "employee",
            Some("legal_and_democratic_services_manager"),
        ),
        ("S2", "Sam Till", "employee", Some("service_desk")),
        ("M1", "Ada Quill", "councillor", None),
        ("M2", "Bo Fenn", "councillor", None),
    ] {
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
            "2026-05-07",
            "--as-of",
            "2027-01-04",
        ];
        if let Some(o) = office {
            args.extend(["--office", o]);
        }
        env.ok(&args);
    }
    for (username, role, person) in [
        ("olive", "officer", Some("S1")),
        ("sam", "officer", Some("S2")),
        ("ada", "member", Some("M1")),
        ("bofenn", "member", Some("M2")),
        ("audrey", "auditor", None),
    ] {
        let mut args = vec!["--username", username, "--role", role];
        if let Some(p) = person {
            args.extend(["--person", p]);
        }
        user(&env, &args);
    }
    env
}

fn due(v: &Value) -> &str {
    v["deadline"]["due_on"].as_str().unwrap()
}

#[test]
fn foi_deadlines_count_working_days_pauses_and_extensions() {
    let env = borough();
    // Received Thursday 18 March 2027: Good Friday and Easter Monday are not working days
    // in England and Wales, so the 20th working day is Monday 19 April.
    let foi = env.ok(&[
        "foi",
        "add",
        "--as",
        "olive",
        "--requester",
        "A journalist",
        "--summary",
        "Spending on councillors' laptops",
        "--received",
        "2027-03-18",
        "--as-of",
        "2027-03-19",
    ]);
    assert_eq!(foi["reference"], "FOI-2027-0001");
    assert_eq!(due(&foi), "2027-04-19");
    assert_eq!(foi["clause"], "9.3");
    assert_eq!(foi["handlers"][0], "legal_and_democratic_services_manager");
    // Scotland keeps Easter Monday as a working day: one day sooner.
    let scot = env.ok(&[
        "foi",
        "add",
        "--as",
        "olive",
        "--requester",
        "A Scot",
        "--summary",
        "Minutes",
        "--received",
        "2027-03-18",
        "--nation",
        "scotland",
        "--as-of",
        "2027-03-19",
    ]);
    assert_eq!(due(&scot), "2027-04-16");
    assert_eq!(scot["nation"], "scotland");

    // Clarification asked on the 22nd and given on the 24th: two working days do not count.
    let paused = env.ok(&[
        "foi",
        "pause",
        "FOI-2027-0001",
        "--as",
        "olive",
        "--asked-on",
        "2027-03-22",
        "--as-of",
        "2027-03-22",
    ]);
    assert_eq!(paused["deadline"]["standing"], "paused");
    env.fails(
        &[
            "foi",
            "close",
            "FOI-2027-0001",
            "--as",
            "olive",
            "--on",
            "2027-03-23",
            "--outcome",
            "Sent",
            "--as-of",
            "2027-03-23",
        ],
        3,
    );
    let resumed = env.ok(&[
        "foi",
        "resume",
        "FOI-2027-0001",
        "--as",
        "olive",
        "--answered-on",
        "2027-03-24",
        "--as-of",
        "2027-03-25",
    ]);
    assert_eq!(due(&resumed), "2027-04-21");

    // A member is asked what they hold, sees it on their own list and answers.
    let asked = env.ok(&[
        "foi",
        "ask",
        "FOI-2027-0001",
        "--as",
        "olive",
        "--person",
        "M1",
        "--as-of",
        "2027-03-25",
    ]);
    let help = asked["helpers"][0]["id"].as_i64().unwrap().to_string();
    assert!(asked["helpers"][0]["answered_on"].is_null());
    let mine = env.ok(&["foi", "mine", "--as", "ada", "--as-of", "2027-03-26"]);
    assert_eq!(mine[0]["reference"], "FOI-2027-0001");
    assert_eq!(mine[0]["council_due_on"], "2027-04-21");
    assert!(
        env.ok(&["foi", "mine", "--as", "bofenn", "--as-of", "2027-03-26"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    env.ok(&[
        "foi",
        "answer",
        "--helper",
        &help,
        "--text",
        "Two emails about the purchase",
        "--as",
        "ada",
        "--as-of",
        "2027-03-26",
    ]);
    let shown = env.ok(&[
        "foi",
        "show",
        "FOI-2027-0001",
        "--as",
        "olive",
        "--as-of",
        "2027-03-26",
    ]);
    assert_eq!(shown["helpers"][0]["answered_on"], "2027-03-26");
    assert_eq!(shown["helpers"][0]["name"], "Ada Quill");

    // Members, and officers of other offices, neither see nor act on requests.
    env.fails(
        &[
            "foi",
            "show",
            "FOI-2027-0001",
            "--as",
            "ada",
            "--as-of",
            "2027-03-26",
        ],
        4,
    );
    env.fails(
        &[
            "foi",
            "show",
            "FOI-2027-0001",
            "--as",
            "sam",
            "--as-of",
            "2027-03-26",
        ],
        4,
    );
    env.fails(
        &[
            "foi",
            "add",
            "--as",
            "sam",
            "--requester",
            "X",
            "--summary",
            "Y",
            "--received",
            "2027-03-26",
            "--as-of",
            "2027-03-26",
        ],
        8,
    );
    // Auditors read every request and change none.
    let listed = env.ok(&["foi", "list", "--as", "audrey", "--as-of", "2027-04-19"]);
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let overdue: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["deadline"]["standing"].as_str().unwrap())
        .collect();
    assert_eq!(overdue, ["due_soon", "overdue"]);
    env.fails(
        &[
            "foi",
            "extend",
            "FOI-2027-0001",
            "--as",
            "audrey",
            "--to",
            "2027-05-20",
            "--reason",
            "x",
            "--as-of",
            "2027-04-01",
        ],
        8,
    );

    // A public-interest extension needs a reasoned later date.
    let no_date = env.fails(
        &[
            "foi",
            "extend",
            "FOI-2027-0001",
            "--as",
            "olive",
            "--reason",
            "Public interest test",
            "--as-of",
            "2027-04-01",
        ],
        3,
    );
    assert!(no_date.stderr.contains("to:"), "{}", no_date.stderr);
    let extended = env.ok(&[
        "foi",
        "extend",
        "FOI-2027-0001",
        "--as",
        "olive",
        "--to",
        "2027-05-20",
        "--reason",
        "Public interest test under section 43",
        "--as-of",
        "2027-04-01",
    ]);
    assert_eq!(due(&extended), "2027-05-20");
    assert_eq!(extended["deadline"]["statutory"], "2027-04-21");

    // An EIR request extends to 40 working days: 18 May, past the early May bank holiday.
    let eir = env.ok(&[
        "foi",
        "add",
        "--eir",
        "--as",
        "olive",
        "--requester",
        "A neighbour",
        "--summary",
        "Tree survey",
        "--received",
        "2027-03-18",
        "--as-of",
        "2027-03-19",
    ]);
    assert_eq!(eir["reference"], "EIR-2027-0001");
    let eir = env.ok(&[
        "foi",
        "extend",
        "EIR-2027-0001",
        "--as",
        "olive",
        "--reason",
        "Voluminous",
        "--as-of",
        "2027-03-22",
    ]);
    assert_eq!(due(&eir), "2027-05-18");

    let closed = env.ok(&[
        "foi",
        "close",
        "FOI-2027-0001",
        "--as",
        "olive",
        "--on",
        "2027-04-30",
        "--outcome",
        "Information sent in part",
        "--as-of",
        "2027-04-30",
    ]);
    assert_eq!(closed["deadline"]["standing"], "closed");

    // Every change is in the audit trail, which still verifies.
    let log = env.ok(&[
        "audit",
        "log",
        "--entity",
        "information_request",
        "--id",
        "FOI-2027-0001",
    ]);
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    for action in [
        "information.receive",
        "information.pause",
        "information.resume",
        "information.ask",
        "information.answer",
        "information.extend",
        "information.close",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    env.ok(&["audit", "verify"]);
}

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

#[test]
fn a_printed_form_reference_is_accepted_for_its_person_and_version_only() {
    let env = borough();
    let pdf = env.dir.path().join("form.pdf");
    let form = env.ok(&[
        "acceptance",
        "form",
        "M1",
        "--out",
        pdf.to_str().unwrap(),
        "--as-of",
        "2027-01-10",
    ]);
    let reference = form["reference"].as_str().unwrap().to_string();
    assert!(reference.starts_with("TEST-COUNCIL/M1/V1/"), "{reference}");
    assert_eq!(
        form["policy_title"],
        "Protocol on the use of ICT by Members"
    );
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));

    // Not Bo's form, and not a mistyped one.
    let wrong = env.fails(
        &[
            "acceptance",
            "record-paper",
            "M2",
            "--reference",
            &reference,
            "--signed-on",
            "2027-01-10",
            "--recorded-by",
            "S1",
            "--as-of",
            "2027-01-11",
        ],
        3,
    );
    assert!(
        wrong
            .stderr
            .contains("printed for Ada Quill (M1), not for Bo Fenn (M2)"),
        "{}",
        wrong.stderr
    );
    let mut typo = reference.clone();
    let last = typo.pop().unwrap();
    typo.push(if last == '0' { '1' } else { '0' });
    let bad = env.fails(
        &[
            "acceptance",
            "record-paper",
            "--reference",
            &typo,
            "--signed-on",
            "2027-01-10",
            "--recorded-by",
            "S1",
            "--as-of",
            "2027-01-11",
        ],
        3,
    );
    assert!(bad.stderr.contains("does not check out"), "{}", bad.stderr);

    // A new version of the policy makes the old form out of date.
    let source = steward_policy::presets::find("borough-members-protocol")
        .unwrap()
        .source
        .replace("version = \"04.11.19\"", "version = \"04.11.19-rev\"");
    let file = env.file("protocol-v2.toml", &source);
    env.ok(&[
        "policy",
        "adopt",
        file.to_str().unwrap(),
        "--effective",
        "2027-02-01",
        "--as-of",
        "2027-01-20",
    ]);
    let old = env.fails(
        &[
            "acceptance",
            "record-paper",
            "--reference",
            &reference,
            "--signed-on",
            "2027-02-02",
            "--recorded-by",
            "S1",
            "--as-of",
            "2027-02-03",
        ],
        3,
    );
    assert!(
        old.stderr.contains("version 1") && old.stderr.contains("version 2"),
        "{}",
        old.stderr
    );

    let new = env.ok(&[
        "acceptance",
        "form",
        "M1",
        "--out",
        pdf.to_str().unwrap(),
        "--as-of",
        "2027-02-03",
    ]);
    let new_ref = new["reference"].as_str().unwrap();
    assert!(new_ref.contains("/V2/"), "{new_ref}");
    let signed = env.ok(&[
        "acceptance",
        "record-paper",
        "--reference",
        new_ref,
        "--signed-on",
        "2027-02-02",
        "--recorded-by",
        "S1",
        "--as-of",
        "2027-02-03",
    ]);
    assert_eq!(signed["method"], "paper_form");
    let register = env.ok(&["acceptance", "list", "--as-of", "2027-02-03"]);
    let ada = register
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["person"]["reference"] == "M1")
        .unwrap();
    assert!(ada["status"].to_string().contains("2027-02-02"), "{ada}");
}

#[test]
fn the_api_serves_requests_documents_and_forms_to_their_handlers() {
    let env = borough();
    let olive = token(&env, "olive", "officer");
    let ada = token(&env, "ada", "member");
    let audrey = token(&env, "audrey", "auditor");
    let api = Server::start(&env, "2027-03-19");

    let r = api.post(
        &olive,
        "/information-requests",
        json!({"kind": "foi", "requester": "A journalist", "summary": "Laptops", "received_on": "2027-03-18"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["deadline"]["due_on"], "2027-04-19");
    let r = api.post(
        &olive,
        "/information-requests/FOI-2027-0001/ask",
        json!({"person": "M1"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = api.post(
        &olive,
        "/information-requests/FOI-2027-0001/extend",
        json!({"reason": "x"}),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.body["errors"][0]["field"], "to", "{}", r.body);
    assert_eq!(api.get(&ada, "/information-requests/1").status, 404);
    assert_eq!(api.get(&audrey, "/information-requests/1").status, 200);
    let mine = api.get(&ada, "/me/information-requests");
    assert_eq!(mine.body[0]["reference"], "FOI-2027-0001");
    let id = mine.body[0]["helper_id"].as_i64().unwrap();
    let r = api.post(
        &ada,
        &format!("/me/information-requests/{id}/answer"),
        json!({"answer": "Nothing held"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["answered_on"], "2027-03-19");

    let doc = api.get(&olive, "/people/M1/subject-access");
    assert_eq!(doc.status, 200, "{}", doc.body);
    assert_eq!(doc.body["person"]["name"], "Ada Quill");
    assert_eq!(api.get(&audrey, "/people/M1/subject-access").status, 403);
    let form = api.get(&olive, "/people/M1/acceptance-form");
    assert_eq!(form.status, 200, "{}", form.body);
    let reference = form.body["reference"].as_str().unwrap();
    let r = api.post(
        &olive,
        "/acceptances",
        json!({"person": "M2", "signed_on": "2027-03-18", "form_reference": reference}),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.body["errors"][0]["field"], "form_reference", "{}", r.body);
    let r = api.post(
        &olive,
        "/acceptances",
        json!({"person": "M1", "signed_on": "2027-03-18", "form_reference": reference}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
}
