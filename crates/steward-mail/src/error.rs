/// Why mail could not be set up or the outbox could not be worked through. A message the mail
/// server refused is not one of these: that is recorded on the message itself.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The SMTP address, sender or credentials are not usable; says which and how to fix it.
    #[error("{0}")]
    Config(String),
    #[error("could not prepare TLS for the mail server: {0}")]
    Tls(String),
    #[error(transparent)]
    Store(#[from] steward_store::StoreError),
    #[error(transparent)]
    Domain(#[from] steward_domain::DomainError),
}

impl From<steward_domain::RepoError> for MailError {
    fn from(e: steward_domain::RepoError) -> Self {
        MailError::Domain(e.into())
    }
}
