//! The exported chain: JSON lines, one record per line in seq order, each with every field the
//! hash covers. The before/after data are embedded as JSON, byte for byte as stored and hashed,
//! so reading a line back needs no unescaping or copying. Verifying an export needs no
//! database, so an auditor can check it on a machine the database administrator does not
//! control.

use super::export_parse::parse_canonical;
use super::{AuditRecord, ChainProblem, ChainReport, ChainVerifier, Local, RecordView, TimeBuf};
use crate::limits::{AUDIT_EXPORT_BATCH, AUDIT_EXPORT_FILE, AUDIT_EXPORT_LINE, size};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::io::{BufRead, Read};

/// One line of an export. Text fields borrow from the line where JSON escaping allows.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportLine<'a> {
    pub council_id: i64,
    pub seq: i64,
    #[serde(borrow)]
    pub at: Cow<'a, str>,
    #[serde(borrow)]
    pub actor: Cow<'a, str>,
    #[serde(borrow)]
    pub action: Cow<'a, str>,
    #[serde(borrow)]
    pub entity: Cow<'a, str>,
    #[serde(borrow)]
    pub entity_id: Cow<'a, str>,
    #[serde(borrow)]
    pub before: Option<&'a RawValue>,
    #[serde(borrow)]
    pub after: Option<&'a RawValue>,
    #[serde(borrow)]
    pub data_digest: Cow<'a, str>,
    #[serde(borrow)]
    pub prev_hash: Cow<'a, str>,
    #[serde(borrow)]
    pub hash: Cow<'a, str>,
    /// The day the data was erased, as YYYY-MM-DD; absent while the data is held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erased_on: Option<NaiveDate>,
}

/// The stored data as embedded JSON. Everything Steward writes there is compact JSON; text
/// that is not, or that would not come back byte for byte, was changed outside the program.
fn embedded(text: Option<&str>, seq: i64) -> Result<Option<&RawValue>, ChainProblem> {
    match text {
        None => Ok(None),
        Some(text) => match serde_json::from_str::<&RawValue>(text) {
            Ok(raw) if raw.get().len() == text.len() => Ok(Some(raw)),
            _ => Err(ChainProblem::DataAltered { seq }),
        },
    }
}

impl<'a> ExportLine<'a> {
    pub fn of(
        record: &'a AuditRecord,
        time: &'a mut TimeBuf,
    ) -> Result<ExportLine<'a>, ChainProblem> {
        let v = record.view(time);
        Ok(ExportLine {
            council_id: v.council_id,
            seq: v.seq,
            at: Cow::Borrowed(v.at),
            actor: Cow::Borrowed(v.actor),
            action: Cow::Borrowed(v.action),
            entity: Cow::Borrowed(v.entity),
            entity_id: Cow::Borrowed(v.entity_id),
            before: embedded(v.before, v.seq)?,
            after: embedded(v.after, v.seq)?,
            data_digest: Cow::Borrowed(v.data_digest),
            prev_hash: Cow::Borrowed(v.prev_hash),
            hash: Cow::Borrowed(v.hash),
            erased_on: v.erased_on,
        })
    }

    /// The line's text, without its line break.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn view(&self) -> RecordView<'_> {
        RecordView {
            council_id: self.council_id,
            seq: self.seq,
            at: &self.at,
            actor: &self.actor,
            action: &self.action,
            entity: &self.entity,
            entity_id: &self.entity_id,
            before: self.before.map(RawValue::get),
            after: self.after.map(RawValue::get),
            data_digest: &self.data_digest,
            prev_hash: &self.prev_hash,
            hash: &self.hash,
            erased_on: self.erased_on,
        }
    }
}

/// Lines are read a batch at a time; a batch's records are parsed and hashed on every core,
/// then linked in order on the calling thread, so the first problem found is the first in
/// the file however the work was shared.
const BATCH_LINES: usize = 16_384;

/// Below this many lines a batch is checked on the calling thread alone.
const SPLIT_FROM: usize = 2_048;

#[derive(Default)]
struct Batch {
    text: String,
    /// Each non-empty line's number in the file and its place in `text`.
    lines: Vec<(u64, std::ops::Range<usize>)>,
}

enum Parsed<'a> {
    Fast(RecordView<'a>),
    Slow(ExportLine<'a>),
}

impl Parsed<'_> {
    fn view(&self) -> RecordView<'_> {
        match self {
            Parsed::Fast(v) => *v,
            Parsed::Slow(line) => line.view(),
        }
    }
}

