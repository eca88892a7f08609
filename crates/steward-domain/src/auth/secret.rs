//! Random secrets handed out once (session ids, CSRF tokens, API tokens) and the digests the
//! store keeps in their place.

use crate::error::DomainError;
use crate::repo::RepoError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use std::fmt;

/// What every API token starts with, so one pasted by mistake is easy to spot and to scan for.
pub const TOKEN_PREFIX: &str = "stw_";

/// Random bytes in each secret.
const SECRET_BYTES: usize = 32;
/// Length of 32 bytes in unpadded base64url.
const SECRET_CHARS: usize = 43;

pub(crate) fn internal(message: &str) -> DomainError {
    DomainError::Repo(RepoError::Backend(message.to_string()))
}

/// 32 bytes from the operating system's generator, as unpadded base64url (43 characters).
pub fn random_text() -> Result<String, DomainError> {
    let mut bytes = [0u8; SECRET_BYTES];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| internal(&format!("the system's random number generator failed: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The SHA-256 of a secret, as lower-case hex: what the store keeps instead of the secret.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn well_formed(text: &str) -> bool {
    text.len() == SECRET_CHARS
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A session id as the browser holds it. `Debug` hides it; use [`SessionSecret::expose`] to
/// put it in the cookie.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionSecret(String);

impl SessionSecret {
    pub fn generate() -> Result<SessionSecret, DomainError> {
        random_text().map(SessionSecret)
    }

    /// Accepts what a browser sent if it has the shape of a session id.
    pub fn parse(raw: &str) -> Option<SessionSecret> {
        well_formed(raw).then(|| SessionSecret(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The key the store files the session under.
    pub fn digest(&self) -> String {
        digest(&self.0)
    }
}

impl fmt::Debug for SessionSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionSecret(hidden)")
    }
}

/// An API token as its holder sees it: `stw_` and 43 base64url characters. Shown once.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSecret(String);

impl TokenSecret {
    pub fn generate() -> Result<TokenSecret, DomainError> {
        Ok(TokenSecret(format!("{TOKEN_PREFIX}{}", random_text()?)))
    }

    pub fn parse(raw: &str) -> Option<TokenSecret> {
        let raw = raw.trim();
        raw.strip_prefix(TOKEN_PREFIX)
            .is_some_and(well_formed)
            .then(|| TokenSecret(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn digest(&self) -> String {
        digest(&self.0)
    }
}

impl fmt::Debug for TokenSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSecret(hidden)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_base64url_of_32_bytes() {
        let a = SessionSecret::generate().unwrap_or_else(|e| panic!("{e}"));
        let b = SessionSecret::generate().unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 43);
        let decoded = URL_SAFE_NO_PAD.decode(a.expose()).unwrap_or_default();
        assert_eq!(decoded.len(), 32);
        assert_eq!(SessionSecret::parse(a.expose()), Some(a.clone()));
        assert_eq!(format!("{a:?}"), "SessionSecret(hidden)");
        for bad in [
            "",
            "short",
            &format!("{}=", &a.expose()[..42]),
            &format!("{}x", a.expose()),
        ] {
            assert_eq!(SessionSecret::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn tokens_carry_their_prefix_and_digest_to_sha256_hex() {
        let t = TokenSecret::generate().unwrap_or_else(|e| panic!("{e}"));
        assert!(t.expose().starts_with("stw_"));
        assert_eq!(t.expose().len(), 4 + 43);
        assert_eq!(TokenSecret::parse(t.expose()), Some(t.clone()));
        assert_eq!(TokenSecret::parse(&t.expose()[4..]), None);
        assert_eq!(t.digest().len(), 64);
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(format!("{t:?}"), "TokenSecret(hidden)");
    }

    #[test]
    fn constant_time_comparison_is_still_a_comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
        assert!(constant_time_eq("", ""));
    }
}
