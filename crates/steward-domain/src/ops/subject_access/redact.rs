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
        for person in tx.people(council.id).await? {
            let held = crate::ops::people::offices_on(tx, person.id, today).await?;
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
        })
    }

    /// Whether an actor (a username) or a person reference is the subject.
    pub fn is_subject(&self, who: &str) -> bool {
        self.own.iter().any(|u| u == who) || self.subject_ref == who
    }

    /// Who acted, as the document shows it: the subject as "you", the system as itself, and
    /// anyone else redacted but for their office.
    pub fn actor(&self, who: &str) -> String {
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

    /// Text someone else wrote: withheld whole, since it is theirs.
    pub fn text_by(&self, who: &str, text: &str) -> String {
        if self.is_subject(who) {
            text.to_string()
        } else {
            REDACTED.into()
        }
    }
}
