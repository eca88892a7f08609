//! Bank holidays of each UK nation, computed from the standing rules, with the one-off
//! changes made by royal proclamation kept as data.

use super::Nation;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct BankHoliday {
    pub date: NaiveDate,
    pub name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    NewYear,
    SecondJanuary,
    StPatrick,
    GoodFriday,
    EasterMonday,
    EarlyMay,
    Spring,
    Boyne,
    Summer,
    StAndrew,
    Christmas,
    Boxing,
}

impl Rule {
    fn name(self) -> &'static str {
        match self {
            Rule::NewYear => "New Year's Day",
            Rule::SecondJanuary => "2nd January",
            Rule::StPatrick => "St Patrick's Day",
            Rule::GoodFriday => "Good Friday",
            Rule::EasterMonday => "Easter Monday",
            Rule::EarlyMay => "Early May bank holiday",
            Rule::Spring => "Spring bank holiday",
            Rule::Boyne => "Battle of the Boyne (Orangemen's Day)",
            Rule::Summer => "Summer bank holiday",
            Rule::StAndrew => "St Andrew's Day",
            Rule::Christmas => "Christmas Day",
            Rule::Boxing => "Boxing Day",
        }
    }

    /// Fixed-date holidays move to the next free weekday when they fall at a weekend.
    fn has_substitute(self) -> bool {
        matches!(
            self,
            Rule::NewYear
                | Rule::SecondJanuary
                | Rule::StPatrick
                | Rule::Boyne
                | Rule::StAndrew
                | Rule::Christmas
                | Rule::Boxing
        )
    }

    fn applies(self, nation: Nation, year: i32) -> bool {
        use Nation::*;
        match self {
            Rule::SecondJanuary => nation == Scotland,
            Rule::StPatrick | Rule::Boyne => nation == NorthernIreland,
            Rule::EasterMonday => nation != Scotland,
            // The early May holiday began in 1978, St Andrew's Day as a bank holiday in 2007.
            Rule::EarlyMay => year >= 1978,
            Rule::StAndrew => nation == Scotland && year >= 2007,
            _ => true,
        }
    }

    fn nominal(self, nation: Nation, year: i32) -> Option<NaiveDate> {
        let easter = easter_sunday(year);
        match self {
            Rule::NewYear => ymd(year, 1, 1),
            Rule::SecondJanuary => ymd(year, 1, 2),
            Rule::StPatrick => ymd(year, 3, 17),
            Rule::GoodFriday => easter.map(|e| e - Duration::days(2)),
            Rule::EasterMonday => easter.map(|e| e + Duration::days(1)),
            Rule::EarlyMay => nth_monday(year, 5, 1),
            Rule::Spring => last_monday(year, 5),
            Rule::Boyne => ymd(year, 7, 12),
            Rule::Summer if nation == Nation::Scotland => nth_monday(year, 8, 1),
            Rule::Summer => last_monday(year, 8),
            Rule::StAndrew => ymd(year, 11, 30),
            Rule::Christmas => ymd(year, 12, 25),
            Rule::Boxing => ymd(year, 12, 26),
        }
    }
}

const RULES: [Rule; 12] = [
    Rule::NewYear,
    Rule::SecondJanuary,
    Rule::StPatrick,
    Rule::GoodFriday,
    Rule::EasterMonday,
    Rule::EarlyMay,
    Rule::Spring,
    Rule::Boyne,
    Rule::Summer,
    Rule::StAndrew,
    Rule::Christmas,
    Rule::Boxing,
];

/// A standing holiday moved to another day in one year, across the UK.
const MOVED: &[(i32, Rule, u32, u32)] = &[
    (1995, Rule::EarlyMay, 5, 8),
    (2002, Rule::Spring, 6, 4),
    (2012, Rule::Spring, 6, 4),
    (2020, Rule::EarlyMay, 5, 8),
    (2022, Rule::Spring, 6, 2),
];

/// Extra holidays granted once, across the UK.
const EXTRA: &[(i32, u32, u32, &str)] = &[
    (1999, 12, 31, "Millennium celebrations"),
    (2002, 6, 3, "Golden Jubilee of Elizabeth II"),
    (
        2011,
        4,
        29,
        "Wedding of Prince William and Catherine Middleton",
    ),
    (2012, 6, 5, "Diamond Jubilee of Elizabeth II"),
    (2022, 6, 3, "Platinum Jubilee of Elizabeth II"),
    (2022, 9, 19, "State Funeral of Queen Elizabeth II"),
    (2023, 5, 8, "Coronation of King Charles III"),
];

fn ymd(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn nth_monday(year: i32, month: u32, n: u8) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, n)
}

fn last_monday(year: i32, month: u32) -> Option<NaiveDate> {
    let first_of_next = if month == 12 {
        ymd(year + 1, 1, 1)
    } else {
        ymd(year, month + 1, 1)
    }?;
    let back = (first_of_next.weekday().num_days_from_monday() + 6) % 7 + 1;
    Some(first_of_next - Duration::days(i64::from(back)))
}

/// Easter Sunday by the Gregorian computus (the anonymous algorithm in Meeus's form).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let (d, e) = (b.div_euclid(4), b.rem_euclid(4));
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let (i, k) = (c.div_euclid(4), c.rem_euclid(4));
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let n = h + l - 7 * m + 114;
    ymd(
        year,
        u32::try_from(n / 31).ok()?,
        u32::try_from(n % 31 + 1).ok()?,
    )
}

/// The bank holidays of `nation` in `year`, in date order.
pub fn bank_holidays(nation: Nation, year: i32) -> Vec<BankHoliday> {
    let mut held: Vec<BankHoliday> = Vec::new();
    let mut at_weekend: Vec<(NaiveDate, Rule)> = Vec::new();
    for rule in RULES.into_iter().filter(|r| r.applies(nation, year)) {
        let moved = MOVED
            .iter()
            .find(|(y, r, _, _)| *y == year && *r == rule)
            .and_then(|(_, _, month, day)| ymd(year, *month, *day));
        let Some(date) = moved.or_else(|| rule.nominal(nation, year)) else {
            continue;
        };
        if rule.has_substitute() && is_weekend(date) {
            at_weekend.push((date, rule));
        } else {
            held.push(BankHoliday {
                date,
                name: rule.name().to_string(),
            });
        }
    }
    // A holiday at a weekend takes the next weekday that is not already a holiday, in date
    // order: so Christmas on a Sunday gives Boxing Day on the Monday and the substitute on
    // the Tuesday.
    at_weekend.sort_by_key(|(date, _)| *date);
    for (date, rule) in at_weekend {
        let mut day = date;
        while is_weekend(day) || held.iter().any(|h| h.date == day) {
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        held.push(BankHoliday {
            date: day,
            name: format!("{} (substitute day)", rule.name()),
        });
    }
    for (y, month, day, name) in EXTRA {
        if let Some(date) = ymd(*y, *month, *day).filter(|_| *y == year) {
            held.push(BankHoliday {
                date,
                name: (*name).to_string(),
            });
        }
    }
    held.sort_by_key(|h| h.date);
    held
}
