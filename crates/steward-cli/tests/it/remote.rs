//! Commands sent to a server with `--server` print what they print on a database and exit
//! with the same code: two registers made the same way, one used directly and one through
//! its server.

use crate::api::{Server, Town, token, town};
use crate::support::{Env, Run};
use serde_json::Value;

const DAY: &str = "2027-01-05";

/// The same register twice: one read directly, one served.
struct Pair {
    here: Town,
    there: Town,
    server: Server,
    secret: String,
}

impl Pair {
    fn new() -> Pair {
        Pair::acting_as("dot", "officer")
    }

    /// Both registers, with a token for `username` in `role` made on each so that their
    /// audit trails stay the same; the server's is the one used.
    fn acting_as(username: &str, role: &str) -> Pair {
        let here = town();
        let there = town();
        token(&here.env, username, role);
        let secret = token(&there.env, username, role);
        let server = Server::start(&there.env, DAY);
        Pair {
            here,
            there,
            server,
            secret,
        }
    }

    /// The server's address, without the API's path.
    fn address(&self) -> String {
        self.server.base.trim_end_matches("/api/v1").to_string()
    }

    fn local(&self, args: &[&str]) -> Run {
        let mut all = args.to_vec();
        all.extend(["--as-of", DAY]);
        self.here.env.run(&all)
    }

    fn remote_with(&self, args: &[&str], token: &str) -> Run {
        let address = self.address();
        let mut all = args.to_vec();
        all.extend(["--as-of", DAY, "--server", &address]);
        run(&self.there.env, &all, token)
    }

    fn remote(&self, args: &[&str]) -> Run {
        self.remote_with(args, &self.secret)
    }

    /// Runs `args` both ways and checks that they print and exit the same; answers the code.
    fn same(&self, args: &[&str]) -> i32 {
        let here = self.local(args);
        let there = self.remote(args);
        assert_eq!(
            here.stdout, there.stdout,
            "steward {args:?}: standard output differs\nstderr here: {}\nstderr there: {}",
            here.stderr, there.stderr
        );
        assert_eq!(
            here.stderr, there.stderr,
            "steward {args:?}: standard error differs"
        );
        assert_eq!(here.code, there.code, "steward {args:?}: exit codes differ");
        here.code
    }

    /// The same in both kinds of output.
    fn same_both(&self, args: &[&str]) -> i32 {
        let code = self.same(args);
        let mut json = args.to_vec();
        json.push("--json");
        assert_eq!(
            self.same(&json),
            code,
            "steward {args:?}: --json exits otherwise"
        );
        code
    }

    /// Runs `args` on the served database directly and through its server, in both kinds of
    /// output, and checks that they print and exit the same: for what the server itself
    /// wrote with its own clock.
    fn same_served(&self, args: &[&str]) -> i32 {
        let mut codes = Vec::new();
        for json in [false, true] {
            let mut all = args.to_vec();
            if json {
                all.push("--json");
            }
            let mut direct = all.clone();
            direct.extend(["--as-of", DAY]);
            let here = self.there.env.run(&direct);
            let there = self.remote(&all);
            assert_eq!(
                here.stdout, there.stdout,
                "steward {all:?}: standard output differs\nstderr here: {}\nstderr there: {}",
                here.stderr, there.stderr
            );
            assert_eq!(here.stderr, there.stderr, "steward {all:?}: stderr differs");
            assert_eq!(here.code, there.code, "steward {all:?}: exit codes differ");
            codes.push(here.code);
        }
        assert_eq!(
            codes[0], codes[1],
            "steward {args:?}: --json exits otherwise"
        );
        codes[0]
    }

    /// Runs `args` both ways with `--json`: both succeed, and `data` agrees at each of
    /// `fields` (records made on the server carry its clock's time, so not everything can).
    fn same_data(&self, args: &[&str], fields: &[&str]) -> (Value, Value) {
        let mut json = args.to_vec();
        json.push("--json");
        let (here, there) = (self.local(&json), self.remote(&json));
        assert_eq!(here.code, 0, "steward {args:?} here: {}", here.stdout);
        assert_eq!(there.code, 0, "steward {args:?} there: {}", there.stdout);
        let (here, there) = (here.json(), there.json());
        for field in fields {
            assert_eq!(
                here["data"].pointer(field),
                there["data"].pointer(field),
                "steward {args:?}: {field} differs\nhere: {here}\nthere: {there}"
            );
        }
        assert_eq!(here["command"], there["command"]);
        (here, there)
    }
}

