//! Password hashing with argon2id, stored as PHC strings (`$argon2id$v=19$m=...,t=...,p=...$
//! salt$hash`) so each hash carries the cost it was made with.

use super::password::Password;
use super::secret::internal;
use crate::error::DomainError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand_core::OsRng;
use std::fmt;
use std::sync::OnceLock;

/// The argon2id cost: memory in KiB, passes over it, and lanes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashCost {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

/// OWASP's minimum for argon2id (Password Storage Cheat Sheet): 19 MiB, two passes, one lane.
pub const PRODUCTION_COST: HashCost = HashCost {
    memory_kib: 19_456,
    iterations: 2,
    parallelism: 1,
};

#[cfg(not(test))]
const COST: HashCost = PRODUCTION_COST;
/// Unit tests hash many passwords; they use a small cost, and one test checks the real one.
#[cfg(test)]
const COST: HashCost = HashCost {
    memory_kib: 256,
    iterations: 1,
    parallelism: 1,
};

/// A stored password hash in PHC form. Never printed, serialised or audited.
#[derive(Clone, PartialEq, Eq)]
pub struct HashedPassword(String);

impl fmt::Debug for HashedPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HashedPassword(hidden)")
    }
}

impl HashedPassword {
    /// Wraps a PHC string read back from storage.
    pub fn from_phc(phc: String) -> HashedPassword {
        HashedPassword(phc)
    }

    /// The PHC string, for storage only.
    pub fn as_phc(&self) -> &str {
        &self.0
    }
}

fn hasher(cost: HashCost) -> Result<Argon2<'static>, DomainError> {
    let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
        .map_err(|e| internal(&format!("the password hashing cost is not valid: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_with(text: &str, cost: HashCost) -> Result<HashedPassword, DomainError> {
    let salt = SaltString::generate(&mut OsRng);
    let hash = hasher(cost)?
        .hash_password(text.as_bytes(), &salt)
        .map_err(|e| internal(&format!("could not hash the password: {e}")))?;
    Ok(HashedPassword(hash.to_string()))
}

/// Hashes a new password with a fresh random salt.
pub fn hash_password(password: &Password) -> Result<HashedPassword, DomainError> {
    hash_with(password.expose(), COST)
}

/// Whether `attempt` is the password behind `stored`. The cost comes from the stored hash and
/// the comparison is the crate's constant-time one. A malformed stored hash matches nothing.
pub fn verify_password(attempt: &str, stored: &HashedPassword) -> bool {
    let Ok(parsed) = PasswordHash::new(&stored.0) else {
        return false;
    };
    Argon2::default()
        .verify_password(attempt.as_bytes(), &parsed)
        .is_ok()
}

/// Does the work of one verification against a hash no password matches, so that signing in
/// as someone who does not exist takes as long as signing in with a wrong password.
pub(crate) fn dummy_verify(attempt: &str) {
    static DUMMY: OnceLock<Option<HashedPassword>> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| {
        let unguessable = super::secret::random_text().ok()?;
        hash_with(&unguessable, COST).ok()
    });
    if let Some(dummy) = dummy {
        let _ = verify_password(attempt, dummy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Username;

    fn password(text: &str) -> Password {
        let user: Username = "ada".parse().unwrap_or_else(|e| panic!("{e}"));
        Password::new(text, &user).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_hash_verifies_its_password_and_nothing_else() {
        let p = password("a long and unusual phrase");
        let hash = hash_password(&p).unwrap_or_else(|e| panic!("{e}"));
        assert!(hash.as_phc().starts_with("$argon2id$v=19$"));
        assert!(verify_password("a long and unusual phrase", &hash));
        assert!(!verify_password("a long and unusual phrasE", &hash));
        assert!(!verify_password("", &hash));
        // A fresh salt every time.
        let again = hash_password(&p).unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(hash, again);
        assert!(verify_password("a long and unusual phrase", &again));
        assert!(!verify_password(
            "x",
            &HashedPassword::from_phc("not a hash".into())
        ));
        assert_eq!(format!("{hash:?}"), "HashedPassword(hidden)");
        dummy_verify("anything");
    }

    #[test]
    fn production_hashes_use_the_owasp_argon2id_parameters() {
        assert_eq!(
            PRODUCTION_COST,
            HashCost {
                memory_kib: 19_456,
                iterations: 2,
                parallelism: 1
            }
        );
        let hash = hash_with("a long and unusual phrase", PRODUCTION_COST)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            hash.as_phc().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{}",
            hash.as_phc()
        );
        // Verification takes the cost from the stored hash, whatever the current one is.
        assert!(verify_password("a long and unusual phrase", &hash));
    }
}
