//! Two servers on one database behave as one: the day's sweep runs once, each notice is sent
//! once, and a session begun on one server works on the other.

use crate::mailsink::Sink;
use crate::serve::{send, sign_in};
use crate::support::Env;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

const FROM: &str = "Dunmere IT <it@dunmere.example.org>";
const MEMBERS: usize = 3;

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(env: &Env, sink: &Sink) -> Server {
    let mut child = env
        .command()
        .args(["serve", "--listen", "127.0.0.1:0", "--as-of", "2027-04-12"])
        .args(["--smtp", &sink.url(), "--mail-from", FROM])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start server");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("address line");
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("URL printed")
        .to_string();
    Server { child, addr }
}

/// A town council whose members' laptops fell due on 4 April 2027.
fn town() -> Env {
    let env = Env::new();
    env.council("town-it-policy", "2027-01-04");
    for i in 0..MEMBERS {
        let reference = format!("M{i}");
        let email = format!("m{i}@dunmere.example.org");
        let household = format!("H{i}");
        let name = format!("Member {i}");
        env.ok(&[
            "person",
            "add",
            "--ref",
            &reference,
            "--name",
            &name,
            "--kind",
            "councillor",
            "--household",
            &household,
            "--email",
            &email,
            "--term-start",
            "2026-05-07",
            "--as-of",
            "2027-01-04",
        ]);
        let tag = format!("LAP-{i}");
        env.ok(&[
            "equipment",
            "add",
            "--tag",
            &tag,
            "--kind",
            "laptop",
            "--model",
            "T14",
            "--cost",
            "650.00",
            "--as-of",
            "2027-01-04",
        ]);
        env.ok(&["loan", "issue", &reference, &tag, "--as-of", "2027-01-04"]);
    }
    env
}

/// Waits, a bounded time, until `done` holds; the servers sweep and send on their own time.
fn until(what: &str, mut done: impl FnMut() -> bool) {
    let give_up = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < give_up, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn two_servers_on_one_database_sweep_and_send_once_and_share_sessions() {
    let env = town();
    let password = "plum tuesday lantern 47";
    let made = crate::accounts::create_user(
        &env,
        &["--username", "audrey", "--role", "auditor"],
        password,
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    let sink = Sink::start();
    let a = serve(&env, &sink);
    let b = serve(&env, &sink);

    let sent = || {
        let all = env.ok(&["outbox", "list", "--as-of", "2027-04-12"]);
        let all = all.as_array().cloned().unwrap_or_default();
        all.len() == MEMBERS && all.iter().all(|m| m["state"] == "sent")
    };
    until("every notice to be sent", sent);
    for i in 0..MEMBERS {
        let to = format!("m{i}@dunmere.example.org");
        assert_eq!(sink.to(&to).len(), 1, "messages to {to}");
    }
    let log = env.ok(&["audit", "log", "--entity", "council"]);
    let sweeps: Vec<&Value> = log
        .as_array()
        .expect("records")
        .iter()
        .filter(|r| r["action"] == "sweep.daily")
        .collect();
    assert_eq!(
        sweeps.len(),
        1,
        "the day was swept by one server: {sweeps:?}"
    );

    // Signed in on one server, the session is good on the other.
    let cookie = sign_in(&a.addr, "test-council", "audrey", password);
    let (status, page) = send(&b.addr, "GET", "/councils/test-council/due", &cookie, "");
    assert_eq!(status, 200, "{page}");
    let (status, _) = send(&b.addr, "GET", "/councils/test-council/due", "", "");
    assert_eq!(status, 303);
}
