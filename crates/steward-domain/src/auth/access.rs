//! Who may do what, decided in this one place. A request becomes a [`Principal`]; a handler
//! asks it for the capability it needs (`officer()`, `reader()`, ...) and gets a value it must
//! pass on, or a [`Denied`] that becomes a refusal. Pages, the API and exports all ask here.

use super::role::Role;
use super::user::User;
use crate::records::Id;
use crate::workflow::{Case, Request};
use serde::Serialize;
use steward_policy::OfficeId;

/// Someone signed in (by session or token), with the role they act in for this request.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user: User,
    /// The role in force: a token may carry a lower role than its account's.
    pub role: Role,
    /// Offices the linked person holds today, per the register.
    pub offices: Vec<OfficeId>,
}

/// Why a capability was not given; shown to the person as a plain refusal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error, schemars::JsonSchema)]
#[error("{0}")]
pub struct Denied(pub &'static str);

/// Acting for oneself: one's own equipment, signatures and requests.
#[derive(Clone, Debug)]
pub struct MemberAccess {
    pub council_id: Id,
    pub user_id: Id,
    pub person_id: Id,
}

/// Reading every record of the council (officers, auditors, administrators).
#[derive(Clone, Debug)]
pub struct ReadAccess {
    pub council_id: Id,
    pub user_id: Id,
}

/// Changing the register: people, equipment, loans, signatures on paper.
#[derive(Clone, Debug)]
pub struct OfficerAccess {
    pub council_id: Id,
    pub user_id: Id,
    pub person_id: Option<Id>,
    pub offices: Vec<OfficeId>,
}

/// Managing the council itself: accounts, tokens, adopting policy versions.
#[derive(Clone, Debug)]
pub struct AdminAccess {
    pub council_id: Id,
    pub user_id: Id,
}

impl Principal {
    pub fn new(user: User, role: Role, offices: Vec<OfficeId>) -> Principal {
        // A token can narrow an account's role, never widen it.
        let role = if user.role.may_grant(role) {
            role
        } else {
            user.role
        };
        Principal {
            user,
            role,
            offices,
        }
    }

    pub fn council_id(&self) -> Id {
        self.user.council_id
    }

    /// Self-service, for anyone whose account is linked to a person.
    pub fn member(&self) -> Result<MemberAccess, Denied> {
        let person_id = self.user.person_id.ok_or(Denied(
            "this account is not linked to a person in the register",
        ))?;
        Ok(MemberAccess {
            council_id: self.council_id(),
            user_id: self.user.id,
            person_id,
        })
    }

    pub fn reader(&self) -> Result<ReadAccess, Denied> {
        match self.role {
            Role::Officer | Role::Auditor | Role::Admin => Ok(ReadAccess {
                council_id: self.council_id(),
                user_id: self.user.id,
            }),
            Role::Member => Err(Denied(
                "only officers, auditors and administrators can see this",
            )),
        }
    }

    pub fn officer(&self) -> Result<OfficerAccess, Denied> {
        match self.role {
            Role::Officer | Role::Admin => Ok(OfficerAccess {
                council_id: self.council_id(),
                user_id: self.user.id,
                person_id: self.user.person_id,
                offices: self.offices.clone(),
            }),
            Role::Auditor => Err(Denied("auditors can read everything but change nothing")),
            Role::Member => Err(Denied("only officers can change the register")),
        }
    }

    pub fn admin(&self) -> Result<AdminAccess, Denied> {
        match self.role {
            Role::Admin => Ok(AdminAccess {
                council_id: self.council_id(),
                user_id: self.user.id,
            }),
            _ => Err(Denied("only administrators can do this")),
        }
    }

    /// Checking the whole audit trail on demand, which costs the server a pass over every
    /// record: auditors and administrators.
    pub fn auditor(&self) -> Result<ReadAccess, Denied> {
        match self.role {
            Role::Auditor | Role::Admin => Ok(ReadAccess {
                council_id: self.council_id(),
                user_id: self.user.id,
            }),
            _ => Err(Denied(
                "only auditors and administrators can check the whole audit trail",
            )),
        }
    }

    pub(super) fn holds_any(&self, offices: &[OfficeId]) -> bool {
        offices.iter().any(|o| self.offices.contains(o))
    }

    /// Seeing a request: the person it is for; auditors and administrators; officers whose
    /// office must act on it or approve it. Officers do not browse other offices' queues:
    /// requests can hold personal matters (a disability, a stolen phone).
    pub fn may_see_request(&self, request: &Request) -> bool {
        self.request_scope().admits_request(request)
    }

    /// Whether this principal may learn that a request they may not open exists, and which
    /// office has it: officers holding an office, so that a colleague's link does not end
    /// in "not found". Members never learn of others' requests.
    pub fn may_know_requests_exist(&self) -> bool {
        self.role == Role::Officer && !self.offices.is_empty()
    }

    /// Acting on a request as its handler: an officer holding the office that must act, or
    /// an administrator.
    pub fn handler_of(&self, request: &Request) -> Result<OfficerAccess, Denied> {
        let access = self.officer()?;
        if self.role == Role::Admin || self.offices.contains(&request.handler) {
            Ok(access)
        } else {
            Err(Denied(
                "only the office that handles this request can act on it",
            ))
        }
    }

    /// The approving offices this principal holds for a request: approving is personal to
    /// the holders of the offices the policy names, administrators included.
    pub fn approver_for(
        &self,
        request: &Request,
    ) -> Result<(OfficerAccess, Vec<OfficeId>), Denied> {
        let access = self.officer()?;
        let Some(rule) = &request.approval else {
            return Err(Denied("this request needs no approval"));
        };
        let held: Vec<OfficeId> = rule
            .approvers
            .iter()
            .filter(|o| self.offices.contains(o))
            .cloned()
            .collect();
        if held.is_empty() {
            return Err(Denied(
                "only holders of the offices the policy names can approve this request",
            ));
        }
        Ok((access, held))
    }

    /// The person a request is for, acting for themselves.
    pub fn requester_of(&self, request: &Request) -> Result<MemberAccess, Denied> {
        let access = self.member()?;
        if request.requester_id == Some(access.person_id) {
            Ok(access)
        } else {
            Err(Denied("this is not your request"))
        }
    }

    /// Seeing a breach case: auditors, and officers holding an office that handles it or that
    /// it was escalated to. Nobody else, administrators included.
    pub fn may_see_case(&self, case: &Case) -> bool {
        self.case_scope().admits_case(case)
    }

    /// Handling a breach case: an officer holding one of its handling offices.
    pub fn case_handler(&self, case: &Case) -> Result<OfficerAccess, Denied> {
        let access = self.officer()?;
        if self.holds_any(&case.handlers) {
            Ok(access)
        } else {
            Err(Denied(
                "only the offices the policy names to handle this case can act on it",
            ))
        }
    }

    /// Reading the web filter's findings: auditors, and officers (administrators included)
    /// holding an office the pack's `[monitoring] visible_to` names. Nobody else.
    pub fn findings_reader(&self, visible_to: &[OfficeId]) -> Result<ReadAccess, Denied> {
        let denied = Denied("only the offices the policy names may see what monitoring found");
        match self.role {
            Role::Auditor => self.reader(),
            Role::Officer | Role::Admin if self.holds_any(visible_to) => self.reader(),
            _ => Err(denied),
        }
    }

    /// Whether this principal may see records about `person_id`: their own always, anyone's
    /// with read access.
    pub fn may_see_person(&self, person_id: Id) -> bool {
        self.reader().is_ok() || self.user.person_id == Some(person_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn user(role: Role, person: Option<Id>) -> User {
        User {
            id: 1,
            council_id: 9,
            username: "someone".parse().unwrap(),
            role,
            person_id: person,
            must_change_password: false,
            disabled: false,
            created_at: Utc::now(),
            password_changed_at: Utc::now(),
            last_sign_in_at: None,
        }
    }

    #[test]
    fn each_role_gets_exactly_its_capabilities() {
        let cases = [
            (Role::Member, Some(5), [true, false, false, false]),
            (Role::Officer, Some(6), [true, true, true, false]),
            (Role::Auditor, None, [false, true, false, false]),
            (Role::Admin, None, [false, true, true, true]),
        ];
        for (role, person, [member, reader, officer, admin]) in cases {
            let p = Principal::new(user(role, person), role, Vec::new());
            assert_eq!(p.member().is_ok(), member, "{role:?} member");
            assert_eq!(p.reader().is_ok(), reader, "{role:?} reader");
            assert_eq!(p.officer().is_ok(), officer, "{role:?} officer");
            assert_eq!(p.admin().is_ok(), admin, "{role:?} admin");
        }
    }

    #[test]
    fn a_token_cannot_widen_its_accounts_role() {
        let p = Principal::new(user(Role::Member, Some(5)), Role::Admin, Vec::new());
        assert_eq!(p.role, Role::Member);
        let p = Principal::new(user(Role::Admin, None), Role::Auditor, Vec::new());
        assert!(p.officer().is_err() && p.reader().is_ok());
    }

    #[test]
    fn members_see_only_themselves() {
        let p = Principal::new(user(Role::Member, Some(5)), Role::Member, Vec::new());
        assert!(p.may_see_person(5));
        assert!(!p.may_see_person(6));
    }
}
