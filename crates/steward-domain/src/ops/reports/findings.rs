//! Monitoring findings over time: for each week or month of a range of days and each category,
//! how many visits scanning the proxy's logs found and how many people made them. A range of
//! up to [`WEEKLY_UP_TO`] days is shown by week (from Monday), a longer one by month. Only the
//! offices the pack's `[monitoring] visible_to` names, and auditors, may read it.

use super::{Chart, Report, ReportName, ReportTx, col, num};
use crate::error::{DomainError, DomainResult};
use crate::network::{FindingFilter, WebFinding};
use crate::ops::policy::ActivePack;
use crate::records::{Council, Id};
use chrono::{Datelike, Days, Months, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};
use steward_policy::Citation;
use steward_policy::retention::{self, RecordKind};

/// The longest range shown week by week; about a quarter of a year.
pub const WEEKLY_UP_TO: u64 = 92;

/// The first day of the default range: the last twelve months up to and including `today`.
pub fn default_from(today: NaiveDate) -> NaiveDate {
    today
        .checked_sub_months(Months::new(12))
        .and_then(|d| d.succ_opt())
        .unwrap_or(today)
}

/// How a range is split.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Week,
    Month,
}

impl Step {
    fn for_range(from: NaiveDate, to: NaiveDate) -> Step {
        if (to - from).num_days() < WEEKLY_UP_TO as i64 {
            Step::Week
        } else {
            Step::Month
        }
    }

    /// The first day of the period holding `day`.
    fn start(self, day: NaiveDate) -> NaiveDate {
        match self {
            Step::Week => day - Days::new(u64::from(day.weekday().num_days_from_monday())),
            Step::Month => day.with_day(1).unwrap_or(day),
        }
    }

    fn next(self, start: NaiveDate) -> Option<NaiveDate> {
        match self {
            Step::Week => start.checked_add_days(Days::new(7)),
            Step::Month => start.checked_add_months(Months::new(1)),
        }
    }

    fn label(self, start: NaiveDate) -> String {
        match self {
            Step::Week => format!("Week of {}", start.format("%-d %b %Y")),
            Step::Month => start.format("%B %Y").to_string(),
        }
    }
}

/// One period's findings in one category.
#[derive(Default)]
struct Cell {
    visits: i64,
    people: BTreeSet<Id>,
    unknown: BTreeSet<String>,
}

