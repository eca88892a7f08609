//! The outbound milter with Debian's Postfix on loopback: Postfix, configured by the test in a
//! temporary directory, asks `steward mail milter` about each message and relays what it
//! accepts to a sink SMTP server. Python's smtplib sends through it as a mail client would.
//! Under the city's policy (002, Email): plain mail passes unchanged, OFFICIAL mail to a
//! domain that is not secure is refused with the clause in the reply, and OFFICIAL mail to the
//! secure route carries the disclaimer. Each decision is recorded.

use crate::mailsink::Sink;
use crate::support::Env;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WITHIN: Duration = Duration::from_secs(30);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_listening(port: u16, what: &str) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + WITHIN;
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not listen on {addr}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// A Postfix instance of the test's own, stopped when the test ends.
struct Postfix {
    dir: tempfile::TempDir,
}

impl Postfix {
    fn start(port: u16, milter: SocketAddr, relay: u16) -> Postfix {
        assert!(
            Path::new("/usr/sbin/postfix").is_file(),
            "Postfix is not installed; this test runs the real relay: apt-get install postfix \
             (scripts/prerequisites does)"
        );
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("queue")).unwrap();
        std::fs::create_dir_all(root.join("data")).unwrap();
        let chown = Command::new("chown")
            .arg("postfix")
            .arg(root.join("data"))
            .status()
            .unwrap();
        assert!(chown.success(), "Postfix runs as root with a postfix user");
        let main = format!(
            "compatibility_level = 3.6\n\
             queue_directory = {root}/queue\n\
             data_directory = {root}/data\n\
             maillog_file_prefixes = {root}\n\
             maillog_file = {root}/maillog\n\
             mail_owner = postfix\n\
             myhostname = relay.city.example.gov.uk\n\
             inet_interfaces = 127.0.0.1\n\
             inet_protocols = ipv4\n\
             mydestination =\n\
             local_recipient_maps =\n\
             alias_maps =\n\
             alias_database =\n\
             mynetworks = 127.0.0.0/8\n\
             smtpd_relay_restrictions = permit_mynetworks, reject\n\
             relayhost = [127.0.0.1]:{relay}\n\
             smtp_dns_support_level = disabled\n\
             smtp_tls_security_level = none\n\
             smtpd_tls_security_level = none\n\
             smtpd_milters = inet:{milter}\n\
             milter_default_action = tempfail\n",
            root = root.display()
        );
        std::fs::write(root.join("main.cf"), main).unwrap();
        let services = [
            (format!("127.0.0.1:{port}"), "inet", "n", "-", "smtpd"),
            ("pickup".into(), "unix", "n", "1", "pickup"),
            ("cleanup".into(), "unix", "n", "0", "cleanup"),
            ("qmgr".into(), "unix", "n", "1", "qmgr"),
            ("rewrite".into(), "unix", "-", "-", "trivial-rewrite"),
            ("bounce".into(), "unix", "-", "0", "bounce"),
            ("defer".into(), "unix", "-", "0", "bounce"),
            ("trace".into(), "unix", "-", "0", "bounce"),
            ("verify".into(), "unix", "-", "1", "verify"),
            ("proxymap".into(), "unix", "-", "-", "proxymap"),
            ("smtp".into(), "unix", "-", "-", "smtp"),
            ("relay".into(), "unix", "-", "-", "smtp"),
            ("showq".into(), "unix", "n", "-", "showq"),
            ("error".into(), "unix", "-", "-", "error"),
            ("retry".into(), "unix", "-", "-", "error"),
            ("discard".into(), "unix", "-", "-", "discard"),
            ("anvil".into(), "unix", "-", "1", "anvil"),
            ("scache".into(), "unix", "-", "1", "scache"),
            ("postlog".into(), "unix-dgram", "n", "1", "postlogd"),
        ];
        let master: String = services
            .iter()
            .map(|(name, kind, private, max, command)| {
                format!("{name} {kind} {private} - n - {max} {command}\n")
            })
            .collect();
        std::fs::write(root.join("master.cf"), master).unwrap();
        let out = Command::new("/usr/sbin/postfix")
            .arg("-c")
            .arg(root)
            .arg("start")
            .output()
            .unwrap();
        let postfix = Postfix { dir };
        assert!(
            out.status.success(),
            "Postfix did not start: {}",
            postfix.log()
        );
        wait_listening(port, "Postfix");
        postfix
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("maillog")).unwrap_or_default()
    }
}

