//! Device checks and mail records under the town preset's retention (a year of each): a
//! person's subject access document shows them in words, and the purge a year on deletes
//! them, erases the audit data about them and records one purge a kind, on the backend
//! STEWARD_TEST_BACKEND selects.

use super::workflow::{ctx, day, town};
use chrono::{Datelike, TimeZone, Utc};
use steward_domain::RegisterTx;
use steward_domain::mail::MailTx;
use steward_domain::mail::snapshot::{ForwardKind, ForwardRow, ForwardSource, SnapshotFormat};
use steward_domain::ops::mail::{forwarding, milter};
use steward_domain::ops::{people, posture, retention, subject_access};
use steward_domain::posture::parse::{Format, Observation, Seen};
use steward_domain::posture::{Observed, PostureTx};
use steward_domain::repo::{NewLoan, NewPerson};
use steward_policy::PersonKind;
use steward_policy::mail::Outbound;
use steward_policy::posture::{CheckResult, CheckWord};
use steward_policy::retention::RecordKind;

fn check(line: u64, device: &str, check: CheckWord, result: CheckResult, d: u32) -> Observation {
    Observation {
        line,
        device: device.into(),
        seen: Seen::Check { check, result },
        observed_at: Utc.with_ymd_and_hms(2027, 3, d, 9, 0, 0).unwrap(),
        source: "intune".into(),
        detail: String::new(),
    }
}

