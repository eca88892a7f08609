//! The printable acceptance form, and the API for everything in this part.

use super::borough;
use crate::api::{Server, token};
use serde_json::json;

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
        wrong.says("printed for Ada Quill (M1), not for Bo Fenn (M2)"),
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
    assert!(bad.says("does not check out"), "{}", bad.stderr);

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
        old.says("version 1") && old.says("version 2"),
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
