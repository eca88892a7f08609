//! Keeping other people's personal data out of a subject access document. Names of officers
//! who acted, of other members and of anyone else become a fixed marker; where the register
//! knows the office they acted in, its title stays, because the office is the council's, not
//! theirs.

use crate::auth::AuthTx;
use crate::error::DomainResult;
use crate::records::{Council, Id};
use std::collections::HashMap;
use steward_policy::Pack;

pub const REDACTED: &str = "[redacted: another person]";

/// Actors the system records for itself rather than a person.
const AUTOMATIC: &[&str] = &["sweep"];

pub struct Redactor {
    /// The subject's own account names.
    own: Vec<String>,
    subject_ref: String,
    /// Office titles of people by username and by person reference, as held today.
    offices: HashMap<String, String>,
    /// Other people's names, whole and by part, longest first, to find in free text.
    names: Vec<String>,
}

impl Redactor {
    pub async fn new<T: AuthTx>(
        tx: &mut T,
        council: &Council,
        pack: &Pack,
        subject_id: Id,
        subject_ref: &str,
        today: chrono::NaiveDate,
    ) -> DomainResult<Redactor> {
        let mut own = Vec::new();
        let mut offices = HashMap::new();
        let mut titles: HashMap<Id, String> = HashMap::new();
        let people = tx.people(council.id).await?;
        let own_parts: Vec<String> = people
            .iter()
            .filter(|p| p.id == subject_id)
            .flat_map(|p| {
                p.name
                    .split_whitespace()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut names: Vec<String> = Vec::new();
        for person in people.iter().filter(|p| p.id != subject_id) {
            names.push(person.name.trim().to_string());
            for part in person.name.split_whitespace() {
                // A part the subject shares (a common surname) would redact their own name.
                if part.chars().count() >= 2 && !own_parts.iter().any(|o| o == part) {
                    names.push(part.to_string());
                }
            }
        }
        names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
        names.dedup();
        for person in people {
            let held = crate::ops::people::offices_on(tx, council.id, person.id, today).await?;
            if !held.is_empty() {
                let names: Vec<String> = held.iter().map(|o| pack.office_name(o)).collect();
                titles.insert(person.id, names.join(", "));
                offices.insert(person.reference.to_string(), names.join(", "));
            }
        }
        for user in tx.users(council.id).await? {
            if user.person_id == Some(subject_id) {
                own.push(user.username.to_string());
            } else if let Some(title) = user.person_id.and_then(|id| titles.get(&id)) {
                offices.insert(user.username.to_string(), title.clone());
            }
        }
        Ok(Redactor {
            own,
            subject_ref: subject_ref.to_string(),
            offices,
            names,
        })
    }

    /// Whether an actor (a username) or a person reference is the subject.
    pub fn is_subject(&self, who: &str) -> bool {
        // The API records its callers as "username (API)".
        let who = who.strip_suffix(" (API)").unwrap_or(who);
        self.own.iter().any(|u| u == who) || self.subject_ref == who
    }

    /// Who acted, as the document shows it: the subject as "you", the system as itself, and
    /// anyone else redacted but for their office.
    pub fn actor(&self, who: &str) -> String {
        let who = who.strip_suffix(" (API)").unwrap_or(who);
        if self.is_subject(who) {
            "you".into()
        } else if AUTOMATIC.contains(&who) {
            "Steward (automatic)".into()
        } else {
            match self.offices.get(who) {
                Some(title) => format!("{REDACTED}, {title}"),
                None => REDACTED.into(),
            }
        }
    }

    /// Text someone else wrote: withheld whole, since it is theirs; the subject's own text
    /// with other people's names taken out.
    pub fn text_by(&self, who: &str, text: &str) -> String {
        if self.is_subject(who) {
            self.scrub(text)
        } else {
            REDACTED.into()
        }
    }

    /// Free text with every other person's name, whole or by part, replaced by the marker.
    /// Names are matched as whole words with their capitals, so "May" the name is caught
    /// and "may" the word is not; a name written another way is not, which is why the
    /// document asks to be read before it is sent.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for name in &self.names {
            out = replace_word(&out, name, REDACTED);
        }
        out
    }
}

fn replace_word(text: &str, word: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + word.len()..].chars().next();
        let bounded = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        out.push_str(&rest[..at]);
        if bounded(before) && bounded(after) {
            out.push_str(with);
        } else {
            out.push_str(word);
        }
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_replaced_as_whole_words_only() {
        assert_eq!(
            replace_word("Bo shared it; Bob did not. Bo.", "Bo", "X"),
            "X shared it; Bob did not. X."
        );
    }
}
