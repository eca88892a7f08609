use crate::model::{Clause, Pack};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A clause of a named document: what every decision carries so people can check it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Citation {
    pub clause: String,
    pub document: String,
}

impl Citation {
    pub fn new(pack: &Pack, clause: &Clause) -> Self {
        Citation {
            clause: clause.0.clone(),
            document: pack.pack.title.clone(),
        }
    }
}

impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Numbered clauses read "clause 28.9"; documents organised by heading read as the heading.
        // No clause at all is what a decision the document makes no provision for carries.
        if self.clause.is_empty() {
            write!(f, "{} names no one for this", self.document)
        } else if self.clause.starts_with(|c: char| c.is_ascii_digit()) {
            write!(f, "clause {}, {}", self.clause, self.document)
        } else {
            write!(f, "\u{201c}{}\u{201d}, {}", self.clause, self.document)
        }
    }
}
