//! Overdue returns and charges: items past the date the policy set for their return, the
//! charges the policy allows for them, and charges already raised.

use super::{Chart, Report, ReportName, ReportTx, col, count, num};
use crate::error::DomainResult;
use crate::ops::due::{self, DueKind};
use crate::ops::loans;
use crate::records::Council;
use chrono::NaiveDate;

/// How late, in bands the chart counts.
const BANDS: [(i64, &str); 4] = [
    (7, "Up to a week late"),
    (30, "8 to 30 days late"),
    (90, "31 to 90 days late"),
    (i64::MAX, "More than 90 days late"),
];

pub(super) async fn build<T: ReportTx>(
    tx: &mut T,
    council: &Council,
    today: NaiveDate,
) -> DomainResult<Report> {
    let mut report = Report::new(
        ReportName::Overdue,
        council,
        today,
        vec![
            col("what", "What"),
            col("person", "Person"),
            col("name", "Name"),
            col("item", "Item"),
            col("date", "Date"),
            num("days_late", "Days late"),
            col("detail", "Detail"),
            col("clause", "Clause"),
        ],
    );
    let due = due::report(tx, council, today).await?;
    let mut bands = [0_i64; 4];
    let mut clauses = Vec::new();
    for item in due
        .items
        .iter()
        .filter(|i| matches!(i.kind, DueKind::OverdueReturn | DueKind::ChargeAllowed))
    {
        let late = item.due_on.map(|d| (today - d).num_days().max(0));
        if item.kind == DueKind::OverdueReturn
            && let Some(days) = late
            && let Some(band) = BANDS.iter().position(|(upto, _)| days <= *upto)
        {
            bands[band] += 1;
        }
        let citation = item
            .citation
            .as_ref()
            .map(|c| c.to_string())
            .unwrap_or_default();
        if !citation.is_empty() && !clauses.contains(&citation) {
            clauses.push(citation.clone());
        }
        report.rows.push(vec![
            item.kind.label().to_string(),
            item.person.clone().unwrap_or_default(),
            item.person_name.clone().unwrap_or_default(),
            item.asset_tag.clone().unwrap_or_default(),
            item.due_on.map(|d| d.to_string()).unwrap_or_default(),
            if item.kind == DueKind::OverdueReturn {
                late.map(|d| d.to_string()).unwrap_or_default()
            } else {
                String::new()
            },
            item.detail.clone(),
            citation,
        ]);
    }
    for view in loans::list(tx, council, false, today).await? {
        for charge in view.charges.iter().filter(|c| c.raised_on <= today) {
            report.rows.push(vec![
                "Charge raised".to_string(),
                view.person.to_string(),
                view.person_name.clone(),
                view.asset_tag.to_string(),
                charge.raised_on.to_string(),
                String::new(),
                format!("{} charged for {}", charge.amount, view.asset_tag),
                format!("clause {}", charge.clause),
            ]);
        }
    }
    let mut chart = Chart::new("Overdue returns by how late they are", &["Overdue returns"]);
    for ((_, label), n) in BANDS.iter().zip(bands) {
        chart.group(*label, &[n], vec![count(n, "item", "items")]);
    }
    report.chart = chart;
    report.notes = clauses
        .into_iter()
        .map(|c| format!("Return dates and charges as the policy sets them: {c}."))
        .collect();
    Ok(report)
}
