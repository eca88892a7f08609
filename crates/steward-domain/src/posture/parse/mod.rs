//! Reading device checks from outside: Steward's own format (CSV or JSON Lines) and the
//! exports of Microsoft Intune, osquery and Fleet, each turned into the same observations.
//!
//! Pure: the caller hands over the bytes and gets back every observation, or every problem
//! with its line. A file with any bad row gives nothing, so the parsers carry on past the
//! first problem and report them all.

mod fleet;
mod intune;
mod native;
mod osquery;

pub use fleet::{FleetMap, parse_fleet};
pub use intune::parse_intune;
pub use native::parse_native;
pub use osquery::parse_osquery;

use crate::import::{ImportErrors, RowError};
use crate::limits::{POSTURE_LINE, POSTURE_OBSERVATIONS, size};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use steward_policy::posture::{CheckResult, CheckWord};

/// The longest device name, serial number or asset tag.
pub const DEVICE_MAX: usize = 200;
/// The longest name of a source ("intune", "osquery", a council's own script).
pub const SOURCE_MAX: usize = 100;
/// The longest detail a source may give about one check.
pub const DETAIL_MAX: usize = 500;
/// The longest name of an installed program.
pub const SOFTWARE_MAX: usize = 300;

/// What a source saw on a device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seen {
    Check {
        check: CheckWord,
        result: CheckResult,
    },
    /// A program installed on the device.
    Software { name: String },
}

/// One thing a source saw on one device at one time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    /// The line of the file it came from.
    pub line: u64,
    /// The device as the source names it: its serial number, else its asset tag or host name.
    pub device: String,
    pub seen: Seen,
    pub observed_at: DateTime<Utc>,
    pub source: String,
    pub detail: String,
}

/// The formats a file of device checks may come in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Steward,
    Intune,
    Osquery,
    Fleet,
}

impl Format {
    pub const ALL: [Format; 4] = [
        Format::Steward,
        Format::Intune,
        Format::Osquery,
        Format::Fleet,
    ];

    pub fn word(self) -> &'static str {
        match self {
            Format::Steward => "steward",
            Format::Intune => "intune",
            Format::Osquery => "osquery",
            Format::Fleet => "fleet",
        }
    }

    pub fn parse(word: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.word() == word)
    }

    /// The source recorded with what a vendor's file gives.
    pub fn label(self) -> &'static str {
        match self {
            Format::Steward => "Steward file",
            Format::Intune => "Microsoft Intune",
            Format::Osquery => "osquery",
            Format::Fleet => "Fleet",
        }
    }
}

/// Reads a file in `format`. Fleet files need the map from policy names to checks.
pub fn parse(
    format: Format,
    file: &str,
    data: &[u8],
    fleet: &FleetMap,
) -> Result<Vec<Observation>, ImportErrors> {
    match format {
        Format::Steward => parse_native(file, data),
        Format::Intune => parse_intune(file, data),
        Format::Osquery => parse_osquery(file, data),
        Format::Fleet => parse_fleet(file, data, fleet),
    }
}

/// Collects observations and problems, holding the file to its limits.
pub(crate) struct Collect {
    file: String,
    pub(crate) rows: Vec<Observation>,
    pub(crate) errors: Vec<RowError>,
    full: bool,
}

impl Collect {
    pub(crate) fn new(file: &str) -> Self {
        Collect {
            file: file.to_string(),
            rows: Vec::new(),
            errors: Vec::new(),
            full: false,
        }
    }

    pub(crate) fn fail(&mut self, line: u64, column: Option<&str>, message: impl Into<String>) {
        // A broken file could give a problem per byte; the first thousand say enough.
        if self.errors.len() < 1000 {
            self.errors.push(RowError {
                line,
                column: column.map(str::to_string),
                message: message.into(),
            });
        }
    }

    /// Adds an observation; false once the file has given too many.
    pub(crate) fn push(&mut self, observation: Observation) -> bool {
        if self.rows.len() >= POSTURE_OBSERVATIONS {
            if !self.full {
                self.full = true;
                let line = observation.line;
                self.fail(
                    line,
                    None,
                    format!(
                        "the file gives more than {POSTURE_OBSERVATIONS} observations; split it \
                         into smaller files"
                    ),
                );
            }
            return false;
        }
        self.rows.push(observation);
        true
    }

