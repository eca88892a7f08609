//! A record's before/after data as a table people read: each field with a label in words and
//! its value as a date, a time in London, money, a name or plain words, never a key, an id or
//! a hash. An update shows only the fields it changed.

use super::names::{Names, PERSON_ID_KEYS, PERSON_REF_KEYS, USER_ID_KEYS};
use super::sentences::Data;
use super::words::{capitalised, code_words, day_words, moment_words, money_words};
use serde::Serialize;
use serde_json::{Map, Value};

/// One row of the table: the field's label and its value before and after (None where that
/// side has no such field, or no data at all).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FieldChange {
    pub label: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Labels for the keys records use; any other key is written out in words.
const LABELS: &[(&str, &str)] = &[
    ("asset_tag", "Asset tag"),
    ("assignee_id", "Assigned to"),
    ("answered_on", "Answered on"),
    ("asked_on", "Asked on"),
    ("attempts", "Attempts to send"),
    ("authorised_on", "Authorised on"),
    ("cells", "Findings recorded"),
    ("clause", "Clause"),
    ("closed_at", "Closed at"),
    ("closed_on", "Closed on"),
    ("created_at", "Created at"),
    ("created_by", "Created by"),
    ("done_at", "Done at"),
    ("done_by", "Done by"),
    ("due_at", "Due at"),
    ("due_clause", "Clause setting the due date"),
    ("due_on", "Due back"),
    ("effective_from", "In force from"),
    ("email", "Email address"),
    ("encrypted", "Encrypted"),
    ("end_reason", "Reason it ended"),
    ("ended_as", "Ended as"),
    ("ended_at", "Ended at"),
    ("ends", "Ends"),
    ("ends_at", "Ends at"),
    ("equipment_id", "Equipment"),
    ("error", "Last error"),
    ("expires_on", "Expires on"),
    ("extended_to", "Extended to"),
    ("granted_on", "Granted on"),
    ("handler", "Handling office"),
    ("handler_name", "Handled by"),
    ("handlers", "Handling offices"),
    ("household", "Household"),
    ("identity_checked_on", "Identity checked on"),
    ("issued_on", "Issued on"),
    ("kind", "Kind"),
    ("label", "Label"),
    ("last_seen_at", "Last seen at"),
    ("last_sign_in_at", "Last signed in at"),
    ("last_used_at", "Last used at"),
    ("leaving_by", "Back by, on leaving"),
    ("leaving_clause", "Clause for leaving"),
    ("lifted_on", "Lifted on"),
    ("loan_id", "Loan"),
    ("method", "How it was signed"),
    ("model", "Make and model"),
    ("must_change_password", "Must choose a new password"),
    ("name", "Name"),
    ("new_due", "New due date"),
    ("number", "Number"),
    ("pack_id", "Policy pack"),
    ("pack_version_id", "Policy version"),
    ("password_changed_at", "Password last changed at"),
    ("pat_tested_on", "Last electrical safety test"),
    ("person", "Person"),
    ("person_id", "Person"),
    ("previous_due", "Previous due date"),
    ("purchased_on", "Bought on"),
    ("raised_by", "Raised by"),
    ("raised_on", "Raised on"),
    ("recall_by", "Recalled, back by"),
    ("recall_clause", "Clause for the recall"),
    ("received_on", "Received on"),
    ("recorded_at", "Recorded at"),
    ("recorded_by", "Recorded by"),
    ("replacement_cost", "Replacement cost"),
    ("request_id", "Request"),
    ("requester_id", "Requester"),
    ("returned_on", "Returned on"),
    ("revoked_at", "Revoked at"),
    ("role", "Role"),
    ("routing", "How its receiver was found"),
    ("serial", "Serial number"),
    ("signed_on", "Signed on"),
    ("starts", "Starts"),
    ("starts_at", "Starts at"),
    ("state", "State"),
    ("subject_id", "Whose data"),
    ("summary", "Summary"),
    ("typed_name", "Name typed"),
    ("updated_at", "Updated at"),
    ("user_id", "Account"),
    ("username", "Username"),
    ("expires_at", "Link works until"),
    ("sent_at", "Sent at"),
    ("used_at", "Used at"),
    ("withdrawn_at", "Withdrawn at"),
    ("invitation", "Invitation"),
    ("replaces", "In place of invitation"),
    ("to", "Sent to"),
];

/// Keys that hold database ids or internal keys, which the table leaves out.
const HIDDEN: &[&str] = &["id", "council_id", "helper", "key", "public_key", "file"];

/// Keys whose text is what someone wrote or a name, kept exactly as it is.
const VERBATIM: &[&str] = &[
    "name",
    "typed_name",
    "summary",
    "note",
    "reason",
    "model",
    "serial",
    "asset_tag",
    "reference",
    "requester",
    "title",
    "document",
    "subject",
    "username",
    "host",
    "extension_reason",
    "handler_name",
    "label",
    "household",
    "email",
    "error",
];

/// Keys whose whole number is money in pence.
fn is_money(key: &str) -> bool {
    key == "replacement_cost" || key == "amount" || key.ends_with("_pence")
}

