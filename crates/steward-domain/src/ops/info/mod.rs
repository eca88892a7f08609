//! Information requests: receiving a freedom of information, environmental information or
//! subject access request, stopping the clock while the requester clarifies, extending the
//! deadline as the law allows, asking members what they hold, and closing. Handled by the
//! offices the pack's `[information_requests]` names; auditors read them all.

mod act;
mod helpers;
pub mod list;

pub use act::*;
pub use helpers::*;

use crate::auth::{Denied, Principal};
use crate::error::{DomainError, DomainResult};
use crate::info::access;
use crate::info::deadline::{self, Deadline};
use crate::info::*;
use crate::records::{Council, Person};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use steward_policy::Citation;

pub(crate) fn denied(d: Denied) -> DomainError {
    DomainError::Forbidden(d.0.to_string())
}

/// A request by its id or reference ("FOI-2027-0001" or "3"), of this council.
pub async fn find<T: InfoTx>(
    tx: &mut T,
    council: &Council,
    key: &str,
) -> DomainResult<InfoRequest> {
    let key = key.trim();
    let found = match key.parse::<i64>() {
        Ok(id) => tx.info_request(council.id, id).await?,
        Err(_) => {
            tx.info_request_by_reference(council.id, &key.to_ascii_uppercase())
                .await?
        }
    };
    match found {
        Some(r) if r.council_id == council.id => Ok(r),
        _ => Err(DomainError::not_found("information request", key)),
    }
}

/// A request someone may see; others get "not found", as if it did not exist.
pub async fn find_visible<T: InfoTx>(
    tx: &mut T,
    council: &Council,
    principal: &Principal,
    key: &str,
) -> DomainResult<InfoRequest> {
    let r = find(tx, council, key).await?;
    if access::may_see(principal, &r.handlers) {
        Ok(r)
    } else {
        Err(DomainError::not_found("information request", key.trim()))
    }
}

/// Someone asked to help, with their name and reference.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HelperView {
    #[serde(flatten)]
    pub helper: InfoHelper,
    pub person: String,
    pub name: String,
}

/// A request with its deadline worked out and the people involved named.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InfoView {
    #[serde(flatten)]
    pub request: InfoRequest,
    pub deadline: Deadline,
    /// Who the data is about (subject access), as "Name (REF)".
    pub subject: Option<String>,
    pub subject_ref: Option<String>,
    pub pauses: Vec<InfoPause>,
    pub helpers: Vec<HelperView>,
    /// The date the law's own extension would give, where it fixes one.
    pub statutory_extension: Option<NaiveDate>,
    pub citation: Citation,
}

pub async fn view<T: InfoTx>(
    tx: &mut T,
    request: InfoRequest,
    today: NaiveDate,
) -> DomainResult<InfoView> {
    let pauses = tx.info_pauses(request.council_id, request.id).await?;
    let mut helpers = Vec::new();
    for h in tx.info_helpers(request.council_id, request.id).await? {
        let person = tx.person(request.council_id, h.person_id).await?;
        helpers.push(HelperView {
            person: person
                .as_ref()
                .map(|p| p.reference.to_string())
                .unwrap_or_default(),
            name: person.map(|p| p.name).unwrap_or_default(),
            helper: h,
        });
    }
    let subject: Option<Person> = match request.subject_id {
        Some(id) => tx.person(request.council_id, id).await?,
        None => None,
    };
    Ok(InfoView {
        deadline: deadline::deadline(&request, &pauses, today),
        statutory_extension: deadline::statutory_extension(&request, &pauses, today),
        subject: subject
            .as_ref()
            .map(|p| format!("{} ({})", p.name, p.reference)),
        subject_ref: subject.map(|p| p.reference.to_string()),
        citation: Citation {
            clause: request.clause.clone(),
            document: request.document.clone(),
        },
        pauses,
        helpers,
        request,
    })
}