#[tokio::test]
async fn device_checks_and_mail_records_are_shown_to_their_subject_and_purged_in_time() {
    let t = town(
        "town-it-policy",
        &[("S1", "Dot Clerk", PersonKind::Employee, &["town_clerk"])],
    )
    .await;
    let c = ctx("2027-03-01");
    let mut tx = t.store.begin().await.unwrap();
    let add = people::AddPerson {
        person: NewPerson {
            reference: "M1".parse().unwrap(),
            name: "Ada Quill".into(),
            kind: PersonKind::Councillor,
            email: Some("Ada.Quill@town.example".into()),
            household: None,
        },
        term_start: Some(day("2026-05-07")),
        term_end: None,
        offices: Vec::new(),
    };
    people::add(&mut tx, &c, &t.council, add).await.unwrap();
    let ada = tx
        .person_by_ref(t.council.id, &"M1".parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let lap = tx
        .equipment_by_tag(t.council.id, &"LAP-1".parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let version = tx
        .pack_version_in_force(t.council.id, c.today)
        .await
        .unwrap()
        .unwrap();
    tx.insert_loan(
        t.council.id,
        &NewLoan {
            equipment_id: lap.id,
            person_id: ada.id,
            issued_on: day("2027-03-01"),
            due_on: None,
            due_clause: None,
            pack_version_id: version.id,
        },
    )
    .await
    .unwrap();
    let c = ctx("2027-03-06");
    let rows = vec![
        check(2, "LAP-1", CheckWord::ScreenLock, CheckResult::Pass, 2),
        check(3, "LAP-1", CheckWord::ScreenLock, CheckResult::Pass, 3),
        check(4, "LAP-1", CheckWord::ScreenLock, CheckResult::Fail, 5),
    ];
    posture::import(
        &mut tx,
        &c,
        &t.council,
        "checks.csv",
        Format::Steward,
        rows,
        |_| {},
    )
    .await
    .unwrap();
    let forward = ForwardRow {
        line: 2,
        mailbox: "ada.quill@town.example".into(),
        source: ForwardSource::InboxRule,
        rule: Some("Home".into()),
        kind: ForwardKind::Forward,
        target: Some("ada@home.example".into()),
        keeps_copy: None,
    };
    forwarding::import(
        &mut tx,
        &c,
        &t.council,
        SnapshotFormat::Exchange,
        "rules.csv",
        vec![forward],
    )
    .await
    .unwrap();
    let sent = Outbound {
        sender: "Ada.Quill@town.example".into(),
        recipients: vec!["bo@other.example".into(), "cy@other.example".into()],
        labels: Vec::new(),
        subject: Some("Never stored".into()),
    };
    milter::record(&mut tx, &c, &t.council, Some("4F2A"), &sent)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // The subject access document shows all three, in words, without the subject.
    let clerk = t.principal("S1", "2027-03-06").await;
    let mut tx = t.store.begin().await.unwrap();
    let doc = subject_access::produce(&mut tx, &c, &t.council, &clerk, &"M1".parse().unwrap())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(doc.device_checks.len(), 1, "{:?}", doc.device_checks);
    // The item is on the compliance list while it has checks, and off it once they are purged.
    let mut tx = t.store.read().await.unwrap();
    let reporting = tx.reported_items(t.council.id, None, 10).await.unwrap();
    assert_eq!(reporting, [lap.id]);
    drop(tx);
    assert_eq!(doc.device_checks[0].asset_tag, "LAP-1");
    assert_eq!(
        doc.device_checks[0].summary,
        ["Screen lock: passed twice, failed once, 2 March 2027 to 5 March 2027"]
    );
    assert_eq!(doc.mail_forwards.len(), 1);
    assert_eq!(
        doc.mail_forwards[0].target.as_deref(),
        Some("ada@home.example")
    );
    assert_eq!(doc.mail_sent.len(), 1);
    assert_eq!(doc.mail_sent[0].recipients, "2 recipients at other.example");
    assert_eq!(doc.mail_sent[0].outcome, "Sent");
    let json = serde_json::to_string(&doc).unwrap();
    assert!(
        !json.contains("Never stored") && !json.contains("bo@other"),
        "{json}"
    );

    // Within the year nothing is due; a year and a day on, all three kinds are.
    let mut tx = t.store.begin().await.unwrap();
    let early = retention::plan(&mut tx, &ctx("2028-03-01"), &t.council)
        .await
        .unwrap();
    drop(tx);
    for kind in [
        RecordKind::DeviceChecks,
        RecordKind::MailForwards,
        RecordKind::MailDecisions,
    ] {
        let k = early.kinds.iter().find(|k| k.kind == kind).unwrap();
        assert!(k.due.is_empty(), "{kind}: {:?}", k.due);
        assert!(k.kept > 0, "{kind}");
        assert_eq!(k.citation.clause, "2.1");
    }
    let later = ctx("2028-03-07");
    let mut tx = t.store.begin().await.unwrap();
    let done = retention::purge(&mut tx, &later, &t.council).await.unwrap();
    tx.commit().await.unwrap();
    let purged = |kind: RecordKind| done.kinds.iter().find(|k| k.kind == kind).unwrap().purged;
    assert_eq!(purged(RecordKind::DeviceChecks), 3, "{:?}", done.kinds);
    assert_eq!(purged(RecordKind::MailForwards), 1);
    assert_eq!(purged(RecordKind::MailDecisions), 1);

    let mut tx = t.store.read().await.unwrap();
    assert!(
        tx.check_tallies(t.council.id, lap.id, Utc.timestamp_opt(0, 0).unwrap(), None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        tx.reported_items(t.council.id, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        tx.forwards_of_person(t.council.id, ada.id)
            .await
            .unwrap()
            .is_empty()
    );
    let senders = ["Ada.Quill@town.example".to_string()];
    assert!(
        tx.decisions_sent_by(t.council.id, &senders)
            .await
            .unwrap()
            .is_empty()
    );
    // The audit records about them lost their data; one purge record per kind says so.
    let filter = steward_domain::repo::AuditFilter::default();
    let records = tx.audit_records(t.council.id, &filter).await.unwrap();
    for entity in ["posture_import", "mail_forward_import", "mail_decision"] {
        let about: Vec<_> = records.iter().filter(|r| r.entity == entity).collect();
        assert!(!about.is_empty(), "{entity}");
        assert!(
            about.iter().all(|r| r.erased_on.is_some()),
            "{entity} keeps its data"
        );
    }
    let purges = records
        .iter()
        .filter(|r| r.action == "retention.purge")
        .count();
    assert_eq!(purges, 3);
    drop(tx);

    // A second purge finds nothing; an old file imported again brings nothing back.
    let mut tx = t.store.begin().await.unwrap();
    let again = retention::purge(&mut tx, &later, &t.council).await.unwrap();
    assert_eq!(again.due_count(), 0);
    let rows = vec![check(
        2,
        "LAP-1",
        CheckWord::ScreenLock,
        CheckResult::Pass,
        2,
    )];
    let back = posture::import(
        &mut tx,
        &later,
        &t.council,
        "checks.csv",
        Format::Steward,
        rows,
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!((back.new, back.expired), (0, 1));
    tx.commit().await.unwrap();
}

fn program(line: u64, name: &str, source: &str, d: u32) -> Observation {
    Observation {
        seen: Seen::Software { name: name.into() },
        source: source.into(),
        ..check(line, "LAP-1", CheckWord::ScreenLock, CheckResult::Pass, d)
    }
}

#[tokio::test]
async fn each_check_and_each_sources_programs_are_judged_from_their_latest_import() {
    let t = town(
        "town-it-policy",
        &[("S1", "Dot Clerk", PersonKind::Employee, &["town_clerk"])],
    )
    .await;
    let c = ctx("2027-03-20");
    let files = [
        // The first file; then a newer one overtaking part of it; then an old one, late.
        vec![
            check(2, "LAP-1", CheckWord::ScreenLock, CheckResult::Pass, 2),
            check(3, "LAP-1", CheckWord::Antivirus, CheckResult::Fail, 2),
            program(4, "Word", "intune", 2),
            program(5, "Excel", "intune", 2),
        ],
        vec![
            check(2, "LAP-1", CheckWord::ScreenLock, CheckResult::Fail, 5),
            check(3, "LAP-1", CheckWord::ScreenLock, CheckResult::Pass, 4),
            program(4, "Word", "intune", 5),
        ],
        vec![
            check(2, "LAP-1", CheckWord::ScreenLock, CheckResult::Pass, 1),
            check(3, "LAP-1", CheckWord::Antivirus, CheckResult::Pass, 1),
            program(4, "Chrome", "osquery", 1),
        ],
    ];
    for (i, rows) in files.into_iter().enumerate() {
        let mut tx = t.store.begin().await.unwrap();
        let file = format!("checks-{i}.csv");
        posture::import(
            &mut tx,
            &c,
            &t.council,
            &file,
            Format::Steward,
            rows,
            |_| {},
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let mut tx = t.store.read().await.unwrap();
    let lap = tx
        .equipment_by_tag(t.council.id, &"LAP-1".parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut latest: Vec<(String, u32, String)> = tx
        .latest_observations(t.council.id, &[lap.id])
        .await
        .unwrap()
        .into_iter()
        .map(|o| {
            let what = match o.observed {
                Observed::Check { check, result } => format!("{} {}", check.word(), result.word()),
                Observed::Software { name } => name,
            };
            (what, o.observed_at.day(), o.source)
        })
        .collect();
    latest.sort();
    let expected = [
        ("Chrome", 1, "osquery"),
        ("Word", 5, "intune"),
        ("antivirus fail", 2, "intune"),
        ("screen_lock fail", 5, "intune"),
    ];
    let expected: Vec<(String, u32, String)> = expected
        .iter()
        .map(|(w, d, s)| (w.to_string(), *d, s.to_string()))
        .collect();
    assert_eq!(latest, expected);
    // The whole council's latest rows are the same ones.
    assert_eq!(
        tx.latest_observations(t.council.id, &[])
            .await
            .unwrap()
            .len(),
        4
    );
}
