//! The names behind the ids a record's data holds (`person_id: 19` is "Dee Quarry (M001)"), read
//! for a whole page at once: [`NameKeys::of`] gathers every id the page's records mention, the
//! store answers them in one query per kind, and the sentences read [`Names`].

use super::sentences::Data;
use crate::audit::AuditRecord;
use crate::records::Id;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// Keys of the data whose value is a person's id.
pub(super) const PERSON_ID_KEYS: &[&str] = &["person_id", "subject_id", "requester_id"];
/// Keys whose value is a person's reference.
pub(super) const PERSON_REF_KEYS: &[&str] = &["person", "recipient"];
/// Keys whose value is an account's id.
pub(super) const USER_ID_KEYS: &[&str] = &["user_id", "assignee_id", "created_by"];

/// Every id a page of records mentions, by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameKeys {
    pub person_ids: BTreeSet<Id>,
    pub person_refs: BTreeSet<String>,
    pub equipment_ids: BTreeSet<Id>,
    pub user_ids: BTreeSet<Id>,
    /// Account names as records name who acted (without " (API)").
    pub usernames: BTreeSet<String>,
    pub pack_version_ids: BTreeSet<Id>,
}

impl NameKeys {
    pub fn of(records: &[AuditRecord]) -> NameKeys {
        let data: Vec<Data> = records.iter().map(Data::of).collect();
        NameKeys::of_parsed(records.iter().zip(&data))
    }

    /// As [`NameKeys::of`], from records whose data is already parsed.
    pub(crate) fn of_parsed<'a>(
        records: impl Iterator<Item = (&'a AuditRecord, &'a Data)>,
    ) -> NameKeys {
        let mut keys = NameKeys::default();
        for (record, data) in records {
            let actor = record.actor.strip_suffix(" (API)").unwrap_or(&record.actor);
            keys.usernames.insert(actor.to_string());
            match record.entity.as_str() {
                "person" => {
                    keys.person_refs.insert(record.entity_id.clone());
                }
                "user" => {
                    keys.usernames.insert(record.entity_id.clone());
                }
                _ => {}
            }
            for value in [&data.before, &data.after].into_iter().flatten() {
                keys.gather(value);
            }
        }
        keys
    }

    /// Walks the data (objects within objects and lists too) for keys that name something.
    fn gather(&mut self, value: &Value) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    let key = key.as_str();
                    match v {
                        Value::Number(n) => {
                            let Some(id) = n.as_i64() else { continue };
                            if PERSON_ID_KEYS.contains(&key) {
                                self.person_ids.insert(id);
                            } else if USER_ID_KEYS.contains(&key) {
                                self.user_ids.insert(id);
                            } else if key == "equipment_id" {
                                self.equipment_ids.insert(id);
                            } else if key == "pack_version_id" {
                                self.pack_version_ids.insert(id);
                            }
                        }
                        Value::String(s) => self.text(key, s),
                        other => self.gather(other),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| match v {
                Value::String(s) => self.text("", s),
                other => self.gather(other),
            }),
            _ => {}
        }
    }

    /// A person's reference under a key that holds one, or tagged `person:M001` anywhere.
    fn text(&mut self, key: &str, text: &str) {
        if let Some(reference) = text.strip_prefix("person:") {
            self.person_refs.insert(reference.to_string());
        } else if PERSON_REF_KEYS.contains(&key) && !text.starts_with("office:") {
            self.person_refs.insert(text.to_string());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.person_ids.is_empty()
            && self.person_refs.is_empty()
            && self.equipment_ids.is_empty()
            && self.user_ids.is_empty()
            && self.usernames.is_empty()
            && self.pack_version_ids.is_empty()
    }
}

/// An account as the log names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserName {
    pub role: String,
    /// The name of the person the account belongs to, if it is linked to one.
    pub person_name: Option<String>,
}

/// What the store found for a [`NameKeys`]. Anything not found (since erased, or never there)
/// is simply absent, and the sentence says what the record itself holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    /// A person's id: their name and reference.
    pub people: HashMap<Id, (String, String)>,
    /// A person's reference: their name.
    pub people_by_ref: HashMap<String, String>,
    /// An item's id: its asset tag.
    pub equipment: HashMap<Id, String>,
    /// An account's id: its username.
    pub users: HashMap<Id, String>,
    pub accounts: HashMap<String, UserName>,
    /// A policy version's id: its number.
    pub pack_versions: HashMap<Id, i64>,
}

impl Names {
    /// "Dee Quarry (M001)" for a person's id.
    pub fn person(&self, id: Id) -> Option<String> {
        self.people
            .get(&id)
            .map(|(name, reference)| format!("{name} ({reference})"))
    }

    /// "Dee Quarry (M001)" for a person's reference, or the reference alone.
    pub fn person_ref(&self, reference: &str) -> String {
        match self.people_by_ref.get(reference) {
            Some(name) => format!("{name} ({reference})"),
            None => reference.to_string(),
        }
    }

    pub fn asset_tag(&self, id: Id) -> Option<&str> {
        self.equipment.get(&id).map(String::as_str)
    }

    pub fn username(&self, id: Id) -> Option<&str> {
        self.users.get(&id).map(String::as_str)
    }

    pub fn user(&self, username: &str) -> Option<&UserName> {
        self.accounts.get(username)
    }

    pub fn policy_version(&self, id: Id) -> Option<i64> {
        self.pack_versions.get(&id).copied()
    }
}
