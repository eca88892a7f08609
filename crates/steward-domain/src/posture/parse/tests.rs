#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use proptest::prelude::*;

const INTUNE_JSON: &[u8] = include_bytes!("fixtures/intune-managed-devices.json");
const INTUNE_CSV: &[u8] = include_bytes!("fixtures/intune-compliance.csv");
const OSQUERY: &[u8] = include_bytes!("fixtures/osquery-results.log");
const FLEET: &[u8] = include_bytes!("fixtures/fleet-hosts.json");
const FLEET_MAP: &str = include_str!("fixtures/fleet-policies.map");
const NATIVE_CSV: &[u8] = include_bytes!("fixtures/steward.csv");
const NATIVE_JSONL: &[u8] = include_bytes!("fixtures/steward.jsonl");

fn check_of<'a>(rows: &'a [Observation], device: &str, check: CheckWord) -> Vec<&'a Observation> {
    rows.iter()
        .filter(|o| {
            o.device == device && matches!(o.seen, Seen::Check { check: c, .. } if c == check)
        })
        .collect()
}

fn result_of(o: &Observation) -> CheckResult {
    match o.seen {
        Seen::Check { result, .. } => result,
        Seen::Software { .. } => panic!("software"),
    }
}

fn software(rows: &[Observation], device: &str) -> Vec<String> {
    rows.iter()
        .filter(|o| o.device == device)
        .filter_map(|o| match &o.seen {
            Seen::Software { name } => Some(name.clone()),
            Seen::Check { .. } => None,
        })
        .collect()
}

fn at(text: &str) -> DateTime<Utc> {
    parse_instant(text).unwrap()
}

#[test]
fn intune_graph_devices_give_check_in_encryption_antivirus_and_apps() {
    let rows = parse_intune("devices.json", INTUNE_JSON).unwrap();
    let av = check_of(&rows, "PF3LK9QZ", CheckWord::Antivirus);
    assert_eq!(av.len(), 1);
    assert_eq!(result_of(av[0]), CheckResult::Fail);
    assert_eq!(av[0].detail, "real-time protection off");
    assert_eq!(av[0].observed_at, at("2026-03-09T08:10:05Z"));
    assert_eq!(av[0].line, 4, "the device's object starts on line 4");
    assert_eq!(av[0].source, "Microsoft Intune");

    let enc = check_of(&rows, "PF3LK9QZ", CheckWord::DiskEncryption);
    assert_eq!(result_of(enc[0]), CheckResult::Pass);
    let checked = check_of(&rows, "PF3LK9QZ", CheckWord::CheckedIn);
    assert_eq!(checked[0].observed_at, at("2026-03-09T08:14:22Z"));
    assert!(
        checked[0].detail.contains("Windows 10.0.22631.3155"),
        "{}",
        checked[0].detail
    );
    assert!(
        checked[0].detail.contains("not compliant"),
        "{}",
        checked[0].detail
    );
    assert_eq!(
        software(&rows, "PF3LK9QZ"),
        ["Microsoft 365 Apps for enterprise", "Steam"]
    );

    assert_eq!(
        result_of(check_of(&rows, "PF3LK9R1", CheckWord::DiskEncryption)[0]),
        CheckResult::Fail
    );
    assert_eq!(
        result_of(check_of(&rows, "PF3LK9R1", CheckWord::Antivirus)[0]),
        CheckResult::Pass
    );
    // No serial: the device goes by its name.
    assert_eq!(check_of(&rows, "iPad-Clerk", CheckWord::CheckedIn).len(), 1);
    // Never synced: nothing to judge.
    assert!(rows.iter().all(|o| o.device != "PF3LKA00"));
}

#[test]
fn intune_compliance_report_gives_check_ins() {
    let rows = parse_intune("compliance.csv", INTUNE_CSV).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].device, "PF3LK9QZ");
    assert_eq!(rows[0].line, 2);
    assert_eq!(rows[0].observed_at, at("2026-03-09T08:14:22Z"));
    assert_eq!(result_of(&rows[1]), CheckResult::Pass);
    assert!(rows[1].detail.contains("compliant"));
}

#[test]
fn intune_problems_are_reported_by_line() {
    let bad = br#"{"value": [
  {"serialNumber": "A1", "lastSyncDateTime": "2026-03-09T08:14:22Z"},
  {"serialNumber": "A2", "lastSyncDateTime": "yesterday"},
  {"deviceName": "", "lastSyncDateTime": "2026-03-09T08:14:22Z"},
  {"serialNumber": "A4"}
]}"#;
    let err = parse_intune("devices.json", bad).unwrap_err();
    let places: Vec<(u64, Option<&str>)> = err
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_deref()))
        .collect();
    assert_eq!(
        places,
        [
            (3, Some("lastSyncDateTime")),
            (4, Some("serialNumber")),
            (5, Some("lastSyncDateTime"))
        ]
    );
    assert!(err.to_string().contains("nothing was imported"));

    let err = parse_intune("devices.json", b"{\"value\": [1, 2").unwrap_err();
    assert_eq!(err.errors.len(), 1);

    let err = parse_intune(
        "report.csv",
        b"DeviceName,LastContact,SerialNumber\nLAP-1,not a time,X1\n",
    )
    .unwrap_err();
    assert_eq!(err.errors[0].line, 2);
    assert_eq!(err.errors[0].column.as_deref(), Some("lastcontact"));
}

