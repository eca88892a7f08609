//! Secrets read where the settings point, at the moment they are needed.

use super::SourceError;
use std::io::Read;
use steward_domain::directory::settings::SecretFrom;

/// Longest secret read from a file.
const SECRET_MAX: u64 = 4096;

/// The secret's first line, without its line ending.
pub fn read_secret(from: &SecretFrom) -> Result<String, SourceError> {
    let fail = |why: String| SourceError::Secret {
        from: from.to_string(),
        why,
    };
    let text = match from {
        SecretFrom::Env(name) => std::env::var(name).map_err(|_| fail("it is not set".into()))?,
        SecretFrom::File(path) => {
            let mut text = String::new();
            std::fs::File::open(path)
                .map_err(|e| fail(e.kind().to_string()))?
                .take(SECRET_MAX)
                .read_to_string(&mut text)
                .map_err(|e| fail(e.kind().to_string()))?;
            text
        }
    };
    let line = text.lines().next().unwrap_or_default().to_string();
    if line.is_empty() {
        return Err(fail("it is empty".into()));
    }
    Ok(line)
}
