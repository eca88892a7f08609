use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output};
use steward_store::testing::TestDb;

pub struct Env {
    pub db: TestDb,
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The envelope's `data`: a success's record, or what a failed check found.
    pub fn data(&self) -> Value {
        let body = self.json();
        assert!(body.get("data").is_some(), "no data in {body}");
        body["data"].clone()
    }

    /// Whether the command said `text`: on standard error, or in its JSON error's message.
    pub fn says(&self, text: &str) -> bool {
        let message = serde_json::from_str::<Value>(&self.stdout)
            .ok()
            .and_then(|body| body["error"]["message"].as_str().map(str::to_string))
            .unwrap_or_default();
        self.stderr.contains(text) || message.contains(text)
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

impl Env {
    pub fn new() -> Env {
        Env {
            db: TestDb::new_blocking(),
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_steward"));
        cmd.env_remove("STEWARD_COUNCIL")
            .env("STEWARD_DB", &self.db.url)
            .env("STEWARD_ACTOR", "test")
            .current_dir(self.dir.path());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let out: Output = self.command().args(args).output().expect("run steward");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs with --json, asserts success and returns the envelope's `data`; for one page of
    /// a list, the rows as `items` beside where the page sits.
    pub fn ok(&self, args: &[&str]) -> Value {
        let envelope = self.envelope(args);
        let page = envelope["page"].clone();
        let data = data(envelope);
        match (page, data) {
            (Value::Object(page), Value::Object(mut record)) => {
                record.extend(page);
                Value::Object(record)
            }
            (Value::Object(mut page), items) => {
                page.insert("items".into(), items);
                Value::Object(page)
            }
            (_, data) => data,
        }
    }

    /// Runs with --json, asserts success and returns the whole envelope.
    pub fn envelope(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let run = self.run(&all);
        assert_eq!(
            run.code, 0,
            "steward {args:?} failed:\n{}\n{}",
            run.stdout, run.stderr
        );
        assert!(
            run.stderr.is_empty() || !run.stderr.contains("error"),
            "steward {args:?} wrote an error beside its JSON:\n{}",
            run.stderr
        );
        run.json()
    }

    /// Runs with --json, asserts the exit code and returns the output.
    pub fn fails(&self, args: &[&str], code: i32) -> Run {
        let mut all = args.to_vec();
        all.push("--json");
        let run = self.run(&all);
        assert_eq!(
            run.code, code,
            "steward {args:?} should exit {code}:\n{}\n{}",
            run.stdout, run.stderr
        );
        run
    }

    pub fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        let mut f = std::fs::File::create(&path).expect("create file");
        f.write_all(contents.as_bytes()).expect("write file");
        path
    }

    /// A council under a preset, in force from `from`.
    pub fn council(&self, preset: &str, from: &str) {
        self.ok(&[
            "council",
            "create",
            "--slug",
            "test-council",
            "--name",
            "Test Council",
            "--preset",
            preset,
            "--as-of",
            from,
        ]);
    }

    /// Adds a person of `kind` (named by their reference) whose term starts on `from`, holding
    /// `office` when given, as recorded on `as_of`.
    pub fn person(
        &self,
        reference: &str,
        kind: &str,
        office: Option<&str>,
        from: &str,
        as_of: &str,
    ) {
        let mut args = vec![
            "person",
            "add",
            "--ref",
            reference,
            "--name",
            reference,
            "--kind",
            kind,
            "--term-start",
            from,
            "--as-of",
            as_of,
        ];
        if let Some(office) = office {
            args.extend_from_slice(&["--office", office]);
        }
        self.ok(&args);
    }
}

/// The `data` of a successful command's envelope, checking the envelope's shape on the way.
pub fn data(envelope: Value) -> Value {
    assert_eq!(envelope["ok"], true, "not a success: {envelope}");
    assert!(envelope["command"].is_string(), "no command in {envelope}");
    assert!(envelope["outcome"].is_string(), "no outcome in {envelope}");
    for key in ["data", "decision", "page"] {
        assert!(envelope.get(key).is_some(), "no {key} in {envelope}");
    }
    envelope["data"].clone()
}

/// The refusals of a refused command, as (gate, clause) pairs.
pub fn refusals(run: &Run) -> Vec<(String, Option<String>)> {
    let body = run.json();
    assert_eq!(body["ok"], false, "not a failure: {body}");
    assert_eq!(body["error"]["kind"], "refused", "not a refusal: {body}");
    body["error"]["refusals"]
        .as_array()
        .unwrap_or_else(|| panic!("no refusals in {}", run.stdout))
        .iter()
        .map(|r| {
            (
                r["gate"].as_str().unwrap_or_default().to_string(),
                r["clause"].as_str().map(str::to_string),
            )
        })
        .collect()
}
