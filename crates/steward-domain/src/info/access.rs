//! Who may see and act on information requests. A request is handled by any holder of one of
//! the offices the policy names (frozen on the request), or an administrator; auditors read
//! every request but change none. Requests hold personal data (a subject access request is
//! about someone), so other officers do not see them.

use crate::auth::{Denied, OfficerAccess, Principal, Role};
use steward_policy::OfficeId;

fn holds_any(p: &Principal, offices: &[OfficeId]) -> bool {
    offices.iter().any(|o| p.offices.contains(o))
}

/// Whether `p` handles requests that go to `handlers`.
pub fn handles(p: &Principal, handlers: &[OfficeId]) -> bool {
    match p.role {
        Role::Admin => true,
        Role::Officer => holds_any(p, handlers),
        Role::Auditor | Role::Member => false,
    }
}

/// Seeing a request and its register entry: the same rule the lists apply in SQL.
pub fn may_see(p: &Principal, handlers: &[OfficeId]) -> bool {
    p.info_scope().admits_handled_by(handlers)
}

/// Acting on a request: receiving it, pausing, extending, asking for help, closing.
pub fn handler(p: &Principal, handlers: &[OfficeId]) -> Result<OfficerAccess, Denied> {
    let access = p.officer()?;
    if handles(p, handlers) {
        Ok(access)
    } else {
        Err(Denied(
            "only the offices the policy names to handle information requests can do this",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::User;
    use chrono::Utc;

    fn principal(role: Role, offices: &[&str]) -> Principal {
        let user = User {
            id: 1,
            council_id: 9,
            username: "someone".parse().unwrap(),
            role,
            person_id: Some(5),
            must_change_password: false,
            disabled: false,
            created_at: Utc::now(),
            password_changed_at: Utc::now(),
            last_sign_in_at: None,
        };
        let offices = offices.iter().map(|o| OfficeId(o.to_string())).collect();
        Principal::new(user, role, offices)
    }

    #[test]
    fn handlers_act_auditors_read_and_everyone_else_sees_nothing() {
        let handlers = [OfficeId("town_clerk".into())];
        let clerk = principal(Role::Officer, &["town_clerk"]);
        let desk = principal(Role::Officer, &["service_desk"]);
        let admin = principal(Role::Admin, &[]);
        let auditor = principal(Role::Auditor, &[]);
        let member = principal(Role::Member, &["town_clerk"]);
        assert!(handler(&clerk, &handlers).is_ok() && handler(&admin, &handlers).is_ok());
        assert!(handler(&desk, &handlers).is_err() && !may_see(&desk, &handlers));
        assert!(may_see(&auditor, &handlers) && handler(&auditor, &handlers).is_err());
        assert!(!may_see(&member, &handlers) && handler(&member, &handlers).is_err());
        // A pack that names no office leaves requests to administrators.
        assert!(handler(&clerk, &[]).is_err() && handler(&admin, &[]).is_ok());
    }
}
