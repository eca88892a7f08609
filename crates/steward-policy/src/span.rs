//! Response times as a council states them for its service desk ("4 hours", "2 days"): how
//! long after a report someone must act. Unlike a [`crate::Period`], a span starts at a moment
//! rather than a day, so it can be counted in hours.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpanUnit {
    Hours,
    Days,
    Weeks,
}

/// A whole number of hours, days or weeks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub amount: u32,
    pub unit: SpanUnit,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a response time; write a whole number and a unit, like \"4 hours\", \"2 days\" or \"1 week\""
)]
pub struct SpanError(pub String);

/// A year: anything longer is a typo rather than a service level.
const MAX_HOURS: u64 = 24 * 366;

impl Span {
    pub fn hours(amount: u32) -> Span {
        Span {
            amount,
            unit: SpanUnit::Hours,
        }
    }

    pub fn days(amount: u32) -> Span {
        Span {
            amount,
            unit: SpanUnit::Days,
        }
    }

    fn total_hours(self) -> u64 {
        let per = match self.unit {
            SpanUnit::Hours => 1,
            SpanUnit::Days => 24,
            SpanUnit::Weeks => 24 * 7,
        };
        u64::from(self.amount) * per
    }

    /// The moment this span after `from`.
    pub fn after(self, from: DateTime<Utc>) -> DateTime<Utc> {
        let hours = i64::try_from(self.total_hours()).unwrap_or(i64::MAX);
        from.checked_add_signed(Duration::hours(hours))
            .unwrap_or(from)
    }
}

impl FromStr for Span {
    type Err = SpanError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || SpanError(s.to_string());
        let text = s.trim().to_ascii_lowercase();
        let mut words = text.split_whitespace();
        let (Some(number), Some(unit), None) = (words.next(), words.next(), words.next()) else {
            return Err(err());
        };
        let amount: u32 = match number {
            "a" | "an" | "one" => 1,
            "two" => 2,
            "three" => 3,
            "four" => 4,
            n if n.bytes().all(|b| b.is_ascii_digit()) && (1..=6).contains(&n.len()) => {
                n.parse().map_err(|_| err())?
            }
            _ => return Err(err()),
        };
        let unit = match unit {
            "hour" | "hours" => SpanUnit::Hours,
            "day" | "days" => SpanUnit::Days,
            "week" | "weeks" => SpanUnit::Weeks,
            _ => return Err(err()),
        };
        let span = Span { amount, unit };
        if amount == 0 || span.total_hours() > MAX_HOURS {
            return Err(err());
        }
        Ok(span)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            SpanUnit::Hours => "hour",
            SpanUnit::Days => "day",
            SpanUnit::Weeks => "week",
        };
        let plural = if self.amount == 1 { "" } else { "s" };
        write!(f, "{} {unit}{plural}", self.amount)
    }
}

impl Serialize for Span {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

// Written as words, such as "2 days".
impl schemars::JsonSchema for Span {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Span".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "pattern": "^[0-9]+ (hour|day|week)s?$" })
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_what_councils_write() {
        assert_eq!("4 hours".parse(), Ok(Span::hours(4)));
        assert_eq!("One Day".parse(), Ok(Span::days(1)));
        assert_eq!(
            "2 weeks".parse(),
            Ok(Span {
                amount: 2,
                unit: SpanUnit::Weeks
            })
        );
        for bad in [
            "",
            "0 hours",
            "4",
            "hours",
            "1.5 days",
            "-2 days",
            "3 months",
            "9999 days",
        ] {
            assert!(bad.parse::<Span>().is_err(), "{bad}");
        }
    }

    #[test]
    fn counts_from_a_moment() {
        let at = DateTime::parse_from_rfc3339("2027-03-27T22:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            Span::hours(4).after(at).to_rfc3339(),
            "2027-03-28T02:00:00+00:00"
        );
        assert_eq!(
            Span::days(2).after(at).to_rfc3339(),
            "2027-03-29T22:00:00+00:00"
        );
    }

    proptest! {
        #[test]
        fn display_reads_back(amount in 1u32..50, unit in 0u8..3) {
            let unit = [SpanUnit::Hours, SpanUnit::Days, SpanUnit::Weeks][usize::from(unit)];
            let span = Span { amount, unit };
            prop_assert_eq!(span.to_string().parse::<Span>(), Ok(span));
        }

        #[test]
        fn never_panics(text in "\\PC{0,20}") {
            let _ = text.parse::<Span>();
        }
    }
}
