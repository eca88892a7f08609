use super::role::Role;
use crate::records::Id;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// An API token. The token itself is shown once when it is made; the store keeps only its
/// SHA-256, which is not part of this record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApiToken {
    pub id: Id,
    pub council_id: Id,
    /// What the token is for, e.g. "nightly export".
    pub name: String,
    /// What the token may do; never more than its creator.
    pub role: Role,
    /// The account the token acts for.
    pub created_by: Id,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The token stops working at the start of this day (UTC).
    pub expires_on: Option<NaiveDate>,
    /// Where the token works: the JSON API, or only the SCIM provisioning endpoint.
    #[serde(default)]
    pub scope: TokenScope,
}

/// Where a token works. Each kind opens one door only: a token the directory's provisioning
/// service holds cannot read the register through the API, and an API token cannot provision.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// The JSON API, with the token's role.
    #[default]
    Api,
    /// The SCIM provisioning endpoint (`/scim/v2`), and nothing else.
    Scim,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Api => "api",
            TokenScope::Scim => "scim",
        }
    }

    /// In words, for pages and the command line.
    pub fn words(self) -> &'static str {
        match self {
            TokenScope::Api => "API",
            TokenScope::Scim => "SCIM provisioning",
        }
    }
}

impl std::str::FromStr for TokenScope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "api" => Ok(TokenScope::Api),
            "scim" => Ok(TokenScope::Scim),
            other => Err(format!("'{other}' is not a token scope: api or scim")),
        }
    }
}

impl ApiToken {
    /// Not revoked and not expired at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_on.is_none_or(|day| now.date_naive() < day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_token_stops_working_when_revoked_or_on_its_expiry_day() {
        let at = |d: u32, h: u32| {
            Utc.with_ymd_and_hms(2027, 6, d, h, 0, 0)
                .single()
                .unwrap_or_else(|| panic!("bad time"))
        };
        let mut token = ApiToken {
            id: 1,
            council_id: 1,
            name: "export".into(),
            role: Role::Auditor,
            created_by: 1,
            created_at: at(1, 9),
            last_used_at: None,
            revoked_at: None,
            expires_on: NaiveDate::from_ymd_opt(2027, 6, 3),
            scope: TokenScope::Api,
        };
        assert!(token.is_live(at(2, 23)));
        assert!(!token.is_live(at(3, 0)));
        token.expires_on = None;
        assert!(token.is_live(at(30, 0)));
        token.revoked_at = Some(at(2, 9));
        assert!(!token.is_live(at(2, 10)));
    }
}
