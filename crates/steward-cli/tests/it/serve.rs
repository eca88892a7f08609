//! The server: a health check, signing in, and the page of what is due.

use crate::support::Env;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Stdio;

pub(crate) fn get(addr: &str, path: &str) -> (u16, String) {
    send(addr, "GET", path, "", "")
}

/// One request on its own connection; the answer's status and its whole text.
pub(crate) fn send(
    addr: &str,
    method: &str,
    path: &str,
    cookies: &str,
    form: &str,
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nCookie: {cookies}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
        form.len()
    )
    .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// The `name=value` part of the answer's cookie named `name`.
fn set_cookie(text: &str, name: &str) -> String {
    text.lines()
        .filter_map(|l| l.strip_prefix("set-cookie: "))
        .filter_map(|c| c.split(';').next())
        .find(|c| c.starts_with(&format!("{name}=")))
        .expect("cookie set")
        .to_string()
}

/// Signs in through the form and returns the session cookie.
pub(crate) fn sign_in(addr: &str, council: &str, username: &str, password: &str) -> String {
    let path = format!("/councils/{council}/sign-in");
    let (status, page) = get(addr, &path);
    assert_eq!(status, 200, "{page}");
    let form_cookie = set_cookie(&page, "steward_form");
    let token = page
        .split(r#"name="csrf_token" value=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("token");
    let form = format!(
        "csrf_token={token}&username={username}&password={}",
        password.replace(' ', "+")
    );
    let (status, answer) = send(addr, "POST", &path, &form_cookie, &form);
    assert_eq!(status, 303, "{answer}");
    set_cookie(&answer, "steward_session")
}

#[test]
fn serves_health_and_the_due_page() {
    let env = Env::new();
    env.council("city-members-code", "2026-01-01");
    env.ok(&[
        "person",
        "add",
        "--ref",
        "M1",
        "--name",
        "Eve <Marsh>",
        "--kind",
        "councillor",
        "--term-start",
        "2023-05-04",
    ]);
    env.ok(&[
        "equipment",
        "add",
        "--tag",
        "LAP-7",
        "--kind",
        "laptop",
        "--model",
        "X1",
        "--cost",
        "799.00",
    ]);
    env.ok(&["loan", "issue", "M1", "LAP-7", "--as-of", "2027-01-10"]);
    env.ok(&[
        "person",
        "leave",
        "M1",
        "--on",
        "2027-05-06",
        "--reason",
        "not_re_elected",
        "--as-of",
        "2027-05-06",
    ]);

    let password = "plum tuesday lantern 47";
    let made = crate::accounts::create_user(
        &env,
        &["--username", "audrey", "--role", "auditor"],
        password,
    );
    assert_eq!(made.code, 0, "{}", made.stderr);

    let mut child = env
        .command()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start server");
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("URL printed")
        .to_string();

    let (status, body) = get(&addr, "/health");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"ok\""));
    // Not signed in, the page sends you to sign in.
    let (status, body) = get(&addr, "/councils/test-council/due?as_of=2027-05-20");
    assert_eq!(status, 303, "{body}");
    assert!(
        body.contains("location: /councils/test-council/sign-in"),
        "{body}"
    );
    let me = sign_in(&addr, "test-council", "audrey", password);
    let due = |path: &str| send(&addr, "GET", path, &me, "");
    let (status, body) = due("/councils/test-council/due?as_of=2027-05-20");
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("Overdue return")
            && body.contains("clause 28.9, Code on use of IT equipment"),
        "{body}"
    );
    assert!(
        body.contains("Eve &lt;Marsh&gt;"),
        "names are escaped: {body}"
    );
    assert!(body.to_lowercase().contains("content-security-policy"));
    let (status, _) = due("/councils/test-council/due?as_of=20-05-2027");
    assert_eq!(status, 400);
    let (status, _) = get(&addr, "/councils/nowhere/due");
    assert_eq!(status, 404);
    child.kill().unwrap();
    let _ = child.wait();
}

/// Starts `steward serve` and reads what it prints until `lines` lines have come, or it stops.
fn serve_lines(env: &Env, lines: usize) -> (std::process::Child, Vec<String>) {
    let mut child = env
        .command()
        .args(["serve", "--listen", "127.0.0.1:0", "--no-sweep"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start server");
    let stdout = child.stdout.take().unwrap();
    let mut reader = BufReader::new(stdout);
    let mut out = Vec::new();
    for _ in 0..lines {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        out.push(line.trim_end().to_string());
    }
    (child, out)
}

#[test]
fn an_empty_database_prints_a_setup_address_that_opens_setup() {
    let env = Env::new();
    let (mut child, lines) = serve_lines(&env, 4);
    let addr = lines[0]
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("URL printed")
        .to_string();
    assert!(lines[1].contains("No council is set up yet"), "{lines:?}");
    let setup = lines[3].trim();
    let prefix = format!("http://{addr}/setup/");
    let secret = setup.strip_prefix(&prefix).expect("the setup address");
    // 32 random bytes in base64url: far more than 128 bits.
    assert_eq!(secret.len(), 43, "{setup}");
    let (status, body) = get(&addr, &format!("/setup/{secret}/preset"));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Which policy is most like"), "{body}");
    let (status, body) = get(&addr, "/");
    assert_eq!(status, 200);
    assert!(body.contains("Setup is waiting"), "{body}");
    child.kill().unwrap();
    let _ = child.wait();

    // A restart prints a new address, and the old one no longer works.
    let (mut again, lines) = serve_lines(&env, 4);
    let addr = lines[0]
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap()
        .to_string();
    assert!(!lines[3].contains(secret), "{lines:?}");
    let (status, _) = get(&addr, &format!("/setup/{secret}/preset"));
    assert_eq!(status, 410);
    again.kill().unwrap();
    let _ = again.wait();

    // With a council, no address is printed: the first line is the only one.
    env.council("city-members-code", "2026-01-01");
    let (mut third, lines) = serve_lines(&env, 1);
    assert!(lines[0].contains("Steward is running"), "{lines:?}");
    let addr = lines[0]
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap()
        .to_string();
    let (status, body) = get(&addr, "/");
    assert!(
        status == 200 && !body.contains("Setup is waiting"),
        "{body}"
    );
    third.kill().unwrap();
    let _ = third.wait();
}
