//! Telephone numbers in one form, so the same line written `07700 900123` on a bill and
//! `+44 7700 900123` on the command line is recognised as one line.

use crate::ids::InvalidValue;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A full telephone number in E.164 form: `+` and up to 15 digits, such as `+447700900123`.
///
/// Parsed from the ways people write UK numbers: `07700 900123`, `+44 (0)7700 900123`,
/// `0044 7700 900123`, `447700900123`, with spaces, hyphens, dots or brackets anywhere.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

const WHAT: &str = "phone number";
const FULL: &str = "write the whole number with its area or mobile code, like 07700 900123 or \
                    +44 7700 900123";
const UK_LENGTH: &str = "a UK number has 10 or 11 digits counting the leading 0, like 07700 900123";
const LENGTH: &str = "an international number has 8 to 15 digits after the +";
const CHARACTERS: &str = "use digits, with spaces, hyphens or brackets if you like, and + only at \
                          the start";

fn refuse(found: &str, rule: &'static str) -> InvalidValue {
    InvalidValue {
        what: WHAT,
        found: found.chars().take(40).collect(),
        rule,
    }
}

impl PhoneNumber {
    /// The E.164 text, `+447700900123`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as people in the UK write it: `07700 900123` for mobiles, `020 7946 0123` for
    /// London, the national form for other UK numbers, and E.164 for the rest of the world.
    pub fn readable(&self) -> String {
        let Some(national) = self.0.strip_prefix("+44") else {
            return self.0.clone();
        };
        let (Some(head), Some(tail)) = (national.get(..4), national.get(4..)) else {
            return format!("0{national}");
        };
        if national.len() == 10 && national.starts_with('7') {
            format!("0{head} {tail}")
        } else if national.len() == 10 && national.starts_with("20") {
            let (area, rest) = national.split_at(2);
            let (a, b) = rest.split_at(4);
            format!("0{area} {a} {b}")
        } else {
            format!("0{national}")
        }
    }
}

impl FromStr for PhoneNumber {
    type Err = InvalidValue;

    fn from_str(text: &str) -> Result<Self, InvalidValue> {
        let t = text.trim();
        if t.is_empty() {
            return Err(refuse(t, FULL));
        }
        let plus = t.starts_with('+');
        // "+44 (0)20 ..." repeats the trunk 0 that the country code replaces.
        let without_trunk = t.replacen("(0)", "", 1);
        let body = if plus {
            &without_trunk[1..]
        } else {
            &without_trunk[..]
        };
        if !body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')'))
        {
            return Err(refuse(t, CHARACTERS));
        }
        let digits: String = body.chars().filter(char::is_ascii_digit).collect();
        let international = if plus {
            digits
        } else if let Some(rest) = digits.strip_prefix("00") {
            rest.to_string()
        } else if let Some(rest) = digits.strip_prefix('0') {
            format!("44{rest}")
        } else if digits.starts_with("44") && (11..=12).contains(&digits.len()) {
            digits
        } else {
            return Err(refuse(t, FULL));
        };
        if international.starts_with('0') || !(8..=15).contains(&international.len()) {
            return Err(refuse(t, LENGTH));
        }
        if let Some(national) = international.strip_prefix("44")
            && (!(9..=10).contains(&national.len()) || national.starts_with('0'))
        {
            return Err(refuse(t, UK_LENGTH));
        }
        Ok(PhoneNumber(format!("+{international}")))
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for PhoneNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

// Written in international form.
impl schemars::JsonSchema for PhoneNumber {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PhoneNumber".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "pattern": "^\\+[0-9]+$", "description": "International form, such as +447700900123" })
    }
}

impl<'de> Deserialize<'de> for PhoneNumber {
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

    fn e164(text: &str) -> String {
        text.parse::<PhoneNumber>()
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .to_string()
    }

    #[test]
    fn uk_forms_become_one_number() {
        for form in [
            "07700 900123",
            "07700900123",
            "+44 7700 900123",
            "+44 (0)7700 900123",
            "0044 7700 900123",
            "447700900123",
            " 07700-900-123 ",
            "(07700) 900.123",
        ] {
            assert_eq!(e164(form), "+447700900123", "{form}");
        }
        assert_eq!(e164("020 7946 0123"), "+442079460123");
        assert_eq!(e164("016977 3456"), "+44169773456");
        assert_eq!(e164("+1 202 555 0143"), "+12025550143");
    }

    #[test]
    fn short_odd_and_foreign_looking_text_is_refused_with_a_reason() {
        for (bad, why) in [
            ("", "whole number"),
            ("999", "whole number"),
            ("900123", "whole number"),
            ("0770 090", "UK number"),
            ("077009001234", "UK number"),
            ("+44 07700 900123", "UK number"),
            ("07700 9OO123", "digits"),
            ("0770+0900123", "digits"),
            ("+1234567", "international"),
            ("+1234567890123456", "international"),
        ] {
            let e = bad.parse::<PhoneNumber>().unwrap_err();
            assert!(e.to_string().contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        let n = |t: &str| t.parse::<PhoneNumber>().unwrap().readable();
        assert_eq!(n("+447700900123"), "07700 900123");
        assert_eq!(n("+442079460123"), "020 7946 0123");
        assert_eq!(n("01632 960001"), "01632960001");
        assert_eq!(n("+12025550143"), "+12025550143");
    }

    proptest! {
        #[test]
        fn uk_mobiles_round_trip(rest in 100_000_000u64..1_000_000_000) {
            let written = format!("07{rest:09}");
            let number: PhoneNumber = written.parse().unwrap();
            prop_assert_eq!(number.as_str(), format!("+447{rest:09}"));
            prop_assert_eq!(number.readable().replace(' ', ""), written.clone());
            let again: PhoneNumber = number.to_string().parse().unwrap();
            prop_assert_eq!(again, number);
        }

        #[test]
        fn parsing_never_panics_and_always_gives_e164(s in "\\PC{0,24}") {
            if let Ok(n) = s.parse::<PhoneNumber>() {
                let digits = &n.as_str()[1..];
                prop_assert!(n.as_str().starts_with('+'));
                prop_assert!((8..=15).contains(&digits.len()));
                prop_assert!(digits.bytes().all(|b| b.is_ascii_digit()));
            }
        }
    }
}
