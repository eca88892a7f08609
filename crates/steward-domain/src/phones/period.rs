//! The month a phone bill is for.

use crate::ids::InvalidValue;
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A bill's period: a calendar month, written `2027-04`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BillPeriod {
    /// Its first day; always the 1st.
    first: NaiveDate,
}

const RULE: &str = "write the month as YYYY-MM, like 2027-04";

impl BillPeriod {
    pub fn of(day: NaiveDate) -> BillPeriod {
        BillPeriod {
            first: day.with_day(1).unwrap_or(day),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        self.first
    }

    pub fn last_day(self) -> NaiveDate {
        self.first
            .checked_add_months(Months::new(1))
            .and_then(|d| d.pred_opt())
            .unwrap_or(self.first)
    }

    /// The earliest day a call on this bill may be dated: billing cycles rarely follow calendar
    /// months, so a bill ending in April may begin in March.
    pub fn earliest_call(self) -> NaiveDate {
        self.first
            .checked_sub_months(Months::new(1))
            .unwrap_or(self.first)
    }

    /// "April 2027".
    pub fn label(self) -> String {
        self.first.format("%B %Y").to_string()
    }
}

impl FromStr for BillPeriod {
    type Err = InvalidValue;

    fn from_str(text: &str) -> Result<Self, InvalidValue> {
        let t = text.trim();
        let bad = || InvalidValue {
            what: "bill period",
            found: t.chars().take(20).collect(),
            rule: RULE,
        };
        let (year, month) = t.split_once('-').ok_or_else(bad)?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || !(1..=2).contains(&month.len()) || !digits(year) || !digits(month) {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
        Ok(BillPeriod { first })
    }
}

impl fmt::Display for BillPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first.format("%Y-%m"))
    }
}

impl Serialize for BillPeriod {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

// Written as the month, YYYY-MM.
impl schemars::JsonSchema for BillPeriod {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "BillPeriod".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "description": "A month, YYYY-MM" })
    }
}

impl<'de> Deserialize<'de> for BillPeriod {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn months_parse_and_span_their_days() {
        let april: BillPeriod = "2027-04".parse().unwrap();
        assert_eq!(april.to_string(), "2027-04");
        assert_eq!(april.label(), "April 2027");
        assert_eq!(april.first_day(), day(2027, 4, 1));
        assert_eq!(april.last_day(), day(2027, 4, 30));
        assert_eq!(april.earliest_call(), day(2027, 3, 1));
        assert_eq!(
            "2028-2".parse::<BillPeriod>().unwrap().last_day(),
            day(2028, 2, 29)
        );
        for bad in [
            "", "2027", "2027-13", "2027-00", "27-04", "2027/04", "April", "2027-4-1",
        ] {
            assert!(bad.parse::<BillPeriod>().is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn every_day_belongs_to_its_month(offset in 0i64..40_000) {
            let d = day(1990, 1, 1) + chrono::Duration::days(offset);
            let p = BillPeriod::of(d);
            prop_assert!(p.first_day() <= d && d <= p.last_day());
            prop_assert_eq!(p.to_string().parse::<BillPeriod>().unwrap(), p);
        }
    }
}
