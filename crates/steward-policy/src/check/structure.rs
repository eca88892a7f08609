//! Keys and types: walks the parsed document against the schema, key by key and element by
//! element, so that one bad value never hides another.

use super::Finding;
use super::schema::{self, Leaf, Refers, Shape, Table, unknown_variant};
use super::source::{Path, Step};
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue, Error, ValueDeserializer};

/// What the walk found wrong, and every office named anywhere, for checking against
/// `[[offices]]` once that is known.
#[derive(Default)]
pub(crate) struct Walk {
    pub(crate) found: Vec<Finding>,
    pub(crate) references: Vec<Reference>,
}

/// An office id written where an office is meant.
pub(crate) struct Reference {
    pub(crate) path: Path,
    pub(crate) at: Range<usize>,
    pub(crate) id: String,
    pub(crate) signer: bool,
}

pub(crate) fn check(root: &Spanned<DeTable<'_>>) -> Walk {
    let mut walk = Walk::default();
    walk_table(
        root.get_ref(),
        root.span(),
        &schema::PACK,
        &Path::root(),
        &mut walk,
    );
    walk
}

/// The document without the items the findings point at, and without any table those
/// removals leave unreadable, so that the rest can still be read as model types and checked.
pub(crate) fn readable<'i>(root: &DeTable<'i>, found: &[Finding]) -> DeTable<'i> {
    let mut root = root.clone();
    for finding in found {
        prune(&mut root, &schema::PACK, finding.path.steps(), true);
    }
    root
}

/// Prunes along `steps`; returns whether `table` itself can no longer be read.
fn prune(table: &mut DeTable<'_>, shape: &Table, steps: &[Step], top: bool) -> bool {
    let Some((Step::Key(key), rest)) = steps.split_first() else {
        return false;
    };
    let Some(field) = shape.field(key) else {
        table.remove(key.as_str());
        return false;
    };
    let value = table.get_mut(key.as_str()).map(|v| v.get_mut());
    let unreadable = match (field.shape, value, rest) {
        (Shape::Table(child), Some(DeValue::Table(inner)), [_, ..]) => {
            prune(inner, child, rest, false)
        }
        (Shape::Tables(child), Some(DeValue::Array(items)), [Step::Index(i), deeper @ ..]) => {
            let element = items.get_mut(*i).map(|item| item.get_mut());
            let broken = match element {
                Some(DeValue::Table(inner)) => prune(inner, child, deeper, false),
                _ => true,
            };
            // Entries of a top-level array are read one by one, so a broken entry is simply
            // skipped; a nested array is read with its section and must go as a whole.
            broken && !top
        }
        // The finding is the field itself, an element of a list, or a missing key.
        _ => true,
    };
    if unreadable {
        table.remove(key.as_str());
        return field.required;
    }
    false
}

fn walk_table(
    table: &DeTable<'_>,
    span: Range<usize>,
    shape: &Table,
    path: &Path,
    walk: &mut Walk,
) {
    let before = walk.found.len();
    for (key, value) in table.iter() {
        let name: &str = key.get_ref();
        match shape.field(name) {
            Some(field) => walk_value(value, field.shape, &path.key(name), walk),
            None => walk.found.push(unknown_key(name, key.span(), shape, path)),
        }
    }
    for field in shape.fields.iter().filter(|f| f.required) {
        if !table.contains_key(field.key) {
            let missing = missing_key(field.key, field.shape, span.clone(), path);
            walk.found.push(missing);
        }
    }
    if let (Some(whole), true) = (shape.whole, walk.found.len() == before) {
        let value = Spanned::new(span.clone(), DeValue::Table(table.clone()));
        if let Err(e) = whole(ValueDeserializer::from(value)) {
            walk.found.push(explain_table_error(&e, table, span, path));
        }
    }
}

fn walk_value(value: &Spanned<DeValue<'_>>, shape: Shape, path: &Path, walk: &mut Walk) {
    match (shape, value.get_ref()) {
        (Shape::Value(leaf), _) => {
            if let Err(e) = (leaf.check)(ValueDeserializer::from(value.clone())) {
                walk.found.push(explain(&e, &leaf, value, path));
            }
            if leaf.refers != Refers::Nothing {
                note_references(
                    value,
                    leaf.refers == Refers::Signer,
                    path,
                    &mut walk.references,
                );
            }
        }
        (Shape::Table(table), DeValue::Table(entries)) => {
            walk_table(entries, value.span(), table, path, walk);
        }
        (Shape::Tables(table), DeValue::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                match item.get_ref() {
                    DeValue::Table(entries) => {
                        walk_table(entries, item.span(), table, &path.index(i), walk);
                    }
                    other => walk.found.push(Finding {
                        path: path.index(i),
                        at: item.span(),
                        message: format!("expected a table; found {}", describe(other)),
                    }),
                }
            }
        }
        (Shape::Table(_), other) => walk.found.push(Finding {
            path: path.clone(),
            at: value.span(),
            message: format!("expected a table, [{path}]; found {}", describe(other)),
        }),
        (Shape::Tables(_), other) => walk.found.push(Finding {
            path: path.clone(),
            at: value.span(),
            message: format!(
                "expected a list of tables, each under a [[{path}]] header; found {}",
                describe(other)
            ),
        }),
    }
}