/// Runs `cmd` with a password on its standard input; answers what it printed, after checking
/// that it succeeded.
fn with_stdin(cmd: &mut std::process::Command) -> String {
    use std::io::Write;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run steward");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(format!("{}\n", crate::api::PASSWORD).as_bytes())
        .expect("write the password");
    drop(stdin);
    let out = child.wait_with_output().expect("run steward");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn run(env: &Env, args: &[&str], token: &str) -> Run {
    // No database to fall back on: whatever is printed came from the server.
    let out = env
        .command()
        .env("STEWARD_DB", "sqlite:///nonexistent/steward.db")
        .env("STEWARD_TOKEN", token)
        .args(args)
        .output()
        .expect("run steward");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn commands_through_the_api_print_and_exit_as_on_the_database() {
    let p = Pair::new();
    assert_eq!(p.same_both(&["person", "list"]), 0);
    assert_eq!(p.same_both(&["person", "list", "--limit", "2"]), 0);
    assert_eq!(p.same_both(&["person", "show", "M1"]), 0);
    assert_eq!(p.same_both(&["equipment", "list"]), 0);
    let add = [
        "person",
        "add",
        "--ref",
        "M4",
        "--name",
        "Di Vane",
        "--kind",
        "councillor",
    ];
    assert_eq!(p.same(&[&add[..], &["--json"]].concat()), 0);
    let add = [
        "person",
        "add",
        "--ref",
        "M5",
        "--name",
        "Ed Vane",
        "--kind",
        "councillor",
    ];
    assert_eq!(p.same(&add), 0);
    let item = [
        "equipment",
        "add",
        "--tag",
        "TAB-1",
        "--kind",
        "tablet",
        "--model",
        "iPad",
        "--cost",
        "399.99",
    ];
    assert_eq!(p.same(&[&item[..], &["--json"]].concat()), 0);

    // A loan, and one the policy refuses with the same reasons and clauses.
    assert_eq!(p.same(&["loan", "issue", "M1", "LAP-1", "--json"]), 0);
    assert_eq!(p.same_both(&["loan", "check", "M2", "LAP-2"]), 5);
    assert_eq!(p.same_both(&["loan", "issue", "M2", "LAP-2"]), 5);
    let refused = p.remote(&["loan", "issue", "M2", "LAP-2", "--json"]);
    assert_eq!(refused.json()["error"]["kind"], "refused");
    assert!(!crate::support::refusals(&refused).is_empty());
    assert_eq!(p.same_both(&["loan", "list"]), 0);
    assert_eq!(p.same_both(&["loan", "show", "1"]), 0);
    assert_eq!(p.same_both(&["due"]), 0);
    assert_eq!(p.same_both(&["loan", "recall", "1", "--by", "S1"]), 5);
    assert_ne!(p.same_both(&["loan", "charge", "1"]), 0);
    assert_eq!(p.same(&["loan", "return", "1", "--json"]), 0);

    // Not found, invalid and conflicting input, found by the server or before asking it.
    assert_eq!(p.same_both(&["loan", "show", "99"]), 4);
    assert_eq!(p.same_both(&["person", "show", "NOBODY"]), 4);
    assert_eq!(p.same_both(&["loan", "return", "99"]), 4);
    assert_eq!(p.same_both(&["person", "list", "--sort", "height"]), 3);
    assert_eq!(
        p.same_both(&[
            "person",
            "add",
            "--ref",
            "M 6",
            "--name",
            "X",
            "--kind",
            "councillor"
        ]),
        3
    );
    let late = [
        "person",
        "add",
        "--ref",
        "M7",
        "--name",
        "Fay Vane",
        "--kind",
        "councillor",
        "--term-start",
        "2027-01-01",
        "--term-end",
        "2026-01-01",
    ];
    assert_eq!(p.same_both(&late), 3);
    assert_eq!(
        p.same_both(&[
            "person",
            "add",
            "--ref",
            "M1",
            "--name",
            "Again",
            "--kind",
            "councillor"
        ]),
        6
    );
    let run = p.remote(&[
        "person",
        "add",
        "--ref",
        "M1",
        "--name",
        "Again",
        "--kind",
        "councillor",
        "--json",
    ]);
    assert_eq!(run.json()["error"]["field"], "reference");
}

#[test]
fn a_refused_token_an_absent_server_and_local_commands_say_so() {
    let p = Pair::new();
    let refused = p.remote_with(&["person", "list"], "stw_not-a-token");
    assert_eq!(refused.code, 8, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("the token was refused"),
        "{}",
        refused.stderr
    );
    assert!(refused.stdout.is_empty());

    let none = p.remote_with(&["person", "list", "--json"], "");
    assert_eq!(none.code, 2);
    assert_eq!(none.json()["error"]["kind"], "usage");
    assert!(none.says("STEWARD_TOKEN"));

    // The token can come from a file instead.
    let file = p.there.env.file("token", &format!("{}\n", p.secret));
    let address = p.address();
    let args = [
        "person",
        "list",
        "--server",
        &address,
        "--token-file",
        file.to_str().unwrap(),
        "--as-of",
        DAY,
    ];
    let from_file = run(&p.there.env, &args, "");
    assert_eq!(from_file.code, 0, "{}", from_file.stderr);
    assert_eq!(from_file.stdout, p.local(&["person", "list"]).stdout);

    let absent = run(
        &p.there.env,
        &["person", "list", "--server", "http://127.0.0.1:9", "--json"],
        &p.secret,
    );
    assert_eq!(absent.code, 1);
    assert!(
        absent.says("could not reach http://127.0.0.1:9"),
        "{}",
        absent.stdout
    );

    for local in [&["council", "list"][..], &["sweep"], &["serve"], &["demo"]] {
        let refused = p.remote(local);
        assert_eq!(refused.code, 2, "{local:?}: {}", refused.stderr);
        let name = local.join(" ");
        assert!(
            refused
                .stderr
                .contains(&format!("`steward {name}` works only on a database")),
            "{}",
            refused.stderr
        );
    }
}

#[test]
fn policy_audit_accounts_reports_and_the_outbox_through_the_api() {
    let p = Pair::acting_as("clerk", "admin");
    assert_eq!(p.same_both(&["policy", "show"]), 0);
    assert_eq!(p.same_both(&["policy", "show", "--text"]), 0);
    assert_eq!(p.same_both(&["policy", "show", "--version", "1"]), 0);
    assert_eq!(p.same_both(&["policy", "show", "--version", "9"]), 4);
    assert_eq!(p.same_both(&["policy", "versions"]), 0);
    // Presets are this machine's own.
    assert_eq!(p.same_both(&["policy", "list"]), 0);

    // The chain holds the same records on both, so its check says the same.
    assert_eq!(p.same_served(&["audit", "verify"]), 0);
    let verified = p.remote(&["audit", "verify", "--json"]).json();
    assert_eq!(verified["data"]["ok"], true);
    assert!(
        verified["data"]["records"].as_i64().unwrap() > 10,
        "{verified}"
    );
    assert_eq!(p.same_both(&["audit", "log", "--limit", "4"]), 0);
    assert_eq!(p.same_served(&["audit", "log", "--limit", "300"]), 0);
    assert_eq!(
        p.same_served(&[
            "audit", "log", "--limit", "3", "--entity", "person", "--desc"
        ]),
        0
    );
    let from = ["audit", "log", "--from", DAY, "--to", DAY, "--by", "clerk"];
    assert_eq!(p.same_served(&from), 0);
    assert_eq!(p.same_both(&["audit", "log", "--cursor", "nonsense"]), 3);
    // An export through the API holds the same lines as one from the database, and verifies.
    let direct = p
        .there
        .env
        .run(&["audit", "export", "--out", "direct.jsonl", "--as-of", DAY]);
    assert_eq!(direct.code, 0, "{}", direct.stderr);
    let served = p.remote(&["audit", "export", "--out", "served.jsonl", "--json"]);
    assert_eq!(served.code, 0, "{}", served.stdout);
    assert_eq!(
        served.json()["data"]["head_seq"],
        served.json()["data"]["records"]
    );
    let dir = p.there.env.dir.path();
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let (direct, served) = (read("direct.jsonl"), read("served.jsonl"));
    // The server may note more after the first export; the earlier lines are the same.
    assert!(served.starts_with(&direct), "the exports differ");
    let checked = p
        .there
        .env
        .run(&["audit", "verify", "--file", "served.jsonl"]);
    assert_eq!(checked.code, 0, "{}", checked.stderr);
    let checkpoints = p.remote(&["audit", "verify", "--checkpoints", "cp"]);
    assert_eq!(checkpoints.code, 2, "{}", checkpoints.stderr);

    // Tokens and accounts, as an administrator.
    let made = [
        "token",
        "create",
        "--username",
        "dot",
        "--role",
        "officer",
        "--name",
        "scripts",
    ];
    let (_, there) = p.same_data(&made, &["/token/id", "/token/name", "/token/role"]);
    assert!(
        there["data"]["secret"]
            .as_str()
            .unwrap()
            .starts_with("stw_")
    );
    assert_eq!(p.same_served(&["token", "list", "--search", "scripts"]), 0);
    assert_eq!(p.same_both(&["token", "list", "--status", "gone"]), 3);
    let id = there["data"]["token"]["id"].to_string();
    assert_eq!(p.same(&["token", "revoke", &id]), 0);
    assert_eq!(p.same_both(&["token", "revoke", "999"]), 4);
    assert_eq!(p.same_served(&["user", "list"]), 0);
    assert_eq!(p.same_served(&["user", "list", "--role", "member"]), 0);
    p.same_data(
        &["user", "disable", "ada"],
        &["/user/username", "/user/disabled", "/sessions_ended"],
    );
    assert_eq!(p.same(&["user", "enable", "ada"]), 0);
    assert_eq!(p.same_both(&["user", "enable", "nobody"]), 4);
    // A new account with a temporary password read from standard input, both ways.
    let create = [
        "user",
        "create",
        "--username",
        "newby",
        "--role",
        "officer",
        "--person",
        "S1",
        "--password-stdin",
        "--temporary",
    ];
    let here = with_stdin(p.here.env.command().args(create).args(["--as-of", DAY]));
    let address = p.address();
    let there = with_stdin(
        p.there
            .env
            .command()
            .env("STEWARD_DB", "sqlite:///nonexistent/steward.db")
            .env("STEWARD_TOKEN", &p.secret)
            .args(create)
            .args(["--as-of", DAY, "--server", &address]),
    );
    assert_eq!(here, there);
    assert!(
        here.starts_with("Created officer account newby acting as S1"),
        "{here}"
    );
    let permanent = p.remote(&create[..create.len() - 1]);
    assert_eq!(permanent.code, 2, "{}", permanent.stderr);

    // Reports, the outbox and signatures.
    for name in ["overdue", "signatures", "equipment", "requests"] {
        assert_eq!(p.same_both(&["report", name]), 0, "{name}");
    }
    assert_eq!(p.same(&["report", "signatures", "--csv"]), 0);
    assert_eq!(p.same_both(&["report", "weather"]), 3);
    assert_eq!(p.same_both(&["outbox", "list"]), 0);
    assert_eq!(p.same_both(&["outbox", "show", "99"]), 4);
    assert_eq!(p.same_both(&["acceptance", "list"]), 0);
    assert_eq!(
        p.same_both(&["acceptance", "list", "--outstanding", "--limit", "2"]),
        0
    );
    let paper = [
        "acceptance",
        "record-paper",
        "M3",
        "--signed-on",
        DAY,
        "--recorded-by",
        "S1",
    ];
    // The town's policy asks for no signature, whichever way the form comes in.
    assert_eq!(p.same_both(&paper), 5);
}

#[test]
fn requests_cases_and_information_requests_through_the_api() {
    let p = Pair::new();
    let raise = [
        "request",
        "raise",
        "--as",
        "dot",
        "--kind",
        "software_install",
        "--for",
        "M1",
        "--equipment",
        "LAP-1",
        "--software",
        "Zoom",
        "--summary",
        "For remote meetings",
    ];
    let (_, there) = p.same_data(&raise, &["/id", "/kind", "/state", "/handler"]);
    assert!(!there["decision"]["citation"].is_null(), "{there}");
    assert_eq!(p.same_served(&["request", "list", "--as", "dot"]), 0);
    assert_eq!(
        p.same_both(&["request", "list", "--as", "dot", "--state", "nonsense"]),
        3
    );
    assert_eq!(p.same_both(&["request", "show", "99", "--as", "dot"]), 4);
    p.same_data(
        &[
            "request",
            "comment",
            "1",
            "Replaced the cable",
            "--as",
            "dot",
        ],
        &["/text"],
    );
    p.same_data(
        &["request", "assign", "1", "--as", "dot"],
        &["/state", "/assignee_id"],
    );
    assert_eq!(p.same_served(&["request", "show", "1", "--as", "dot"]), 0);
    assert_eq!(p.same(&["request", "assign", "1", "--as", "dot"]), 0);
    // It waits for approval, so it cannot be resolved yet; a conflict either way.
    let resolve = [
        "request",
        "resolve",
        "1",
        "--outcome",
        "Installed",
        "--as",
        "dot",
    ];
    assert_eq!(p.same_both(&resolve), 6);
    p.same_data(&["request", "withdraw", "1", "--as", "dot"], &["/state"]);
    assert_ne!(p.same_both(&["request", "withdraw", "1", "--as", "dot"]), 0);
    let recall = [
        "request",
        "raise",
        "--as",
        "dot",
        "--kind",
        "recall",
        "--summary",
        "x",
    ];
    assert_eq!(p.same_both(&recall), 3);

    // A report of misuse opens a case where the policy sends it.
    let misuse = [
        "request",
        "raise",
        "--as",
        "dot",
        "--kind",
        "misuse_by_others",
        "--summary",
        "Gambling sites on a council laptop",
    ];
    assert_eq!(p.same_both(&misuse), 0);
    assert_eq!(p.same_served(&["case", "list", "--as", "dot"]), 0);
    assert_eq!(
        p.same_both(&["case", "list", "--as", "dot", "--state", "lost"]),
        3
    );
    let concern = [
        "case",
        "raise",
        "--as",
        "dot",
        "--anonymous",
        "--summary",
        "Shared passwords",
    ];
    assert_eq!(p.same_both(&concern), 0);
    assert_eq!(p.same_both(&["case", "show", "99", "--as", "dot"]), 4);

    // Information requests.
    let add = [
        "foi",
        "add",
        "--as",
        "dot",
        "--requester",
        "A Journalist",
        "--summary",
        "Laptop spending",
        "--received",
        "2027-01-04",
    ];
    // Its words are the same; its record notes the server's clock and the token's account.
    assert_eq!(p.same(&add), 0);
    assert_eq!(p.same_served(&["foi", "list", "--as", "dot"]), 0);
    assert_eq!(p.same_both(&["sar", "list", "--as", "dot"]), 0);
    let list = p.local(&["foi", "list", "--as", "dot", "--json"]).json();
    let key = list["data"][0]["reference"].as_str().unwrap().to_string();
    assert_eq!(p.same_served(&["foi", "show", &key, "--as", "dot"]), 0);
    // A FOI request is not a subject access request, and nothing is written.
    assert_eq!(p.same_both(&["sar", "show", &key, "--as", "dot"]), 2);
    let pause = [
        "sar",
        "pause",
        &key,
        "--as",
        "dot",
        "--asked-on",
        "2027-01-05",
    ];
    assert_eq!(p.same_both(&pause), 2);
    let pause = [
        "foi",
        "pause",
        &key,
        "--as",
        "dot",
        "--asked-on",
        "2027-01-05",
    ];
    assert_eq!(p.same(&pause), 0);
    assert_eq!(p.same_served(&["foi", "show", &key, "--as", "dot"]), 0);
    assert_eq!(p.same_both(&["foi", "show", "FOI-9", "--as", "dot"]), 4);
}

#[test]
fn corrections_imports_offices_and_leavers_through_the_api() {
    let p = Pair::new();
    for env in [&p.here.env, &p.there.env] {
        env.file(
            "people.csv",
            "reference,name,kind,household\nM7,Eve Holt,councillor,H7\nM8,Fay Holt,councillor,H7\n",
        );
        env.file("bad.csv", "reference,name,kind\nM9,,wizard\n");
        env.file(
            "items.csv",
            "asset_tag,kind,model,replacement_cost\nTAB-7,tablet,iPad,399\n",
        );
        env.file(
            "leavers.csv",
            "reference,left_on,reason\nM8,2027-01-05,stood_down\n",
        );
        env.file(
            "leavers3.csv",
            "reference,left_on,reason\nM3,2027-01-05,stood_down\n",
        );
    }
    assert_eq!(p.same(&["person", "import", "people.csv", "--json"]), 0);
    // The same rows again clash with those registered: refused, nothing imported.
    assert_eq!(p.same_both(&["person", "import", "people.csv"]), 3);
    // A mistaken file is refused naming its lines, before anything is sent.
    assert_eq!(p.same_both(&["person", "import", "bad.csv"]), 3);
    assert_eq!(p.same_both(&["person", "import", "missing.csv"]), 3);
    assert_eq!(p.same(&["equipment", "import", "items.csv"]), 0);
    assert_eq!(p.same_both(&["person", "list"]), 0);
    let edit = ["person", "edit", "M7", "--email", "eve@example.org"];
    assert_eq!(p.same_both(&edit), 0);
    assert_eq!(p.same_both(&["person", "edit", "M7"]), 3);
    assert_eq!(p.same_both(&["person", "edit", "M99", "--name", "X"]), 4);
    let office = ["person", "office", "add", "M3", "town_clerk"];
    assert_eq!(p.same(&office), 0);
    assert_eq!(
        p.same_both(&["person", "office", "add", "M3", "Town Clerk"]),
        3
    );
    assert_eq!(
        p.same(&["person", "office", "end", "M3", "town_clerk", "--json"]),
        0
    );
    let term = ["person", "term", "M7", "--from", "2027-01-05"];
    assert_eq!(p.same(&term), 0);
    assert_eq!(p.same_both(&["person", "show", "M7"]), 0);
    let leave = ["person", "leave", "M2", "--reason", "stood_down"];
    let code = p.same(&[&leave[..], &["--json"]].concat());
    assert_eq!(
        code,
        0,
        "{}",
        p.local(&[&leave[..], &["--json"]].concat()).stdout
    );
    assert_eq!(
        p.same_both(&["person", "leave", "M3", "--reason", "bored"]),
        3
    );
    // Fay Holt came in by the file with no term, so she cannot leave one: the same rows and
    // words both ways.
    assert_eq!(p.same_both(&["person", "leave-many", "leavers.csv"]), 3);
    assert_eq!(p.same(&["person", "leave-many", "leavers3.csv"]), 0);
    assert_eq!(p.same_both(&["person", "show", "M3"]), 0);

    let fix = [
        "equipment",
        "edit",
        "TAB-7",
        "--serial",
        "SN-7",
        "--replacement-cost",
        "420",
    ];
    assert_eq!(p.same_both(&fix), 0);
    assert_eq!(p.same_both(&["equipment", "edit", "TAB-7"]), 3);
    assert_eq!(p.same_both(&["equipment", "pat-test", "TAB-7"]), 0);
    assert_eq!(p.same(&["equipment", "state", "TAB-7", "in_repair"]), 0);
    assert_eq!(p.same_both(&["equipment", "state", "TAB-7", "melted"]), 3);
    assert_eq!(p.same_both(&["equipment", "show", "TAB-7"]), 0);

    // Who the web filter knows behind a proxy name or an address.
    let known = ["person", "web-identity", "add", "M1", "ada.quill"];
    assert_eq!(p.same(&known), 0);
    assert_eq!(p.same_both(&["person", "web-identity", "list", "M1"]), 0);
    // Everyone the filter knows, whole or a page at a time, the same both ways.
    assert_eq!(p.same_both(&["person", "web-identity", "list"]), 0);
    let page = ["person", "web-identity", "list", "--limit", "1"];
    assert_eq!(p.same_both(&page), 0);
    let one_and_list = ["person", "web-identity", "list", "M1", "--limit", "1"];
    assert_eq!(p.same_both(&one_and_list), 2);
    let gone = ["person", "web-identity", "remove", "M1", "ada.quill"];
    assert_eq!(p.same(&[&gone[..], &["--json"]].concat()), 0);
    let set = ["equipment", "address", "set", "LAP-1", "10.0.0.5"];
    assert_eq!(p.same_both(&set), 0);
    assert_eq!(p.same_both(&["person", "web-identity", "list"]), 0);
    let bad = ["equipment", "address", "set", "LAP-1", "not-an-address"];
    assert_eq!(p.same_both(&bad), 3);
    assert_eq!(p.same_both(&["equipment", "address", "clear", "LAP-1"]), 0);
}

#[test]
fn retention_and_adoption_through_the_api() {
    let p = Pair::acting_as("clerk", "admin");
    assert_eq!(p.same_both(&["retention", "plan"]), 0);
    assert_eq!(p.same_both(&["retention", "purge", "--dry-run"]), 0);
    let adopt = [
        "policy",
        "adopt",
        "--preset",
        "city-aup",
        "--effective",
        "2027-02-01",
    ];
    p.same_data(&adopt, &["/number", "/hash", "/effective_from"]);
    assert_eq!(p.same_both(&["policy", "adopt", "--preset", "nothing"]), 4);
    assert_eq!(p.same_served(&["policy", "versions"]), 0);
    // What another preset would change, read back from the API's preview as it reads here.
    let changes = [
        "policy",
        "changes",
        "--preset",
        "town-it-policy",
        "--effective",
        "2027-03-01",
    ];
    assert_eq!(p.same_served(&changes), 0);
    assert_eq!(
        p.same_both(&["policy", "changes", "--preset", "nothing"]),
        4
    );
}

#[test]
fn phone_lines_bills_and_statements_through_the_api() {
    let p = Pair::new();
    for env in [&p.here.env, &p.there.env] {
        env.file(
            "bill.csv",
            "line,date,time,called,description,duration,cost\n\
             07700 900321,2027-01-02,10:00,01632 960101,Call,4:00,0.20\n\
             07700 900321,2027-01-03,21:00,,Text,,0.12\n",
        );
        env.file("bad-bill.csv", "line,date\n07700 900321,yesterday\n");
    }
    let phone = [
        "equipment",
        "add",
        "--tag",
        "PHN-1",
        "--kind",
        "mobile_phone",
        "--model",
        "Pixel",
        "--cost",
        "300",
    ];
    let code = p.same(&phone);
    assert_eq!(code, 0, "{}", p.local(&phone).stderr);
    assert_eq!(
        p.same(&["phone", "line", "add", "PHN-1", "07700 900321"]),
        0
    );
    assert_eq!(p.same_both(&["phone", "line", "add", "PHN-1", "999"]), 3);
    assert_eq!(p.same_both(&["phone", "line", "list"]), 0);
    let import = ["phone", "bill", "import", "bill.csv", "--period", "2027-01"];
    assert_eq!(p.same(&import), 0);
    let bad = [
        "phone",
        "bill",
        "import",
        "bad-bill.csv",
        "--period",
        "2027-01",
    ];
    assert_eq!(p.same_both(&bad), 3);
    assert_eq!(p.same_served(&["phone", "bill", "list"]), 0);
    assert_eq!(
        p.same_both(&["phone", "bill", "list", "--month", "2027-13"]),
        3
    );
    assert_eq!(p.same_served(&["phone", "bill", "show", "1"]), 0);
    assert_eq!(p.same_both(&["phone", "bill", "show", "9"]), 4);
    assert_eq!(p.same_both(&["phone", "statement", "list"]), 0);
    assert_eq!(p.same_both(&["phone", "statement", "show", "9"]), 4);
    assert_eq!(p.same(&["phone", "line", "remove", "07700 900321"]), 0);
    assert_eq!(p.same_both(&["phone", "line", "remove", "07700 900321"]), 4);
    assert_eq!(p.same_both(&["phone", "line", "list", "--all"]), 0);
    // Only the holder's own token reads their calls.
    let mine = p.remote(&["phone", "bill", "mine", "M1"]);
    assert_eq!(mine.code, 8, "{}", mine.stderr);
}

#[test]
fn a_typed_signature_goes_through_the_signer_s_own_token() {
    let p = Pair::acting_as("ada", "member");
    // The town's policy asks for no signature: refused alike, with the same reason.
    let sign = ["acceptance", "sign", "M1", "--typed-name", "Ada Quill"];
    assert_eq!(p.same_both(&sign), 5);
    // Nobody signs for someone else with their own token.
    let other = p.remote(&[
        "acceptance",
        "sign",
        "M2",
        "--typed-name",
        "Ben Quill",
        "--json",
    ]);
    assert_eq!(other.code, 8, "{}", other.stdout);
    assert_eq!(other.json()["error"]["kind"], "forbidden");
}

#[test]
fn an_auditor_reads_what_scanning_found_through_the_api() {
    let p = Pair::acting_as("audit", "auditor");
    assert_eq!(p.same_both(&["filter", "findings", "--as", "audit"]), 0);
    let one = [
        "filter", "findings", "--as", "audit", "--person", "M1", "--limit", "5",
    ];
    assert_eq!(p.same_both(&one), 0);
    let nobody = ["filter", "findings", "--as", "audit", "--person", "NOBODY"];
    assert_eq!(p.same_both(&nobody), 4);
    // Scanning reads the proxy's logs beside the database.
    let scan = p.remote(&["filter", "scan", "access.log"]);
    assert_eq!(scan.code, 2, "{}", scan.stderr);
}

impl Pair {
    /// Runs `args` here and through the server with `token`, in both kinds of output, and
    /// checks that they print and exit the same.
    fn same_with(&self, args: &[&str], token: &str) -> i32 {
        let mut codes = Vec::new();
        for json in [false, true] {
            let mut all = args.to_vec();
            if json {
                all.push("--json");
            }
            let (here, there) = (self.local(&all), self.remote_with(&all, token));
            assert_eq!(
                here.stdout, there.stdout,
                "steward {all:?}: standard output differs\nstderr here: {}\nstderr there: {}",
                here.stderr, there.stderr
            );
            assert_eq!(here.stderr, there.stderr, "steward {all:?}: stderr differs");
            assert_eq!(here.code, there.code, "steward {all:?}: exit codes differ");
            codes.push(here.code);
        }
        assert_eq!(
            codes[0], codes[1],
            "steward {args:?}: --json exits otherwise"
        );
        codes[0]
    }

    /// Runs `args` on both registers directly, as their set-up.
    fn both(&self, args: &[&str]) {
        let mut all = args.to_vec();
        all.extend(["--as-of", DAY]);
        for env in [&self.here.env, &self.there.env] {
            env.ok(&all);
        }
    }
}

#[test]
fn device_checks_go_in_and_findings_come_back_through_the_api() {
    let p = Pair::new();
    for env in [&p.here.env, &p.there.env] {
        env.file(
            "checks.csv",
            "device,check,result,observed_at,source,detail\n\
             LAP-1,antivirus,fail,2027-01-04T08:10:05Z,council script,real-time protection off\n\
             LAP-1,checked_in,pass,2027-01-04T08:14:22Z,council script,\n\
             DESK-9,firewall,pass,2027-01-04T08:00:00Z,council script,\n",
        );
        env.file(
            "bad.csv",
            "device,check,result,observed_at\n\
             LAP-2,firewall,fail,2027-01-04T08:00:00Z\n\
             LAP-2,virus,pass,2027-01-04T08:00:00Z\n",
        );
        // Good to read, but the server finds the row from the future: refused against the
        // file's own line.
        env.file(
            "future.csv",
            "device,check,result,observed_at\n\
             LAP-2,firewall,pass,2027-01-04T08:00:00Z\n\
             LAP-2,firewall,pass,2099-01-04T08:00:00Z\n",
        );
        env.file("map.txt", "Antivirus healthy = antivirus\n");
        env.file("odd.txt", "Antivirus healthy = virus\n");
        env.file(
            "fleet.json",
            r#"{"hosts": [{"hostname": "LAP-1", "seen_time": "2027-01-04T09:00:00Z",
                "policies": [{"name": "Antivirus healthy", "response": "pass"}]}]}"#,
        );
        env.file(
            "fleet-bad.json",
            r#"{"hosts": [{"hostname": "LAP-1", "seen_time": "yesterday", "policies": []}]}"#,
        );
    }
    let import = ["posture", "import", "checks.csv", "--format", "steward"];
    assert_eq!(p.same(&import), 0);
    p.same_data(
        &import,
        &[
            "/import/observations",
            "/import/devices",
            "/new",
            "/unmatched_devices",
        ],
    );
    let bad = ["posture", "import", "bad.csv", "--format", "steward"];
    assert_eq!(p.same_both(&bad), 3);
    let future = ["posture", "import", "future.csv", "--format", "steward"];
    assert_eq!(p.same_both(&future), 3);
    let refused = p.remote(&[&future[..], &["--json"]].concat());
    assert!(
        refused.says("future.csv:3: observed_at"),
        "{}",
        refused.stdout
    );
    let odd = ["posture", "import", "checks.csv", "--format", "jamf"];
    assert_eq!(p.same_both(&odd), 2);

    assert_eq!(p.same_both(&["posture", "findings"]), 0);
    assert_eq!(p.same_both(&["posture", "findings", "--all"]), 0);
    assert_eq!(p.same_both(&["posture", "findings", "--item", "LAP-1"]), 0);
    // Known, but no source has reported on it; and not known at all.
    assert_eq!(p.same_both(&["posture", "findings", "--item", "LAP-2"]), 0);
    assert_eq!(p.same_both(&["posture", "findings", "--item", "LAP-99"]), 4);

    // Fleet results go with their policy map: the same answer both ways, and a map naming an
    // unknown check is refused before anything is sent.
    let fleet = [
        "posture",
        "import",
        "fleet.json",
        "--format",
        "fleet",
        "--policy-map",
        "map.txt",
    ];
    assert_eq!(p.same(&fleet), 0);
    p.same_data(&fleet, &["/import/observations", "/import/devices", "/new"]);
    let odd_map = [&fleet[..6], &["odd.txt"]].concat();
    assert_eq!(p.same_both(&odd_map), 3);
    let bad_host = [&["posture", "import", "fleet-bad.json"], &fleet[3..]].concat();
    assert_eq!(p.same_both(&bad_host), 3);
}

