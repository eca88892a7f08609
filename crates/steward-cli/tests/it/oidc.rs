//! Signing in with the council's identity provider, through Steward's own addresses:
//!
//! * against oidc-provider-mock, a real OpenID provider run on loopback: the code flow with
//!   PKCE from the sign-in button to a session, an attempt that cannot be replayed, someone
//!   without a mapped role or a linked account refused with a page saying so, passwords
//!   switched off but for a break-glass administrator, and signing out offering the provider's
//!   own sign-out;
//! * against `oidc_forger.py`, a provider that spoils its ID tokens on request: a tampered
//!   token, a wrong nonce, a wrong audience and an expired token are all refused, while its
//!   good token (keyed on Entra ID's tenant and object ids) signs in; and the provider's
//!   discovery document and keys are fetched once for many sign-ins, and once more when the
//!   provider signs with a new key.

use crate::accounts::create_user;
use crate::serve::send;
use crate::support::Env;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const COUNCIL: &str = "test-council";
const SECRET_ENV: &str = "STEWARD_TEST_OIDC_SECRET";
const SECRET: &str = "a client secret never shown";
const PASSWORD: &str = "plum tuesday lantern 47";

/// A child process killed when the test ends.
struct Running {
    child: Child,
    addr: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// Waits until something listens on `port`, failing if the process ends first.
fn wait_listening(child: &mut Child, port: u16, what: &str) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited before listening: {status}");
        }
        assert!(Instant::now() < deadline, "{what} did not listen on {addr}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn require_mock() {
    let found = Command::new("python3")
        .args(["-c", "import oidc_provider_mock"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "the sign-in tests run a real OpenID provider, oidc-provider-mock, which is not \
         installed for python3: run scripts/prerequisites (or `pip install oidc-provider-mock`)"
    );
}

/// oidc-provider-mock with three people: clerk (an administrator's app role), ada (a
/// member's) and nobody (a role Steward does not map).
fn mock_provider() -> Running {
    require_mock();
    let port = free_port();
    let mut child = Command::new("python3")
        .args(["-m", "oidc_provider_mock", "--port", &port.to_string()])
        .args([
            "--user-claims",
            r#"{"sub": "clerk-sub", "roles": ["Steward.Admin"]}"#,
            "--user-claims",
            r#"{"sub": "ada-sub", "roles": ["Steward.Member"]}"#,
            "--user-claims",
            r#"{"sub": "nobody-sub", "roles": ["Canteen.Staff"]}"#,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start oidc-provider-mock");
    wait_listening(&mut child, port, "oidc-provider-mock");
    Running {
        child,
        addr: format!("127.0.0.1:{port}"),
    }
}

fn forger() -> Running {
    require_mock();
    let port = free_port();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/oidc_forger.py");
    let mut child = Command::new("python3")
        .arg(script)
        .arg(port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the forging provider");
    wait_listening(&mut child, port, "the forging provider");
    Running {
        child,
        addr: format!("127.0.0.1:{port}"),
    }
}

fn steward(env: &Env) -> Running {
    let mut child = env
        .command()
        .args(["serve", "--listen", "127.0.0.1:0", "--no-sweep"])
        .env(SECRET_ENV, SECRET)
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
    Running { child, addr }
}

/// A header of an answer, found whatever its case.
fn header(answer: &str, name: &str) -> Option<String> {
    let want = format!("{}:", name.to_ascii_lowercase());
    answer
        .split("\r\n\r\n")
        .next()?
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with(&want))
        .map(|l| l[want.len()..].trim().to_string())
}

/// The `name=value` of the cookie the answer sets, if it does.
fn cookie(answer: &str, name: &str) -> Option<String> {
    answer
        .split("\r\n\r\n")
        .next()?
        .lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .filter_map(|l| l.split_once(':').map(|(_, v)| v.trim()))
        .filter_map(|c| c.split(';').next())
        .find(|c| c.starts_with(&format!("{name}=")) && c.len() > name.len() + 1)
        .map(str::to_string)
}

/// `http://host:port/path?query` as (host:port, /path?query).
fn split_url(url: &str) -> (String, String) {
    let rest = url.strip_prefix("http://").expect("an http:// address");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    (host.to_string(), path.to_string())
}

/// What came of one sign-in at the provider.
struct Outcome {
    status: u16,
    answer: String,
    /// The browser's cookie binding the attempt, and the address it came back to.
    attempt_cookie: String,
    back: String,
}

impl Outcome {
    fn session(&self) -> String {
        assert_eq!(self.status, 303, "{}", self.answer);
        cookie(&self.answer, "steward_session").expect("a session cookie")
    }

    fn refused(&self, status: u16, words: &str) {
        assert_eq!(self.status, status, "{}", self.answer);
        assert!(self.answer.contains(words), "{words}: {}", self.answer);
        assert!(cookie(&self.answer, "steward_session").is_none());
    }
}

/// Presses "Sign in with …" on Steward, lets the provider sign in `sub` (the mock's form, or
/// the forger straight away), and follows the browser back to Steward.
fn sign_in_at_provider(steward: &str, sub: Option<&str>) -> Outcome {
    let (status, started) = send(
        steward,
        "GET",
        &format!("/councils/{COUNCIL}/sign-in/provider"),
        "",
        "",
    );
    assert_eq!(status, 303, "{started}");
    let attempt_cookie = cookie(&started, "steward_oidc").expect("the attempt's cookie");
    let to_provider = header(&started, "location").expect("sent to the provider");
    assert!(
        to_provider.contains("code_challenge_method=S256")
            && to_provider.contains("code_challenge=")
            && to_provider.contains("nonce=")
            && to_provider.contains("state="),
        "{to_provider}"
    );
    let (provider, path) = split_url(&to_provider);
    let redirected = match sub {
        Some(sub) => {
            let (status, form) = send(&provider, "GET", &path, "", "");
            assert_eq!(status, 200, "{form}");
            let (status, answer) = send(&provider, "POST", &path, "", &format!("sub={sub}"));
            assert_eq!(status, 302, "{answer}");
            answer
        }
        None => {
            let (status, answer) = send(&provider, "GET", &path, "", "");
            assert_eq!(status, 302, "{answer}");
            answer
        }
    };
    let back_url = header(&redirected, "location").expect("sent back to Steward");
    let (host, back) = split_url(&back_url);
    assert_eq!(
        host, steward,
        "the provider sends the browser back to Steward"
    );
    assert!(
        back.starts_with(&format!("/councils/{COUNCIL}/sign-in/provider/return?")),
        "{back}"
    );
    let (status, answer) = send(steward, "GET", &back, &attempt_cookie, "");
    Outcome {
        status,
        answer,
        attempt_cookie,
        back,
    }
}

/// A town council with an administrator (clerk), a councillor's member account (ada) and an
/// administrator not linked to the provider (spare).
fn council() -> Env {
    let env = crate::accounts::setup();
    for args in [
        vec!["--username", "clerk", "--admin"],
        vec!["--username", "ada", "--role", "member", "--person", "M1"],
        vec!["--username", "spare", "--admin"],
    ] {
        let made = create_user(&env, &args, PASSWORD);
        assert_eq!(made.code, 0, "{}", made.stderr);
    }
    env
}

fn set_provider(env: &Env, issuer: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "council",
        "oidc",
        "set",
        "--issuer",
        issuer,
        "--client-id",
        "steward-test",
        "--secret-env",
        SECRET_ENV,
        "--name",
        "Council Login",
        "--role",
        "Steward.Admin=admin",
        "--role",
        "Steward.Member=member",
    ];
    args.extend_from_slice(extra);
    env.ok(&args)
}

#[test]
fn the_code_flow_with_pkce_signs_in_linked_accounts_and_refuses_others() {
    let provider = mock_provider();
    let env = council();
    let issuer = format!("http://{}", provider.addr);
    let saved = set_provider(&env, &issuer, &[]);
    assert_eq!(saved["account_key"], "subject");
    assert_eq!(saved["secret"]["env"], SECRET_ENV);
    env.ok(&["user", "identity", "clerk", "--subject", "clerk-sub"]);
    env.ok(&["user", "identity", "ada", "--subject", "ada-sub"]);
    // One identity, one account.
    let taken = env.fails(&["user", "identity", "spare", "--subject", "clerk-sub"], 6);
    assert!(taken.says("already linked to clerk"), "{}", taken.stdout);
    let shown = env.run(&["council", "oidc", "show"]);
    assert!(shown.stdout.contains("Council Login") && shown.stdout.contains(SECRET_ENV));
    assert!(
        !shown.stdout.contains(SECRET),
        "the secret is never printed"
    );

    let server = steward(&env);
    let (status, page) = send(
        &server.addr,
        "GET",
        &format!("/councils/{COUNCIL}/sign-in"),
        "",
        "",
    );
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Sign in with Council Login"), "{page}");

    // The administrator: the whole flow, then a page only administrators see.
    let clerk = sign_in_at_provider(&server.addr, Some("clerk-sub"));
    let session = clerk.session();
    assert_eq!(
        header(&clerk.answer, "location").as_deref(),
        Some("/councils/test-council/start")
    );
    let (status, page) = send(
        &server.addr,
        "GET",
        &format!("/councils/{COUNCIL}/admin/sign-in"),
        &session,
        "",
    );
    assert_eq!(status, 200, "{page}");
    // The page shows the redirect address to register with the provider.
    assert!(page.replace("&#x2f;", "/").contains(&format!(
        "http://{}/councils/{COUNCIL}/sign-in/provider/return",
        server.addr
    )));
    // The same return cannot be used twice.
    let (status, again) = send(&server.addr, "GET", &clerk.back, &clerk.attempt_cookie, "");
    assert_eq!(status, 400, "{again}");
    assert!(again.contains("expired or was already used"), "{again}");
    // Nor can a return be taken up in a browser that did not begin it.
    let other = sign_in_at_provider(&server.addr, Some("ada-sub"));
    let (status, answer) = send(&server.addr, "GET", &other.back, "", "");
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("started in another browser"), "{answer}");

    // The member lands on their own equipment.
    let ada = sign_in_at_provider(&server.addr, Some("ada-sub"));
    ada.session();
    assert_eq!(
        header(&ada.answer, "location").as_deref(),
        Some("/councils/test-council/me")
    );

    // No mapped role: refused, and said so.
    sign_in_at_provider(&server.addr, Some("nobody-sub")).refused(403, "has no role in Steward");
    // A mapped role but no linked account: refused too.
    let made = env.ok(&["user", "identity", "ada", "--clear"]);
    assert!(made["external"].is_null());
    sign_in_at_provider(&server.addr, Some("ada-sub"))
        .refused(403, "is not linked to a Steward account");

    // Signing out ends the session and offers the provider's own sign-out.
    let (status, page) = send(
        &server.addr,
        "GET",
        &format!("/councils/{COUNCIL}/start"),
        &session,
        "",
    );
    assert_eq!(status, 200, "{page}");
    let token = page
        .split(r#"name="csrf_token" value=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the sign-out form's token")
        .to_string();
    let (status, out) = send(
        &server.addr,
        "POST",
        &format!("/councils/{COUNCIL}/sign-out"),
        &session,
        &format!("csrf_token={token}"),
    );
    assert_eq!(status, 303, "{out}");
    let to = header(&out, "location").expect("somewhere to go");
    assert_eq!(to, format!("/councils/{COUNCIL}/signed-out"));
    let (status, page) = send(&server.addr, "GET", &to, "", "");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Sign out of Council Login too"), "{page}");
    assert!(
        page.replace("&#x2f;", "/")
            .contains(&format!("http://{}/oauth2/end_session?", provider.addr)),
        "{page}"
    );
    let (status, _) = send(
        &server.addr,
        "GET",
        &format!("/councils/{COUNCIL}/start"),
        &session,
        "",
    );
    assert_eq!(status, 303, "the session has ended");

    // Each change to the settings and links is in the audit trail.
    let log = env.run(&["audit", "log", "--json"]).stdout;
    for action in ["oidc.set", "user.identity"] {
        assert!(log.contains(action), "{action}: {log}");
    }
    assert!(!log.contains(SECRET));
}

#[test]
fn passwords_switched_off_leave_only_break_glass_administrators() {
    let provider = mock_provider();
    let env = council();
    let issuer = format!("http://{}", provider.addr);
    // Only administrators may be break-glass.
    let refused = env.fails(&["user", "break-glass", "ada"], 3);
    assert!(
        refused.says("only an administrator's account"),
        "{}",
        refused.stdout
    );
    env.ok(&["user", "break-glass", "clerk"]);
    set_provider(&env, &issuer, &["--passwords-off"]);
    let server = steward(&env);

    let try_password = |username: &str| {
        let path = format!("/councils/{COUNCIL}/sign-in");
        let (_, page) = send(&server.addr, "GET", &path, "", "");
        let form_cookie = cookie(&page, "steward_form").expect("form cookie");
        let token = page
            .split(r#"name="csrf_token" value=""#)
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("token")
            .to_string();
        send(
            &server.addr,
            "POST",
            &path,
            &form_cookie,
            &format!(
                "csrf_token={token}&username={username}&password={}",
                PASSWORD.replace(' ', "+")
            ),
        )
    };
    let (status, answer) = try_password("clerk");
    assert_eq!(status, 303, "the break-glass administrator: {answer}");
    let (status, answer) = try_password("spare");
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer.contains("signs in with its identity provider, not with passwords"),
        "{answer}"
    );
    let (status, answer) = try_password("ada");
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("not with passwords"), "{answer}");

    // Clearing the settings lets passwords back in.
    env.ok(&["council", "oidc", "clear"]);
    let (status, answer) = try_password("spare");
    assert_eq!(status, 303, "{answer}");
}

#[test]
fn spoiled_id_tokens_are_refused() {
    let provider = forger();
    let env = council();
    let issuer = format!("http://{}", provider.addr);
    let saved = set_provider(&env, &issuer, &["--account-key", "tenant-object"]);
    assert_eq!(saved["account_key"], "tenant_object");
    env.ok(&[
        "user", "identity", "clerk", "--tenant", "tenant-1", "--object", "object-1",
    ]);
    let server = steward(&env);
    let mode = |m: &str| {
        let (status, body) = send(&provider.addr, "GET", &format!("/mode?set={m}"), "", "");
        assert_eq!(status, 200, "{body}");
    };

    // The forger's own good token signs in, so each refusal below is the token's fault.
    mode("good");
    sign_in_at_provider(&server.addr, None).session();

    for spoiled in ["tampered", "wrong-nonce", "wrong-aud", "expired"] {
        mode(spoiled);
        let outcome = sign_in_at_provider(&server.addr, None);
        assert_eq!(outcome.status, 403, "{spoiled}: {}", outcome.answer);
        assert!(
            outcome
                .answer
                .contains("Your sign-in could not be confirmed"),
            "{spoiled}: {}",
            outcome.answer
        );
        assert!(
            cookie(&outcome.answer, "steward_session").is_none(),
            "{spoiled}"
        );
    }

    // Without Entra ID's tenant and object ids nobody is signed in on the subject alone.
    mode("good");
    let (status, _) = send(&provider.addr, "GET", "/mode?roles=Steward.Admin", "", "");
    assert_eq!(status, 200);
    env.ok(&["user", "identity", "clerk", "--clear"]);
    env.ok(&["user", "identity", "clerk", "--subject", "forged-subject"]);
    sign_in_at_provider(&server.addr, None).refused(403, "is not linked to a Steward account");
}

#[test]
fn the_provider_is_asked_for_its_keys_once_and_again_when_it_rotates_them() {
    let provider = forger();
    let env = council();
    let issuer = format!("http://{}", provider.addr);
    set_provider(&env, &issuer, &["--account-key", "tenant-object"]);
    env.ok(&[
        "user", "identity", "clerk", "--tenant", "tenant-1", "--object", "object-1",
    ]);
    let server = steward(&env);
    let counts = || {
        let (status, body) = send(&provider.addr, "GET", "/counts", "", "");
        assert_eq!(status, 200, "{body}");
        let json = body.split("\r\n\r\n").nth(1).expect("a body");
        let counts: serde_json::Value = serde_json::from_str(json).expect("JSON");
        (counts["discovery"].as_u64(), counts["jwks"].as_u64())
    };
    for _ in 0..3 {
        sign_in_at_provider(&server.addr, None).session();
    }
    assert_eq!(counts(), (Some(1), Some(1)), "three sign-ins, one fetch");

    // The provider signs with a new key: the token names a key Steward has not seen, so it
    // fetches once more, and the sign-in goes ahead.
    let (status, _) = send(&provider.addr, "GET", "/mode?rotate=1", "", "");
    assert_eq!(status, 200);
    sign_in_at_provider(&server.addr, None).session();
    assert_eq!(counts(), (Some(2), Some(2)));
    sign_in_at_provider(&server.addr, None).session();
    assert_eq!(counts(), (Some(2), Some(2)), "the new keys are kept");
}
