//! Fleet's policy results: the hosts as its REST API gives them
//! (`GET /api/v1/fleet/hosts?populate_policies=true`, `{"hosts": [...]}`; one host,
//! `{"host": {...}}`; or a bare list), each with `hardware_serial`, `hostname`, `seen_time` and
//! `policies` (`name`, `response`: `pass`, `fail`, or blank when not yet run). Policy names are
//! the council's own, so a map says which check each one is; policies it does not name are
//! passed over.

use super::{Collect, DEVICE_MAX, Observation, Seen, is_never, line_at, parse_instant, text};
use crate::import::{ImportErrors, RowError};
use serde::Deserialize;
use serde_json::value::RawValue;
use steward_policy::posture::{CheckResult, CheckWord};

const SOURCE: &str = "Fleet";

/// The longest policy map, in lines.
pub const FLEET_MAP_LINES: usize = 1000;

/// Which check each of the council's Fleet policies verifies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FleetMap {
    entries: Vec<(String, CheckWord)>,
}

impl FleetMap {
    /// Reads `policy name = check` lines; blank lines and lines starting `#` are passed over.
    pub fn parse(file: &str, data: &str) -> Result<FleetMap, ImportErrors> {
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        for (index, raw) in data.lines().enumerate() {
            let line = index as u64 + 1;
            if index >= FLEET_MAP_LINES {
                errors.push(RowError {
                    line,
                    column: None,
                    message: format!("a policy map has at most {FLEET_MAP_LINES} lines"),
                });
                break;
            }
            let raw = raw.trim();
            if raw.is_empty() || raw.starts_with('#') {
                continue;
            }
            let Some((name, check)) = raw.rsplit_once('=') else {
                errors.push(RowError {
                    line,
                    column: None,
                    message: "write the policy's name, then =, then the check, like \
                              \"Antivirus healthy (Windows) = antivirus\""
                        .to_string(),
                });
                continue;
            };
            let name = name.trim();
            let check_text = check.trim();
            let Some(check) = CheckWord::parse(check_text) else {
                let words: Vec<&str> = CheckWord::ALL.iter().map(|c| c.word()).collect();
                errors.push(RowError {
                    line,
                    column: Some("check".to_string()),
                    message: format!(
                        "'{}' is not a check; expected one of: {}",
                        super::shorten(check_text),
                        words.join(", ")
                    ),
                });
                continue;
            };
            match text(name, DEVICE_MAX) {
                Ok(name) if !name.is_empty() => entries.push((name.to_lowercase(), check)),
                Ok(_) => errors.push(RowError {
                    line,
                    column: Some("policy".to_string()),
                    message: "is blank; write the policy's name as Fleet shows it".to_string(),
                }),
                Err(message) => errors.push(RowError {
                    line,
                    column: Some("policy".to_string()),
                    message,
                }),
            }
        }
        if errors.is_empty() {
            Ok(FleetMap { entries })
        } else {
            Err(ImportErrors {
                file: file.to_string(),
                errors,
            })
        }
    }

