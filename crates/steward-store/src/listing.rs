//! Paged lists in SQL: one builder every list uses, so each filters, searches, counts, sorts
//! and cuts its page in the database with the same keyset rules.
//!
//! A list names its tables, its columns, an SQL expression to sort by (one an index exists for,
//! never NULL) and the row's unique id as a tie-break. [`ListSql::fetch`] then runs one
//! statement whatever the register's size: a count of the matching rows (capped where a list
//! can be long, left out where the count is kept) beside the page itself, `LIMIT` one more
//! than asked to learn whether more follow.

use crate::open::Backend;
use crate::packed::{self, By, Page};
use crate::rows::{Cols, RowRef, date_text};
use crate::tx::{Query, StoreTx};
use chrono::NaiveDate;
use sqlx::any::AnyRow;
use steward_domain::listing::{
    Cursor, Direction, Listed, SearchWords, SortValue, Total, Toward, Window, prefix_end,
};
use steward_domain::ops::kept::KeptCount;
use steward_domain::{RepoError, RepoResult};

/// A value bound to a placeholder.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Int(i64),
    Text(String),
}

impl From<i64> for Arg {
    fn from(n: i64) -> Arg {
        Arg::Int(n)
    }
}

impl From<&str> for Arg {
    fn from(t: &str) -> Arg {
        Arg::Text(t.to_string())
    }
}

impl From<String> for Arg {
    fn from(t: String) -> Arg {
        Arg::Text(t)
    }
}

/// Binds `args` to `sql`'s placeholders in order.
pub(crate) fn bound<'q>(sql: &'q str, args: &[Arg]) -> Query<'q> {
    let mut query = sqlx::query(sql);
    for arg in args {
        query = match arg {
            Arg::Int(n) => query.bind(*n),
            Arg::Text(t) => query.bind(t.clone()),
        };
    }
    query
}

/// A value written into a statement's text rather than bound to a placeholder: for a value a
/// good plan turns on, such as the day a date range is taken on or the kinds of person a list
/// keeps. A plan made once for every call (`StoreTx::plan_once`) cannot see bound values and
/// takes a range to keep a third of the rows whatever the day; it sees a written one. Only for
/// the store's own fixed words (a kind's name), never a user's text; a `?` in it would be
/// numbered as a placeholder by [`Statement::frag`] and the statement would fail.
pub(crate) fn literal(word: &'static str) -> String {
    debug_assert!(!word.contains('?'), "a literal holds a placeholder: {word}");
    format!("'{}'", word.replace('\'', "''"))
}

/// A day written into a statement's text, as [`literal`] writes a word.
pub(crate) fn day_literal(day: NaiveDate) -> String {
    format!("'{}'", date_text(day))
}

/// Whether a list's sort expression gives text or whole numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyKind {
    Text,
    Int,
}

/// Column aliases the builder adds to each row; a list's own columns must not use them.
const SORT_ALIAS: &str = "list_sort_key";
const ID_ALIAS: &str = "list_row_id";
/// The name a searched list's matching rows go by (see [`ListSql::matched_once`]).
const MATCHED: &str = "matched";

/// A piece of SQL with `?` where each of its values goes, in order. Pieces are numbered
/// (`$1`, `$2`...) only when a statement is put together, so a statement binds exactly the
/// values its own pieces use: the count leaves out the columns' values, for instance.
#[derive(Clone, Debug, Default)]
pub(crate) struct Frag {
    sql: String,
    args: Vec<Arg>,
}

impl Frag {
    pub(crate) fn new(sql: impl Into<String>, args: Vec<Arg>) -> Frag {
        Frag {
            sql: sql.into(),
            args,
        }
    }

    pub(crate) fn sql(&self) -> &str {
        &self.sql
    }

    pub(crate) fn args(&self) -> &[Arg] {
        &self.args
    }

    /// The condition's opposite.
    pub(crate) fn negated(&self) -> Frag {
        Frag::new(format!("NOT ({})", self.sql), self.args.clone())
    }
}

/// Puts pieces together into one statement with numbered placeholders and their values.
pub(crate) struct Statement {
    pub(crate) sql: String,
    pub(crate) args: Vec<Arg>,
}

impl Statement {
    pub(crate) fn new() -> Statement {
        Statement {
            sql: String::new(),
            args: Vec::new(),
        }
    }