pub(super) async fn build<T: ReportTx>(
    tx: &mut T,
    council: &Council,
    today: NaiveDate,
    from: Option<NaiveDate>,
    active: Option<&ActivePack>,
) -> DomainResult<Report> {
    let from = from.unwrap_or_else(|| default_from(today));
    if from > today {
        return Err(DomainError::invalid(
            "from",
            format!("the range starts on {from}, after its last day {today}"),
        ));
    }
    let mut report = Report::new(
        ReportName::Findings,
        council,
        today,
        vec![
            col("period", "Period"),
            col("starts", "Starts"),
            col("category", "Category"),
            num("visits", "Visits"),
            num("people", "People"),
            num("unknown", "Unknown identities"),
        ],
    );
    let step = Step::for_range(from, today);
    let filter = FindingFilter {
        from: Some(from),
        to: Some(today),
        ..FindingFilter::default()
    };
    let found = tx.web_findings(council.id, &filter).await?;
    let cells = tally(step, &found);
    let categories: Vec<String> = cells
        .keys()
        .map(|(_, c)| c.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let series: Vec<&str> = categories.iter().map(String::as_str).collect();
    let mut chart = Chart::new("Visits by period and category", &series);
    let mut start = step.start(from);
    while start <= today {
        let label = step.label(start);
        let mut values = Vec::with_capacity(categories.len());
        let mut texts = Vec::new();
        for category in &categories {
            let Some(cell) = cells.get(&(start, category.clone())) else {
                values.push(0);
                continue;
            };
            values.push(cell.visits);
            texts.push(format!("{} {category}", cell.visits));
            report.rows.push(vec![
                label.clone(),
                start.to_string(),
                category.clone(),
                cell.visits.to_string(),
                cell.people.len().to_string(),
                cell.unknown.len().to_string(),
            ]);
        }
        if texts.is_empty() {
            texts.push("no visits".to_string());
        }
        chart.group(label, &values, texts);
        let Some(next) = step.next(start) else { break };
        start = next;
    }
    report.chart = chart;
    report.notes = notes(step, from, today, active);
    Ok(report)
}

/// Sums findings by the start of their period and their category; a visit seen in several
/// logs was recorded once per log, so the findings are summed as they stand.
fn tally(step: Step, found: &[WebFinding]) -> BTreeMap<(NaiveDate, String), Cell> {
    let mut cells: BTreeMap<(NaiveDate, String), Cell> = BTreeMap::new();
    for f in found {
        let cell = cells
            .entry((step.start(f.day), f.category.clone()))
            .or_default();
        cell.visits += f.visits;
        match f.person_id {
            Some(id) => {
                cell.people.insert(id);
            }
            None => {
                cell.unknown.insert(f.identity.clone());
            }
        }
    }
    cells
}

fn notes(step: Step, from: NaiveDate, to: NaiveDate, active: Option<&ActivePack>) -> Vec<String> {
    let by = match step {
        Step::Week => "week (weeks start on Monday)",
        Step::Month => "calendar month",
    };
    let mut notes = vec![format!(
        "Findings from {from} to {to}, by {by} and category. People are those the register \
         knows behind a proxy user name or a device on loan on the day; identities it does not \
         know are counted apart."
    )];
    let Some(active) = active else {
        notes.push("No policy is in force, so nothing says the council monitors web use.".into());
        return notes;
    };
    match active.pack.monitoring.as_ref().filter(|m| m.web) {
        Some(m) => notes.push(format!(
            "The council monitors web use and only the offices it names may see what \
             monitoring found ({}).",
            Citation::new(&active.pack, &m.clause)
        )),
        None => notes.push(
            "Monitoring of web use is not in the policy in force: the web filter's logs are \
             not scanned into findings under it."
                .into(),
        ),
    }
    if let Some(rule) = retention::rule(&active.pack, RecordKind::MonitoringFindings) {
        notes.push(format!(
            "Findings are kept for {} after the day of the visits, then purged ({}); earlier \
             periods show only what is still kept.",
            rule.keep, rule.citation
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn finding(day: NaiveDate, who: &str, person: Option<Id>, visits: i64) -> WebFinding {
        let at = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        WebFinding {
            id: 1,
            council_id: 1,
            scan_id: 1,
            source: "s".into(),
            identity: who.into(),
            person_id: person,
            category: "gambling".into(),
            day,
            visits,
            first_seen: at,
            last_seen: at,
            samples: Vec::new(),
        }
    }

    #[test]
    fn short_ranges_go_by_week_from_monday_and_long_ones_by_month() {
        assert_eq!(Step::for_range(d(2027, 5, 1), d(2027, 6, 11)), Step::Week);
        assert_eq!(Step::for_range(d(2026, 6, 12), d(2027, 6, 11)), Step::Month);
        // Thursday 10 June 2027 is in the week from Monday 7 June.
        assert_eq!(Step::Week.start(d(2027, 6, 10)), d(2027, 6, 7));
        assert_eq!(Step::Month.start(d(2027, 6, 10)), d(2027, 6, 1));
        assert_eq!(Step::Week.label(d(2027, 6, 7)), "Week of 7 Jun 2027");
        assert_eq!(Step::Month.label(d(2027, 6, 1)), "June 2027");
        assert_eq!(default_from(d(2027, 6, 11)), d(2026, 6, 12));
    }

    #[test]
    fn visits_are_summed_and_people_counted_once() {
        let found = [
            finding(d(2027, 6, 7), "ada", Some(4), 12),
            finding(d(2027, 6, 9), "10.1.0.7", Some(4), 2),
            finding(d(2027, 6, 9), "10.5.5.5", None, 1),
            finding(d(2027, 6, 14), "ada", Some(4), 3),
        ];
        let cells = tally(Step::Week, &found);
        let week = &cells[&(d(2027, 6, 7), "gambling".to_string())];
        assert_eq!(week.visits, 15);
        assert_eq!(week.people.len(), 1);
        assert_eq!(week.unknown.len(), 1);
        assert_eq!(cells[&(d(2027, 6, 14), "gambling".to_string())].visits, 3);
    }
}
