//! The storage the web filter's commands need, beside the workflow's (findings open cases).

use super::records::*;
use crate::listing::Listed;
use crate::ops::network::identities::{IdentityLine, IdentityQuery};
use crate::ops::network::list::FindingQuery;
use crate::records::Id;
use crate::repo::RepoResult;
use crate::workflow::WorkflowTx;
use crate::workflow::{Request, RequestKind};
use chrono::{DateTime, NaiveDate, Utc};
use std::future::Future;
use std::net::IpAddr;

/// Proxy user names, equipment addresses and findings, inside one transaction. Reads by id
/// return records of any council: callers check `council_id`.
pub trait NetworkTx: WorkflowTx {
    fn insert_proxy_user(
        &mut self,
        council_id: Id,
        person_id: Id,
        username: &str,
        added_on: NaiveDate,
    ) -> impl Future<Output = RepoResult<ProxyUser>> + Send;
    fn delete_proxy_user(
        &mut self,
        council_id: Id,
        id: Id,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    /// Every proxy user name of the council, by name.
    fn proxy_users(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<ProxyUser>>> + Send;

    fn insert_equipment_address(
        &mut self,
        council_id: Id,
        equipment_id: Id,
        address: IpAddr,
        added_on: NaiveDate,
    ) -> impl Future<Output = RepoResult<EquipmentAddress>> + Send;
    fn delete_equipment_address(
        &mut self,
        council_id: Id,
        id: Id,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    /// Every equipment address of the council.
    fn equipment_addresses(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<EquipmentAddress>>> + Send;

    fn insert_web_scan(
        &mut self,
        council_id: Id,
        scanned_at: DateTime<Utc>,
        scanned_by: &str,
        files: i64,
        lines: i64,
    ) -> impl Future<Output = RepoResult<WebScan>> + Send;
    fn set_web_scan_cells(
        &mut self,
        council_id: Id,
        scan_id: Id,
        cells: i64,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    /// Writes a finding, replacing the one from the same source, identity, category and day.
    fn put_web_finding(
        &mut self,
        council_id: Id,
        scan_id: Id,
        person_id: Option<Id>,
        finding: &NewFinding,
    ) -> impl Future<Output = RepoResult<WebFinding>> + Send;
    /// The council's findings that pass `filter`, newest day first.
    /// Every term of these people, with their reference, read together (a few hundred
    /// people to a statement), for judging a scan's findings against who had left.
    fn terms_of_people(
        &mut self,
        council_id: Id,
        ids: &[Id],
    ) -> impl Future<Output = RepoResult<Vec<(crate::records::Term, String)>>> + Send;
    fn web_findings(
        &mut self,
        council_id: Id,
        filter: &FindingFilter,
    ) -> impl Future<Output = RepoResult<Vec<WebFinding>>> + Send;

    /// A page of the people the filter would recognise on `day`, by reference: those with a
    /// proxy user name or a device with addresses on loan to them that day.
    fn list_web_identities(
        &mut self,
        council_id: Id,
        query: &IdentityQuery,
        day: NaiveDate,
    ) -> impl Future<Output = RepoResult<Listed<IdentityLine>>> + Send;

    /// A page of the council's findings, one per identity, category and day.
    fn list_web_findings(
        &mut self,
        council_id: Id,
        query: &FindingQuery,
    ) -> impl Future<Output = RepoResult<Listed<FindingCell>>> + Send;
    /// The council's requests of one kind raised by any of `requesters`, oldest first.
    fn requests_of_kind_by(
        &mut self,
        council_id: Id,
        kind: RequestKind,
        requesters: &[Id],
    ) -> impl Future<Output = RepoResult<Vec<Request>>> + Send;

    /// The case opened for a subject's category on a day, if any.
    fn web_finding_case(
        &mut self,
        council_id: Id,
        subject: &str,
        category: &str,
        day: NaiveDate,
    ) -> impl Future<Output = RepoResult<Option<Id>>> + Send;
    fn insert_web_finding_case(
        &mut self,
        council_id: Id,
        subject: &str,
        category: &str,
        day: NaiveDate,
        case_id: Id,
    ) -> impl Future<Output = RepoResult<()>> + Send;
}