    pub(crate) fn text(&mut self, text: &str) -> &mut Statement {
        self.sql.push_str(text);
        self
    }

    pub(crate) fn frag(&mut self, frag: &Frag) -> &mut Statement {
        let mut values = frag.args.iter();
        for c in frag.sql.chars() {
            if c == '?' {
                if let Some(v) = values.next() {
                    self.args.push(v.clone());
                }
                self.sql.push_str(&format!("${}", self.args.len()));
            } else {
                self.sql.push(c);
            }
        }
        self
    }
}

/// A count kept for the register's state, and the council whose register it is.
#[derive(Clone, Copy)]
pub(crate) struct Kept<'a> {
    pub council_id: i64,
    pub count: KeptCount<'a>,
}

/// One list's SQL, built up condition by condition.
pub(crate) struct ListSql {
    select: Frag,
    from: String,
    conditions: Vec<Frag>,
    sort: String,
    kind: KeyKind,
    id: String,
    /// Stop counting here; lists that can run to hundreds of thousands of rows say "more than".
    count_cap: Option<u64>,
    /// The tables the count reads, when the page's joins only add columns (see
    /// [`ListSql::count_from`]).
    count_from: Option<String>,
    /// The count, when the caller knows it already (kept from an earlier count of the same
    /// register), so that the page is read without counting.
    known_total: Option<Total>,
    /// A statement giving the count as `n` without reading the rows, for a list whose count is
    /// kept elsewhere (see [`ListSql::count_by`]).
    count_by: Option<Frag>,
    /// Whether the page's statement is dear enough to plan that PostgreSQL should plan it once
    /// per connection (see [`ListSql::plan_once`]).
    plan_once: bool,
    /// Whether PostgreSQL hands the page over row by row rather than packed (see
    /// [`ListSql::rows_on_postgres`]).
    rows_on_postgres: bool,
    /// Whether a condition looks words up (see [`ListSql::search`]).
    searched: bool,
}

impl ListSql {
    /// `select`: the columns a row needs; `from`: the tables and joins; `sort`: the indexed,
    /// never-NULL expression to order by; `id`: the unique id that breaks ties.
    pub(crate) fn new(select: Frag, from: &str, sort: &str, kind: KeyKind, id: &str) -> ListSql {
        ListSql {
            select,
            from: from.to_string(),
            conditions: Vec::new(),
            sort: sort.to_string(),
            kind,
            id: id.to_string(),
            count_cap: None,
            count_from: None,
            known_total: None,
            count_by: None,
            plan_once: false,
            rows_on_postgres: false,
            searched: false,
        }
    }

    /// Counts over `from` instead of the page's tables: for lists whose joins bring only
    /// columns to show (each row joins exactly one row, or at most one with LEFT JOIN) and
    /// whose conditions name only `from`'s tables, so the count need not read the joins.
    pub(crate) fn count_from(&mut self, from: &str) -> &mut ListSql {
        self.count_from = Some(from.to_string());
        self.plan_once = true;
        self
    }

    /// Has PostgreSQL plan the page once per connection and reuse the plan
    /// (`StoreTx::plan_once`), for a page whose statement costs more to plan than to run:
    /// one that joins tables ([`ListSql::count_from`] lists) or looks words up
    /// ([`ListSql::search`]), or the signatures list's sub-selects. It costs a round trip,
    /// more than planning a one-table page saves, so other lists are planned each call.
    pub(crate) fn plan_once(&mut self) -> &mut ListSql {
        self.plan_once = true;
        self
    }

    /// Has PostgreSQL hand the page over row by row, for rows that carry long text: packed,
    /// every character of it is escaped into the JSON value by the database and read back out
    /// of it by the server, which for the audit log's stored data (35 kB a page) cost more
    /// than the rows themselves. SQLite still packs such a page: its rows each cost a round
    /// trip between threads.
    pub(crate) fn rows_on_postgres(&mut self) -> &mut ListSql {
        self.rows_on_postgres = true;
        self
    }

    /// Adds a condition, ANDed with the others, with a `?` for each of its values.
    pub(crate) fn and(&mut self, condition: Frag) -> &mut ListSql {
        self.conditions.push(condition);
        self
    }

