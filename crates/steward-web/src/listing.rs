//! Register listings: a search box, sortable columns, pages of [`PER_PAGE`] rows, and the same
//! rows as a CSV download.
//!
//! A handler describes its columns, turns its records into [`Row`]s and hands them to
//! [`Listing::new`] with the request's [`ListQuery`]. The template macro `listing.table` in
//! `templates/listing.html` draws the result; [`Listing::csv`] answers `?format=csv`.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::WebError;
use std::str::FromStr;
use steward_domain::listing::{
    Cursor, Direction, ListQuery as DomainQuery, Listed, SearchWords, Total, Window,
};

/// Rows on one page of a listing.
pub const PER_PAGE: usize = 25;

/// The query parameters every listing reads. Anything missing or unreadable falls back to the
/// listing's default rather than failing.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(default)]
    pub dir: Option<String>,
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub format: Option<String>,
    /// Where a list paged in the database continues from (its `next` or `previous` link).
    #[serde(default)]
    pub cursor: Option<String>,
}

impl ListQuery {
    /// Whether the CSV download was asked for.
    pub fn wants_csv(&self) -> bool {
        self.format.as_deref() == Some("csv")
    }

    /// The search text, trimmed.
    pub fn search_text(&self) -> &str {
        self.q.as_deref().unwrap_or("").trim()
    }

    pub fn direction(&self) -> Direction {
        match self.dir.as_deref() {
            Some("desc") => Direction::Descending,
            _ => Direction::Ascending,
        }
    }

    /// The list's own sort named by `?sort=`, or its default.
    pub fn sort_or_default<S: FromStr + Default>(&self) -> S {
        self.sort
            .as_deref()
            .and_then(|s| s.parse().ok())
            .unwrap_or_default()
    }

    /// The cursor of the page asked for; one that does not read back (edited by hand, or from
    /// an older link) starts the list from its first page.
    pub fn cursor(&self) -> Option<Cursor> {
        self.cursor.as_deref().and_then(|c| c.parse().ok())
    }

    /// The domain's query for a list paged in the database: this request's search, sort,
    /// direction and page of [`PER_PAGE`] rows, with the list's own `filter`.
    pub fn to_query<S: FromStr + Default, F>(&self, filter: F) -> DomainQuery<S, F> {
        DomainQuery {
            search: SearchWords::parse(self.search_text()),
            sort: self.sort_or_default(),
            direction: self.direction(),
            filter,
            window: Window::at(PER_PAGE as u32, self.cursor()),
        }
    }
}

/// One column: `key` is what `?sort=` names, `label` its heading. A column of a list paged in
/// the database can be sorted only where an index serves that order (`sortable`).
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub key: &'static str,
    pub label: &'static str,
    pub sortable: bool,
}

pub const fn column(key: &'static str, label: &'static str) -> Column {
    Column {
        key,
        label,
        sortable: true,
    }
}

/// A column whose heading does not sort the list.
pub const fn plain_column(key: &'static str, label: &'static str) -> Column {
    Column {
        key,
        label,
        sortable: false,
    }
}

/// One record as the listing shows it: a cell per column (also what is searched and what the
/// CSV holds), a sort key per column, and where the first cell links to.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub cells: Vec<String>,
    #[serde(skip)]
    keys: Vec<String>,
    pub href: Option<String>,
    /// A word drawn as a tag beside the first cell ("Late"); not part of the CSV.
    pub flag: Option<String>,
}

impl Row {
    /// A row sorted by its cells' text, ignoring case.
    pub fn new(cells: Vec<String>) -> Row {
        let keys = cells.iter().map(|c| c.to_lowercase()).collect();
        Row {
            cells,
            keys,
            href: None,
            flag: None,
        }
    }

    pub fn flag(mut self, text: &str) -> Row {
        self.flag = Some(text.to_string());
        self
    }

    pub fn link(mut self, href: String) -> Row {
        self.href = Some(href);
        self
    }