impl Drop for Postfix {
    fn drop(&mut self) {
        let _ = Command::new("/usr/sbin/postfix")
            .arg("-c")
            .arg(self.dir.path())
            .arg("stop")
            .output();
    }
}

/// `steward mail milter` on a free port, stopped when the test ends.
struct Milter(Child);

impl Drop for Milter {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn milter(env: &Env) -> (Milter, SocketAddr) {
    let mut child = env
        .command()
        .args([
            "mail",
            "milter",
            "--listen",
            "127.0.0.1:0",
            "--as-of",
            "2027-02-01",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr: SocketAddr = first
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_end_matches('.')
        .parse()
        .unwrap_or_else(|_| panic!("the milter said {first:?}"));
    // Keep reading what it says, so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (Milter(child), addr)
}

/// Sends one message through the relay with smtplib: "sent", or the server's refusal.
fn send(port: u16, to: &str, subject: &str, headers: &[(&str, &str)], body: &str) -> String {
    let script = r#"
import smtplib, sys
from email.message import EmailMessage
port, to, subject, body = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
m = EmailMessage()
m["From"] = "ada@city.example.gov.uk"
m["To"] = to
m["Subject"] = subject
for pair in sys.argv[5:]:
    name, value = pair.split(":", 1)
    m[name] = value
m.set_content(body)
try:
    with smtplib.SMTP("127.0.0.1", int(port), timeout=30) as s:
        s.send_message(m)
    print("sent")
except smtplib.SMTPResponseException as e:
    print(e.smtp_code, e.smtp_error.decode())
except smtplib.SMTPRecipientsRefused as e:
    print(e.recipients)
"#;
    let mut cmd = Command::new("python3");
    cmd.args(["-c", script, &port.to_string(), to, subject, body]);
    for (name, value) in headers {
        cmd.arg(format!("{name}:{value}"));
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn delivered(sink: &Sink, postfix: &Postfix, count: usize) -> Vec<serde_json::Value> {
    let deadline = Instant::now() + WITHIN;
    loop {
        let got = sink.messages();
        if got.len() >= count {
            return got;
        }
        assert!(
            Instant::now() < deadline,
            "{count} messages were not relayed; Postfix said:\n{}",
            postfix.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

const LABEL: &str = "MSIP_Label_f42aa342-8706-4288-bd11-ebb85995028c_Enabled=true; \
    MSIP_Label_f42aa342-8706-4288-bd11-ebb85995028c_Name=Official; \
    MSIP_Label_f42aa342-8706-4288-bd11-ebb85995028c_Method=Standard";

#[test]
fn postfix_with_the_milter_accepts_refuses_and_adds_the_disclaimer() {
    let env = Env::new();
    env.council("city-aup", "2027-01-04");
    let sink = Sink::start();
    let relay: u16 = sink.url().rsplit(':').next().unwrap().parse().unwrap();
    let (_milter, milter_at) = milter(&env);
    let port = free_port();
    let postfix = Postfix::start(port, milter_at, relay);

    // Plain mail leaves unchanged.
    let sent = send(
        port,
        "friend@example.org",
        "Lunch on Friday",
        &[],
        "See you there.",
    );
    assert_eq!(sent, "sent");
    let got = delivered(&sink, &postfix, 1);
    assert!(
        !got[0]["text"].as_str().unwrap().contains("City Council"),
        "{}",
        got[0]
    );

    // OFFICIAL by its subject, to a personal address: refused, the clause in the reply.
    let refused = send(
        port,
        "someone@gmail.example.com",
        "OFFICIAL: budget",
        &[],
        "Figures.",
    );
    assert!(refused.starts_with("550"), "{refused}");
    assert!(
        refused.contains("\"Email\", ICT Acceptable Use Policy"),
        "{refused}"
    );
    assert!(refused.contains("gmail.example.com"), "{refused}");

    // OFFICIAL by its sensitivity label, to the secure route: relayed with the disclaimer.
    let sent = send(
        port,
        "officer@city.gcsx.example.gov.uk",
        "Budget",
        &[("msip_labels", LABEL)],
        "The figures.",
    );
    assert_eq!(sent, "sent");
    let got = delivered(&sink, &postfix, 2);
    let text = got[1]["text"].as_str().unwrap();
    assert!(text.starts_with("The figures."), "{text}");
    assert!(text.contains("may hold OFFICIAL information"), "{text}");
    assert_eq!(sink.messages().len(), 2, "the refused message never left");

    // Each decision is recorded, newest first, without bodies or subjects.
    let decisions = env.ok(&["mail", "decisions"]);
    let rows = decisions.as_array().unwrap();
    assert_eq!(rows.len(), 3, "{decisions}");
    let actions: Vec<&str> = rows.iter().map(|d| d["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["accept", "reject", "accept"]);
    assert_eq!(rows[0]["disclaimer"], true);
    assert_eq!(rows[0]["level"], "OFFICIAL");
    assert_eq!(rows[1]["reasons"][0]["citation"]["clause"], "Email");
    assert!(!decisions.to_string().contains("budget"), "{decisions}");
    the_api_lists_them_for_those_who_read_monitoring(&env);
}

/// The decisions through the API: for auditors and the offices the policy names, newest
/// first, filtered in the list's query; nobody else's, and no other council's.
fn the_api_lists_them_for_those_who_read_monitoring(env: &Env) {
    use crate::api::{Server, token, user};
    env.person(
        "S1",
        "employee",
        Some("line_manager"),
        "2027-01-04",
        "2027-01-04",
    );
    user(
        env,
        &["--username", "lin", "--role", "officer", "--person", "S1"],
    );
    env.person("S2", "employee", None, "2027-01-04", "2027-01-04");
    user(
        env,
        &["--username", "pat", "--role", "officer", "--person", "S2"],
    );
    user(env, &["--username", "aud", "--role", "auditor"]);
    user(env, &["--username", "boss", "--admin"]);
    env.person("M1", "councillor", None, "2027-01-04", "2027-01-04");
    user(
        env,
        &["--username", "ada", "--role", "member", "--person", "M1"],
    );
    // Each token is made before the second council, while the database holds one.
    let lin = token(env, "lin", "officer");
    let aud = token(env, "aud", "auditor");
    let others = [
        token(env, "pat", "officer"),
        token(env, "boss", "admin"),
        token(env, "ada", "member"),
    ];
    env.ok(&[
        "council",
        "create",
        "--slug",
        "two",
        "--name",
        "Two",
        "--preset",
        "city-aup",
        "--as-of",
        "2027-01-04",
    ]);
    user(
        env,
        &["--council", "two", "--username", "two", "--role", "auditor"],
    );
    let other = env.ok(&[
        "token",
        "create",
        "--council",
        "two",
        "--username",
        "two",
        "--role",
        "auditor",
        "--name",
        "t",
    ])["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let api = Server::start(env, "2027-02-01");
    for who in [&lin, &aud] {
        let got = api.get(who, "/mail/decisions");
        assert_eq!(got.status, 200, "{}", got.body);
        let actions: Vec<&str> = got.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["accept", "reject", "accept"]);
    }
    let refused = api.get(&lin, "/mail/decisions?action=reject");
    let items = refused.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", refused.body);
    assert_eq!(api.get(&lin, "/mail/decisions?action=bounce").status, 400);
    assert_eq!(api.get(&lin, "/mail/decisions?flagged=maybe").status, 400);
    // An officer of no office the policy names, an administrator and a member may not.
    for secret in &others {
        let got = api.get(secret, "/mail/decisions");
        assert_eq!(got.status, 403, "{}", got.body);
    }
    let theirs = api.get(&other, "/mail/decisions");
    assert_eq!(theirs.status, 200, "{}", theirs.body);
    assert_eq!(theirs.body["items"], serde_json::json!([]));
}
