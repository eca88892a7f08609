//! Where things are in a pack: paths into the parsed document, and the line and column a byte
//! offset falls on.

use std::fmt;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One step from a table to a value inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
}

/// The dotted TOML path of an item, such as `loans.extension.approvers[1]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Path(Vec<Step>);

impl Path {
    pub(crate) fn root() -> Self {
        Path::default()
    }

    pub(crate) fn key(&self, key: &str) -> Path {
        let mut steps = self.0.clone();
        steps.push(Step::Key(key.to_string()));
        Path(steps)
    }

    pub(crate) fn index(&self, index: usize) -> Path {
        let mut steps = self.0.clone();
        steps.push(Step::Index(index));
        Path(steps)
    }

    pub(crate) fn steps(&self) -> &[Step] {
        &self.0
    }

    /// Where a key of the table at this path lives, in the words a header uses:
    /// "in [loans.extension]", "in [[offices]]", or "at the top level".
    pub(crate) fn table_phrase(&self) -> String {
        if self.0.is_empty() {
            return "at the top level".to_string();
        }
        let keys: Vec<String> = self
            .0
            .iter()
            .filter_map(|step| match step {
                Step::Key(key) => Some(written_key(key)),
                Step::Index(_) => None,
            })
            .collect();
        let name = keys.join(".");
        // An element of an array of tables is written under a [[double]] header.
        match self.0.last() {
            Some(Step::Index(_)) => format!("in [[{name}]]"),
            _ => format!("in [{name}]"),
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Key(key) if i == 0 => f.write_str(&written_key(key))?,
                Step::Key(key) => write!(f, ".{}", written_key(key))?,
                Step::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// A key as it would be written in TOML: bare when it can be, quoted otherwise.
fn written_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        key.to_string()
    } else {
        format!("{key:?}")
    }
}

/// The span of the item at `path`, or of the deepest table on the way to it that exists. Items
/// that are missing or were filled in by a default are so reported at the table that lacks them.
pub(crate) fn span_of(root: &Spanned<DeTable<'_>>, path: &Path) -> Range<usize> {
    lookup(root, path).0
}

/// Whether the pack's text has an item at `path`.
pub(crate) fn exists(root: &Spanned<DeTable<'_>>, path: &Path) -> bool {
    lookup(root, path).1
}

fn lookup(root: &Spanned<DeTable<'_>>, path: &Path) -> (Range<usize>, bool) {
    let mut span = root.span();
    let mut table = Some(root.get_ref());
    let mut array = None;
    for step in path.steps() {
        let next = match step {
            Step::Key(key) => table.and_then(|t| t.get(key.as_str())),
            Step::Index(index) => {
                array.and_then(|items: &[Spanned<DeValue<'_>>]| items.get(*index))
            }
        };
        let Some(value) = next else {
            return (span, false);
        };
        span = value.span();
        table = value.get_ref().as_table();
        array = value.get_ref().as_array().map(|a| &a[..]);
    }
    (span, true)
}

/// Turns byte offsets into 1-based lines and columns, columns counted in characters.
pub(crate) struct Lines<'a> {
    source: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(source: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { source, starts }
    }

    pub(crate) fn position(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&start| start <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = self
            .source
            .get(start..)
            .unwrap_or("")
            .char_indices()
            .take_while(|(i, _)| start + i < offset)
            .count();
        (line, column + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_from_one() {
        let lines = Lines::new("ab\nçd = 1\n");
        assert_eq!(lines.position(0), (1, 1));
        assert_eq!(lines.position(1), (1, 2));
        assert_eq!(lines.position(3), (2, 1));
        // 'ç' is two bytes but one column.
        assert_eq!(lines.position(5), (2, 2));
        assert_eq!(lines.position(13), (3, 1));
    }

    #[test]
    fn paths_read_as_toml() {
        let path = Path::root()
            .key("loans")
            .key("extension")
            .key("approvers")
            .index(1);
        assert_eq!(path.to_string(), "loans.extension.approvers[1]");
        assert_eq!(
            Path::root()
                .key("offices")
                .index(2)
                .key("odd key")
                .to_string(),
            "offices[2].\"odd key\""
        );
        assert_eq!(
            Path::root().key("offices").index(0).table_phrase(),
            "in [[offices]]"
        );
        assert_eq!(
            Path::root().key("loans").key("recall").table_phrase(),
            "in [loans.recall]"
        );
        assert_eq!(Path::root().table_phrase(), "at the top level");
    }
}