    /// Sorts column `index` by `key` instead of its text (dates as ISO text, money as padded
    /// pence).
    pub fn key(mut self, index: usize, key: String) -> Row {
        if let Some(slot) = self.keys.get_mut(index) {
            *slot = key;
        }
        self
    }
}

/// A column heading as the template draws it.
#[derive(Debug, Serialize)]
pub struct Heading {
    pub label: &'static str,
    /// Empty for a column that does not sort.
    pub href: String,
    /// `ascending`, `descending` or `none`, for `aria-sort`.
    pub aria_sort: &'static str,
}

/// One link in the pagination: a page number, or a gap.
#[derive(Debug, Serialize)]
pub struct PageLink {
    pub number: Option<usize>,
    pub href: String,
    pub current: bool,
}

/// A filtered, sorted page of rows, ready for the template.
#[derive(Debug, Serialize)]
pub struct Listing {
    pub headings: Vec<Heading>,
    pub rows: Vec<Row>,
    pub q: String,
    /// Rows that matched the search, across all pages.
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub links: Vec<PageLink>,
    pub csv_href: String,
    /// Hidden fields the search form keeps (the sort, and any filter of the page's own).
    pub keep: Vec<(String, String)>,
    /// For lists paged in the database: "26 to 50 of 5,000" (or "of more than 1,000").
    pub range: Option<String>,
    #[serde(skip)]
    all: Vec<Row>,
    #[serde(skip)]
    columns: Vec<Column>,
}

/// Percent-encodes a query value.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn query_string(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

