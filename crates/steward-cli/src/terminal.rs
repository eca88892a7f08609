//! Text from the register on a terminal. A name or note may hold characters a terminal acts
//! on (escape sequences that move the cursor or change colours, direction overrides that
//! reorder what follows), so human output shows them as escapes (`\u{1b}`) instead.

use std::borrow::Cow;

/// Whether `c` would be acted on rather than shown.
fn acts(c: char) -> bool {
    c.is_control() || steward_domain::text::is_direction_control(c)
}

fn escape_where(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| acts(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if acts(c) && !keep(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One table cell or value: every control character escaped, line breaks too.
pub fn cell(text: &str) -> Cow<'_, str> {
    escape_where(text, |_| false)
}

/// A message of several lines: line breaks and tabs kept, everything else escaped.
pub fn lines(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| c == '\n' || c == '\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_act_on() {
        assert_eq!(cell("Ada Quill"), "Ada Quill");
        assert_eq!(cell("Ada\u{1b}[2J"), "Ada\\u{1b}[2J");
        assert_eq!(cell("a\nb"), "a\\u{a}b");
        assert_eq!(lines("a\nb\u{202e}c\n"), "a\nb\\u{202e}c\n");
    }
}
