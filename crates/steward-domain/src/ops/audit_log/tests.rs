use super::*;
use crate::audit::AuditRecord;
use crate::records::AuditEvent;
use chrono::TimeZone;
use std::path::{Path, PathBuf};

/// The `.rs` files under `dir`, however deep.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The program's part of a source file: everything before its tests.
fn program_text(path: &Path) -> String {
    // A module of tests in a file of its own is no part of the program.
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    let text = std::fs::read_to_string(path).unwrap();
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// String literals shaped like an action: lower-case words joined by dots (`loan.issue`).
fn action_literals(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('"') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('"') else { break };
        let inner = &after[..close];
        let shaped = inner.contains('.')
            && inner.split('.').all(|part| {
                !part.is_empty()
                    && part.starts_with(|c: char| c.is_ascii_lowercase())
                    && part.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            });
        if shaped {
            found.push(inner.to_string());
            rest = &after[close + 1..];
        } else {
            rest = after;
        }
    }
    found
}

#[test]
fn every_action_the_program_records_has_words() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // Only this crate's commands append audit records; anywhere else must be added here.
    let mut all = Vec::new();
    sources(&crates, &mut all);
    for path in &all {
        let text = program_text(path);
        let in_domain = path.components().any(|c| c.as_os_str() == "steward-domain");
        let outside_program = path.components().any(|c| c.as_os_str() == "tests");
        if !in_domain && !outside_program {
            assert!(
                !text.contains(".append_audit(") && !text.contains("AuditEvent {"),
                "{} appends audit records: scan it for actions too",
                path.display()
            );
        }
    }
    let domain = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&domain, &mut files);
    let mut actions: Vec<String> = files
        .iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == "audit_log"))
        .flat_map(|p| action_literals(&program_text(p)))
        .collect();
    actions.sort();
    actions.dedup();
    assert!(actions.len() > 70, "the scan found only {actions:?}");
    for expected in ["loan.issue", "session.start", "phone.statement.issue"] {
        assert!(actions.iter().any(|a| a == expected), "{expected}");
    }
    let missing: Vec<&String> = actions
        .iter()
        .filter(|a| !ACTIONS.iter().any(|w| w.action == a.as_str()))
        .collect();
    assert!(missing.is_empty(), "actions without words: {missing:?}");
}

#[test]
fn the_scan_finds_actions_and_nothing_else() {
    let text =
        r#"audit(tx, ctx, id, "loan.issue", "loan", x); let f = "a.csv1"; let o = "x"; "y.z""#;
    assert_eq!(action_literals(text), ["loan.issue", "y.z"]);
}

#[test]
fn each_action_appears_once_with_a_label_in_words() {
    for (i, a) in ACTIONS.iter().enumerate() {
        assert!(
            !ACTIONS[i + 1..].iter().any(|b| b.action == a.action),
            "{} twice",
            a.action
        );
        assert!(
            !a.label.contains(['_', '.']) && a.label.starts_with(char::is_uppercase),
            "{}",
            a.label
        );
    }
    assert_eq!(action_label("session.start"), "Signed in");
    assert_eq!(action_label("made.up_thing"), "Made up thing");
}