#[test]
fn osquery_results_give_security_center_encryption_screen_lock_and_programs() {
    let rows = parse_osquery("osqueryd.results.log", OSQUERY).unwrap();
    let av = check_of(&rows, "PF3LK9QZ", CheckWord::Antivirus);
    assert_eq!(result_of(av[0]), CheckResult::Fail);
    assert_eq!(av[0].observed_at, at("2026-03-09T08:00:00Z"));
    assert_eq!(av[0].line, 1);
    assert_eq!(
        result_of(check_of(&rows, "PF3LK9QZ", CheckWord::Firewall)[0]),
        CheckResult::Pass
    );
    assert_eq!(
        result_of(check_of(&rows, "PF3LK9QZ", CheckWord::AutomaticUpdates)[0]),
        CheckResult::Pass
    );
    assert_eq!(
        result_of(check_of(&rows, "PF3LK9QZ", CheckWord::DiskEncryption)[0]),
        CheckResult::Pass
    );
    assert_eq!(
        software(&rows, "PF3LK9QZ"),
        ["Microsoft 365 Apps for enterprise", "Steam"]
    );
    let mac = check_of(&rows, "C02XL0GHJGH5", CheckWord::DiskEncryption);
    assert_eq!(result_of(mac[0]), CheckResult::Fail);
    assert!(mac[0].detail.contains("/dev/disk1s1"));
    // The removed row of the screen lock is not a new state.
    let lock = check_of(&rows, "C02XL0GHJGH5", CheckWord::ScreenLock);
    assert_eq!(lock.len(), 1);
    assert_eq!(result_of(lock[0]), CheckResult::Pass);
    // Other queries are passed over.
    assert!(rows.iter().all(|o| o.line != 7));
}

#[test]
fn osquery_problems_are_reported_by_line() {
    let log = b"{\"name\":\"pack_steward_screenlock\",\"hostIdentifier\":\"h\",\"unixTime\":1773048600,\"columns\":{\"enabled\":\"1\"}}\n\
not json\n\
{\"name\":\"pack_steward_screenlock\",\"unixTime\":1773048600,\"columns\":{\"enabled\":\"1\"}}\n\
{\"name\":\"pack_steward_screenlock\",\"hostIdentifier\":\"h\",\"unixTime\":5,\"columns\":{\"enabled\":\"1\"}}\n";
    let err = parse_osquery("results.log", log).unwrap_err();
    let lines: Vec<u64> = err.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 3, 4]);
}

#[test]
fn fleet_policies_are_mapped_to_checks() {
    let map = FleetMap::parse("policies.map", FLEET_MAP).unwrap();
    let rows = parse_fleet("hosts.json", FLEET, &map).unwrap();
    assert_eq!(
        result_of(check_of(&rows, "PF3LK9QZ", CheckWord::Antivirus)[0]),
        CheckResult::Fail
    );
    assert_eq!(
        result_of(check_of(&rows, "PF3LK9QZ", CheckWord::Firewall)[0]),
        CheckResult::Pass
    );
    // Not run yet: unknown.
    assert_eq!(
        result_of(check_of(&rows, "PF3LK9QZ", CheckWord::DiskEncryption)[0]),
        CheckResult::Unknown
    );
    assert_eq!(
        check_of(&rows, "PF3LK9QZ", CheckWord::CheckedIn)[0].observed_at,
        at("2026-03-09T08:20:31Z")
    );
    // "Chrome is up to date" is not in the map.
    assert_eq!(rows.iter().filter(|o| o.device == "PF3LK9QZ").count(), 4);
    assert_eq!(
        result_of(check_of(&rows, "C02XL0GHJGH5", CheckWord::DiskEncryption)[0]),
        CheckResult::Pass
    );
    assert_eq!(rows[0].line, 3);
}

#[test]
fn a_fleet_map_names_its_bad_lines_and_is_needed() {
    let err = FleetMap::parse("m", "# ok\nA = antivirus\nno equals\nB = virus\n").unwrap_err();
    let lines: Vec<u64> = err.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [3, 4]);
    let err = parse_fleet("hosts.json", FLEET, &FleetMap::default()).unwrap_err();
    assert!(err.errors[0].message.contains("policy map"));
}

