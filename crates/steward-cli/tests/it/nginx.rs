//! Debian's nginx on loopback, holding the TLS certificate, in front of `steward serve
//! --trusted-proxy 127.0.0.1/32`, configured by the server block docs/deployment.md gives (so
//! the documentation is what is tested). The client's address and its https scheme arrive.

use crate::deploy::{Answer, PASSWORD, certificate, connect_from, exchange, serve, tls};
use crate::support::Env;
use sqlx::Row;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const GUIDE: &str = include_str!("../../../../docs/deployment.md");
const MARKER: &str = "<!-- nginx server block:";

/// The first ```nginx block after the marker in the guide.
fn server_block() -> String {
    let after = GUIDE
        .split(MARKER)
        .nth(1)
        .expect("marker in docs/deployment.md");
    let block = after
        .split("```nginx\n")
        .nth(1)
        .expect("nginx block after marker");
    block.split("```").next().unwrap().to_string()
}

/// `text` with `from` replaced, which must be there.
fn swap(text: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "the guide's server block lacks {from:?}"
    );
    text.replace(from, to)
}

fn nginx_binary() -> PathBuf {
    let p = Path::new("/usr/sbin/nginx");
    assert!(
        p.is_file(),
        "nginx is not installed; this test runs the real proxy: apt-get install nginx"
    );
    p.to_path_buf()
}

/// A port free now: bound, noted and released, since nginx cannot be told to take port 0.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Kills nginx when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts nginx in the foreground, in one process, with everything it writes under `dir`.
fn start_nginx(dir: &Path, port: u16, cert: &Path, key: &Path, upstream: &str) -> Running {
    let block = server_block();
    let block = swap(
        &block,
        "listen 443 ssl;",
        &format!("listen 127.0.0.1:{port} ssl;"),
    );
    let block = swap(
        &block,
        "/etc/ssl/steward/fullchain.pem",
        cert.to_str().unwrap(),
    );
    let block = swap(
        &block,
        "/etc/ssl/steward/privkey.pem",
        key.to_str().unwrap(),
    );
    let block = swap(
        &block,
        "http://127.0.0.1:8080",
        &format!("http://{upstream}"),
    );
    let d = dir.display();
    let conf = format!(
        "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
           fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
         {block}\n}}\n"
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    let child = Command::new(nginx_binary())
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&path)
        .arg("-e")
        .arg(dir.join("error.log"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nginx");
    let mut nginx = Running(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        let log = || std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
        if let Ok(Some(status)) = nginx.0.try_wait() {
            panic!("nginx exited with {status} before listening:\n{}", log());
        }
        assert!(
            Instant::now() < deadline,
            "nginx did not listen on {port}:\n{}",
            log()
        );
        std::thread::yield_now();
    }
    nginx
}

/// The addresses sign-in failures were filed under.
fn failure_addresses(env: &Env) -> Vec<String> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&env.db.url).await.unwrap();
        let rows = sqlx::query("SELECT address FROM sign_in_failures ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
        pool.close().await;
        rows.iter().map(|r| r.get::<String, _>(0)).collect()
    })
}

#[test]
fn behind_nginx_the_client_address_and_https_arrive() {
    let env = Env::new();
    env.ok(&[
        "council",
        "create",
        "--slug",
        "dunmere",
        "--name",
        "Dunmere",
        "--preset",
        "town-it-policy",
    ]);
    let steward = serve(&env, &["--trusted-proxy", "127.0.0.1/32"]);
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = certificate(dir.path(), "proxy");
    let port = free_port();
    let _nginx = start_nginx(dir.path(), port, &cert, &key, &steward.addr);
    let site = format!("127.0.0.1:{port}");
    let host = format!("localhost:{port}");
    // The client is 127.0.0.2: not the proxy, so it is the address Steward sees.
    let ask = |method: &str, path: &str, headers: &[(&str, &str)], form: &str| -> Answer {
        let stream = tls(connect_from("127.0.0.2", &site), &cert);
        exchange(stream, &host, method, path, headers, form)
    };

    let page = ask("GET", "/councils/dunmere/sign-in", &[], "");
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(
        page.header("strict-transport-security").as_deref(),
        Some("max-age=31536000"),
        "{}",
        page.text
    );
    let cookie = page.cookie("steward_form");
    let form = format!(
        "csrf_token={}&username=nobody&password={}",
        page.csrf_token(),
        PASSWORD.replace(' ', "+")
    );
    // The page's origin is https://localhost:PORT: Steward hears the scheme from nginx, so a
    // post claiming the plain-HTTP origin is cross-origin.
    let http_origin = format!("http://{host}");
    let wrong = ask(
        "POST",
        "/councils/dunmere/sign-in",
        &[("Cookie", &cookie), ("Origin", &http_origin)],
        &form,
    );
    assert_eq!(wrong.status, 403, "{}", wrong.text);
    // From the right origin, with an X-Forwarded-For of the client's own making: the failure is
    // filed under the address nginx saw, not the one the client wrote.
    let https_origin = format!("https://{host}");
    let failed = ask(
        "POST",
        "/councils/dunmere/sign-in",
        &[
            ("Cookie", &cookie),
            ("Origin", &https_origin),
            ("X-Forwarded-For", "198.51.100.1"),
        ],
        &form,
    );
    assert_eq!(failed.status, 400, "{}", failed.text);
    assert!(failed.text.contains("not right"), "{}", failed.text);
    assert_eq!(failure_addresses(&env), vec!["127.0.0.2".to_string()]);
}