/// Every office id in the value, whether or not the rest of the value passed its checks.
fn note_references(
    value: &Spanned<DeValue<'_>>,
    signer: bool,
    path: &Path,
    references: &mut Vec<Reference>,
) {
    let mut note = |item: &Spanned<DeValue<'_>>, path: Path| {
        if let Some(id) = item.get_ref().as_str() {
            references.push(Reference {
                path,
                at: item.span(),
                id: id.to_string(),
                signer,
            });
        }
    };
    match value.get_ref() {
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                note(item, path.index(i));
            }
        }
        _ => note(value, path.clone()),
    }
}

fn unknown_key(name: &str, at: Range<usize>, shape: &Table, path: &Path) -> Finding {
    let keys = shape.keys();
    let hint = closest(name, &keys)
        .map(|k| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default();
    Finding {
        path: path.key(name),
        at,
        message: format!(
            "unknown key `{name}` {}{hint}; expected one of: {}",
            path.table_phrase(),
            keys.join(", ")
        ),
    }
}

fn missing_key(key: &str, shape: Shape, at: Range<usize>, path: &Path) -> Finding {
    let missing = path.key(key);
    let message = match shape {
        Shape::Table(_) => format!("missing table [{missing}]"),
        _ => format!("missing key `{key}` {}", path.table_phrase()),
    };
    Finding {
        path: missing,
        at,
        message,
    }
}

/// A value its model type refused, told as what was expected and what was found instead.
fn explain(e: &Error, leaf: &Leaf, value: &Spanned<DeValue<'_>>, path: &Path) -> Finding {
    let at = e.span().unwrap_or_else(|| value.span());
    // Errors inside a list point at the element; name it, and describe an element's type.
    let element = match value.get_ref() {
        DeValue::Array(items) if at != value.span() => {
            items.iter().enumerate().find(|(_, item)| item.span() == at)
        }
        _ => None,
    };
    let (path, found, words) = match element {
        Some((i, item)) => (path.index(i), item.get_ref(), leaf.item),
        None => (path.clone(), value.get_ref(), leaf.whole),
    };
    let message = match unknown_variant(e.message()) {
        Some((word, choices)) => {
            format!("expected one of: {}; found {word:?}", choices.join(", "))
        }
        None => format!("expected {}; found {}", words.render(), describe(found)),
    };
    Finding { path, at, message }
}

/// A table its model type refused as a whole; serde names the key, so point at it.
fn explain_table_error(e: &Error, table: &DeTable<'_>, span: Range<usize>, path: &Path) -> Finding {
    let message = e.message();
    let quoted = message.split('`').nth(1).unwrap_or_default();
    if message.starts_with("missing field") {
        return Finding {
            path: path.key(quoted),
            at: span,
            message: format!("missing key `{quoted}` {}", path.table_phrase()),
        };
    }
    if message.starts_with("unknown field") {
        let at = table
            .get_key_value(quoted)
            .map_or(span, |(key, _)| key.span());
        let allowed = message.split('`').skip(3).step_by(2).collect::<Vec<_>>();
        return Finding {
            path: path.key(quoted),
            at,
            message: format!(
                "key `{quoted}` is not allowed here {}; expected one of: {}",
                path.table_phrase(),
                allowed.join(", ")
            ),
        };
    }
    if let Some((word, choices)) = unknown_variant(message) {
        // The refused word is one of this table's values; find which.
        let holder = table
            .iter()
            .find(|(_, v)| v.get_ref().as_str() == Some(word.as_str()));
        let (at, path) = holder.map_or((span, path.clone()), |(key, v)| {
            (v.span(), path.key(key.get_ref()))
        });
        return Finding {
            path,
            at,
            message: format!("expected one of: {}; found {word:?}", choices.join(", ")),
        };
    }
    Finding {
        path: path.clone(),
        at: e.span().unwrap_or(span),
        message: message.to_string(),
    }
}

/// A value as the person who wrote it would recognise it.
pub(crate) fn describe(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(text) if text.trim().is_empty() => "empty text".to_string(),
        DeValue::String(text) => format!("{:?}", shorten(text)),
        DeValue::Integer(n) => format!("the number {n}"),
        DeValue::Float(n) => format!("the number {n}"),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => match (d.date, d.time) {
            (Some(_), None) => format!("the date {d}"),
            (None, Some(_)) => format!("the time {d}"),
            _ => format!("the date and time {d}"),
        },
        DeValue::Array(_) => "a list".to_string(),
        DeValue::Table(_) => "a table".to_string(),
    }
}

fn shorten(text: &str) -> String {
    const MOST: usize = 40;
    if text.chars().count() <= MOST {
        return text.to_string();
    }
    let head: String = text.chars().take(MOST).collect();
    format!("{head}...")
}

/// The known key a misspelt one was most likely meant to be: at most two edits away.
fn closest<'k>(name: &str, keys: &[&'k str]) -> Option<&'k str> {
    keys.iter()
        .map(|k| (edits(name, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance, by the usual single-row dynamic programme.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}
