//! County members' policy, clause 24: the holder pays for personal calls. Everything through the
//! command line.

use super::{items_on, person, phone};
use crate::support::Env;

const BAD_BILL: &str = "\
Mobile Number,Call Date,Time,Number Called,Duration,Cost (£)
07700 900123,03/04/2027,09:15,01632 960001,3:25,0.35
07700 900123,31/04/2027,10:00,01632 960002,1:00,0.10
07700 900123,2027-04-05,11:00,01632 960003,2:00,-0.20
07700 900999,2027-04-06,12:00,01632 960004,2:00,0.50
";

const BILL: &str = "\
Mobile Number,Call Date,Time,Number Called,Description,Duration,Cost (£)
07700 900123,2027-04-10,09:15,01632 960001,Call,3:25,0.35
07700 900123,10/04/2027,19:40,07700 900555,Call,12:00,1.20
07700 900123,2027-04-12,08:00,,Text,,0.10
07700 900123,2027-04-17,14:00,01632 960002,Call,5:00,0.80
07700 900123,2027-04-25,18:30,07700 900666,Call,2:00,0.45
07700 900123,2027-03-30,18:30,07700 900777,Call,1:00,0.05
";

/// Ida (M1) holds PHN-1 from January, returns it on 15 April; Joe (M2) has it from 20 April.
fn setup() -> Env {
    let env = Env::new();
    env.council("county-members-policy", "2026-09-01");
    let day = "2027-01-04";
    person(
        &env,
        "S1",
        "Hal Moss",
        "employee",
        &["--office", "democratic_support_manager"],
        day,
    );
    person(
        &env,
        "M1",
        "Ida Lowe",
        "councillor",
        &["--term-start", "2025-05-01"],
        day,
    );
    person(
        &env,
        "M2",
        "Joe Marr",
        "councillor",
        &["--term-start", "2025-05-01"],
        day,
    );
    phone(&env, "PHN-1", day);
    phone(&env, "PHN-2", day);
    for m in ["M1", "M2"] {
        env.ok(&[
            "acceptance",
            "record-paper",
            m,
            "--signed-on",
            "2027-01-03",
            "--recorded-by",
            "S1",
            "--as-of",
            day,
        ]);
    }
    env.ok(&[
        "loan",
        "issue",
        "M1",
        "PHN-1",
        "--authorised-by",
        "S1",
        "--as-of",
        day,
    ]);
    env.ok(&["loan", "return", "1", "--as-of", "2027-04-15"]);
    env.ok(&[
        "equipment",
        "state",
        "PHN-1",
        "in_stock",
        "--as-of",
        "2027-04-15",
    ]);
    env.ok(&[
        "loan",
        "issue",
        "M2",
        "PHN-1",
        "--authorised-by",
        "S1",
        "--as-of",
        "2027-04-20",
    ]);
    env
}

