//! Scanning the proxy's logs into the register: each visit counted once however often a log is
//! scanned, the case a threshold opens, who may read the findings (command line and API), an
//! accidental visit reported beside its finding, and the public block page.

use crate::api::{Server, token, user};
use crate::filter_db::{city, lists, person};
use crate::support::Env;
use std::io::Write;

/// A day's log: twelve visits by ada.quill to a betting site, a shop visit from the laptop,
/// and one from an address nobody has.
fn day_log(extra: usize) -> String {
    // 1812621600 is 2027-06-10T10:00:00Z.
    let mut log = String::new();
    for i in 0..12 + extra {
        log.push_str(&format!(
            "{}.000 10 10.9.9.9 TCP_MISS/200 65 GET http://bet.example/{i} ada.quill HIER_DIRECT/1.2.3.4 text/html\n",
            1_812_621_600 + i * 60
        ));
    }
    log.push_str("1812625200.000 10 10.1.0.7 TCP_MISS/200 65 GET http://shop.example/ - HIER_DIRECT/1.2.3.4 text/html\n");
    log.push_str("1812625300.000 10 10.5.5.5 TCP_MISS/200 65 GET http://shop.example/ - HIER_DIRECT/1.2.3.4 text/html\n");
    log
}

fn scan(env: &Env, file: &std::path::Path) -> serde_json::Value {
    let dir = env.dir.path().join("lists");
    env.ok(&[
        "filter",
        "scan",
        file.to_str().unwrap(),
        "--lists",
        dir.to_str().unwrap(),
        "--council",
        "test-council",
        "--as-of",
        "2027-06-11",
    ])
}

fn findings(env: &Env, who: &str) -> crate::support::Run {
    env.run(&[
        "filter",
        "findings",
        "--as",
        who,
        "--json",
        "--as-of",
        "2027-06-11",
    ])
}

#[test]
fn scanning_records_once_and_a_threshold_opens_one_case() {
    let env = city();
    user(
        &env,
        &["--username", "lin", "--role", "officer", "--person", "S1"],
    );
    user(
        &env,
        &["--username", "pat", "--role", "officer", "--person", "S2"],
    );
    user(
        &env,
        &["--username", "ada", "--role", "member", "--person", "M1"],
    );
    user(&env, &["--username", "aud", "--role", "auditor"]);
    let log = env.file("access.log", &day_log(0));
    let first = scan(&env, &log);
    let recorded = &first["recorded"];
    assert_eq!(recorded["known"], 2, "{recorded}");
    assert_eq!(recorded["unknown"], 1, "{recorded}");
    assert_eq!(recorded["cases"].as_array().unwrap().len(), 1, "{recorded}");
    // The same log again, then rotated and compressed after it grew: each visit counts once.
    let again = scan(&env, &log);
    assert_eq!(again["recorded"]["cases"], serde_json::json!([]));
    let grown = day_log(2);
    let packed = env.dir.path().join("access.log.1.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&packed).unwrap(),
        flate2::Compression::default(),
    );
    gz.write_all(grown.as_bytes()).unwrap();
    gz.finish().unwrap();
    scan(&env, &packed);

    let seen = findings(&env, "lin");
    assert_eq!(seen.code, 0, "{}", seen.stderr);
    let rows = seen.data();
    let bets = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["category"] == "gambling")
        .unwrap();
    assert_eq!(bets["visits"], 14, "{bets}");
    assert_eq!(bets["person"]["reference"], "M1");
    let shop: Vec<_> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] == "shopping")
        .collect();
    assert_eq!(shop.len(), 2);
    assert!(shop.iter().any(|f| f["person"]["reference"] == "M1"));
    assert!(
        shop.iter()
            .any(|f| f["identity"] == "10.5.5.5" && f["person"].is_null())
    );
    // One case, about Ada, from monitoring, for the breach handler.
    let cases = env.ok(&["case", "list", "--as", "lin", "--as-of", "2027-06-11"]);
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 1, "{cases:?}");
    assert_eq!(cases[0]["source"], "monitoring");
    assert!(cases[0]["summary"].as_str().unwrap().contains("gambling"));
    // One audit record per scan, naming no site.
    let trail = env.ok(&["audit", "log", "--entity", "web_scan"]);
    let scans: Vec<_> = trail
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == "web_scan.record")
        .collect();
    assert_eq!(scans.len(), 3);
    assert!(!scans[0].to_string().contains("bet.example"));

    // The auditor reads; a member and an officer the policy does not name cannot.
    assert_eq!(findings(&env, "aud").code, 0);
    assert_eq!(findings(&env, "ada").code, 8);
    assert_eq!(findings(&env, "pat").code, 8);

    // The API answers the same way.
    let api = Server::start(&env, "2027-06-11");
    let lin = token(&env, "lin", "officer");
    let got = api.get(&lin, "/findings?person=M1&category=gambling");
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.body["items"][0]["visits"], 14);
    assert_eq!(
        api.get(&token(&env, "aud", "auditor"), "/findings").status,
        200
    );
    assert_eq!(
        api.get(&token(&env, "pat", "officer"), "/findings").status,
        403
    );
    assert_eq!(
        api.get(&token(&env, "ada", "member"), "/findings").status,
        403
    );
    let named = api.get(&lin, "/people/M1/web-identities");
    assert_eq!(named.body["usernames"][0], "ada.quill", "{}", named.body);
    let added = api.post(
        &lin,
        "/people/S2/web-identities",
        serde_json::json!({"username": "PAT.DESK"}),
    );
    assert_eq!(added.status, 201, "{}", added.body);
    assert_eq!(added.body["username"], "pat.desk");
    // Everyone the filter knows, a page at a time by reference; the policy's offices do not
    // matter here, only being an officer.
    let first = api.get(&lin, "/web-identities?limit=1");
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["items"][0]["reference"], "M1", "{}", first.body);
    assert_eq!(first.body["items"][0]["usernames"][0], "ada.quill");
    let cursor = first.body["next_cursor"].as_str().expect("a next page");
    let next = api.get(&lin, &format!("/web-identities?limit=1&cursor={cursor}"));
    assert_eq!(next.status, 200, "{}", next.body);
    assert_eq!(next.body["items"][0]["reference"], "S2", "{}", next.body);
    assert!(next.body["next_cursor"].is_null(), "{}", next.body);
    assert_eq!(
        api.get(&token(&env, "ada", "member"), "/web-identities")
            .status,
        403
    );
    let set = api.post(
        &lin,
        "/equipment/LAP-1/addresses",
        serde_json::json!({"addresses": ["10.1.0.8"]}),
    );
    assert_eq!(set.body["addresses"][0], "10.1.0.8", "{}", set.body);
}

