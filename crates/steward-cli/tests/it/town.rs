//! Town council IT policy: three-month loans, one machine per household, extensions only with
//! both the Mayor and the Town Clerk.

use crate::support::{Env, refusals};

fn setup() -> Env {
    let env = Env::new();
    env.council("town-it-policy", "2027-01-04");
    for (r, name, household) in [
        ("M1", "Ada Quill", "H1"),
        ("M2", "Ben Quill", "H1"),
        ("M3", "Cy Rowe", "H2"),
    ] {
        env.ok(&[
            "person",
            "add",
            "--ref",
            r,
            "--name",
            name,
            "--kind",
            "councillor",
            "--household",
            household,
            "--term-start",
            "2026-05-07",
            "--as-of",
            "2027-01-04",
        ]);
    }
    env.ok(&[
        "person",
        "office",
        "add",
        "M3",
        "mayor",
        "--as-of",
        "2027-01-04",
    ]);
    env.ok(&[
        "person",
        "add",
        "--ref",
        "S1",
        "--name",
        "Dot Clerk",
        "--kind",
        "employee",
        "--office",
        "town_clerk",
        "--term-start",
        "2020-01-01",
        "--as-of",
        "2027-01-04",
    ]);
    for tag in ["LAP-1", "LAP-2"] {
        env.ok(&[
            "equipment",
            "add",
            "--tag",
            tag,
            "--kind",
            "laptop",
            "--model",
            "T14",
            "--cost",
            "650",
            "--as-of",
            "2027-01-04",
        ]);
    }
    env
}

#[test]
fn loan_runs_for_the_maximum_period() {
    let env = setup();
    let issued = env.envelope(&["loan", "issue", "M1", "LAP-1", "--as-of", "2027-01-04"]);
    assert_eq!(issued["command"], "loan issue");
    assert_eq!(issued["data"]["due_on"], "2027-04-04");
    assert_eq!(issued["decision"]["due"]["citation"]["clause"], "4.5");
    assert!(
        issued["outcome"].as_str().unwrap().contains("4 April 2027"),
        "{issued}"
    );
    let human = env.run(&["loan", "show", "1", "--as-of", "2027-01-05"]);
    assert!(human.stdout.contains("4 April 2027"), "{}", human.stdout);
    assert!(human.stdout.contains("clause 4.5"), "{}", human.stdout);
}

#[test]
fn second_machine_to_a_household_is_refused() {
    let env = setup();
    env.ok(&["loan", "issue", "M1", "LAP-1", "--as-of", "2027-01-04"]);
    let refused = env.fails(
        &["loan", "issue", "M2", "LAP-2", "--as-of", "2027-01-05"],
        5,
    );
    assert_eq!(
        refusals(&refused),
        vec![("household_limit".into(), Some("4.5".into()))]
    );
    // Someone from another household may still borrow it.
    env.ok(&["loan", "issue", "M3", "LAP-2", "--as-of", "2027-01-05"]);
}

#[test]
fn extension_needs_both_mayor_and_town_clerk() {
    let env = setup();
    env.ok(&["loan", "issue", "M1", "LAP-1", "--as-of", "2027-01-04"]);
    let mayor_only = env.fails(
        &[
            "loan",
            "extend",
            "1",
            "--until",
            "2027-05-04",
            "--approved-by",
            "M3",
            "--reason",
            "Chairing the budget review",
            "--as-of",
            "2027-03-01",
        ],
        5,
    );
    assert_eq!(
        refusals(&mayor_only),
        vec![("approval".into(), Some("4.5".into()))]
    );
    assert!(mayor_only.says("Town Clerk"), "{}", mayor_only.stderr);

    let no_reason = env.fails(
        &[
            "loan",
            "extend",
            "1",
            "--until",
            "2027-05-04",
            "--approved-by",
            "M3",
            "--approved-by",
            "S1",
            "--as-of",
            "2027-03-01",
        ],
        5,
    );
    assert_eq!(refusals(&no_reason)[0].0, "reason");

    let granted = env.ok(&[
        "loan",
        "extend",
        "1",
        "--until",
        "2027-05-04",
        "--approved-by",
        "M3",
        "--approved-by",
        "S1",
        "--reason",
        "Chairing the budget review",
        "--as-of",
        "2027-03-01",
    ]);
    assert_eq!(granted["new_due"], "2027-05-04");
    assert_eq!(granted["approvals"].as_array().map(Vec::len), Some(2));
    let loan = env.ok(&["loan", "show", "1", "--as-of", "2027-03-01"]);
    assert_eq!(loan["return_by"]["date"], "2027-05-04");
}

#[test]
fn overdue_loan_shows_in_what_is_due() {
    let env = setup();
    env.ok(&["loan", "issue", "M1", "LAP-1", "--as-of", "2027-01-04"]);
    let due = env.ok(&["due", "--as-of", "2027-04-10"]);
    let items = due["items"].as_array().unwrap();
    let overdue: Vec<_> = items
        .iter()
        .filter(|i| i["kind"] == "overdue_return")
        .collect();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["due_on"], "2027-04-04");
    assert_eq!(overdue[0]["citation"]["clause"], "4.5");
}
