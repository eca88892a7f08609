//! Reading findings: only the offices the pack's `[monitoring] visible_to` names, and
//! auditors. A finding is shown per identity, category and day, summed over the logs that saw
//! it, beside any accidental visit the same person reported that day naming the site.

use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::network::{FindingCell, NetworkTx};
use crate::ops::policy;
use crate::ops::requests::PersonBrief;
use crate::records::{Council, Id};
use crate::workflow::{RequestDetails, RequestKind};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use steward_policy::model::ReportKind;
use steward_policy::web::host_within;

/// An accidental visit someone reported, which may explain a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reported {
    pub request_id: Id,
    pub summary: String,
    pub address: String,
    pub at: DateTime<Utc>,
}

/// One identity's visits to one category on one day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FindingView {
    pub identity: String,
    pub person: Option<PersonBrief>,
    pub category: String,
    pub day: NaiveDate,
    pub visits: i64,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub samples: Vec<String>,
    /// Reports of accidental access by the same person that day naming one of the sites.
    pub reported: Vec<Reported>,
}

/// The host of a URL or a bare host name, lower case.
fn host_of(text: &str) -> String {
    let rest = text.trim();
    let rest = rest.split_once("://").map_or(rest, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if authority.starts_with('[') {
        authority
            .find(']')
            .map_or(authority, |end| &authority[..=end])
    } else {
        authority.split(':').next().unwrap_or(authority)
    };
    host.trim_end_matches('.').to_ascii_lowercase()
}

fn same_site(a: &str, b: &str) -> bool {
    let (a, b) = (host_of(a), host_of(b));
    !a.is_empty() && !b.is_empty() && (host_within(&a, &b) || host_within(&b, &a))
}

/// Refuses a principal who may not read findings today, by the pack in force.
pub async fn access<T: NetworkTx>(
    tx: &mut T,
    council: &Council,
    principal: &Principal,
    today: NaiveDate,
) -> DomainResult<()> {
    let visible_to = policy::in_force(tx, council, today)
        .await?
        .and_then(|a| a.pack.monitoring.as_ref().map(|m| m.visible_to.clone()))
        .unwrap_or_default();
    principal
        .findings_reader(&visible_to)
        .map_err(|d| DomainError::Forbidden(d.0.to_string()))?;
    Ok(())
}

/// A summed finding as people read it, beside the accidental visits `reports` (who reported,
/// and what) that name one of its sites on its day.
pub(crate) fn of_cell(cell: FindingCell, reports: &[(Id, Reported)]) -> FindingView {
    let reported = match cell.person_id {
        Some(pid) => reports
            .iter()
            .filter(|(who, r)| {
                *who == pid
                    && r.at.date_naive() == cell.day
                    && cell.samples.iter().any(|s| same_site(s, &r.address))
            })
            .map(|(_, r)| r.clone())
            .collect(),
        None => Vec::new(),
    };
    let person = match (cell.person, cell.person_name) {
        (Some(reference), Some(name)) => Some(PersonBrief { reference, name }),
        _ => None,
    };
    FindingView {
        identity: cell.identity,
        person,
        category: cell.category,
        day: cell.day,
        visits: cell.visits,
        first_seen: cell.first_seen,
        last_seen: cell.last_seen,
        samples: cell.samples,
        reported,
    }
}

/// The reports of accidental access made by `people`, with who made each.
pub(crate) async fn accidental_reports<T: NetworkTx>(
    tx: &mut T,
    council: &Council,
    people: &[Id],
) -> DomainResult<Vec<(Id, Reported)>> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let kind = RequestKind::Report(ReportKind::AccidentalAccess);
    Ok(tx
        .requests_of_kind_by(council.id, kind, people)
        .await?
        .into_iter()
        .filter_map(|r| match (&r.details, r.requester_id) {
            (RequestDetails::Visit { address, at }, Some(who)) => Some((
                who,
                Reported {
                    request_id: r.id,
                    summary: r.summary.clone(),
                    address: address.clone(),
                    at: *at,
                },
            )),
            _ => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_match_by_host_either_way() {
        assert!(same_site("http://www.bet.example/a?b", "bet.example"));
        assert!(same_site("bet.example", "https://WWW.bet.example:443/"));
        assert!(!same_site("http://notbet.example/", "bet.example"));
        assert_eq!(host_of("http://user@[fd00::1]:8080/x"), "[fd00::1]");
    }
}