pub(super) fn label(key: &str) -> String {
    LABELS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or_else(|| capitalised(&code_words(key)), |(_, l)| (*l).to_string())
}

/// A 64-digit hex digest: never shown.
fn is_digest(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A stored code (`in_stock`, `democratic_support_manager`) rather than free text.
fn is_code(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A field's value in words, or None where the table leaves the field out.
pub(super) fn value_words(key: &str, value: &Value, names: &Names) -> Option<String> {
    if HIDDEN.contains(&key) {
        return None;
    }
    match value {
        Value::Null => Some("Not set".to_string()),
        Value::Bool(b) => Some(if *b { "Yes" } else { "No" }.to_string()),
        Value::Number(n) => number_words(key, n.as_i64(), names, &n.to_string()),
        Value::String(s) => text_words(key, s, names),
        Value::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .filter_map(|v| value_words(key, v, names))
                .collect();
            Some(if parts.is_empty() {
                "None".to_string()
            } else {
                parts.join(", ")
            })
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .filter_map(|(k, v)| Some(format!("{}: {}", label(k), value_words(k, v, names)?)))
                .collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
    }
}

fn number_words(key: &str, n: Option<i64>, names: &Names, shown: &str) -> Option<String> {
    let Some(n) = n else {
        return Some(shown.to_string());
    };
    if is_money(key) {
        return Some(money_words(n));
    }
    if PERSON_ID_KEYS.contains(&key) {
        return Some(
            names
                .person(n)
                .unwrap_or_else(|| "someone no longer in the register".to_string()),
        );
    }
    if USER_ID_KEYS.contains(&key) {
        return Some(
            names
                .username(n)
                .map_or_else(|| "an account no longer held".to_string(), str::to_string),
        );
    }
    match key {
        "equipment_id" => Some(names.asset_tag(n).map_or_else(
            || "an item no longer in the register".to_string(),
            str::to_string,
        )),
        "pack_version_id" => names.policy_version(n).map(|v| format!("version {v}")),
        "loan_id" => Some(format!("loan {n}")),
        "request_id" => Some(format!("request {n}")),
        "note" => None,
        _ if key.ends_with("_id") => None,
        _ => Some(shown.to_string()),
    }
}

fn text_words(key: &str, text: &str, names: &Names) -> Option<String> {
    if is_digest(text) {
        return None;
    }
    if let Some(office) = text.strip_prefix("office:") {
        return Some(format!("the {} office", code_words(office)));
    }
    if let Some(reference) = text.strip_prefix("person:") {
        return Some(names.person_ref(reference));
    }
    if let Some(username) = text.strip_prefix("account:") {
        return Some(format!("the holder of the account {username}"));
    }
    if text == "officers" && key == "recipients" {
        return Some("the officers".to_string());
    }
    if PERSON_REF_KEYS.contains(&key) {
        return Some(names.person_ref(text));
    }
    if VERBATIM.contains(&key) {
        return Some(text.to_string());
    }
    if let Some(day) = day_words(text) {
        return Some(day);
    }
    if let Some(moment) = moment_words(text) {
        return Some(moment);
    }
    if is_code(text) {
        return Some(code_words(text));
    }
    Some(text.to_string())
}

fn object(value: Option<&Value>) -> Option<&Map<String, Value>> {
    value.and_then(Value::as_object)
}

/// The table for one record's data.
pub fn changes(data: &Data, names: &Names) -> Vec<FieldChange> {
    let (before, after) = (data.before.as_ref(), data.after.as_ref());
    match (object(before), object(after)) {
        (Some(b), Some(a)) => {
            let mut keys: Vec<&String> = a.keys().collect();
            keys.extend(b.keys().filter(|k| !a.contains_key(*k)));
            keys.into_iter()
                .filter(|k| b.get(*k) != a.get(*k))
                .filter_map(|k| row(k, b.get(k), a.get(k), names))
                .collect()
        }
        (Some(b), None) if after.is_none() => b
            .iter()
            .filter_map(|(k, v)| row(k, Some(v), None, names))
            .collect(),
        (None, Some(a)) if before.is_none() => a
            .iter()
            .filter(|(_, v)| !v.is_null())
            .filter_map(|(k, v)| row(k, None, Some(v), names))
            .collect(),
        _ => {
            // Data that is not an object (a list, a number) is one row.
            let words = |v: Option<&Value>| v.and_then(|v| value_words("details", v, names));
            let (b, a) = (words(before), words(after));
            if b.is_none() && a.is_none() {
                Vec::new()
            } else {
                vec![FieldChange {
                    label: "Details".to_string(),
                    before: b,
                    after: a,
                }]
            }
        }
    }
}

fn row(key: &str, b: Option<&Value>, a: Option<&Value>, names: &Names) -> Option<FieldChange> {
    let before = b.and_then(|v| value_words(key, v, names));
    let after = a.and_then(|v| value_words(key, v, names));
    if before.is_none() && after.is_none() {
        return None;
    }
    Some(FieldChange {
        label: label(key),
        before,
        after,
    })
}
