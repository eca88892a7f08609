//! Why a command sent to a remote Steward did not succeed, each with the kind of failure (and
//! so the exit code) the same outcome has when the command runs on a database.

use crate::output::FailureKind;
use steward_policy::decide::Refusal;

#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error(
        "`steward {command}` works only on a database and cannot be sent to a server: {why}; \
         run it without --server (and without STEWARD_SERVER)"
    )]
    LocalOnly { command: String, why: &'static str },
    #[error("--server: {0}")]
    BadAddress(String),
    #[error("no API token for --server: set STEWARD_TOKEN or give --token-file FILE")]
    NoToken,
    #[error("--token-file {path}: {reason}")]
    TokenFile { path: String, reason: String },
    #[error(
        "the token was refused by {server}: it is unknown, expired or revoked, or its account \
         is disabled; make one with `steward token create` and pass it in STEWARD_TOKEN or \
         --token-file"
    )]
    TokenRefused { server: String },
    #[error("could not reach {address}: {reason}")]
    Unreachable { address: String, reason: String },
    /// The server answered with a problem it describes; `detail` is its explanation.
    #[error("{detail}")]
    Problem {
        kind: FailureKind,
        detail: String,
        field: Option<String>,
        /// Every field the server found at fault, with its explanation.
        errors: Vec<(String, String)>,
    },
    /// The policy refused `action`, with every reason and its clause.
    #[error("{action} refused: {}", join(.refusals))]
    Refused {
        action: String,
        refusals: Vec<Refusal>,
    },
    #[error("{address} answered {status} with something other than Steward's API: {reason}")]
    Unexpected {
        address: String,
        status: u16,
        reason: String,
    },
}

fn join(refusals: &[Refusal]) -> String {
    let reasons: Vec<String> = refusals.iter().map(ToString::to_string).collect();
    reasons.join("; ")
}

impl RemoteError {
    /// The kind of failure, which decides the exit code.
    pub fn kind(&self) -> FailureKind {
        match self {
            RemoteError::LocalOnly { .. }
            | RemoteError::BadAddress(_)
            | RemoteError::NoToken
            | RemoteError::TokenFile { .. } => FailureKind::Usage,
            // The account acting may not act at all: as a local command run by a disabled
            // account.
            RemoteError::TokenRefused { .. } => FailureKind::Forbidden,
            RemoteError::Problem { kind, .. } => *kind,
            RemoteError::Refused { .. } => FailureKind::Refused,
            RemoteError::Unreachable { .. } | RemoteError::Unexpected { .. } => {
                FailureKind::Internal
            }
        }
    }

    /// The problems of a file's rows, as the import on a database reports them: the server
    /// answers each as "line N: ..." against its column.
    pub fn rows_of(&self, file: &str) -> Option<steward_domain::import::ImportErrors> {
        let RemoteError::Problem { errors, .. } = self else {
            return None;
        };
        let mut rows = Vec::new();
        for (field, message) in errors {
            let (line, text) = message.strip_prefix("line ")?.split_once(": ")?;
            rows.push(steward_domain::import::RowError {
                line: line.parse().ok()?,
                column: (field != "body").then(|| field.clone()),
                message: text.to_string(),
            });
        }
        (!rows.is_empty()).then(|| steward_domain::import::ImportErrors {
            file: file.to_string(),
            errors: rows,
        })
    }

    /// The field at fault, where the server named one.
    pub fn field(&self) -> Option<&str> {
        match self {
            RemoteError::Problem { field, .. } => field.as_deref(),
            _ => None,
        }
    }
}
