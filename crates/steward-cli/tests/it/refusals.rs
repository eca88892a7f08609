//! Every command the policy refuses exits with the one code for a refusal (5), gives each
//! reason with its gate and, where the policy has one, its clause, and prints the reasons as
//! text without --json.

use crate::api::town;
use crate::support::{Env, refusals};

const DAY: &str = "2027-01-05";

/// Runs `args` with --json, expecting a refusal; answers each reason's gate and
/// clause. The same command without --json says "refused" on standard error.
fn refused(env: &Env, args: &[&str]) -> Vec<(String, Option<String>)> {
    let mut all = args.to_vec();
    all.extend(["--as-of", DAY]);
    let text = env.run(&all);
    assert_eq!(
        text.code, 5,
        "steward {args:?}: {}{}",
        text.stdout, text.stderr
    );
    assert!(
        text.stderr.contains("refused:") || text.stdout.starts_with("Refused:"),
        "steward {args:?}: [{}] [{}]",
        text.stdout,
        text.stderr
    );
    all.push("--json");
    let run = env.run(&all);
    assert_eq!(run.code, 5, "steward {args:?}: {}", run.stdout);
    assert!(run.stderr.is_empty(), "steward {args:?}: {}", run.stderr);
    let found = refusals(&run);
    assert!(!found.is_empty(), "steward {args:?}: no reason given");
    found
}

#[test]
fn every_refusal_by_the_policy_exits_five_with_its_reasons() {
    let t = town();
    let env = &t.env;
    env.ok(&["loan", "issue", "M1", "LAP-1", "--as-of", DAY]);

    // One machine per household: a clause.
    let household = refused(env, &["loan", "issue", "M2", "LAP-2"]);
    assert!(
        household
            .iter()
            .any(|(g, c)| g == "household_limit" && c.is_some())
    );
    let check = refused(env, &["loan", "check", "M2", "LAP-2"]);
    assert_eq!(check, household);
    // No recall in this policy, and no signature to sign, record or print a form for.
    let recall = refused(env, &["loan", "recall", "1", "--by", "S1"]);
    assert_eq!(recall[0].0, "no_provision");
    let paper = [
        "acceptance",
        "record-paper",
        "M3",
        "--signed-on",
        DAY,
        "--recorded-by",
        "S1",
    ];
    assert_eq!(refused(env, &paper)[0].0, "no_provision");
    assert_eq!(
        refused(
            env,
            &["acceptance", "sign", "M3", "--typed-name", "Cy Rowe"]
        )[0]
        .0,
        "no_provision"
    );
    assert_eq!(
        refused(env, &["acceptance", "form", "M3", "--out", "form.pdf"])[0].0,
        "no_provision"
    );
    assert!(!env.dir.path().join("form.pdf").exists());
    // No policy in force yet on a day before it was adopted: the same code, saying so.
    for args in [
        &["loan", "issue", "M3", "LAP-2"][..],
        &["loan", "check", "M3", "LAP-2"],
    ] {
        let mut all = args.to_vec();
        all.extend(["--as-of", "2026-01-01", "--json"]);
        let run = env.run(&all);
        assert_eq!(run.code, 5, "steward {args:?}: {}", run.stdout);
        assert_eq!(run.json()["error"]["kind"], "refused", "{}", run.stdout);
        assert!(
            run.says("has not adopted a policy in force"),
            "{}",
            run.stdout
        );
    }
}
