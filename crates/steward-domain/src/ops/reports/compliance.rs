//! Device compliance over time: at the end of each day or week of a range, how many items in
//! service stood compliant, failing, unknown or out of date against each `[[posture]]` duty of
//! the pack in force, and how many no source had reported on. The store counts them from the
//! stored observations in one statement; this module picks the moments and the duties, and
//! words the rows.

use super::{Chart, Report, ReportName, ReportTx, col, num};
use crate::error::{DomainError, DomainResult};
use crate::ops::audit_log::london_day_start;
use crate::ops::policy::ActivePack;
use crate::posture::{DutyOfKind, PeriodEnd, Standing, StandingCount};
use crate::records::Council;
use chrono::{Datelike, Days, NaiveDate};
use std::collections::HashMap;
use steward_policy::posture::CheckWord;
use steward_policy::{Citation, EquipmentKind, Pack, Period, long_date};

/// The longest range shown day by day; a month.
pub const DAILY_UP_TO: i64 = 31;
/// The longest range the report covers: a year, at most 54 weekly bars.
pub const LONGEST: i64 = 366;

/// The first day of the default range: the twelve weeks up to and including `today`.
pub fn default_from(today: NaiveDate) -> NaiveDate {
    today.checked_sub_days(Days::new(83)).unwrap_or(today)
}

/// The standings the table counts, in its order, with their column keys and labels.
const COUNTED: [(Standing, &str, &str); 5] = [
    (Standing::Compliant, "compliant", "Compliant"),
    (Standing::Failing, "failing", "Failing"),
    (Standing::Unknown, "unknown", "Unknown"),
    (Standing::Stale, "out_of_date", "Out of date"),
    (Standing::NotReported, "not_reported", "Not reported"),
];

/// One period of the range: its label, its first day and the day its figures are taken at.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Slice {
    label: String,
    starts: NaiveDate,
    at: NaiveDate,
}

/// The range cut into days, or weeks from Monday when it is longer than a month; the last
/// slice ends on `to`.
fn slices(from: NaiveDate, to: NaiveDate) -> Vec<Slice> {
    let daily = (to - from).num_days() < DAILY_UP_TO;
    let mut out = Vec::new();
    let mut starts = if daily {
        from
    } else {
        from - Days::new(u64::from(from.weekday().num_days_from_monday()))
    };
    while starts <= to {
        let (label, last) = if daily {
            (starts.format("%a %-d %b %Y").to_string(), starts)
        } else {
            (
                format!("Week of {}", starts.format("%-d %b %Y")),
                starts + Days::new(6),
            )
        };
        out.push(Slice {
            label,
            starts,
            at: last.min(to),
        });
        let Some(next) = (if daily {
            starts.succ_opt()
        } else {
            last.succ_opt()
        }) else {
            break;
        };
        starts = next;
    }
    out
}

/// The first day a device may last have reported on and still count as checked in on `day`:
/// the pack finds it out of date when `max_age` after its last day is before `day`.
fn fresh_from(max_age: Period, day: NaiveDate) -> Option<NaiveDate> {
    let mut first = max_age.before(day)?;
    // Months end on different days, so step to the exact first day that still reaches `day`.
    while max_age.after(first).is_some_and(|d| d < day) {
        first = first.succ_opt()?;
    }
    while let Some(earlier) = first.pred_opt()
        && max_age.after(earlier).is_some_and(|d| d >= day)
    {
        first = earlier;
    }
    Some(first)
}

/// Which duty each kind's check answers to: as when one device is judged, the first duty of
/// the pack for a check that covers the kind.
fn duties_by_kind(pack: &Pack) -> Vec<DutyOfKind> {
    let mut out: Vec<DutyOfKind> = Vec::new();
    for (duty, d) in pack.posture.iter().enumerate() {
        let check = CheckWord::of_duty(d.check);
        for kind in EquipmentKind::ALL {
            let covers = d.kinds.is_empty() || d.kinds.contains(kind);
            if covers && !out.iter().any(|o| o.kind == *kind && o.check == check) {
                out.push(DutyOfKind {
                    kind: *kind,
                    check,
                    duty,
                });
            }
        }
    }
    out
}

