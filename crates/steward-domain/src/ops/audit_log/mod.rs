//! The audit log as people read it: the council's records filtered and paged in the database
//! ([`list`]), each told as a sentence with a table of what changed ([`describe`]).

mod fields;
mod names;
mod sentences;
mod words;

pub use fields::{FieldChange, changes};
pub use names::{NameKeys, Names, UserName};
pub use sentences::{ACTIONS, ActionWords, action_label, actions_by_label};
pub use words::{actor_words, london_day_end, london_day_start, uk_moment};

use crate::audit::AuditRecord;
use crate::error::{DomainError, DomainResult};
use crate::listing::{ListQuery, Listed};
use crate::records::Council;
use crate::repo::RegisterTx;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::str::FromStr;

/// The audit log's one order: by sequence number, the order records were written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditSort {
    #[default]
    Seq,
}

impl AuditSort {
    pub fn as_str(self) -> &'static str {
        "seq"
    }
}

impl FromStr for AuditSort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "seq" => Ok(AuditSort::Seq),
            _ => Err("the audit log is sorted by seq only".to_string()),
        }
    }
}

/// The kinds of record the trail holds, as people name them.
pub const ENTITIES: &[(&str, &str)] = &[
    ("person", "Person"),
    ("equipment", "Equipment"),
    ("loan", "Loan"),
    ("request", "Request"),
    ("case", "Case"),
    ("information_request", "Information request"),
    ("web_exception", "Web exception"),
    ("proxy_user", "Web proxy name"),
    ("web_scan", "Web proxy log scan"),
    ("mail_forward_import", "Mail forwarding snapshot"),
    ("mail_decision", "Outbound mail decision"),
    ("phone_line", "Phone line"),
    ("phone_bills", "Phone bills for a month"),
    ("phone_bill", "Phone bill"),
    ("phone_statement", "Phone statement"),
    ("notice", "Notice"),
    ("message", "Email message"),
    ("policy", "Policy"),
    ("user", "Account"),
    ("api_token", "API token"),
    ("council", "Council"),
    ("sweep", "Daily checks"),
    ("retention", "Retention"),
    ("audit", "Audit trail"),
];

/// The longest text a filter field of the audit log accepts.
pub const MAX_FILTER_CHARS: usize = 200;

/// Which records: all conditions are optional and combine with AND. Text must match exactly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditLogFilter {
    /// The kind of record, e.g. `loan`.
    pub entity: Option<String>,
    /// The record's reference within its kind, e.g. a loan's number or a person's reference.
    pub entity_id: Option<String>,
    pub action: Option<String>,
    /// Who made the change, as the record names them.
    pub actor: Option<String>,
    /// Written at or after this moment. A range of times lists records in the order of their
    /// times (ties by sequence number), which for records written as they happen is the same.
    pub from: Option<DateTime<Utc>>,
    /// Written at or before this moment.
    pub to: Option<DateTime<Utc>>,
}

impl AuditLogFilter {
    /// Refuses text too long or holding control characters, naming the field; an empty value is
    /// no condition.
    pub fn text(field: &str, value: Option<&str>) -> DomainResult<Option<String>> {
        let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        if value.chars().count() > MAX_FILTER_CHARS {
            return Err(DomainError::invalid(
                field,
                format!("give at most {MAX_FILTER_CHARS} characters"),
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(DomainError::invalid(
                field,
                "the text may not hold control characters",
            ));
        }
        Ok(Some(value.to_string()))
    }

    /// Refuses a range that ends before it starts.
    pub fn check_range(&self) -> DomainResult<()> {
        match (self.from, self.to) {
            (Some(from), Some(to)) if to < from => Err(DomainError::invalid(
                "to",
                "the end of the range must be the same as or after its start",
            )),
            _ => Ok(()),
        }
    }
}

pub type AuditLogQuery = ListQuery<AuditSort, AuditLogFilter>;

/// A page of the council's audit records.
pub async fn list<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    query: &AuditLogQuery,
) -> DomainResult<Listed<AuditRecord>> {
    query.filter.check_range()?;
    Ok(tx.list_audit(council.id, query).await?)
}

/// One record in words: the sentence, and its before/after fields with labels and values
/// people read.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Described {
    pub seq: i64,
    /// "9:30am, 16 May 2027", on the clock in London.
    pub when: String,
    /// "Signed in".
    pub label: String,
    /// "The officer clerk lent LAP-0102 to Ada Quill (M003), due back 16 May 2027."
    pub sentence: String,
    pub changes: Vec<FieldChange>,
    /// Whether the data was erased under the retention rules (the sentence says so too).
    pub erased: bool,
}

