//! Lengths of time as policies state them ("10 days", "one month", "4 years", "immediately")
//! and the calendar arithmetic that turns them into dates.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PeriodUnit {
    Days,
    Weeks,
    Months,
    Years,
}

/// A whole number of calendar units. Months and years land on the same day of the month,
/// or on the last day of a shorter month (one month from 31 January is the end of February).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    pub amount: u32,
    pub unit: PeriodUnit,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a length of time; write a whole number and a unit, like \"10 days\", \"1 month\", \"3 months\", \"4 years\", or \"immediately\""
)]
pub struct PeriodError(pub String);

/// The longest period any rule may state; beyond this a typo is far likelier than intent.
const MAX_DAYS: u32 = 36_600;

impl Period {
    pub const IMMEDIATELY: Period = Period {
        amount: 0,
        unit: PeriodUnit::Days,
    };

    pub fn days(amount: u32) -> Self {
        Period {
            amount,
            unit: PeriodUnit::Days,
        }
    }

    pub fn months(amount: u32) -> Self {
        Period {
            amount,
            unit: PeriodUnit::Months,
        }
    }

    pub fn years(amount: u32) -> Self {
        Period {
            amount,
            unit: PeriodUnit::Years,
        }
    }

    /// The date this period after `from`; `None` only past the end of the calendar.
    pub fn after(self, from: NaiveDate) -> Option<NaiveDate> {
        match self.unit {
            PeriodUnit::Days => from.checked_add_days(chrono::Days::new(u64::from(self.amount))),
            PeriodUnit::Weeks => {
                from.checked_add_days(chrono::Days::new(u64::from(self.amount) * 7))
            }
            PeriodUnit::Months => from.checked_add_months(Months::new(self.amount)),
            PeriodUnit::Years => from.checked_add_months(Months::new(self.amount.checked_mul(12)?)),
        }
    }

    /// The date this period before `from`.
    pub fn before(self, from: NaiveDate) -> Option<NaiveDate> {
        match self.unit {
            PeriodUnit::Days => from.checked_sub_days(chrono::Days::new(u64::from(self.amount))),
            PeriodUnit::Weeks => {
                from.checked_sub_days(chrono::Days::new(u64::from(self.amount) * 7))
            }
            PeriodUnit::Months => from.checked_sub_months(Months::new(self.amount)),
            PeriodUnit::Years => from.checked_sub_months(Months::new(self.amount.checked_mul(12)?)),
        }
    }

    pub fn is_zero(self) -> bool {
        self.amount == 0
    }