#[test]
fn the_native_format_reads_as_csv_and_as_json_lines() {
    let rows = parse_native("checks.csv", NATIVE_CSV).unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0].source, "council script");
    assert_eq!(rows[0].detail, "real-time protection off");
    assert_eq!(result_of(&rows[0]), CheckResult::Fail);
    assert_eq!(
        rows[3].seen,
        Seen::Software {
            name: "Steam".to_string()
        }
    );
    let rows = parse_native("checks.jsonl", NATIVE_JSONL).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].line, 3);
    assert_eq!(rows[1].source, "Steward file");
}

#[test]
fn native_problems_name_line_and_column() {
    let csv = b"device,check,result,observed_at\nA,antivirus,maybe,2026-03-09T08:00:00Z\nB,virus,pass,2026-03-09T08:00:00Z\n,firewall,pass,1999-01-01T00:00:00Z\nC,software,fail,2026-03-09T08:00:00Z\n";
    let err = parse_native("checks.csv", csv).unwrap_err();
    let places: Vec<(u64, Option<&str>)> = err
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_deref()))
        .collect();
    assert_eq!(
        places,
        [
            (2, Some("result")),
            (3, Some("check")),
            (4, Some("device")),
            (4, Some("observed_at")),
            (5, Some("result")),
        ]
    );
    let jsonl = b"{\"device\":\"A\",\"check\":\"antivirus\",\"result\":\"pass\",\"observed_at\":\"2026-03-09T08:00:00Z\"}\n{\"device\":\"A\"}\n{\"device\":\"A\",\"check\":\"software\",\"result\":\"pass\",\"observed_at\":\"2026-03-09T08:00:00Z\"}\n";
    let err = parse_native("checks.jsonl", jsonl).unwrap_err();
    let places: Vec<(u64, Option<&str>)> = err
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_deref()))
        .collect();
    assert_eq!(places, [(2, None), (3, Some("detail"))]);
}

#[test]
fn a_line_over_the_limit_is_refused() {
    let mut data = b"{\"device\":\"".to_vec();
    data.extend(std::iter::repeat_n(b'a', crate::limits::POSTURE_LINE + 1));
    data.extend(b"\"}\n");
    let err = parse_native("big.jsonl", &data).unwrap_err();
    assert!(err.errors[0].message.contains("longer than 1 MiB"));
}

#[test]
fn instants_read_in_the_forms_vendors_write() {
    let want = at("2026-03-09T08:14:22Z");
    for text in [
        "2026-03-09T08:14:22Z",
        "2026-03-09T08:14:22.0000000",
        "2026-03-09 08:14:22.0000000",
        "2026-03-09T09:14:22+01:00",
        "2026-03-09 08:14:22",
    ] {
        assert_eq!(parse_instant(text).unwrap(), want, "{text}");
    }
    assert!(parse_instant("0001-01-01T00:00:00Z").is_err());
    assert!(parse_instant("09/03/2026").is_err());
}

proptest! {
    #[test]
    fn instants_read_back(seconds in 946_684_800i64..4_102_444_799) {
        let moment = DateTime::from_timestamp(seconds, 0).unwrap();
        prop_assert_eq!(parse_instant(&moment.to_rfc3339()).unwrap(), moment);
        prop_assert_eq!(
            parse_instant(&moment.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap(),
            moment
        );
        prop_assert_eq!(from_unix(seconds).unwrap(), moment);
    }

    #[test]
    fn no_format_panics_on_any_bytes(data in prop::collection::vec(any::<u8>(), 0..400)) {
        let map = FleetMap::from_pairs(&[("a", CheckWord::Antivirus)]);
        for format in Format::ALL {
            let _ = parse(format, "f", &data, &map);
        }
    }

    #[test]
    fn every_native_row_that_reads_gives_back_its_fields(
        device in "[A-Z0-9]{1,12}",
        check in prop::sample::select(CheckWord::ALL.to_vec()),
        result in prop::sample::select(vec![CheckResult::Pass, CheckResult::Fail, CheckResult::Unknown]),
        seconds in 946_684_800i64..4_102_444_799,
    ) {
        let when = DateTime::from_timestamp(seconds, 0).unwrap();
        let csv = format!(
            "device,check,result,observed_at\n{device},{},{},{}\n",
            check.word(),
            result.word(),
            when.to_rfc3339()
        );
        let rows = parse_native("p.csv", csv.as_bytes()).unwrap();
        prop_assert_eq!(rows.len(), 1);
        prop_assert_eq!(&rows[0].device, &device);
        prop_assert_eq!(&rows[0].seen, &Seen::Check { check, result });
        prop_assert_eq!(rows[0].observed_at, when);
    }
}