    pub(crate) fn finish(self) -> Result<Vec<Observation>, ImportErrors> {
        if self.errors.is_empty() {
            Ok(self.rows)
        } else {
            Err(ImportErrors {
                file: self.file,
                errors: self.errors,
            })
        }
    }
}

/// The lines of a line-based file with their numbers, blank lines skipped. A line over the
/// limit is reported and ends the reading.
pub(crate) fn lines<'a>(data: &'a [u8], out: &mut Collect) -> Vec<(u64, &'a str)> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let mut found = Vec::new();
    for (index, raw) in data.split(|b| *b == b'\n').enumerate() {
        let line = index as u64 + 1;
        if raw.len() > POSTURE_LINE {
            out.fail(
                line,
                None,
                format!(
                    "this line is longer than {}, the longest a line may be",
                    size(POSTURE_LINE as u64)
                ),
            );
            break;
        }
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let Ok(text) = std::str::from_utf8(raw) else {
            out.fail(line, None, "is not UTF-8 text");
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        found.push((line, text));
    }
    found
}

/// The line of `data` that byte `offset` is on.
pub(crate) fn line_at(data: &[u8], offset: usize) -> u64 {
    let end = offset.min(data.len());
    data[..end].iter().filter(|b| **b == b'\n').count() as u64 + 1
}

/// A moment as vendors write it: RFC 3339 with a zone, or a date and time without one (taken
/// as UTC, as Intune's and Fleet's exports are), with optional fractions of a second.
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    let moment = DateTime::parse_from_rfc3339(text)
        .map(|d| d.with_timezone(&Utc))
        .or_else(|_| {
            [
                "%Y-%m-%dT%H:%M:%S%.f",
                "%Y-%m-%d %H:%M:%S%.f",
                "%Y-%m-%d %H:%M",
            ]
            .iter()
            .find_map(|form| NaiveDateTime::parse_from_str(text, form).ok())
            .map(|naive| Utc.from_utc_datetime(&naive))
            .ok_or(())
        })
        .map_err(|()| {
            format!(
                "'{}' is not a date and time; write it like 2026-03-09T10:15:00Z",
                shorten(text)
            )
        })?;
    check_era(moment)
}

/// A moment from a count of seconds since 1970 (osquery's `unixTime`).
pub(crate) fn from_unix(seconds: i64) -> Result<DateTime<Utc>, String> {
    let moment = DateTime::from_timestamp(seconds, 0)
        .ok_or_else(|| format!("{seconds} is not a time a device could have reported"))?;
    check_era(moment)
}

/// Whether a moment is a real report: vendors write the year 1 for "never".
pub(crate) fn is_never(moment: &str) -> bool {
    moment.trim().starts_with("0001-01-01")
}

fn check_era(moment: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let earliest = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN);
    let latest = NaiveDate::from_ymd_opt(2100, 1, 1).unwrap_or(NaiveDate::MAX);
    let day = moment.date_naive();
    if day < earliest || day >= latest {
        return Err(format!(
            "{} is not a time a device could have reported; check the clock of the source",
            moment.format("%Y-%m-%d %H:%M:%S")
        ));
    }
    Ok(moment)
}

/// Text from a source, held to one line and a length.
pub(crate) fn text(value: &str, max: usize) -> Result<String, String> {
    crate::import::plain_text(value.trim(), max)
}

/// A value shortened for a message.
pub(crate) fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Joins the words of a detail, leaving out blanks.
pub(crate) fn detail(parts: &[&str]) -> String {
    let mut out: Vec<&str> = parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect();
    out.dedup();
    let joined = out.join("; ");
    joined
        .chars()
        .map(|c| {
            if c.is_control() || crate::text::is_direction_control(c) {
                ' '
            } else {
                c
            }
        })
        .take(DETAIL_MAX)
        .collect()
}

#[cfg(test)]
mod tests;
