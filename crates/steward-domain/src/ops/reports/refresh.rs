//! The replacement plan: when each item reaches the age the policy's `[refresh]` replaces it
//! at, counted from its purchase date, and the cost of replacing it, totalled by year. Items
//! already past that age are due in the current year.

use super::{Chart, Report, ReportName, ReportTx, col, count, num};
use crate::error::DomainResult;
use crate::ids::Pence;
use crate::ops::policy::ActivePack;
use crate::records::Council;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;
use steward_policy::EquipmentState;
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
    let no_offices = Vec::new();
    let candidates: Vec<RefreshCandidate<'_>> = items
        .iter()
        .filter_map(|e| {
            Some(RefreshCandidate {
                asset_tag: e.asset_tag.as_str(),
                kind: e.kind,
                purchased_on: e.purchased_on?,
                holder_offices: &no_offices,
            })
        })
        .collect();
    let horizon = NaiveDate::from_ymd_opt(today.year() + HORIZON_YEARS, 12, 31).unwrap_or(today);
    let mut queue = decide::refresh_queue(&active.pack, &candidates, horizon);
    queue.sort_by(|a, b| {
        a.replace_from
            .cmp(&b.replace_from)
            .then_with(|| a.asset_tag.cmp(&b.asset_tag))
    });
    let mut years: BTreeMap<i32, (i64, i64)> = BTreeMap::new();
    for entry in &queue {
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
