//! The words of a notice, as plain text and as HTML. Both state the decision and the clause it
//! rests on in the same sentence, so the reader can look the rule up.

use serde::{Deserialize, Serialize};
use steward_policy::Citation;

/// What a notice says, before it is written out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Letter {
    pub subject: String,
    /// The decision in a few words: "Return due 16 May 2027".
    pub decision: String,
    pub citation: Citation,
    /// What it means and what to do, one paragraph each.
    pub paragraphs: Vec<String>,
    /// The council that sends it.
    pub council: String,
}

impl Letter {
    /// "Return due 16 May 2027 — clause 28.9, Code on use of IT equipment". A letter that
    /// carries no decision of the policy (an invitation to choose a password) has an empty
    /// citation and states its point alone.
    pub fn decision_line(&self) -> String {
        if self.cites_nothing() {
            return self.decision.clone();
        }
        format!("{} \u{2014} {}", self.decision, self.citation)
    }

    /// Whether the letter rests on no clause of the policy.
    pub fn cites_nothing(&self) -> bool {
        self.citation.clause.is_empty()
    }

    fn footer(&self) -> String {
        format!(
            "Sent by Steward for {}, under the council's own policy. Please do not reply to \
             this message; contact the council's ICT team if something here is wrong.",
            self.council
        )
    }
}

pub fn render_text(letter: &Letter) -> String {
    let mut out = String::new();
    out.push_str(&letter.decision_line());
    out.push_str("\n\n");
    for p in &letter.paragraphs {
        out.push_str(p);
        out.push_str("\n\n");
    }
    out.push_str("-- \n");
    out.push_str(&letter.footer());
    out.push('\n');
    out
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A small self-contained page: no scripts, no remote images, no styles a mail client would
/// strip anyway. Every value is escaped.
pub fn render_html(letter: &Letter) -> String {
    let mut out = String::from("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n");
    out.push_str("<meta charset=\"utf-8\">\n");
    out.push_str(&format!("<title>{}</title>\n", escape(&letter.subject)));
    out.push_str("</head>\n<body>\n");
    if letter.cites_nothing() {
        out.push_str(&format!(
            "<p><strong>{}</strong></p>\n",
            escape(&letter.decision)
        ));
    } else {
        out.push_str(&format!(
            "<p><strong>{}</strong> \u{2014} {}</p>\n",
            escape(&letter.decision),
            escape(&letter.citation.to_string())
        ));
    }
    for p in &letter.paragraphs {
        out.push_str(&format!("<p>{}</p>\n", escape(p)));
    }
    out.push_str(&format!(
        "<hr>\n<p><small>{}</small></p>\n",
        escape(&letter.footer())
    ));
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter() -> Letter {
        Letter {
            subject: "Overdue: LAP-1".into(),
            decision: "Return due 16 May 2027".into(),
            citation: Citation {
                clause: "28.9".into(),
                document: "Code on use of IT equipment".into(),
            },
            paragraphs: vec!["Please bring <LAP-1> back & soon.".into()],
            council: "Dunmere Town Council".into(),
        }
    }

    #[test]
    fn both_bodies_state_the_decision_with_its_clause() {
        let l = letter();
        let text = render_text(&l);
        assert!(text.starts_with(
            "Return due 16 May 2027 \u{2014} clause 28.9, Code on use of IT equipment\n"
        ));
        assert!(text.contains("Please bring <LAP-1> back & soon."));
        let html = render_html(&l);
        assert!(html.contains(
            "<strong>Return due 16 May 2027</strong> \u{2014} clause 28.9, Code on use of IT equipment"
        ));
        assert!(html.contains("Please bring &lt;LAP-1&gt; back &amp; soon."));
        assert!(!html.contains("<LAP-1>"));
    }

    #[test]
    fn a_letter_without_a_clause_states_its_point_alone() {
        let l = Letter {
            decision: "Choose your password".into(),
            citation: Citation {
                clause: String::new(),
                document: String::new(),
            },
            ..letter()
        };
        assert!(render_text(&l).starts_with("Choose your password\n\n"));
        assert!(render_html(&l).contains("<p><strong>Choose your password</strong></p>"));
    }
}
