use super::role::Role;
use super::username::Username;
use crate::records::Id;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An account that can sign in. The password hash is not part of it: it is read only where a
/// password is checked, so it cannot end up in an answer or the audit trail by accident.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct User {
    pub id: Id,
    pub council_id: Id,
    pub username: Username,
    pub role: Role,
    /// The person in the register the account acts as; required for members and officers.
    pub person_id: Option<Id>,
    /// Set when someone else chose the password; the user must choose their own next.
    pub must_change_password: bool,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub password_changed_at: DateTime<Utc>,
    /// The last successful sign-in; failures before it no longer count towards a lock.
    pub last_sign_in_at: Option<DateTime<Utc>>,
}
