//! Provisioning by SCIM 2.0: the council's directory (Entra ID's provisioning service) pushes
//! its users and groups to Steward instead of Steward reading them.
//!
//! What the directory pushes is kept as it was sent ([`ScimUser`], [`ScimGroup`]), apart
//! from the register. After each change the users it touches are read through the council's
//! directory settings, exactly as a sync reads an entry, planned against their people and
//! applied through the same commands ([`provision`]): SCIM and a sync mean the same thing.

pub mod provision;
mod repo;

pub use repo::{GroupFilter, ScimTx, UserFilter};

use super::entry::{ExternalId, RawEntry};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Longest user name or group display name kept.
pub const NAME_MAX: usize = 256;
/// Longest value of any one attribute kept.
pub const VALUE_MAX: usize = 1024;
/// Most members one group may have.
pub const MEMBERS_MAX: usize = 50_000;
/// Most resources one page of a list answers.
pub const PAGE_MAX: usize = 200;

/// A user as the directory pushed it: the attributes Steward reads, one value each, under
/// their lower-cased SCIM names (`displayname`, `emails`, `name.givenname`, `employeenumber`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScimUser {
    /// The directory's lasting id (Entra's object id): also the user's SCIM `id`.
    pub id: ExternalId,
    pub user_name: String,
    pub active: bool,
    pub attributes: BTreeMap<String, String>,
}

impl ScimUser {
    /// The user as a directory entry, with the groups (ids and display names) they are in.
    pub fn raw(&self, groups: BTreeSet<String>) -> RawEntry {
        let mut attributes: BTreeMap<String, Vec<String>> = self
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), vec![v.clone()]))
            .collect();
        attributes.insert("username".into(), vec![self.user_name.clone()]);
        RawEntry {
            locator: self.user_name.clone(),
            attributes,
            groups,
        }
    }

    /// The key user names are unique by: SCIM compares them regardless of case.
    pub fn name_key(user_name: &str) -> String {
        user_name.to_lowercase()
    }
}

/// A group as the directory pushed it. Its id is the directory's (Entra's object id, sent as
/// `externalId`), which is what a group mapping names, or else its display name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScimGroup {
    pub id: ExternalId,
    pub display_name: String,
    pub members: BTreeSet<ExternalId>,
}

/// One membership, as read for a set of users.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    pub user: ExternalId,
    pub group: ExternalId,
    pub display_name: String,
}

/// Checks a user name or display name: one line, 1 to [`NAME_MAX`] characters.
pub fn check_name(field: &str, value: &str) -> crate::DomainResult<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > NAME_MAX {
        return Err(crate::DomainError::invalid(
            field,
            format!("give 1 to {NAME_MAX} characters"),
        ));
    }
    crate::text::check_one_line(field, value)?;
    Ok(value.to_string())
}
