//! The exported chain: JSON lines, one record per line in seq order, each with every field the
//! hash covers and the before/after data as the exact stored text. Verifying an export needs
//! no database, so an auditor can check it on a machine the database administrator does not
//! control.

use super::{AuditRecord, ChainReport, ChainVerifier, RecordView, TimeBuf};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::io::BufRead;

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
    pub before: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub after: Option<Cow<'a, str>>,
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

impl<'a> ExportLine<'a> {
    pub fn of(record: &'a AuditRecord, time: &'a mut TimeBuf) -> ExportLine<'a> {
        let v = record.view(time);
        ExportLine {
            council_id: v.council_id,
            seq: v.seq,
            at: Cow::Borrowed(v.at),
            actor: Cow::Borrowed(v.actor),
            action: Cow::Borrowed(v.action),
            entity: Cow::Borrowed(v.entity),
            entity_id: Cow::Borrowed(v.entity_id),
            before: v.before.map(Cow::Borrowed),
            after: v.after.map(Cow::Borrowed),
            data_digest: Cow::Borrowed(v.data_digest),
            prev_hash: Cow::Borrowed(v.prev_hash),
            hash: Cow::Borrowed(v.hash),
            erased_on: v.erased_on,
        }
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
            before: self.before.as_deref(),
            after: self.after.as_deref(),
            data_digest: &self.data_digest,
            prev_hash: &self.prev_hash,
            hash: &self.hash,
            erased_on: self.erased_on,
        }
    }
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
    let mut line = String::new();
    let mut number: u64 = 0;
    let mut bytes: u64 = 0;
    let mut last_seq: i64 = 0;
    loop {
        line.clear();
        let read = match input.read_line(&mut line) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                verifier.fail(super::ChainProblem::Unreadable {
                    line: number + 1,
                    message: e.to_string(),
                });
                break;
            }
        };
        number += 1;
        bytes += read as u64;
        if number.is_multiple_of(65_536) {
            progress(bytes);
        }
        let text = line.trim_end_matches(['\n', '\r']);
        if text.is_empty() {
            continue;
        }
        let checked = match serde_json::from_str::<ExportLine<'_>>(text) {
            Ok(record) => {
                last_seq = record.seq;
                verifier.push_view(&record.view())
            }
            Err(e) => Err(verifier.fail(super::ChainProblem::Unreadable {
                line: number,
                message: e.to_string(),
            })),
        };
        if checked.is_err() {
            break;
        }
    }
    progress(bytes);
    let through = verifier.verified_through();
    ExportReport {
        // The export's own last record is its head; only an outcome that reached it counts.
        last_seq: last_seq.max(through),
        chain: verifier.report(None),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExportReport {
    pub chain: ChainReport,
    /// The last seq the export holds (where reading stopped, if it failed).
    pub last_seq: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::ChainProblem;
    use crate::audit::verify::tests::chain;

    fn export(records: &[AuditRecord]) -> String {
        let mut out = String::new();
        let mut time = TimeBuf::default();
        for r in records {
            out.push_str(&ExportLine::of(r, &mut time).to_line());
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
    fn a_broken_line_is_named() {
        let text = export(&chain(3)).replacen("\"seq\":2", "\"seq\":\"2\"", 1);
        let report = verify_export(text.as_bytes(), [], |_| {});
        assert!(matches!(
            report.chain.outcome,
            Err(ChainProblem::Unreadable { line: 2, .. })
        ));
    }
}