impl Listing {
    /// Filters `rows` by the search, sorts them, and cuts out the page asked for. `base` is the
    /// listing's address; `extra` are the page's own query parameters to keep in every link.
    pub fn new(
        base: &str,
        extra: &[(&str, &str)],
        columns: &[Column],
        default_sort: &str,
        query: &ListQuery,
        rows: Vec<Row>,
    ) -> Listing {
        let q = query.q.as_deref().unwrap_or("").trim().to_string();
        let needle = q.to_lowercase();
        let mut all: Vec<Row> = rows
            .into_iter()
            .filter(|r| {
                needle.is_empty() || r.cells.iter().any(|c| c.to_lowercase().contains(&needle))
            })
            .collect();
        let sort_index = query
            .sort
            .as_deref()
            .and_then(|s| columns.iter().position(|c| c.key == s))
            .or_else(|| columns.iter().position(|c| c.key == default_sort))
            .unwrap_or(0);
        let sort_key = columns.get(sort_index).map(|c| c.key).unwrap_or("");
        let descending = query.dir.as_deref() == Some("desc");
        // Stable, so rows with equal keys keep the order they were given in.
        all.sort_by(|a, b| {
            let order = a.keys.get(sort_index).cmp(&b.keys.get(sort_index));
            if descending { order.reverse() } else { order }
        });
        let total = all.len();
        let pages = total.div_ceil(PER_PAGE).max(1);
        let page = query
            .page
            .as_deref()
            .and_then(|p| p.trim().parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, pages);
        let dir = if descending { "desc" } else { "asc" };
        let with = |pairs: &[(&str, &str)]| {
            let mut all_pairs: Vec<(&str, &str)> = extra.to_vec();
            all_pairs.extend_from_slice(pairs);
            format!("{base}{}", query_string(&all_pairs))
        };
        let page_href = |n: usize| {
            let n = n.to_string();
            with(&[
                ("q", &q),
                ("sort", sort_key),
                ("dir", dir),
                ("page", if n == "1" { "" } else { &n }),
            ])
        };
        let headings = columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let current = i == sort_index;
                let next_dir = if current && !descending {
                    "desc"
                } else {
                    "asc"
                };
                Heading {
                    label: c.label,
                    href: with(&[("q", &q), ("sort", c.key), ("dir", next_dir)]),
                    aria_sort: match (current, descending) {
                        (false, _) => "none",
                        (true, false) => "ascending",
                        (true, true) => "descending",
                    },
                }
            })
            .collect();
        let mut links = Vec::new();
        let mut gap = false;
        for n in 1..=pages {
            if n == 1 || n == pages || n.abs_diff(page) <= 1 {
                links.push(PageLink {
                    number: Some(n),
                    href: page_href(n),
                    current: n == page,
                });
                gap = false;
            } else if !gap {
                links.push(PageLink {
                    number: None,
                    href: String::new(),
                    current: false,
                });
                gap = true;
            }
        }
        let rows = all
            .iter()
            .skip((page - 1) * PER_PAGE)
            .take(PER_PAGE)
            .cloned()
            .collect();
        let mut keep: Vec<(String, String)> = extra
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        keep.push(("sort".into(), sort_key.into()));
        keep.push(("dir".into(), dir.into()));
        Listing {
            headings,
            rows,
            total,
            page,
            pages,
            previous: (page > 1).then(|| page_href(page - 1)),
            next: (page < pages).then(|| page_href(page + 1)),
            links,
            csv_href: with(&[
                ("q", &q),
                ("sort", sort_key),
                ("dir", dir),
                ("format", "csv"),
            ]),
            keep,
            range: None,
            q,
            all,
            columns: columns.to_vec(),
        }
    }

    /// A page of a list paged in the database. `sort` is the sort in force (its name, as
    /// `?sort=` gives it), `query` the request's, `extra` the page's own query parameters to
    /// keep in every link.
    pub fn paged(
        base: &str,
        extra: &[(&str, &str)],
        columns: &[Column],
        sort: &str,
        query: &ListQuery,
        listed: Listed<Row>,
    ) -> Listing {
        let q = query.search_text().to_string();
        let descending = query.direction().is_descending();
        let dir = if descending { "desc" } else { "asc" };
        let with = |pairs: &[(&str, &str)]| {
            let mut all_pairs: Vec<(&str, &str)> = extra.to_vec();
            all_pairs.extend_from_slice(pairs);
            format!("{base}{}", query_string(&all_pairs))
        };
        let headings = columns
            .iter()
            .map(|c| {
                let current = c.sortable && c.key == sort;
                let next_dir = if current && !descending {
                    "desc"
                } else {
                    "asc"
                };
                Heading {
                    label: c.label,
                    href: if c.sortable {
                        with(&[("q", &q), ("sort", c.key), ("dir", next_dir)])
                    } else {
                        String::new()
                    },
                    aria_sort: match (current, descending) {
                        (false, _) => "none",
                        (true, false) => "ascending",
                        (true, true) => "descending",
                    },
                }
            })
            .collect();
        let at = |c: &Cursor| {
            let c = c.to_string();
            with(&[("q", &q), ("sort", sort), ("dir", dir), ("cursor", &c)])
        };
        let shown = listed.items.len() as u64;
        let (total, more_than) = match listed.total {
            Total::Exactly(n) => (n, false),
            Total::AtLeast(n) => (n, true),
        };
        let range = (shown > 0).then(|| {
            let of = if more_than {
                format!("more than {}", thousands(total))
            } else {
                thousands(total)
            };
            format!(
                "{} to {} of {of}",
                thousands(listed.first_index + 1),
                thousands(listed.first_index + shown)
            )
        });
        let mut keep: Vec<(String, String)> = extra
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        keep.push(("sort".into(), sort.into()));
        keep.push(("dir".into(), dir.into()));
        Listing {
            headings,
            total: usize::try_from(total).unwrap_or(usize::MAX),
            page: 1,
            pages: 1,
            previous: listed.previous.as_ref().map(at),
            next: listed.next.as_ref().map(at),
            links: Vec::new(),
            csv_href: with(&[("q", &q), ("sort", sort), ("dir", dir), ("format", "csv")]),
            keep,
            range,
            q,
            rows: listed.items,
            all: Vec::new(),
            columns: columns.to_vec(),
        }
    }

    /// Every matching row in order (not just this page) as CSV text.
    pub fn csv_text(&self) -> Result<String, WebError> {
        let fail = |_| WebError::internal("a CSV download could not be written");
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(self.columns.iter().map(|c| c.label))
            .map_err(fail)?;
        for row in &self.all {
            out.write_record(row.cells.iter().map(|c| defuse(c)))
                .map_err(fail)?;
        }
        let bytes = out
            .into_inner()
            .map_err(|_| WebError::internal("a CSV download could not be written"))?;
        String::from_utf8(bytes).map_err(|_| WebError::internal("a CSV download was not UTF-8"))
    }

    /// The CSV download, as an attachment named `name.csv`.
    pub fn csv(&self, name: &str) -> Result<Response, WebError> {
        let body = self.csv_text()?;
        let disposition = HeaderValue::try_from(format!("attachment; filename=\"{name}.csv\""))
            .map_err(|_| WebError::internal("a CSV file name was not a header value"))?;
        Ok((
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            body,
        )
            .into_response())
    }
}

