//! `steward filter`: compiling lists, answering Squid's helper protocol, scanning logs.

use crate::support::Env;
use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;

fn lists(env: &Env) -> PathBuf {
    let root = env.dir.path().join("lists");
    for (file, text) in [
        (
            "adult/domains",
            "example.com\nvip.example.com\nnot a host\n",
        ),
        ("gambling/domains", "bet.example\n"),
        ("gambling/urls", "www.shared.example/bets\n"),
        (
            "shopping/hosts",
            "0.0.0.0 shop.example\n127.0.0.1 localhost\n",
        ),
    ] {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    root
}

/// Runs `steward filter squid ARGS` with `input` on standard input.
fn helper(env: &Env, args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = env
        .command()
        .args(["filter", "squid"])
        .args(args)
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
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn compile_reports_entries_and_skipped_lines() {
    let env = Env::new();
    let dir = lists(&env);
    let out = env.dir.path().join("web.idx");
    let json = env.ok(&[
        "filter",
        "compile",
        "--lists",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(json["distinct_domains"], 4);
    assert_eq!(json["skipped_lines"], 1);
    assert_eq!(json["problems"][0]["line"], 3);
    assert!(json["index_bytes"].as_u64().unwrap() > 0);
    let names: Vec<&str> = json["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["adult", "gambling", "shopping"]);

    let human = env.run(&[
        "filter",
        "compile",
        "--lists",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(human.code, 0);
    assert!(
        human.stdout.contains("4 distinct domains"),
        "{}",
        human.stdout
    );
    assert!(human.says("adult/domains:3: "), "{}", human.stderr);
}

#[test]
fn the_helper_blocks_by_lists_in_the_order_given() {
    let env = Env::new();
    let dir = lists(&env);
    let d = dir.to_str().unwrap();
    let input = "0 http://static.example.com/ 10.0.0.1/- - GET\n\
                 1 http://shop.example/basket 10.0.0.1/- ada GET\n\
                 2 http://news.example/ 10.0.0.1/- - GET\n\
                 3 http://shared.example/bets/today 10.0.0.1/- - GET\n\
                 4\n";
    let (code, out, err) = helper(
        &env,
        &[
            "--lists",
            d,
            "--categories",
            "gambling,adult",
            "--block-url",
            "https://steward.example/blocked?c={category}&u={url}",
        ],
        input,
    );
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "0 OK status=302 url=\"https://steward.example/blocked?c=adult&u=http%3A%2F%2Fstatic.example.com%2F\" cat=adult",
            "1 ERR",
            "2 ERR",
            "3 OK status=302 url=\"https://steward.example/blocked?c=gambling&u=http%3A%2F%2Fshared.example%2Fbets%2Ftoday\" cat=gambling",
            "4 BH message=\"empty request: expected a URL\"",
        ]
    );
}

#[test]
fn the_helper_judges_by_a_policy_and_speaks_the_acl_protocol() {
    let env = Env::new();
    let dir = lists(&env);
    let d = dir.to_str().unwrap();
    // Gambling is blocked at any time by city-aup, with the clause named.
    let (code, out, err) = helper(
        &env,
        &["--lists", d, "--policy", "city-aup", "--protocol", "acl"],
        "10.0.0.1 - http://bet.example/\n10.0.0.1 - http://example.com/\n",
    );
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "OK tag=gambling log=gambling message=\"Blocked: gambling (\u{201c}Internet use\u{201d})\" cat=gambling clause=\"Internet use\""
    );
    assert_eq!(
        lines[1],
        "OK tag=adult log=adult message=\"Blocked: adult (\u{201c}Internet use\u{201d})\" cat=adult clause=\"Internet use\""
    );
}

#[test]
fn the_helper_refuses_bad_options_at_start() {
    let env = Env::new();
    let dir = lists(&env);
    let d = dir.to_str().unwrap();
    let (code, _, err) = helper(&env, &["--lists", d, "--categories", "games"], "");
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("no category \"games\""), "{err}");
    let (code, _, err) = helper(&env, &["--lists", d, "--block-url", "http://x/{nope}"], "");
    assert_eq!(code, 3, "{err}");
    let (code, _, err) = helper(&env, &["--index", "/nonexistent/web.idx"], "");
    assert_eq!(code, 4, "{err}");
    let (code, _, _) = helper(&env, &[], "");
    assert_eq!(code, 2);
}

#[test]
fn scan_sums_findings_per_person_category_and_day() {
    let env = Env::new();
    let dir = lists(&env);
    let log = "\
1767225600.002   1248 10.2.11.10 TCP_MISS/200 65 GET http://www.bet.example/a u1 HIER_DIRECT/1.2.3.4 text/html
1767225660.002     12 10.2.11.10 TCP_MISS/200 65 GET http://www.bet.example/b u1 HIER_DIRECT/1.2.3.4 text/html
1767225700.002   1248 10.2.11.10 TCP_MISS/200 65 GET http://news.example/ u1 HIER_DIRECT/1.2.3.4 text/html
not a log line
10.0.0.9 - - [01/Jan/2026:00:10:00 +0000] \"GET http://a.vip.example.com/ HTTP/1.1\" 200 5 \"-\" \"UA\" TCP_MISS:HIER_DIRECT
";
    let plain = env.file("access.log", log);
    let json = env.ok(&[
        "filter",
        "scan",
        plain.to_str().unwrap(),
        "--lists",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(json["lines"], 5);
    assert_eq!(json["matched"], 3);
    assert_eq!(json["malformed"], 1);
    assert_eq!(json["problems"][0]["line"], 4);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[0]["person"], "10.0.0.9");
    assert_eq!(findings[0]["category"], "adult");
    assert_eq!(findings[1]["person"], "u1");
    assert_eq!(findings[1]["count"], 2);
    assert_eq!(findings[1]["day"], "2026-01-01");
    assert_eq!(findings[1]["samples"].as_array().unwrap().len(), 2);

    let human = env.run(&[
        "filter",
        "scan",
        plain.to_str().unwrap(),
        "--lists",
        dir.to_str().unwrap(),
        "--format",
        "squid",
    ]);
    assert_eq!(human.code, 0);
    assert!(
        human.stdout.contains("u1      gambling  2026-01-01  2"),
        "{}",
        human.stdout
    );
    assert!(human.says("access.log:4: "), "{}", human.stderr);
}

#[test]
fn the_helper_reloads_its_lists_on_hangup_without_dropping_requests() {
    use std::io::{BufRead, BufReader};
    use std::time::{Duration, Instant};
    let env = Env::new();
    let dir = lists(&env);
    let mut child = env
        .command()
        .args(["filter", "squid", "--lists", dir.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let mut output = BufReader::new(child.stdout.take().unwrap());
    let mut ask = |n: usize| {
        writeln!(input, "{n} http://news.example/ 10.0.0.1/- - GET").unwrap();
        let mut reply = String::new();
        output.read_line(&mut reply).unwrap();
        assert!(reply.starts_with(&format!("{n} ")), "{reply}");
        reply
    };
    assert_eq!(ask(0), "0 ERR\n");
    std::fs::write(dir.join("adult/domains"), "news.example\n").unwrap();
    let pid = child.id().to_string();
    let hup = std::process::Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .unwrap();
    assert!(hup.success());
    // Every request is answered while the reload runs; the new lists apply once it is done.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut n = 1;
    loop {
        let reply = ask(n);
        if reply.contains("cat=adult") {
            break;
        }
        assert_eq!(reply, format!("{n} ERR\n"));
        assert!(Instant::now() < deadline, "the reload did not take effect");
        n += 1;
    }
    drop(input);
    assert!(child.wait().unwrap().success());
}
