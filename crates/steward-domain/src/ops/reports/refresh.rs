//! The replacement plan: when each item reaches the age the policy's `[refresh]` replaces it
//! at, counted from its purchase date, and the cost of replacing it, totalled by year. Items
//! already past that age are due in the current year.

use super::{Chart, Report, ReportName, ReportTx, col, count, num};
use crate::error::DomainResult;
use crate::ids::Pence;
use crate::ops::policy::ActivePack;
use crate::records::Council;
use crate::records::Id;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, HashMap};
use steward_policy::EquipmentState;
use steward_policy::OfficeId;
use steward_policy::decide::{self, RefreshCandidate};

/// Far enough ahead to place every item the register holds.
const HORIZON_YEARS: i32 = 50;

pub(super) async fn build<T: ReportTx>(
    tx: &mut T,
    council: &Council,
    today: NaiveDate,
    active: Option<&ActivePack>,
) -> DomainResult<Report> {
    let mut report = Report::new(
        ReportName::Refresh,
        council,
        today,
        vec![
            col("year", "Year"),
            col("item", "Item"),
            col("kind", "Kind"),
            col("model", "Model"),
            col("purchased", "Purchased"),
            col("replace_from", "Replace from"),
            num("cost", "Replacement cost"),
            col("clause", "Clause"),
            col("place", "Place in queue"),
        ],
    );
    let mut chart = Chart::new("Replacement cost by year", &["Cost"]);
    let Some(active) = active.filter(|a| a.pack.refresh.is_some()) else {
        report
            .notes
            .push("The policy in force sets no replacement cycle.".into());
        report.chart = chart;
        return Ok(report);
    };
    let items: Vec<_> = tx
        .equipment_list(council.id)
        .await?
        .into_iter()
        .filter(|e| {
            !matches!(
                e.state,
                EquipmentState::Disposed | EquipmentState::Lost | EquipmentState::Stolen
            )
        })
        .collect();
    // The queue is the one `due` shows: items held by the offices the policy puts first
    // (`priority_offices`) ahead of the rest, each group oldest first.
    let holders = holder_offices(tx, council, today).await?;
    let no_offices = Vec::new();
    let candidates: Vec<RefreshCandidate<'_>> = items
        .iter()
        .filter_map(|e| {
            Some(RefreshCandidate {
                asset_tag: e.asset_tag.as_str(),
                kind: e.kind,
                purchased_on: e.purchased_on?,
                holder_offices: holders.get(e.asset_tag.as_str()).unwrap_or(&no_offices),
            })
        })
        .collect();
    let horizon = NaiveDate::from_ymd_opt(today.year() + HORIZON_YEARS, 12, 31).unwrap_or(today);
    let queue = decide::refresh_queue(&active.pack, &candidates, horizon);
    let mut years: BTreeMap<i32, (i64, i64)> = BTreeMap::new();
    for (rank, entry) in queue.iter().enumerate() {
        let Some(item) = items
            .iter()
            .find(|e| e.asset_tag.as_str() == entry.asset_tag)
        else {
            continue;
        };
        let year = entry.replace_from.year().max(today.year());
        let slot = years.entry(year).or_default();
        slot.0 += 1;
        slot.1 += item.replacement_cost.0;
        report.rows.push(vec![
            year.to_string(),
            entry.asset_tag.clone(),
            super::label(item.kind.as_str()),
            item.model.clone(),
            item.purchased_on.map(|d| d.to_string()).unwrap_or_default(),
            entry.replace_from.to_string(),
            item.replacement_cost.to_string(),
            entry.citation.to_string(),
            place_words(rank, entry.priority),
        ]);
    }
    for (year, (n, pence)) in years {
        chart.group(
            year.to_string(),
            &[pence],
            vec![format!("{} ({})", Pence(pence), count(n, "item", "items"))],
        );
    }
    report.chart = chart;
    if let Some(rule) = &active.pack.refresh {
        report.notes.push(format!(
            "Equipment is replaced every {} ({}); items past that age are counted in {}.",
            rule.every,
            steward_policy::Citation::new(&active.pack, &rule.clause),
            today.year()
        ));
    }
    let undated = items.iter().filter(|e| e.purchased_on.is_none()).count();
    if undated > 0 {
        report.notes.push(format!(
            "{} without a purchase date cannot be placed in the plan.",
            count(undated as i64, "item", "items")
        ));
    }
    Ok(report)
}

/// The offices held today by whoever has each item on loan, by asset tag.
async fn holder_offices<T: ReportTx>(
    tx: &mut T,
    council: &Council,
    today: NaiveDate,
) -> DomainResult<HashMap<String, Vec<OfficeId>>> {
    let mut by_person: HashMap<Id, Vec<OfficeId>> = HashMap::new();
    for (person_id, office) in tx.offices_held(council.id, today).await? {
        by_person.entry(person_id).or_default().push(office);
    }
    Ok(tx
        .open_loan_rows(council.id)
        .await?
        .into_iter()
        .filter_map(|row| {
            let offices = by_person.get(&row.loan.person_id)?.clone();
            Some((row.asset_tag.to_string(), offices))
        })
        .collect())
}

/// "1", or "1 (priority office holder)": an item's place in the replacement queue.
fn place_words(rank: usize, priority: bool) -> String {
    let suffix = if priority {
        " (priority office holder)"
    } else {
        ""
    };
    format!("{}{suffix}", rank + 1)
}
