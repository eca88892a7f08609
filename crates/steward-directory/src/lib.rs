//! Reading the council's directory for the register's sync: LDAP (on-premises Active
//! Directory or OpenLDAP) with paged searches, or Microsoft Graph with paged users and group
//! members. A source only reads: it hands every entry over as a [`RawEntry`], and the domain
//! decides what each means. Passwords and client secrets are read from their file or
//! environment variable when a read starts and are never kept, logged or shown.

mod graph;
mod ldap;
mod secret;

use std::time::Duration;
use steward_domain::directory::RawEntry;
use steward_domain::directory::settings::{DirectorySettings, SourceSettings};

pub use secret::read_secret;

/// How long a whole read may take before it is given up.
pub const READ_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// Most entries a read accepts, as the domain's sync does.
pub const ENTRIES_MAX: usize = steward_domain::directory::apply::ENTRIES_MAX;
/// Largest single Graph answer read (one page of up to 999 users).
pub const GRAPH_PAGE_MAX: u64 = 32 << 20;

/// Why a read failed. Nothing is changed when a read fails; the words name what went wrong,
/// never a secret.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("could not read the secret from {from}: {why}")]
    Secret { from: String, why: String },
    #[error("the LDAP directory at {url}: {why}")]
    Ldap { url: String, why: String },
    #[error("Microsoft Graph: {0}")]
    Graph(String),
    #[error(
        "the council's directory provisions by SCIM: it sends its changes to Steward, and there is nothing to read"
    )]
    Pushed,
    #[error("the directory sent more than {ENTRIES_MAX} entries")]
    TooMany,
    #[error("reading the directory took longer than {} minutes", READ_TIMEOUT.as_secs() / 60)]
    TimedOut,
}

/// Reads every entry the settings' source holds in scope, with the mapped groups each is in.
pub async fn read(settings: &DirectorySettings) -> Result<Vec<RawEntry>, SourceError> {
    let reading = async {
        match &settings.source {
            SourceSettings::Ldap { .. } => ldap::read(settings).await,
            SourceSettings::Graph { .. } => {
                let settings = settings.clone();
                tokio::task::spawn_blocking(move || graph::read(&settings))
                    .await
                    .map_err(|e| SourceError::Graph(format!("the read stopped: {e}")))?
            }
            SourceSettings::Scim => Err(SourceError::Pushed),
        }
    };
    tokio::time::timeout(READ_TIMEOUT, reading)
        .await
        .map_err(|_| SourceError::TimedOut)?
}
