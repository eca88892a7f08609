//! The register of information requests as a list: searched by whom a request is from or
//! about, or its reference; filtered by kind and by whether it is still open; sorted and paged
//! in the database within what the viewer may see. Each row's deadline is worked out from its
//! pauses, read for the whole page at once.

use super::{HelperView, InfoView};
use crate::auth::Principal;
use crate::error::DomainResult;
use crate::info::deadline::{self, Standing};
use crate::info::{InfoKind, InfoRequest, InfoTx};
use crate::listing::{ListQuery, Listed, MAX_LIMIT, Window};
use crate::records::{Council, Id};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use steward_policy::Citation;

/// The orders the list offers, each served by an index.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum InfoSort {
    #[default]
    Received,
    Reference,
    Kind,
}

impl InfoSort {
    pub const ALL: [InfoSort; 3] = [InfoSort::Received, InfoSort::Reference, InfoSort::Kind];

    pub fn as_str(self) -> &'static str {
        match self {
            InfoSort::Received => "received",
            InfoSort::Reference => "reference",
            InfoSort::Kind => "kind",
        }
    }
}

impl FromStr for InfoSort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        InfoSort::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| "sort information requests by received, reference or kind".to_string())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InfoFilter {
    /// Only these kinds; every kind when empty.
    pub kinds: Vec<InfoKind>,
    /// Only open (true) or closed (false) requests; both when none.
    pub open: Option<bool>,
}

pub type InfoQuery = ListQuery<InfoSort, InfoFilter>;

/// A request as the store lists it, with whom it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InfoListed {
    pub request: InfoRequest,
    pub subject_ref: Option<String>,
    pub subject_name: Option<String>,
}

/// A page of the requests `principal` may see, with deadlines as on `today`.
pub async fn list<T: InfoTx>(
    tx: &mut T,
    council: &Council,
    principal: &Principal,
    query: &InfoQuery,
    today: NaiveDate,
) -> DomainResult<Listed<InfoView>> {
    let scope = principal.info_scope();
    if scope.is_empty() {
        return Ok(Listed::empty());
    }
    let page = tx.list_info_requests(council.id, &scope, query).await?;
    let ids: Vec<Id> = page.items.iter().map(|l| l.request.id).collect();
    let pauses = tx.info_pauses_of(council.id, &ids).await?;
    let helpers = tx.info_helpers_of(council.id, &ids).await?;
    Ok(page.map(|l| {
        let own: Vec<_> = pauses
            .iter()
            .filter(|p| p.request_id == l.request.id)
            .cloned()
            .collect();
        let helpers = helpers
            .iter()
            .filter(|(h, _, _)| h.request_id == l.request.id)
            .map(|(h, person, name)| HelperView {
                helper: h.clone(),
                person: person.clone(),
                name: name.clone(),
            })
            .collect();
        let r = l.request;
        InfoView {
            deadline: deadline::deadline(&r, &own, today),
            statutory_extension: deadline::statutory_extension(&r, &own, today),
            subject: match (&l.subject_name, &l.subject_ref) {
                (Some(name), Some(reference)) => Some(format!("{name} ({reference})")),
                _ => None,
            },
            subject_ref: l.subject_ref,
            citation: Citation {
                clause: r.clause.clone(),
                document: r.document.clone(),
            },
            pauses: own,
            helpers,
            request: r,
        }
    }))
}

/// How many open requests in view are overdue and due soon: read a page at a time, so the
/// cost follows the open requests, never the closed ones.
pub async fn standing<T: InfoTx>(
    tx: &mut T,
    council: &Council,
    principal: &Principal,
    kinds: &[InfoKind],
    today: NaiveDate,
) -> DomainResult<(usize, usize)> {
    let mut query = InfoQuery {
        filter: InfoFilter {
            kinds: kinds.to_vec(),
            open: Some(true),
        },
        window: Window::first(MAX_LIMIT),
        ..InfoQuery::default()
    };
    let (mut overdue, mut soon) = (0, 0);
    loop {
        let page = list(tx, council, principal, &query, today).await?;
        for v in &page.items {
            match v.deadline.standing {
                Standing::Overdue => overdue += 1,
                Standing::DueSoon => soon += 1,
                _ => {}
            }
        }
        match page.next {
            Some(next) => query.continue_from(next),
            None => return Ok((overdue, soon)),
        }
    }
}
