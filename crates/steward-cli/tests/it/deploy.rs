//! Deployment: HTTPS served directly with a throwaway certificate, and the sign-in throttle
//! keyed on council and the client a trusted proxy names. `nginx.rs` runs the real proxy.

use crate::support::Env;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

pub(crate) const PASSWORD: &str = "plum tuesday lantern 47";

/// A `steward serve` that is killed when the test ends, however it ends.
pub(crate) struct Server {
    child: Child,
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `steward serve` on a port of its choosing with `args`, and reads the address it
/// prints, whichever scheme it names.
pub(crate) fn serve(env: &Env, args: &[&str]) -> Server {
    let mut child = env
        .command()
        .args(["serve", "--listen", "127.0.0.1:0", "--no-sweep"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start server");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("address line");
    let addr = first
        .split("://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .to_string();
    Server { child, addr }
}

/// A self-signed certificate for `localhost` and 127.0.0.1 and its key, made by Debian's
/// openssl, as `NAME.crt` and `NAME.key` in `dir`.
pub(crate) fn certificate(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let (cert, key) = (
        dir.join(format!("{name}.crt")),
        dir.join(format!("{name}.key")),
    );
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args(["-nodes", "-days", "2", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        // A server's certificate, not an authority's, which is what rustls will accept.
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .args(["-addext", "extendedKeyUsage=serverAuth"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl is installed (scripts/prerequisites)");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    (cert, key)
}

/// An answer: its status and its whole text, headers lower-cased by the server or not.
pub(crate) struct Answer {
    pub status: u16,
    pub text: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.text.split("\r\n\r\n").next().unwrap_or_default();
        head.lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_string())
    }

    /// The `name=value` of the cookie `name` the answer sets.
    pub fn cookie(&self, name: &str) -> String {
        let head = self.text.split("\r\n\r\n").next().unwrap_or_default();
        head.lines()
            .filter_map(|l| l.split_once(':'))
            .filter(|(k, _)| k.trim().eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, v)| v.trim().split(';').next())
            .find(|c| c.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} cookie in {}", self.text))
            .to_string()
    }

    /// The sign-in form's hidden token.
    pub fn csrf_token(&self) -> String {
        self.text
            .split(r#"name="csrf_token" value=""#)
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("token")
            .to_string()
    }
}

/// One request on `stream` with the given extra header lines; the answer, read to the end.
pub(crate) fn exchange(
    mut stream: impl Read + Write,
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    form: &str,
) -> Answer {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if method == "POST" {
        head.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            form.len()
        ));
    }
    stream
        .write_all(format!("{head}\r\n{form}").as_bytes())
        .unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            // A peer that closes without TLS's close_notify has still said all it will.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            // A server that will not speak to us (plain HTTP to a TLS port) hangs up.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("reading the answer: {e}"),
        }
    }
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Answer { status, text }
}

/// A TCP connection to `addr` from the loopback address `from` (any of 127.0.0.0/8 will
/// do on Linux), so that one test can be several clients.
pub(crate) fn connect_from(from: &str, addr: &str) -> TcpStream {
    use socket2::{Domain, SockAddr, Socket, Type};
    let to: SocketAddr = addr.parse().unwrap();
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let local: SocketAddr = format!("{from}:0").parse().unwrap();
    socket.bind(&SockAddr::from(local)).unwrap();
    socket.connect(&SockAddr::from(to)).unwrap();
    socket.into()
}

/// A TLS client stream over `tcp` that trusts only `cert`, for the name `localhost`.
pub(crate) fn tls(
    tcp: TcpStream,
    cert: &Path,
) -> rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    use rustls::pki_types::{CertificateDer, pem::PemObject};
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(cert).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = "localhost".try_into().unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    rustls::StreamOwned::new(conn, tcp)
}

/// A council with an administrator, `clerk`, who has the usual password.
fn council_with_clerk(env: &Env, slug: &str) {
    env.ok(&[
        "council",
        "create",
        "--slug",
        slug,
        "--name",
        slug,
        "--preset",
        "town-it-policy",
    ]);
    let made = crate::accounts::create_user(
        env,
        &["--council", slug, "--username", "clerk", "--role", "admin"],
        PASSWORD,
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
}

#[test]
fn serves_https_itself_with_hsts_and_refuses_a_certificate_it_cannot_use() {
    let env = Env::new();
    let dir = env.dir.path();
    let (cert, key) = certificate(dir, "good");
    let (_, other_key) = certificate(dir, "other");
    let path = |p: &Path| p.to_str().unwrap().to_string();
    for (cert, key, says) in [
        (
            path(&cert),
            path(&other_key),
            "does not belong to the certificate",
        ),
        (
            path(&dir.join("missing.crt")),
            path(&key),
            "missing.crt cannot be read",
        ),
        (path(&key), path(&key), "holds no certificate"),
    ] {
        let run = env.run(&[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            &cert,
            "--tls-key",
            &key,
        ]);
        assert_eq!(run.code, 3, "{}", run.stderr);
        assert!(run.stderr.contains(says), "{}", run.stderr);
    }

    council_with_clerk(&env, "dunmere");
    let server = serve(
        &env,
        &["--tls-cert", &path(&cert), "--tls-key", &path(&key)],
    );
    let get = |path: &str| {
        let stream = tls(TcpStream::connect(&server.addr).unwrap(), &cert);
        exchange(stream, &server.addr, "GET", path, &[], "")
    };
    let health = get("/health");
    assert_eq!(health.status, 200, "{}", health.text);
    assert_eq!(
        health.header("strict-transport-security").as_deref(),
        Some("max-age=31536000")
    );
    // A form from the page's own https origin signs in.
    let page = get("/councils/dunmere/sign-in");
    let form = format!(
        "csrf_token={}&username=clerk&password={}",
        page.csrf_token(),
        PASSWORD.replace(' ', "+")
    );
    let origin = format!("https://{}", server.addr);
    let post = |origin: &str| {
        let stream = tls(TcpStream::connect(&server.addr).unwrap(), &cert);
        let cookie = page.cookie("steward_form");
        let headers = [("Cookie", cookie.as_str()), ("Origin", origin)];
        exchange(
            stream,
            &server.addr,
            "POST",
            "/councils/dunmere/sign-in",
            &headers,
            &form,
        )
    };
    let refused = post(&format!("http://{}", server.addr));
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert!(refused.text.contains("Your form has expired"));
    let signed = post(&origin);
    assert_eq!(signed.status, 303, "{}", signed.text);
    // Plain HTTP to the TLS port gets no page.
    let plain = exchange(
        TcpStream::connect(&server.addr).unwrap(),
        &server.addr,
        "GET",
        "/health",
        &[],
        "",
    );
    assert_ne!(plain.status, 200);
}

/// Posts the sign-in form for `council` as the client `address`, through a trusted proxy that
/// names it in X-Forwarded-For; answers the status.
fn sign_in_as(
    server: &Server,
    council: &str,
    address: &str,
    username: &str,
    password: &str,
) -> Answer {
    let path = format!("/councils/{council}/sign-in");
    let forwarded = [("X-Forwarded-For", address)];
    let page = exchange(
        TcpStream::connect(&server.addr).unwrap(),
        &server.addr,
        "GET",
        &path,
        &forwarded,
        "",
    );
    assert_eq!(page.status, 200, "{}", page.text);
    let cookie = page.cookie("steward_form");
    let form = format!(
        "csrf_token={}&username={username}&password={}",
        page.csrf_token(),
        password.replace(' ', "+")
    );
    let headers = [("X-Forwarded-For", address), ("Cookie", cookie.as_str())];
    exchange(
        TcpStream::connect(&server.addr).unwrap(),
        &server.addr,
        "POST",
        &path,
        &headers,
        &form,
    )
}

#[test]
fn a_noisy_address_is_refused_while_others_and_other_councils_still_sign_in() {
    let env = Env::new();
    council_with_clerk(&env, "dunmere");
    council_with_clerk(&env, "fenwold");
    let server = serve(&env, &["--trusted-proxy", "127.0.0.1/32"]);
    let noisy = "203.0.113.9";
    // Others fail now and then, as people do.
    for (i, other) in ["198.51.100.1", "198.51.100.2", "2001:db8::7"]
        .iter()
        .enumerate()
    {
        let answer = sign_in_as(&server, "dunmere", other, &format!("typo{i}"), "wrong");
        assert_eq!(answer.status, 400, "{}", answer.text);
    }
    // Twenty made-up names from one address: then that address is refused, even the right
    // password.
    for i in 0..20 {
        let answer = sign_in_as(&server, "dunmere", noisy, &format!("guess{i}"), "wrong");
        assert_eq!(answer.status, 400, "{}", answer.text);
        assert!(
            answer.text.contains("not right"),
            "attempt {i}: {}",
            answer.text
        );
    }
    let refused = sign_in_as(&server, "dunmere", noisy, "clerk", PASSWORD);
    assert_eq!(refused.status, 400);
    assert!(
        refused
            .text
            .contains("too many failed sign-ins from this address"),
        "{}",
        refused.text
    );
    // Everyone else in that council, and the same address in another council, signs in.
    for other in ["198.51.100.1", "198.51.100.3", "2001:db8::7"] {
        let answer = sign_in_as(&server, "dunmere", other, "clerk", PASSWORD);
        assert_eq!(answer.status, 303, "{other}: {}", answer.text);
    }
    let elsewhere = sign_in_as(&server, "fenwold", noisy, "clerk", PASSWORD);
    assert_eq!(elsewhere.status, 303, "{}", elsewhere.text);
}