const RULES: &str = r#"{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('ada%40council.example.gov.uk')/mailFolders('inbox')/messageRules",
  "value": [
    {"id": "AQAAAJ5dZqA=", "displayName": "Everything home", "sequence": 1, "isEnabled": true,
     "conditions": {}, "actions": {"forwardTo": [{"emailAddress": {"name": "Ada", "address": "ada.quill@gmail.com"}}],
     "stopProcessingRules": true}}
  ]
}"#;

#[test]
fn forwarding_snapshots_and_the_milter_s_decisions_through_the_api() {
    // The forwards are read by an auditor; an officer imports them.
    let p = Pair::acting_as("audit", "auditor");
    let officer = token(&p.there.env, "dot", "officer");
    token(&p.here.env, "dot", "officer");
    for env in [&p.here.env, &p.there.env] {
        env.file("rules.json", RULES);
        env.file(
            "mailboxes.csv",
            "\"DisplayName\",\"PrimarySmtpAddress\",\"ForwardingAddress\"\n\"Bo\",\"\",\"\"\n",
        );
    }
    p.both(&[
        "person",
        "edit",
        "M1",
        "--email",
        "ada@council.example.gov.uk",
    ]);
    let import = [
        "mail",
        "forwarding",
        "import",
        "rules.json",
        "--format",
        "graph",
    ];
    // Records made on the server carry its clock and account, so the words are compared.
    let (here, there) = (p.local(&import), p.remote_with(&import, &officer));
    assert_eq!(here.stdout, there.stdout, "{}", there.stderr);
    assert_eq!((here.code, there.code), (0, 0));
    let bad = [
        "mail",
        "forwarding",
        "import",
        "mailboxes.csv",
        "--format",
        "exchange",
    ];
    assert_eq!(p.same_with(&bad, &officer), 3);
    let odd = [
        "mail",
        "forwarding",
        "import",
        "rules.json",
        "--format",
        "pst",
    ];
    assert_eq!(p.same_with(&odd, &officer), 2);

    assert_eq!(p.same_both(&["mail", "forwarding", "findings"]), 0);
    let mine = ["mail", "forwarding", "findings", "--person", "M1"];
    assert_eq!(p.same_both(&mine), 0);
    let nobody = ["mail", "forwarding", "findings", "--person", "M99"];
    assert_eq!(p.same_both(&nobody), 4);
    let odd = ["mail", "forwarding", "findings", "--outcome", "fine"];
    assert_eq!(p.same_both(&odd), 2);
    assert_eq!(p.same_both(&["mail", "decisions"]), 0);
    let held = ["mail", "decisions", "--action", "hold", "--flagged"];
    assert_eq!(p.same_both(&held), 0);
    assert_eq!(p.same_both(&["mail", "decisions", "--action", "bounce"]), 2);
    assert_eq!(p.same_both(&["mail", "decisions", "--sort", "size"]), 3);

    // The town's policy names no office that reads monitoring: its officer may not.
    let denied = p.remote_with(&["mail", "forwarding", "findings"], &officer);
    assert_eq!(denied.code, 8, "{}", denied.stderr);
    // The milter runs beside Postfix.
    let milter = p.remote(&["mail", "milter"]);
    assert_eq!(milter.code, 2, "{}", milter.stderr);
}

