//! The storage "what is due" needs: each fact it decides on, for the whole council in one
//! statement, so the report costs the same few statements whatever the register's size.

use crate::ids::{AssetTag, Pence, PersonRef};
use crate::phones::period::BillPeriod;
use crate::phones::records::PhoneStatement;
use crate::records::{Charge, Equipment, Id, Loan, Person};
use crate::repo::{RegisterTx, RepoResult};
use chrono::{DateTime, NaiveDate, Utc};
use std::future::Future;
use steward_policy::{EquipmentKind, OfficeId};

/// What a computed report stands for: the council's audit chain head (every change to the
/// register appends a record in its own transaction) and the policy version in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DueKey {
    pub head: i64,
    pub version_id: Option<Id>,
}

/// An open loan with the names and the item facts the decisions need.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenLoanRow {
    pub loan: Loan,
    pub person: PersonRef,
    pub person_name: String,
    pub asset_tag: AssetTag,
    pub kind: EquipmentKind,
    pub model: String,
    pub replacement_cost: Pence,
    pub purchased_on: Option<NaiveDate>,
}

/// A person's latest signature of one policy version (by its hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedVersion {
    pub person_id: Id,
    pub pack_hash: String,
    /// The latest on or before the report's day, if any.
    pub latest_by_day: Option<NaiveDate>,
    /// The latest of all.
    pub latest: NaiveDate,
}

/// A phone statement not yet paid in full, with what its item of the report names.
#[derive(Clone, Debug, PartialEq)]
pub struct OwedRow {
    pub statement: PhoneStatement,
    pub person: PersonRef,
    pub person_name: String,
    pub asset_tag: AssetTag,
    pub period: BillPeriod,
    pub paid: Pence,
}

/// Whose work the start page counts.
#[derive(Clone, Debug)]
pub struct WorkScope<'a> {
    /// Open requests handled by these offices; None counts every open request.
    pub request_offices: Option<&'a [OfficeId]>,
    /// The person whose assigned requests are counted, if the account has one.
    pub assignee: Option<Id>,
    /// Open cases handled by, or escalated to, these offices; None counts every open case.
    pub case_offices: Option<&'a [OfficeId]>,
    /// Requests past their response time before this moment are late.
    pub now: DateTime<Utc>,
}

/// Counts of the work outside the due report, each one indexed count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkCounts {
    pub requests_open: u64,
    pub requests_late: u64,
    pub requests_assigned: u64,
    pub cases_open: u64,
    pub notifications_failed: u64,
}

pub trait DueTx: RegisterTx {
    /// The council's audit head and the id of the policy version in force on `on`, in one
    /// indexed read.
    fn due_key(
        &mut self,
        council_id: Id,
        on: NaiveDate,
    ) -> impl Future<Output = RepoResult<DueKey>> + Send;
    /// Every open loan with its borrower and item, newest first.
    fn open_loan_rows(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<OpenLoanRow>>> + Send;
    /// The charges raised on open loans.
    fn open_loan_charges(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<Charge>>> + Send;
    /// People with a term covering `on`, by reference.
    fn people_in_office(
        &mut self,
        council_id: Id,
        on: NaiveDate,
    ) -> impl Future<Output = RepoResult<Vec<Person>>> + Send;
    /// (person id, office) for every office held on `on`.
    fn offices_held(
        &mut self,
        council_id: Id,
        on: NaiveDate,
    ) -> impl Future<Output = RepoResult<Vec<(Id, OfficeId)>>> + Send;
    /// Each person's latest signature of each version they signed.
    fn signed_versions(
        &mut self,
        council_id: Id,
        on: NaiveDate,
    ) -> impl Future<Output = RepoResult<Vec<SignedVersion>>> + Send;
    /// Equipment neither disposed of, lost nor stolen, by asset tag.
    fn equipment_in_service(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<Equipment>>> + Send;
    /// Phone statements not yet paid in full, newest first.
    fn phone_costs_owed(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<OwedRow>>> + Send;
    /// The start page's counts of requests, cases and notifications.
    fn work_counts(
        &mut self,
        council_id: Id,
        scope: &WorkScope<'_>,
    ) -> impl Future<Output = RepoResult<WorkCounts>> + Send;
}
