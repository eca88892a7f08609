//! Who has not signed the policy in force: everyone it covers who is in office, with those
//! who never signed this version and those whose signature lapsed.

use super::{Chart, Report, ReportName, ReportTx, col, count};
use crate::error::DomainResult;
use crate::ops::acceptance;
use crate::records::Council;
use chrono::NaiveDate;
use steward_policy::decide::AcceptanceStatus;

pub(super) async fn build<T: ReportTx>(
    tx: &mut T,
    council: &Council,
    today: NaiveDate,
    has_policy: bool,
) -> DomainResult<Report> {
    let mut report = Report::new(
        ReportName::Signatures,
        council,
        today,
        vec![
            col("person", "Person"),
            col("name", "Name"),
            col("kind", "Kind"),
            col("status", "Status"),
            col("detail", "Detail"),
            col("clause", "Clause"),
        ],
    );
    let mut chart = Chart::new("Signatures of the policy in force", &["People"]);
    if !has_policy {
        report
            .notes
            .push("No policy is in force on this day.".into());
        report.chart = chart;
        return Ok(report);
    }
    let (mut signed, mut missing, mut lapsed) = (0_i64, 0_i64, 0_i64);
    let mut clause = None;
    for entry in acceptance::register(tx, council, today).await? {
        let (status, detail, citation) = match &entry.status {
            AcceptanceStatus::Missing { citation } => {
                missing += 1;
                (
                    "Not signed",
                    format!("has not signed version {}", entry.policy_version),
                    citation,
                )
            }
            AcceptanceStatus::Lapsed { reason, citation } => {
                lapsed += 1;
                ("Lapsed", reason.clone(), citation)
            }
            _ => {
                signed += 1;
                continue;
            }
        };
        clause.get_or_insert_with(|| citation.to_string());
        report.rows.push(vec![
            entry.person.reference.to_string(),
            entry.person.name.clone(),
            super::label(entry.person.kind.as_str()),
            status.to_string(),
            detail,
            citation.to_string(),
        ]);
    }
    for (label, n) in [
        ("Signed", signed),
        ("Not signed", missing),
        ("Signature lapsed", lapsed),
    ] {
        chart.group(label, &[n], vec![count(n, "person", "people")]);
    }
    report.chart = chart;
    if let Some(clause) = clause {
        report.notes.push(format!(
            "Who must sign, and when a signature lapses: {clause}."
        ));
    }
    Ok(report)
}
