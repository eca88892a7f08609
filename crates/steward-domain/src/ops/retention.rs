//! Retention: what is due for purging on a day under the policy in force, and purging it.
//!
//! The plan asks the policy about every ended record of every kind the pack keeps for a set
//! period. The purge removes each due record's personal data, erases the data of the audit
//! records about it (the chain still verifies: `audit::erase_audit_data`), and writes one
//! audit record per kind saying how many records went and under which clause, never what
//! they held. Purged records are marked, so a second purge for the same day finds nothing.

use super::audit::erase_audit_data;
use super::policy;
use crate::ctx::Ctx;
use crate::error::DomainResult;
use crate::records::Council;
use crate::retention::RetentionTx;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use steward_policy::Citation;
use steward_policy::retention::{self, Ended, RecordKind, Verdict};

/// A record the plan would purge.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DueRecord {
    pub reference: String,
    /// The day its period counts from.
    pub ended: NaiveDate,
    /// The first day it was due.
    pub due_since: NaiveDate,
    /// How many audit records about it still hold data, to be erased with it.
    pub audit_records: usize,
    #[serde(skip)]
    key: String,
    #[serde(skip)]
    seqs: Vec<i64>,
}

/// A record past its period that something still holds.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HeldRecord {
    pub reference: String,
    pub ended: NaiveDate,
    pub reason: String,
}

/// One kind of record under one retention rule.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct KindPlan {
    pub kind: RecordKind,
    pub label: String,
    /// The period as the pack states it ("2 years").
    pub keep: String,
    /// The rule in words, with its clause.
    pub decision: String,
    pub citation: Citation,
    pub due: Vec<DueRecord>,
    pub held: Vec<HeldRecord>,
    /// Ended records still inside their period.
    pub kept: usize,
    /// Records purged by this run.
    pub purged: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RetentionPlan {
    pub council: String,
    pub day: NaiveDate,
    /// The policy in force, or none (then nothing is due).
    pub policy: Option<String>,
    /// Whether this run purged what was due (false for a plan or a dry run).
    pub purged: bool,
    pub kinds: Vec<KindPlan>,
    /// Kinds the policy sets no period for: kept until someone decides otherwise.
    pub not_set: Vec<String>,
    /// Audit records whose data this run erased.
    pub audit_erased: usize,
}

impl RetentionPlan {
    /// Records due across every kind.
    pub fn due_count(&self) -> usize {
        self.kinds.iter().map(|k| k.due.len()).sum()
    }
}

/// What is due for purging on `ctx.today`, changing nothing.
pub async fn plan<T: RetentionTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
) -> DomainResult<RetentionPlan> {
    let mut plan = RetentionPlan {
        council: council.name.clone(),
        day: ctx.today,
        policy: None,
        purged: false,
        kinds: Vec::new(),
        not_set: Vec::new(),
        audit_erased: 0,
    };
    let Some(active) = policy::in_force(tx, council, ctx.today).await? else {
        plan.not_set = RecordKind::ALL
            .iter()
            .map(|k| k.label().to_string())
            .collect();
        return Ok(plan);
    };
    plan.policy = Some(format!(
        "{} (version {})",
        active.pack.pack.title, active.version.number
    ));
    let rules = retention::rules(&active.pack);
    plan.not_set = RecordKind::ALL
        .iter()
        .filter(|k| !rules.iter().any(|r| r.kind == **k))
        .map(|k| k.label().to_string())
        .collect();
    for rule in rules {
        let mut kind = KindPlan {
            kind: rule.kind,
            label: rule.kind.label().to_string(),
            keep: rule.keep.to_string(),
            decision: format!(
                "{} are kept for {} after {} ({})",
                rule.kind.label(),
                rule.keep,
                rule.kind.counted_from(),
                rule.citation
            ),
            citation: rule.citation.clone(),
            due: Vec::new(),
            held: Vec::new(),
            kept: 0,
            purged: 0,
        };
        for record in tx.ended_records(council.id, rule.kind).await? {
            let facts = Ended {
                ended: record.ended,
                held_by: record.held_by.clone(),
            };
            match retention::decide(&rule, &facts, ctx.today) {
                Verdict::Keep { .. } => kind.kept += 1,
                Verdict::Held { reason } => kind.held.push(HeldRecord {
                    reference: record.reference,
                    ended: record.ended,
                    reason,
                }),
                Verdict::Due { since } => {
                    let seqs = tx.audit_about(council.id, rule.kind, &record.key).await?;
                    kind.due.push(DueRecord {
                        reference: record.reference,
                        ended: record.ended,
                        due_since: since,
                        audit_records: seqs.len(),
                        key: record.key,
                        seqs,
                    });
                }
            }
        }
        plan.kinds.push(kind);
    }
    Ok(plan)
}

/// What the chain records of one kind's purge: the kind, how many, and the rule.
#[derive(Serialize, schemars::JsonSchema)]
struct PurgeAudit<'a> {
    kind: RecordKind,
    records: usize,
    audit_records_erased: usize,
    keep: &'a str,
    clause: &'a str,
    document: &'a str,
}

/// Purges everything due on `ctx.today` in the caller's transaction and reports it.
pub async fn purge<T: RetentionTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
) -> DomainResult<RetentionPlan> {
    let mut plan = plan(tx, ctx, council).await?;
    let mut seqs = Vec::new();
    for kind in &mut plan.kinds {
        for record in &kind.due {
            tx.purge_record(council.id, kind.kind, &record.key, ctx.today)
                .await?;
            seqs.extend_from_slice(&record.seqs);
        }
        kind.purged = kind.due.len();
    }
    if !seqs.is_empty() {
        let erasure = erase_audit_data(tx, ctx, council, &seqs).await?;
        plan.audit_erased = erasure.erased.len();
    }
    for kind in plan.kinds.iter().filter(|k| k.purged > 0) {
        let erased: usize = kind.due.iter().map(|r| r.audit_records).sum();
        super::audit(
            tx,
            ctx,
            council.id,
            "retention.purge",
            "retention",
            kind.kind,
            super::NONE,
            Some(&PurgeAudit {
                kind: kind.kind,
                records: kind.purged,
                audit_records_erased: erased,
                keep: &kind.keep,
                clause: &kind.citation.clause,
                document: &kind.citation.document,
            }),
        )
        .await?;
    }
    plan.purged = true;
    Ok(plan)
}