fn record(
    action: &str,
    entity: &str,
    id: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> AuditRecord {
    let parse = |t: Option<&str>| t.map(|t| serde_json::from_str::<serde_json::Value>(t).unwrap());
    let at = Utc.with_ymd_and_hms(2027, 5, 16, 8, 30, 0).unwrap();
    let event = AuditEvent {
        action: action.into(),
        entity: entity.into(),
        entity_id: id.into(),
        before: parse(before),
        after: parse(after),
    };
    AuditRecord::chain(2, None, at, "clerk", &event)
}

fn names() -> Names {
    let mut names = Names::default();
    names.people.insert(19, ("Ada Quill".into(), "M003".into()));
    names
        .people_by_ref
        .insert("M003".into(), "Ada Quill".into());
    names.equipment.insert(16, "LAP-0102".into());
    names.pack_versions.insert(7, 2);
    names.accounts.insert(
        "clerk".into(),
        UserName {
            role: "officer".into(),
            person_name: None,
        },
    );
    names.accounts.insert(
        "ada".into(),
        UserName {
            role: "member".into(),
            person_name: Some("Ada Quill".into()),
        },
    );
    names
}

const LOAN: &str = r#"{"council_id":2,"due_clause":"28.9","due_on":"2027-05-16","ended_as":null,"equipment_id":16,"id":9,"issued_on":"2027-01-04","leaving_by":null,"leaving_clause":null,"pack_version_id":7,"person_id":19,"recall_by":null,"recall_clause":null,"returned_on":null}"#;

#[test]
fn records_read_as_sentences_with_tables_in_words() {
    let names = names();
    let lent = describe(
        &[record("loan.issue", "loan", "9", None, Some(LOAN))],
        &names,
    );
    let lent = &lent[0];
    assert_eq!(
        lent.sentence,
        "The officer clerk lent LAP-0102 to Ada Quill (M003) as loan 9, due back 16 May 2027."
    );
    assert_eq!(lent.when, "9:30am, 16 May 2027");
    assert_eq!(lent.label, "Lent equipment");
    let row = |label: &str| lent.changes.iter().find(|c| c.label == label).cloned();
    assert_eq!(
        row("Due back").and_then(|c| c.after).as_deref(),
        Some("16 May 2027")
    );
    assert_eq!(
        row("Equipment").and_then(|c| c.after).as_deref(),
        Some("LAP-0102")
    );
    assert_eq!(
        row("Person").and_then(|c| c.after).as_deref(),
        Some("Ada Quill (M003)")
    );
    assert_eq!(
        row("Policy version").and_then(|c| c.after).as_deref(),
        Some("version 2")
    );
    for c in &lent.changes {
        assert!(!c.label.contains('_'), "{c:?}");
        assert!(c.before.is_none(), "{c:?}");
    }
    assert!(row("Council id").is_none() && row("Id").is_none());

    let signed = describe(
        &[record(
            "acceptance.sign",
            "person",
            "M003",
            None,
            Some(
                r#"{"id":1,"method":"self_service","pack_hash":"7d9ed9403efa7e9a743c41801f555e6ec2f71cb4b6f8608edcc1cd2553bbb41e","pack_version_id":7,"person_id":19,"recorded_at":"2027-05-16T08:30:00.000000Z","recorded_by":null,"signed_on":"2027-05-16","typed_name":"Ada Quill"}"#,
            ),
        )],
        &names,
    );
    assert_eq!(
        signed[0].sentence,
        "Ada Quill (M003) signed the policy (version 2)."
    );
    let shown: Vec<String> = signed[0]
        .changes
        .iter()
        .flat_map(|c| [Some(c.label.clone()), c.after.clone()])
        .flatten()
        .collect();
    assert!(
        shown.contains(&"9:30am, 16 May 2027".to_string()),
        "{shown:?}"
    );
    assert!(shown.contains(&"online".to_string()), "{shown:?}");
    assert!(!shown.iter().any(|s| s.contains("7d9ed94")), "{shown:?}");
}

#[test]
fn an_update_shows_only_what_changed() {
    let before = r#"{"asset_tag":"LAP-0102","state":"in_stock","replacement_cost":89900}"#;
    let after = r#"{"asset_tag":"LAP-0102","state":"issued","replacement_cost":89900}"#;
    let done = describe(
        &[record(
            "equipment.state",
            "equipment",
            "LAP-0102",
            Some(before),
            Some(after),
        )],
        &names(),
    );
    assert_eq!(
        done[0].sentence,
        "The officer clerk changed LAP-0102 from in stock to issued."
    );
    assert_eq!(
        done[0].changes,
        [FieldChange {
            label: "State".into(),
            before: Some("in stock".into()),
            after: Some("issued".into()),
        }]
    );
}

#[test]
fn who_acted_is_named_in_words() {
    let names = names();
    let by = |actor: &str| {
        let mut r = record("session.start", "user", "ada", None, None);
        r.actor = actor.into();
        describe(&[r], &names)[0].sentence.clone()
    };
    assert_eq!(by("ada"), "Ada Quill (member ada) signed in.");
    assert_eq!(by("cli"), "Someone using the command line signed in.");
    assert_eq!(
        by("clerk (API)"),
        "The officer clerk, through the API, signed in."
    );
    assert_eq!(by("j.bloggs"), "J.bloggs signed in.");
}

#[test]
fn every_action_says_something_even_without_data() {
    let names = Names::default();
    for a in ACTIONS {
        let r = record(a.action, "thing", "7", None, None);
        let d = &describe(&[r], &names)[0];
        assert!(d.sentence.ends_with('.'), "{}: {}", a.action, d.sentence);
        assert!(!d.sentence.contains('_'), "{}: {}", a.action, d.sentence);
        assert!(d.sentence.len() > 10, "{}: {}", a.action, d.sentence);
        assert!(d.changes.is_empty());
    }
}

#[test]
fn erased_records_say_so() {
    let mut r = record(
        "person.add",
        "person",
        "M003",
        None,
        Some(r#"{"name":"Ada"}"#),
    );
    r.after = None;
    r.erased_on = chrono::NaiveDate::from_ymd_opt(2034, 1, 1);
    let d = &describe(&[r], &names())[0];
    assert!(d.erased);
    assert!(
        d.sentence
            .ends_with("erased on 1 January 2034 under the retention rules."),
        "{}",
        d.sentence
    );
    assert!(d.changes.is_empty());
}

#[test]
fn names_are_gathered_from_every_record_of_a_page() {
    let records = [
        record("loan.issue", "loan", "9", None, Some(LOAN)),
        record(
            "notice.queue",
            "notice",
            "k",
            None,
            Some(r#"{"recipients":["person:M7","office:clerk","officers"],"subject":"Due"}"#),
        ),
        record(
            "request.assign",
            "request",
            "3",
            None,
            Some(r#"{"assignee_id":4}"#),
        ),
    ];
    let keys = NameKeys::of(&records);
    assert_eq!(keys.person_ids.iter().copied().collect::<Vec<_>>(), [19]);
    assert_eq!(keys.equipment_ids.iter().copied().collect::<Vec<_>>(), [16]);
    assert_eq!(
        keys.pack_version_ids.iter().copied().collect::<Vec<_>>(),
        [7]
    );
    assert_eq!(keys.user_ids.iter().copied().collect::<Vec<_>>(), [4]);
    assert_eq!(keys.person_refs.iter().cloned().collect::<Vec<_>>(), ["M7"]);
    assert_eq!(
        keys.usernames.iter().cloned().collect::<Vec<_>>(),
        ["clerk"]
    );
    let d = describe(&records[1..2], &names());
    assert_eq!(
        d[0].sentence,
        "The officer clerk queued the notice “Due” for M7, the clerk office, the officers."
    );
}

#[test]
fn corrections_name_the_fields_they_changed() {
    let before = r#"{"id":19,"council_id":2,"reference":"M003","name":"Ada Quil","kind":"member","email":null,"household":null}"#;
    let after = r#"{"id":19,"council_id":2,"reference":"M003","name":"Ada Quill","kind":"member","email":"ada@example.gov.uk","household":null}"#;
    let done = describe(
        &[record(
            "person.edit",
            "person",
            "M003",
            Some(before),
            Some(after),
        )],
        &names(),
    );
    assert_eq!(
        done[0].sentence,
        "The officer clerk corrected the name and the email address of Ada Quill (M003)."
    );
    let labels: Vec<&str> = done[0].changes.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["Email address", "Name"]);

    let before = r#"{"asset_tag":"LAP-0102","model":"X1","serial":"A1","replacement_cost":89900}"#;
    let after = r#"{"asset_tag":"LAP-0102","model":"X1","serial":"B2","replacement_cost":89900}"#;
    let done = describe(
        &[record(
            "equipment.edit",
            "equipment",
            "LAP-0102",
            Some(before),
            Some(after),
        )],
        &names(),
    );
    assert_eq!(
        done[0].sentence,
        "The officer clerk corrected the serial number of LAP-0102."
    );
}
