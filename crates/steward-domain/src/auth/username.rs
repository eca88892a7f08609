use crate::ids::InvalidValue;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// The name an account signs in with: 3 to 64 lower-case letters, digits, `.`, `_`, `-` or
/// `@` (so an email address works).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Username(String);

pub(crate) const MAX_USERNAME_CHARS: usize = 64;
const MIN_USERNAME_CHARS: usize = 3;

impl Username {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn allowed(c: char) -> bool {
        c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | '@')
    }
}

impl FromStr for Username {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let bad = |rule| InvalidValue {
            what: "username",
            found: s.to_string(),
            rule,
        };
        let count = s.chars().count();
        if !(MIN_USERNAME_CHARS..=MAX_USERNAME_CHARS).contains(&count) {
            return Err(bad("use 3 to 64 characters"));
        }
        if s.chars().any(|c| c.is_ascii_uppercase()) {
            return Err(bad("use lower-case letters only"));
        }
        if !s.chars().all(Username::allowed) {
            return Err(bad(
                "use only lower-case letters a-z, digits, '.', '_', '-' and '@'",
            ));
        }
        Ok(Username(s.to_string()))
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Username {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

// Written as text, by the rule `from_str` checks.
impl schemars::JsonSchema for Username {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Username".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "pattern": "^[a-z0-9._@-]{3,64}$" })
    }
}

impl<'de> Deserialize<'de> for Username {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_follow_the_rules() {
        for ok in [
            "ada",
            "ada.quill",
            "a_q-1",
            "clerk@dunmere.gov.uk",
            &"x".repeat(64),
        ] {
            assert_eq!(
                ok.parse::<Username>().map(|u| u.to_string()).ok(),
                Some(ok.to_string())
            );
        }
        assert_eq!(
            " ada ".parse::<Username>().map(|u| u.to_string()).ok(),
            Some("ada".into())
        );
        let rule = |s: &str| s.parse::<Username>().err().map(|e| e.rule);
        assert_eq!(rule("ab"), Some("use 3 to 64 characters"));
        assert_eq!(rule(&"x".repeat(65)), Some("use 3 to 64 characters"));
        assert_eq!(rule("Ada"), Some("use lower-case letters only"));
        for bad in ["ada quill", "ada/quill", "adé", "ada+1", "ada!"] {
            assert!(rule(bad).is_some_and(|r| r.contains("only")), "{bad}");
        }
        let shown = "Ada".parse::<Username>().err().map(|e| e.to_string());
        assert_eq!(
            shown.as_deref(),
            Some("username 'Ada' is not valid: use lower-case letters only")
        );
    }

    #[test]
    fn usernames_round_trip_through_json() {
        let json = serde_json::to_string(&"ada".parse::<Username>().ok()).ok();
        assert_eq!(json.as_deref(), Some("\"ada\""));
        assert!(serde_json::from_str::<Username>("\"A B\"").is_err());
    }
}
