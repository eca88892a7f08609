//! Bad input gets a clear message naming where the problem is, and nothing is written.

use crate::support::Env;

#[test]
fn broken_policy_file_reports_every_problem_with_its_place() {
    let env = Env::new();
    let path = env.file(
        "broken.toml",
        "[pack]\nid = \"x\"\ntitle = \"T\"\nversion = \"1\"\nadopted = 2027-01-01\ncolour = \"red\"\n\n[scope]\nkinds = [\"wizard\"]\nclause = \"1\"\n",
    );
    let run = env.run(&["policy", "check", path.to_str().unwrap()]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.says("broken.toml:6:1"), "{}", run.stderr);
    assert!(run.says("colour"), "{}", run.stderr);
    assert!(run.says("broken.toml:9:"), "{}", run.stderr);
    let good = env.run(&["policy", "check", "--json", path.to_str().unwrap()]);
    assert_eq!(good.code, 3);
}

#[test]
fn a_policy_file_named_with_control_characters_is_reported_escaped() {
    let env = Env::new();
    let path = env.file("a\u{1b}[2Jb.toml", "title = \"x\"\nbad key = 1\n");
    let run = env.run(&["policy", "check", path.to_str().unwrap()]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("a\\u{1b}[2Jb.toml:2:"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains('\u{1b}'), "{}", run.stderr);
}

#[test]
fn presets_all_pass_the_checker() {
    let env = Env::new();
    let list = env.ok(&["policy", "list"]);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert_eq!(ids.len(), 5);
    for id in ids {
        let shown = env.ok(&["policy", "show", id]);
        assert!(!shown["rules"].as_array().unwrap().is_empty());
    }
}

#[test]
fn bad_csv_rows_import_nothing_and_are_all_listed() {
    let env = Env::new();
    env.council("town-it-policy", "2027-01-01");
    let path = env.file(
        "people.csv",
        "reference,name,kind,household\nM1,Ann Oak,councillor,H1\nM2,,councillor,H2\nM3,Cal Fir,wizard,H3\nM1,Dup Oak,councillor,H4\n",
    );
    let run = env.run(&["person", "import", path.to_str().unwrap()]);
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    for line in ["people.csv:3", "people.csv:4", "people.csv:5"] {
        assert!(run.says(line), "missing {line} in {}", run.stderr);
    }
    let people = env.ok(&["person", "list"]);
    assert_eq!(people.as_array().map(Vec::len), Some(0));

    let good = env.file(
        "ok.csv",
        "reference,name,kind\nM1,Ann Oak,councillor\nM2,Bo Elm,councillor\n",
    );
    let done = env.ok(&[
        "person",
        "import",
        good.to_str().unwrap(),
        "--as-of",
        "2027-01-02",
    ]);
    assert_eq!(done["imported"], 2);
    // Importing the same people again clashes with the register and writes nothing.
    let again = env.run(&["person", "import", good.to_str().unwrap()]);
    assert_eq!(again.code, 3, "{}", again.stderr);
    assert!(again.says("ok.csv:2"), "{}", again.stderr);
}

#[test]
fn unknown_people_and_equipment_and_bad_dates() {
    let env = Env::new();
    env.council("town-it-policy", "2027-01-01");
    let run = env.fails(&["loan", "issue", "NOBODY", "LAP-1"], 4);
    assert!(run.says("NOBODY"), "{}", run.stderr);
    let run = env.run(&["due", "--as-of", "2027-13-01"]);
    assert_eq!(run.code, 2);
    assert!(run.says("YYYY-MM-DD"), "{}", run.stderr);
    let run = env.fails(
        &[
            "equipment",
            "add",
            "--tag",
            "LAP-1",
            "--kind",
            "laptop",
            "--model",
            "X",
            "--cost",
            "lots",
        ],
        3,
    );
    assert!(run.says("799.00"), "{}", run.stderr);
    let run = env.fails(
        &[
            "equipment",
            "add",
            "--tag",
            "LAP-1",
            "--kind",
            "toaster",
            "--model",
            "X",
            "--cost",
            "5",
        ],
        3,
    );
    assert!(run.says("laptop"), "{}", run.stderr);
    env.ok(&[
        "equipment",
        "add",
        "--tag",
        "LAP-1",
        "--kind",
        "laptop",
        "--model",
        "X",
        "--cost",
        "5",
    ]);
    let dup = env.fails(
        &[
            "equipment",
            "add",
            "--tag",
            "LAP-1",
            "--kind",
            "laptop",
            "--model",
            "X",
            "--cost",
            "5",
        ],
        6,
    );
    assert!(dup.says("asset_tag"), "{}", dup.stderr);
}

#[test]
fn several_councils_need_naming() {
    let env = Env::new();
    env.ok(&[
        "council",
        "create",
        "--slug",
        "one",
        "--name",
        "One Council",
        "--preset",
        "city-aup",
    ]);
    env.ok(&[
        "council",
        "create",
        "--slug",
        "two",
        "--name",
        "Two Council",
        "--preset",
        "town-it-policy",
    ]);
    let run = env.fails(&["person", "list"], 3);
    assert!(run.says("--council"), "{}", run.stderr);
    env.ok(&["person", "list", "--council", "two"]);
}

#[test]
fn a_reader_that_stops_reading_ends_the_command_quietly() {
    use std::process::Stdio;
    let env = Env::new();
    env.council("town-it-policy", "2027-01-01");
    // More than a pipe holds, so that the command is still writing when the reader goes.
    let mut csv = String::from("reference,name,kind\n");
    for n in 0..600 {
        csv.push_str(&format!(
            "P{n:03},Person number {n} with a name long enough to fill a pipe,employee\n"
        ));
    }
    let file = env.file("people.csv", &csv);
    env.ok(&["person", "import", file.to_str().unwrap()]);
    for json in [true, false] {
        let mut args = vec!["person", "list"];
        if json {
            args.push("--json");
        }
        let mut child = env
            .command()
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Like `| head -c 1`: read a little, then close the pipe.
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 1];
        std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(out.status.code(), Some(0), "{stderr}");
    }
}
