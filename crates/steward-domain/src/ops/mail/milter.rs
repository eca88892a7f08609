//! Recording what the outbound milter decided: the pack in force judges the message
//! (`steward_policy::mail::judge_outbound`), and the decision is stored with its envelope and
//! marking, never its body or subject, with one audit record.

use crate::ctx::Ctx;
use crate::error::DomainResult;
use crate::listing::{ListQuery, Listed};
use crate::mail::{MailDecisionRecord, MailTx};
use crate::ops::{audit, policy};
use crate::records::Council;
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use steward_policy::mail::{MailAction, MailDecision, Outbound, judge_outbound};

/// The orders the decisions list offers.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DecisionSort {
    #[default]
    Decided,
    Action,
}

impl DecisionSort {
    pub const ALL: [DecisionSort; 2] = [DecisionSort::Decided, DecisionSort::Action];

    pub fn as_str(self) -> &'static str {
        match self {
            DecisionSort::Decided => "decided",
            DecisionSort::Action => "action",
        }
    }
}

impl FromStr for DecisionSort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        DecisionSort::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| "sort decisions by decided or action".to_string())
    }
}

/// Which decisions to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DecisionFilter {
    pub action: Option<MailAction>,
    /// Only those flagged, or only those not.
    pub flagged: Option<bool>,
}

pub type DecisionQuery = ListQuery<DecisionSort, DecisionFilter>;

#[derive(Serialize)]
struct DecisionAudit<'a> {
    queue_id: Option<&'a str>,
    action: MailAction,
    level: Option<&'a str>,
    disclaimer: bool,
    flagged: bool,
    clauses: Vec<String>,
}

/// Judges `outbound` by the pack in force on `ctx.today` and records the decision.
pub async fn record<T: MailTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    queue_id: Option<&str>,
    outbound: &Outbound,
) -> DomainResult<(MailDecisionRecord, MailDecision)> {
    let active = policy::require(tx, council, ctx.today).await?;
    let decision = judge_outbound(&active.pack, outbound);
    let stored = tx
        .insert_mail_decision(council.id, ctx.now, queue_id, outbound, &decision)
        .await?;
    audit(
        tx,
        ctx,
        council.id,
        "mail_decision.record",
        "mail_decision",
        stored.id,
        crate::ops::NONE,
        Some(&DecisionAudit {
            queue_id,
            action: decision.action,
            level: decision.level.as_deref(),
            disclaimer: decision.disclaimer.is_some(),
            flagged: decision.flagged,
            clauses: decision
                .reasons
                .iter()
                .map(|r| r.citation.to_string())
                .collect(),
        }),
    )
    .await?;
    Ok((stored, decision))
}

/// A page of the milter's decisions `principal` may read (on `today`'s policy): those the
/// policy lets read monitoring, as for the forwards.
pub async fn page<T: MailTx>(
    tx: &mut T,
    council: &Council,
    principal: &crate::auth::Principal,
    today: chrono::NaiveDate,
    query: &DecisionQuery,
) -> DomainResult<Listed<MailDecisionRecord>> {
    super::access(tx, council, principal, today).await?;
    Ok(tx.list_mail_decisions(council.id, query).await?)
}

/// A page of the milter's decisions, for the command line.
pub async fn list<T: MailTx>(
    tx: &mut T,
    council: &Council,
    query: &DecisionQuery,
) -> DomainResult<Listed<MailDecisionRecord>> {
    Ok(tx.list_mail_decisions(council.id, query).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_read_back_from_their_names() {
        for sort in DecisionSort::ALL {
            assert_eq!(sort.as_str().parse::<DecisionSort>(), Ok(sort));
        }
    }
}
