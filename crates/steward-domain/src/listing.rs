//! Lists of the register, paged in the database: what a caller asks for ([`ListQuery`]: a
//! search, a sort, a direction and a [`Window`]) and what comes back ([`Listed`]: one page,
//! how many rows match in all, and [`Cursor`]s for the pages either side).
//!
//! Paging is by keyset: a cursor holds the sort value and id of the row a page starts after
//! (or before), so each page costs the same however deep into the list it is, and rows added
//! meanwhile neither repeat nor go missing. The store turns each list's sort into an indexed
//! SQL expression; this module holds only what every list shares.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// The most rows one page may hold.
pub const MAX_LIMIT: u32 = 200;

/// The most words a search may hold; more are ignored.
pub const MAX_SEARCH_WORDS: usize = 6;

/// The longest search word kept; longer ones are cut.
pub const MAX_WORD_CHARS: usize = 40;

/// Which way a list runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    #[default]
    Ascending,
    Descending,
}

impl Direction {
    pub fn is_descending(self) -> bool {
        self == Direction::Descending
    }
}

/// A sort value as the cursor carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SortValue {
    Text(String),
    Int(i64),
}

/// Which side of the cursor's row a page lies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toward {
    After,
    Before,
}

/// A position in a sorted list: the page starts just after (or ends just before) the row with
/// this sort value and id. `index` is the position (from 0) of the first row of the page it
/// leads to, so a page can say "rows 26 to 50"; it may drift if rows are added meanwhile,
/// which changes only that sentence, never which rows come.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub toward: Toward,
    pub value: SortValue,
    pub id: i64,
    pub index: u64,
}

/// A cursor that could not be read: it was not made by this server, or was cut short.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the cursor is not one this list gave")]
pub struct BadCursor;

/// Cursors travel as opaque URL-safe text: `a` or `b`, the index, the id, and the value
/// (`i` and a number, or `t` and the text), separated by `.` before encoding.
impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let toward = match self.toward {
            Toward::After => 'a',
            Toward::Before => 'b',
        };
        let value = match &self.value {
            SortValue::Int(n) => format!("i{n}"),
            SortValue::Text(t) => format!("t{t}"),
        };
        let plain = format!("{toward}.{}.{}.{value}", self.index, self.id);
        f.write_str(&URL_SAFE_NO_PAD.encode(plain))
    }
}

impl FromStr for Cursor {
    type Err = BadCursor;

    fn from_str(text: &str) -> Result<Cursor, BadCursor> {
        if text.len() > 1_000 {
            return Err(BadCursor);
        }
        let bytes = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| BadCursor)?;
        let plain = String::from_utf8(bytes).map_err(|_| BadCursor)?;
        let mut parts = plain.splitn(4, '.');
        let toward = match parts.next() {
            Some("a") => Toward::After,
            Some("b") => Toward::Before,
            _ => return Err(BadCursor),
        };
        let index = parts.next().and_then(|p| p.parse().ok()).ok_or(BadCursor)?;
        let id = parts.next().and_then(|p| p.parse().ok()).ok_or(BadCursor)?;
        let value = parts.next().ok_or(BadCursor)?;
        let value = if let Some(n) = value.strip_prefix('i') {
            SortValue::Int(n.parse().map_err(|_| BadCursor)?)
        } else if let Some(t) = value.strip_prefix('t') {
            if t.contains('\0') {
                return Err(BadCursor);
            }
            SortValue::Text(t.to_string())
        } else {
            return Err(BadCursor);
        };
        Ok(Cursor {
            toward,
            value,
            id,
            index,
        })
    }
}

/// Which page of a list: how many rows, and from where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    limit: u32,
    pub from: Option<Cursor>,
}

impl Window {
    /// The first `limit` rows (at least 1, at most [`MAX_LIMIT`]).
    pub fn first(limit: u32) -> Window {
        Window {
            limit: limit.clamp(1, MAX_LIMIT),
            from: None,
        }
    }

    /// `limit` rows from `cursor`.
    pub fn at(limit: u32, cursor: Option<Cursor>) -> Window {
        Window {
            from: cursor,
            ..Window::first(limit)
        }
    }

    pub fn limit(&self) -> u32 {
        self.limit
    }
}

/// The words of a search, as the register's search index holds them: lower case, split at
/// anything that is not a letter or digit. A row matches when each word begins one of its
/// indexed words (its name's, reference's, asset tag's or serial's).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchWords(Vec<String>);

impl SearchWords {
    pub fn parse(text: &str) -> SearchWords {
        let mut words: Vec<String> = Vec::new();
        for word in words_of(text) {
            if words.len() == MAX_SEARCH_WORDS {
                break;
            }
            if !words.contains(&word) {
                words.push(word);
            }
        }
        SearchWords(words)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn words(&self) -> &[String] {
        &self.0
    }
}

/// The words under which a text is found: lower case, split at anything that is not a letter
/// or digit, each cut to [`MAX_WORD_CHARS`]. The store indexes these for names, references,
/// asset tags and serial numbers; a search's words are made the same way.
pub fn words_of(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().chars().take(MAX_WORD_CHARS).collect())
}

