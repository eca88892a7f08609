//! Information requests, subject access and the printable acceptance form, through the CLI
//! and the API, on the borough's protocol: its [information_requests] names the Legal and
//! Democratic Services Manager and the Borough Solicitor to handle them (clause 9.3).

mod forms;
mod subject_access;

use crate::api::user;
use crate::support::Env;
use serde_json::Value;

/// A borough council on 4 January 2027: Olive handles information requests, Ada and Bo are
/// members, Audrey audits; each has an account of that name.
pub(crate) fn borough() -> Env {
    let env = Env::new();
    env.council("borough-members-protocol", "2027-01-04");
    for (reference, name, kind, office) in [
        (
            "S1",
            "Olive Desk",
            "employee",
            Some("legal_and_democratic_services_manager"),
        ),
        ("S2", "Sam Till", "employee", Some("service_desk")),
        ("M1", "Ada Quill", "councillor", None),
        ("M2", "Bo Fenn", "councillor", None),
    ] {
        let mut args = vec![
            "person",
            "add",
            "--ref",
            reference,
            "--name",
            name,
            "--kind",
            kind,
            "--term-start",
            "2026-05-07",
            "--as-of",
            "2027-01-04",
        ];
        if let Some(o) = office {
            args.extend(["--office", o]);
        }
        env.ok(&args);
    }
    for (username, role, person) in [
        ("olive", "officer", Some("S1")),
        ("sam", "officer", Some("S2")),
        ("ada", "member", Some("M1")),
        ("bofenn", "member", Some("M2")),
        ("audrey", "auditor", None),
    ] {
        let mut args = vec!["--username", username, "--role", role];
        if let Some(p) = person {
            args.extend(["--person", p]);
        }
        user(&env, &args);
    }
    env
}

pub(super) fn due(v: &Value) -> &str {
    v["deadline"]["due_on"].as_str().unwrap()
}

