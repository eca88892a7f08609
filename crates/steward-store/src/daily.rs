//! Claims of daily work (`daily_runs`).

use crate::rows::{date_text, time_text};
use crate::tx::StoreTx;
use chrono::{DateTime, NaiveDate, Utc};
use steward_domain::ops::sweep::DailyRunTx;
use steward_domain::{Id, RepoResult};

impl DailyRunTx for StoreTx {
    /// `ON CONFLICT DO NOTHING` on the key: a second claimer in PostgreSQL waits for the first
    /// transaction and then inserts nothing (or claims it, had the first rolled back); SQLite's
    /// writers run one at a time.
    async fn claim_daily_run(
        &mut self,
        council_id: Id,
        job: &str,
        day: NaiveDate,
        at: DateTime<Utc>,
    ) -> RepoResult<bool> {
        self.writable()?;
        let query = sqlx::query(
            "INSERT INTO daily_runs (council_id, job, day, claimed_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (council_id, job, day) DO NOTHING",
        )
        .bind(council_id)
        .bind(job)
        .bind(date_text(day))
        .bind(time_text(at));
        Ok(self.exec(query).await? == 1)
    }
}
