#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::presets::{find, load};
use chrono::{Duration, TimeZone};
use proptest::prelude::*;

fn pack(id: &str) -> Pack {
    load(find(id).unwrap()).unwrap().pack
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap()
}

fn seen(check: CheckWord, result: CheckResult, days_ago: i64) -> Observed {
    Observed {
        check,
        result,
        observed_at: now() - Duration::days(days_ago),
        detail: String::new(),
    }
}

fn device<'a>(kind: EquipmentKind, observed: &'a [Observed]) -> Device<'a> {
    Device {
        kind,
        observed,
        installed: &[],
        authorised: &[],
        exceptions: &[],
        left_office: None,
    }
}

fn failing(j: &Judgement, check: CheckWord) -> Option<&Finding> {
    j.findings
        .iter()
        .find(|f| matches!(&f.problem, Problem::Failing { check: c, .. } if *c == check))
}

#[test]
fn antivirus_off_is_a_finding_under_each_councils_clause() {
    let off = [seen(CheckWord::Antivirus, CheckResult::Fail, 0)];
    for (preset, clause) in [
        ("city-members-code", "28.2"),
        ("town-it-policy", "2.2"),
        ("borough-members-protocol", "3.3.1"),
        ("county-members-policy", "10"),
    ] {
        let j = judge(&pack(preset), &device(EquipmentKind::Laptop, &off), now());
        let f = failing(&j, CheckWord::Antivirus).unwrap_or_else(|| panic!("{preset}: {j:?}"));
        assert_eq!(f.citation.clause, clause, "{preset}");
        assert!(f.is_breach());
        assert!(f.sentence().contains("Antivirus"), "{}", f.sentence());
    }
}

#[test]
fn antivirus_on_is_no_finding_and_shows_as_a_pass() {
    let on = [seen(CheckWord::Antivirus, CheckResult::Pass, 0)];
    let j = judge(
        &pack("town-it-policy"),
        &device(EquipmentKind::Laptop, &on),
        now(),
    );
    assert!(j.findings.is_empty(), "{j:?}");
    let standing = j
        .duties
        .iter()
        .find(|d| d.check == CheckWord::Antivirus)
        .unwrap();
    assert_eq!(standing.result, Some(CheckResult::Pass));
    assert_eq!(standing.citation.clause, "2.2");
}

#[test]
fn the_town_clerks_exception_covers_antivirus_until_its_date() {
    let p = pack("town-it-policy");
    let off = [seen(CheckWord::Antivirus, CheckResult::Fail, 0)];
    let exception = DutyException {
        check: CheckWord::Antivirus,
        until: NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
        authorised_by: "Town Clerk".to_string(),
        citation: Citation {
            clause: "2.2".to_string(),
            document: p.pack.title.clone(),
        },
    };
    let exceptions = [exception];
    let mut d = device(EquipmentKind::Laptop, &off);
    d.exceptions = &exceptions;
    let j = judge(&p, &d, now());
    let f = failing(&j, CheckWord::Antivirus).unwrap();
    assert!(!f.is_breach());
    assert!(
        f.sentence()
            .contains("authorised off by the Town Clerk until 10 March 2026 (2.2)")
    );
    assert!(j.findings.iter().all(|f| !f.is_breach()), "{j:?}");

    // The day after it ends the duty is back.
    let j = judge(&p, &d, now() + Duration::days(1));
    assert!(failing(&j, CheckWord::Antivirus).unwrap().is_breach());
}

#[test]
fn encryption_of_portable_devices_in_the_city_aup() {
    let p = pack("city-aup");
    let on = [seen(CheckWord::DiskEncryption, CheckResult::Pass, 1)];
    let j = judge(&p, &device(EquipmentKind::Laptop, &on), now());
    assert!(j.findings.is_empty(), "{j:?}");

    let off = [Observed {
        detail: "BitLocker off".to_string(),
        ..seen(CheckWord::DiskEncryption, CheckResult::Fail, 1)
    }];
    let j = judge(&p, &device(EquipmentKind::Laptop, &off), now());
    let f = failing(&j, CheckWord::DiskEncryption).unwrap();
    assert_eq!(f.citation.clause, "Remote access");
    assert!(f.sentence().contains("(BitLocker off)"));
}

#[test]
fn a_device_silent_longer_than_the_packs_age_is_stale() {
    let p = pack("borough-members-protocol");
    let recent = [seen(CheckWord::CheckedIn, CheckResult::Pass, 14)];
    let j = judge(&p, &device(EquipmentKind::Laptop, &recent), now());
    assert!(j.findings.is_empty(), "{j:?}");

    let old = [seen(CheckWord::CheckedIn, CheckResult::Pass, 15)];
    let j = judge(&p, &device(EquipmentKind::Laptop, &old), now());
    assert_eq!(j.findings.len(), 1, "{j:?}");
    assert_eq!(j.findings[0].citation.clause, "3.3.3");
    assert!(matches!(j.findings[0].problem, Problem::Stale { .. }));
    assert!(
        j.findings[0].sentence().contains("more than 14 days ago"),
        "{}",
        j.findings[0].sentence()
    );
}

#[test]
fn unlicensed_software_on_a_borough_laptop_is_a_finding_under_3_2_3() {
    let p = pack("borough-members-protocol");
    let checked = [seen(CheckWord::CheckedIn, CheckResult::Pass, 0)];
    let installed = ["Steam".to_string(), "Microsoft Word".to_string()];
    let authorised = ["microsoft word ".to_string()];
    let mut d = device(EquipmentKind::Laptop, &checked);
    d.installed = &installed;
    d.authorised = &authorised;
    let j = judge(&p, &d, now());
    assert_eq!(j.findings.len(), 1, "{j:?}");
    assert_eq!(j.findings[0].citation.clause, "3.2.3");
    assert_eq!(
        j.findings[0].problem,
        Problem::Unauthorised {
            software: "Steam".to_string()
        }
    );
}

