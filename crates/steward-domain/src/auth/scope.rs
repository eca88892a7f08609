//! Which records of a kind someone may see, said once as data: lists hand a [`Scope`] to the
//! store, which turns it into SQL conditions, and single records are checked against the same
//! value, so a list never shows what the record's page would hide, nor hides what it shows.

use super::access::Principal;
use super::role::Role;
use crate::records::Id;
use crate::workflow::{Case, Request};
use steward_policy::OfficeId;

/// The records a principal may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every record of the council.
    Everything,
    /// Records these offices handle, approve or had escalated to them, and those about
    /// `person_id` (their own requests).
    Offices {
        offices: Vec<OfficeId>,
        person_id: Option<Id>,
    },
    /// Only records about this person: their own requests.
    Person(Id),
    Nothing,
}

impl Scope {
    /// Whether a list in this scope could hold anything at all.
    pub fn is_empty(&self) -> bool {
        match self {
            Scope::Nothing => true,
            Scope::Offices { offices, person_id } => offices.is_empty() && person_id.is_none(),
            _ => false,
        }
    }

    fn holds_any(offices: &[OfficeId], wanted: &[OfficeId]) -> bool {
        wanted.iter().any(|o| offices.contains(o))
    }

    /// Whether `request` lies in this scope: the office that must act on it or an office that
    /// must approve it, or the person it is for.
    pub fn admits_request(&self, request: &Request) -> bool {
        let about = |p: Option<Id>| p.is_some() && request.requester_id == p;
        match self {
            Scope::Everything => true,
            Scope::Offices { offices, person_id } => {
                about(*person_id)
                    || offices.contains(&request.handler)
                    || request
                        .approval
                        .as_ref()
                        .is_some_and(|a| Scope::holds_any(offices, &a.approvers))
            }
            Scope::Person(id) => about(Some(*id)),
            Scope::Nothing => false,
        }
    }

    /// Whether `case` lies in this scope: an office that handles it or that it was
    /// escalated to. Cases are never shown to the person they are about.
    pub fn admits_case(&self, case: &Case) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Offices { offices, .. } => {
                Scope::holds_any(offices, &case.handlers)
                    || case
                        .escalated_to
                        .as_ref()
                        .is_some_and(|o| offices.contains(o))
            }
            Scope::Person(_) | Scope::Nothing => false,
        }
    }

    /// Whether a record handled by any of `handlers` lies in this scope (information
    /// requests).
    pub fn admits_handled_by(&self, handlers: &[OfficeId]) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Offices { offices, .. } => Scope::holds_any(offices, handlers),
            Scope::Person(_) | Scope::Nothing => false,
        }
    }
}

impl Principal {
    /// The requests this principal may see: auditors and administrators all; officers their
    /// offices' queues and approvals, and their own; members their own. Officers do not
    /// browse other offices' queues: requests can hold personal matters.
    pub fn request_scope(&self) -> Scope {
        match self.role {
            Role::Auditor | Role::Admin => Scope::Everything,
            Role::Officer => Scope::Offices {
                offices: self.offices.clone(),
                person_id: self.user.person_id,
            },
            Role::Member => self.user.person_id.map_or(Scope::Nothing, Scope::Person),
        }
    }

    /// The breach cases this principal may see: auditors all; officers (administrators
    /// included) those their offices handle or were escalated; nobody else.
    pub fn case_scope(&self) -> Scope {
        match self.role {
            Role::Auditor => Scope::Everything,
            Role::Officer | Role::Admin => Scope::Offices {
                offices: self.offices.clone(),
                person_id: None,
            },
            Role::Member => Scope::Nothing,
        }
    }
}

impl Principal {
    /// The information requests this principal may see: auditors and administrators all
    /// (administrators handle any); officers those their offices handle; nobody else.
    pub fn info_scope(&self) -> Scope {
        match self.role {
            Role::Auditor | Role::Admin => Scope::Everything,
            Role::Officer => Scope::Offices {
                offices: self.offices.clone(),
                person_id: None,
            },
            Role::Member => Scope::Nothing,
        }
    }
}
