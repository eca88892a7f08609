//! The daily sweep of a running server: once per council per day however many servers share
//! the database. Each server's scheduler calls [`run_daily`]; the first to claim the council's
//! day in the same transaction as its sweep does the work, and the others find it claimed and
//! do nothing. A sweep that fails rolls its claim back with it, so another may try.

use super::{SweepReport, SweepTx, run};
use crate::ctx::Ctx;
use crate::error::DomainResult;
use crate::ops::{NONE, audit};
use crate::records::{Council, Id};
use crate::repo::RepoResult;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::future::Future;

/// The work a server does once a day per council.
pub const SWEEP_JOB: &str = "sweep";

/// Claims of daily work, inside one transaction.
pub trait DailyRunTx: Send {
    /// Claims `job` for the council's `day`; false when it is claimed already (by this or
    /// another server). Concurrent claimers wait for each other, and only one succeeds.
    fn claim_daily_run(
        &mut self,
        council_id: Id,
        job: &str,
        day: NaiveDate,
        at: DateTime<Utc>,
    ) -> impl Future<Output = RepoResult<bool>> + Send;
}

#[derive(Serialize, schemars::JsonSchema)]
struct DailyAudit {
    day: NaiveDate,
    queued: usize,
    charges: usize,
    retention_purged: usize,
}

/// Sweeps the council for `ctx.today` unless its day is claimed already; None when it was.
pub async fn run_daily<T: SweepTx + DailyRunTx + 'static>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
) -> DomainResult<Option<SweepReport>> {
    if !tx
        .claim_daily_run(council.id, SWEEP_JOB, ctx.today, ctx.now)
        .await?
    {
        return Ok(None);
    }
    let report = run(tx, ctx, council).await?;
    let after = DailyAudit {
        day: ctx.today,
        queued: report.queued,
        charges: report.charges,
        retention_purged: report.retention_purged,
    };
    audit(
        tx,
        ctx,
        council.id,
        "sweep.daily",
        "council",
        &council.slug,
        NONE,
        Some(&after),
    )
    .await?;
    Ok(Some(report))
}
