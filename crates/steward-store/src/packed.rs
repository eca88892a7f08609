//! A list's page handed over by the database as one JSON value rather than row by row.
//!
//! Each row the driver hands over costs a copy of every value into the driver's own form and,
//! on SQLite, a hop between the connection's thread and the request's; for a page of 50 rows
//! of 20 columns that was most of a list's time. Wrapped as `json_group_array` (SQLite) or
//! `json_agg` (PostgreSQL) over the same statement, the page crosses once and its values are
//! read by the same column names through [`RowRef::Packed`]. The statement inside is the one a
//! row-by-row read would run, so its plan and its index are unchanged.

use crate::listing::{Frag, Statement, bound};
use crate::open::Backend;
use crate::rows::{Cols, RowRef};
use crate::tx::StoreTx;
use serde_json::Value;
use sqlx::any::AnyRow;
use std::cmp::Ordering;
use steward_domain::{RepoError, RepoResult};

/// The names a `SELECT` list gives its columns: each item's alias, or the column it names.
/// `None` when an item is an expression without an alias, or two items share a name: such a
/// list is read row by row.
pub(crate) fn output_names(select: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    for item in top_level_items(select) {
        let item = item.trim();
        let name = match find_alias(item) {
            Some(alias) => alias,
            None => item.rsplit('.').next().unwrap_or(item),
        };
        let plain = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !plain || names.iter().any(|n| n == name) {
            return None;
        }
        names.push(name.to_string());
    }
    (!names.is_empty()).then_some(names)
}

/// The items of a select list, split at the commas outside brackets and quotes.
fn top_level_items(select: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0usize);
    for (i, c) in select.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                items.push(&select[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&select[start..]);
    items
}

/// The alias after the last top-level ` AS ` of one item.
fn find_alias(item: &str) -> Option<&str> {
    let upper = item.to_ascii_uppercase();
    let at = upper.rfind(" AS ")?;
    // An `AS` inside brackets (a `CAST(x AS TEXT)`) is not the item's alias.
    let depth: i32 = item[..at]
        .chars()
        .map(|c| match c {
            '(' => 1,
            ')' => -1,
            _ => 0,
        })
        .sum();
    (depth == 0).then(|| item[at + 4..].trim())
}

/// One column a packed page's rows are ordered by.
#[derive(Debug)]
pub(crate) struct By {
    pub column: String,
    pub descending: bool,
}

