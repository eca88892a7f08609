//! The JSON API at /api/v1, through `steward serve` and tokens made with the CLI.

use crate::support::Env;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};

pub(crate) const PASSWORD: &str = "correct horse battery staple";

/// The server, stopped when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
    pub(crate) agent: ureq::Agent,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) struct Reply {
    pub status: u16,
    pub content_type: String,
    pub www_authenticate: Option<String>,
    pub body: Value,
}

impl Server {
    pub(crate) fn start(env: &Env, as_of: &str) -> Server {
        let mut child = env
            .command()
            .args(["serve", "--listen", "127.0.0.1:0", "--as-of", as_of])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start server");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let addr = first
            .split("http://")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .expect("URL printed")
            .to_string();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        Server {
            child,
            base: format!("http://{addr}/api/v1"),
            agent,
        }
    }

    pub(crate) fn reply(res: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
        let mut res = res.expect("request");
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type").unwrap_or_default();
        let www_authenticate = header("www-authenticate");
        let status = res.status().as_u16();
        let text = res.body_mut().read_to_string().expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
        };
        Reply {
            status,
            content_type,
            www_authenticate,
            body,
        }
    }

    pub(crate) fn get(&self, token: &str, path: &str) -> Reply {
        Self::reply(
            self.agent
                .get(format!("{}{path}", self.base))
                .header("Authorization", format!("Bearer {token}"))
                .call(),
        )
    }

    fn post_raw(&self, token: &str, path: &str, body: &str) -> Reply {
        Self::reply(
            self.agent
                .post(format!("{}{path}", self.base))
                .header("Authorization", format!("Bearer {token}"))
                .header("Content-Type", "application/json")
                .send(body),
        )
    }

    pub(crate) fn post(&self, token: &str, path: &str, body: Value) -> Reply {
        self.post_raw(token, path, &body.to_string())
    }
}

pub(crate) fn user(env: &Env, args: &[&str]) {
    let mut all = vec!["user", "create", "--password-stdin", "--json"];
    all.extend_from_slice(args);
    let mut child = env
        .command()
        .args(&all)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run steward");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "user create {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub(crate) fn token(env: &Env, username: &str, role: &str) -> String {
    let made = env.ok(&[
        "token",
        "create",
        "--username",
        username,
        "--role",
        role,
        "--name",
        "api test",
        "--as-of",
        "2027-01-04",
    ]);
    made["secret"].as_str().unwrap().to_string()
}

/// A town council (one machine per household) with three councillors, a clerk, two laptops,
/// and an account with a token for each role.
pub(crate) struct Town {
    pub(crate) env: Env,
    pub(crate) officer: String,
    pub(crate) auditor: String,
    pub(crate) ada: String,
    pub(crate) cy: String,
}

pub(crate) fn town() -> Town {
    let env = Env::new();
    env.council("town-it-policy", "2027-01-04");
    for (r, name, household) in [
        ("M1", "Ada Quill", "H1"),
        ("M2", "Ben Quill", "H1"),
        ("M3", "Cy Rowe", "H2"),
    ] {
        env.ok(&[
            "person",
            "add",
            "--ref",
            r,
            "--name",
            name,
            "--kind",
            "councillor",
            "--household",
            household,
            "--term-start",
            "2026-05-07",
            "--as-of",
            "2027-01-04",
        ]);
    }
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
        "2027-01-04",
    ]);
    for tag in ["LAP-1", "LAP-2"] {
        env.ok(&[
            "equipment",
            "add",
            "--tag",
            tag,
            "--kind",
            "laptop",
            "--model",
            "T14",
            "--cost",
            "650",
            "--as-of",
            "2027-01-04",
        ]);
    }
    user(&env, &["--admin", "--username", "clerk"]);
    user(
        &env,
        &["--username", "dot", "--role", "officer", "--person", "S1"],
    );
    user(&env, &["--username", "audit", "--role", "auditor"]);
    user(
        &env,
        &["--username", "ada", "--role", "member", "--person", "M1"],
    );
    user(
        &env,
        &["--username", "cyrowe", "--role", "member", "--person", "M3"],
    );
    Town {
        officer: token(&env, "dot", "officer"),
        auditor: token(&env, "audit", "auditor"),
        ada: token(&env, "ada", "member"),
        cy: token(&env, "cyrowe", "member"),
        env,
    }
}

