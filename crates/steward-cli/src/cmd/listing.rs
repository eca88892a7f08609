//! Lists on the command line: `--search`, `--sort`, `--desc`, `--limit` and `--cursor`, the
//! same for every list, paged in the database.
//!
//! Without `--limit` a command prints every matching row, read from the database a page at a
//! time; with it, one page, and where the next one starts.

use crate::args::ListArgs;
use crate::exit;
use crate::output::{Out, Page, Reply, count};
use serde::Serialize;
use std::future::Future;
use std::str::FromStr;
use steward_domain::listing::{
    Cursor, Direction, ListQuery, Listed, MAX_LIMIT, SearchWords, Total, Window,
};

/// Rows read at a time when printing a whole list.
const BATCH: u32 = MAX_LIMIT;

fn invalid(message: String) -> anyhow::Error {
    crate::Exit {
        code: exit::INVALID,
        message,
    }
    .into()
}

/// The domain's query for `args`, with the list's own `filter`.
pub fn query<S, F>(args: &ListArgs, filter: F) -> anyhow::Result<ListQuery<S, F>>
where
    S: FromStr<Err = String> + Default,
{
    let sort = match args.sort.as_deref() {
        Some(s) => s
            .parse()
            .map_err(|e: String| invalid(format!("--sort: {e}")))?,
        None => S::default(),
    };
    let cursor = match args.cursor.as_deref() {
        Some(c) => Some(c.parse::<Cursor>().map_err(|_| {
            invalid("--cursor: give the cursor an earlier page printed".to_string())
        })?),
        None => None,
    };
    if let Some(limit) = args.limit
        && !(1..=MAX_LIMIT).contains(&limit)
    {
        return Err(invalid(format!(
            "--limit: give a number of rows from 1 to {MAX_LIMIT}"
        )));
    }
    Ok(ListQuery {
        search: SearchWords::parse(args.search.as_deref().unwrap_or("")),
        sort,
        direction: if args.desc {
            Direction::Descending
        } else {
            Direction::Ascending
        },
        filter,
        window: Window::at(args.limit.unwrap_or(BATCH), cursor),
    })
}

/// What a list command read: every row, or one page.
pub enum Fetched<T> {
    All(Vec<T>),
    Page {
        items: Vec<T>,
        total: Total,
        next_cursor: Option<String>,
        previous_cursor: Option<String>,
    },
}

impl<T> Fetched<T> {
    pub fn items(&self) -> &[T] {
        match self {
            Fetched::All(items) | Fetched::Page { items, .. } => items,
        }
    }

    /// Where the page sits, for the envelope; `None` when every row was read.
    pub fn page(&self) -> Option<Page> {
        match self {
            Fetched::All(_) => None,
            Fetched::Page {
                total,
                next_cursor,
                previous_cursor,
                ..
            } => Some(Page {
                total: *total,
                next_cursor: next_cursor.clone(),
                previous_cursor: previous_cursor.clone(),
            }),
        }
    }

    /// How many rows were read, and of how many, in words: "3 of 40 loans".
    pub fn outcome(&self, one: &str, many: &str) -> String {
        match self {
            Fetched::All(items) => count(items.len(), one, many),
            Fetched::Page { items, total, .. } => {
                let more = match total {
                    Total::Exactly(_) => "",
                    Total::AtLeast(_) => "at least ",
                };
                format!(
                    "{} of {more}{}",
                    items.len(),
                    count(total.value() as usize, one, many)
                )
            }
        }
    }

    /// For people reading a page: where the next one starts.
    pub fn footer(&self) -> String {
        match self {
            Fetched::Page {
                next_cursor: Some(c),
                total,
                items,
                ..
            } => format!(
                "\n{} of {} shown; for the next page add --cursor {c}\n",
                items.len(),
                total.value()
            ),
            _ => String::new(),
        }
    }
}

impl<T: Serialize> Fetched<T> {
    /// Prints the list: its rows as `data` and where the page sits as `page` under `--json`,
    /// else the table `human` draws.
    pub fn print(
        &self,
        out: &Out,
        (one, many): (&str, &str),
        human: impl FnOnce() -> String,
    ) -> anyhow::Result<()> {
        let items = self.items();
        let reply = Reply::new(&items, self.outcome(one, many)).page(self.page());
        out.reply(reply, human)
    }
}

/// Runs `page` once (with `--limit`) or until the list is done.
pub async fn fetch<S: Clone, F: Clone, T, Fut>(
    args: &ListArgs,
    query: ListQuery<S, F>,
    mut page: impl FnMut(ListQuery<S, F>) -> Fut,
) -> anyhow::Result<Fetched<T>>
where
    Fut: Future<Output = anyhow::Result<Listed<T>>>,
{
    if args.limit.is_some() {
        let listed = page(query).await?;
        return Ok(Fetched::Page {
            next_cursor: listed.next.as_ref().map(Cursor::to_string),
            previous_cursor: listed.previous.as_ref().map(Cursor::to_string),
            total: listed.total,
            items: listed.items,
        });
    }
    let mut all = Vec::new();
    let mut query = query;
    loop {
        let listed = page(query.clone()).await?;
        all.extend(listed.items);
        match listed.next {
            Some(cursor) => query.continue_from(cursor),
            None => break,
        }
    }
    Ok(Fetched::All(all))
}