impl By {
    /// The columns of an `ORDER BY` list of plain names, each optionally followed by `DESC`
    /// or `ASC`: `equipment_id, id DESC`.
    pub(crate) fn list(order: &str) -> Vec<By> {
        order
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                let mut words = item.split_whitespace();
                let column = words.next().unwrap_or_default().to_string();
                let descending = words.next().is_some_and(|w| w.eq_ignore_ascii_case("DESC"));
                By { column, descending }
            })
            .collect()
    }

    fn sql(by: &[By], table: &str) -> String {
        by.iter()
            .map(|b| {
                let direction = if b.descending { "DESC" } else { "ASC" };
                format!("{table}.{} {direction}", b.column)
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The aggregate that packs the rows of `table` (an alias), each an array of `names`' values,
/// into one JSON array ordered by `by`. PostgreSQL orders them itself, by the column's
/// collation. SQLite would copy every packed row into a temporary index to order them (a
/// quarter of the audit page's statement); its rows are ordered after unpacking instead
/// ([`Page::unpack`]), by the rule its binary collation compares by. Neither database
/// promises to keep a subquery's order through an aggregate, so the order is always made.
fn aggregate(backend: Backend, names: &[String], table: &str, by: &[By]) -> String {
    let columns = names
        .iter()
        .map(|n| format!("{table}.{n}"))
        .collect::<Vec<_>>()
        .join(", ");
    match backend {
        Backend::Sqlite => format!("json_group_array(json_array({columns}))"),
        Backend::Postgres => {
            let order = if by.is_empty() {
                String::new()
            } else {
                format!(" ORDER BY {}", By::sql(by, table))
            };
            format!("COALESCE(json_agg(json_build_array({columns}){order}), '[]')::text")
        }
    }
}

/// What goes before and after `inner`, a page's statement ending in its ORDER BY and LIMIT,
/// so that the page comes back as one JSON array of rows, each an array of `names`' values,
/// in the order of `by` (the inner statement's own order) once unpacked.
pub(crate) fn wrapping(backend: Backend, names: &[String], by: &[By]) -> (String, &'static str) {
    let aggregate = aggregate(backend, names, "page_rows", by);
    (format!("SELECT {aggregate} AS page FROM ("), ") page_rows")
}

/// How SQLite orders two values under its default binary collation: NULL first, then numbers
/// by value, then text byte by byte (the order of Rust's `str`).
fn sqlite_order(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Bool(_) | Value::Number(_) => 1,
            Value::String(_) => 2,
            Value::Array(_) | Value::Object(_) => 3,
        }
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => {
                let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
                x.total_cmp(&y)
            }
        },
        (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// The rows of a page: as the driver handed them over, or unpacked from one JSON value.
pub(crate) enum Page {
    Rows(Vec<AnyRow>),
    Packed {
        names: Vec<String>,
        rows: Vec<Vec<Value>>,
    },
}

impl Page {
    /// Unpacks the JSON text [`wrapping`]'s statement returns, its rows in the order of `by`;
    /// every row must hold every column.
    pub(crate) fn unpack(
        text: &str,
        names: &[String],
        backend: Backend,
        by: &[By],
    ) -> RepoResult<Page> {
        let corrupt = || RepoError::Corrupt("a list's page did not read back".into());
        let mut rows: Vec<Vec<Value>> = serde_json::from_str(text).map_err(|_| corrupt())?;
        if rows.iter().any(|row| row.len() != names.len()) {
            return Err(corrupt());
        }
        if backend == Backend::Sqlite && !by.is_empty() {
            let keys = by
                .iter()
                .map(|b| {
                    let at = names.iter().position(|n| *n == b.column);
                    at.map(|at| (at, b.descending)).ok_or_else(|| {
                        RepoError::Backend(format!(
                            "a page is ordered by {}, not among its columns",
                            b.column
                        ))
                    })
                })
                .collect::<RepoResult<Vec<_>>>()?;
            // Rows the database happened to hand over in order cost one pass.
            rows.sort_by(|a, b| {
                keys.iter()
                    .map(|&(at, descending)| {
                        let order = sqlite_order(&a[at], &b[at]);
                        if descending { order.reverse() } else { order }
                    })
                    .find(|o| o.is_ne())
                    .unwrap_or(Ordering::Equal)
            });
        }
        Ok(Page::Packed {
            names: names.to_vec(),
            rows,
        })
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Page::Rows(rows) => rows.len(),
            Page::Packed { rows, .. } => rows.len(),
        }
    }

    pub(crate) fn truncate(&mut self, len: usize) {
        match self {
            Page::Rows(rows) => rows.truncate(len),
            Page::Packed { rows, .. } => rows.truncate(len),
        }
    }

    pub(crate) fn reverse(&mut self) {
        match self {
            Page::Rows(rows) => rows.reverse(),
            Page::Packed { rows, .. } => rows.reverse(),
        }
    }

    pub(crate) fn row(&self, i: usize) -> Option<RowRef<'_>> {
        match self {
            Page::Rows(rows) => rows.get(i).map(RowRef::Db),
            Page::Packed { names, rows } => {
                rows.get(i).map(|values| RowRef::Packed { names, values })
            }
        }
    }

    pub(crate) fn rows(&self) -> impl Iterator<Item = RowRef<'_>> {
        (0..self.len()).filter_map(|i| self.row(i))
    }
}

/// Several look-ups one page needs, answered in one statement: each is a whole `SELECT` whose
/// columns have plain names, and comes back packed as a list's page does. On SQLite every
/// statement is a round trip to the connection's own thread; a page that needs five small
/// look-ups pays for one.
#[derive(Default)]
pub(crate) struct Lookups {
    parts: Vec<(Vec<String>, Frag, Vec<By>)>,
}

impl Lookups {
    /// Adds the look-up `SELECT {columns} {rest}` (`rest` from its `FROM` on, with `?` for its
    /// values), its rows in the order of `order` (columns of `columns`, each optionally
    /// followed by DESC), and answers where its page will be in [`Lookups::run`]'s answer.
    pub(crate) fn add(&mut self, columns: &str, rest: Frag, order: &str) -> RepoResult<usize> {
        let names = output_names(columns).ok_or_else(|| {
            RepoError::Backend(format!("a look-up's columns need plain names: {columns}"))
        })?;
        let inner = Frag::new(
            format!("SELECT {columns} {}", rest.sql()),
            rest.args().to_vec(),
        );
        self.parts.push((names, inner, By::list(order)));
        Ok(self.parts.len() - 1)
    }

