//! Reading a policy pack and checking it, reporting every problem with where it is and what
//! was expected, so that one run of the checker is enough to fix a pack.
//!
//! Three passes, each reporting everything it finds: TOML syntax; keys and types, key by key
//! against the schema; then the rules a well-typed pack must keep (offices that exist, windows
//! that end after they start). Syntax errors stop the later passes, since a half-read document
//! would show keys as missing that are only unreadable. Problems of the second pass do not stop
//! the third: the items at fault are set aside and the rest of each section is still checked.

mod meaning;
mod schema;
mod source;
mod structure;

#[cfg(test)]
mod tests;

use crate::model::Pack;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use source::{Lines, Path};
use std::fmt;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

/// One thing wrong with a pack, located in its source.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[schemars(rename = "PackProblem")]
pub struct Problem {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// Dotted TOML path of the offending item, such as `loans.extension.approvers[1]`; empty
    /// for syntax errors.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// Every problem found in one pack file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckError {
    pub file: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut problems: Vec<&Problem> = self.problems.iter().collect();
        problems.sort_by_key(|p| (p.line, p.column));
        for (i, problem) in problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}:{problem}", self.file)?;
        }
        Ok(())
    }
}

impl std::error::Error for CheckError {}

/// A pack that passed every check, with the exact text it came from.
#[derive(Clone, Debug)]
pub struct LoadedPack {
    pub pack: Pack,
    pub source: String,
    /// The Markdown people sign: `acceptance.text`, the contents of `acceptance.text_file`, or
    /// empty when the pack has no [acceptance].
    pub acceptance_text: String,
    /// Lowercase hex SHA-256 of the source, a zero byte, then the acceptance text: it changes
    /// whenever what people agreed to could have changed.
    pub hash: String,
}

/// A problem found by one of the passes, located by byte span until the end.
#[derive(Clone, Debug)]
pub(crate) struct Finding {
    pub(crate) path: Path,
    pub(crate) at: Range<usize>,
    pub(crate) message: String,
}

/// Parse and check a pack. `file` is the name shown in messages. `read_text` resolves
/// `acceptance.text_file` (relative name as written) to its contents or an error message.
pub fn check_pack(
    file: &str,
    source: &str,
    read_text: &dyn Fn(&str) -> Result<String, String>,
) -> Result<LoadedPack, CheckError> {
    let lines = Lines::new(source);
    let fail = |problems: Vec<Problem>| CheckError {
        file: file.to_string(),
        problems,
    };
    let (root, syntax) = DeTable::parse_recoverable(source);
    if !syntax.is_empty() {
        return Err(fail(syntax_problems(&syntax, source, &lines)));
    }
    let walk = structure::check(&root);
    let mut found = walk.found;
    let readable = structure::readable(root.get_ref(), &found);
    let meaning = meaning::check(&root, &readable, &walk.references, &lines, read_text);
    found.extend(meaning.found);
    let pack = match (found.is_empty(), meaning.acceptance_text) {
        (true, Some(text)) => whole_pack(&root).map(|pack| (pack, text)),
        _ => Err(found),
    };
    match pack {
        Ok((pack, acceptance_text)) => Ok(LoadedPack {
            pack,
            hash: pack_hash(source, &acceptance_text),
            source: source.to_string(),
            acceptance_text,
        }),
        Err(found) => Err(fail(located(found, &lines))),
    }
}

/// The final word on the pack's shape: the model's own derive.
fn whole_pack(root: &Spanned<DeTable<'_>>) -> Result<Pack, Vec<Finding>> {
    let value = Spanned::new(root.span(), DeValue::Table(root.get_ref().clone()));
    Pack::deserialize(ValueDeserializer::from(value)).map_err(|e| {
        vec![Finding {
            path: Path::root(),
            at: e.span().unwrap_or_else(|| root.span()),
            message: e.message().to_string(),
        }]
    })
}

fn pack_hash(source: &str, acceptance_text: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(source.as_bytes());
    hasher.update([0u8]);
    hasher.update(acceptance_text.as_bytes());
    hex::encode(hasher.finalize())
}

fn syntax_problems(errors: &[toml::de::Error], source: &str, lines: &Lines<'_>) -> Vec<Problem> {
    let mut problems: Vec<Problem> = errors
        .iter()
        .map(|e| {
            let at = e.span().unwrap_or(0..0);
            let (line, column) = lines.position(at.start);
            let message = match e.message() {
                // The parser does not say which key; the span does.
                "duplicate key" => format!(
                    "duplicate key `{}`; a key or table may be defined only once",
                    source.get(at).unwrap_or_default()
                ),
                other => other.to_string(),
            };
            Problem {
                line,
                column,
                path: String::new(),
                message,
            }
        })
        .collect();
    sort_and_dedup(&mut problems);
    problems
}

fn located(found: Vec<Finding>, lines: &Lines<'_>) -> Vec<Problem> {
    let mut problems: Vec<Problem> = found
        .into_iter()
        .map(|f| {
            let (line, column) = lines.position(f.at.start);
            Problem {
                line,
                column,
                path: f.path.to_string(),
                message: f.message,
            }
        })
        .collect();
    sort_and_dedup(&mut problems);
    problems
}

fn sort_and_dedup(problems: &mut Vec<Problem>) {
    problems.sort_by(|a, b| {
        (a.line, a.column, &a.path, &a.message).cmp(&(b.line, b.column, &b.path, &b.message))
    });
    problems.dedup();
}
