//! Requests, approvals and breach cases through the JSON API, one council per preset: who
//! receives each kind, who must approve, where serious cases go, leavers' deadlines and
//! charges, and web exceptions expiring.

use crate::api::{Server, is_problem, token, user};
use crate::support::Env;
use serde_json::{Value, json};

/// A council under `preset` on 4 January 2027 with the people given as (reference, name,
/// kind, offices, username), each with an account (members for councillors without an office,
/// officers otherwise) and a token of that role; and equipment as (tag, kind).
pub(crate) struct Council {
    pub(crate) env: Env,
    tokens: std::collections::HashMap<String, String>,
}

impl Council {
    pub(crate) fn new(
        preset: &str,
        people: &[(&str, &str, &str, &[&str])],
        kit: &[(&str, &str)],
    ) -> Self {
        let env = Env::new();
        env.council(preset, "2027-01-04");
        let mut tokens = std::collections::HashMap::new();
        for (reference, name, kind, offices) in people {
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
            for o in *offices {
                args.push("--office");
                args.push(o);
            }
            env.ok(&args);
            let username = format!("user-{}", reference.to_lowercase());
            let role = if offices.is_empty() && *kind == "councillor" {
                "member"
            } else {
                "officer"
            };
            user(
                &env,
                &[
                    "--username",
                    &username,
                    "--role",
                    role,
                    "--person",
                    reference,
                ],
            );
            tokens.insert(reference.to_string(), token(&env, &username, role));
        }
        user(&env, &["--username", "user-audit", "--role", "auditor"]);
        tokens.insert("audit".into(), token(&env, "user-audit", "auditor"));
        for (tag, kind) in kit {
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
                "650",
                "--as-of",
                "2027-01-04",
            ]);
            env.ok(&[
                "equipment",
                "pat-test",
                tag,
                "--on",
                "2027-01-04",
                "--as-of",
                "2027-01-04",
            ]);
        }
        Council { env, tokens }
    }

    fn token(&self, who: &str) -> &str {
        &self.tokens[who]
    }

    /// Lends `tag` to `reference` on 5 January, signing the policy first if it asks.
    pub(crate) fn lend(&self, reference: &str, tag: &str, name: &str) {
        let _ = self.env.run(&[
            "acceptance",
            "sign",
            reference,
            "--typed-name",
            name,
            "--as-of",
            "2027-01-05",
        ]);
        self.env
            .ok(&["loan", "issue", reference, tag, "--as-of", "2027-01-05"]);
    }
}

fn raise(api: &Server, token: &str, path: &str, body: Value) -> Value {
    let r = api.post(token, path, body);
    assert_eq!(r.status, 201, "{}", r.body);
    r.body
}

