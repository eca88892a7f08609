//! The web filter with the register: people known by proxy user name or by the address of a
//! device on loan to them, judged by the council's policy in force with their exceptions;
//! scanning logs into findings, the cases a threshold opens, and who may read the findings.

use crate::api::{Server, token, user};
use crate::support::Env;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::Stdio;

fn lists(env: &Env) -> PathBuf {
    let root = env.dir.path().join("lists");
    for (file, text) in [
        ("gambling/domains", "bet.example\n"),
        ("shopping/domains", "shop.example\n"),
        ("adult/domains", "research.example\n"),
    ] {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    root
}

fn person(env: &Env, reference: &str, name: &str, kind: &str, offices: &[&str]) {
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
    for o in offices {
        args.extend(["--office", o]);
    }
    env.ok(&args);
}

/// Runs the helper for the test council at `at`, speaking the ACL protocol, with `input`.
fn helper(env: &Env, at: &str, input: &str) -> Vec<String> {
    let dir = env.dir.path().join("lists");
    let mut child = env
        .command()
        .args([
            "filter",
            "squid",
            "--council",
            "test-council",
            "--protocol",
            "acl",
        ])
        .args(["--lists", dir.to_str().unwrap(), "--at", at])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// The city's acceptable use policy (council 002): a councillor with a laptop on loan, known
/// to the proxy as ada.quill and by the laptop's addresses.
fn city() -> Env {
    let env = Env::new();
    lists(&env);
    env.council("city-aup", "2026-04-01");
    person(&env, "M1", "Ada Quill", "councillor", &[]);
    person(
        &env,
        "S1",
        "Lin Law",
        "employee",
        &["head_of_law_and_governance"],
    );
    person(&env, "S2", "Pat Desk", "employee", &[]);
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
    env.ok(&[
        "acceptance",
        "sign",
        "M1",
        "--typed-name",
        "Ada Quill",
        "--as-of",
        "2027-01-04",
    ]);
    env.ok(&["loan", "issue", "M1", "LAP-1", "--as-of", "2027-01-04"]);
    env.ok(&[
        "person",
        "web-identity",
        "add",
        "M1",
        "Ada.Quill",
        "--as-of",
        "2027-01-04",
    ]);
    let set = env.ok(&[
        "equipment",
        "address",
        "set",
        "LAP-1",
        "10.1.0.7",
        "fd00::7",
        "--as-of",
        "2027-01-04",
    ]);
    assert_eq!(set["addresses"], serde_json::json!(["10.1.0.7", "fd00::7"]));
    env
}

#[test]
fn the_helper_knows_a_member_by_proxy_user_and_by_loaned_device() {
    let env = city();
    let listed = env.ok(&["person", "web-identity", "list", "--as-of", "2027-06-09"]);
    assert_eq!(listed[0]["reference"], "M1");
    assert_eq!(listed[0]["usernames"][0], "ada.quill");
    assert_eq!(listed[0]["devices"][0]["asset_tag"], "LAP-1");
    // Wednesday 9 June 2027, 11:00 in London: working hours.
    let lines = helper(
        &env,
        "2027-06-09T10:00:00Z",
        "10.9.9.9 ADA.QUILL http://bet.example/\n\
         10.1.0.7 - http://www.bet.example/x\n\
         fd00::7 - http://shop.example/\n",
    );
    let gambling = "OK tag=gambling log=gambling message=\"Blocked: gambling (\u{201c}Internet use\u{201d})\" cat=gambling clause=\"Internet use\"";
    assert_eq!(lines[0], gambling);
    assert_eq!(lines[1], gambling);
    assert!(
        lines[2].contains("cat=shopping clause=\"Internet use\""),
        "{}",
        lines[2]
    );
    // A used address or name cannot be given to someone else.
    person(&env, "M2", "Bo Fenn", "councillor", &[]);
    let taken = env.fails(
        &[
            "person",
            "web-identity",
            "add",
            "M2",
            "ada.quill",
            "--as-of",
            "2027-01-04",
        ],
        6,
    );
    assert!(taken.stdout.contains("M1"), "{}", taken.stdout);
    env.fails(
        &[
            "equipment",
            "address",
            "set",
            "LAP-1",
            "10.1.0.999",
            "--as-of",
            "2027-01-04",
        ],
        3,
    );
}

#[test]
fn city_shopping_waits_for_lunch_and_betting_is_never_allowed() {
    let env = city();
    let ask = "10.1.0.7 - http://shop.example/basket\n10.1.0.7 - http://bet.example/\n";
    // 12:30 in London on a Wednesday in June: the lunch hour is the user's own time.
    let lunch = helper(&env, "2027-06-09T11:30:00Z", ask);
    assert_eq!(lines_verdicts(&lunch), ["ERR", "OK"]);
    let morning = helper(&env, "2027-06-09T09:30:00Z", ask);
    assert_eq!(lines_verdicts(&morning), ["OK", "OK"]);
    // Saturday evening: shopping is fine, betting still blocked.
    let weekend = helper(&env, "2027-06-12T18:00:00Z", ask);
    assert_eq!(lines_verdicts(&weekend), ["ERR", "OK"]);
}

fn lines_verdicts(lines: &[String]) -> Vec<&str> {
    lines
        .iter()
        .map(|l| l.split_whitespace().next().unwrap_or_default())
        .collect()
}

/// The city members' code (council 000): exceptions to the web rules are approved by Business
/// Systems. Ada and Bo are councillors known to the proxy as `ada` and `bo`.
fn members_code() -> Env {
    let env = Env::new();
    lists(&env);
    env.council("city-members-code", "2027-01-04");
    person(&env, "M1", "Ada Quill", "councillor", &[]);
    person(&env, "M2", "Bo Fenn", "councillor", &[]);
    person(&env, "S2", "Bea Systems", "employee", &["business_systems"]);
    user(
        &env,
        &[
            "--username",
            "user-m1",
            "--role",
            "member",
            "--person",
            "M1",
        ],
    );
    user(
        &env,
        &[
            "--username",
            "user-s2",
            "--role",
            "officer",
            "--person",
            "S2",
        ],
    );
    for (r, name) in [("M1", "ada"), ("M2", "bo")] {
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
    env
}

fn ask_exception(env: &Env) -> String {
    let asked = env.ok(&[
        "request",
        "raise",
        "--as",
        "user-m1",
        "--kind",
        "web_exception",
        "--summary",
        "Research for the licensing committee",
        "--host",
        "research.example",
        "--until",
        "2027-02-10",
        "--as-of",
        "2027-02-01",
    ]);
    asked["request"]["id"].as_i64().unwrap().to_string()
}

fn approve(env: &Env, id: &str) {
    env.ok(&[
        "request",
        "approve",
        id,
        "--reason",
        "Committee work",
        "--as",
        "user-s2",
        "--as-of",
        "2027-02-01",
    ]);
}

#[test]
fn an_exception_lets_its_member_through_until_it_ends_and_nobody_else() {
    let env = members_code();
    let id = ask_exception(&env);
    approve(&env, &id);
    let ask = "10.0.0.1 ada http://www.research.example/paper\n\
               10.0.0.2 bo http://www.research.example/paper\n";
    let during = helper(&env, "2027-02-05T10:00:00Z", ask);
    assert_eq!(during[0], "ERR");
    assert!(
        during[1].contains("cat=adult clause=\"28.3\""),
        "{}",
        during[1]
    );
    let after = helper(&env, "2027-02-11T10:00:00Z", ask);
    assert_eq!(lines_verdicts(&after), ["OK", "OK"]);
}

#[test]
fn hangup_picks_up_a_newly_approved_exception() {
    use std::time::{Duration, Instant};
    let env = members_code();
    let id = ask_exception(&env);
    let dir = env.dir.path().join("lists");
    let mut child = env
        .command()
        .args([
            "filter",
            "squid",
            "--council",
            "test-council",
            "--protocol",
            "acl",
        ])
        .args([
            "--lists",
            dir.to_str().unwrap(),
            "--at",
            "2027-02-05T10:00:00Z",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let mut output = BufReader::new(child.stdout.take().unwrap());
    let mut ask = || {
        writeln!(input, "10.0.0.1 ada http://research.example/").unwrap();
        let mut reply = String::new();
        output.read_line(&mut reply).unwrap();
        reply
    };
    assert!(ask().starts_with("OK "), "blocked before approval");
    approve(&env, &id);
    let hup = std::process::Command::new("kill")
        .args(["-HUP", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(hup.success());
    // Requests are answered throughout; the exception applies once the reload is done.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let reply = ask();
        if reply == "ERR\n" {
            break;
        }
        assert!(reply.starts_with("OK "), "{reply}");
        assert!(Instant::now() < deadline, "the reload did not take effect");
    }
    drop(input);
    assert!(child.wait().unwrap().success());
}

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
    let rows = seen.json();
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
    let id = reported["request"]["id"].clone();
    // Ada and Bo each reached the site on 10 June; only Ada said it was an accident.
    let log = env.file(
        "access.log",
        "1812621600.000 10 10.9.9.9 TCP_MISS/200 65 GET http://www.bet.example/x ada.quill HIER_DIRECT/1.2.3.4 text/html\n\
         1812621660.000 10 10.9.9.8 TCP_MISS/200 65 GET http://www.bet.example/y bo HIER_DIRECT/1.2.3.4 text/html\n",
    );
    scan(&env, &log);
    let seen = findings(&env, "aud");
    assert_eq!(seen.code, 0, "{}", seen.stderr);
    let rows = seen.json();
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