/// A duty in words: its check, and the kinds it covers when not all.
fn duty_words(pack: &Pack, duty: usize) -> String {
    let Some(d) = pack.posture.get(duty) else {
        return String::new();
    };
    let check = CheckWord::of_duty(d.check).label();
    if d.kinds.is_empty() {
        return check.to_string();
    }
    let kinds: Vec<String> = d
        .kinds
        .iter()
        .map(|k| k.as_str().replace('_', " "))
        .collect();
    format!("{check} ({})", kinds.join(", "))
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
    if (today - from).num_days() >= LONGEST {
        return Err(DomainError::invalid(
            "from",
            format!(
                "the range from {from} to {today} is longer than a year; choose a later first day"
            ),
        ));
    }
    let mut columns = vec![
        col("period", "Period"),
        col("as_at", "As at"),
        col("duty", "Duty"),
        col("clause", "Clause"),
    ];
    columns.extend(COUNTED.iter().map(|(_, key, label)| num(key, label)));
    let mut report = Report::new(ReportName::Compliance, council, today, columns);
    let series: Vec<&str> = COUNTED[..4].iter().map(|(_, _, label)| *label).collect();
    let mut chart = Chart::new("Items by their standing over all their duties", &series);
    let Some(active) = active else {
        report.notes.push(
            "No policy is in force, so there are no device duties to count items against.".into(),
        );
        report.chart = chart;
        return Ok(report);
    };
    let pack = &active.pack;
    let slices = slices(from, today);
    let ends: Vec<PeriodEnd> = slices
        .iter()
        .map(|s| PeriodEnd {
            ends_at: london_day_start(s.at.succ_opt().unwrap_or(s.at)),
            fresh_from: pack
                .check_in
                .as_ref()
                .and_then(|c| fresh_from(c.max_age, s.at))
                .map(london_day_start),
        })
        .collect();
    let duties = duties_by_kind(pack);
    let counts = if duties.is_empty() {
        Vec::new()
    } else {
        tx.standing_counts(council.id, &ends, &duties).await?
    };
    let table = tally(&counts);
    let mut used: Vec<usize> = duties.iter().map(|d| d.duty).collect();
    used.sort_unstable();
    used.dedup();
    for (period, slice) in slices.iter().enumerate() {
        let overall = table.get(&(period, None));
        let figure = |s: Standing| overall.and_then(|m| m.get(&s)).copied().unwrap_or(0);
        let values: Vec<i64> = COUNTED[..4].iter().map(|(s, _, _)| figure(*s)).collect();
        let texts: Vec<String> = COUNTED[..4]
            .iter()
            .zip(&values)
            .filter(|(_, v)| **v > 0)
            .map(|((_, _, label), v)| format!("{v} {}", label.to_lowercase()))
            .collect();
        let texts = if texts.is_empty() {
            vec!["no items reported on".to_string()]
        } else {
            texts
        };
        chart.group(slice.label.clone(), &values, texts);
        if !used.is_empty() {
            report
                .rows
                .push(row(slice, "All duties".into(), String::new(), overall));
        }
        for duty in &used {
            let cites = pack
                .posture
                .get(*duty)
                .map(|d| Citation::new(pack, &d.clause).to_string())
                .unwrap_or_default();
            report.rows.push(row(
                slice,
                duty_words(pack, *duty),
                cites,
                table.get(&(period, Some(*duty))),
            ));
        }
    }
    report.chart = chart;
    report.notes = notes(pack, from, today, &slices, used.is_empty());
    Ok(report)
}

type Table = HashMap<(usize, Option<usize>), HashMap<Standing, i64>>;

fn tally(counts: &[StandingCount]) -> Table {
    let mut table: Table = HashMap::new();
    for c in counts {
        *table
            .entry((c.period, c.duty))
            .or_default()
            .entry(c.standing)
            .or_default() += c.items;
    }
    table
}

