//! City acceptable use policy: personal calls are kept to one's own time and nothing is repaid,
//! so bills can be imported and read but no statement is raised, and the clause says why.

use super::{items_on, person, phone};
use crate::api::{Server, is_problem, token, user};
use crate::support::{Env, refusals};
use serde_json::json;

const CLAUSE: &str = "Use of fixed line phone, mobile phones and smart phones";

#[test]
fn own_time_only_raises_no_statement_and_says_why() {
    let env = Env::new();
    env.council("city-aup", "2026-04-01");
    let day = "2027-01-04";
    person(&env, "E1", "Kay Ng", "employee", &[], day);
    phone(&env, "PHN-1", day);
    env.ok(&[
        "acceptance",
        "sign",
        "E1",
        "--typed-name",
        "Kay Ng",
        "--as-of",
        day,
    ]);
    env.ok(&["loan", "issue", "E1", "PHN-1", "--as-of", day]);
    env.ok(&[
        "phone",
        "line",
        "add",
        "PHN-1",
        "07700 900222",
        "--as-of",
        day,
    ]);
    let bill = env.file(
        "march.csv",
        "number,call date,dialled,charge\n07700900222,2027-03-08,01632 960333,0.40\n",
    );
    env.ok(&[
        "phone",
        "bill",
        "import",
        bill.to_str().unwrap(),
        "--period",
        "2027-03",
        "--as-of",
        "2027-04-02",
    ]);
    let shown = env.ok(&["phone", "bill", "show", "1"]);
    let call = items_on(&shown, "2027-03-08")[0].to_string();
    assert_eq!(shown["holders"][0]["person"], "E1");

    let refused = env.fails(
        &[
            "phone",
            "bill",
            "mark",
            "1",
            "--person",
            "E1",
            "--personal",
            &call,
            "--as-of",
            "2027-04-03",
        ],
        5,
    );
    assert_eq!(
        refusals(&refused),
        vec![("no_provision".into(), Some(CLAUSE.into()))]
    );
    let refused = env.fails(
        &[
            "phone",
            "statement",
            "issue",
            "1",
            "--person",
            "E1",
            "--as-of",
            "2027-04-03",
        ],
        5,
    );
    assert_eq!(
        refusals(&refused),
        vec![("no_provision".into(), Some(CLAUSE.into()))]
    );
    let human = env.run(&[
        "phone",
        "statement",
        "issue",
        "1",
        "--person",
        "E1",
        "--as-of",
        "2027-04-03",
    ]);
    assert!(human.says("own time"), "{}", human.stderr);
    assert!(
        env.ok(&["phone", "statement", "list"])
            .as_array()
            .unwrap()
            .is_empty()
    );

    // The API gives the same refusal, with the clause.
    user(
        &env,
        &[
            "--username",
            "officer",
            "--role",
            "officer",
            "--person",
            "E1",
        ],
    );
    let officer = token(&env, "officer", "officer");
    let api = Server::start(&env, "2027-04-03");
    let no = api.post(
        &officer,
        "/phone-bills/1/statements",
        json!({"person": "E1"}),
    );
    is_problem(&no, 409);
    assert_eq!(no.body["refusals"][0]["citation"]["clause"], CLAUSE);
}

#[test]
fn without_a_phones_section_nothing_applies() {
    let env = Env::new();
    env.council("town-it-policy", "2026-04-01");
    let day = "2027-01-04";
    person(
        &env,
        "S1",
        "Dot Clerk",
        "employee",
        &["--office", "town_clerk"],
        day,
    );
    phone(&env, "PHN-1", day);
    env.ok(&[
        "phone",
        "line",
        "add",
        "PHN-1",
        "07700 900223",
        "--as-of",
        day,
    ]);
    let bill = env.file(
        "march.csv",
        "line,date,called,cost\n07700900223,2027-03-08,150,0.40\n",
    );
    let done = env.ok(&[
        "phone",
        "bill",
        "import",
        bill.to_str().unwrap(),
        "--period",
        "2027-03",
        "--as-of",
        "2027-04-02",
    ]);
    assert_eq!(
        done["bills"][0]["attributed"], 0,
        "the phone was with the council"
    );
    let refused = env.fails(&["phone", "statement", "issue", "1", "--person", "S1"], 3);
    assert!(
        refused.stdout.contains("made no calls"),
        "{}",
        refused.stdout
    );
}
