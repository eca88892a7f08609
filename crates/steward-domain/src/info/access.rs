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

/// Seeing a request and its register entry.
pub fn may_see(p: &Principal, handlers: &[OfficeId]) -> bool {
    p.role == Role::Auditor || handles(p, handlers)
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
