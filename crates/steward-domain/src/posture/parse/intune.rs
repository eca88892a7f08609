//! Microsoft Intune, in either of two shapes:
//!
//! - Graph's `managedDevices` as JSON (`{"value": [...]}`, or a bare list), each device with
//!   `serialNumber`, `deviceName`, `userPrincipalName`, `complianceState`, `isEncrypted`,
//!   `lastSyncDateTime`, `operatingSystem` and `osVersion`, and, when expanded,
//!   `windowsProtectionState` (`malwareProtectionEnabled`, `realTimeProtectionEnabled`,
//!   `signatureUpdateOverdue`, `lastReportedDateTime`) and `detectedApps` (`displayName`,
//!   `version`);
//! - the device compliance report exported as CSV (`DeviceName`, `SerialNumber`,
//!   `ComplianceState`, `OS`, `OSVersion`, `LastContact` and the report's other columns).
//!
//! A device's last sync is its check-in; `isEncrypted` is disk encryption; the protection
//! state is antivirus (on, scanning in real time and with signatures up to date).

use super::{
    Collect, DEVICE_MAX, Observation, SOFTWARE_MAX, Seen, detail, is_never, line_at, parse_instant,
    text,
};
use crate::import::{ImportErrors, Spec, read_table};
use serde::Deserialize;
use serde_json::value::RawValue;
use steward_policy::posture::{CheckResult, CheckWord};

const SOURCE: &str = "Microsoft Intune";

/// Reads a Graph JSON document or a compliance report CSV (told apart by the first
/// character).
pub fn parse_intune(file: &str, data: &[u8]) -> Result<Vec<Observation>, ImportErrors> {
    let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{' | b'[') => parse_graph(file, body),
        _ => parse_report(file, data),
    }
}

/// A page of Graph's answer; the devices are read one by one so each keeps its line.
#[derive(Deserialize)]
struct Page<'a> {
    #[serde(borrow)]
    value: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ManagedDevice {
    serial_number: Option<String>,
    device_name: Option<String>,
    // Read so that a device's user is understood, but not kept: the register knows who holds
    // each item.
    #[allow(dead_code)]
    user_principal_name: Option<String>,
    compliance_state: Option<String>,
    is_encrypted: Option<bool>,
    last_sync_date_time: Option<String>,
    operating_system: Option<String>,
    os_version: Option<String>,
    windows_protection_state: Option<ProtectionState>,
    detected_apps: Option<Vec<DetectedApp>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProtectionState {
    malware_protection_enabled: Option<bool>,
    real_time_protection_enabled: Option<bool>,
    signature_update_overdue: Option<bool>,
    last_reported_date_time: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DetectedApp {
    display_name: Option<String>,
    version: Option<String>,
}

fn parse_graph(file: &str, data: &[u8]) -> Result<Vec<Observation>, ImportErrors> {
    let mut out = Collect::new(file);
    let text_of = match std::str::from_utf8(data) {
        Ok(t) => t,
        Err(e) => {
            out.fail(line_at(data, e.valid_up_to()), None, "is not UTF-8 text");
            return out.finish();
        }
    };
    let read = if text_of.trim_start().starts_with('[') {
        serde_json::from_str::<Vec<&RawValue>>(text_of)
    } else {
        serde_json::from_str::<Page<'_>>(text_of).map(|page| page.value)
    };
    let devices = match read {
        Ok(value) => value,
        Err(e) => {
            let line = e.line().max(1) as u64;
            out.fail(
                line,
                None,
                format!(
                    "is not a list of Intune managed devices ({e}); export \
                     deviceManagement/managedDevices from Microsoft Graph as JSON"
                ),
            );
            return out.finish();
        }
    };
    for raw in devices {
        let offset = (raw.get().as_ptr() as usize).saturating_sub(text_of.as_ptr() as usize);
        let line = line_at(data, offset);
        match serde_json::from_str::<ManagedDevice>(raw.get()) {
            Ok(device) => {
                if !device_observations(&device, line, &mut out) {
                    break;
                }
            }
            Err(e) => out.fail(line, None, format!("is not an Intune managed device ({e})")),
        }
    }
    out.finish()
}

/// The observations of one managed device; false once the file has given too many.
fn device_observations(device: &ManagedDevice, line: u64, out: &mut Collect) -> bool {
    let name = match device_key(
        device.serial_number.as_deref(),
        device.device_name.as_deref(),
    ) {
        Ok(name) => name,
        Err((column, message)) => {
            out.fail(line, Some(column), message);
            return true;
        }
    };
    let Some(synced) = device.last_sync_date_time.as_deref() else {
        out.fail(
            line,
            Some("lastSyncDateTime"),
            "is missing; export it with the device",
        );
        return true;
    };
    if is_never(synced) {
        // Enrolled but never synced: nothing to judge yet.
        return true;
    }
    let synced = match parse_instant(synced) {
        Ok(at) => at,
        Err(message) => {
            out.fail(line, Some("lastSyncDateTime"), message);
            return true;
        }
    };
    let os = detail(&[
        device.operating_system.as_deref().unwrap_or_default(),
        device.os_version.as_deref().unwrap_or_default(),
    ]);
    let compliance = device
        .compliance_state
        .as_deref()
        .map(|s| format!("Intune compliance: {}", compliance_words(s)))
        .unwrap_or_default();
    let mut found = vec![Observation {
        line,
        device: name.clone(),
        seen: Seen::Check {
            check: CheckWord::CheckedIn,
            result: CheckResult::Pass,
        },
        observed_at: synced,
        source: SOURCE.to_string(),
        detail: detail(&[&os.replace("; ", " "), &compliance]),
    }];
    if let Some(encrypted) = device.is_encrypted {
        found.push(Observation {
            line,
            device: name.clone(),
            seen: Seen::Check {
                check: CheckWord::DiskEncryption,
                result: if encrypted {
                    CheckResult::Pass
                } else {
                    CheckResult::Fail
                },
            },
            observed_at: synced,
            source: SOURCE.to_string(),
            detail: if encrypted {
                String::new()
            } else {
                "the device reports it is not encrypted".to_string()
            },
        });
    }
    if let Some(state) = &device.windows_protection_state {
        let at = match state.last_reported_date_time.as_deref() {
            Some(t) if !is_never(t) => match parse_instant(t) {
                Ok(at) => at,
                Err(message) => {
                    out.fail(line, Some("lastReportedDateTime"), message);
                    return true;
                }
            },
            _ => synced,
        };
        let (result, why) = antivirus(state);
        found.push(Observation {
            line,
            device: name.clone(),
            seen: Seen::Check {
                check: CheckWord::Antivirus,
                result,
            },
            observed_at: at,
            source: SOURCE.to_string(),
            detail: why,
        });
    }
    for app in device.detected_apps.iter().flatten() {
        let Some(app_name) = app.display_name.as_deref().filter(|n| !n.trim().is_empty()) else {
            continue;
        };
        match text(app_name, SOFTWARE_MAX) {
            Ok(app_name) => found.push(Observation {
                line,
                device: name.clone(),
                seen: Seen::Software { name: app_name },
                observed_at: synced,
                source: SOURCE.to_string(),
                detail: detail(&[app.version.as_deref().unwrap_or_default()]),
            }),
            Err(message) => out.fail(line, Some("detectedApps.displayName"), message),
        }
    }
    for o in found {
        if !out.push(o) {
            return false;
        }
    }
    true
}

fn antivirus(state: &ProtectionState) -> (CheckResult, String) {
    let mut off = Vec::new();
    if state.malware_protection_enabled == Some(false) {
        off.push("malware protection off");
    }
    if state.real_time_protection_enabled == Some(false) {
        off.push("real-time protection off");
    }
    if state.signature_update_overdue == Some(true) {
        off.push("signatures out of date");
    }
    if !off.is_empty() {
        return (CheckResult::Fail, off.join(", "));
    }
    let all_known = state.malware_protection_enabled.is_some()
        && state.real_time_protection_enabled.is_some()
        && state.signature_update_overdue.is_some();
    if all_known {
        (CheckResult::Pass, String::new())
    } else {
        (
            CheckResult::Unknown,
            "Intune did not report the protection state".to_string(),
        )
    }
}

fn compliance_words(state: &str) -> &'static str {
    match state.trim().to_lowercase().as_str() {
        "compliant" => "compliant",
        "noncompliant" | "not compliant" => "not compliant",
        "ingraceperiod" | "in grace period" => "in grace period",
        "conflict" => "conflicting policies",
        "error" => "error",
        "configmanager" => "managed by Configuration Manager",
        _ => "unknown",
    }
}

/// The device by its serial number, else its name. Vendors write "0" or blanks for a serial
/// they do not know.
fn device_key(serial: Option<&str>, name: Option<&str>) -> Result<String, (&'static str, String)> {
    let serial = serial.map(str::trim).filter(|s| !s.is_empty() && *s != "0");
    if let Some(serial) = serial {
        return text(serial, DEVICE_MAX).map_err(|m| ("serialNumber", m));
    }
    match name.map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) => text(name, DEVICE_MAX).map_err(|m| ("deviceName", m)),
        None => Err((
            "serialNumber",
            "the device has neither a serial number nor a name".to_string(),
        )),
    }
}

