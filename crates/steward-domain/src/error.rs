use crate::repo::RepoError;
use serde::Serialize;
use steward_policy::decide::Refusal;

/// Why a command did not happen. Nothing was written when any of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("{what} '{key}' was not found")]
    NotFound { what: &'static str, key: String },
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{field}: {message}")]
    Conflict { field: String, message: String },
    #[error("{action} refused: {}", join_refusals(.refusals))]
    Refused {
        action: &'static str,
        refusals: Vec<Refusal>,
    },
    #[error(
        "council '{council}' has not adopted a policy in force on {on}; adopt one with `steward policy adopt`"
    )]
    NoPolicy {
        council: String,
        on: chrono::NaiveDate,
    },
    /// The account acting may not do this (not the office that handles it, not an approver).
    #[error("{0}")]
    Forbidden(String),
    // Transparent, so that the problems are said once, not again as their own cause.
    #[error(transparent)]
    Policy(#[from] steward_policy::CheckError),
    #[error(transparent)]
    Import(#[from] crate::import::ImportErrors),
    #[error(transparent)]
    Repo(RepoError),
}

fn join_refusals(refusals: &[Refusal]) -> String {
    refusals
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

impl From<RepoError> for DomainError {
    fn from(e: RepoError) -> Self {
        match e {
            RepoError::Conflict { constraint } => conflict_for(&constraint),
            RepoError::BadCursor => DomainError::invalid(
                "cursor",
                "the cursor belongs to another list or order; start from the first page",
            ),
            other => DomainError::Repo(other),
        }
    }
}

/// Turns a storage uniqueness rule into the field a person would correct.
fn conflict_for(constraint: &str) -> DomainError {
    let (field, message) = match constraint {
        "councils_slug_unique" => ("council", "a council with this short name already exists"),
        "people_ref_unique" => ("reference", "a person with this reference already exists"),
        "equipment_tag_unique" => ("asset_tag", "equipment with this asset tag already exists"),
        "loans_one_open_per_equipment" => ("asset_tag", "this equipment is already on loan"),
        "users_username_unique" => ("username", "that username is taken"),
        "api_tokens_hash_unique" => (
            "token",
            "a token with this secret already exists; try again",
        ),
        "sessions_pkey" => (
            "session",
            "a session with this id already exists; try again",
        ),
        "outbox_message_id_unique" => (
            "message",
            "a message for this notice and recipient is already queued",
        ),
        "pack_versions_number_unique" => (
            "policy",
            "another policy version was adopted at the same moment; try again",
        ),
        "phone_lines_number_unique" => ("number", "this number is already a council phone line"),
        "proxy_users_username_unique" => ("username", "that proxy user name is someone else's"),
        "equipment_addresses_address_unique" => ("address", "that address is another item's"),
        "phone_bills_line_period_unique" => (
            "period",
            "this month's bill for the line has already been imported",
        ),
        "phone_statements_bill_person_unique" => (
            "person",
            "a statement for this person on this bill has already been issued",
        ),
        _ => ("record", "this record already exists"),
    };
    DomainError::Conflict {
        field: field.to_string(),
        message: message.to_string(),
    }
}

impl DomainError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        DomainError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn not_found(what: &'static str, key: impl ToString) -> Self {
        DomainError::NotFound {
            what,
            key: key.to_string(),
        }
    }

    /// A short machine-readable kind for exit codes and API problem types.
    pub fn kind(&self) -> ErrorKind {
        match self {
            DomainError::NotFound { .. } => ErrorKind::NotFound,
            DomainError::Invalid { .. } | DomainError::Policy(_) | DomainError::Import(_) => {
                ErrorKind::Invalid
            }
            DomainError::Conflict { .. } => ErrorKind::Conflict,
            DomainError::Refused { .. } | DomainError::NoPolicy { .. } => ErrorKind::Refused,
            DomainError::Forbidden(_) => ErrorKind::Forbidden,
            DomainError::Repo(_) => ErrorKind::Internal,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    NotFound,
    Invalid,
    Conflict,
    Refused,
    Forbidden,
    Internal,
}

pub type DomainResult<T> = Result<T, DomainError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_constraints_name_the_field_to_correct() {
        let err = DomainError::from(RepoError::Conflict {
            constraint: "users_username_unique".into(),
        });
        assert_eq!(err.to_string(), "username: that username is taken");
        assert_eq!(err.kind(), ErrorKind::Conflict);
        let err = DomainError::from(RepoError::Conflict {
            constraint: "api_tokens_hash_unique".into(),
        });
        assert!(err.to_string().starts_with("token: "));
    }
}
