//! Squid itself, on loopback, with the web filter as its url_rewrite helper, configured by the
//! fragment docs/web-filter.md gives (so the documentation is what is tested).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const GUIDE: &str = include_str!("../../../../docs/web-filter.md");
const MARKER: &str = "<!-- squid.conf fragment:";

/// The first ```squid block after the marker in the guide.
fn fragment() -> String {
    let after = GUIDE
        .split(MARKER)
        .nth(1)
        .expect("marker in docs/web-filter.md");
    let block = after
        .split("```squid\n")
        .nth(1)
        .expect("squid block after marker");
    block.split("```").next().unwrap().to_string()
}

fn squid_binary() -> PathBuf {
    for dir in ["/usr/sbin", "/usr/local/sbin", "/usr/bin"] {
        let p = Path::new(dir).join("squid");
        if p.is_file() {
            return p;
        }
    }
    panic!("Squid is not installed; this test runs the real proxy: apt-get install squid");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Kills the process when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A tiny origin server: answers every request with a fixed page, until the test ends.
fn origin() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            let mut seen = Vec::new();
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            let body = "origin reached";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

fn wait_for_port(port: u16, squid: &mut Running, dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = squid.0.try_wait() {
            let log = std::fs::read_to_string(dir.join("cache.log")).unwrap_or_default();
            panic!("squid exited with {status} before listening:\n{log}");
        }
        std::thread::yield_now();
    }
    let log = std::fs::read_to_string(dir.join("cache.log")).unwrap_or_default();
    panic!("squid did not listen on {port} within 30 s:\n{log}");
}

/// Sends one request through the proxy; returns the status line and headers and the body.
fn through_proxy(proxy: u16, url: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", proxy)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let host = url.split('/').nth(2).unwrap();
    write!(
        stream,
        "GET {url} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn squid_sends_blocked_sites_to_the_block_page_and_lets_others_through() {
    let squid = squid_binary();
    let steward = env!("CARGO_BIN_EXE_steward");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Squid drops root for its own user, which must reach the logs and the index.
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o777)).unwrap();

    let lists = root.join("lists");
    std::fs::create_dir_all(lists.join("adult")).unwrap();
    std::fs::create_dir_all(lists.join("gambling")).unwrap();
    std::fs::write(lists.join("adult/domains"), "blocked.test\n").unwrap();
    std::fs::write(lists.join("gambling/urls"), "allowed.test/betting\n").unwrap();
    let index = root.join("web-filter.idx");
    let compiled = Command::new(steward)
        .args(["filter", "compile", "--lists"])
        .arg(&lists)
        .arg("--out")
        .arg(&index)
        .output()
        .unwrap();
    assert!(compiled.status.success(), "{compiled:?}");
    std::fs::set_permissions(&index, std::fs::Permissions::from_mode(0o644)).unwrap();

    let origin_port = origin();
    let proxy_port = free_port();
    std::fs::write(
        root.join("hosts"),
        "127.0.0.1 allowed.test www.blocked.test\n",
    )
    .unwrap();
    let fragment = fragment()
        .replace("/usr/local/bin/steward", steward)
        .replace("/var/lib/steward/web-filter.idx", index.to_str().unwrap());
    assert!(fragment.contains(steward), "{fragment}");
    let d = root.display();
    let conf = format!(
        "http_port 127.0.0.1:{proxy_port}\n\
         pid_filename {d}/squid.pid\n\
         cache_log {d}/cache.log\n\
         access_log stdio:{d}/access.log squid\n\
         coredump_dir {d}\n\
         cache deny all\n\
         cache_mem 8 MB\n\
         hosts_file {d}/hosts\n\
         dns_nameservers 127.0.0.1\n\
         pinger_enable off\n\
         netdb_filename none\n\
         shutdown_lifetime 0 seconds\n\
         acl tester src 127.0.0.1/32\n\
         http_access allow tester\n\
         http_access deny all\n\
         {fragment}\n"
    );
    std::fs::write(root.join("squid.conf"), conf).unwrap();
    let mut running = Running(
        Command::new(&squid)
            .args(["-N", "-f"])
            .arg(root.join("squid.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_port(proxy_port, &mut running, root);

    let blocked = through_proxy(
        proxy_port,
        &format!("http://www.blocked.test:{origin_port}/page?x=1"),
    );
    let status = blocked.lines().next().unwrap_or_default();
    assert!(status.contains(" 302 "), "{blocked}");
    let location = blocked
        .lines()
        .find_map(|l| l.strip_prefix("Location: "))
        .unwrap_or_else(|| panic!("no Location in {blocked}"));
    assert_eq!(
        location,
        format!(
            "https://steward.example/councils/dunmere/blocked?category=adult\
             &url=http%3A%2F%2Fwww.blocked.test%3A{origin_port}%2Fpage%3Fx%3D1"
        )
    );

    let by_url = through_proxy(
        proxy_port,
        &format!("http://allowed.test:{origin_port}/betting/today"),
    );
    assert!(by_url.contains(" 302 "), "{by_url}");
    assert!(by_url.contains("category=gambling"), "{by_url}");

    let allowed = through_proxy(
        proxy_port,
        &format!("http://allowed.test:{origin_port}/bettingtips"),
    );
    assert!(allowed.starts_with("HTTP/1.1 200"), "{allowed}");
    assert!(allowed.ends_with("origin reached"), "{allowed}");
}
