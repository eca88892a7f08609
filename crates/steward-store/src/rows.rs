//! Reading stored values back into typed fields, and the text forms values are stored in.
//!
//! A value that does not read back is reported as corrupt by table and column only: the
//! value itself may be personal data.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::str::FromStr;
use steward_domain::audit::timestamp_text;
use steward_domain::{RepoError, RepoResult};

const DATE_FORMAT: &str = "%Y-%m-%d";

pub(crate) fn date_text(day: NaiveDate) -> String {
    day.format(DATE_FORMAT).to_string()
}

pub(crate) fn opt_date_text(day: Option<NaiveDate>) -> Option<String> {
    day.map(date_text)
}

pub(crate) fn time_text(at: DateTime<Utc>) -> String {
    timestamp_text(at)
}

pub(crate) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, DATE_FORMAT).ok()
}

/// One row: as the database driver hands it over, or one row of a page the database packed
/// into a single JSON value (see `listing.rs`), whose values are read by the same names.
#[derive(Clone, Copy)]
pub(crate) enum RowRef<'r> {
    Db(&'r AnyRow),
    Packed {
        names: &'r [String],
        values: &'r [Value],
    },
}

impl<'r> From<&'r AnyRow> for RowRef<'r> {
    fn from(row: &'r AnyRow) -> RowRef<'r> {
        RowRef::Db(row)
    }
}

/// The columns of one row of one table.
pub(crate) struct Cols<'r> {
    row: RowRef<'r>,
    table: &'static str,
}

impl<'r> Cols<'r> {
    pub(crate) fn new(row: impl Into<RowRef<'r>>, table: &'static str) -> Self {
        Cols {
            row: row.into(),
            table,
        }
    }

    /// A packed row's value by name; `None` when the page has no such column. A page has a
    /// score of columns at most: a scan of their names is quicker than hashing the name.
    fn packed(&self, col: &str) -> Option<&'r Value> {
        match self.row {
            RowRef::Packed { names, values } => names
                .iter()
                .position(|n| n == col)
                .and_then(|i| values.get(i)),
            RowRef::Db(_) => None,
        }
    }

    fn bad(&self, col: &str, what: &str) -> RepoError {
        RepoError::Corrupt(format!("{}.{col} does not hold {what}", self.table))
    }

    pub(crate) fn int(&self, col: &str) -> RepoResult<i64> {
        self.opt_int(col)?
            .ok_or_else(|| self.bad(col, "a whole number"))
    }

    pub(crate) fn opt_int(&self, col: &str) -> RepoResult<Option<i64>> {
        let read = match self.row {
            RowRef::Db(row) => row.try_get::<Option<i64>, _>(col).ok(),
            RowRef::Packed { .. } => match self.packed(col) {
                Some(Value::Null) => Some(None),
                Some(Value::Number(n)) => n.as_i64().map(Some),
                _ => None,
            },
        };
        read.ok_or_else(|| self.bad(col, "a whole number"))
    }

    pub(crate) fn text(&self, col: &str) -> RepoResult<String> {
        self.opt_text(col)?.ok_or_else(|| self.bad(col, "text"))
    }

    pub(crate) fn opt_text(&self, col: &str) -> RepoResult<Option<String>> {
        Ok(self.opt_str(col)?.map(str::to_string))
    }

    /// Text borrowed from the row, for values parsed into something else: a time, a date or
    /// a word read without a copy of their text first.
    fn opt_str(&self, col: &str) -> RepoResult<Option<&'r str>> {
        let read = match self.row {
            RowRef::Db(row) => row.try_get::<Option<&'r str>, _>(col).ok(),
            RowRef::Packed { .. } => match self.packed(col) {
                Some(Value::Null) => Some(None),
                Some(Value::String(text)) => Some(Some(text.as_str())),
                _ => None,
            },
        };
        read.ok_or_else(|| self.bad(col, "text"))
    }

    fn str(&self, col: &str) -> RepoResult<&'r str> {
        self.opt_str(col)?.ok_or_else(|| self.bad(col, "text"))
    }

    /// A value stored as its text form, parsed back with `FromStr`.
    pub(crate) fn parsed<T: FromStr>(&self, col: &str, what: &str) -> RepoResult<T> {
        self.str(col)?.parse().map_err(|_| self.bad(col, what))
    }

    pub(crate) fn opt_parsed<T: FromStr>(&self, col: &str, what: &str) -> RepoResult<Option<T>> {
        self.opt_str(col)?
            .map(|text| text.parse().map_err(|_| self.bad(col, what)))
            .transpose()
    }

    pub(crate) fn date(&self, col: &str) -> RepoResult<NaiveDate> {
        parse_date(self.str(col)?).ok_or_else(|| self.bad(col, "a date"))
    }

    pub(crate) fn opt_date(&self, col: &str) -> RepoResult<Option<NaiveDate>> {
        self.opt_str(col)?
            .map(|text| parse_date(text).ok_or_else(|| self.bad(col, "a date")))
            .transpose()
    }

    pub(crate) fn time(&self, col: &str) -> RepoResult<DateTime<Utc>> {
        parse_time(self.str(col)?).ok_or_else(|| self.bad(col, "a timestamp"))
    }

    pub(crate) fn opt_time(&self, col: &str) -> RepoResult<Option<DateTime<Utc>>> {
        self.opt_str(col)?
            .map(|text| parse_time(text).ok_or_else(|| self.bad(col, "a timestamp")))
            .transpose()
    }

    /// Booleans are stored as 0/1 integers: the backends disagree on a boolean type.
    pub(crate) fn flag(&self, col: &str) -> RepoResult<bool> {
        match self.int(col)? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(self.bad(col, "0 or 1")),
        }
    }

    /// A word of a serde vocabulary (`"open"`, `"awaiting_approval"`), stored bare.
    pub(crate) fn word<T: serde::de::DeserializeOwned>(&self, col: &str) -> RepoResult<T> {
        bare_word(self.str(col)?).ok_or_else(|| self.bad(col, "a known word"))
    }

    pub(crate) fn opt_word<T: serde::de::DeserializeOwned>(
        &self,
        col: &str,
    ) -> RepoResult<Option<T>> {
        self.opt_str(col)?
            .map(|text| bare_word(text).ok_or_else(|| self.bad(col, "a known word")))
            .transpose()
    }

    pub(crate) fn opt_json<T: serde::de::DeserializeOwned>(
        &self,
        col: &str,
    ) -> RepoResult<Option<T>> {
        self.opt_str(col)?
            .map(|text| serde_json::from_str(text).map_err(|_| self.bad(col, "valid JSON")))
            .transpose()
    }

    /// JSON text, e.g. the approvals of an extension.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(&self, col: &str) -> RepoResult<T> {
        serde_json::from_str(self.str(col)?).map_err(|_| self.bad(col, "valid JSON"))
    }
}

