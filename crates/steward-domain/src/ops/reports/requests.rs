//! Requests against their response times, by kind: dealt with in time (met), dealt with after
//! it or still open past it (late), and open within it. A request with no response time counts
//! as met once closed. Only requests raised by the day of the report are counted, as they
//! stood at the end of that day.

use super::{Chart, Report, ReportName, ReportTx, col, num};
use crate::error::DomainResult;
use crate::records::Council;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;

/// Where a request stood at `end`: 0 met, 1 late, 2 open within its response time.
fn standing(
    closed: Option<DateTime<Utc>>,
    due: Option<DateTime<Utc>>,
    end: DateTime<Utc>,
) -> usize {
    match (closed, due) {
        (Some(at), Some(due)) if at > due => 1,
        (Some(_), _) => 0,
        (None, Some(due)) if due < end => 1,
        (None, _) => 2,
    }
}

pub(super) async fn build<T: ReportTx>(
    tx: &mut T,
    council: &Council,
    today: NaiveDate,
) -> DomainResult<Report> {
    let mut report = Report::new(
        ReportName::Requests,
        council,
        today,
        vec![
            col("kind", "Kind"),
            num("met", "Met"),
            num("late", "Late"),
            num("open", "Open"),
            num("total", "Total"),
        ],
    );
    let end = today
        .succ_opt()
        .unwrap_or(today)
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc());
    let mut kinds: BTreeMap<String, [i64; 3]> = BTreeMap::new();
    for request in tx.requests(council.id).await? {
        let Some(end) = end else { break };
        if request.created_at >= end {
            continue;
        }
        let slot = standing(request.closed_at.filter(|c| *c < end), request.due_at, end);
        kinds
            .entry(super::label(request.kind.as_str()))
            .or_default()[slot] += 1;
    }
    let mut chart = Chart::new("Requests by kind", &["Met", "Late", "Open"]);
    for (kind, counts) in kinds {
        let total: i64 = counts.iter().sum();
        report.rows.push(vec![
            kind.clone(),
            counts[0].to_string(),
            counts[1].to_string(),
            counts[2].to_string(),
            total.to_string(),
        ]);
        let texts = ["met", "late", "open"]
            .iter()
            .zip(counts)
            .map(|(w, n)| format!("{n} {w}"))
            .collect();
        chart.group(kind, &counts, texts);
    }
    report.chart = chart;
    report.notes.push(
        "Response times come from the route the policy gave each request when it was raised: \
         who handles that kind of request, and how soon they must answer."
            .into(),
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 5, d, h, 0, 0).unwrap()
    }

    #[test]
    fn met_late_and_open_against_the_response_time() {
        let end = at(20, 0);
        assert_eq!(
            standing(Some(at(3, 9)), Some(at(4, 9)), end),
            0,
            "closed in time"
        );
        assert_eq!(
            standing(Some(at(5, 9)), Some(at(4, 9)), end),
            1,
            "closed late"
        );
        assert_eq!(standing(Some(at(5, 9)), None, end), 0, "no response time");
        assert_eq!(standing(None, Some(at(19, 9)), end), 1, "open past it");
        assert_eq!(standing(None, Some(at(21, 9)), end), 2, "open within it");
        assert_eq!(standing(None, None, end), 2);
    }
}