#[test]
fn the_borough_routes_faults_by_kind_and_lost_ipads_to_member_services() {
    let c = Council::new(
        "borough-members-protocol",
        &[
            ("M1", "Ada Quill", "councillor", &[]),
            ("M2", "Cab Member", "councillor", &["cabinet_member"]),
            ("S1", "Hal Desk", "employee", &["service_desk"]),
            ("S2", "Mel Services", "employee", &["member_services"]),
            (
                "S3",
                "Lin Manager",
                "employee",
                &["legal_and_democratic_services_manager"],
            ),
        ],
        &[
            ("LAP-1", "laptop"),
            ("TAB-1", "tablet"),
            ("PHN-1", "mobile_phone"),
        ],
    );
    c.lend("M1", "LAP-1", "Ada Quill");
    c.lend("M1", "TAB-1", "Ada Quill");
    c.lend("M2", "PHN-1", "Cab Member");
    let api = Server::start(&c.env, "2027-02-01");
    let ada = c.token("M1");

    let laptop = raise(
        &api,
        ada,
        "/me/requests",
        json!({"kind": "fault", "equipment": "LAP-1", "summary": "Screen flickers"}),
    );
    assert_eq!(laptop["request"]["handler"], "service_desk");
    assert_eq!(laptop["route"]["citation"]["clause"], "2.5");
    let tablet = raise(
        &api,
        ada,
        "/me/requests",
        json!({"kind": "fault", "equipment": "TAB-1", "summary": "Will not charge"}),
    );
    assert_eq!(tablet["request"]["handler"], "member_services");
    // An item Ada does not hold is refused, naming the field.
    let r = api.post(
        ada,
        "/me/requests",
        json!({"kind": "fault", "equipment": "PHN-1", "summary": "x"}),
    );
    is_problem(&r, 422);
    assert_eq!(r.body["errors"][0]["field"], "equipment");

    // The lost iPad: Member Services, immediately, the item lost and its loan ended.
    let lost = raise(
        &api,
        ada,
        "/me/requests",
        json!({"kind": "lost_or_stolen", "equipment": "TAB-1", "summary": "Lost on the bus",
               "place": "Number 12 bus", "noticed_on": "2027-02-01"}),
    );
    assert_eq!(lost["request"]["handler"], "member_services");
    assert_eq!(lost["request"]["urgency"], "immediately");
    assert_eq!(lost["route"]["citation"]["clause"], "2.3");
    assert!(lost["request"]["due_at"].is_string());
    let id = lost["request"]["id"].as_i64().unwrap();
    let item = api.get(c.token("S2"), "/equipment/TAB-1");
    assert_eq!(item.body["equipment"]["state"], "lost");
    assert!(item.body["open_loan"].is_null());
    // Its loan ended as lost: the loans list and the command line say so, never "returned".
    let ended = api.get(c.token("S2"), "/loans?show=all&q=TAB-1");
    assert_eq!(ended.body["items"][0]["status"], "lost", "{}", ended.body);
    let table = c.env.run(&[
        "loan",
        "list",
        "--all",
        "--search",
        "TAB-1",
        "--as-of",
        "2027-02-01",
    ]);
    assert!(table.stdout.contains("lost 2027-02-01"), "{}", table.stdout);
    assert!(!table.stdout.contains("returned"), "{}", table.stdout);

    // The help desk does not see Member Services' queue; Member Services does.
    let desk = api.get(c.token("S1"), "/requests");
    let ids: Vec<i64> = desk.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert!(!ids.contains(&id), "{ids:?}");
    assert_eq!(
        api.get(c.token("S1"), &format!("/requests/{id}")).status,
        404
    );
    let ms = c.token("S2");
    let shown = api.get(ms, &format!("/requests/{id}"));
    assert_eq!(shown.status, 200, "{}", shown.body);
    let tasks = shown.body["tasks"].as_array().unwrap().clone();
    assert_eq!(tasks.len(), 2);
    let r = api.post(
        ms,
        &format!("/requests/{id}/resolve"),
        json!({"outcome": "Done"}),
    );
    is_problem(&r, 409);
    assert_eq!(
        api.post(ms, &format!("/requests/{id}/assign"), json!({}))
            .status,
        200
    );
    for t in &tasks {
        let r = api.post(
            ms,
            &format!("/requests/{id}/tasks/{}/done", t["id"]),
            json!({"note": "done"}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let r = api.post(
        ms,
        &format!("/requests/{id}/resolve"),
        json!({"outcome": "Insurer told; iPad wiped remotely"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["state"], "resolved");

    // A phone's replacement needs the Legal and Democratic Services Manager (3.6).
    let eval = raise(
        &api,
        c.token("M2"),
        "/me/requests",
        json!({"kind": "phone_evaluation", "equipment": "PHN-1", "summary": "Battery failing"}),
    );
    assert_eq!(eval["request"]["state"], "awaiting_approval");
    assert_eq!(eval["route"]["approval"]["citation"]["clause"], "3.6");
    let eid = eval["request"]["id"].as_i64().unwrap();
    let r = api.post(
        ms,
        &format!("/requests/{eid}/decision"),
        json!({"decision": "approve", "reason": "ok"}),
    );
    is_problem(&r, 404);
    let r = api.post(
        c.token("S3"),
        &format!("/requests/{eid}/decision"),
        json!({"decision": "approve", "reason": "Replace at the next refresh"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["request"]["state"], "approved");

    // Breaches go to the protocol's owner; restricting software is an outcome it provides.
    let case = raise(
        &api,
        c.token("S1"),
        "/cases",
        json!({"subject": "M1", "summary": "Unlicensed software found at service"}),
    );
    assert_eq!(
        case["handlers"],
        json!(["legal_and_democratic_services_manager"])
    );
    assert_eq!(case["clause"], "10.1");
    let cid = case["id"].as_i64().unwrap();
    assert_eq!(api.get(c.token("S1"), &format!("/cases/{cid}")).status, 404);
    let r = api.post(
        c.token("S3"),
        &format!("/cases/{cid}/close"),
        json!({"outcome": "restrict_software", "note": "Removed it", "equipment": "LAP-1"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = api.post(
        c.token("S3"),
        &format!("/cases/{cid}/escalate"),
        json!({"reason": "x"}),
    );
    is_problem(&r, 409);
}

#[test]
fn the_town_needs_both_the_mayor_and_the_clerk_for_a_longer_loan() {
    let c = Council::new(
        "town-it-policy",
        &[
            ("M1", "Ada Quill", "councillor", &[]),
            ("M2", "Mo Mayor", "councillor", &["mayor"]),
            ("S1", "Dot Clerk", "employee", &["town_clerk"]),
        ],
        &[("LAP-1", "laptop")],
    );
    c.lend("M1", "LAP-1", "Ada Quill");
    let api = Server::start(&c.env, "2027-03-20");
    let asked = raise(
        &api,
        c.token("M1"),
        "/me/requests",
        json!({"kind": "loan_extension", "equipment": "LAP-1",
               "summary": "In hospital for the budget period", "until": "2027-05-20"}),
    );
    assert_eq!(asked["request"]["handler"], "town_clerk");
    let approval = &asked["route"]["approval"];
    assert_eq!(approval["agreement"], "all");
    assert_eq!(approval["approvers"], json!(["mayor", "town_clerk"]));
    assert_eq!(approval["citation"]["clause"], "4.5");
    let id = asked["request"]["id"].as_i64().unwrap();
    let decide = |who: &str| {
        api.post(
            c.token(who),
            &format!("/requests/{id}/decision"),
            json!({"decision": "approve", "reason": "Exceptional circumstances"}),
        )
    };
    let first = decide("S1");
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(first.body["outcome"].is_null());
    // The member who asked sees it but cannot approve; the clerk cannot approve twice.
    is_problem(&decide("M1"), 403);
    is_problem(&decide("S1"), 409);
    let second = decide("M2");
    assert_eq!(
        second.body["request"]["state"], "approved",
        "{}",
        second.body
    );
    let loan = api.get(c.token("S1"), "/loans?open=true");
    assert_eq!(loan.body["items"][0]["loan"]["due_on"], "2027-05-20");
    // Installs go to the town clerk, who authorises them; breaches go to the town clerk too.
    let install = raise(
        &api,
        c.token("S1"),
        "/requests",
        json!({"kind": "software_install", "person": "M1", "equipment": "LAP-1",
               "summary": "Minutes software", "software": "Minute Taker"}),
    );
    assert_eq!(install["route"]["approval"]["citation"]["clause"], "3.3");
    let case = raise(
        &api,
        c.token("M1"),
        "/cases",
        json!({"summary": "Someone is gaming on the office PC", "anonymous": true}),
    );
    assert_eq!(case["handlers"], json!(["town_clerk"]));
}

#[test]
fn the_city_sends_serious_cases_to_standards_and_exceptions_expire() {
    let c = Council::new(
        "city-members-code",
        &[
            ("M1", "Ada Quill", "councillor", &[]),
            ("M2", "Bo Fenn", "councillor", &[]),
            ("S1", "Mo Officer", "employee", &["monitoring_officer"]),
            ("S2", "Bea Systems", "employee", &["business_systems"]),
        ],
        &[("LAP-1", "laptop"), ("LAP-2", "laptop")],
    );
    c.lend("M2", "LAP-2", "Bo Fenn");
    let api = Server::start(&c.env, "2027-02-01");
    // Installing one's own software is not allowed at all (28.6).
    let r = api.post(
        c.token("M1"),
        "/me/requests",
        json!({"kind": "software_install", "summary": "Chess", "software": "Chess"}),
    );
    is_problem(&r, 409);
    assert_eq!(r.body["refusals"][0]["citation"]["clause"], "28.6");

    let asked = raise(
        &api,
        c.token("M1"),
        "/me/requests",
        json!({"kind": "web_exception", "summary": "Planning appeal documents",
               "host": "appeals.example.org", "until": "2027-02-10"}),
    );
    assert_eq!(asked["request"]["handler"], "business_systems");
    let id = asked["request"]["id"].as_i64().unwrap();
    let r = api.post(
        c.token("S2"),
        &format!("/requests/{id}/decision"),
        json!({"decision": "approve", "reason": "Committee work"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let now = api.get(c.token("audit"), "/web-exceptions");
    assert_eq!(now.body["items"][0]["host"], "appeals.example.org");
    assert_eq!(now.body["items"][0]["clause"], "28.8");
    let later = api.get(c.token("audit"), "/web-exceptions?from=2027-02-11");
    assert_eq!(later.body["items"], json!([]), "expired after 10 February");

    let case = raise(
        &api,
        c.token("M1"),
        "/cases",
        json!({"subject": "M2", "summary": "Running a business from the council laptop"}),
    );
    let cid = case["id"].as_i64().unwrap();
    let mo = c.token("S1");
    let opened = api.get(mo, &format!("/cases/{cid}"));
    assert_eq!(opened.status, 200, "{}", opened.body);
    assert_eq!(opened.body["escalation"]["to"], "standards_committee");
    assert_eq!(opened.body["escalation"]["citation"]["clause"], "28.10");
    let r = api.post(
        mo,
        &format!("/cases/{cid}/escalate"),
        json!({"reason": "Serious and repeated"}),
    );
    assert_eq!(r.body["state"], "escalated", "{}", r.body);
    let r = api.post(
        mo,
        &format!("/cases/{cid}/close"),
        json!({"outcome": "replacement_charge", "note": "Laptop not returned", "equipment": "LAP-2"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body["done"][0].as_str().unwrap().contains("28.9"));
    // Every look at the case is in the audit trail, and the auditor can see that.
    let trail = api.get(
        c.token("audit"),
        &format!("/audit?entity=case&entity_id={cid}"),
    );
    let actions: Vec<&str> = trail.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["case.raise", "case.view", "case.escalate", "case.close"]
    );

    // Leavers get the pack's ten days; after that the full replacement cost may be charged.
    let r = api.post_csv(
        c.token("S1"),
        "/people/leave",
        "reference,left_on,reason\nM1,2027-05-06,not_re_elected\nM9,2027-05-06,stood_down\n",
    );
    is_problem(&r, 422);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("line 3:")
    );
    c.env
        .ok(&["loan", "issue", "M1", "LAP-1", "--as-of", "2027-02-01"]);
    let r = api.post_csv(
        c.token("S1"),
        "/people/leave",
        "reference,left_on,reason\nM1,2027-05-06,not_re_elected\n",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body[0]["loans"][0]["leaving_by"], "2027-05-16");
    assert_eq!(r.body[0]["citation"]["clause"], "28.9");
}

#[test]
fn the_county_recall_opens_a_request_that_the_return_closes() {
    let c = Council::new(
        "county-members-policy",
        &[
            ("M1", "Ada Quill", "councillor", &[]),
            (
                "S1",
                "Dee Support",
                "employee",
                &["democratic_support_manager", "service_desk"],
            ),
            (
                "S2",
                "Aud Finance",
                "employee",
                &["assistant_head_of_finance_audit"],
            ),
        ],
        &[("LAP-1", "laptop")],
    );
    c.env.ok(&[
        "acceptance",
        "record-paper",
        "M1",
        "--signed-on",
        "2027-01-04",
        "--recorded-by",
        "S1",
        "--as-of",
        "2027-01-05",
    ]);
    c.env.ok(&[
        "loan",
        "issue",
        "M1",
        "LAP-1",
        "--authorised-by",
        "S1",
        "--as-of",
        "2027-01-05",
    ]);
    let recalled = c
        .env
        .ok(&["loan", "recall", "1", "--by", "S1", "--as-of", "2027-02-01"]);
    assert_eq!(recalled["return_by"]["citation"]["clause"], "28");
    let api = Server::start(&c.env, "2027-02-02");
    let mine = api.get(c.token("M1"), "/me/requests");
    assert_eq!(mine.body["items"][0]["kind"], "recall");
    assert_eq!(
        mine.body["items"][0]["handler"],
        "democratic_support_manager"
    );
    c.env.ok(&["loan", "return", "1", "--as-of", "2027-02-03"]);
    let mine = api.get(c.token("M1"), "/me/requests");
    assert_eq!(mine.body["items"][0]["state"], "resolved");
    // An install goes to the ICT Service Desk, which must authorise it (10).
    let r = raise(
        &api,
        c.token("M1"),
        "/me/requests",
        json!({"kind": "virus", "summary": "Pop-ups everywhere"}),
    );
    assert_eq!(r["request"]["handler"], "service_desk");
    assert_eq!(r["request"]["urgency"], "immediately");
    // Breaches may be handled by either of two officers.
    let case = raise(
        &api,
        c.token("M1"),
        "/cases",
        json!({"summary": "A colleague shares their password"}),
    );
    assert_eq!(
        case["handlers"],
        json!(["assistant_head_of_finance_audit", "monitoring_officer"])
    );
    let listed = api.get(c.token("S2"), "/cases");
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
}

#[test]
fn the_city_aup_refuses_installs_and_asks_the_service_desk_about_third_parties() {
    let c = Council::new(
        "city-aup",
        &[
            ("E1", "Eve Staff", "employee", &[]),
            ("S1", "Sid Desk", "employee", &["service_desk"]),
            ("M1", "Ada Quill", "councillor", &[]),
        ],
        &[],
    );
    let api = Server::start(&c.env, "2027-02-01");
    let r = api.post(
        c.token("S1"),
        "/requests",
        json!({"kind": "software_install", "person": "E1", "summary": "x", "software": "y"}),
    );
    is_problem(&r, 409);
    assert_eq!(
        r.body["refusals"][0]["citation"]["clause"],
        "Software policy"
    );
    let third = raise(
        &api,
        c.token("S1"),
        "/requests",
        json!({"kind": "third_party_access", "summary": "Supplier support session"}),
    );
    assert_eq!(third["request"]["state"], "awaiting_approval");
    assert_eq!(
        third["route"]["approval"]["citation"]["clause"],
        "ICT access"
    );
    // A member's concern about a named member goes to the Head of Law and Governance.
    let case = raise(
        &api,
        c.token("M1"),
        "/cases",
        json!({"subject": "M1", "summary": "Self-report of a mistake"}),
    );
    assert_eq!(case["handlers"], json!(["head_of_law_and_governance"]));
}

#[test]
fn the_command_line_acts_as_an_account_with_its_rights() {
    let c = Council::new(
        "town-it-policy",
        &[
            ("M1", "Ada Quill", "councillor", &[]),
            ("M2", "Mo Mayor", "councillor", &["mayor"]),
            ("S1", "Dot Clerk", "employee", &["town_clerk"]),
        ],
        &[("LAP-1", "laptop")],
    );
    c.lend("M1", "LAP-1", "Ada Quill");
    let env = &c.env;
    let missing = env.run(&["request", "list", "--as-of", "2027-02-01"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(missing.says("--as USERNAME"), "{}", missing.stderr);
    let asked = env.ok(&[
        "request",
        "raise",
        "--as",
        "user-m1",
        "--kind",
        "loan_extension",
        "--equipment",
        "LAP-1",
        "--summary",
        "Caring for a relative through the spring",
        "--until",
        "2027-05-01",
        "--as-of",
        "2027-02-01",
    ]);
    let id = asked["id"].as_i64().unwrap().to_string();
    // Ada cannot approve her own request: exit code 8, the account may not.
    let refused = env.run(&[
        "request",
        "approve",
        &id,
        "--reason",
        "x",
        "--as",
        "user-m1",
        "--as-of",
        "2027-02-01",
    ]);
    assert_eq!(refused.code, 8, "{}", refused.stderr);
    for who in ["user-s1", "user-m2"] {
        env.ok(&[
            "request",
            "approve",
            &id,
            "--reason",
            "Exceptional",
            "--as",
            who,
            "--as-of",
            "2027-02-02",
        ]);
    }
    let shown = env.ok(&[
        "request",
        "show",
        &id,
        "--as",
        "user-m1",
        "--as-of",
        "2027-02-02",
    ]);
    assert_eq!(shown["view"]["state"], "approved");
    let human = env.run(&[
        "request",
        "list",
        "--as",
        "user-s1",
        "--as-of",
        "2027-02-02",
    ]);
    assert!(human.stdout.contains("loan_extension"), "{}", human.stdout);
    // A concern by post needs no account; its handler opens it, and the look is audited.
    let raised = env.ok(&[
        "case",
        "raise",
        "--anonymous",
        "--summary",
        "Games during working hours",
        "--as-of",
        "2027-02-02",
    ]);
    let case = raised["id"].as_i64().unwrap().to_string();
    let opened = env.ok(&[
        "case",
        "show",
        &case,
        "--as",
        "user-s1",
        "--as-of",
        "2027-02-02",
    ]);
    assert_eq!(opened["view"]["reporter"], serde_json::Value::Null);
    let hidden = env.run(&[
        "case",
        "show",
        &case,
        "--as",
        "user-m1",
        "--as-of",
        "2027-02-02",
    ]);
    assert_eq!(hidden.code, 4, "{}", hidden.stderr);
    let log = env.ok(&["audit", "log", "--entity", "case", "--id", &case]);
    let actors: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["actor"].as_str().unwrap())
        .collect();
    assert_eq!(actors, ["anonymous", "user-s1"]);
    // Many leave at once from a file; a bad row leaves everything as it was.
    std::fs::write(
        env.dir.path().join("leavers.csv"),
        "reference,left_on,reason\nM1,2027-05-06,not_re_elected\nM2,2027-05-06,resigned\n",
    )
    .unwrap();
    let bad = env.run(&[
        "person",
        "leave-many",
        "leavers.csv",
        "--as-of",
        "2027-05-07",
    ]);
    assert_eq!(bad.code, 3, "{}", bad.stderr);
    assert!(bad.says("leavers.csv:3: reason"), "{}", bad.stderr);
    std::fs::write(
        env.dir.path().join("leavers.csv"),
        "reference,left_on,reason\nM1,2027-05-06,not_re_elected\nM2,2027-05-06,stood_down\n",
    )
    .unwrap();
    let left = env.ok(&[
        "person",
        "leave-many",
        "leavers.csv",
        "--as-of",
        "2027-05-07",
    ]);
    assert_eq!(left.as_array().unwrap().len(), 2);
}

#[test]
fn a_request_is_given_to_a_colleague_and_the_queue_pages_by_who_has_it() {
    let c = Council::new(
        "town-it-policy",
        &[
            ("M1", "Ada Quill", "councillor", &[]),
            ("M2", "Mo Mayor", "councillor", &["mayor"]),
            ("S1", "Dot Clerk", "employee", &["town_clerk"]),
            ("S2", "Eve Deputy", "employee", &["town_clerk"]),
        ],
        &[("LAP-1", "laptop")],
    );
    c.lend("M1", "LAP-1", "Ada Quill");
    let env = &c.env;
    let mut ids = Vec::new();
    for until in ["2027-04-01", "2027-05-01", "2027-06-01"] {
        let asked = env.ok(&[
            "request",
            "raise",
            "--as",
            "user-m1",
            "--kind",
            "loan_extension",
            "--equipment",
            "LAP-1",
            "--summary",
            "Longer please",
            "--until",
            until,
            "--as-of",
            "2027-02-01",
        ]);
        ids.push(asked["id"].as_i64().unwrap().to_string());
    }
    let at = ["--as-of", "2027-02-02"];
    let given = env.ok(&[
        &[
            "request", "assign", &ids[0], "--to", "user-s2", "--as", "user-s1",
        ],
        &at[..],
    ]
    .concat());
    assert!(given["assignee_id"].is_i64(), "{given}");
    // By person reference too; someone outside the clerk's office cannot be given it.
    env.ok(&[
        &[
            "request", "assign", &ids[1], "--to", "S1", "--as", "user-s1",
        ],
        &at[..],
    ]
    .concat());
    let refused = env.run(
        &[
            &[
                "request", "assign", &ids[2], "--to", "M2", "--as", "user-s1",
            ],
            &at[..],
        ]
        .concat(),
    );
    assert_eq!(refused.code, 3, "{}", refused.stderr);
    assert!(
        refused.says("Mo Mayor is not an officer"),
        "{}",
        refused.stderr
    );
    let mine = env.ok(&[
        &["request", "list", "--as", "user-s2", "--assigned", "me"],
        &at[..],
    ]
    .concat());
    let ids_of = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].to_string())
            .collect()
    };
    assert_eq!(ids_of(&mine), [ids[0].clone()]);
    assert_eq!(mine[0]["assignee"]["name"], "Eve Deputy");
    let nobody = env.ok(&[
        &["request", "list", "--as", "user-s1", "--assigned", "nobody"],
        &at[..],
    ]
    .concat());
    assert_eq!(ids_of(&nobody), [ids[2].clone()]);
    // One page at a time: the first two by reference, then the rest from the cursor.
    let first = env.ok(&[
        &[
            "request",
            "list",
            "--as",
            "user-s1",
            "--sort",
            "reference",
            "--limit",
            "2",
        ],
        &at[..],
    ]
    .concat());
    assert_eq!(first["total"]["count"], 3);
    assert_eq!(ids_of(&first["items"]), ids[..2]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = env.ok(&[
        &[
            "request",
            "list",
            "--as",
            "user-s1",
            "--sort",
            "reference",
            "--limit",
            "2",
            "--cursor",
            cursor,
        ],
        &at[..],
    ]
    .concat());
    assert_eq!(ids_of(&rest["items"]), ids[2..]);
    assert!(rest["next_cursor"].is_null());
    // The mayor approves these, but handles none: he sees them; an office with neither
    // would see none.
    let searched = env.ok(&[
        &["request", "list", "--as", "user-m2", "--search", &ids[1]],
        &at[..],
    ]
    .concat());
    assert_eq!(ids_of(&searched), [ids[1].clone()]);
    let shown = env.run(&[&["request", "list", "--as", "user-s1"], &at[..]].concat());
    assert!(
        shown.stdout.contains("ASSIGNED") && shown.stdout.contains("S2"),
        "{}",
        shown.stdout
    );
}
