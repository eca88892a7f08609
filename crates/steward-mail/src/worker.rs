//! Works through the outbox: claim, send, record; one message at a time.

use crate::compose::compose;
use crate::error::MailError;
use crate::links::{self, Prepared};
use crate::smtp::Smtp;
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;
use std::time::Duration;
use steward_domain::ops::outbox::{self, Claimed};
use steward_domain::{Council, Ctx, RegisterTx};
use steward_store::Store;
use tokio::sync::Notify;

/// For the crash test only: set to `1`, the process exits the moment the mail server has
/// accepted a message, before that is recorded. The message is then left `sending`, as after
/// a power cut, and must never be sent again by itself.
pub const CRASH_AFTER_SMTP: &str = "STEWARD_TEST_CRASH_AFTER_SMTP";

/// How often the background sender looks for due messages when nothing wakes it.
const POLL: Duration = Duration::from_secs(30);

/// Where the sender gets the time, so `--as-of` pins it as it does everything else.
#[derive(Clone)]
pub struct Clock {
    pub now: Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>,
    pub today: Arc<dyn Fn() -> NaiveDate + Send + Sync>,
}

/// What one pass through the outbox did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SendReport {
    pub sent: usize,
    /// Failed this time and queued to be tried again later.
    pub retrying: usize,
    /// Given up on: refused outright, or out of attempts.
    pub failed: usize,
    /// Found left `sending` by a sender that stopped, and marked `uncertain`.
    pub uncertain: usize,
}

pub struct Worker {
    store: Store,
    smtp: Smtp,
    clock: Clock,
    actor: String,
    /// The address people reach the site at, for invitations' links.
    public_url: Option<String>,
}

impl Worker {
    pub fn new(store: Store, smtp: Smtp, clock: Clock, actor: impl Into<String>) -> Worker {
        Worker {
            store,
            smtp,
            clock,
            actor: actor.into(),
            public_url: None,
        }
    }

    /// The address people reach the site at (`https://steward.example.gov.uk`), which
    /// invitations' links begin with. Without it invitations wait in the outbox.
    pub fn with_public_url(mut self, url: impl Into<String>) -> Worker {
        self.public_url = Some(url.into());
        self
    }

    fn ctx(&self) -> Ctx {
        Ctx::new(self.actor.clone(), (self.clock.now)(), (self.clock.today)())
    }

    async fn councils(&self) -> Result<Vec<Council>, MailError> {
        let mut tx = self.store.read().await?;
        let all = tx.councils().await?;
        tx.commit().await?;
        Ok(all)
    }

    /// Sends every message that is due now, for `only` this council or all of them.
    pub async fn send_due(&self, only: Option<&Council>) -> Result<SendReport, MailError> {
        let councils = match only {
            Some(c) => vec![c.clone()],
            None => self.councils().await?,
        };
        let mut report = SendReport::default();
        for council in &councils {
            self.council_pass(council, &mut report).await?;
        }
        Ok(report)
    }

    async fn council_pass(
        &self,
        council: &Council,
        report: &mut SendReport,
    ) -> Result<(), MailError> {
        let mut tx = self.store.begin().await?;
        let stale = outbox::expire_claims(&mut tx, &self.ctx(), council).await?;
        tx.commit().await?;
        report.uncertain += stale.len();
        for m in &stale {
            tracing::warn!(
                message = m.id,
                "message left half sent; an officer must settle it"
            );
        }
        loop {
            // The claim is committed before the mail server hears anything, so a crash from
            // here on leaves the message `sending`, never `queued` to go again.
            let mut tx = self.store.begin().await?;
            let ctx = self.ctx();
            let Some(claimed) = outbox::claim_next(&mut tx, &ctx, council).await? else {
                tx.commit().await?;
                return Ok(());
            };
            let public_url = self.public_url.as_deref();
            let ready =
                match links::prepare(&mut tx, &ctx, council, public_url, claimed.clone()).await? {
                    Prepared::Send(ready) => ready,
                    Prepared::Refuse(why) => {
                        let after = outbox::record_failure(&mut tx, &ctx, &claimed, &why).await?;
                        tx.commit().await?;
                        count_failure(report, after.as_ref());
                        tracing::warn!(council = %council.slug, message = claimed.message.id,
                        reason = %why.reason, "message not sent");
                        continue;
                    }
                };
            tx.commit().await?;
            if !self.deliver(council, &ready, report).await? {
                // The server is not taking mail: leave the rest for the next pass.
                return Ok(());
            }
        }
    }

    /// Sends one claimed message and records how it went; `false` when the server failed in a
    /// way that will fail the next message too.
    async fn deliver(
        &self,
        council: &Council,
        claimed: &Claimed,
        report: &mut SendReport,
    ) -> Result<bool, MailError> {
        let id = claimed.message.id;
        let sent = match compose(claimed, self.smtp.from(), (self.clock.now)()) {
            Ok(email) => self.smtp.send(email).await,
            Err(refused) => Err(refused),
        };
        if sent.is_ok() && std::env::var(CRASH_AFTER_SMTP).as_deref() == Ok("1") {
            std::process::exit(86);
        }
        let mut tx = self.store.begin().await?;
        let ctx = self.ctx();
        let keep_going = match &sent {
            Ok(()) => {
                if outbox::record_sent(&mut tx, &ctx, claimed).await? {
                    report.sent += 1;
                    tracing::info!(council = %council.slug, message = id, "message sent");
                }
                true
            }
            Err(failure) => {
                let after = outbox::record_failure(&mut tx, &ctx, claimed, failure).await?;
                let gave_up = count_failure(report, after.as_ref());
                tracing::warn!(
                    council = %council.slug,
                    message = id,
                    reason = %failure.reason,
                    gave_up,
                    "message not sent"
                );
                failure.permanent
            }
        };
        tx.commit().await?;
        Ok(keep_going)
    }

    /// Sends what is due, then again whenever `wake` is notified (new notices) or every
    /// half minute (retries falling due), until the task is dropped.
    pub async fn run(self, wake: Arc<Notify>) {
        tracing::info!(server = self.smtp.server(), "sending the outbox");
        loop {
            if let Err(e) = self.send_due(None).await {
                tracing::error!(error = %e, "the outbox could not be worked through");
            }
            tokio::select! {
                _ = tokio::time::sleep(POLL) => {}
                _ = wake.notified() => {}
            }
        }
    }
}

/// Counts a failure recorded as `after` (`None`: the claim was lost); answers whether the
/// message was given up on.
fn count_failure(
    report: &mut SendReport,
    after: Option<&steward_domain::outbox::OutboxMessage>,
) -> bool {
    let gave_up = after.is_some_and(|m| m.state == steward_domain::outbox::MessageState::Failed);
    if gave_up {
        report.failed += 1;
    } else {
        report.retrying += 1;
    }
    gave_up
}
