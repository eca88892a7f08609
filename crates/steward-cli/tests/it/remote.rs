//! Commands sent to a server with `--server` print what they print on a database and exit
//! with the same code: two registers made the same way, one used directly and one through
//! its server.

use crate::api::{Server, Town, token, town};
use crate::support::{Env, Run};

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
        let here = town();
        let there = town();
        let secret = token(&there.env, "dot", "officer");
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
