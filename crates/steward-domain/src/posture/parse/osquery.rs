//! osquery's results log: one JSON object a line, as the filesystem logger writes it, for the
//! scheduled queries of the pack in docs/monitoring.md. A line is either one row that changed
//! (`"action": "added"` or `"removed"`, with `columns`), a whole snapshot (`"snapshot": [...]`),
//! or a batch (`"diffResults": {"added": [...]}`). Its query is told by its `name` (osquery
//! writes `pack_<pack>_<query>`), the device by the `hardware_serial` decoration, else the
//! `hostIdentifier`, and the time by `unixTime`. Lines of other queries are passed over.

use super::{Collect, DEVICE_MAX, Observation, SOFTWARE_MAX, Seen, detail, from_unix, lines, text};
use crate::import::ImportErrors;
use serde::Deserialize;
use serde_json::{Map, Value};
use steward_policy::posture::{CheckResult, CheckWord};

const SOURCE: &str = "osquery";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Query {
    SecurityCenter,
    Bitlocker,
    DiskEncryption,
    Programs,
    Screenlock,
}

/// The query a result's name is for, by how the name ends.
fn query_of(name: &str) -> Option<Query> {
    let name = name.to_lowercase();
    [
        ("windows_security_center", Query::SecurityCenter),
        ("security_center", Query::SecurityCenter),
        ("bitlocker_info", Query::Bitlocker),
        ("bitlocker", Query::Bitlocker),
        ("disk_encryption", Query::DiskEncryption),
        ("programs", Query::Programs),
        ("screenlock", Query::Screenlock),
    ]
    .into_iter()
    .find(|(end, _)| name.ends_with(end))
    .map(|(_, q)| q)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueryResult {
    name: String,
    host_identifier: Option<String>,
    unix_time: Option<Value>,
    #[serde(default)]
    decorations: Map<String, Value>,
    columns: Option<Map<String, Value>>,
    action: Option<String>,
    snapshot: Option<Vec<Map<String, Value>>>,
    diff_results: Option<DiffResults>,
}

#[derive(Deserialize)]
struct DiffResults {
    #[serde(default)]
    added: Vec<Map<String, Value>>,
}

/// Reads an osquery results log.
pub fn parse_osquery(file: &str, data: &[u8]) -> Result<Vec<Observation>, ImportErrors> {
    let mut out = Collect::new(file);
    for (line, raw) in lines(data, &mut out) {
        let result: QueryResult = match serde_json::from_str(raw) {
            Ok(r) => r,
            Err(e) => {
                out.fail(
                    line,
                    None,
                    format!("is not an osquery result ({e}); import the results log itself"),
                );
                continue;
            }
        };
        let Some(query) = query_of(&result.name) else {
            continue;
        };
        let device = match device_of(&result) {
            Ok(d) => d,
            Err((column, message)) => {
                out.fail(line, Some(column), message);
                continue;
            }
        };
        let at = match result.unix_time.as_ref().map(seconds) {
            Some(Some(s)) => from_unix(s),
            _ => Err("is missing or not a number of seconds".to_string()),
        };
        let observed_at = match at {
            Ok(at) => at,
            Err(message) => {
                out.fail(line, Some("unixTime"), message);
                continue;
            }
        };
        let rows: Vec<&Map<String, Value>> = if let Some(snapshot) = &result.snapshot {
            snapshot.iter().collect()
        } else if let Some(diff) = &result.diff_results {
            diff.added.iter().collect()
        } else if let Some(columns) = &result.columns {
            if result.action.as_deref() == Some("removed") {
                continue;
            }
            vec![columns]
        } else {
            out.fail(line, None, "has no columns, snapshot or diffResults");
            continue;
        };
        let observe = |seen: Seen, detail: String| Observation {
            line,
            device: device.clone(),
            seen,
            observed_at,
            source: SOURCE.to_string(),
            detail,
        };
        let mut found = Vec::new();
        match query {
            Query::SecurityCenter => {
                for row in &rows {
                    for (column, check) in [
                        ("antivirus", CheckWord::Antivirus),
                        ("firewall", CheckWord::Firewall),
                        ("autoupdate", CheckWord::AutomaticUpdates),
                    ] {
                        if let Some(state) = value(row, column) {
                            let (result, why) = security_center(&state);
                            found.push(observe(Seen::Check { check, result }, why));
                        }
                    }
                }
            }
            Query::Bitlocker => {
                if let Some(o) = volumes(&rows, "protection_status", "drive_letter") {
                    found.push(observe(
                        Seen::Check {
                            check: CheckWord::DiskEncryption,
                            result: o.0,
                        },
                        o.1,
                    ));
                }
            }
            Query::DiskEncryption => {
                if let Some(o) = volumes(&rows, "encrypted", "name") {
                    found.push(observe(
                        Seen::Check {
                            check: CheckWord::DiskEncryption,
                            result: o.0,
                        },
                        o.1,
                    ));
                }
            }
            Query::Screenlock => {
                for row in &rows {
                    let enabled = value(row, "enabled");
                    let result = match enabled.as_deref() {
                        Some("1") => CheckResult::Pass,
                        Some("0") => CheckResult::Fail,
                        _ => CheckResult::Unknown,
                    };
                    let grace = value(row, "grace_period")
                        .map(|g| format!("locks {g} seconds after the screen saver starts"))
                        .unwrap_or_default();
                    found.push(observe(
                        Seen::Check {
                            check: CheckWord::ScreenLock,
                            result,
                        },
                        detail(&[&grace]),
                    ));
                }
            }
            Query::Programs => {
                for row in &rows {
                    let Some(name) = value(row, "name").filter(|n| !n.trim().is_empty()) else {
                        continue;
                    };
                    match text(&name, SOFTWARE_MAX) {
                        Ok(name) => found.push(observe(
                            Seen::Software { name },
                            detail(&[&value(row, "version").unwrap_or_default()]),
                        )),
                        Err(message) => out.fail(line, Some("name"), message),
                    }
                }
            }
        }
        let mut full = false;
        for o in found {
            if !out.push(o) {
                full = true;
                break;
            }
        }
        if full {
            break;
        }
    }
    out.finish()
}

fn device_of(result: &QueryResult) -> Result<String, (&'static str, String)> {
    let serial = result
        .decorations
        .get("hardware_serial")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "0");
    if let Some(serial) = serial {
        return text(serial, DEVICE_MAX).map_err(|m| ("hardware_serial", m));
    }
    match result.host_identifier.as_deref().map(str::trim) {
        Some(host) if !host.is_empty() => text(host, DEVICE_MAX).map_err(|m| ("hostIdentifier", m)),
        _ => Err((
            "hostIdentifier",
            "the result names no device; add the hardware_serial decorator or a host identifier"
                .to_string(),
        )),
    }
}