#[test]
fn the_block_page_names_the_clause_and_escapes_the_address() {
    let env = Env::new();
    env.council("county-members-policy", "2027-01-04");
    let api = Server::start(&env, "2027-06-11");
    let site = api.base.trim_end_matches("/api/v1").to_string();
    let url = format!(
        "{site}/councils/test-council/blocked?category=gambling&url=http%3A%2F%2Fbet.example%2F%3Cscript%3Ealert(1)%3C%2Fscript%3E"
    );
    let mut res = api.agent.get(&url).call().unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let page = res.body_mut().read_to_string().unwrap();
    assert!(page.contains("<strong>gambling</strong>"), "{page}");
    assert!(page.contains("clause 18, Use of ICT Policy"), "{page}");
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(page.contains("&lt;script&gt;"), "{page}");
    // The county asks for accidental visits to be reported; the form is one sign-in away,
    // with the site filled in.
    assert!(
        page.contains(
            "sign-in?next=%2Fcouncils%2Ftest-council%2Fme%2Frequests%2Fnew%3Fkind%3Daccidental_access%26host%3Dbet.example"
        ),
        "{page}"
    );
}

#[test]
fn a_reported_accidental_visit_is_shown_beside_the_finding_it_explains() {
    let env = Env::new();
    lists(&env);
    env.council("county-members-policy", "2027-01-04");
    person(&env, "M1", "Ada Quill", "councillor", &[]);
    person(&env, "M2", "Bo Fenn", "councillor", &[]);
    user(
        &env,
        &["--username", "ada", "--role", "member", "--person", "M1"],
    );
    user(&env, &["--username", "aud", "--role", "auditor"]);
    for (r, name) in [("M1", "ada.quill"), ("M2", "bo")] {
        env.ok(&[
            "person",
            "web-identity",
            "add",
            r,
            name,
            "--as-of",
            "2027-01-04",
        ]);
    }
    let reported = env.ok(&[
        "request",
        "raise",
        "--as",
        "ada",
        "--kind",
        "accidental_access",
        "--summary",
        "Clicked a link in an email",
        "--address",
        "http://bet.example/",
        "--as-of",
        "2027-06-10",
    ]);
    let id = reported["id"].clone();
    // Ada and Bo each reached the site on 10 June; only Ada said it was an accident.
    let log = env.file(
        "access.log",
        "1812621600.000 10 10.9.9.9 TCP_MISS/200 65 GET http://www.bet.example/x ada.quill HIER_DIRECT/1.2.3.4 text/html\n\
         1812621660.000 10 10.9.9.8 TCP_MISS/200 65 GET http://www.bet.example/y bo HIER_DIRECT/1.2.3.4 text/html\n",
    );
    scan(&env, &log);
    let seen = findings(&env, "aud");
    assert_eq!(seen.code, 0, "{}", seen.stderr);
    let rows = seen.data();
    let of = |r: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|f| f["person"]["reference"] == r)
            .unwrap()
            .clone()
    };
    assert_eq!(of("M1")["reported"][0]["request_id"], id);
    assert_eq!(of("M2")["reported"], serde_json::json!([]));
}

