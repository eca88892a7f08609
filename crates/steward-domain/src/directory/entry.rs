//! A directory's entries, as a source reads them and as the register sees them.

use super::settings::DirectorySettings;
use crate::ids::PersonRef;
use crate::import;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use steward_policy::{OfficeId, PersonKind};

/// Longest external id kept (a GUID is 36 characters; DNs are not used as ids).
pub const EXTERNAL_ID_MAX: usize = 256;

/// The directory's lasting id for a person: it survives renames and moves between units.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(transparent)]
pub struct ExternalId(String);

impl ExternalId {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.is_empty() || s.len() > EXTERNAL_ID_MAX {
            return Err(format!("give an id of 1 to {EXTERNAL_ID_MAX} characters"));
        }
        if s.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err("an id has no spaces or control characters".into());
        }
        Ok(ExternalId(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ExternalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One entry as a source read it: its attributes (names lower-cased) and the mapped groups
/// it is a member of.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawEntry {
    /// Where the entry is, for messages: a DN or a Graph id.
    pub locator: String,
    pub attributes: BTreeMap<String, Vec<String>>,
    pub groups: BTreeSet<String>,
}

impl RawEntry {
    pub fn first(&self, attribute: &str) -> Option<&str> {
        self.attributes
            .get(&attribute.to_ascii_lowercase())
            .and_then(|values| values.iter().map(|v| v.trim()).find(|v| !v.is_empty()))
    }
}

/// A person as the directory describes them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DirectoryEntry {
    pub external_id: ExternalId,
    pub reference: PersonRef,
    pub name: String,
    pub email: Option<String>,
    pub kind: PersonKind,
    pub offices: BTreeSet<OfficeId>,
}

/// Why an entry could not be read; the person it describes is left as they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EntryProblem {
    /// Where the entry is: its DN or id.
    pub entry: String,
    /// The directory's id for it, when that much could be read.
    pub external_id: Option<ExternalId>,
    pub message: String,
}

/// What came of reading an entry through the settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mapped {
    Entry(DirectoryEntry),
    /// Not a member of any mapped group: outside the register's scope.
    OutOfScope,
    Problem(EntryProblem),
}

impl DirectorySettings {
    /// Reads one entry: its reference, name, email and kind from the attributes named, its
    /// kind (failing the attribute) and offices from its mapped groups.
    pub fn map(&self, raw: &RawEntry) -> Mapped {
        let a = &self.attributes;
        let mapped: Vec<_> = self
            .groups
            .iter()
            .filter(|g| raw.groups.iter().any(|m| m.eq_ignore_ascii_case(&g.group)))
            .collect();
        if !self.groups.is_empty() && mapped.is_empty() {
            return Mapped::OutOfScope;
        }
        let external_id = raw.first(&a.external_id).map(ExternalId::parse).transpose();
        let problem = |external_id: Option<ExternalId>, message: String| {
            Mapped::Problem(EntryProblem {
                entry: raw.locator.clone(),
                external_id,
                message,
            })
        };
        let external_id = match external_id {
            Ok(Some(id)) => id,
            Ok(None) => return problem(None, format!("it has no {}", a.external_id)),
            Err(why) => return problem(None, format!("its {}: {why}", a.external_id)),
        };
        let reference = match raw.first(&a.reference).map(str::parse::<PersonRef>) {
            Some(Ok(r)) => r,
            Some(Err(e)) => {
                return problem(Some(external_id), format!("its {}: {e}", a.reference));
            }
            None => return problem(Some(external_id), format!("it has no {}", a.reference)),
        };
        let name = match raw.first(&a.name) {
            Some(n) => match import::plain_text(n, import::NAME_MAX) {
                Ok(n) => n,
                Err(why) => {
                    return problem(Some(external_id), format!("its {} {why}", a.name));
                }
            },
            None => return problem(Some(external_id), format!("it has no {}", a.name)),
        };
        let email = match raw.first(&a.email).map(import::check_email).transpose() {
            Ok(e) => e,
            Err(why) => return problem(Some(external_id), format!("its {}: {why}", a.email)),
        };
        let from_attribute = match a.kind.as_deref().and_then(|k| raw.first(k)) {
            Some(word) => match word.parse::<PersonKind>() {
                Ok(kind) => Some(kind),
                Err(e) => return problem(Some(external_id), e.to_string()),
            },
            None => None,
        };
        let from_groups: BTreeSet<PersonKind> = mapped.iter().filter_map(|g| g.kind).collect();
        let kind = match from_attribute {
            Some(kind) => kind,
            None if from_groups.len() > 1 => {
                let words: Vec<&str> = from_groups.iter().map(|k| k.as_str()).collect();
                return problem(
                    Some(external_id),
                    format!(
                        "its groups give more than one kind of person ({})",
                        words.join(", ")
                    ),
                );
            }
            None => match from_groups.first().copied().or(self.default_kind) {
                Some(kind) => kind,
                None => {
                    return problem(
                        Some(external_id),
                        "neither its attributes nor its groups say what kind of person it is"
                            .into(),
                    );
                }
            },
        };
        Mapped::Entry(DirectoryEntry {
            external_id,
            reference,
            name,
            email,
            kind,
            offices: mapped.iter().filter_map(|g| g.office.clone()).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::settings::{Attributes, GroupMapping, SourceSettings};

    fn settings() -> DirectorySettings {
        DirectorySettings {
            source: SourceSettings::Ldap {
                url: "ldap://127.0.0.1".into(),
                base_dn: "dc=x".into(),
                bind_dn: None,
                password: None,
                filter: "(objectClass=person)".into(),
            },
            attributes: Attributes::ldap_defaults(),
            default_kind: None,
            groups: vec![
                "cn=members=councillor".parse().unwrap(),
                "cn=cabinet=office:cabinet_member"
                    .parse::<GroupMapping>()
                    .unwrap(),
                "cn=staff=employee".parse().unwrap(),
            ],
            scheduled: false,
        }
    }

    fn raw(groups: &[&str]) -> RawEntry {
        let mut attributes = BTreeMap::new();
        for (k, v) in [
            ("entryuuid", "1f0c"),
            ("employeenumber", "M0001"),
            ("displayname", "Ada Pryce"),
            ("mail", "ada@example.org"),
        ] {
            attributes.insert(k.to_string(), vec![v.to_string()]);
        }
        RawEntry {
            locator: "uid=ada".into(),
            attributes,
            groups: groups.iter().map(|g| g.to_string()).collect(),
        }
    }

    #[test]
    fn groups_give_kind_and_offices() {
        let Mapped::Entry(e) = settings().map(&raw(&["CN=Members", "cn=cabinet"])) else {
            panic!("not mapped")
        };
        assert_eq!(e.kind, PersonKind::Councillor);
        assert_eq!(e.offices.len(), 1);
        assert_eq!(e.reference.as_str(), "M0001");
    }

    #[test]
    fn outside_the_groups_is_out_of_scope_and_clashes_are_problems() {
        assert_eq!(settings().map(&raw(&["cn=other"])), Mapped::OutOfScope);
        assert!(matches!(
            settings().map(&raw(&["cn=members", "cn=staff"])),
            Mapped::Problem(p) if p.message.contains("more than one kind")
        ));
        let mut no_ref = raw(&["cn=staff"]);
        no_ref.attributes.remove("employeenumber");
        assert!(
            matches!(settings().map(&no_ref), Mapped::Problem(p) if p.message.contains("employeeNumber"))
        );
    }
}