/// osquery writes numbers as text unless told otherwise.
fn seconds(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn value(row: &Map<String, Value>, column: &str) -> Option<String> {
    match row.get(column)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_string()),
        _ => None,
    }
}

fn security_center(state: &str) -> (CheckResult, String) {
    match state.trim() {
        "Good" => (CheckResult::Pass, String::new()),
        "Poor" => (
            CheckResult::Fail,
            "Windows Security Center reports it poor".to_string(),
        ),
        "Snoozed" => (
            CheckResult::Fail,
            "Windows Security Center reports it snoozed".to_string(),
        ),
        other => (
            CheckResult::Unknown,
            detail(&[&format!("Windows Security Center reports: {other}")]),
        ),
    }
}

/// Every volume of a snapshot must be protected; the detail names those that are not.
fn volumes(rows: &[&Map<String, Value>], flag: &str, label: &str) -> Option<(CheckResult, String)> {
    let mut off = Vec::new();
    let mut unknown = false;
    let mut any = false;
    for row in rows {
        any = true;
        match value(row, flag).as_deref() {
            Some("1") => {}
            Some("0") => off.push(value(row, label).unwrap_or_else(|| "a volume".to_string())),
            _ => unknown = true,
        }
    }
    if !any {
        return None;
    }
    Some(if !off.is_empty() {
        (
            CheckResult::Fail,
            detail(&[&format!("not encrypted: {}", off.join(", "))]),
        )
    } else if unknown {
        (
            CheckResult::Unknown,
            "the volume's encryption could not be read".to_string(),
        )
    } else {
        (CheckResult::Pass, String::new())
    })
}