#[test]
fn duties_for_other_kinds_and_unseen_devices_give_nothing() {
    let p = pack("borough-members-protocol");
    let off = [seen(CheckWord::Antivirus, CheckResult::Fail, 0)];
    let j = judge(&p, &device(EquipmentKind::Tablet, &off), now());
    assert!(failing(&j, CheckWord::Antivirus).is_none(), "{j:?}");

    let j = judge(&p, &device(EquipmentKind::Laptop, &[]), now());
    assert_eq!(j, Judgement::default());
}

#[test]
fn an_unknown_result_is_a_finding_and_the_later_observation_counts() {
    let p = pack("city-members-code");
    let observed = [
        seen(CheckWord::Firewall, CheckResult::Fail, 3),
        seen(CheckWord::Firewall, CheckResult::Unknown, 1),
    ];
    let j = judge(&p, &device(EquipmentKind::Laptop, &observed), now());
    assert_eq!(j.findings.len(), 1, "{j:?}");
    assert!(matches!(
        j.findings[0].problem,
        Problem::Unknown {
            check: CheckWord::Firewall,
            ..
        }
    ));
    assert_eq!(j.findings[0].citation.clause, "28.2");
}

#[test]
fn check_words_read_back() {
    for c in CheckWord::ALL {
        assert_eq!(CheckWord::parse(c.word()), Some(c));
        if let Some(duty) = c.duty() {
            assert_eq!(CheckWord::of_duty(duty), c);
        }
    }
    assert_eq!(CheckWord::parse("Antivirus"), None);
}

fn any_check() -> impl Strategy<Value = CheckWord> {
    prop::sample::select(CheckWord::ALL.to_vec())
}

fn any_result() -> impl Strategy<Value = CheckResult> {
    prop::sample::select(vec![
        CheckResult::Pass,
        CheckResult::Fail,
        CheckResult::Unknown,
    ])
}

proptest! {
    #[test]
    fn stale_exactly_when_the_last_check_in_is_more_than_fourteen_days_back(
        minutes in 0i64..(60 * 24 * 60),
        seconds in 0i64..86_400,
    ) {
        let p = pack("borough-members-protocol");
        let when = now() - Duration::minutes(minutes) - Duration::seconds(seconds);
        let observed = [Observed {
            check: CheckWord::CheckedIn,
            result: CheckResult::Pass,
            observed_at: when,
            detail: String::new(),
        }];
        let j = judge(&p, &device(EquipmentKind::Laptop, &observed), now());
        let stale = j.findings.iter().any(|f| matches!(f.problem, Problem::Stale { .. }));
        let days = crate::uktime::uk_local(now()).date()
            - crate::uktime::uk_local(when).date();
        prop_assert_eq!(stale, days.num_days() > 14);
    }

    #[test]
    fn the_order_of_observations_does_not_change_the_judgement(
        rows in prop::collection::vec((any_check(), any_result(), 0i64..40), 0..12),
        preset in prop::sample::select(vec![
            "city-members-code", "county-members-policy", "city-aup",
            "town-it-policy", "borough-members-protocol",
        ]),
    ) {
        let p = pack(preset);
        // Distinct times, so "latest" is never a tie.
        let observed: Vec<Observed> = rows
            .iter()
            .enumerate()
            .map(|(i, (c, r, d))| Observed {
                check: *c,
                result: *r,
                observed_at: now() - Duration::days(*d) - Duration::seconds(i as i64),
                detail: String::new(),
            })
            .collect();
        let mut reversed = observed.clone();
        reversed.reverse();
        let a = judge(&p, &device(EquipmentKind::Laptop, &observed), now());
        let b = judge(&p, &device(EquipmentKind::Laptop, &reversed), now());
        prop_assert_eq!(&a, &b);
        // Every finding cites a clause of this pack, and there is at most one per duty
        // and one for staleness.
        prop_assert!(a.findings.len() <= a.duties.len() + 1);
        for f in &a.findings {
            prop_assert!(!f.citation.clause.is_empty());
            prop_assert_eq!(&f.citation.document, &p.pack.title);
        }
    }
}

/// County clause 27: a leaver's equipment must cease to be used at once, so a check-in after
/// the leaving day is a finding; on the day itself, or under a pack without the rule, it is not.
#[test]
fn a_device_in_use_after_its_holder_left_is_a_finding_where_use_must_stop() {
    let county = pack("county-members-policy");
    let today = [seen(CheckWord::Firewall, CheckResult::Pass, 0)];
    let left = |days_ago: i64| Some((now() - Duration::days(days_ago)).date_naive());
    let used_after = |j: &Judgement| {
        j.findings
            .iter()
            .find(|f| matches!(f.problem, Problem::UsedAfterLeaving { .. }))
            .cloned()
    };

    let mut d = device(EquipmentKind::Laptop, &today);
    d.left_office = left(3);
    let f = used_after(&judge(&county, &d, now())).expect("a finding");
    assert_eq!(f.citation.clause, "27");
    assert!(f.is_breach());
    assert!(
        f.sentence()
            .contains("after its holder left office on 7 March 2026"),
        "{}",
        f.sentence()
    );

    d.left_office = left(0);
    assert!(used_after(&judge(&county, &d, now())).is_none());
    d.left_office = None;
    assert!(used_after(&judge(&county, &d, now())).is_none());

    // The town's policy gives leavers a return date but says nothing of stopping use.
    let mut d = device(EquipmentKind::Laptop, &today);
    d.left_office = left(3);
    assert!(used_after(&judge(&pack("town-it-policy"), &d, now())).is_none());
}