#[test]
fn foi_deadlines_count_working_days_pauses_and_extensions() {
    let env = borough();
    // Received Thursday 18 March 2027: Good Friday and Easter Monday are not working days
    // in England and Wales, so the 20th working day is Monday 19 April.
    let foi = env.ok(&[
        "foi",
        "add",
        "--as",
        "olive",
        "--requester",
        "A journalist",
        "--summary",
        "Spending on councillors' laptops",
        "--received",
        "2027-03-18",
        "--as-of",
        "2027-03-19",
    ]);
    assert_eq!(foi["reference"], "FOI-2027-0001");
    assert_eq!(due(&foi), "2027-04-19");
    assert_eq!(foi["clause"], "9.3");
    assert_eq!(foi["handlers"][0], "legal_and_democratic_services_manager");
    // Scotland keeps Easter Monday as a working day: one day sooner.
    let scot = env.ok(&[
        "foi",
        "add",
        "--as",
        "olive",
        "--requester",
        "A Scot",
        "--summary",
        "Minutes",
        "--received",
        "2027-03-18",
        "--nation",
        "scotland",
        "--as-of",
        "2027-03-19",
    ]);
    assert_eq!(due(&scot), "2027-04-16");
    assert_eq!(scot["nation"], "scotland");

    // Clarification asked on the 22nd and given on the 24th: two working days do not count.
    let paused = env.ok(&[
        "foi",
        "pause",
        "FOI-2027-0001",
        "--as",
        "olive",
        "--asked-on",
        "2027-03-22",
        "--as-of",
        "2027-03-22",
    ]);
    assert_eq!(paused["deadline"]["standing"], "paused");
    env.fails(
        &[
            "foi",
            "close",
            "FOI-2027-0001",
            "--as",
            "olive",
            "--on",
            "2027-03-23",
            "--outcome",
            "Sent",
            "--as-of",
            "2027-03-23",
        ],
        3,
    );
    let resumed = env.ok(&[
        "foi",
        "resume",
        "FOI-2027-0001",
        "--as",
        "olive",
        "--answered-on",
        "2027-03-24",
        "--as-of",
        "2027-03-25",
    ]);
    assert_eq!(due(&resumed), "2027-04-21");

    // A member is asked what they hold, sees it on their own list and answers.
    let asked = env.ok(&[
        "foi",
        "ask",
        "FOI-2027-0001",
        "--as",
        "olive",
        "--person",
        "M1",
        "--as-of",
        "2027-03-25",
    ]);
    let help = asked["helpers"][0]["id"].as_i64().unwrap().to_string();
    assert!(asked["helpers"][0]["answered_on"].is_null());
    let mine = env.ok(&["foi", "mine", "--as", "ada", "--as-of", "2027-03-26"]);
    assert_eq!(mine[0]["reference"], "FOI-2027-0001");
    assert_eq!(mine[0]["council_due_on"], "2027-04-21");
    assert!(
        env.ok(&["foi", "mine", "--as", "bofenn", "--as-of", "2027-03-26"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    env.ok(&[
        "foi",
        "answer",
        "--helper",
        &help,
        "--text",
        "Two emails about the purchase",
        "--as",
        "ada",
        "--as-of",
        "2027-03-26",
    ]);
    let shown = env.ok(&[
        "foi",
        "show",
        "FOI-2027-0001",
        "--as",
        "olive",
        "--as-of",
        "2027-03-26",
    ]);
    assert_eq!(shown["helpers"][0]["answered_on"], "2027-03-26");
    assert_eq!(shown["helpers"][0]["name"], "Ada Quill");

    // Members, and officers of other offices, neither see nor act on requests.
    env.fails(
        &[
            "foi",
            "show",
            "FOI-2027-0001",
            "--as",
            "ada",
            "--as-of",
            "2027-03-26",
        ],
        4,
    );
    env.fails(
        &[
            "foi",
            "show",
            "FOI-2027-0001",
            "--as",
            "sam",
            "--as-of",
            "2027-03-26",
        ],
        4,
    );
    env.fails(
        &[
            "foi",
            "add",
            "--as",
            "sam",
            "--requester",
            "X",
            "--summary",
            "Y",
            "--received",
            "2027-03-26",
            "--as-of",
            "2027-03-26",
        ],
        8,
    );
    // Auditors read every request and change none.
    let listed = env.ok(&["foi", "list", "--as", "audrey", "--as-of", "2027-04-19"]);
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let overdue: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["deadline"]["standing"].as_str().unwrap())
        .collect();
    assert_eq!(overdue, ["due_soon", "overdue"]);
    env.fails(
        &[
            "foi",
            "extend",
            "FOI-2027-0001",
            "--as",
            "audrey",
            "--to",
            "2027-05-20",
            "--reason",
            "x",
            "--as-of",
            "2027-04-01",
        ],
        8,
    );

    // A public-interest extension needs a reasoned later date.
    let no_date = env.fails(
        &[
            "foi",
            "extend",
            "FOI-2027-0001",
            "--as",
            "olive",
            "--reason",
            "Public interest test",
            "--as-of",
            "2027-04-01",
        ],
        3,
    );
    assert!(no_date.says("to:"), "{}", no_date.stderr);
    let extended = env.ok(&[
        "foi",
        "extend",
        "FOI-2027-0001",
        "--as",
        "olive",
        "--to",
        "2027-05-20",
        "--reason",
        "Public interest test under section 43",
        "--as-of",
        "2027-04-01",
    ]);
    assert_eq!(due(&extended), "2027-05-20");
    assert_eq!(extended["deadline"]["statutory"], "2027-04-21");

    // An EIR request extends to 40 working days: 18 May, past the early May bank holiday.
    let eir = env.ok(&[
        "foi",
        "add",
        "--eir",
        "--as",
        "olive",
        "--requester",
        "A neighbour",
        "--summary",
        "Tree survey",
        "--received",
        "2027-03-18",
        "--as-of",
        "2027-03-19",
    ]);
    assert_eq!(eir["reference"], "EIR-2027-0001");
    let eir = env.ok(&[
        "foi",
        "extend",
        "EIR-2027-0001",
        "--as",
        "olive",
        "--reason",
        "Voluminous",
        "--as-of",
        "2027-03-22",
    ]);
    assert_eq!(due(&eir), "2027-05-18");

    let closed = env.ok(&[
        "foi",
        "close",
        "FOI-2027-0001",
        "--as",
        "olive",
        "--on",
        "2027-04-30",
        "--outcome",
        "Information sent in part",
        "--as-of",
        "2027-04-30",
    ]);
    assert_eq!(closed["deadline"]["standing"], "closed");

    // Every change is in the audit trail, which still verifies.
    let log = env.ok(&[
        "audit",
        "log",
        "--entity",
        "information_request",
        "--id",
        "FOI-2027-0001",
    ]);
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    for action in [
        "information.receive",
        "information.pause",
        "information.resume",
        "information.ask",
        "information.answer",
        "information.extend",
        "information.close",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    env.ok(&["audit", "verify"]);
}
