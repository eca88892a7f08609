//! `steward audit log`: filtered and paged in the database, sentences for people, records as
//! stored with `--json`.

use crate::audit::busy_council;
use serde_json::Value;

fn seqs(log: &Value) -> Vec<i64> {
    log.as_array()
        .unwrap()
        .iter()
        .map(|r| r["seq"].as_i64().unwrap())
        .collect()
}

#[test]
fn the_log_pages_filters_and_reads_in_words() {
    let env = busy_council();
    let every = seqs(&env.ok(&["audit", "log", "--limit", "1000"]));
    assert!(
        every.len() > 5 && every.windows(2).all(|w| w[0] + 1 == w[1]),
        "{every:?}"
    );
    let newest = seqs(&env.ok(&["audit", "log", "--desc", "--limit", "3"]));
    let last = *every.last().unwrap();
    assert_eq!(newest, [last, last - 1, last - 2]);

    // People read sentences in London time and where the next page starts.
    let run = env.run(&["audit", "log", "--desc", "--limit", "2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("TIME (LONDON)"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("Test lent LAP-1 to Ann Oak (M1) as loan 1, due back 4 April 2027."),
        "{}",
        run.stdout
    );
    let cursor = run
        .stdout
        .split("--cursor ")
        .nth(1)
        .map(str::trim)
        .unwrap()
        .to_string();
    let rest = seqs(&env.ok(&[
        "audit", "log", "--desc", "--limit", "2", "--cursor", &cursor,
    ]));
    assert_eq!(rest, [last - 2, last - 3]);

    let loans = env.ok(&["audit", "log", "--action", "loan.issue", "--by", "test"]);
    assert_eq!(loans.as_array().unwrap().len(), 1);
    assert_eq!(loans[0]["entity"], "loan");
    let on_day = seqs(&env.ok(&[
        "audit",
        "log",
        "--from",
        "2027-01-04",
        "--to",
        "2027-01-04",
        "--limit",
        "1000",
    ]));
    // Everything happened that day.
    assert_eq!(on_day, every);
    assert!(seqs(&env.ok(&["audit", "log", "--to", "2027-01-03"])).is_empty());
    assert!(seqs(&env.ok(&["audit", "log", "--from", "2027-01-05"])).is_empty());

    for bad in [
        vec!["audit", "log", "--cursor", "nonsense"],
        vec!["audit", "log", "--from", "2027-01-05", "--to", "2027-01-04"],
        vec!["audit", "log", "--limit", "0"],
    ] {
        let run = env.run(&bad);
        assert_ne!(run.code, 0, "{bad:?}");
        assert!(!run.stderr.is_empty(), "{bad:?}");
    }
}
