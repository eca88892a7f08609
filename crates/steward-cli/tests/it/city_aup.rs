//! City acceptable use policy: covers staff and volunteers too; returned equipment waits for
//! erasure; a new version of the policy needs a new signature.

use crate::support::{Env, refusals};

const PRESET: &str = include_str!("../../../steward-policy/presets/city-aup.toml");

fn setup() -> Env {
    let env = Env::new();
    env.council("city-aup", "2026-04-01");
    env.ok(&[
        "person",
        "add",
        "--ref",
        "V1",
        "--name",
        "Jo Kemp",
        "--kind",
        "volunteer",
        "--term-start",
        "2026-04-01",
        "--as-of",
        "2027-01-04",
    ]);
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
        "2027-01-04",
    ]);
    env
}

#[test]
fn return_sends_equipment_for_erasure() {
    let env = setup();
    env.ok(&[
        "acceptance",
        "sign",
        "V1",
        "--typed-name",
        "Jo Kemp",
        "--as-of",
        "2027-01-04",
    ]);
    env.ok(&["loan", "issue", "V1", "LAP-1", "--as-of", "2027-01-04"]);
    let back = env.ok(&["loan", "return", "1", "--as-of", "2027-03-01"]);
    assert_eq!(back["equipment"]["state"], "awaiting_erasure");
    assert_eq!(back["erasure"]["clause"], "Infrastructure security");
    // It cannot go out again until erased.
    env.ok(&[
        "person",
        "add",
        "--ref",
        "E1",
        "--name",
        "Kay Ng",
        "--kind",
        "employee",
        "--as-of",
        "2027-03-01",
    ]);
    env.ok(&[
        "acceptance",
        "sign",
        "E1",
        "--typed-name",
        "Kay Ng",
        "--as-of",
        "2027-03-01",
    ]);
    let refused = env.fails(
        &["loan", "issue", "E1", "LAP-1", "--as-of", "2027-03-01"],
        5,
    );
    // The refusal rests on the rule that sends returned equipment for erasure.
    assert_eq!(
        refusals(&refused)[0],
        (
            "availability".to_string(),
            Some("Infrastructure security".to_string())
        )
    );
    env.ok(&[
        "equipment",
        "state",
        "LAP-1",
        "erased",
        "--as-of",
        "2027-03-02",
    ]);
    env.ok(&["loan", "issue", "E1", "LAP-1", "--as-of", "2027-03-02"]);
}

#[test]
fn new_version_needs_a_new_signature_and_old_versions_stay_readable() {
    let env = setup();
    env.ok(&[
        "acceptance",
        "sign",
        "V1",
        "--typed-name",
        "Jo Kemp",
        "--as-of",
        "2027-01-04",
    ]);
    let before = env.ok(&[
        "acceptance",
        "list",
        "--outstanding",
        "--as-of",
        "2027-01-05",
    ]);
    assert_eq!(before.as_array().map(Vec::len), Some(0));

    let changed = PRESET.replacen("version = \"", "version = \"rev-", 1);
    let path = env.file("aup-v2.toml", &changed);
    let adopted = env.ok(&[
        "policy",
        "adopt",
        path.to_str().unwrap(),
        "--effective",
        "2027-02-01",
        "--as-of",
        "2027-01-20",
    ]);
    assert_eq!(adopted["number"], 2);

    // Until the new version takes effect the old signature counts.
    let still = env.ok(&[
        "acceptance",
        "list",
        "--outstanding",
        "--as-of",
        "2027-01-31",
    ]);
    assert_eq!(still.as_array().map(Vec::len), Some(0));
    let after = env.ok(&[
        "acceptance",
        "list",
        "--outstanding",
        "--as-of",
        "2027-02-01",
    ]);
    assert_eq!(after[0]["status"]["status"], "lapsed");

    let versions = env.ok(&["policy", "versions"]);
    assert_eq!(versions.as_array().map(Vec::len), Some(2));
    let old = env.ok(&["policy", "show", "--version", "1"]);
    assert!(!old["version"].as_str().unwrap().starts_with("rev-"));
    // Adopting the identical text again is refused.
    env.fails(
        &[
            "policy",
            "adopt",
            path.to_str().unwrap(),
            "--effective",
            "2027-03-01",
            "--as-of",
            "2027-02-20",
        ],
        6,
    );
}

/// `as_user` closes `case` with `outcome`, expecting exit `code` (0, or 5: refused by policy).
fn close(env: &Env, as_user: &str, case: &str, outcome: &str, code: i32) -> crate::support::Run {
    env.fails(
        &[
            "case",
            "close",
            case,
            "--outcome",
            outcome,
            "--note",
            "Heard both sides",
            "--as",
            as_user,
            "--as-of",
            "2027-01-06",
        ],
        code,
    )
}

/// A councillor's breach is a code of conduct complaint and never disciplinary; a volunteer's
/// may go through the disciplinary procedure and is never a code of conduct complaint.
#[test]
fn outcomes_offered_depend_on_whose_breach_it_is() {
    let env = setup();
    // The councillor C1, and the two offices that hear breaches: members' and staff's.
    for (reference, kind, office) in [
        ("C1", "councillor", None),
        ("H1", "employee", Some("head_of_law_and_governance")),
        ("L1", "employee", Some("line_manager")),
    ] {
        env.person(reference, kind, office, "2026-05-01", "2027-01-04");
    }
    for (username, person) in [("law", "H1"), ("manager", "L1")] {
        crate::api::user(
            &env,
            &[
                "--username",
                username,
                "--role",
                "officer",
                "--person",
                person,
            ],
        );
    }
    let mut cases = Vec::new();
    for subject in ["C1", "V1"] {
        let raised = env.ok(&[
            "case",
            "raise",
            "--subject",
            subject,
            "--summary",
            "Shared a password",
            "--as",
            "law",
            "--as-of",
            "2027-01-05",
        ]);
        cases.push(raised["id"].as_i64().unwrap().to_string());
    }
    let offered = |case: &str, as_user: &str| -> Vec<String> {
        let shown = env.ok(&[
            "case",
            "show",
            case,
            "--as",
            as_user,
            "--as-of",
            "2027-01-06",
        ]);
        shown["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["outcome"].as_str().unwrap().to_string())
            .collect()
    };
    let member = offered(&cases[0], "law");
    assert!(
        member.contains(&"code_of_conduct_complaint".to_string()),
        "{member:?}"
    );
    assert!(!member.contains(&"disciplinary".to_string()), "{member:?}");
    let volunteer = offered(&cases[1], "manager");
    assert!(
        volunteer.contains(&"disciplinary".to_string()),
        "{volunteer:?}"
    );
    assert!(!volunteer.contains(&"code_of_conduct_complaint".to_string()));

    let refused = close(&env, "law", &cases[0], "disciplinary", 5);
    assert_eq!(
        refusals(&refused),
        [("scope".to_string(), Some("Policy compliance".to_string()))]
    );
    close(&env, "law", &cases[0], "code_of_conduct_complaint", 0);
    close(&env, "manager", &cases[1], "code_of_conduct_complaint", 5);
    close(&env, "manager", &cases[1], "disciplinary", 0);
}