#[test]
fn a_holder_reads_and_marks_their_own_calls_with_their_own_token() {
    let p = Pair::new();
    for env in [&p.here.env, &p.there.env] {
        env.file(
            "bill.csv",
            "line,date,time,called,description,duration,cost\n\
             07700 900321,2027-01-05,10:00,01632 960101,Call,4:00,0.20\n\
             07700 900321,2027-01-05,21:00,,Text,,0.12\n",
        );
    }
    // The city lends its staff phones; the town lends none.
    p.both(&[
        "policy",
        "adopt",
        "--preset",
        "city-aup",
        "--effective",
        DAY,
    ]);
    p.both(&[
        "person", "add", "--ref", "E1", "--name", "Kay Ng", "--kind", "employee",
    ]);
    p.both(&["acceptance", "sign", "E1", "--typed-name", "Kay Ng"]);
    p.both(&[
        "equipment",
        "add",
        "--tag",
        "PHN-1",
        "--kind",
        "mobile_phone",
        "--model",
        "Pixel",
        "--cost",
        "300",
    ]);
    p.both(&["loan", "issue", "E1", "PHN-1"]);
    p.both(&["phone", "line", "add", "PHN-1", "07700 900321"]);
    p.both(&["phone", "bill", "import", "bill.csv", "--period", "2027-01"]);
    let kay = ["--username", "kay", "--role", "member", "--person", "E1"];
    crate::api::user(&p.here.env, &kay);
    crate::api::user(&p.there.env, &kay);
    token(&p.here.env, "kay", "member");
    let kay = token(&p.there.env, "kay", "member");
    assert_eq!(p.same_with(&["phone", "bill", "mine", "E1"], &kay), 0);
    let mark = [
        "phone",
        "bill",
        "mark",
        "1",
        "--person",
        "E1",
        "--personal",
        "2",
    ];
    let marked = p.remote_with(&mark, &kay);
    let here = p.local(&mark);
    assert_eq!(marked.stdout, here.stdout, "{}", marked.stderr);
    assert_eq!(marked.code, here.code, "{}", marked.stderr);
    assert_eq!(p.same_with(&["phone", "bill", "mine", "E1"], &kay), 0);
    let missing = ["phone", "bill", "mark", "9", "--person", "E1"];
    assert_eq!(p.same_with(&missing, &kay), 4);
    // Nobody reads or marks another's calls with their own token.
    let other = p.remote_with(&["phone", "bill", "mine", "M2", "--json"], &kay);
    assert_eq!(other.code, 8, "{}", other.stdout);
    assert_eq!(other.json()["error"]["kind"], "forbidden");
    let theirs = p.remote(&["phone", "bill", "mark", "1", "--person", "E1"]);
    assert_eq!(theirs.code, 8, "{}", theirs.stderr);
}

