//! Recording what scanning the proxy's logs found. Each finding is keyed by its log file's
//! identity, the identity in the log, the category and the day, and replaces the finding with
//! the same key: scanning a log twice, or again after it grew or was rotated, counts each
//! visit once. A scan is one audit record, holding counts and file identities but no
//! addresses visited. Findings of a day already past the pack's retention period for
//! monitoring findings are not recorded: that day's findings were, or are about to be,
//! purged, and scanning an old log again must not bring them back.

use super::after_leaving::UseAfterLeaving;
use super::directory::Directory;
use super::threshold;
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::network::{NetworkTx, NewFinding, WebScan};
use crate::ops::{audit, policy};
use crate::records::{Council, Id};
use serde::{Deserialize, Serialize};
use steward_policy::retention::{self, Ended, RecordKind, Verdict};

/// A log file as scanned.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScannedFile {
    /// The file's name, as given.
    pub name: String,
    /// Its identity ([`crate::network::source_of`]).
    pub source: String,
    pub lines: i64,
}

/// What recording a scan did.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Recorded {
    pub scan: WebScan,
    /// Findings with a person the register knows.
    pub known: i64,
    /// Findings kept with only the raw identity.
    pub unknown: i64,
    /// Breach cases opened because a day's visits reached the pack's threshold.
    pub cases: Vec<Id>,
    /// Findings not recorded because their day is past the retention period.
    #[serde(default)]
    pub expired: i64,
    /// Days of web use by people who had left office, when the pack says use stops then.
    #[serde(default)]
    pub after_leaving: Vec<UseAfterLeaving>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct ScanAudit<'a> {
    files: &'a [ScannedFile],
    lines: i64,
    cells: i64,
    known: i64,
    unknown: i64,
    cases: &'a [Id],
    expired: i64,
    after_leaving: usize,
}

/// Records the findings of scanning `files`, resolving each identity to the person behind it
/// on the finding's day, and opens the cases the pack's threshold calls for.
pub async fn record<T: NetworkTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    files: &[ScannedFile],
    findings: &[NewFinding],
) -> DomainResult<Recorded> {
    for f in findings {
        if !files.iter().any(|file| file.source == f.source) {
            return Err(DomainError::invalid(
                "source",
                format!("a finding names log {}, which was not scanned", f.source),
            ));
        }
        if f.visits <= 0 {
            return Err(DomainError::invalid(
                "visits",
                "a finding has at least one visit",
            ));
        }
    }
    let active = policy::require(tx, council, ctx.today).await?;
    let directory = Directory::load(tx, council).await?;
    let lines: i64 = files.iter().map(|f| f.lines).sum();
    let scan = tx
        .insert_web_scan(council.id, ctx.now, &ctx.actor, files.len() as i64, lines)
        .await?;
    let (mut known, mut unknown, mut expired) = (0, 0, 0);
    let mut stored = Vec::with_capacity(findings.len());
    let keep = retention::rule(&active.pack, RecordKind::MonitoringFindings);
    for f in findings {
        if let Some(rule) = &keep {
            let ended = Ended {
                ended: f.day,
                held_by: None,
            };
            if matches!(
                retention::decide(rule, &ended, ctx.today),
                Verdict::Due { .. }
            ) {
                expired += 1;
                continue;
            }
        }
        let person_id = directory.person_for(&f.identity, f.day);
        if person_id.is_some() {
            known += 1;
        } else {
            unknown += 1;
        }
        stored.push(
            tx.put_web_finding(council.id, scan.id, person_id, f)
                .await?,
        );
    }
    let cells = stored.len() as i64;
    tx.set_web_scan_cells(council.id, scan.id, cells).await?;
    let cases = threshold::open_cases(tx, ctx, council, &active.pack, &stored).await?;
    let after_leaving = super::after_leaving::flag(tx, council, &active.pack, &stored).await?;
    let scan = WebScan { cells, ..scan };
    audit(
        tx,
        ctx,
        council.id,
        "web_scan.record",
        "web_scan",
        scan.id,
        crate::ops::NONE,
        Some(&ScanAudit {
            files,
            lines,
            cells,
            known,
            unknown,
            cases: &cases,
            expired,
            after_leaving: after_leaving.len(),
        }),
    )
    .await?;
    Ok(Recorded {
        scan,
        known,
        unknown,
        cases,
        expired,
        after_leaving,
    })
}
