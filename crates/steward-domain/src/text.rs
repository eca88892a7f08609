//! The one rule for text people type, whichever way it arrives (a CSV file, an API body, a
//! form, the command line). A name is one line: no control characters at all. Free text
//! (notes, summaries, reasons) may run over several lines and hold tabs, but nothing else a
//! terminal or a page would act on. Neither may hold the invisible characters that reverse or
//! isolate the direction of text, which can make a name read as something it is not
//! ("Trojan Source"), nor zero-width spaces that make two names look the same.

use crate::error::{DomainError, DomainResult};

/// Why a piece of text is refused, in words that finish "the name ...".
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextProblem {
    #[error("contains a line break or other control character; keep it to one line of text")]
    NotOneLine,
    #[error("contains a control character ({0}); only line breaks and tabs are allowed")]
    Control(String),
    #[error("contains an invisible character that changes the direction of text ({0}); remove it")]
    Direction(String),
    #[error("contains an invisible zero-width character ({0}); remove it")]
    ZeroWidth(String),
}

/// U+202A–U+202E (embeddings and overrides) and U+2066–U+2069 (isolates).
pub fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Zero-width characters that never belong in text people read: the zero-width space, the
/// word joiner and the byte-order mark.
fn is_zero_width_space(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// The zero-width joiner and non-joiner shape letters in Persian, Indic scripts and emoji,
/// so they are allowed between two visible characters and nowhere else.
fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

fn visible(c: Option<char>) -> bool {
    c.is_some_and(|c| !c.is_whitespace() && !c.is_control() && !is_joiner(c))
}

fn code(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// The checks both kinds share: direction controls and misplaced zero-width characters.
fn invisible(s: &str) -> Result<(), TextProblem> {
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if is_direction_control(c) {
            return Err(TextProblem::Direction(code(c)));
        }
        let between =
            i > 0 && visible(chars.get(i - 1).copied()) && visible(chars.get(i + 1).copied());
        if is_zero_width_space(c) || (is_joiner(c) && !between) {
            return Err(TextProblem::ZeroWidth(code(c)));
        }
    }
    Ok(())
}

/// A name or other one-line value: no control characters, no direction controls.
pub fn one_line(s: &str) -> Result<(), TextProblem> {
    if s.chars().any(char::is_control) {
        return Err(TextProblem::NotOneLine);
    }
    invisible(s)
}

/// Free text: line breaks (LF or CRLF, as browsers send them) and tabs, but no other
/// control character and no direction controls.
pub fn free(s: &str) -> Result<(), TextProblem> {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let allowed = c == '\n' || c == '\t' || (c == '\r' && chars.peek() == Some(&'\n'));
        if c.is_control() && !allowed {
            return Err(TextProblem::Control(code(c)));
        }
    }
    invisible(s)
}

/// Free text in `field`, refused with an error naming the field.
pub fn check_free(field: &str, s: &str) -> DomainResult<()> {
    free(s).map_err(|why| DomainError::invalid(field, format!("the {} {why}", words(field))))
}

/// A one-line value in `field`, refused with an error naming the field.
pub fn check_one_line(field: &str, s: &str) -> DomainResult<()> {
    one_line(s).map_err(|why| DomainError::invalid(field, format!("the {} {why}", words(field))))
}

/// A field's name as words ("typed_name" is "typed name").
fn words(field: &str) -> String {
    field.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_are_one_line_without_direction_controls() {
        assert_eq!(one_line("Ada Quill-Rowe"), Ok(()));
        assert_eq!(one_line("Zoë O’Brien"), Ok(()));
        assert_eq!(one_line("Ada\nQuill"), Err(TextProblem::NotOneLine));
        assert_eq!(one_line("Ada\u{1b}[31m"), Err(TextProblem::NotOneLine));
        assert_eq!(
            one_line("Ada \u{202E}lliuQ"),
            Err(TextProblem::Direction("U+202E".into()))
        );
        assert_eq!(
            one_line("\u{2067}Ada"),
            Err(TextProblem::Direction("U+2067".into()))
        );
        assert_eq!(
            one_line("Ada\u{200B}Quill"),
            Err(TextProblem::ZeroWidth("U+200B".into()))
        );
    }

    #[test]
    fn joiners_are_allowed_only_between_visible_characters() {
        // Persian "mi-khaham" is written with a zero-width non-joiner between letters.
        assert_eq!(one_line("می\u{200C}خواهم"), Ok(()));
        assert_eq!(one_line("👩\u{200D}💻"), Ok(()));
        assert!(one_line("\u{200D}Ada").is_err());
        assert!(one_line("Ada \u{200D}Quill").is_err());
        assert!(one_line("Ada\u{200D}").is_err());
    }

    #[test]
    fn free_text_keeps_lines_and_tabs_only() {
        assert_eq!(free("Left on the bus.\r\nReported\tat 9."), Ok(()));
        assert_eq!(
            free("bell\u{7}"),
            Err(TextProblem::Control("U+0007".into()))
        );
        assert_eq!(free("a\rb"), Err(TextProblem::Control("U+000D".into())));
        assert!(free("see \u{202D}this").is_err());
    }

    #[test]
    fn errors_name_the_field() {
        let err = check_free("summary", "x\u{202E}").unwrap_err();
        assert!(matches!(&err, DomainError::Invalid { field, .. } if field == "summary"));
        assert!(err.to_string().contains("U+202E"), "{err}");
    }

    proptest! {
        #[test]
        fn what_passes_as_a_name_passes_as_free_text(s in "\\PC{0,30}") {
            if one_line(&s).is_ok() {
                prop_assert!(free(&s).is_ok());
            }
        }
    }
}