// Nearly every line is a record, and boxing it would allocate once per line.
#[allow(clippy::large_enum_variant)]
enum Checked<'a> {
    Record(Parsed<'a>, Local),
    Unreadable { line: u64, message: String },
}

fn check_line(number: u64, text: &str) -> Checked<'_> {
    let parsed = match parse_canonical(text) {
        Some(view) => Parsed::Fast(view),
        None => match serde_json::from_str::<ExportLine<'_>>(text) {
            Ok(line) => Parsed::Slow(line),
            Err(e) => {
                return Checked::Unreadable {
                    line: number,
                    message: e.to_string(),
                };
            }
        },
    };
    let local = Local::of(&parsed.view());
    Checked::Record(parsed, local)
}

fn check_lines<'a>(text: &'a str, lines: &[(u64, std::ops::Range<usize>)]) -> Vec<Checked<'a>> {
    lines
        .iter()
        .map(|(number, range)| check_line(*number, text.get(range.clone()).unwrap_or_default()))
        .collect()
}

fn check_batch(batch: &Batch, workers: usize) -> Vec<Checked<'_>> {
    if workers < 2 || batch.lines.len() < SPLIT_FROM {
        return check_lines(&batch.text, &batch.lines);
    }
    let share = batch.lines.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let mut parts = batch.lines.chunks(share);
        let first = parts.next().unwrap_or_default();
        let others: Vec<_> = parts
            .map(|part| scope.spawn(|| check_lines(&batch.text, part)))
            .collect();
        let mut out = check_lines(&batch.text, first);
        for handle in others {
            match handle.join() {
                Ok(mut part) => out.append(&mut part),
                // A worker only parses and hashes; if it died, its panic is ours.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

/// Verifies an export read from `input`, noting the hashes at the `watch` seqs. The chain's
/// head is its last line, so removal of the newest lines is only caught by a checkpoint;
/// `progress` is told the number of bytes read now and then.
pub fn verify_export(
    mut input: impl BufRead,
    watch: impl IntoIterator<Item = i64>,
    mut progress: impl FnMut(u64),
) -> ExportReport {
    let mut verifier = ChainVerifier::watching(watch);
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let mut batch = Batch::default();
    let mut number: u64 = 0;
    let mut bytes: u64 = 0;
    let mut last_seq: i64 = 0;
    let mut overrun = None;
    'batches: loop {
        batch.text.clear();
        batch.lines.clear();
        let mut ended = false;
        let mut unreadable = None;
        while batch.lines.len() < BATCH_LINES && batch.text.len() < AUDIT_EXPORT_BATCH {
            let start = batch.text.len();
            // Never more than one line's limit (and its line break) at a time, so a file
            // with no line breaks costs no more memory than the longest line allowed.
            let most = AUDIT_EXPORT_LINE as u64 + 2;
            match (&mut input).take(most).read_line(&mut batch.text) {
                Ok(0) => {
                    ended = true;
                    break;
                }
                Ok(read) => {
                    number += 1;
                    bytes += read as u64;
                    let line = batch.text.get(start..).unwrap_or_default();
                    let end = start + line.trim_end_matches(['\n', '\r']).len();
                    if end - start > AUDIT_EXPORT_LINE || bytes > AUDIT_EXPORT_FILE {
                        overrun = Some(Overrun::new(number, end - start > AUDIT_EXPORT_LINE));
                        break;
                    }
                    if end > start {
                        batch.lines.push((number, start..end));
                    }
                }
                Err(e) => {
                    unreadable = Some(ChainProblem::Unreadable {
                        line: number + 1,
                        message: e.to_string(),
                    });
                    break;
                }
            }
        }
        for checked in check_batch(&batch, workers) {
            let outcome = match checked {
                Checked::Record(parsed, local) => {
                    let view = parsed.view();
                    last_seq = view.seq;
                    verifier.push_checked(&view, local)
                }
                Checked::Unreadable { line, message } => {
                    Err(verifier.fail(ChainProblem::Unreadable { line, message }))
                }
            };
            if outcome.is_err() {
                break 'batches;
            }
        }
        progress(bytes);
        if let Some(problem) = unreadable {
            verifier.fail(problem);
            break;
        }
        if ended || overrun.is_some() {
            break;
        }
    }
    progress(bytes);
    let through = verifier.verified_through();
    ExportReport {
        // The export's own last record is its head; only an outcome that reached it counts.
        last_seq: last_seq.max(through),
        chain: verifier.report(None),
        overrun,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExportReport {
    pub chain: ChainReport,
    /// The last seq the export holds (where reading stopped, if it failed).
    pub last_seq: i64,
    /// Reading stopped at a line or a file beyond the limits: the file is not an export at
    /// all, so nothing it holds is judged.
    pub overrun: Option<Overrun>,
}

/// Where and why an export was refused unread.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct Overrun {
    pub line: u64,
    /// The line itself was too long, rather than the file.
    pub line_too_long: bool,
}

impl Overrun {
    fn new(line: u64, line_too_long: bool) -> Overrun {
        Overrun {
            line,
            line_too_long,
        }
    }

    fn describe(&self) -> String {
        if self.line_too_long {
            format!(
                "line {} is longer than {}, the longest line an audit export may have",
                self.line,
                size(AUDIT_EXPORT_LINE as u64)
            )
        } else {
            format!(
                "the file holds more than {}, the most an audit export may hold",
                size(AUDIT_EXPORT_FILE)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::verify::tests::chain;

    fn export(records: &[AuditRecord]) -> String {
        let mut out = String::new();
        let mut time = TimeBuf::default();
        for r in records {
            out.push_str(&ExportLine::of(r, &mut time).unwrap().to_line());
            out.push('\n');
        }
        out
    }

    #[test]
    fn an_export_verifies_offline() {
        let records = chain(30);
        let text = export(&records);
        let report = verify_export(text.as_bytes(), [10], |_| {});
        assert_eq!(report.chain.outcome, Ok(30));
        assert_eq!(report.last_seq, 30);
        assert_eq!(report.chain.hash_at(10), Some(records[9].hash.as_str()));
    }

    #[test]
    fn a_long_export_shared_between_cores_names_its_first_problem() {
        let records = chain(20_000);
        let text = export(&records);
        let report = verify_export(text.as_bytes(), [17_000], |_| {});
        assert_eq!(report.chain.outcome, Ok(20_000));
        assert_eq!(
            report.chain.hash_at(17_000),
            Some(records[16_999].hash.as_str())
        );
        // One change in the second batch and one early in the first, in different shares.
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        lines[18_500] = lines[18_500].replace("Person 18500", "Person X");
        lines[3_000] = lines[3_000].replace("Person 3000", "Person Y");
        let report = verify_export(lines.join("\n").as_bytes(), [], |_| {});
        assert_eq!(
            report.chain.outcome,
            Err(ChainProblem::DataAltered { seq: 3_001 })
        );
        assert_eq!(report.chain.verified_through, 3_000);
    }

    #[test]
    fn an_endless_line_is_refused_at_its_limit() {
        let endless = std::io::BufReader::new(std::io::repeat(0));
        let report = verify_export(endless, [], |_| {});
        assert_eq!(
            report.overrun,
            Some(Overrun {
                line: 1,
                line_too_long: true
            })
        );
        let text = export(&chain(2)) + &"x".repeat(AUDIT_EXPORT_LINE + 1);
        let report = verify_export(text.as_bytes(), [], |_| {});
        assert_eq!(report.overrun.map(|o| o.line), Some(3));
        assert!(report.chain.outcome.is_ok());
    }

    #[test]
    fn a_broken_line_is_named() {
        let text = export(&chain(3)).replacen("\"seq\":2", "\"seq\":\"2\"", 1);
        let report = verify_export(text.as_bytes(), [], |_| {});
        assert!(matches!(
            report.chain.outcome,
            Err(ChainProblem::Unreadable { line: 2, .. })
        ));
    }
}

#[cfg(test)]
mod format_tests {
    use super::*;
    use crate::audit::verify::tests::chain;

    #[test]
    fn data_is_embedded_as_json_and_comes_back_exactly() {
        let records = chain(1);
        let mut time = TimeBuf::default();
        let line = ExportLine::of(&records[0], &mut time).unwrap().to_line();
        assert!(line.contains(r#""after":{"name":"Person 0"}"#), "{line}");
        let back: ExportLine<'_> = serde_json::from_str(&line).unwrap();
        assert_eq!(back.view().after, records[0].after.as_deref());
    }

    #[test]
    fn stored_data_that_is_not_one_json_value_is_refused() {
        for text in ["not json", " {}", "{} {}"] {
            let mut records = chain(1);
            records[0].after = Some(text.into());
            let mut time = TimeBuf::default();
            assert_eq!(
                ExportLine::of(&records[0], &mut time).err(),
                Some(ChainProblem::DataAltered { seq: 1 }),
                "{text}"
            );
        }
    }
}
