//! Identifiers and values parsed once at the edge, so the rest of the code can trust them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} '{found}' is not valid: {rule}")]
pub struct InvalidValue {
    pub what: &'static str,
    pub found: String,
    pub rule: &'static str,
}

macro_rules! code_newtype {
    ($(#[$meta:meta])* $name:ident, $what:literal, $max:expr, $rule:literal, $ok:expr, $pattern:literal) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = InvalidValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let s = s.trim();
                let ok: fn(char) -> bool = $ok;
                if s.is_empty() || s.chars().count() > $max || !s.chars().all(ok) {
                    return Err(InvalidValue { what: $what, found: s.to_string(), rule: $rule });
                }
                Ok($name(s.to_string()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        // The same rule as `from_str`, as the API's document states it.
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "pattern": $pattern, "description": $rule })
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

code_newtype!(
    /// A council's short name in URLs and on the command line ("ashbury-city").
    CouncilSlug, "council short name", 40,
    "use 1 to 40 lower-case letters, digits and hyphens",
    |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
    "^[a-z0-9-]{1,40}$"
);

code_newtype!(
    /// A person's reference in the council's own records ("M0042").
    PersonRef, "person reference", 32,
    "use 1 to 32 letters, digits, '-', '_' or '.'",
    |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'),
    "^[A-Za-z0-9._-]{1,32}$"
);

code_newtype!(
    /// The label stuck on a piece of equipment ("LAP-0117").
    AssetTag, "asset tag", 32,
    "use 1 to 32 letters, digits, '-', '_', '/' or '.'",
    |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'),
    "^[A-Za-z0-9._/-]{1,32}$"
);

/// Money in whole pence, never a float.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    Default,
    schemars::JsonSchema,
)]
#[serde(transparent)]
pub struct Pence(pub i64);

impl Pence {
    /// Parses "799", "799.00", "£1,299.50" as pounds; refuses fractions of a penny and negatives.
    pub fn parse_pounds(text: &str) -> Result<Pence, InvalidValue> {
        let bad = || InvalidValue {
            what: "amount",
            found: text.to_string(),
            rule: "write pounds and pence like 799.00",
        };
        let cleaned: String = text
            .trim()
            .trim_start_matches('£')
            .chars()
            .filter(|c| *c != ',')
            .collect();
        let (pounds, pence) = match cleaned.split_once('.') {
            Some((p, f)) if f.len() == 2 => (p, f),
            Some((p, f)) if f.len() == 1 => (p, f),
            Some(_) => return Err(bad()),
            None => (cleaned.as_str(), ""),
        };
        if pounds.is_empty() || !pounds.bytes().all(|b| b.is_ascii_digit()) || pounds.len() > 12 {
            return Err(bad());
        }
        if !pence.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let whole: i64 = pounds.parse().map_err(|_| bad())?;
        let frac: i64 = match pence.len() {
            0 => 0,
            1 => pence.parse::<i64>().map_err(|_| bad())? * 10,
            _ => pence.parse().map_err(|_| bad())?,
        };
        Ok(Pence(whole * 100 + frac))
    }
}

impl fmt::Display for Pence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let pounds = abs / 100;
        let mut grouped = String::new();
        let digits = pounds.to_string();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        write!(f, "{sign}£{grouped}.{:02}", abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_are_checked() {
        assert!("ashbury-city".parse::<CouncilSlug>().is_ok());
        assert!("Ashbury City".parse::<CouncilSlug>().is_err());
        assert!("".parse::<PersonRef>().is_err());
        assert!("LAP-0117".parse::<AssetTag>().is_ok());
        assert!("LAP 0117".parse::<AssetTag>().is_err());
    }

    #[test]
    fn pounds_parse_to_pence() {
        assert_eq!(Pence::parse_pounds("799"), Ok(Pence(79_900)));
        assert_eq!(Pence::parse_pounds("£1,299.50"), Ok(Pence(129_950)));
        assert_eq!(Pence::parse_pounds("0.5"), Ok(Pence(50)));
        for bad in ["", "-5", "1.234", "abc", "1.x", "£"] {
            assert!(Pence::parse_pounds(bad).is_err(), "{bad}");
        }
        assert_eq!(Pence(129_950).to_string(), "£1,299.50");
        assert_eq!(Pence(5).to_string(), "£0.05");
    }

    proptest! {
        #[test]
        fn display_parses_back(p in 0i64..10_000_000_000) {
            prop_assert_eq!(Pence::parse_pounds(&Pence(p).to_string()), Ok(Pence(p)));
        }

        #[test]
        fn parser_never_panics(s in "\\PC{0,20}") {
            let _ = Pence::parse_pounds(&s);
            let _ = s.parse::<AssetTag>();
        }
    }
}