pub(crate) fn is_problem(r: &Reply, status: u16) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.content_type, "application/problem+json", "{}", r.body);
    assert_eq!(r.body["status"], status);
    for key in ["type", "title", "detail"] {
        assert!(r.body[key].is_string(), "{key} missing: {}", r.body);
    }
}

#[test]
fn officers_lend_members_see_their_own_and_auditors_only_read() {
    let t = town();
    let api = Server::start(&t.env, "2027-01-05");

    // The officer lends Ada a laptop; her housemate Ben is refused a second, with the clause.
    let first = api.post(
        &t.officer,
        "/loans",
        json!({"person": "M1", "asset_tag": "LAP-1"}),
    );
    assert_eq!(first.status, 201, "{}", first.body);
    let refused = api.post(
        &t.officer,
        "/loans",
        json!({"person": "M2", "asset_tag": "LAP-2"}),
    );
    is_problem(&refused, 409);
    assert!(refused.body["type"].as_str().unwrap().ends_with("/refused"));
    assert_eq!(refused.body["refusals"][0]["gate"], "household_limit");
    assert_eq!(refused.body["refusals"][0]["citation"]["clause"], "4.5");
    let check = api.post(
        &t.officer,
        "/loans/check",
        json!({"person": "M2", "asset_tag": "LAP-2"}),
    );
    assert_eq!(check.status, 200, "{}", check.body);
    assert_eq!(
        check.body["decision"]["refusals"][0]["gate"],
        "household_limit"
    );
    let issued = api.post(
        &t.officer,
        "/loans",
        json!({"person": "M3", "asset_tag": "LAP-2"}),
    );
    assert_eq!(issued.status, 201, "{}", issued.body);
    assert_eq!(issued.body["loan"]["due_on"], "2027-04-05");
    let cy_loan = issued.body["loan"]["id"].as_i64().unwrap();
    let ada_loan = first.body["loan"]["id"].as_i64().unwrap();

    // Cy sees his own loan with its due date and clause.
    let mine = api.get(&t.cy, "/me/loans");
    assert_eq!(mine.status, 200, "{}", mine.body);
    let items = mine.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["asset_tag"], "LAP-2");
    assert_eq!(items[0]["return_by"]["date"], "2027-04-05");
    assert_eq!(items[0]["return_by"]["citation"]["clause"], "4.5");
    assert_eq!(mine.body["next_cursor"], Value::Null);
    let me = api.get(&t.cy, "/me");
    assert_eq!(me.body["person"]["reference"], "M3", "{}", me.body);
    assert_eq!(api.get(&t.cy, &format!("/loans/{cy_loan}")).status, 200);

    // A member cannot list people, nor tell another member's loan from a missing one.
    is_problem(&api.get(&t.cy, "/people"), 403);
    let other = api.get(&t.cy, &format!("/loans/{ada_loan}"));
    let missing = api.get(&t.cy, "/loans/999");
    is_problem(&other, 404);
    is_problem(&missing, 404);
    assert_eq!(
        other.body["detail"]
            .as_str()
            .unwrap()
            .replace(&ada_loan.to_string(), "N"),
        missing.body["detail"].as_str().unwrap().replace("999", "N")
    );
    is_problem(
        &api.post(
            &t.ada,
            "/loans",
            json!({"person": "M1", "asset_tag": "LAP-2"}),
        ),
        403,
    );

    // A request and a case exist, so that the auditor below is refused by role, not because
    // there is nothing to act on.
    let asked = api.post(
        &t.ada,
        "/me/requests",
        json!({"kind": "loan_extension", "equipment": "LAP-1", "summary": "Recovering from an operation", "until": "2027-06-01"}),
    );
    assert_eq!(asked.status, 201, "{}", asked.body);
    let concern = api.post(&t.ada, "/cases", json!({"summary": "A shared password"}));
    assert_eq!(concern.status, 201, "{}", concern.body);

    // The auditor reads everything and changes nothing.
    for path in [
        "/people",
        "/people/M1",
        "/equipment",
        "/equipment/LAP-1",
        "/loans",
        &format!("/loans/{ada_loan}"),
        "/acceptances?outstanding=true",
        "/due?as_of=2027-05-01",
        "/policy",
        "/policy/versions",
        "/policy/versions/1",
        "/policy/presets",
        "/audit?entity=loan",
        "/audit/verify",
    ] {
        let r = api.get(&t.auditor, path);
        assert_eq!(r.status, 200, "GET {path}: {}", r.body);
    }
    // Who the web filter knows is for officers, as each person's own identities are.
    is_problem(&api.get(&t.auditor, "/web-identities"), 403);
    is_problem(&api.get(&t.cy, "/web-identities"), 403);
    let known = api.get(&t.officer, "/web-identities?limit=5");
    assert_eq!(known.status, 200, "{}", known.body);
    let posts = [
        (
            "/people",
            json!({"reference": "M9", "name": "Nia", "kind": "councillor"}),
        ),
        ("/people/M1/offices", json!({"office": "mayor"})),
        ("/people/M1/leave", json!({"reason": "resigned"})),
        (
            "/equipment",
            json!({"asset_tag": "X", "kind": "laptop", "model": "m", "replacement_cost": "1"}),
        ),
        ("/equipment/LAP-1/pat-test", json!({})),
        ("/equipment/LAP-1/state", json!({"state": "retired"})),
        (
            "/acceptances",
            json!({"person": "M1", "signed_on": "2027-01-05"}),
        ),
        (
            "/loans/check",
            json!({"person": "M1", "asset_tag": "LAP-1"}),
        ),
        ("/loans", json!({"person": "M1", "asset_tag": "LAP-1"})),
        (
            &format!("/loans/{ada_loan}/extend"),
            json!({"until": "2027-06-01", "approved_by": [], "reason": "r"}),
        ),
        (&format!("/loans/{ada_loan}/recall"), json!({})),
        (&format!("/loans/{ada_loan}/return"), json!({})),
        (&format!("/loans/{ada_loan}/charge"), json!({})),
        ("/policy/adopt", json!({"preset": "town-it-policy"})),
        (
            "/tokens",
            json!({"username": "audit", "role": "auditor", "name": "more"}),
        ),
        ("/tokens/1/revoke", json!({})),
        ("/people/import", json!({})),
        ("/equipment/import", json!({})),
        ("/people/S1/offices/town_clerk/end", json!({})),
        ("/people/M1/terms", json!({"from": "2030-01-01"})),
        (
            "/users",
            json!({"username": "x1x", "role": "auditor", "password": "a long phrase here"}),
        ),
        ("/notifications/1/retry", json!({})),
        ("/notifications/1/resolve", json!({"outcome": "sent"})),
        ("/users/ada/disable", json!({})),
        ("/users/ada/invite", json!({})),
        ("/users/ada/enable", json!({})),
        (
            "/phone-lines",
            json!({"asset_tag": "LAP-1", "number": "07700 900123"}),
        ),
        ("/phone-lines/1/remove", json!({})),
        ("/phone-bills/import/2027-04", json!({})),
        ("/phone-bills/1/statements", json!({"person": "M1"})),
        ("/phone-statements/1/payments", json!({"amount": "1"})),
        ("/me/phone-bills/1/personal", json!({"personal": []})),
        (
            "/users/ada/password",
            json!({"password": "a long phrase here"}),
        ),
        ("/people/leave", json!({})),
        ("/requests", json!({"kind": "training", "summary": "x"})),
        ("/me/requests", json!({"kind": "training", "summary": "x"})),
        ("/requests/1/comments", json!({"text": "x"})),
        ("/requests/1/assign", json!({})),
        (
            "/requests/1/decision",
            json!({"decision": "approve", "reason": "x"}),
        ),
        ("/requests/1/tasks/1/done", json!({})),
        ("/requests/1/resolve", json!({"outcome": "x"})),
        ("/requests/1/withdraw", json!({})),
        ("/cases", json!({"summary": "x"})),
        ("/cases/1/notes", json!({"text": "x"})),
        ("/cases/1/escalate", json!({"reason": "x"})),
        ("/cases/1/close", json!({"outcome": "advice", "note": "x"})),
        ("/cases/1/restore-access", json!({})),
        ("/people/M1/web-identities", json!({"username": "x"})),
        ("/people/M1/web-identities/remove", json!({"username": "x"})),
        ("/equipment/LAP-1/addresses", json!({"addresses": []})),
        ("/posture/import/steward", json!({})),
        (
            "/posture/import/fleet",
            json!({"results": "[]", "policy_map": "A = antivirus\n"}),
        ),
        (
            "/mail/forwards/import",
            json!({"format": "graph", "file_name": "rules.json", "content": "{\"value\": []}"}),
        ),
        ("/retention/purge", json!({})),
        (
            "/information-requests",
            json!({"kind": "foi", "requester": "x", "summary": "x", "received_on": "2027-01-05"}),
        ),
        (
            "/information-requests/1/pause",
            json!({"asked_on": "2027-01-05"}),
        ),
        (
            "/information-requests/1/resume",
            json!({"answered_on": "2027-01-05"}),
        ),
        ("/information-requests/1/extend", json!({"reason": "x"})),
        ("/information-requests/1/ask", json!({"person": "M1"})),
        (
            "/information-requests/1/answer",
            json!({"helper": 1, "answer": "x"}),
        ),
        (
            "/information-requests/1/identity",
            json!({"checked_on": "2027-01-05"}),
        ),
        (
            "/information-requests/1/close",
            json!({"closed_on": "2027-01-05", "outcome": "x"}),
        ),
        ("/me/information-requests/1/answer", json!({"answer": "x"})),
        ("/people/M1/edit", json!({"name": "x"})),
        ("/equipment/LAP-1/edit", json!({"model": "x"})),
    ];
    let ops = api.get(&t.auditor, "/openapi.json").body;
    let mut documented_posts = 0;
    for methods in ops["paths"].as_object().unwrap().values() {
        documented_posts += usize::from(methods.get("post").is_some());
    }
    // Every POST but the pack checker and the adoption preview (reads) and the member's own
    // signature is tried.
    assert_eq!(posts.len(), documented_posts - 3);
    for (path, body) in &posts {
        let r = api.post(&t.auditor, path, body.clone());
        is_problem(&r, 403);
    }
    // The officer's own commands, with optional fields left out.
    // This policy asks for no signature, so signing is refused: the policy has no provision.
    let signed = api.post(&t.cy, "/me/acceptance", json!({"typed_name": "Cy Rowe"}));
    is_problem(&signed, 409);
    assert_eq!(signed.body["refusals"][0]["gate"], "no_provision");
    // No recall under this policy: refused, with the gate.
    let recall = api.post(&t.officer, &format!("/loans/{cy_loan}/recall"), json!({}));
    is_problem(&recall, 409);
    assert_eq!(recall.body["refusals"][0]["gate"], "no_provision");
    let returned = Server::reply(
        api.agent
            .post(format!("{}/loans/{cy_loan}/return", api.base))
            .header("Authorization", format!("Bearer {}", t.officer))
            .send_empty(),
    );
    assert_eq!(returned.status, 200, "{}", returned.body);
    assert_eq!(returned.body["loan"]["returned_on"], "2027-01-05");
    let audit = api.get(
        &t.auditor,
        &format!("/audit?entity=loan&entity_id={cy_loan}"),
    );
    let actions: Vec<&str> = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["loan.issue", "loan.return"]);
    assert_eq!(audit.body["items"][1]["actor"], "dot (API)");

    // Of all those requests, only the officer's return changed anything.
    assert_eq!(
        api.get(&t.auditor, "/loans?open=true").body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn failures_are_problem_details() {
    let t = town();
    let api = Server::start(&t.env, "2027-01-05");

    let unknown = api.get("stw_not_a_real_token", "/me");
    is_problem(&unknown, 401);
    assert!(unknown.www_authenticate.unwrap().starts_with("Bearer"));
    let none = Server::reply(api.agent.get(format!("{}/people", api.base)).call());
    is_problem(&none, 401);

    let bad_json = api.post_raw(&t.officer, "/loans", "{\"person\": ");
    is_problem(&bad_json, 400);
    let wrong_type = api.post_raw(
        &t.officer,
        "/loans",
        "{\"person\": 1, \"asset_tag\": \"X\"}",
    );
    is_problem(&wrong_type, 422);
    let bad_ref = api.post(
        &t.officer,
        "/people",
        json!({"reference": "", "name": "N", "kind": "councillor"}),
    );
    is_problem(&bad_ref, 422);
    assert_eq!(bad_ref.body["errors"][0]["field"], "reference");
    // No record may hold a NUL (PostgreSQL cannot store one): refused before the database.
    let nul = api.post(
        &t.officer,
        "/people",
        json!({"reference": "M7", "name": "A\u{0}B", "kind": "councillor"}),
    );
    is_problem(&nul, 422);
    is_problem(&api.get(&t.officer, "/audit?entity=%00"), 400);
    let bad_date = api.get(&t.officer, "/due?as_of=tomorrow");
    is_problem(&bad_date, 400);
    assert_eq!(bad_date.body["errors"][0]["field"], "as_of");
    is_problem(&api.get(&t.officer, "/people?limit=0"), 400);
    is_problem(&api.get(&t.officer, "/people?cursor=nonsense"), 400);
    is_problem(&api.get(&t.officer, "/people/NOBODY"), 404);
    is_problem(&api.get(&t.officer, "/nowhere"), 404);

    let not_json = Server::reply(
        api.agent
            .post(format!("{}/loans", api.base))
            .header("Authorization", format!("Bearer {}", t.officer))
            .header("Content-Type", "text/plain")
            .send("person=M1"),
    );
    is_problem(&not_json, 415);

    // An administrator makes a token through the API; it works at once, until revoked.
    user(&t.env, &["--admin", "--username", "second"]);
    let admin = token(&t.env, "second", "admin");
    let made = api.post(
        &admin,
        "/tokens",
        json!({"username": "audit", "role": "auditor", "name": "export"}),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    let secret = made.body["secret"].as_str().unwrap().to_string();
    assert_eq!(api.get(&secret, "/audit/verify").body["ok"], true);
    let id = made.body["token"]["id"].as_i64().unwrap();
    let revoked = api.post(&admin, &format!("/tokens/{id}/revoke"), json!({}));
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    is_problem(&api.get(&secret, "/audit/verify"), 401);
    is_problem(&api.get(&t.officer, "/tokens"), 403);

    let open = api.get("", "/openapi.json");
    assert_eq!(open.status, 200);
    assert_eq!(open.body["openapi"], "3.1.0");

    let checked = Server::reply(
        api.agent
            .post(format!("{}/policy/check", api.base))
            .header("Authorization", format!("Bearer {}", t.officer))
            .send("[pack]\nid = 1\n"),
    );
    assert_eq!(checked.status, 200, "{}", checked.body);
    assert_eq!(checked.body["valid"], false);
    assert!(checked.body["problems"][0]["line"].as_u64().unwrap() >= 1);

    // Any reader may see what adopting a pack would change; nothing is adopted.
    let preview = api.post(&t.auditor, "/policy/changes", json!({"preset": "city-aup"}));
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(
        preview.body["changes"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
    );
    assert!(
        preview.body["replaces"]["number"].is_number(),
        "{}",
        preview.body
    );
    let versions = api.get(&t.auditor, "/policy/versions");
    assert_eq!(versions.body["items"].as_array().map(Vec::len), Some(1));
}

#[test]
fn cursors_walk_a_long_list_without_gaps_or_repeats() {
    let env = Env::new();
    env.council("town-it-policy", "2027-01-04");
    user(&env, &["--admin", "--username", "clerk"]);
    let admin = token(&env, "clerk", "admin");
    let api = Server::start(&env, "2027-01-05");
    for i in 0..120 {
        let r = api.post(
            &admin,
            "/people",
            json!({"reference": format!("P{i:03}"), "name": format!("Person {i}"), "kind": "councillor"}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let mut seen = Vec::new();
    let mut path = "/people?limit=50".to_string();
    let mut pages = 0;
    loop {
        let page = api.get(&admin, &path);
        assert_eq!(page.status, 200, "{}", page.body);
        pages += 1;
        for p in page.body["items"].as_array().unwrap() {
            seen.push(p["reference"].as_str().unwrap().to_string());
        }
        match page.body["next_cursor"].as_str() {
            Some(c) => path = format!("/people?limit=50&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), 120);
    assert_eq!(unique.len(), 120);
    let expected: Vec<String> = (0..120).map(|i| format!("P{i:03}")).collect();
    assert_eq!(seen, expected);
}

#[test]
fn the_due_list_pages_by_cursor_with_counts_and_a_kind_filter() {
    let env = Env::new();
    env.council("county-members-policy", "2027-01-04");
    user(&env, &["--admin", "--username", "clerk"]);
    let admin = token(&env, "clerk", "admin");
    let api = Server::start(&env, "2027-01-05");
    for i in 0..30 {
        let r = api.post(
            &admin,
            "/people",
            json!({"reference": format!("M{i:03}"), "name": format!("Member {i}"), "kind": "councillor"}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
    }
    // Nobody has signed: thirty items, seven to a page, each once, in the report's order.
    let mut seen = Vec::new();
    let mut pages = Vec::new();
    let mut path = "/due?limit=7&kind=acceptance_missing".to_string();
    loop {
        let page = api.get(&admin, &path);
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(page.body["counts"]["by_kind"]["acceptance_missing"], 30);
        assert_eq!(page.body["total"]["count"], 30);
        for item in page.body["items"].as_array().unwrap() {
            assert_eq!(item["kind"], "acceptance_missing");
            seen.push(item["person"].as_str().unwrap().to_string());
        }
        pages.push(page.body.clone());
        match page.body["next_cursor"].as_str() {
            Some(c) => path = format!("/due?limit=7&kind=acceptance_missing&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(pages.len(), 5);
    let expected: Vec<String> = (0..30).map(|i| format!("M{i:03}")).collect();
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(sorted, expected);
    // The page before the second is the first again.
    let back = pages[1]["previous_cursor"].as_str().unwrap();
    let first = api.get(
        &admin,
        &format!("/due?limit=7&kind=acceptance_missing&cursor={back}"),
    );
    assert_eq!(first.body["items"], pages[0]["items"]);
    // Other kinds hold none of them; an unknown kind is a bad request naming the field.
    let none = api.get(&admin, "/due?kind=overdue_return");
    assert_eq!(none.body["items"], json!([]), "{}", none.body);
    let bad = api.get(&admin, "/due?kind=overdue");
    is_problem(&bad, 400);
    assert!(bad.body.to_string().contains("kind"), "{}", bad.body);

    // The command line pages the same way.
    let page = env.ok(&[
        "due",
        "--limit",
        "7",
        "--kind",
        "acceptance_missing",
        "--as-of",
        "2027-01-05",
    ]);
    assert_eq!(page["items"], pages[0]["items"]);
    let next = page["next_cursor"].as_str().unwrap();
    let second = env.ok(&[
        "due",
        "--limit",
        "7",
        "--cursor",
        next,
        "--kind",
        "acceptance_missing",
        "--as-of",
        "2027-01-05",
    ]);
    assert_eq!(second["items"], pages[1]["items"]);
    let all = env.ok(&["due", "--as-of", "2027-01-05"]);
    assert_eq!(
        all["counts"]["total"],
        all["items"].as_array().unwrap().len()
    );
    env.fails(&["due", "--kind", "overdue", "--as-of", "2027-01-05"], 3);
}

impl Server {
    pub(crate) fn post_csv(&self, token: &str, path: &str, body: &str) -> Reply {
        Self::reply(
            self.agent
                .post(format!("{}{path}", self.base))
                .header("Authorization", format!("Bearer {token}"))
                .header("Content-Type", "text/csv")
                .send(body),
        )
    }
}

#[test]
fn imports_terms_offices_and_accounts_work_through_the_api() {
    let t = town();
    let admin = token(&t.env, "clerk", "admin");
    let api = Server::start(&t.env, "2027-01-05");

    // A file with one bad row imports nothing and names the line and column.
    let bad = "reference,name,kind\nM7,Eve Sands,councillor\nM8,Fay Long,wizard\n";
    let r = api.post_csv(&t.officer, "/people/import", bad);
    is_problem(&r, 422);
    assert_eq!(r.body["errors"][0]["field"], "kind", "{}", r.body);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("line 3:"),
        "{}",
        r.body
    );
    assert_eq!(api.get(&t.officer, "/people/M7").status, 404);
    // Auditors read; they do not import.
    is_problem(&api.post_csv(&t.auditor, "/people/import", bad), 403);

    let good = "reference,name,kind,term_start\nM7,Eve Sands,councillor,2026-05-07\n";
    let r = api.post_csv(&t.officer, "/people/import", good);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["imported"], 1);
    let r = api.post_csv(
        &t.officer,
        "/equipment/import",
        "asset_tag,kind,model,replacement_cost\nLAP-9,laptop,T14,650.00\n",
    );
    assert_eq!(r.body["imported"], 1, "{}", r.body);
    assert_eq!(api.get(&t.officer, "/equipment/LAP-9").status, 200);

    // Offices end, and new terms start, through the API.
    let r = api.post(
        &t.officer,
        "/people/S1/offices/town_clerk/end",
        json!({"on": "2027-01-05"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["ends"], "2027-01-05");
    let r = api.post(&t.officer, "/people/S1/offices/town_clerk/end", json!({}));
    is_problem(&r, 422);
    let r = api.post(
        &t.officer,
        "/people/M7/terms",
        json!({"from": "2027-01-01"}),
    );
    is_problem(&r, 422);
    assert_eq!(r.body["errors"][0]["field"], "term_start", "{}", r.body);

    // A field of the wrong type is named, not the whole body.
    let r = api.post(
        &t.officer,
        "/people",
        json!({"reference": "M9", "name": "Gil", "kind": "councillor", "offices": ["mayor", 7]}),
    );
    is_problem(&r, 422);
    assert_eq!(r.body["errors"][0]["field"], "offices[1]", "{}", r.body);
    let r = api.post(
        &t.officer,
        "/people",
        json!({"name": "Gil", "kind": "councillor"}),
    );
    assert_eq!(r.body["errors"][0]["field"], "reference", "{}", r.body);

    // Accounts: only administrators make, reset, disable and enable them.
    let new = json!({"username": "eve", "role": "member", "person": "M7", "password": "a temporary phrase 42"});
    is_problem(&api.post(&t.officer, "/users", new.clone()), 403);
    let r = api.post(&admin, "/users", new.clone());
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["must_change_password"], true);
    let r = api.post(&admin, "/users", new);
    is_problem(&r, 409);
    assert_eq!(r.body["errors"][0]["field"], "username");
    let r = api.post(&admin, "/users/eve/password", json!({"password": "short"}));
    is_problem(&r, 422);
    assert_eq!(r.body["errors"][0]["field"], "password");
    let r = api.post(
        &admin,
        "/users/eve/password",
        json!({"password": "another temporary phrase"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = api.post(&admin, "/users/eve/disable", json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["user"]["disabled"], true);
    is_problem(&api.post(&admin, "/users/eve/disable", json!({})), 409);
    assert_eq!(api.post(&admin, "/users/eve/enable", json!({})).status, 200);
    // An administrator cannot lock themselves out.
    is_problem(&api.post(&admin, "/users/clerk/disable", json!({})), 409);
    is_problem(&api.post(&admin, "/users/nobody/enable", json!({})), 404);
    // This server sends no email, so it cannot invite: the field is named.
    let r = api.post(
        &admin,
        "/users",
        json!({"username": "fred", "role": "auditor", "invite": true}),
    );
    is_problem(&r, 422);
    assert_eq!(r.body["errors"][0]["field"], "invite", "{}", r.body);
    is_problem(&api.post(&admin, "/users/eve/invite", json!({})), 409);
    // The account list pages, sorts, searches and filters in the database.
    let r = api.get(&admin, "/users?sort=created&dir=desc&limit=1");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["items"][0]["username"], "eve", "{}", r.body);
    let next = r.body["next_cursor"].as_str().unwrap().to_string();
    let r = api.get(
        &admin,
        &format!("/users?sort=created&dir=desc&limit=1&cursor={next}"),
    );
    assert_ne!(r.body["items"][0]["username"], "eve", "{}", r.body);
    assert!(r.body["previous_cursor"].is_string(), "{}", r.body);
    let r = api.get(
        &admin,
        "/users?q=eve&role=member&status=must_change_password",
    );
    assert_eq!(r.body["total"]["count"], 1, "{}", r.body);
    assert_eq!(r.body["items"][0]["status"], "must_change_password");
    let r = api.get(&admin, "/users?status=lost");
    is_problem(&r, 400);
    assert_eq!(r.body["errors"][0]["field"], "status", "{}", r.body);
    is_problem(&api.get(&t.officer, "/users?q=eve"), 403);
    // Every change is in the audit trail.
    let log = api.get(&t.auditor, "/audit?entity=user&entity_id=eve");
    let actions: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"user.create"), "{actions:?}");
    assert!(actions.contains(&"user.disable"), "{actions:?}");
}
