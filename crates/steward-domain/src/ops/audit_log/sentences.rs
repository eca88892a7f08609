//! Every action the program records, in words: a short label ("Signed in") and the sentence a
//! record reads as ("The officer clerk lent LAP-0102 to Ada Quill (M003), due back 16 May
//! 2027."), built from the record's own data and the names of what it mentions.
//!
//! The table is the one place an action gets its words. A test reads the program's source for
//! the action strings it records and fails for any without an entry here.

use super::fields::value_words;
use super::names::Names;
use super::words::{actor_words, capitalised, code_words, day_words, money_words};
use crate::audit::AuditRecord;
use serde_json::Value;

/// A record's data, parsed once for its sentence and its table.
#[derive(Clone, Debug, Default)]
pub struct Data {
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Data {
    pub fn of(record: &AuditRecord) -> Data {
        let parse = |t: &Option<String>| t.as_deref().and_then(|t| serde_json::from_str(t).ok());
        Data {
            before: parse(&record.before),
            after: parse(&record.after),
        }
    }
}

/// What a sentence is built from.
pub struct Say<'a> {
    record: &'a AuditRecord,
    data: &'a Data,
    names: &'a Names,
}

impl Say<'_> {
    /// Who acted, for the middle of a sentence.
    fn who(&self) -> String {
        actor_words(&self.record.actor, self.names)
    }

    /// The record's own reference: a loan's number, an asset tag, a request's number.
    fn id(&self) -> &str {
        &self.record.entity_id
    }

    /// The person the record is filed under: "Dee Quarry (M001)".
    fn person(&self) -> String {
        self.names.person_ref(&self.record.entity_id)
    }

    fn after(&self, key: &str) -> Option<&Value> {
        self.data.after.as_ref()?.get(key).filter(|v| !v.is_null())
    }

    fn before(&self, key: &str) -> Option<&Value> {
        self.data.before.as_ref()?.get(key).filter(|v| !v.is_null())
    }

    /// The value after the change, else before it.
    fn get(&self, key: &str) -> Option<&Value> {
        self.after(key).or_else(|| self.before(key))
    }

    fn text(&self, key: &str) -> Option<String> {
        self.get(key).and_then(Value::as_str).map(str::to_string)
    }

    fn num(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(Value::as_i64)
    }

    /// A field as the table shows it (a date, money, a name).
    fn words(&self, key: &str) -> Option<String> {
        value_words(key, self.get(key)?, self.names)
    }

    fn day(&self, key: &str) -> Option<String> {
        self.text(key).as_deref().and_then(day_words)
    }

    fn money(&self, key: &str) -> Option<String> {
        self.num(key).map(money_words)
    }

    /// The person an id under `key` names, e.g. `person_id`.
    fn person_id(&self, key: &str) -> Option<String> {
        self.num(key).and_then(|id| self.names.person(id))
    }

    /// The asset tag of the item the data's `equipment_id` names.
    fn item(&self) -> Option<String> {
        self.num("equipment_id")
            .and_then(|id| self.names.asset_tag(id))
            .map(str::to_string)
    }

    /// " under clause 28.9" when the data names one.
    fn clause(&self) -> String {
        self.text("clause")
            .map(|c| format!(" under clause {c}"))
            .unwrap_or_default()
    }

    /// "version 2" of the policy the data's `pack_version_id` names.
    fn version(&self) -> Option<String> {
        self.num("pack_version_id")
            .and_then(|id| self.names.policy_version(id))
            .map(|v| format!("version {v}"))
    }

    /// The labels of the fields among `fields` (key, label) whose value the change altered,
    /// joined as "name and email address".
    fn changed(&self, fields: &[(&str, &str)]) -> Option<String> {
        let labels: Vec<&str> = fields
            .iter()
            .filter(|(key, _)| self.before(key) != self.after(key))
            .map(|(_, label)| *label)
            .collect();
        match labels.as_slice() {
            [] => None,
            [one] => Some((*one).to_string()),
            [rest @ .., last] => Some(format!("{} and {last}", rest.join(", "))),
        }
    }

    /// The state before and after, in words.
    fn states(&self, key: &str) -> (Option<String>, Option<String>) {
        let words = |v: Option<&Value>| v.and_then(Value::as_str).map(code_words);
        (words(self.before(key)), words(self.after(key)))
    }
}

/// `text` with `prefix` before it, or nothing when there is no text.
fn opt(prefix: &str, text: Option<String>) -> String {
    text.map(|t| format!("{prefix}{t}")).unwrap_or_default()
}

/// One action's words.
pub struct ActionWords {
    pub action: &'static str,
    /// What happened, in a few words: "Signed in".
    pub label: &'static str,
    say: fn(&Say<'_>) -> String,
}

/// The sentence a record reads as, ending in a full stop.
pub fn sentence(record: &AuditRecord, data: &Data, names: &Names) -> String {
    let say = Say {
        record,
        data,
        names,
    };
    let text = match ACTIONS.iter().find(|a| a.action == record.action) {
        Some(words) => (words.say)(&say),
        // A record written by another version of the program: say what we can.
        None => format!(
            "{} recorded: {} ({} {})",
            say.who(),
            code_words(&record.action),
            code_words(&record.entity),
            record.entity_id
        ),
    };
    format!("{}.", capitalised(&text))
}

/// The action's label, or the action written out in words if the table lacks it.
pub fn action_label(action: &str) -> String {
    ACTIONS
        .iter()
        .find(|a| a.action == action)
        .map_or_else(|| capitalised(&code_words(action)), |a| a.label.to_string())
}

/// Every action with its label, sorted by the label, for a filter's list.
pub fn actions_by_label() -> Vec<(&'static str, &'static str)> {
    let mut all: Vec<(&str, &str)> = ACTIONS.iter().map(|a| (a.action, a.label)).collect();
    all.sort_by_key(|(_, label)| *label);
    all
}

mod table;
pub use table::ACTIONS;
