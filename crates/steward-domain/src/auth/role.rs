use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use steward_policy::vocab::UnknownWord;

/// What an account may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A person's own self-service: their loans, their signatures.
    Member,
    /// Acts through the offices the linked person holds under the policy in force.
    Officer,
    /// Reads everything, changes nothing.
    Auditor,
    /// Manages the council: accounts, policy, the register.
    Admin,
}

impl Role {
    pub const ALL: &'static [Role] = &[Role::Member, Role::Officer, Role::Auditor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Officer => "officer",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    /// The role as people read it on a page.
    pub fn label(self) -> &'static str {
        match self {
            Role::Member => "Member",
            Role::Officer => "Officer",
            Role::Auditor => "Auditor",
            Role::Admin => "Administrator",
        }
    }

    /// Members and officers act as a person in the register, so their accounts must be
    /// linked to one.
    pub fn needs_person(self) -> bool {
        matches!(self, Role::Member | Role::Officer)
    }

    /// Whether an account with this role may hand `other` to a token it creates. A token never
    /// does more than its creator: an admin may give any role, an officer may act as an
    /// officer or as the member they are, and the others only their own role.
    pub fn may_grant(self, other: Role) -> bool {
        match self {
            Role::Admin => true,
            Role::Officer => matches!(other, Role::Officer | Role::Member),
            Role::Auditor => other == Role::Auditor,
            Role::Member => other == Role::Member,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = UnknownWord;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Role::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == wanted)
            .ok_or_else(|| UnknownWord {
                what: "a role",
                found: s.to_string(),
                expected: Role::ALL.iter().map(|r| r.as_str()).collect(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_and_print_as_their_words() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(*role));
            assert_eq!(
                serde_json::to_value(role).ok(),
                Some(serde_json::Value::String(role.to_string()))
            );
        }
        assert_eq!(" Admin ".parse::<Role>(), Ok(Role::Admin));
        let err = "root".parse::<Role>().err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("'root' is not a role; expected one of: member, officer, auditor, admin")
        );
    }

    #[test]
    fn tokens_never_exceed_their_creator() {
        for role in Role::ALL {
            assert!(Role::Admin.may_grant(*role));
            assert!(role.may_grant(*role));
        }
        assert!(!Role::Auditor.may_grant(Role::Officer));
        assert!(!Role::Officer.may_grant(Role::Auditor));
        assert!(!Role::Officer.may_grant(Role::Admin));
        assert!(Role::Officer.may_grant(Role::Member));
        assert!(!Role::Member.may_grant(Role::Officer));
        assert!(Role::Member.needs_person() && Role::Officer.needs_person());
        assert!(!Role::Admin.needs_person() && !Role::Auditor.needs_person());
    }
}
