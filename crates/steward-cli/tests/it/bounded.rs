//! Input the command line cannot trust: files without end or with endless lines, text that
//! would reverse or recolour what a terminal shows, a database another process is writing,
//! and a document that could not be written.

use crate::audit::{block_on, busy_council, tamper};
use crate::support::Env;
use std::io::Write;
use std::process::{Command, Stdio};

/// The command, in a shell that caps its address space at 4 GiB: reading a runaway file
/// into memory fails there long before the test could take the machine's memory.
fn capped(env: &Env, args: &[&str]) -> Command {
    let cmd = env.command();
    let program = cmd.get_program().to_owned();
    let mut shell = Command::new("sh");
    shell
        .arg("-c")
        .arg("ulimit -v 4194304 && exec \"$0\" \"$@\"")
        .arg(program)
        .args(args)
        .envs(cmd.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .current_dir(env.dir.path());
    shell
}

#[test]
fn an_export_without_line_breaks_is_refused_in_bounded_memory() {
    let env = Env::new();
    let out = capped(&env, &["audit", "verify", "--file", "/dev/zero"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("/dev/zero:1: line 1 is longer than 16 MiB"),
        "{stderr}"
    );

    // An endless line arriving on a pipe: the command stops reading at the limit.
    let mut child = capped(&env, &["audit", "verify", "--file", "/dev/stdin"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'{'; 1 << 16];
        // Writing fails once the command has stopped reading and gone.
        while stdin.write_all(&chunk).is_ok() {}
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("longer than 16 MiB"), "{stderr}");
}

#[test]
fn files_over_their_limits_are_refused_and_nothing_is_imported() {
    let env = Env::new();
    env.council("town-it-policy", "2027-01-04");
    let run = env.fails(&["policy", "check", "/dev/zero"], 3);
    assert!(
        run.stdout
            .contains("/dev/zero: the file is larger than 1 MiB"),
        "{}",
        run.stdout
    );
    let run = env.fails(&["person", "import", "/dev/zero"], 3);
    assert!(run.stdout.contains("larger than 64 MiB"), "{}", run.stdout);

    let long = "x".repeat(70 * 1024);
    env.file(
        "people.csv",
        &format!("reference,name,kind\nM1,Ada Quill,councillor\nM2,{long},councillor\n"),
    );
    let run = env.fails(&["person", "import", "people.csv"], 3);
    assert!(
        run.stdout
            .contains("people.csv:3: line 3 is longer than 64 KiB"),
        "{}",
        run.stdout
    );
    let listed = env.ok(&["person", "list"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(0), "{listed}");
}

#[test]
fn names_that_reverse_text_are_refused_and_control_characters_print_escaped() {
    let env = Env::new();
    env.council("town-it-policy", "2027-01-04");
    let add = |name: &str| {
        vec![
            "person",
            "add",
            "--ref",
            "M1",
            "--name",
            name,
            "--kind",
            "councillor",
        ]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>()
    };
    let args = add("Ada \u{202E}lliuQ");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = env.fails(&args, 3);
    assert!(run.stdout.contains("name"), "{}", run.stdout);
    assert!(run.stdout.contains("U+202E"), "{}", run.stdout);
    env.file(
        "people.csv",
        "reference,name,kind\nM1,Ada \u{202E}lliuQ,councillor\n",
    );
    let run = env.fails(&["person", "import", "people.csv"], 3);
    assert!(run.stdout.contains("U+202E"), "{}", run.stdout);

    // A name written before the rule, or behind the program's back, still cannot take over
    // the terminal: the table shows the escape instead of acting on it.
    let args = add("Ada Quill");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    env.ok(&args);
    let esc = if env.db.url.starts_with("postgres") {
        "chr(27)"
    } else {
        "char(27)"
    };
    block_on(tamper(
        &env.db.url,
        &[format!(
            "UPDATE people SET name = 'Ada ' || {esc} || '[31mQuill' WHERE reference = 'M1'"
        )],
    ))
    .unwrap();
    let run = env.run(&["person", "list"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("Ada \\u{1b}[31mQuill"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains('\u{1b}'), "{}", run.stdout);

    // Errors echo what was typed, escaped the same way.
    let run = env.run(&["person", "show", "M\u{1b}[2J"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("M\\u{1b}[2J"), "{}", run.stderr);
    assert!(!run.stderr.contains('\u{1b}'), "{}", run.stderr);
}

/// Another process holds the database's write lock until `release` is called.
struct Held {
    release: std::sync::mpsc::Sender<()>,
    done: std::thread::JoinHandle<()>,
}

fn hold_write_lock(url: &str) -> Held {
    let url = url.to_string();
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let done = std::thread::spawn(move || {
        block_on(async move {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
            let (begin, lock) = if url.starts_with("postgres") {
                ("BEGIN", "LOCK TABLE audit_heads IN EXCLUSIVE MODE")
            } else {
                ("BEGIN IMMEDIATE", "SELECT 1")
            };
            sqlx::raw_sql(begin).execute(&mut conn).await.unwrap();
            sqlx::raw_sql(lock).execute(&mut conn).await.unwrap();
            locked_tx.send(()).unwrap();
            let _ = released.recv();
            sqlx::raw_sql("COMMIT").execute(&mut conn).await.unwrap();
        })
    });
    locked_rx.recv().unwrap();
    Held { release, done }
}

impl Held {
    fn release(self) {
        self.release.send(()).unwrap();
        self.done.join().unwrap();
    }
}

#[test]
fn commands_wait_for_a_database_another_process_is_writing() {
    let env = busy_council();
    let held = hold_write_lock(&env.db.url);
    // Reading needs no lock at all, start-up included: it finishes while the lock is held.
    let log = env.ok(&["audit", "log", "--limit", "1"]).to_string();
    assert!(log.contains("\"action\""), "{log}");
    // A write waits for the lock rather than failing, and goes ahead once it is released.
    let child = env
        .command()
        .args(["person", "add", "--ref", "M9", "--name", "Nia Vale"])
        .args(["--kind", "councillor", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    held.release();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = env.ok(&["person", "list", "--search", "nia"]).to_string();
    assert!(listed.contains("Nia Vale"), "{listed}");
}

#[test]
fn a_document_that_could_not_be_written_is_not_audited_as_produced() {
    let env = crate::records::borough();
    // A path under a plain file can never be written, whoever runs the test.
    env.file("plain", "");
    let run = env.fails(
        &[
            "person",
            "export",
            "M1",
            "--as",
            "olive",
            "--out",
            "plain/sar.pdf",
            "--as-of",
            "2027-02-01",
        ],
        3,
    );
    assert!(run.stdout.contains("plain/sar.pdf"), "{}", run.stdout);
    let log = env.ok(&["audit", "log", "--entity", "person", "--id", "M1"]);
    let produced = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == "person.subject_access_document")
        .count();
    assert_eq!(produced, 0, "{log}");
    assert!(std::fs::read_dir(env.dir.path()).unwrap().count() == 1);
}

#[test]
fn cutting_a_checkpoints_own_note_is_caught() {
    let env = busy_council();
    let key = env.dir.path().join("audit.key");
    env.ok(&["audit", "key", "create", "--out", key.to_str().unwrap()]);
    let cp = env.ok(&[
        "audit",
        "checkpoint",
        "--key",
        key.to_str().unwrap(),
        "--dir",
        "cps",
    ]);
    let seq = cp["seq"].as_i64().unwrap();
    assert_eq!(cp["noted_as"].as_i64(), Some(seq), "{cp}");

    // Remove only the newest record, the checkpoint's note, and wind the head back to the
    // record before it: the chain alone still looks whole.
    crate::checkpoints::cut_records_from(&env, seq);
    assert_eq!(env.ok(&["audit", "verify"])["ok"], true);
    let run = env.fails(&["audit", "verify", "--checkpoints", "cps"], 7);
    assert_eq!(run.data()["checkpoints"][0]["ok"], false, "{}", run.stdout);
}

#[test]
fn the_api_refuses_the_text_the_import_refuses_naming_the_field() {
    use crate::api::{Server, is_problem, town};
    use serde_json::json;
    let t = town();
    let api = Server::start(&t.env, "2027-01-05");
    for name in ["Nia \u{202E}elaV", "Nia\u{7}Vale", "Nia\nVale"] {
        let r = api.post(
            &t.officer,
            "/people",
            json!({"reference": "M9", "name": name, "kind": "councillor"}),
        );
        is_problem(&r, 422);
        assert_eq!(r.body["errors"][0]["field"], "name", "{}", r.body);
    }
    let r = api.post(
        &t.officer,
        "/cases",
        json!({"summary": "Seen at \u{2067}the desk"}),
    );
    is_problem(&r, 422);
    assert_eq!(r.body["errors"][0]["field"], "summary", "{}", r.body);
    // Free text keeps its lines.
    let r = api.post(
        &t.officer,
        "/cases",
        json!({"summary": "Seen at the desk.\nTwice."}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        t.env.ok(&["person", "list"]).as_array().map(Vec::len),
        Some(4)
    );
}