    pub fn from_pairs(pairs: &[(&str, CheckWord)]) -> FleetMap {
        FleetMap {
            entries: pairs
                .iter()
                .map(|(n, c)| (n.trim().to_lowercase(), *c))
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn check_of(&self, policy: &str) -> Option<CheckWord> {
        let policy = policy.trim().to_lowercase();
        self.entries
            .iter()
            .find(|(name, _)| *name == policy)
            .map(|(_, c)| *c)
    }
}

/// Fleet's answer: many hosts or one; each is read on its own so it keeps its line.
#[derive(Deserialize)]
struct Document<'a> {
    #[serde(borrow, default)]
    hosts: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    host: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Host {
    hostname: Option<String>,
    hardware_serial: Option<String>,
    seen_time: Option<String>,
    #[serde(default)]
    policies: Option<Vec<Policy>>,
}

#[derive(Deserialize)]
struct Policy {
    name: String,
    response: Option<String>,
}

/// Reads Fleet's hosts with their policy results.
pub fn parse_fleet(
    file: &str,
    data: &[u8],
    map: &FleetMap,
) -> Result<Vec<Observation>, ImportErrors> {
    let mut out = Collect::new(file);
    if map.is_empty() {
        out.fail(
            1,
            None,
            "no policy map was given; say which check each Fleet policy verifies",
        );
        return out.finish();
    }
    let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let text_of = match std::str::from_utf8(body) {
        Ok(t) => t,
        Err(e) => {
            out.fail(line_at(body, e.valid_up_to()), None, "is not UTF-8 text");
            return out.finish();
        }
    };
    let read = if text_of.trim_start().starts_with('[') {
        serde_json::from_str::<Vec<&RawValue>>(text_of)
    } else {
        serde_json::from_str::<Document<'_>>(text_of).and_then(|d| match (d.hosts, d.host) {
            (Some(hosts), _) => Ok(hosts),
            (None, Some(host)) => Ok(vec![host]),
            (None, None) => Err(serde::de::Error::custom("it has no hosts")),
        })
    };
    let hosts = match read {
        Ok(hosts) => hosts,
        Err(e) => {
            out.fail(
                e.line().max(1) as u64,
                None,
                format!(
                    "is not a list of Fleet hosts ({e}); save the answer of \
                     /api/v1/fleet/hosts?populate_policies=true"
                ),
            );
            return out.finish();
        }
    };
    'hosts: for raw in hosts {
        let offset = (raw.get().as_ptr() as usize).saturating_sub(text_of.as_ptr() as usize);
        let line = line_at(body, offset);
        let host: Host = match serde_json::from_str(raw.get()) {
            Ok(h) => h,
            Err(e) => {
                out.fail(line, None, format!("is not a Fleet host ({e})"));
                continue;
            }
        };
        let serial = host
            .hardware_serial
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty() && *s != "0");
        let device = match (serial, host.hostname.as_deref().map(str::trim)) {
            (Some(s), _) => text(s, DEVICE_MAX).map_err(|m| ("hardware_serial", m)),
            (None, Some(h)) if !h.is_empty() => text(h, DEVICE_MAX).map_err(|m| ("hostname", m)),
            _ => Err((
                "hardware_serial",
                "the host has neither a serial number nor a host name".to_string(),
            )),
        };
        let device = match device {
            Ok(d) => d,
            Err((column, message)) => {
                out.fail(line, Some(column), message);
                continue;
            }
        };
        let seen = match host.seen_time.as_deref() {
            Some(t) if !is_never(t) => match parse_instant(t) {
                Ok(at) => at,
                Err(message) => {
                    out.fail(line, Some("seen_time"), message);
                    continue;
                }
            },
            Some(_) => continue,
            None => {
                out.fail(
                    line,
                    Some("seen_time"),
                    "is missing; export it with the host",
                );
                continue;
            }
        };
        let mut found = vec![Observation {
            line,
            device: device.clone(),
            seen: Seen::Check {
                check: CheckWord::CheckedIn,
                result: CheckResult::Pass,
            },
            observed_at: seen,
            source: SOURCE.to_string(),
            detail: String::new(),
        }];
        for policy in host.policies.iter().flatten() {
            let Some(check) = map.check_of(&policy.name) else {
                continue;
            };
            let result = match policy.response.as_deref().map(str::trim) {
                Some("pass") => CheckResult::Pass,
                Some("fail") => CheckResult::Fail,
                _ => CheckResult::Unknown,
            };
            found.push(Observation {
                line,
                device: device.clone(),
                seen: Seen::Check { check, result },
                observed_at: seen,
                source: SOURCE.to_string(),
                detail: super::detail(&[&format!("Fleet policy \u{201c}{}\u{201d}", policy.name)]),
            });
        }
        for o in found {
            if !out.push(o) {
                break 'hosts;
            }
        }
    }
    out.finish()
}