fn row(
    slice: &Slice,
    duty: String,
    clause: String,
    counts: Option<&HashMap<Standing, i64>>,
) -> Vec<String> {
    let mut cells = vec![slice.label.clone(), slice.at.to_string(), duty, clause];
    cells.extend(COUNTED.iter().map(|(s, _, _)| {
        counts
            .and_then(|m| m.get(s))
            .copied()
            .unwrap_or(0)
            .to_string()
    }));
    cells
}

fn notes(
    pack: &Pack,
    from: NaiveDate,
    to: NaiveDate,
    slices: &[Slice],
    no_duties: bool,
) -> Vec<String> {
    let by = match slices.first() {
        Some(s) if s.label.starts_with("Week") => "week (weeks start on Monday)",
        _ => "day",
    };
    let mut notes = vec![format!(
        "From {} to {}, by {by}. Each period's figures are taken at the end of its last day \
         (London time): for each item in service now (not disposed of, lost or stolen) of a \
         kind a duty covers, the latest result of the duty's check reported by then.",
        long_date(from),
        long_date(to)
    )];
    if no_duties {
        notes.push(
            "The policy in force sets no device duties, so there is nothing to count.".into(),
        );
        return notes;
    }
    notes.push(
        "All duties counts each item once, by its worst standing: out of date, then failing, \
         then unknown. Unknown includes a check no source has reported on a device that reports \
         others."
            .into(),
    );
    match &pack.check_in {
        Some(rule) => notes.push(format!(
            "A device that had not checked in for more than {} is out of date for every duty ({}).",
            rule.max_age,
            Citation::new(pack, &rule.clause)
        )),
        None => notes
            .push("The policy sets no check-in age, so no device is counted out of date.".into()),
    }
    notes.push(
        "Not reported counts items no device management tool had reported on by then.".into(),
    );
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_month_goes_by_day_and_longer_by_week_from_monday() {
        let days = slices(d(2027, 6, 1), d(2027, 6, 10));
        assert_eq!(days.len(), 10);
        assert_eq!(days[0].label, "Tue 1 Jun 2027");
        assert_eq!(days[9].at, d(2027, 6, 10));
        let weeks = slices(d(2027, 3, 17), d(2027, 6, 10));
        // Wednesday 17 March 2027 is in the week from Monday 15 March.
        assert_eq!(weeks[0].starts, d(2027, 3, 15));
        assert_eq!(weeks[0].at, d(2027, 3, 21));
        assert_eq!(weeks[0].label, "Week of 15 Mar 2027");
        let last = weeks.last().unwrap();
        assert_eq!((last.starts, last.at), (d(2027, 6, 7), d(2027, 6, 10)));
        assert_eq!(default_from(d(2027, 6, 10)), d(2027, 3, 19));
    }

    #[test]
    fn a_device_is_fresh_while_its_age_reaches_the_day() {
        let fortnight = Period::days(14);
        assert_eq!(fresh_from(fortnight, d(2027, 6, 20)), Some(d(2027, 6, 6)));
        // A month after 28 February is 28 March, short of 31 March; 1 March reaches it.
        let month: Period = "1 month".parse().unwrap();
        assert_eq!(fresh_from(month, d(2027, 3, 31)), Some(d(2027, 3, 1)));
        assert_eq!(fresh_from(month, d(2027, 3, 15)), Some(d(2027, 2, 15)));
    }

    #[test]
    fn each_kind_answers_to_the_first_duty_that_covers_it() {
        let pack =
            steward_policy::presets::load(steward_policy::presets::find("city-aup").unwrap())
                .unwrap()
                .pack;
        let duties = duties_by_kind(&pack);
        let encryption = |kind| {
            duties
                .iter()
                .find(|d| d.kind == kind && d.check == CheckWord::DiskEncryption)
                .map(|d| d.duty)
        };
        assert_ne!(
            encryption(EquipmentKind::Laptop),
            encryption(EquipmentKind::RemovableMedia)
        );
        assert_eq!(encryption(EquipmentKind::Accessory), None);
    }
}
