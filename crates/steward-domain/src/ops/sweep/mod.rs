//! The daily sweep: what needs telling today, each finding filed as a notice (with its clause)
//! in the outbox, and the charges the policy allows raised for leavers' overdue items.
//!
//! Idempotent by construction: every finding carries a key naming the fact and the step of its
//! schedule (`overdue-return:loan-12:2027-05-24` for the second weekly reminder), and a key the
//! council already has queues nothing. Running the sweep twice for a day, or on a later day
//! before the next step falls due, sends nothing twice.
//!
//! # Adding a source
//!
//! Each kind of finding is one module here implementing [`Source`]: `find` reads what it needs
//! (from the gathered [`Day`], or through the transaction) and returns [`Finding`]s, each with
//! its key, its [`Letter`], whom it is for and, optionally, an [`Action`]. It writes nothing:
//! the runner queues the notices (and takes actions) unless this is a dry run. Register the new
//! source in [`sources`].

mod daily;
mod evaluations;
mod facts;
mod forwards;
mod late;
mod overdue;
mod pat;
mod posture;
mod recalls;
mod refresh;
mod returns;
mod review;
mod route;
mod security;
mod signatures;
mod stop_use;

pub use daily::{DailyRunTx, SWEEP_JOB, run_daily};
pub use facts::Day;

use super::due::DueTx;
use super::outbox::{self, Audience};
use super::{loans, policy};
use crate::ctx::Ctx;
use crate::error::DomainResult;
use crate::mail::MailTx;
use crate::outbox::{Letter, MessageState, OutboxTx};
use crate::phones::PhoneTx;
use crate::posture::PostureTx;
use crate::records::{Charge, Council, Id};
use crate::retention::RetentionTx;
use crate::workflow::WorkflowTx;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use steward_policy::Citation;

/// The storage the sweep needs: the batched facts of what is due, the outbox, accounts for
/// the officers fallback, and what retention purges after the notices are filed.
pub trait SweepTx:
    OutboxTx + WorkflowTx + PhoneTx + RetentionTx + DueTx + PostureTx + MailTx
{
}
impl<T: OutboxTx + WorkflowTx + PhoneTx + RetentionTx + DueTx + PostureTx + MailTx> SweepTx for T {}

/// What a source hands back.
pub type Found<'a> = Pin<Box<dyn Future<Output = DomainResult<Vec<Finding>>> + Send + 'a>>;

/// One kind of thing the sweep looks for.
pub trait Source<T: SweepTx>: Send + Sync {
    /// Short and stable: shown in reports and stored with each notice.
    fn name(&self) -> &'static str;
    /// What needs telling on `day.today`. Reads only.
    fn find<'a>(&'a self, tx: &'a mut T, day: &'a Day) -> Found<'a>;
}

/// Every source, in the order their findings are reported.
pub fn sources<T: SweepTx + 'static>() -> Vec<Box<dyn Source<T>>> {
    vec![
        Box::new(overdue::Overdue),
        Box::new(returns::EndingSoon),
        Box::new(stop_use::StopUse),
        Box::new(recalls::Recalls),
        Box::new(signatures::Signatures),
        Box::new(review::Review),
        Box::new(pat::PatTests),
        Box::new(refresh::Refresh),
        Box::new(evaluations::Evaluations),
        Box::new(late::LateRequests),
        Box::new(posture::Posture),
        Box::new(forwards::Forwards),
    ]
}

/// Something a finding makes happen besides the notice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Action {
    /// Raise the charge the policy allows for a leaver's unreturned item.
    RaiseCharge { loan_id: Id },
    /// Open a request for a phone's evaluation, for the office the policy names.
    OpenEvaluation { loan_id: Id, due: NaiveDate },
    /// Open a request in the queue of the office that receives security problems.
    OpenSecurityReport {
        equipment_id: Option<Id>,
        person_id: Option<Id>,
        summary: String,
    },
    /// Open a breach case for the handlers the pack's `[breaches]` names.
    OpenCase {
        subject_id: Option<Id>,
        summary: String,
        details: String,
    },
}

/// One thing that needs telling.
#[derive(Clone, Debug)]
pub struct Finding {
    pub source: &'static str,
    /// Unique in the council for this fact and this step of its schedule.
    pub key: String,
    /// One line for the report.
    pub summary: String,
    pub letter: Letter,
    pub audience: Audience,
    /// Why the notice goes where it goes, when the policy decides that.
    pub routing: Option<String>,
    pub action: Option<Action>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Filed in the outbox by this run.
    Queued,
    /// The council already had this notice: nothing was done.
    AlreadyQueued,
    /// A dry run: this is what would be filed.
    WouldQueue,
}

/// A finding as the report shows it.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FindingReport {
    pub source: String,
    pub key: String,
    pub summary: String,
    /// The decision and its clause, as the notice states it.
    pub decision: String,
    pub citation: Citation,
    pub recipients: Vec<String>,
    /// Recipients who have no email address (or offices no one holds), shown to officers.
    pub without_address: Vec<String>,
    pub routing: Option<String>,
    pub outcome: Outcome,
    /// The charge raised, when the finding raised one.
    pub charge: Option<Charge>,
    /// The charge a dry run would raise.
    pub action: Option<Action>,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SweepReport {
    pub council: String,
    pub day: NaiveDate,
    pub dry_run: bool,
    /// The policy in force, or none (then nothing is looked for).
    pub policy: Option<String>,
    pub findings: Vec<FindingReport>,
    /// Notices newly filed, messages among them, and charges raised, by this run.
    pub queued: usize,
    pub messages: usize,
    pub charges: usize,
    /// Records the policy's retention periods made due: purged by this run, or only counted
    /// by a dry run (see `ops::retention`).
    #[serde(default)]
    pub retention_due: usize,
    #[serde(default)]
    pub retention_purged: usize,
}