/// A whole number with thousands separated by commas, as people write it.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// Every row of a list paged in the database, as the CSV download: `next` gives each batch of
/// rows after the cursor (None for the first) until it gives no cursor back.
pub async fn csv_of_all<F, Fut>(
    name: &str,
    columns: &[Column],
    mut next: F,
) -> Result<Response, WebError>
where
    F: FnMut(Option<Cursor>) -> Fut,
    Fut: std::future::Future<Output = Result<Listed<Row>, WebError>>,
{
    let listing = Listing {
        headings: Vec::new(),
        rows: Vec::new(),
        q: String::new(),
        total: 0,
        page: 1,
        pages: 1,
        previous: None,
        next: None,
        links: Vec::new(),
        csv_href: String::new(),
        keep: Vec::new(),
        range: None,
        all: Vec::new(),
        columns: columns.to_vec(),
    };
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let batch = next(cursor).await?;
        all.extend(batch.items);
        match batch.next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    Listing { all, ..listing }.csv(name)
}

/// Rows an export reads at a time.
pub const EXPORT_BATCH: u32 = steward_domain::listing::MAX_LIMIT;

/// A cell a spreadsheet would run as a formula (or a tab or carriage return that could start
/// one) is prefixed with a quote, so it reads as text.
pub fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[Column] = &[column("name", "Name"), column("n", "Number")];

    fn rows(count: usize) -> Vec<Row> {
        (1..=count)
            .map(|i| Row::new(vec![format!("Person {i}"), i.to_string()]).key(1, format!("{i:06}")))
            .collect()
    }

    fn query(q: &str, sort: &str, dir: &str, page: &str) -> ListQuery {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        ListQuery {
            q: some(q),
            sort: some(sort),
            dir: some(dir),
            page: some(page),
            format: None,
            cursor: None,
        }
    }

    #[test]
    fn searches_every_cell_ignoring_case() {
        let list = Listing::new(
            "/x",
            &[],
            COLUMNS,
            "name",
            &query("PERSON 1", "", "", ""),
            rows(30),
        );
        // 1, 10..19
        assert_eq!(list.total, 11);
        let list = Listing::new(
            "/x",
            &[],
            COLUMNS,
            "name",
            &query("nobody", "", "", ""),
            rows(30),
        );
        assert_eq!(list.total, 0);
        assert_eq!(list.pages, 1);
    }

    #[test]
    fn sorts_by_key_either_way_and_marks_the_heading() {
        let list = Listing::new(
            "/x",
            &[],
            COLUMNS,
            "name",
            &query("", "n", "desc", ""),
            rows(30),
        );
        assert_eq!(list.rows[0].cells[1], "30");
        assert_eq!(list.headings[1].aria_sort, "descending");
        assert_eq!(list.headings[0].aria_sort, "none");
        assert!(
            list.headings[1].href.contains("dir=asc"),
            "{}",
            list.headings[1].href
        );
        let list = Listing::new(
            "/x",
            &[],
            COLUMNS,
            "name",
            &query("", "n", "", ""),
            rows(30),
        );
        assert_eq!(list.rows[0].cells[1], "1");
        assert_eq!(list.headings[1].aria_sort, "ascending");
        // An unknown column falls back to the default.
        let list = Listing::new(
            "/x",
            &[],
            COLUMNS,
            "name",
            &query("", "bogus", "", ""),
            rows(3),
        );
        assert_eq!(list.headings[0].aria_sort, "ascending");
    }

    #[test]
    fn pages_hold_twenty_five_rows_and_link_onwards() {
        let list = Listing::new(
            "/x",
            &[("open", "all")],
            COLUMNS,
            "n",
            &query("", "", "", "2"),
            rows(60),
        );
        assert_eq!(list.pages, 3);
        assert_eq!(list.page, 2);
        assert_eq!(list.rows.len(), 25);
        assert_eq!(list.rows[0].cells[1], "26");
        assert_eq!(list.previous.as_deref(), Some("/x?open=all&sort=n&dir=asc"));
        assert_eq!(
            list.next.as_deref(),
            Some("/x?open=all&sort=n&dir=asc&page=3")
        );
        let list = Listing::new("/x", &[], COLUMNS, "n", &query("", "", "", "99"), rows(60));
        assert_eq!(list.page, 3);
        assert_eq!(list.rows.len(), 10);
        let list = Listing::new("/x", &[], COLUMNS, "n", &query("", "", "", "x"), rows(60));
        assert_eq!(list.page, 1);
    }

    #[test]
    fn csv_holds_every_matching_row_and_defuses_formulas() {
        let mut all = rows(30);
        all.push(Row::new(vec!["=HYPERLINK(\"x\")".into(), "-1".into()]));
        all.push(Row::new(vec!["@SUM(A1)".into(), "+2".into()]));
        all.push(Row::new(vec!["Comma, \"quoted\"".into(), "3".into()]));
        let list = Listing::new("/x", &[], COLUMNS, "name", &ListQuery::default(), all);
        let text = list.csv_text().unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Name,Number");
        assert_eq!(lines.len(), 34, "{text}");
        assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\",'-1"), "{text}");
        assert!(text.contains("'@SUM(A1),'+2"), "{text}");
        assert!(text.contains("\"Comma, \"\"quoted\"\"\",3"), "{text}");
        let list = Listing::new(
            "/x",
            &[],
            COLUMNS,
            "name",
            &query("sum", "", "", ""),
            rows(3),
        );
        assert_eq!(list.csv_text().unwrap().lines().count(), 1);
    }

    #[test]
    fn paged_lists_link_by_cursor_and_say_where_they_are() {
        let cursor = Cursor {
            toward: steward_domain::listing::Toward::After,
            value: steward_domain::listing::SortValue::Int(7),
            id: 7,
            index: 25,
        };
        let listed = Listed {
            items: rows(25),
            total: Total::Exactly(5_000),
            first_index: 0,
            next: Some(cursor.clone()),
            previous: None,
        };
        let columns = &[column("name", "Name"), plain_column("n", "Number")];
        let list = Listing::paged(
            "/x",
            &[("show", "all")],
            columns,
            "name",
            &query("ada", "", "", ""),
            listed,
        );
        assert_eq!(list.range.as_deref(), Some("1 to 25 of 5,000"));
        assert_eq!(list.previous, None);
        let next = list.next.unwrap();
        assert!(
            next.starts_with("/x?show=all&q=ada&sort=name&dir=asc&cursor="),
            "{next}"
        );
        assert_eq!(list.headings[0].aria_sort, "ascending");
        assert_eq!(list.headings[1].href, "");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode("a b&c=d/é"), "a+b%26c%3Dd%2F%C3%A9");
    }
}