    /// Adds `column = value`.
    pub(crate) fn eq(&mut self, column: &str, value: impl Into<Arg>) -> &mut ListSql {
        self.and(Frag::new(format!("{column} = ?"), vec![value.into()]))
    }

    /// Takes `total` as the count of the matching rows instead of counting them, when given.
    pub(crate) fn known_total(&mut self, total: Option<Total>) -> &mut ListSql {
        self.known_total = total;
        self
    }

    /// Counts with `count`, a statement that gives the number of matching rows as `n` from
    /// where it is kept, rather than by reading them: it travels in the page's statement, as a
    /// count does, where the page is packed.
    pub(crate) fn count_by(&mut self, count: Frag) -> &mut ListSql {
        self.count_by = Some(count);
        self
    }

    /// Counts no further than `cap` rows.
    pub(crate) fn count_at_most(&mut self, cap: u64) -> &mut ListSql {
        self.count_cap = Some(cap);
        self
    }

    /// Keeps rows each search word finds: for every word, the row's id in one of `targets`
    /// (entity kind, id expression) has an indexed word beginning with it.
    pub(crate) fn search(
        &mut self,
        council_id: i64,
        words: &SearchWords,
        targets: &[(&str, &str)],
    ) -> &mut ListSql {
        self.search_numbered(council_id, words, targets, None)
    }

    /// As [`ListSql::search`], and a word that is a whole number also finds the row whose
    /// `number` expression (its own reference number) equals it.
    pub(crate) fn search_numbered(
        &mut self,
        council_id: i64,
        words: &SearchWords,
        targets: &[(&str, &str)],
        number: Option<&str>,
    ) -> &mut ListSql {
        if !words.is_empty() {
            self.plan_once = true;
            self.searched = true;
        }
        for word in words.words() {
            let mut alternatives = Vec::new();
            let mut args = Vec::new();
            if let Some(expr) = number
                && word.bytes().all(|b| b.is_ascii_digit())
                && let Ok(n) = word.parse::<i64>()
            {
                alternatives.push(format!("{expr} = ?"));
                args.push(Arg::Int(n));
            }
            for (entity, id_expr) in targets {
                args.extend([
                    Arg::Int(council_id),
                    Arg::from(*entity),
                    Arg::from(word.as_str()),
                ]);
                let range = match prefix_end(word) {
                    Some(end) => {
                        args.push(Arg::Text(end));
                        "word >= ? AND word < ?"
                    }
                    None => "word >= ?",
                };
                alternatives.push(format!(
                    "{id_expr} IN (SELECT entity_id FROM search_words \
                     WHERE council_id = ? AND entity = ? AND {range})"
                ));
            }
            self.and(Frag::new(format!("({})", alternatives.join(" OR ")), args));
        }
        self
    }

    /// Keeps rows each search word finds through one of `targets`: (entity kind, condition),
    /// where the condition holds `{words}` in place of the ids of that kind the word finds,
    /// such as `b.line_id IN ({words})` or a subquery reaching the row through another table.
    /// Conditions hold no `?` of their own.
    pub(crate) fn search_through(
        &mut self,
        council_id: i64,
        words: &SearchWords,
        targets: &[(&str, &str)],
    ) -> &mut ListSql {
        if !words.is_empty() {
            self.plan_once = true;
            self.searched = true;
        }
        for word in words.words() {
            let mut alternatives = Vec::new();
            let mut args = Vec::new();
            for (entity, condition) in targets {
                args.extend([
                    Arg::Int(council_id),
                    Arg::from(*entity),
                    Arg::from(word.as_str()),
                ]);
                let range = match prefix_end(word) {
                    Some(end) => {
                        args.push(Arg::Text(end));
                        "word >= ? AND word < ?"
                    }
                    None => "word >= ?",
                };
                let ids = format!(
                    "SELECT entity_id FROM search_words \
                     WHERE council_id = ? AND entity = ? AND {range}"
                );
                alternatives.push(condition.replace("{words}", &ids));
            }
            self.and(Frag::new(format!("({})", alternatives.join(" OR ")), args));
        }
        self
    }

    fn where_clause(&self, statement: &mut Statement, extra: Option<&Frag>) {
        for (i, condition) in self.conditions.iter().chain(extra).enumerate() {
            statement.text(if i == 0 { " WHERE " } else { " AND " });
            statement.frag(condition);
        }
    }

