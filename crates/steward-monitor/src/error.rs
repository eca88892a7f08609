//! What can go wrong in the web filter, each saying what and where.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum MonitorError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("category name {0:?} must be lower case letters, digits, `_` and `-`")]
    CategoryName(String),
    #[error("more than {0} categories; the filter handles at most that many")]
    TooManyCategories(usize),
    #[error("no category {name:?} in the lists; they have: {known}")]
    UnknownCategory { name: String, known: String },
    #[error("{}: no category lists found (expected <category>/domains, hosts or urls files)", path.display())]
    NoLists { path: PathBuf },
    #[error("{}: not a Steward web-filter index{detail}", path.display())]
    BadIndex { path: PathBuf, detail: String },
    #[error("block page template: {0}")]
    Template(String),
    #[error("{0}")]
    Usage(String),
    /// A line or a whole file beyond the limits in `lines::limits`.
    #[error("{}: {what}", path.display())]
    TooLong {
        path: PathBuf,
        what: crate::lines::Overrun,
    },
}

impl MonitorError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> MonitorError {
        MonitorError::Io {
            path: path.into(),
            source,
        }
    }

    /// Reading `path` stopped: a fault of the machine, or the file beyond a limit.
    pub fn reading(path: impl Into<PathBuf>, stopped: crate::lines::Overrun) -> MonitorError {
        match stopped {
            crate::lines::Overrun::Io(source) => MonitorError::io(path, source),
            what => MonitorError::TooLong {
                path: path.into(),
                what,
            },
        }
    }

    /// Whether the fault is in what the user gave (a file, a name, an option) rather than in
    /// the machine; the command line maps this to its "invalid input" exit code.
    pub fn is_invalid_input(&self) -> bool {
        !matches!(self, MonitorError::Io { .. })
    }
}
