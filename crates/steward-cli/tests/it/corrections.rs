//! Correcting a person's or an item's details, on the command line and through the API.

use crate::api::{Server, is_problem, town};
use serde_json::json;

#[test]
fn a_person_is_corrected_on_the_command_line_and_through_the_api() {
    let t = town();
    let env = &t.env;
    let edited = env.ok(&[
        "person",
        "edit",
        "M1",
        "--name",
        "Ada Quilter",
        "--email",
        "ada.quilter@town.gov.uk",
        "--as-of",
        "2027-01-05",
    ]);
    assert_eq!(edited["name"], "Ada Quilter", "{edited}");
    assert_eq!(edited["email"], "ada.quilter@town.gov.uk");
    assert_eq!(edited["household"], "H1");

    // The same checks as the import: a bad address names the field and changes nothing.
    let bad = env.fails(&["person", "edit", "M1", "--email", "ada at town"], 3);
    assert!(bad.stdout.contains("email"), "{}", bad.stdout);
    // Nothing asked for is a mistake, not a silent success.
    env.fails(&["person", "edit", "M1"], 3);
    env.fails(&["person", "edit", "M1", "--kind", "wizard"], 3);
    // The town clerk's office is held by an officer, so the clerk can become a contractor; the
    // Mayor's is held by a member.
    env.ok(&[
        "person",
        "edit",
        "S1",
        "--kind",
        "contractor",
        "--as-of",
        "2027-01-05",
    ]);
    env.ok(&[
        "person",
        "office",
        "add",
        "M3",
        "mayor",
        "--from",
        "2027-01-04",
        "--as-of",
        "2027-01-05",
    ]);
    let mayor = env.fails(
        &[
            "person",
            "edit",
            "M3",
            "--kind",
            "employee",
            "--as-of",
            "2027-01-05",
        ],
        3,
    );
    assert!(mayor.stdout.contains("kind"), "{}", mayor.stdout);

    // An empty --household clears it; the person's page reads the correction.
    env.ok(&["person", "edit", "M1", "--household", ""]);
    let shown = env.ok(&["person", "show", "M1"]);
    assert_eq!(shown["person"]["household"], serde_json::Value::Null);

    let api = Server::start(env, "2027-01-05");
    let r = api.post(
        &t.officer,
        "/people/M2/edit",
        json!({"name": "Ben Quillon", "kind": "co_opted_member"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["name"], "Ben Quillon");
    assert_eq!(r.body["kind"], "co_opted_member");
    let r = api.post(
        &t.officer,
        "/people/M2/edit",
        json!({"email": "no-at-sign"}),
    );
    is_problem(&r, 422);
    assert_eq!(r.body["errors"][0]["field"], "email", "{}", r.body);
    let r = api.post(&t.officer, "/people/M2/edit", json!({"colour": "blue"}));
    is_problem(&r, 422);
    is_problem(
        &api.post(&t.officer, "/people/NOPE/edit", json!({"name": "X"})),
        404,
    );
    // Auditors read; they do not correct.
    is_problem(
        &api.post(&t.auditor, "/people/M2/edit", json!({"name": "X"})),
        403,
    );

    // Each correction is in the audit trail in words.
    let log = env.run(&["audit", "log", "--action", "person.edit"]);
    assert_eq!(log.code, 0, "{}", log.stderr);
    assert!(
        log.stdout
            .contains("corrected the name and the email address of Ada Quilter (M1)"),
        "{}",
        log.stdout
    );
}

#[test]
fn an_item_is_corrected_and_its_serial_number_stays_its_own() {
    let t = town();
    let env = &t.env;
    let edited = env.ok(&[
        "equipment",
        "edit",
        "LAP-1",
        "--model",
        "ThinkPad T14 Gen 4",
        "--serial",
        "PF-4411",
        "--cost",
        "899.50",
        "--purchased-on",
        "2026-11-02",
        "--as-of",
        "2027-01-05",
    ]);
    assert_eq!(edited["model"], "ThinkPad T14 Gen 4", "{edited}");
    assert_eq!(edited["serial"], "PF-4411");
    assert_eq!(edited["replacement_cost"], 89950);
    assert_eq!(edited["purchased_on"], "2026-11-02");
    // The search finds it by its new serial number.
    let found = env.ok(&["equipment", "list", "--search", "pf-4411"]);
    let found = found.as_array().unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].to_string().contains("LAP-1"), "{found:?}");

    let clash = env.fails(&["equipment", "edit", "LAP-2", "--serial", "PF-4411"], 6);
    assert!(clash.stdout.contains("serial"), "{}", clash.stdout);
    env.fails(&["equipment", "edit", "LAP-2", "--cost", "nothing"], 3);
    env.fails(&["equipment", "edit", "LAP-2", "--purchased-on", "soon"], 3);

    let api = Server::start(env, "2027-01-05");
    let r = api.post(
        &t.officer,
        "/equipment/LAP-2/edit",
        json!({"serial": "PF-4411"}),
    );
    is_problem(&r, 409);
    assert_eq!(r.body["errors"][0]["field"], "serial", "{}", r.body);
    let r = api.post(
        &t.officer,
        "/equipment/LAP-2/edit",
        json!({"serial": "PF-5000", "replacement_cost": "700.00", "purchased_on": ""}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["serial"], "PF-5000");
    assert_eq!(r.body["replacement_cost"], 70000);
    is_problem(
        &api.post(&t.auditor, "/equipment/LAP-2/edit", json!({"model": "X"})),
        403,
    );
    is_problem(
        &api.post(
            &t.officer,
            "/equipment/LAP-2/edit",
            json!({"replacement_cost": "0"}),
        ),
        422,
    );
}