#[test]
fn an_administrator_reads_the_sign_in_settings_but_never_the_secret() {
    let p = Pair::acting_as("clerk", "admin");
    let show = ["council", "oidc", "show"];
    assert_eq!(p.same_both(&show), 0);
    p.both(&[
        "council",
        "oidc",
        "set",
        "--issuer",
        "https://login.example.org/tenant/v2.0",
        "--client-id",
        "steward-town",
        "--secret-env",
        "TOWN_OIDC_SECRET",
        "--name",
        "Town Login",
        "--role",
        "Steward.Admin=admin",
    ]);
    assert_eq!(p.same_both(&show), 0);
    let read = p.remote(&[&show[..], &["--json"]].concat()).json();
    assert_eq!(read["data"]["secret"]["env"], "TOWN_OIDC_SECRET", "{read}");
    // Only administrators read them; they are set on the server's own database.
    for (who, role) in [("dot", "officer"), ("audit", "auditor"), ("ada", "member")] {
        let secret = token(&p.there.env, who, role);
        assert_eq!(p.server.get(&secret, "/oidc").status, 403, "{who}");
        assert_eq!(p.remote_with(&show, &secret).code, 8, "{who}");
    }
    let clear = p.remote(&["council", "oidc", "clear"]);
    assert_eq!(clear.code, 2, "{}", clear.stderr);
    assert!(
        clear.stderr.contains("kept beside the server"),
        "{}",
        clear.stderr
    );
}

