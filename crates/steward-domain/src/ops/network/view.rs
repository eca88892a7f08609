//! Reading findings: only the offices the pack's `[monitoring] visible_to` names, and
//! auditors. A finding is shown per identity, category and day, summed over the logs that saw
//! it, beside any accidental visit the same person reported that day naming the site.

use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::network::{FindingFilter, NetworkTx, WebFinding};
use crate::ops::policy;
use crate::ops::requests::PersonBrief;
use crate::records::{Council, Id};
use crate::workflow::{RequestDetails, RequestKind};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use steward_policy::model::ReportKind;
use steward_policy::web::host_within;

/// An accidental visit someone reported, which may explain a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reported {
    pub request_id: Id,
    pub summary: String,
    pub address: String,
    pub at: DateTime<Utc>,
}

/// One identity's visits to one category on one day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

/// Findings the principal may see that pass `filter`, newest day first, each summed over
/// the logs that saw it.
pub async fn visible<T: NetworkTx>(
    tx: &mut T,
    council: &Council,
    principal: &Principal,
    today: NaiveDate,
    filter: &FindingFilter,
) -> DomainResult<Vec<FindingView>> {
    access(tx, council, principal, today).await?;
    let found = tx.web_findings(council.id, filter).await?;
    let mut cells: BTreeMap<(std::cmp::Reverse<NaiveDate>, String, String), Vec<WebFinding>> =
        BTreeMap::new();
    for f in found {
        cells
            .entry((
                std::cmp::Reverse(f.day),
                f.identity.clone(),
                f.category.clone(),
            ))
            .or_default()
            .push(f);
    }
    let reports = accidental_reports(tx, council).await?;
    let mut briefs: HashMap<Id, Option<PersonBrief>> = HashMap::new();
    let mut out = Vec::with_capacity(cells.len());
    for ((_, identity, category), parts) in cells {
        let Some(first) = parts.first() else { continue };
        let person_id = parts.iter().find_map(|p| p.person_id);
        let person = match person_id {
            Some(id) => match briefs.get(&id) {
                Some(b) => b.clone(),
                None => {
                    let b = tx.person(council.id, id).await?.map(|p| PersonBrief {
                        reference: p.reference,
                        name: p.name,
                    });
                    briefs.insert(id, b.clone());
                    b
                }
            },
            None => None,
        };
        let mut samples: Vec<String> = Vec::new();
        for s in parts.iter().flat_map(|p| p.samples.iter()) {
            if samples.len() < 3 && !samples.contains(s) {
                samples.push(s.clone());
            }
        }
        let day = first.day;
        let reported = match person_id {
            Some(pid) => reports
                .iter()
                .filter(|(who, r)| {
                    *who == pid
                        && r.at.date_naive() == day
                        && samples.iter().any(|s| same_site(s, &r.address))
                })
                .map(|(_, r)| r.clone())
                .collect(),
            None => Vec::new(),
        };
        out.push(FindingView {
            identity,
            person,
            category,
            day,
            visits: parts.iter().map(|p| p.visits).sum(),
            first_seen: parts
                .iter()
                .map(|p| p.first_seen)
                .min()
                .unwrap_or(first.first_seen),
            last_seen: parts
                .iter()
                .map(|p| p.last_seen)
                .max()
                .unwrap_or(first.last_seen),
            samples,
            reported,
        });
    }
    Ok(out)
}

/// Every report of an accidental visit, with who made it.
async fn accidental_reports<T: NetworkTx>(
    tx: &mut T,
    council: &Council,
) -> DomainResult<Vec<(Id, Reported)>> {
    Ok(tx
        .requests(council.id)
        .await?
        .into_iter()
        .filter(|r| r.kind == RequestKind::Report(ReportKind::AccidentalAccess))
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
