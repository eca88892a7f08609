//! Equipment by state and age: how many items are in each state, split by how long ago they
//! were bought.

use super::{Chart, Report, ReportName, ReportTx, col, count, num};
use crate::error::DomainResult;
use crate::records::Council;
use chrono::NaiveDate;
use steward_policy::EquipmentState;

/// Age bands in whole years since purchase: under 1, 1 to 2, 2 to 4, 4 and over.
const AGES: [(&str, &str); 5] = [
    ("under_1", "Under 1 year"),
    ("from_1_to_2", "1 to 2 years"),
    ("from_2_to_4", "2 to 4 years"),
    ("over_4", "4 years or more"),
    ("unknown", "Purchase date unknown"),
];

fn band(purchased: Option<NaiveDate>, today: NaiveDate) -> usize {
    let Some(bought) = purchased else {
        return 4;
    };
    let years = today.years_since(bought).unwrap_or(0);
    match years {
        0 => 0,
        1 => 1,
        2 | 3 => 2,
        _ => 3,
    }
}

pub(super) async fn build<T: ReportTx>(
    tx: &mut T,
    council: &Council,
    today: NaiveDate,
) -> DomainResult<Report> {
    let mut columns = vec![col("state", "State"), num("total", "Items")];
    columns.extend(AGES.iter().map(|(key, label)| num(key, label)));
    let mut report = Report::new(ReportName::Equipment, council, today, columns);
    let items = tx.equipment_list(council.id).await?;
    let mut chart = Chart::new("Equipment by state", &["Items"]);
    for state in EquipmentState::ALL {
        let mut ages = [0_i64; 5];
        for item in items.iter().filter(|i| i.state == *state) {
            ages[band(item.purchased_on, today)] += 1;
        }
        let total: i64 = ages.iter().sum();
        if total == 0 {
            continue;
        }
        let label = super::label(state.as_str());
        let mut row = vec![label.clone(), total.to_string()];
        row.extend(ages.iter().map(|n| n.to_string()));
        report.rows.push(row);
        chart.group(label, &[total], vec![count(total, "item", "items")]);
    }
    report.chart = chart;
    report.notes.push(format!(
        "Ages are counted in whole years from each item's purchase date to {}.",
        steward_policy::long_date(today)
    ));
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn ages_fall_in_whole_year_bands() {
        let today = d(2027, 6, 1);
        assert_eq!(band(Some(d(2027, 1, 1)), today), 0);
        assert_eq!(band(Some(d(2026, 6, 1)), today), 1);
        assert_eq!(band(Some(d(2024, 6, 2)), today), 2);
        assert_eq!(band(Some(d(2020, 1, 1)), today), 3);
        assert_eq!(band(None, today), 4);
    }
}