#[test]
fn an_administrator_reads_the_directory_settings_but_never_a_secret() {
    let p = Pair::acting_as("clerk", "admin");
    let show = ["directory", "show"];
    // None yet: refused alike, saying how to set them.
    assert_eq!(p.same_both(&show), 3);
    p.both(&[
        "directory",
        "set",
        "ldap",
        "--url",
        "ldap://127.0.0.1:9",
        "--base-dn",
        "ou=people,dc=town,dc=example",
        "--bind-dn",
        "cn=steward,dc=town,dc=example",
        "--password-env",
        "TOWN_LDAP_PASSWORD",
        "--group",
        "cn=members,dc=town,dc=example=councillor",
    ]);
    assert_eq!(p.same_both(&show), 0);
    for (who, role) in [("dot", "officer"), ("audit", "auditor"), ("ada", "member")] {
        let secret = token(&p.there.env, who, role);
        assert_eq!(p.server.get(&secret, "/directory").status, 403, "{who}");
        assert_eq!(p.remote_with(&show, &secret).code, 8, "{who}");
    }
    // The directory is read with the secret beside the server.
    let sync = p.remote(&["directory", "sync", "--dry-run"]);
    assert_eq!(sync.code, 2, "{}", sync.stderr);
    assert!(
        sync.stderr.contains("secrets kept beside the server"),
        "{}",
        sync.stderr
    );
}
