//! Password rules, after OWASP ASVS v4 level 1: length counts, composition rules do not. Any
//! character may be used, including spaces; nothing is trimmed or truncated.

use super::username::Username;
use crate::error::DomainError;
use std::fmt;

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Passwords people choose so often that trying them first is the attacker's opening move.
/// Shorter favourites are already refused by the length rule, so these are the long ones.
/// Compared without regard to case.
pub const COMMON_PASSWORDS: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456789abc",
    "1234567890qwerty",
    "123123123123",
    "987654321098",
    "password1234",
    "password12345",
    "password123456",
    "passwordpassword",
    "password1234!",
    "p@ssw0rd1234",
    "passw0rd1234",
    "qwerty123456",
    "qwertyqwerty",
    "qwertyuiop12",
    "qwertyuiop123",
    "qwertyuiopasdf",
    "qazwsxedcrfv",
    "1qaz2wsx3edc",
    "1q2w3e4r5t6y",
    "zaq12wsxcde3",
    "asdfghjkl123",
    "abcdefghijkl",
    "abc123456789",
    "abcd12345678",
    "iloveyou1234",
    "letmein12345",
    "welcome12345",
    "changeme1234",
    "administrator",
    "admin1234567",
    "trustno1trustno1",
    "football1234",
    "sunshine1234",
    "princess1234",
    "monkey123456",
    "council12345",
];

/// A new password that passed the rules. Its text is never printed: `Debug` hides it and
/// there is no `Display` or `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(hidden)")
    }
}

impl Password {
    /// Checks a password chosen for `username`. The error says what is wrong in plain words.
    pub fn new(text: impl Into<String>, username: &Username) -> Result<Password, DomainError> {
        let text = text.into();
        match problem(&text, username) {
            Some(message) => Err(DomainError::invalid("password", message)),
            None => Ok(Password(text)),
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn problem(text: &str, username: &Username) -> Option<String> {
    let count = text.chars().count();
    if count < MIN_PASSWORD_CHARS {
        return Some(format!(
            "a password needs at least {MIN_PASSWORD_CHARS} characters; this one has {count}"
        ));
    }
    if count > MAX_PASSWORD_CHARS {
        return Some(format!(
            "a password can have at most {MAX_PASSWORD_CHARS} characters; this one has {count}"
        ));
    }
    let mut chars = text.chars();
    if let Some(first) = chars.next()
        && chars.all(|c| c == first)
    {
        return Some("a password cannot be one character repeated".into());
    }
    let lower = text.to_lowercase();
    if lower == username.as_str() {
        return Some("a password cannot be the same as the username".into());
    }
    if COMMON_PASSWORDS.iter().any(|common| *common == lower) {
        return Some(
            "that is one of the most common passwords, which attackers try first; choose another"
                .into(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str) -> Username {
        name.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    fn message(text: &str, username: &str) -> Option<String> {
        match Password::new(text, &user(username)) {
            Ok(_) => None,
            Err(DomainError::Invalid { field, message }) => {
                assert_eq!(field, "password");
                Some(message)
            }
            Err(other) => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert_eq!(
            message("short pass1", "ada").as_deref(),
            Some("a password needs at least 12 characters; this one has 11")
        );
        assert_eq!(message("correct hors", "ada"), None);
        // Eleven characters but many more bytes.
        assert!(message("ééééééééééa", "ada").is_some_and(|m| m.contains("has 11")));
        assert_eq!(message("ééééééééééab", "ada"), None);
        assert_eq!(message(&"ab".repeat(64), "ada"), None);
        assert_eq!(
            message(&format!("{}c", "ab".repeat(64)), "ada").as_deref(),
            Some("a password can have at most 128 characters; this one has 129")
        );
    }

    #[test]
    fn repeated_usernames_and_common_passwords_are_refused() {
        assert_eq!(
            message("aaaaaaaaaaaaaa", "ada").as_deref(),
            Some("a password cannot be one character repeated")
        );
        assert_eq!(
            message("clerk@dunmere.gov", "clerk@dunmere.gov").as_deref(),
            Some("a password cannot be the same as the username")
        );
        assert!(message("Clerk@Dunmere.gov", "clerk@dunmere.gov").is_some());
        for common in [
            "password1234",
            "Password1234",
            "QWERTY123456",
            "administrator",
        ] {
            assert!(
                message(common, "ada").is_some_and(|m| m.contains("most common")),
                "{common}"
            );
        }
        assert_eq!(message("a long and unusual phrase", "ada"), None);
    }

    #[test]
    fn every_listed_common_password_is_lower_case_and_long_enough_to_matter() {
        for common in COMMON_PASSWORDS {
            assert_eq!(common.to_lowercase(), *common);
            assert!(common.chars().count() >= MIN_PASSWORD_CHARS, "{common}");
        }
        assert!(COMMON_PASSWORDS.len() >= 30);
    }

    #[test]
    fn the_text_is_never_shown() {
        let p = Password::new("a long and unusual phrase", &user("ada"));
        assert_eq!(format!("{p:?}"), "Ok(Password(hidden))");
    }
}