#[test]
fn the_subject_access_document_holds_the_persons_web_findings_and_no_one_elses() {
    let env = city();
    user(
        &env,
        &["--username", "lin", "--role", "officer", "--person", "S1"],
    );
    env.ok(&[
        "person",
        "web-identity",
        "add",
        "S2",
        "pat.desk",
        "--as-of",
        "2027-01-04",
    ]);
    let log = env.file(
        "access.log",
        "1812621600.000 10 10.9.9.9 TCP_MISS/200 65 GET http://bet.example/ada ada.quill HIER_DIRECT/1.2.3.4 text/html\n\
         1812621660.000 10 10.9.9.8 TCP_MISS/200 65 GET http://bet.example/pat pat.desk HIER_DIRECT/1.2.3.4 text/html\n",
    );
    scan(&env, &log);
    let doc = env.ok(&[
        "person",
        "export",
        "M1",
        "--as",
        "lin",
        "--as-of",
        "2027-06-11",
    ]);
    assert_eq!(doc["web_names"], serde_json::json!(["ada.quill"]));
    let found = doc["web_findings"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["category"], "gambling");
    assert_eq!(found[0]["day"], "2027-06-10");
    assert_eq!(
        found[0]["samples"],
        serde_json::json!(["http://bet.example/ada"])
    );
    let text = doc.to_string();
    assert!(!text.contains("pat"), "another person's visits: {text}");
}

/// The county's clause 27: equipment stops being used when its holder leaves office. A scan
/// flags web use by a councillor after their term ended, citing the clause; use on the last
/// day of the term, and use by someone still in office, is not flagged.
#[test]
fn web_use_after_leaving_office_is_flagged_with_the_clause() {
    let env = Env::new();
    lists(&env);
    env.council("county-members-policy", "2026-04-01");
    person(&env, "M1", "Ada Quill", "councillor", &[]);
    person(&env, "M2", "Bo Stay", "councillor", &[]);
    for (who, name) in [("M1", "ada.quill"), ("M2", "bo.stay")] {
        env.ok(&[
            "person",
            "web-identity",
            "add",
            who,
            name,
            "--as-of",
            "2027-01-04",
        ]);
    }
    env.ok(&[
        "person",
        "leave",
        "M1",
        "--on",
        "2027-06-09",
        "--reason",
        "disqualified",
        "--as-of",
        "2027-06-09",
    ]);
    // 1812535200 is 2027-06-09T10:00:00Z, the last day of M1's term; a day later she had left.
    let mut log = String::new();
    for (at, who) in [
        (1_812_535_200, "ada.quill"),
        (1_812_621_600, "ada.quill"),
        (1_812_621_660, "ada.quill"),
        (1_812_621_720, "bo.stay"),
    ] {
        log.push_str(&format!(
            "{at}.000 10 10.9.9.9 TCP_MISS/200 65 GET http://bet.example/ {who} HIER_DIRECT/1.2.3.4 text/html\n"
        ));
    }
    let file = env.file("access.log", &log);
    let done = scan(&env, &file);
    let flagged = done["recorded"]["after_leaving"].as_array().unwrap();
    assert_eq!(flagged.len(), 1, "{done}");
    assert_eq!(flagged[0]["person"], "M1");
    assert_eq!(flagged[0]["day"], "2027-06-10");
    assert_eq!(flagged[0]["visits"], 2);
    assert_eq!(flagged[0]["citation"]["clause"], "27");
    let says = flagged[0]["says"].as_str().unwrap();
    assert!(
        says.contains("after leaving office on 9 June 2027") && says.contains("clause 27"),
        "{says}"
    );
    // The audit record of the scan counts it; the words on the command line say it.
    let scans = env.ok(&["audit", "log", "--entity", "web_scan", "--limit", "10"]);
    assert!(scans.to_string().contains("after_leaving"), "{scans}");
    let dir = env.dir.path().join("lists");
    let human = env.run(&[
        "filter",
        "scan",
        file.to_str().unwrap(),
        "--lists",
        dir.to_str().unwrap(),
        "--council",
        "test-council",
        "--as-of",
        "2027-06-11",
    ]);
    assert!(
        human.stdout.contains("M1 used the web on 10 June 2027"),
        "{}",
        human.stdout
    );
}