/// The smallest text greater than every text that starts with `prefix`, for a range scan:
/// `word >= prefix AND word < prefix_end(prefix)`. None when no such bound exists (the prefix
/// is all U+10FFFF), in which case `word >= prefix` alone is the range.
pub fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let mut next = u32::from(last) + 1;
        // Skip the surrogate range, which no char can hold.
        if (0xD800..=0xDFFF).contains(&next) {
            next = 0xE000;
        }
        if let Some(c) = char::from_u32(next) {
            chars.push(c);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// What a list is asked for. `S` is the list's own sort, an enum the store maps to an indexed
/// column; `F` its filters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListQuery<S, F = ()> {
    pub search: SearchWords,
    pub sort: S,
    pub direction: Direction,
    pub filter: F,
    pub window: Window,
}

impl<S: Default, F: Default> Default for ListQuery<S, F> {
    fn default() -> Self {
        ListQuery {
            search: SearchWords::default(),
            sort: S::default(),
            direction: Direction::default(),
            filter: F::default(),
            window: Window::first(50),
        }
    }
}

impl<S, F> ListQuery<S, F> {
    /// The same query for the next page of rows after `cursor`: how a caller walks a whole
    /// list (an export) page by page.
    pub fn continue_from(&mut self, cursor: Cursor) {
        self.window.from = Some(cursor);
    }
}

/// How many rows match, when counting them all would cost more than the page itself.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "kind", content = "count", rename_all = "snake_case")]
pub enum Total {
    Exactly(u64),
    /// At least this many; the count stopped there.
    AtLeast(u64),
}

impl Total {
    pub fn value(self) -> u64 {
        match self {
            Total::Exactly(n) | Total::AtLeast(n) => n,
        }
    }
}

/// One page of a list.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "{T}Listed")]
pub struct Listed<T> {
    pub items: Vec<T>,
    pub total: Total,
    /// The position (from 0) of the first item in the whole list.
    pub first_index: u64,
    #[serde(skip)]
    pub next: Option<Cursor>,
    #[serde(skip)]
    pub previous: Option<Cursor>,
}

impl<T> Listed<T> {
    pub fn empty() -> Listed<T> {
        Listed {
            items: Vec::new(),
            total: Total::Exactly(0),
            first_index: 0,
            next: None,
            previous: None,
        }
    }

    /// The same page with each item turned into something else.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Listed<U> {
        Listed {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            first_index: self.first_index,
            next: self.next,
            previous: self.previous,
        }
    }

    /// The same page with each item turned into something else, failing on the first that
    /// cannot be.
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Listed<U>, E> {
        Ok(Listed {
            items: self.items.into_iter().map(f).collect::<Result<_, E>>()?,
            total: self.total,
            first_index: self.first_index,
            next: self.next,
            previous: self.previous,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cursors_read_back_what_they_wrote() {
        let c = Cursor {
            toward: Toward::Before,
            value: SortValue::Text("o'brien. ann".into()),
            id: 42,
            index: 25,
        };
        assert_eq!(c.to_string().parse::<Cursor>(), Ok(c));
        for bad in ["", "x", "YS4xLjI", "!!!", &"a".repeat(2_000)] {
            assert_eq!(bad.parse::<Cursor>(), Err(BadCursor), "{bad}");
        }
    }

    #[test]
    fn search_words_are_lower_case_and_split_at_punctuation() {
        let s = SearchWords::parse("  LAP-0102 Ada  ada Ó'Brien ");
        assert_eq!(s.words(), ["lap", "0102", "ada", "ó", "brien"]);
        assert!(SearchWords::parse(" -- ").is_empty());
        assert_eq!(SearchWords::parse("a b c d e f g h").words().len(), 6);
    }

    #[test]
    fn prefix_ends_bound_every_text_with_the_prefix() {
        assert_eq!(prefix_end("ab").as_deref(), Some("ac"));
        assert_eq!(prefix_end("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_end("\u{D7FF}").as_deref(), Some("\u{E000}"));
        assert_eq!(prefix_end("\u{10FFFF}"), None);
    }

    proptest! {
        #[test]
        fn any_cursor_round_trips(text in ".{0,40}", id in any::<i64>(), index in any::<u64>(),
                                  n in any::<i64>(), is_text in any::<bool>()) {
            let value = if is_text && !text.contains('\0') {
                SortValue::Text(text)
            } else {
                SortValue::Int(n)
            };
            let c = Cursor { toward: Toward::After, value, id, index };
            prop_assert_eq!(c.to_string().parse::<Cursor>(), Ok(c));
        }

        #[test]
        fn texts_with_a_prefix_sort_below_its_end(prefix in "[a-z0-9é]{1,6}", rest in ".{0,6}") {
            let word = format!("{prefix}{rest}");
            if let Some(end) = prefix_end(&prefix) {
                prop_assert!(word.as_str() < end.as_str());
                prop_assert!(prefix.as_str() < end.as_str());
            }
        }

        #[test]
        fn cursor_parsing_never_panics(text in ".{0,80}") {
            let _ = text.parse::<Cursor>();
        }
    }
}
