//! The Squid helper with the register: people known by proxy user name or by the address of a
//! device on loan to them, judged by the council's policy in force with their exceptions, and
//! a reload picking up a newly approved one. Scanning into the register is in `filter_scan`.

use crate::api::user;
use crate::support::Env;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::Stdio;

pub(crate) fn lists(env: &Env) -> PathBuf {
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

pub(crate) fn person(env: &Env, reference: &str, name: &str, kind: &str, offices: &[&str]) {
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
pub(crate) fn city() -> Env {
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
    asked["id"].as_i64().unwrap().to_string()
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