/// A word of a serde vocabulary read from its bare text, as serde reads the same word inside
/// JSON, without making a JSON value of it first.
fn bare_word<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    use serde::de::IntoDeserializer;
    let words: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        text.into_deserializer();
    T::deserialize(words).ok()
}

/// The bare word serde writes for a unit variant: `RequestState::InProgress` as `in_progress`.
pub(crate) fn word<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// JSON text of a value; the types stored this way always serialize.
pub(crate) fn json_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

pub(crate) fn flag_int(flag: bool) -> i64 {
    i64::from(flag)
}

pub(crate) fn opt_time_text(at: Option<DateTime<Utc>>) -> Option<String> {
    at.map(time_text)
}

/// Values a batch of look-ups asks for at once: each one a placeholder.
const LOOKUPS_PER_STATEMENT: usize = 500;

/// Which of `values` the council's `table` holds in `column` (a column unique within a
/// council), read [`LOOKUPS_PER_STATEMENT`] at a time rather than one by one.
pub(crate) async fn existing(
    tx: &mut crate::tx::StoreTx,
    table: &'static str,
    column: &'static str,
    council_id: i64,
    values: &[&str],
) -> steward_domain::RepoResult<std::collections::BTreeSet<String>> {
    let mut found = std::collections::BTreeSet::new();
    for chunk in values.chunks(LOOKUPS_PER_STATEMENT) {
        let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT {column} AS found FROM {table} WHERE council_id = $1 AND {column} IN ({})",
            marks.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(council_id);
        for value in chunk {
            query = query.bind(value.to_string());
        }
        for row in tx.all(query).await? {
            found.insert(Cols::new(&row, table).text("found")?);
        }
    }
    Ok(found)
}

/// A list of a table's columns ("id, name") named through the alias a statement gives the
/// table ("p.id, p.name"), for statements that join it to another.
pub(crate) fn qualified(columns: &str, alias: &str) -> String {
    columns
        .split(", ")
        .map(|c| format!("{alias}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `$first, $first+1, ...`: the placeholders of `n` values in an `IN (...)` list.
pub(crate) fn numbered_marks(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_through_an_alias() {
        assert_eq!(
            qualified("id, council_id, name", "p"),
            "p.id, p.council_id, p.name"
        );
        assert_eq!(qualified("id", "u"), "u.id");
    }

    #[test]
    fn dates_and_times_round_trip_as_text() {
        let day = NaiveDate::from_ymd_opt(2027, 3, 9).unwrap_or_else(|| panic!("bad day"));
        assert_eq!(date_text(day), "2027-03-09");
        assert_eq!(parse_date("2027-03-09"), Some(day));
        assert_eq!(parse_date("09/03/2027"), None);
        let at = parse_time("2027-03-09T10:11:12.123456Z");
        assert_eq!(
            at.map(time_text).as_deref(),
            Some("2027-03-09T10:11:12.123456Z")
        );
    }
}
