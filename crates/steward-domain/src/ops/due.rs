//! What needs attention on a given day, each item with the clause that makes it due.

use super::{acceptance, loans, people, policy};
use crate::error::DomainResult;
use crate::phones::PhoneTx;
use crate::records::Council;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use steward_policy::decide::{self, AcceptanceStatus, Dated, RefreshCandidate};
use steward_policy::{Citation, Period, long_date};

/// How far ahead "due soon" looks.
const SOON_DAYS: u32 = 14;
/// How far ahead retests, evaluations and the replacement plan look.
const PLAN_DAYS: u32 = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueKind {
    OverdueReturn,
    ChargeAllowed,
    PhoneCostsOwed,
    ReturnSoon,
    AcceptanceMissing,
    AcceptanceLapsed,
    PatRetest,
    PhoneEvaluation,
    Refresh,
    PolicyReview,
}

impl DueKind {
    pub fn label(self) -> &'static str {
        match self {
            DueKind::OverdueReturn => "Overdue return",
            DueKind::ChargeAllowed => "Charge may be raised",
            DueKind::PhoneCostsOwed => "Phone costs owed",
            DueKind::ReturnSoon => "Return due soon",
            DueKind::AcceptanceMissing => "Policy not signed",
            DueKind::AcceptanceLapsed => "Signature lapsed",
            DueKind::PatRetest => "PAT test due",
            DueKind::PhoneEvaluation => "Phone evaluation due",
            DueKind::Refresh => "Due for replacement",
            DueKind::PolicyReview => "Policy review due",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DueItem {
    pub kind: DueKind,
    /// The date it is or was due; none when it is due now with no date (never signed).
    pub due_on: Option<NaiveDate>,
    pub person: Option<String>,
    pub person_name: Option<String>,
    pub asset_tag: Option<String>,
    pub loan_id: Option<i64>,
    pub detail: String,
    pub citation: Option<Citation>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DueReport {
    pub council: String,
    pub as_of: NaiveDate,
    pub policy: Option<String>,
    pub items: Vec<DueItem>,
}

fn within(date: NaiveDate, today: NaiveDate, days: u32) -> bool {
    Period::days(days)
        .after(today)
        .is_some_and(|limit| date <= limit)
}

pub async fn report<T: PhoneTx>(
    tx: &mut T,
    council: &Council,
    today: NaiveDate,
) -> DomainResult<DueReport> {
    let Some(active) = policy::in_force(tx, council, today).await? else {
        return Ok(DueReport {
            council: council.name.clone(),
            as_of: today,
            policy: None,
            items: Vec::new(),
        });
    };
    let pack = &active.pack;
    let mut items = Vec::new();

    let views = loans::list(tx, council, true, today).await?;
    let mut refresh_inputs = Vec::new();
    for view in &views {
        let item = tx.equipment_by_id(view.loan.equipment_id).await?;
        let base = |kind: DueKind,
                    due_on: Option<NaiveDate>,
                    detail: String,
                    citation: Option<Citation>| DueItem {
            kind,
            due_on,
            person: Some(view.person.to_string()),
            person_name: Some(view.person_name.clone()),
            asset_tag: Some(view.asset_tag.to_string()),
            loan_id: Some(view.loan.id),
            detail,
            citation,
        };
        if let Some(Dated { date, citation }) = &view.return_by {
            if *date < today {
                let days = (today - *date).num_days();
                items.push(base(
                    DueKind::OverdueReturn,
                    Some(*date),
                    format!(
                        "{} was due back {days} day{} ago",
                        view.asset_tag,
                        if days == 1 { "" } else { "s" }
                    ),
                    Some(citation.clone()),
                ));
            } else if within(*date, today, SOON_DAYS) {
                items.push(base(
                    DueKind::ReturnSoon,
                    Some(*date),
                    format!("{} is due back on {}", view.asset_tag, long_date(*date)),
                    Some(citation.clone()),
                ));
            }
        }
        if let Some(item) = &item {
            if view.charges.is_empty()
                && let Some(charge) = decide::leaving_charge(
                    pack,
                    view.loan.leaving_by,
                    false,
                    item.replacement_cost.0,
                    today,
                )
            {
                items.push(base(
                    DueKind::ChargeAllowed,
                    Some(charge.from),
                    format!(
                        "a charge of {} may be raised for {}",
                        crate::ids::Pence(charge.amount_pence),
                        view.asset_tag
                    ),
                    Some(charge.citation),
                ));
            }
            if let Some(next) = decide::next_evaluation(pack, item.kind, view.loan.issued_on, today)
                && within(next.date, today, PLAN_DAYS)
            {
                items.push(base(
                    DueKind::PhoneEvaluation,
                    Some(next.date),
                    format!(
                        "{} and its holder's needs are due for evaluation",
                        view.asset_tag
                    ),
                    Some(next.citation),
                ));
            }
            if let Some(purchased_on) = item.purchased_on {
                let held = people::offices_on(tx, view.loan.person_id, today).await?;
                refresh_inputs.push((view, item.kind, purchased_on, held));
            }
        }
    }

    for item in tx.equipment_list(council.id).await? {
        if matches!(
            item.state,
            steward_policy::EquipmentState::Disposed
                | steward_policy::EquipmentState::Lost
                | steward_policy::EquipmentState::Stolen
        ) {
            continue;
        }
        if let Some((due, citation)) = decide::pat_retest_due(pack, item.kind, item.pat_tested_on) {
            let (show, detail) = match due {
                None => (
                    true,
                    format!("{} has never been PAT tested", item.asset_tag),
                ),
                Some(d) if d < today => (
                    true,
                    format!("{}'s PAT test ran out on {}", item.asset_tag, long_date(d)),
                ),
                Some(d) => (
                    within(d, today, PLAN_DAYS),
                    format!("{}'s PAT test runs out on {}", item.asset_tag, long_date(d)),
                ),
            };
            if show {
                items.push(DueItem {
                    kind: DueKind::PatRetest,
                    due_on: due,
                    person: None,
                    person_name: None,
                    asset_tag: Some(item.asset_tag.to_string()),
                    loan_id: None,
                    detail,
                    citation: Some(citation),
                });
            }
        }
    }

    for entry in acceptance::register(tx, council, today).await? {
        let (kind, detail, citation) = match entry.status {
            AcceptanceStatus::Missing { citation } => (
                DueKind::AcceptanceMissing,
                format!(
                    "has not signed version {} of the policy",
                    entry.policy_version
                ),
                citation,
            ),
            AcceptanceStatus::Lapsed { reason, citation } => {
                (DueKind::AcceptanceLapsed, reason, citation)
            }
            _ => continue,
        };
        items.push(DueItem {
            kind,
            due_on: None,
            person: Some(entry.person.reference.to_string()),
            person_name: Some(entry.person.name.clone()),
            asset_tag: None,
            loan_id: None,
            detail,
            citation: Some(citation),
        });
    }

    let candidates: Vec<RefreshCandidate<'_>> = refresh_inputs
        .iter()
        .map(|(view, kind, purchased_on, held)| RefreshCandidate {
            asset_tag: view.asset_tag.as_str(),
            kind: *kind,
            purchased_on: *purchased_on,
            holder_offices: held,
        })
        .collect();
    let horizon = Period::days(PLAN_DAYS).after(today).unwrap_or(today);
    for (rank, entry) in decide::refresh_queue(pack, &candidates, horizon)
        .into_iter()
        .enumerate()
    {
        let view = views
            .iter()
            .find(|v| v.asset_tag.as_str() == entry.asset_tag);
        items.push(DueItem {
            kind: DueKind::Refresh,
            due_on: Some(entry.replace_from),
            person: view.map(|v| v.person.to_string()),
            person_name: view.map(|v| v.person_name.clone()),
            asset_tag: Some(entry.asset_tag.clone()),
            loan_id: view.map(|v| v.loan.id),
            detail: format!(
                "place {} in the replacement queue{}",
                rank + 1,
                if entry.priority {
                    " (priority office holder)"
                } else {
                    ""
                }
            ),
            citation: Some(entry.citation),
        });
    }

    if let Some(review) = decide::review_due(pack, active.version.effective_from)
        && within(review.date, today, PLAN_DAYS)
    {
        items.push(DueItem {
            kind: DueKind::PolicyReview,
            due_on: Some(review.date),
            person: None,
            person_name: None,
            asset_tag: None,
            loan_id: None,
            detail: format!("{} is due for review", pack.pack.title),
            citation: Some(review.citation),
        });
    }

    items.extend(crate::phones::due::owed(tx, council).await?);

    // Refresh entries keep their queue order; everything else sorts by kind then date.
    items.sort_by(|a, b| {
        a.kind.cmp(&b.kind).then_with(|| {
            if a.kind == DueKind::Refresh {
                std::cmp::Ordering::Equal
            } else {
                a.due_on.cmp(&b.due_on)
            }
        })
    });
    Ok(DueReport {
        council: council.name.clone(),
        as_of: today,
        policy: Some(format!(
            "{} (version {})",
            pack.pack.title, active.version.number
        )),
        items,
    })
}