#[test]
fn lines_are_numbers_of_mobile_phones_and_unique() {
    let env = setup();
    let line = env.ok(&[
        "phone",
        "line",
        "add",
        "PHN-1",
        "07700 900123",
        "--as-of",
        "2027-04-20",
    ]);
    assert_eq!(line["number"], "+447700900123");
    // The same number written another way is the same line.
    let taken = env.fails(
        &[
            "phone",
            "line",
            "add",
            "PHN-2",
            "+44 (0)7700 900123",
            "--as-of",
            "2027-04-20",
        ],
        6,
    );
    assert!(
        taken.stdout.contains("already the line of PHN-1"),
        "{}",
        taken.stdout
    );
    let bad = env.fails(&["phone", "line", "add", "PHN-2", "999"], 3);
    assert!(bad.stdout.contains("whole number"), "{}", bad.stdout);
    env.ok(&[
        "equipment",
        "add",
        "--tag",
        "LAP-1",
        "--kind",
        "laptop",
        "--model",
        "T14",
        "--cost",
        "700",
        "--as-of",
        "2027-04-20",
    ]);
    let laptop = env.fails(&["phone", "line", "add", "LAP-1", "07700 900124"], 3);
    assert!(
        laptop.stdout.contains("only a mobile phone"),
        "{}",
        laptop.stdout
    );

    let listed = env.ok(&["phone", "line", "list"]);
    assert_eq!(listed[0]["asset_tag"], "PHN-1");
    assert_eq!(listed[0]["holder"], "M2");
    let human = env.run(&["phone", "line", "list"]);
    assert!(human.stdout.contains("07700 900123"), "{}", human.stdout);

    env.ok(&[
        "phone",
        "line",
        "remove",
        "07700900123",
        "--as-of",
        "2027-04-21",
    ]);
    assert_eq!(
        env.ok(&["phone", "line", "list"]).as_array().unwrap().len(),
        0
    );
    assert_eq!(
        env.ok(&["phone", "line", "list", "--all"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Freed, the number can go to another phone.
    env.ok(&[
        "phone",
        "line",
        "add",
        "PHN-2",
        "07700 900123",
        "--as-of",
        "2027-04-21",
    ]);
}

#[test]
fn a_bad_bill_imports_nothing_and_names_every_problem() {
    let env = setup();
    env.ok(&[
        "phone",
        "line",
        "add",
        "PHN-1",
        "07700 900123",
        "--as-of",
        "2027-04-20",
    ]);
    let file = env.file("bill.csv", BAD_BILL);
    let path = file.to_str().unwrap();
    let run = env.run(&[
        "phone",
        "bill",
        "import",
        path,
        "--period",
        "2027-04",
        "--as-of",
        "2027-05-03",
    ]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    for expected in [
        "bill.csv: 2 rows have problems; nothing was imported",
        "bill.csv:3: date: '31/04/2027' is not a date",
        "bill.csv:4: cost: '-0.20' is a credit",
    ] {
        assert!(run.says(expected), "{expected}:\n{}", run.stderr);
    }
    // Rows that read well are then checked against the register and the month.
    let unknown = env.file(
        "unknown.csv",
        "line,date,called,cost\n\
         07700 900123,2027-02-27,01632 960001,0.35\n\
         07700 900123,2027-04-02,01632 960001,0.35\n\
         07700 900999,2027-04-06,01632 960004,0.50\n",
    );
    let run = env.fails(
        &[
            "phone",
            "bill",
            "import",
            unknown.to_str().unwrap(),
            "--period",
            "2027-04",
            "--as-of",
            "2027-05-03",
        ],
        3,
    );
    let message = run.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("2 rows have problems"), "{message}");
    assert!(
        message.contains(":2: date: 27 February 2027 is outside the April 2027 bill"),
        "{message}"
    );
    assert!(
        message.contains(":4: line: 07700 900999 is not a registered council phone line"),
        "{message}"
    );
    assert!(
        env.ok(&["phone", "bill", "list"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    let bad_month = env.fails(&["phone", "bill", "import", path, "--period", "April"], 3);
    assert!(bad_month.stdout.contains("YYYY-MM"), "{}", bad_month.stdout);
}

#[test]
fn calls_go_to_the_holder_of_the_day_who_marks_and_pays_for_personal_ones() {
    let env = setup();
    env.ok(&[
        "phone",
        "line",
        "add",
        "PHN-1",
        "07700 900123",
        "--as-of",
        "2027-04-20",
    ]);
    let file = env.file("april.csv", BILL);
    let path = file.to_str().unwrap();
    let import = [
        "phone",
        "bill",
        "import",
        path,
        "--period",
        "2027-04",
        "--as-of",
        "2027-05-03",
    ];
    let done = env.ok(&import);
    let bill = &done["bills"][0];
    assert_eq!(bill["items"], 6);
    assert_eq!(bill["total"], 295);
    assert_eq!(bill["attributed"], 5, "17 April was with the council");
    let again = env.fails(&import, 6);
    assert!(
        again.stdout.contains("already imported on 3 May 2027"),
        "{}",
        again.stdout
    );

    let shown = env.ok(&["phone", "bill", "show", "1"]);
    let ida: Vec<i64> = ["2027-03-30", "2027-04-10", "2027-04-12"]
        .iter()
        .flat_map(|d| items_on(&shown, d))
        .collect();
    let joe = items_on(&shown, "2027-04-25");
    let council = items_on(&shown, "2027-04-17");
    assert_eq!(ida.len(), 4);
    let holders: Vec<(&str, i64)> = shown["holders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["person"].as_str().unwrap(), h["items"].as_i64().unwrap()))
        .collect();
    assert_eq!(holders, vec![("M1", 4), ("M2", 1)]);
    assert_eq!(shown["council_items"], 1);
    assert_eq!(shown["council_cost"], 80);
    let _ = council;

    // Ida marks her evening call and her text; she cannot mark Joe's.
    let personal = format!("{},{}", ida[2], ida[3]);
    let stolen = format!("{},{}", ida[2], joe[0]);
    let refused = env.fails(
        &[
            "phone",
            "bill",
            "mark",
            "1",
            "--person",
            "M1",
            "--personal",
            &stolen,
            "--as-of",
            "2027-05-04",
        ],
        3,
    );
    assert!(
        refused.stdout.contains("not one of your calls"),
        "{}",
        refused.stdout
    );
    let marked = env.ok(&[
        "phone",
        "bill",
        "mark",
        "1",
        "--person",
        "M1",
        "--personal",
        &personal,
        "--as-of",
        "2027-05-04",
    ]);
    assert_eq!(marked["personal_items"], 2);
    assert_eq!(marked["personal_cost"], 130);
    assert_eq!(marked["citation"]["clause"], "24");
    let mine = env.ok(&["phone", "bill", "mine", "M1"]);
    assert_eq!(mine[0]["personal_cost"], 130);
    assert_eq!(
        mine[0]["calls"].as_array().unwrap().len(),
        4,
        "only her own items"
    );

    // The statement asks for the personal calls, under clause 24, and closes marking.
    let statement = env.ok(&[
        "phone",
        "statement",
        "issue",
        "1",
        "--person",
        "M1",
        "--as-of",
        "2027-05-06",
    ]);
    assert_eq!(statement["statement"]["amount"], 130);
    assert_eq!(statement["citation"]["clause"], "24");
    assert_eq!(
        statement["citation"]["document"],
        "Use of ICT Policy – Members of the County Council"
    );
    let closed = env.fails(
        &[
            "phone",
            "bill",
            "mark",
            "1",
            "--person",
            "M1",
            "--as-of",
            "2027-05-07",
        ],
        6,
    );
    assert!(
        closed.stdout.contains("can no longer be marked"),
        "{}",
        closed.stdout
    );
    env.fails(
        &[
            "phone",
            "statement",
            "issue",
            "1",
            "--person",
            "M1",
            "--as-of",
            "2027-05-07",
        ],
        6,
    );
    let nobody = env.fails(
        &[
            "phone",
            "statement",
            "issue",
            "1",
            "--person",
            "S1",
            "--as-of",
            "2027-05-07",
        ],
        3,
    );
    assert!(nobody.stdout.contains("made no calls"), "{}", nobody.stdout);

    // What is owed shows on the due list until it is paid, in parts, never more.
    let due = env.ok(&["due", "--as-of", "2027-05-10"]);
    let owed: Vec<&serde_json::Value> = due["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "phone_costs_owed")
        .collect();
    assert_eq!(owed.len(), 1, "{due}");
    assert_eq!(owed[0]["citation"]["clause"], "24");
    assert!(
        owed[0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("£1.30 owed"),
        "{}",
        owed[0]
    );
    let part = env.ok(&[
        "phone",
        "statement",
        "pay",
        "1",
        "--amount",
        "0.50",
        "--reference",
        "R1",
        "--as-of",
        "2027-05-10",
    ]);
    assert_eq!(part["outstanding"], 80);
    let over = env.fails(
        &[
            "phone",
            "statement",
            "pay",
            "1",
            "--amount",
            "0.81",
            "--as-of",
            "2027-05-10",
        ],
        3,
    );
    assert!(
        over.stdout.contains("more than the £0.80 still owed"),
        "{}",
        over.stdout
    );
    let listed = env.ok(&["phone", "statement", "list", "--outstanding"]);
    assert_eq!(listed[0]["paid"], 50);
    let rest = env.ok(&[
        "phone",
        "statement",
        "pay",
        "1",
        "--amount",
        "0.80",
        "--as-of",
        "2027-05-11",
    ]);
    assert_eq!(rest["outstanding"], 0);
    env.fails(
        &[
            "phone",
            "statement",
            "pay",
            "1",
            "--amount",
            "0.01",
            "--as-of",
            "2027-05-11",
        ],
        6,
    );
    assert!(
        env.ok(&["phone", "statement", "list", "--outstanding"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    let due = env.ok(&["due", "--as-of", "2027-05-12"]);
    assert!(!due.to_string().contains("phone_costs_owed"));
    let human = env.run(&["phone", "statement", "show", "1"]);
    assert!(human.stdout.contains("paid in full"), "{}", human.stdout);

    // The trail has one record for the import and one for each change, and no numbers called.
    let imports = env.ok(&["audit", "log", "--entity", "phone_bills", "--id", "2027-04"]);
    assert_eq!(imports.as_array().unwrap().len(), 1, "{imports}");
    let log = env
        .run(&["audit", "log", "--limit", "500", "--json"])
        .stdout;
    for action in [
        "phone.line.add",
        "phone.bill.import",
        "phone.calls.mark",
        "phone.statement.issue",
        "phone.payment",
    ] {
        assert!(log.contains(action), "{action} missing");
    }
    for called in ["960001", "900555", "900666", "900777"] {
        assert!(
            !log.contains(called),
            "the trail holds a number called: {called}"
        );
    }
    env.ok(&["audit", "verify"]);
}