/// The names a page of records mentions, read in one batch of queries whatever its length.
pub async fn names_for<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    records: &[AuditRecord],
) -> DomainResult<Names> {
    let keys = NameKeys::of(records);
    Ok(tx.audit_names(council.id, &keys).await?)
}

/// Each record of a page in words.
pub fn describe(records: &[AuditRecord], names: &Names) -> Vec<Described> {
    records
        .iter()
        .map(|r| describe_one(r, &sentences::Data::of(r), names))
        .collect()
}

/// One record in words without its fields: what a list of records, the API and a download
/// show.
#[derive(Clone, Debug, PartialEq)]
pub struct Said {
    /// "9:30am, 16 May 2027", on the clock in London.
    pub when: String,
    /// "Signed in".
    pub label: String,
    /// "The officer clerk lent LAP-0102 to Ada Quill (M003), due back 16 May 2027."
    pub sentence: String,
}

fn say_one(record: &AuditRecord, data: &sentences::Data, names: &Names) -> Said {
    let mut sentence = sentences::sentence(record, data, names);
    if let Some(day) = record.erased_on {
        sentence.push_str(&format!(
            " The details were erased on {} under the retention rules.",
            steward_policy::long_date(day)
        ));
    }
    Said {
        when: uk_moment(record.at),
        label: action_label(&record.action),
        sentence,
    }
}

fn describe_one(record: &AuditRecord, data: &sentences::Data, names: &Names) -> Described {
    let Said {
        when,
        label,
        sentence,
    } = say_one(record, data, names);
    Described {
        seq: record.seq,
        when,
        label,
        sentence,
        changes: changes(data, names),
        erased: record.erased_on.is_some(),
    }
}

/// Every record of a page in words, by `word` from its parsed data and the page's names, with
/// one batch of name look-ups per page.
async fn word_page<T: RegisterTx, W>(
    tx: &mut T,
    council: &Council,
    page: Listed<AuditRecord>,
    word: impl Fn(&AuditRecord, &sentences::Data, &Names) -> W,
) -> DomainResult<Listed<(AuditRecord, W)>> {
    // Each record's data is parsed once, for the names it mentions and for its words.
    let data: Vec<sentences::Data> = page.items.iter().map(sentences::Data::of).collect();
    let keys = NameKeys::of_parsed(page.items.iter().zip(&data));
    let names = tx.audit_names(council.id, &keys).await?;
    let worded = page
        .items
        .iter()
        .zip(&data)
        .map(|(record, data)| word(record, data, &names))
        .collect::<Vec<_>>();
    Ok(Listed {
        items: page.items.into_iter().zip(worded).collect(),
        total: page.total,
        first_index: page.first_index,
        next: page.next,
        previous: page.previous,
    })
}

/// Every record of a page described, fields and all, as the audit page shows them.
pub async fn describe_page<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    page: Listed<AuditRecord>,
) -> DomainResult<Listed<(AuditRecord, Described)>> {
    word_page(tx, council, page, describe_one).await
}

/// Every record of a page as its time, label and sentence: the API, the CLI and the CSV
/// download, which carry the record's stored data beside it rather than its fields in words.
pub async fn say_page<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    page: Listed<AuditRecord>,
) -> DomainResult<Listed<(AuditRecord, Said)>> {
    word_page(tx, council, page, say_one).await
}

#[cfg(test)]
mod tests;
