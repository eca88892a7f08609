//! City members' code: a member not re-elected has 10 days to return equipment, after which
//! the full replacement cost may be charged.

use crate::support::{Env, refusals};

fn setup() -> Env {
    let env = Env::new();
    env.council("city-members-code", "2026-01-01");
    env.ok(&[
        "person",
        "add",
        "--ref",
        "M1",
        "--name",
        "Eve Marsh",
        "--kind",
        "councillor",
        "--term-start",
        "2023-05-04",
        "--as-of",
        "2027-01-10",
    ]);
    env.ok(&[
        "equipment",
        "add",
        "--tag",
        "LAP-7",
        "--kind",
        "laptop",
        "--model",
        "X1",
        "--cost",
        "799.00",
        "--as-of",
        "2027-01-10",
    ]);
    env.ok(&["loan", "issue", "M1", "LAP-7", "--as-of", "2027-01-10"]);
    env
}

#[test]
fn leaver_owes_laptop_ten_days_later_then_its_replacement_cost() {
    let env = setup();
    let left = env.ok(&[
        "person",
        "leave",
        "M1",
        "--on",
        "2027-05-06",
        "--reason",
        "not_re_elected",
        "--as-of",
        "2027-05-06",
    ]);
    assert_eq!(left["loans"][0]["leaving_by"], "2027-05-16");
    assert_eq!(left["citation"]["clause"], "28.9");

    let human = env.run(&["loan", "show", "1", "--as-of", "2027-05-07"]);
    assert!(human.stdout.contains("16 May 2027"), "{}", human.stdout);
    assert!(
        human
            .stdout
            .contains("clause 28.9, Code on use of IT equipment"),
        "{}",
        human.stdout
    );

    let on_the_day = env.ok(&["due", "--as-of", "2027-05-16"]);
    let kinds: Vec<&str> = on_the_day["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"return_soon") && !kinds.contains(&"charge_allowed"),
        "{kinds:?}"
    );
    let early = env.fails(&["loan", "charge", "1", "--as-of", "2027-05-16"], 5);
    assert_eq!(refusals(&early)[0].1.as_deref(), Some("28.9"));

    let day_after = env.ok(&["due", "--as-of", "2027-05-17"]);
    let charge = day_after["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "charge_allowed")
        .expect("charge listed");
    assert!(charge["detail"].as_str().unwrap().contains("£799.00"));
    let raised = env.ok(&["loan", "charge", "1", "--as-of", "2027-05-17"]);
    assert_eq!(raised["amount"], 79_900);
    assert_eq!(raised["clause"], "28.9");
    env.fails(&["loan", "charge", "1", "--as-of", "2027-05-18"], 6);
}

#[test]
fn returned_in_time_means_no_charge() {
    let env = setup();
    env.ok(&[
        "person",
        "leave",
        "M1",
        "--on",
        "2027-05-06",
        "--reason",
        "stood_down",
        "--as-of",
        "2027-05-06",
    ]);
    let back = env.ok(&["loan", "return", "1", "--as-of", "2027-05-12"]);
    assert_eq!(back["equipment"]["state"], "returned");
    env.fails(&["loan", "charge", "1", "--as-of", "2027-05-20"], 5);
}

#[test]
fn staff_are_outside_the_members_code() {
    let env = setup();
    env.ok(&[
        "person",
        "add",
        "--ref",
        "S9",
        "--name",
        "Sam Desk",
        "--kind",
        "employee",
        "--as-of",
        "2027-01-10",
    ]);
    env.ok(&[
        "equipment",
        "add",
        "--tag",
        "LAP-8",
        "--kind",
        "laptop",
        "--model",
        "X1",
        "--cost",
        "799",
        "--as-of",
        "2027-01-10",
    ]);
    let refused = env.fails(
        &["loan", "issue", "S9", "LAP-8", "--as-of", "2027-01-11"],
        5,
    );
    assert!(refusals(&refused).contains(&("scope".into(), Some("28.1".into()))));
}