    fn approx_days(self) -> u64 {
        let per = match self.unit {
            PeriodUnit::Days => 1,
            PeriodUnit::Weeks => 7,
            PeriodUnit::Months => 31,
            PeriodUnit::Years => 366,
        };
        u64::from(self.amount) * per
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || PeriodError(s.to_string());
        let text = s.trim().to_ascii_lowercase();
        if text == "immediately" {
            return Ok(Period::IMMEDIATELY);
        }
        let mut words = text.split_whitespace();
        let (Some(number), Some(unit), None) = (words.next(), words.next(), words.next()) else {
            return Err(err());
        };
        let amount = match number {
            "a" | "an" | "one" => 1,
            "two" => 2,
            "three" => 3,
            "four" => 4,
            "six" => 6,
            "twelve" => 12,
            n if n.bytes().all(|b| b.is_ascii_digit()) && n.len() <= 6 => {
                n.parse().map_err(|_| err())?
            }
            _ => return Err(err()),
        };
        let unit = match unit {
            "day" | "days" => PeriodUnit::Days,
            "week" | "weeks" => PeriodUnit::Weeks,
            "month" | "months" => PeriodUnit::Months,
            "year" | "years" => PeriodUnit::Years,
            _ => return Err(err()),
        };
        let period = Period { amount, unit };
        if period.approx_days() > u64::from(MAX_DAYS) {
            return Err(err());
        }
        Ok(period)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_zero() {
            return f.write_str("immediately");
        }
        let unit = match self.unit {
            PeriodUnit::Days => "day",
            PeriodUnit::Weeks => "week",
            PeriodUnit::Months => "month",
            PeriodUnit::Years => "year",
        };
        let plural = if self.amount == 1 { "" } else { "s" };
        write!(f, "{} {unit}{plural}", self.amount)
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

// Written as words, such as "3 months".
impl schemars::JsonSchema for Period {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Period".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "pattern": "^[0-9]+ (day|week|month|year)s?$" })
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date as people write it in the UK: "16 May 2027". Written out directly rather than
/// through a format string, which is read afresh on every call: lists show dozens a page.
pub fn long_date(date: NaiveDate) -> String {
    let month = MONTH_NAMES[date.month0() as usize];
    format!("{} {month} {}", date.day(), date.year())
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

/// The last day of the month `date` falls in.
pub fn month_end(date: NaiveDate) -> NaiveDate {
    let (y, m) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_policy_wording() {
        assert_eq!("10 days".parse(), Ok(Period::days(10)));
        assert_eq!("one month".parse(), Ok(Period::months(1)));
        assert_eq!("3 Months".parse(), Ok(Period::months(3)));
        assert_eq!("4 years".parse(), Ok(Period::years(4)));
        assert_eq!("immediately".parse(), Ok(Period::IMMEDIATELY));
        for bad in [
            "",
            "ten",
            "3",
            "3 fortnights",
            "-1 days",
            "1.5 months",
            "99999 years",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn month_arithmetic_clamps_to_month_end() {
        assert_eq!(
            Period::months(1).after(d(2027, 1, 31)),
            Some(d(2027, 2, 28))
        );
        assert_eq!(
            Period::months(1).after(d(2028, 1, 31)),
            Some(d(2028, 2, 29))
        );
        assert_eq!(
            Period::months(3).after(d(2027, 11, 30)),
            Some(d(2028, 2, 29))
        );
        assert_eq!(Period::years(1).after(d(2028, 2, 29)), Some(d(2029, 2, 28)));
        assert_eq!(Period::days(10).after(d(2027, 5, 6)), Some(d(2027, 5, 16)));
        assert_eq!(
            Period::IMMEDIATELY.after(d(2027, 5, 6)),
            Some(d(2027, 5, 6))
        );
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (1990i32..2100, 1u32..=12, 1u32..=31).prop_map(|(y, m, day)| {
            month_end(d(y, m, 1)).min(d(y, m, 1) + chrono::Days::new(u64::from(day - 1)))
        })
    }

    proptest! {
        #[test]
        fn long_dates_read_as_written_out(date in any_date()) {
            prop_assert_eq!(long_date(date), date.format("%-d %B %Y").to_string());
        }

        #[test]
        fn months_never_skip_a_month(date in any_date(), n in 0u32..120) {
            let later = Period::months(n).after(date).unwrap();
            let months = (later.year() - date.year()) * 12 + later.month() as i32 - date.month() as i32;
            prop_assert_eq!(months, n as i32);
            // Same day of month, or the month's last day when the month is too short.
            prop_assert!(later.day() == date.day() || later == month_end(later));
            prop_assert!(later.day() <= date.day());
        }

        #[test]
        fn days_add_exactly(date in any_date(), n in 0u32..5000) {
            let later = Period::days(n).after(date).unwrap();
            prop_assert_eq!(days_between(date, later), i64::from(n));
            prop_assert_eq!(Period::days(n).before(later), Some(date));
        }

        #[test]
        fn longer_periods_never_end_sooner(date in any_date(), a in 0u32..60, b in 0u32..60) {
            let (short, long) = (a.min(b), a.max(b));
            prop_assert!(Period::months(short).after(date) <= Period::months(long).after(date));
            prop_assert!(Period::years(short).after(date) <= Period::years(long).after(date));
        }

        #[test]
        fn display_parses_back(n in 0u32..500, unit in 0usize..4) {
            let unit = [PeriodUnit::Days, PeriodUnit::Weeks, PeriodUnit::Months, PeriodUnit::Years][unit];
            let p = Period { amount: n, unit };
            if p.approx_days() <= u64::from(MAX_DAYS) {
                let back: Period = p.to_string().parse().unwrap();
                prop_assert!(back == p || (p.is_zero() && back.is_zero()));
            }
        }
    }
}
