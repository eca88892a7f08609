//! Working days and statutory response deadlines: 20 working days for FOI and EIR requests,
//! one calendar month (extendable by two more) for subject access requests.
//!
//! Pure: no clock, no I/O. A working day is Monday to Friday and not a bank holiday of the
//! chosen nation. See `docs/deadlines.md` for the rules.

mod holidays;
mod hours;
#[cfg(test)]
mod tests;

pub use holidays::{BankHoliday, bank_holidays, easter_sunday};
pub use hours::{WorkingHours, uk_to_utc};

use chrono::{Datelike, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Working days allowed to answer a request under FOIA s.10 and EIR reg. 5(2).
pub const FOI_WORKING_DAYS: u32 = 20;

/// The part of the UK whose bank holidays count.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Nation {
    #[default]
    EnglandWales,
    Scotland,
    NorthernIreland,
}

impl Nation {
    pub const ALL: [Nation; 3] = [
        Nation::EnglandWales,
        Nation::Scotland,
        Nation::NorthernIreland,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Nation::EnglandWales => "england_wales",
            Nation::Scotland => "scotland",
            Nation::NorthernIreland => "northern_ireland",
        }
    }
}

impl std::fmt::Display for Nation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a nation for bank holidays; use england_wales, scotland or northern_ireland")]
pub struct UnknownNation(pub String);

impl FromStr for Nation {
    type Err = UnknownNation;

    fn from_str(text: &str) -> Result<Nation, UnknownNation> {
        let key = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Nation::ALL
            .into_iter()
            .find(|n| n.as_str() == key)
            .ok_or_else(|| UnknownNation(text.to_string()))
    }
}

/// Answers "is this a bank holiday?" for a run of nearby dates, computing each year's list
/// once.
struct Holidays {
    nation: Nation,
    year: Option<i32>,
    dates: Vec<NaiveDate>,
}

impl Holidays {
    fn new(nation: Nation) -> Holidays {
        Holidays {
            nation,
            year: None,
            dates: Vec::new(),
        }
    }

    fn is_working_day(&mut self, date: NaiveDate) -> bool {
        if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            return false;
        }
        self.is_working_day_ignoring_weekends(date)
    }

    /// Whether `date` is not a bank holiday, whatever day of the week it is.
    fn is_working_day_ignoring_weekends(&mut self, date: NaiveDate) -> bool {
        if self.year != Some(date.year()) {
            self.year = Some(date.year());
            self.dates = bank_holidays(self.nation, date.year())
                .into_iter()
                .map(|h| h.date)
                .collect();
        }
        !self.dates.contains(&date)
    }
}

pub fn is_working_day(date: NaiveDate, nation: Nation) -> bool {
    Holidays::new(nation).is_working_day(date)
}

/// Steps forward to the `n`th day after `from` that `counts`; `from` itself when `n` is 0.
/// Stops at the calendar's last date rather than looping.
fn step(from: NaiveDate, n: u32, mut counts: impl FnMut(NaiveDate) -> bool) -> NaiveDate {
    let mut day = from;
    let mut counted = 0;
    while counted < n {
        match day.succ_opt() {
            Some(next) => day = next,
            None => return day,
        }
        if counts(day) {
            counted += 1;
        }
    }
    day
}

/// The `n`th working day after `date` (`date` itself when `n` is 0).
pub fn add_working_days(date: NaiveDate, n: u32, nation: Nation) -> NaiveDate {
    let mut holidays = Holidays::new(nation);
    step(date, n, |d| holidays.is_working_day(d))
}

/// The number of working days after `from` up to and including `to` (0 when `to` is not
/// after `from`): the inverse of [`add_working_days`].
pub fn working_days_between(from: NaiveDate, to: NaiveDate, nation: Nation) -> u32 {
    let mut holidays = Holidays::new(nation);
    from.iter_days()
        .skip(1)
        .take_while(|d| *d <= to)
        .filter(|d| holidays.is_working_day(*d))
        .fold(0, |n, _| n + 1)
}

/// A stop of the clock while the authority waits for the requester to clarify a request:
/// days after `asked_on` up to and including `answered_on` do not count, and counting resumes
/// the next working day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Pause {
    pub asked_on: NaiveDate,
    pub answered_on: NaiveDate,
}

impl Pause {
    fn covers(&self, day: NaiveDate) -> bool {
        self.asked_on < day && day <= self.answered_on
    }
}

/// The last day to answer an FOI or EIR request received on `received`: the 20th working day,
/// where day 1 is the first working day after receipt, not counting days the clock was
/// paused.
pub fn foi_deadline(received: NaiveDate, nation: Nation, pauses: &[Pause]) -> NaiveDate {
    let mut holidays = Holidays::new(nation);
    step(received, FOI_WORKING_DAYS, |d| {
        holidays.is_working_day(d) && !pauses.iter().any(|p| p.covers(d))
    })
}

fn months_after(received: NaiveDate, months: u32) -> NaiveDate {
    // chrono clamps to the month's last day when the corresponding date does not exist.
    received
        .checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// The last day to answer a subject access request received on `received`: the same date
/// next month, or that month's last day when it has no such date (31 January gives 28 or 29
/// February).
pub fn sar_deadline(received: NaiveDate) -> NaiveDate {
    months_after(received, 1)
}

/// The last day when the deadline is extended by two further months for a complex or
/// numerous request: three calendar months from receipt, clamped the same way.
pub fn sar_extended_deadline(received: NaiveDate) -> NaiveDate {
    months_after(received, 3)
}