/// Looks for everything due on `ctx.today` and files what is new.
pub async fn run<T: SweepTx + 'static>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
) -> DomainResult<SweepReport> {
    sweep(tx, ctx, council, false).await
}

/// Reports what [`run`] would file and raise, writing nothing.
pub async fn dry_run<T: SweepTx + 'static>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
) -> DomainResult<SweepReport> {
    sweep(tx, ctx, council, true).await
}

async fn sweep<T: SweepTx + 'static>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    dry: bool,
) -> DomainResult<SweepReport> {
    let mut report = SweepReport {
        council: council.name.clone(),
        day: ctx.today,
        dry_run: dry,
        policy: None,
        findings: Vec::new(),
        queued: 0,
        messages: 0,
        charges: 0,
        retention_due: 0,
        retention_purged: 0,
    };
    let Some(active) = policy::in_force(tx, council, ctx.today).await? else {
        return Ok(report);
    };
    report.policy = Some(format!(
        "{} (version {})",
        active.pack.pack.title, active.version.number
    ));
    let day = Day::gather(tx, council, ctx.today, ctx.now, active).await?;
    for source in sources::<T>() {
        for finding in source.find(tx, &day).await? {
            let entry = settle(tx, ctx, &day, finding, dry).await?;
            if entry.outcome == Outcome::Queued {
                report.queued += 1;
                report.messages += entry.recipients.len();
            }
            report.charges += usize::from(entry.charge.is_some());
            report.findings.push(entry);
        }
    }
    // Retention runs after the notices, so a notice filed today is never purged before it
    // is sent; a purged record is marked, which keeps a second run from finding it again.
    if dry {
        report.retention_due = super::retention::plan(tx, ctx, council).await?.due_count();
    } else {
        let purged = super::retention::purge(tx, ctx, council).await?;
        report.retention_due = purged.due_count();
        report.retention_purged = purged.due_count();
    }
    if report.queued > 0 || report.charges > 0 {
        super::audit(
            tx,
            ctx,
            council.id,
            "sweep.run",
            "sweep",
            ctx.today,
            super::NONE,
            Some(&SweepAudit {
                queued: report.queued,
                messages: report.messages,
                charges: report.charges,
            }),
        )
        .await?;
    }
    Ok(report)
}

#[derive(Serialize, schemars::JsonSchema)]
struct SweepAudit {
    queued: usize,
    messages: usize,
    charges: usize,
}

/// Files one finding, unless its key is already filed or this is a dry run.
async fn settle<T: SweepTx>(
    tx: &mut T,
    ctx: &Ctx,
    day: &Day,
    finding: Finding,
    dry: bool,
) -> DomainResult<FindingReport> {
    let recipients = outbox::recipients(
        tx,
        &day.council,
        &day.active.pack,
        &finding.audience,
        day.today,
    )
    .await?;
    let mut entry = FindingReport {
        source: finding.source.to_string(),
        key: finding.key.clone(),
        summary: finding.summary.clone(),
        decision: finding.letter.decision_line(),
        citation: finding.letter.citation.clone(),
        recipients: recipients.iter().map(|r| r.describe()).collect(),
        without_address: Vec::new(),
        routing: finding.routing.clone(),
        outcome: Outcome::WouldQueue,
        charge: None,
        action: finding.action.clone(),
    };
    if tx
        .notice_by_key(day.council.id, &finding.key)
        .await?
        .is_some()
    {
        entry.outcome = Outcome::AlreadyQueued;
        entry.action = None;
        return Ok(entry);
    }
    if dry {
        entry.without_address = recipients
            .iter()
            .filter(|r| {
                !matches!(
                    r,
                    crate::outbox::Recipient::Person {
                        address: Some(_),
                        ..
                    }
                )
            })
            .map(|r| r.describe())
            .collect();
        return Ok(entry);
    }
    // The notice is filed first: on PostgreSQL a second sweep racing this one waits on the
    // key here and then finds it taken, so only one of them raises the charge.
    let Some(queued) = outbox::queue(
        tx,
        ctx,
        &day.council,
        &finding.key,
        finding.source,
        &finding.letter,
        &recipients,
    )
    .await?
    else {
        entry.outcome = Outcome::AlreadyQueued;
        entry.action = None;
        return Ok(entry);
    };
    entry.outcome = Outcome::Queued;
    entry.action = None;
    entry.without_address = recipients
        .iter()
        .zip(&queued.messages)
        .filter(|(_, m)| m.state == MessageState::NoAddress)
        .map(|(r, _)| r.describe())
        .collect();
    match finding.action {
        Some(Action::RaiseCharge { loan_id }) => {
            entry.charge = Some(loans::raise_charge(tx, ctx, &day.council, loan_id).await?);
        }
        Some(Action::OpenEvaluation { loan_id, due }) => {
            super::requests::open_evaluation(tx, ctx, &day.council, loan_id, due).await?;
        }
        Some(Action::OpenSecurityReport {
            equipment_id,
            person_id,
            summary,
        }) => {
            super::requests::open_security_report(
                tx,
                ctx,
                &day.council,
                equipment_id,
                person_id,
                &summary,
            )
            .await?;
        }
        Some(Action::OpenCase {
            subject_id,
            summary,
            details,
        }) => {
            super::cases::open_from_monitoring(
                tx,
                ctx,
                &day.council,
                subject_id,
                &summary,
                &details,
            )
            .await?;
        }
        None => {}
    }
    Ok(entry)
}
