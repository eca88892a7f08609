//! Steward's own format: one check of one device a row, as CSV with a header or as JSON Lines
//! (one object a line) with the same names: `device`, `check`, `result`, `observed_at`
//! (required), `source`, `detail` (optional). A row whose check is `software` records a
//! program installed on the device: its name is the detail, and its result is `pass`.

use super::{
    Collect, DETAIL_MAX, DEVICE_MAX, Observation, SOFTWARE_MAX, SOURCE_MAX, Seen, lines,
    parse_instant, shorten, text,
};
use crate::import::{ImportErrors, Spec, read_table};
use serde::Deserialize;
use steward_policy::posture::{CheckResult, CheckWord};

const NATIVE: Spec = Spec {
    rows: "a device checks file",
    required: &["device", "check", "result", "observed_at"],
    optional: &["source", "detail"],
    aliases: &[],
    extra_columns: false,
};

const DEFAULT_SOURCE: &str = "Steward file";

/// Reads the native format, CSV or JSON Lines (told apart by the first character).
pub fn parse_native(file: &str, data: &[u8]) -> Result<Vec<Observation>, ImportErrors> {
    let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        return parse_lines(file, data);
    }
    let mut collect = Collect::new(file);
    let rows = read_table(file, &NATIVE, data, |f| {
        let device = f.required(
            "device",
            "write the device's serial number, asset tag or host name",
            |s| text(s, DEVICE_MAX),
        );
        let check = f.required("check", &check_words(), check_word);
        let result = f.required("result", "write pass, fail or unknown", result_word);
        let observed_at = f.required(
            "observed_at",
            "write when the check was made, like 2026-03-09T10:15:00Z",
            parse_instant,
        );
        let source = f.optional("source", |s| text(s, SOURCE_MAX));
        let detail = f.optional("detail", |s| text(s, DETAIL_MAX));
        let (check, result, detail) = (check?, result?, detail?);
        let seen = match seen_of(check, result, detail.as_deref()) {
            Ok(seen) => seen,
            Err((column, message)) => {
                f.fail(column, message);
                return None;
            }
        };
        Some(Observation {
            line: f.line,
            device: device?,
            seen,
            observed_at: observed_at?,
            source: source?.unwrap_or_else(|| DEFAULT_SOURCE.to_string()),
            detail: detail.unwrap_or_default(),
        })
    })?;
    for row in rows {
        if !collect.push(row) {
            break;
        }
    }
    collect.finish()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    device: String,
    check: String,
    result: String,
    observed_at: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    detail: Option<String>,
}

fn parse_lines(file: &str, data: &[u8]) -> Result<Vec<Observation>, ImportErrors> {
    let mut out = Collect::new(file);
    for (line, raw) in lines(data, &mut out) {
        let row: Line = match serde_json::from_str(raw) {
            Ok(row) => row,
            Err(e) => {
                out.fail(
                    line,
                    None,
                    format!(
                        "is not a device check ({e}); each line is an object with device, \
                         check, result, observed_at and optionally source and detail"
                    ),
                );
                continue;
            }
        };
        let mut problems: Vec<(&'static str, String)> = Vec::new();
        let p = &mut problems;
        let device = take(
            p,
            "device",
            text(&row.device, DEVICE_MAX).and_then(not_blank),
        );
        let check = take(p, "check", check_word(&row.check));
        let result = take(p, "result", result_word(&row.result));
        let observed_at = take(p, "observed_at", parse_instant(&row.observed_at));
        let source = take(
            p,
            "source",
            row.source
                .as_deref()
                .map_or(Ok(DEFAULT_SOURCE.to_string()), |s| text(s, SOURCE_MAX)),
        );
        let detail = take(
            p,
            "detail",
            row.detail
                .as_deref()
                .map_or(Ok(String::new()), |s| text(s, DETAIL_MAX)),
        );
        let seen = match (check, result, &detail) {
            (Some(c), Some(r), Some(d)) => {
                let name = Some(d.as_str()).filter(|d| !d.is_empty());
                take_seen(p, seen_of(c, r, name))
            }
            _ => None,
        };
        for (column, message) in problems {
            out.fail(line, Some(column), message);
        }
        if let (Some(device), Some(seen), Some(observed_at), Some(source), Some(detail)) =
            (device, seen, observed_at, source, detail)
            && !out.push(Observation {
                line,
                device,
                seen,
                observed_at,
                source,
                detail,
            })
        {
            break;
        }
    }
    out.finish()
}

fn take<T>(
    problems: &mut Vec<(&'static str, String)>,
    column: &'static str,
    r: Result<T, String>,
) -> Option<T> {
    r.map_err(|m| problems.push((column, m))).ok()
}

fn take_seen(
    problems: &mut Vec<(&'static str, String)>,
    seen: Result<Seen, (&'static str, String)>,
) -> Option<Seen> {
    seen.map_err(|p| problems.push(p)).ok()
}

fn not_blank(s: String) -> Result<String, String> {
    if s.is_empty() {
        Err("is blank; write the device's serial number, asset tag or host name".to_string())
    } else {
        Ok(s)
    }
}

/// A check word, or `None` for `software`.
fn check_word(s: &str) -> Result<Option<CheckWord>, String> {
    let word = s.trim().to_lowercase().replace([' ', '-'], "_");
    if word == "software" {
        return Ok(None);
    }
    CheckWord::parse(&word)
        .map(Some)
        .ok_or_else(|| format!("'{}' is not a check; {}", shorten(s), check_words()))
}

fn check_words() -> String {
    let words: Vec<&str> = CheckWord::ALL.iter().map(|c| c.word()).collect();
    format!("expected one of: {}, software", words.join(", "))
}

fn result_word(s: &str) -> Result<CheckResult, String> {
    CheckResult::parse(&s.trim().to_lowercase()).ok_or_else(|| {
        format!(
            "'{}' is not a result; expected one of: pass, fail, unknown",
            shorten(s)
        )
    })
}

fn seen_of(
    check: Option<CheckWord>,
    result: CheckResult,
    detail: Option<&str>,
) -> Result<Seen, (&'static str, String)> {
    match check {
        Some(check) => Ok(Seen::Check { check, result }),
        None => {
            if result != CheckResult::Pass {
                return Err((
                    "result",
                    "a software row records a program that is installed; its result is pass"
                        .to_string(),
                ));
            }
            let name = detail.unwrap_or_default();
            if name.is_empty() {
                return Err((
                    "detail",
                    "is blank; a software row names the program in its detail".to_string(),
                ));
            }
            if name.chars().count() > SOFTWARE_MAX {
                return Err((
                    "detail",
                    format!("a program's name is at most {SOFTWARE_MAX} characters"),
                ));
            }
            Ok(Seen::Software {
                name: name.to_string(),
            })
        }
    }
}