    /// The conditions and `keyset`, or `keyset` alone for rows already filtered.
    fn filter(&self, statement: &mut Statement, keyset: Option<&Frag>, filtered: bool) {
        match (filtered, keyset) {
            (false, _) => self.where_clause(statement, keyset),
            (true, Some(keyset)) => {
                statement.text(" WHERE ").frag(keyset);
            }
            (true, None) => {}
        }
    }

    /// For a searched list on PostgreSQL that counts the rows it pages, over one table: that
    /// table and its alias. Its matching rows are then found once, into [`MATCHED`], and
    /// counted and paged from there: counted beside the page, each looked its words up and
    /// read every match (the page to sort them, the count to count them), twice the work for
    /// a surname a hundred people share. SQLite looks the words up cheaply enough either way.
    fn matched_once(&self, backend: Backend) -> Option<(&str, &str)> {
        if backend != Backend::Postgres
            || !self.searched
            || self.known_total.is_some()
            || self.count_by.is_some()
        {
            return None;
        }
        let counted = self.count_from.as_deref().unwrap_or(&self.from);
        let mut words = counted.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some(table), Some(alias), None) => Some((table, alias)),
            _ => None,
        }
    }

    /// Writes `WITH matched AS (...)`: the rows of `table` the conditions keep.
    fn matched_into(&self, statement: &mut Statement, table: &str, alias: &str) {
        statement.text(&format!(
            "WITH {MATCHED} AS MATERIALIZED (SELECT {alias}.* FROM {table} {alias}"
        ));
        self.where_clause(statement, None);
        statement.text(") ");
    }

    /// The count of the rows in [`MATCHED`], up to the cap's one more.
    fn matched_count_into(&self, statement: &mut Statement) {
        statement.text(&match self.count_cap {
            Some(cap) => format!(
                "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM {MATCHED} LIMIT {}) capped",
                cap + 1
            ),
            None => format!("SELECT COUNT(*) AS n FROM {MATCHED}"),
        });
    }

    /// Writes the count's statement: `n`, the number of matching rows (up to the cap's one
    /// more).
    fn count_into(&self, statement: &mut Statement) {
        if let Some(count) = &self.count_by {
            statement.frag(count);
            return;
        }
        let from = self.count_from.as_deref().unwrap_or(&self.from);
        match self.count_cap {
            Some(_) => statement.text(&format!(
                "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM {from}"
            )),
            None => statement.text(&format!("SELECT COUNT(*) AS n FROM {from}")),
        };
        self.where_clause(statement, None);
        if let Some(cap) = self.count_cap {
            statement.text(&format!(" LIMIT {}) capped", cap + 1));
        }
    }

    /// The total a count's `n` stands for.
    fn counted(&self, row: &AnyRow) -> RepoResult<Total> {
        let n = u64::try_from(Cols::new(row, "list").int("n")?).unwrap_or(0);
        Ok(match self.count_cap {
            Some(cap) if n > cap => Total::AtLeast(cap),
            _ => Total::Exactly(n),
        })
    }

    async fn count(&self, tx: &mut StoreTx) -> RepoResult<Total> {
        let mut statement = Statement::new();
        self.count_into(&mut statement);
        let row = tx
            .one(bound(&statement.sql, &statement.args), || {
                "a count gave no row".into()
            })
            .await?;
        self.counted(&row)
    }

    /// Only the count of the matching rows, for a figure shown without the rows.
    pub(crate) async fn total(self, tx: &mut StoreTx) -> RepoResult<Total> {
        self.count(tx).await
    }

    /// Writes the page's own statement: the columns, the sort key and id under the builder's
    /// aliases, the conditions and `keyset`, the order and one more row than `limit`. When
    /// `matched` names the alias of the counted table, the page reads its rows from
    /// [`MATCHED`] (already filtered) instead of that table.
    fn page_from(
        &self,
        statement: &mut Statement,
        backend: Backend,
        keyset: Option<&Frag>,
        order: &str,
        limit: u64,
        matched: Option<&str>,
    ) {
        statement.text("SELECT ").frag(&self.select).text(&format!(
            ", {} AS {SORT_ALIAS}, {} AS {ID_ALIAS} FROM ",
            self.sort, self.id
        ));
        let order_by = if self.sort == self.id {
            format!("{} {order}", self.sort)
        } else {
            format!("{} {order}, {} {order}", self.sort, self.id)
        };
        match self.joined_to_page(backend) {
            // The page's rows are cut from the one table first and only they are joined: a
            // plan made once for every council (`StoreTx::plan_once`) then has a page's worth
            // of rows to look up, whatever the council's size.
            Some((table, alias, joins)) => {
                let table = if matched.is_some() { MATCHED } else { table };
                statement.text(&format!("(SELECT {alias}.* FROM {table} {alias}"));
                self.filter(statement, keyset, matched.is_some());
                statement.text(&format!(
                    " ORDER BY {order_by} LIMIT {}) {alias}{joins} ORDER BY {order_by}",
                    limit + 1
                ));
            }
            None => {
                match matched {
                    Some(alias) => statement.text(&format!("{MATCHED} {alias}")),
                    None => statement.text(&self.from),
                };
                self.filter(statement, keyset, matched.is_some());
                statement.text(&format!(" ORDER BY {order_by} LIMIT {}", limit + 1));
            }
        }
    }

    /// For a list whose joins only bring columns ([`ListSql::count_from`]), on PostgreSQL: the
    /// counted table, its alias and the joins after it. SQLite's planner already walks the
    /// table's index and looks each row's joins up as it goes.
    fn joined_to_page(&self, backend: Backend) -> Option<(&str, &str, &str)> {
        if backend != Backend::Postgres {
            return None;
        }
        let counted = self.count_from.as_deref()?;
        let joins = self.from.strip_prefix(counted)?;
        let mut words = counted.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some(table), Some(alias), None) if !joins.trim().is_empty() => {
                Some((table, alias, joins))
            }
            _ => None,
        }
    }

    /// The count (unless known) and the page, in one statement where the page's columns all
    /// have names: the page packed into one JSON value (see `packed.rs`) and the count beside
    /// it, so a list costs one round trip to the database. Else row by row, after a count.
    async fn page(
        &self,
        tx: &mut StoreTx,
        keyset: Option<&Frag>,
        order: &str,
        limit: u64,
        kept: Option<Kept<'_>>,
    ) -> RepoResult<(Total, Page)> {
        if self.plan_once {
            tx.plan_once().await?;
        }
        // A kept count is used only where the page's statement can carry the register's key.
        let by_rows = self.rows_on_postgres && tx.backend() == Backend::Postgres;
        let kept = kept.filter(|_| self.known_total.is_none() && !by_rows);
        let names = packed::output_names(self.select.sql());
        debug_assert!(
            names.is_some(),
            "a list's columns need plain names: {}",
            self.select.sql()
        );
        let Some(mut names) = names.filter(|_| !by_rows) else {
            let total = match self.known_total {
                Some(total) => total,
                None => self.count(tx).await?,
            };
            let mut statement = Statement::new();
            self.page_from(&mut statement, tx.backend(), keyset, order, limit, None);
            let rows = tx.all(bound(&statement.sql, &statement.args)).await?;
            return Ok((total, Page::Rows(rows)));
        };
        names.extend([SORT_ALIAS.to_string(), ID_ALIAS.to_string()]);
        let descending = order == "DESC";
        let by = [SORT_ALIAS, ID_ALIAS].map(|column| By {
            column: column.to_string(),
            descending,
        });
        let (head, tail) = packed::wrapping(tx.backend(), &names, &by);
        let mut statement = Statement::new();
        let matched = self.matched_once(tx.backend()).filter(|_| kept.is_none());
        if let Some((table, alias)) = matched {
            self.matched_into(&mut statement, table, alias);
        }
        let counting = self.known_total.is_none();
        if let Some(kept) = &kept {
            statement.text("SELECT ");
            statement.frag(&crate::due::key_columns(kept.council_id, kept.count.day));
            statement.text(", (");
        } else if counting {
            statement.text("SELECT (");
            match matched {
                Some(_) => self.matched_count_into(&mut statement),
                None => self.count_into(&mut statement),
            }
            statement.text(") AS n, (");
        }
        statement.text(&head);
        let from = matched.map(|(_, alias)| alias);
        self.page_from(&mut statement, tx.backend(), keyset, order, limit, from);
        statement.text(tail);
        if counting {
            statement.text(") AS page");
        }
        let row = tx
            .one(bound(&statement.sql, &statement.args), || {
                "a page gave no row".into()
            })
            .await?;
        let text = Cols::new(&row, "list").text("page")?;
        let page = Page::unpack(&text, &names, tx.backend(), &by)?;
        let total = match (self.known_total, kept) {
            (Some(total), _) => total,
            (None, Some(kept)) => {
                let at = crate::due::read_key(&row, kept.council_id)?;
                let key = kept.count.key(kept.council_id, at);
                match kept.count.counts.get(&key) {
                    Some(total) => total,
                    None => {
                        let total = self.count(tx).await?;
                        kept.count.counts.put(key, total);
                        total
                    }
                }
            }
            (None, None) => self.counted(&row)?,
        };
        Ok((total, page))
    }

    /// The page `window` asks for, in `direction`, with the count of every matching row.
    /// `read` turns each row into the list's item.
    pub(crate) async fn fetch<T>(
        self,
        tx: &mut StoreTx,
        window: &Window,
        direction: Direction,
        read: impl Fn(RowRef<'_>) -> RepoResult<T>,
    ) -> RepoResult<Listed<T>> {
        self.fetch_kept(tx, window, direction, None, read).await
    }

    /// As [`ListSql::fetch`], with the count `kept` holds for the register's state when it
    /// holds one: the page's statement reads the register's key in place of counting, and
    /// the rows are counted (and the count kept) only when no count is kept for that key.
    pub(crate) async fn fetch_kept<T>(
        self,
        tx: &mut StoreTx,
        window: &Window,
        direction: Direction,
        kept: Option<Kept<'_>>,
        read: impl Fn(RowRef<'_>) -> RepoResult<T>,
    ) -> RepoResult<Listed<T>> {
        let limit = u64::from(window.limit());
        // Reading backwards (towards the start of the list) runs the order the other way and
        // turns the rows round afterwards.
        let toward = window.from.as_ref().map_or(Toward::After, |c| c.toward);
        let backwards = toward == Toward::Before;
        let ascending = direction.is_descending() == backwards;
        let keyset = match &window.from {
            Some(cursor) => {
                let value = match (&cursor.value, self.kind) {
                    (SortValue::Text(t), KeyKind::Text) => Arg::Text(t.clone()),
                    (SortValue::Int(n), KeyKind::Int) => Arg::Int(*n),
                    _ => return Err(RepoError::BadCursor),
                };
                let op = if ascending { ">" } else { "<" };
                // A list sorted by its unique id needs no tie-break, and a plain comparison
                // is one every planner turns into an index range.
                if self.sort == self.id {
                    Some(Frag::new(format!("{} {op} ?", self.sort), vec![value]))
                } else {
                    Some(Frag::new(
                        format!("({}, {}) {op} (?, ?)", self.sort, self.id),
                        vec![value, Arg::Int(cursor.id)],
                    ))
                }
            }
            None => None,
        };
        let order = if ascending { "ASC" } else { "DESC" };
        let (total, mut rows) = self.page(tx, keyset.as_ref(), order, limit, kept).await?;
        let more = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        if backwards {
            rows.reverse();
        }
        let key_of = |row: RowRef<'_>| -> RepoResult<(SortValue, i64)> {
            let c = Cols::new(row, "list");
            let value = match self.kind {
                KeyKind::Text => SortValue::Text(c.text(SORT_ALIAS)?),
                KeyKind::Int => SortValue::Int(c.int(SORT_ALIAS)?),
            };
            Ok((value, c.int(ID_ALIAS)?))
        };
        let start = window.from.as_ref().map_or(0, |c| c.index);
        let count = rows.len() as u64;
        // Going forwards, rows lie before this page whenever it was reached through a cursor;
        // going backwards, when the query found more than a page.
        let (rows_before, rows_after) = match (window.from.is_some(), backwards) {
            (false, _) => (false, more),
            (true, false) => (true, more),
            (true, true) => (more, true),
        };
        let first_index = if backwards && more {
            start.saturating_sub(count)
        } else if backwards {
            // Nothing lies before: this is the first page, whatever the cursor thought.
            0
        } else {
            start
        };
        let next = match (
            rows_after,
            rows.len().checked_sub(1).and_then(|i| rows.row(i)),
        ) {
            (true, Some(last)) => {
                let (value, id) = key_of(last)?;
                Some(Cursor {
                    toward: Toward::After,
                    value,
                    id,
                    index: first_index + count,
                })
            }
            _ => None,
        };
        let previous = match (rows_before, rows.row(0)) {
            (true, Some(first)) => {
                let (value, id) = key_of(first)?;
                Some(Cursor {
                    toward: Toward::Before,
                    value,
                    id,
                    index: first_index,
                })
            }
            _ => None,
        };
        let items = rows.rows().map(read).collect::<RepoResult<Vec<T>>>()?;
        Ok(Listed {
            items,
            total,
            first_index,
            next,
            previous,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list sorted by a text column.
    fn text_list(select: &str, from: &str, sort: &str, id: &str) -> ListSql {
        ListSql::new(Frag::new(select, Vec::new()), from, sort, KeyKind::Text, id)
    }

    #[test]
    fn a_literal_is_quoted_with_its_quotes_doubled() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(day_literal(day), "'2026-12-01'");
        assert_eq!(literal("co_opted_member"), "'co_opted_member'");
        assert_eq!(literal("o'brien"), "'o''brien'");
    }

    #[test]
    fn a_page_of_joined_rows_is_cut_before_its_joins_on_postgres_only() {
        let mut sql = text_list(
            "e.id, p.name",
            "equipment e LEFT JOIN people p ON p.id = e.holder",
            "e.asset_tag",
            "e.id",
        );
        sql.count_from("equipment e");
        sql.eq("e.council_id", 7);
        let mut pg = Statement::new();
        sql.page_from(&mut pg, Backend::Postgres, None, "ASC", 10, None);
        assert_eq!(
            pg.sql,
            "SELECT e.id, p.name, e.asset_tag AS list_sort_key, e.id AS list_row_id FROM \
             (SELECT e.* FROM equipment e WHERE e.council_id = $1 \
             ORDER BY e.asset_tag ASC, e.id ASC LIMIT 11) e \
             LEFT JOIN people p ON p.id = e.holder ORDER BY e.asset_tag ASC, e.id ASC"
        );
        let mut lite = Statement::new();
        sql.page_from(&mut lite, Backend::Sqlite, None, "ASC", 10, None);
        assert_eq!(
            lite.sql,
            "SELECT e.id, p.name, e.asset_tag AS list_sort_key, e.id AS list_row_id FROM \
             equipment e LEFT JOIN people p ON p.id = e.holder WHERE e.council_id = $1 \
             ORDER BY e.asset_tag ASC, e.id ASC LIMIT 11"
        );
    }

    #[test]
    fn a_searched_list_finds_its_rows_once_on_postgres_and_pages_them_after_the_cursor() {
        let mut sql = text_list("p.id, p.name", "people p", "p.reference", "p.id");
        sql.eq("p.council_id", 7);
        sql.search(7, &SearchWords::parse("whit"), &[("person", "p.id")]);
        assert_eq!(sql.matched_once(Backend::Sqlite), None);
        assert_eq!(sql.matched_once(Backend::Postgres), Some(("people", "p")));
        let mut pg = Statement::new();
        sql.matched_into(&mut pg, "people", "p");
        sql.matched_count_into(&mut pg);
        let keyset = Frag::new(
            "(p.reference, p.id) > (?, ?)",
            vec![Arg::from("C1"), 3.into()],
        );
        sql.page_from(
            &mut pg,
            Backend::Postgres,
            Some(&keyset),
            "ASC",
            25,
            Some("p"),
        );
        assert_eq!(
            pg.sql,
            "WITH matched AS MATERIALIZED (SELECT p.* FROM people p WHERE p.council_id = $1 \
             AND (p.id IN (SELECT entity_id FROM search_words WHERE council_id = $2 \
             AND entity = $3 AND word >= $4 AND word < $5))) \
             SELECT COUNT(*) AS n FROM matched\
             SELECT p.id, p.name, p.reference AS list_sort_key, p.id AS list_row_id \
             FROM matched p WHERE (p.reference, p.id) > ($6, $7) \
             ORDER BY p.reference ASC, p.id ASC LIMIT 26"
        );
        assert_eq!(pg.args.len(), 7);
        // A count already known, or a list not searched, reads its table as before.
        sql.known_total(Some(Total::Exactly(3)));
        assert_eq!(sql.matched_once(Backend::Postgres), None);
    }
}