    /// Runs every look-up in one statement; their pages in the order they were added.
    pub(crate) async fn run(self, tx: &mut StoreTx) -> RepoResult<Vec<Page>> {
        if self.parts.is_empty() {
            return Ok(Vec::new());
        }
        let backend = tx.backend();
        let mut statement = Statement::new();
        statement.text("SELECT ");
        for (i, (names, inner, order)) in self.parts.iter().enumerate() {
            let aggregate = aggregate(backend, names, "look_up", order);
            if i > 0 {
                statement.text(", ");
            }
            statement.text(&format!("(SELECT {aggregate} FROM ("));
            statement.frag(inner);
            statement.text(&format!(") look_up) AS part_{i}"));
        }
        let row = tx
            .one(bound(&statement.sql, &statement.args), || {
                "a page's look-ups gave no row".into()
            })
            .await?;
        let c = Cols::new(&row, "look-ups");
        self.parts
            .iter()
            .enumerate()
            .map(|(i, (names, _, order))| {
                Page::unpack(&c.text(&format!("part_{i}"))?, names, backend, order)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_aliases_and_columns() {
        assert_eq!(
            output_names("l.id, p.name AS person_name, COALESCE(a, b) AS k, CAST(x AS TEXT) AS t"),
            Some(vec![
                "id".to_string(),
                "person_name".into(),
                "k".into(),
                "t".into()
            ])
        );
        assert_eq!(
            output_names("seq,\n at, actor"),
            Some(vec!["seq".to_string(), "at".into(), "actor".into()])
        );
    }

    #[test]
    fn unnamed_expressions_and_repeated_names_are_read_row_by_row() {
        assert_eq!(output_names("l.id, COUNT(*)"), None);
        assert_eq!(output_names("l.id, p.id"), None);
        assert_eq!(
            output_names("'a, b' AS x, y"),
            Some(vec!["x".into(), "y".into()])
        );
    }

    #[test]
    fn a_row_short_of_a_column_is_refused() {
        let names = vec!["a".to_string(), "b".into()];
        let unpack = |text| Page::unpack(text, &names, Backend::Sqlite, &[]);
        assert!(unpack("[[1, \"x\"], [2]]").is_err());
        assert!(unpack("not json").is_err());
        assert_eq!(unpack("[]").map(|p| p.len()).ok(), Some(0));
    }

    #[test]
    fn sqlite_pages_are_put_in_order_as_sqlite_orders_them() {
        let names = vec!["k".to_string(), "id".into()];
        let text = r#"[["b", 3], ["B", 1], [null, 7], ["b", 2], [10, 5], [9, 6], ["é", 4]]"#;
        let by = |descending| {
            [("k", descending), ("id", descending)].map(|(c, descending)| By {
                column: c.to_string(),
                descending,
            })
        };
        let ids = |page: Page| -> Vec<i64> {
            page.rows()
                .map(|r| Cols::new(r, "t").int("id").unwrap_or(-1))
                .collect()
        };
        let page = Page::unpack(text, &names, Backend::Sqlite, &by(false));
        assert_eq!(ids(page.unwrap()), vec![7, 6, 5, 1, 2, 3, 4]);
        let page = Page::unpack(text, &names, Backend::Sqlite, &by(true));
        assert_eq!(ids(page.unwrap()), vec![4, 3, 2, 1, 5, 6, 7]);
        // PostgreSQL's own order, by its collation, is kept as it came.
        let page = Page::unpack(text, &names, Backend::Postgres, &by(false));
        assert_eq!(ids(page.unwrap()), vec![3, 1, 7, 2, 5, 6, 4]);
    }

    #[test]
    fn an_order_list_reads_its_directions() {
        let by = By::list("equipment_id, id DESC, at asc");
        let read: Vec<(&str, bool)> = by
            .iter()
            .map(|b| (b.column.as_str(), b.descending))
            .collect();
        assert_eq!(
            read,
            vec![("equipment_id", false), ("id", true), ("at", false)]
        );
        assert!(By::list("").is_empty());
    }
}