const REPORT: Spec = Spec {
    rows: "an Intune device compliance report",
    required: &["devicename", "lastcontact"],
    optional: &["serialnumber", "compliancestate", "os", "osversion"],
    aliases: &[
        ("device_name", "devicename"),
        ("serial_number", "serialnumber"),
        ("compliance", "compliancestate"),
        ("last_check_in", "lastcontact"),
        ("os_version", "osversion"),
    ],
    extra_columns: true,
};

fn parse_report(file: &str, data: &[u8]) -> Result<Vec<Observation>, ImportErrors> {
    let mut out = Collect::new(file);
    let rows = read_table(file, &REPORT, data, |f| {
        let name = f.required("devicename", "write the device's name", |s| {
            text(s, DEVICE_MAX)
        });
        let serial = f.optional("serialnumber", |s| text(s, DEVICE_MAX));
        let contact = f.required(
            "lastcontact",
            "write when the device last checked in",
            |s| {
                if is_never(s) {
                    Ok(None)
                } else {
                    parse_instant(s).map(Some)
                }
            },
        );
        let state = f.optional("compliancestate", |s| Ok(s.to_string()));
        let os = f.optional("os", |s| Ok(s.to_string()));
        let version = f.optional("osversion", |s| Ok(s.to_string()));
        let (name, serial) = (name?, serial?);
        let device = serial.filter(|s| s != "0").unwrap_or(name);
        let compliance = state?
            .map(|s| format!("Intune compliance: {}", compliance_words(&s)))
            .unwrap_or_default();
        Some(contact?.map(|at| Observation {
            line: f.line,
            device,
            seen: Seen::Check {
                check: CheckWord::CheckedIn,
                result: CheckResult::Pass,
            },
            observed_at: at,
            source: SOURCE.to_string(),
            detail: detail(&[
                &format!(
                    "{} {}",
                    os.flatten().unwrap_or_default(),
                    version.flatten().unwrap_or_default()
                ),
                &compliance,
            ]),
        }))
    })?;
    for row in rows.into_iter().flatten() {
        if !out.push(row) {
            break;
        }
    }
    out.finish()
}
