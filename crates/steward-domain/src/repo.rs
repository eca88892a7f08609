//! The storage interface the domain needs. One transaction is one `RegisterTx`: every write
//! and its audit record commit together or not at all.

use crate::audit::{AuditHead, AuditRecord};
use crate::ids::{AssetTag, CouncilSlug, Pence, PersonRef};
use crate::listing::{Listed, Total};
use crate::ops::acceptance::list::{SignatureListRow, SignatureQuery, SignatureScope};
use crate::ops::audit_log::{AuditLogQuery, NameKeys, Names};
use crate::ops::equipment::list::{EquipmentListed, EquipmentQuery};
use crate::ops::kept::KeptCount;
use crate::ops::loans::list::{LoanQuery, LoanRow};
use crate::ops::people::list::{PeopleQuery, PersonListed};
use crate::records::*;
use chrono::{DateTime, NaiveDate, Utc};
use std::future::Future;
use steward_policy::{EquipmentKind, EquipmentState, OfficeId, PersonKind, TermEndReason};

#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// A uniqueness rule was broken; `constraint` is the index name, e.g. `people_ref_unique`.
    #[error("already exists ({constraint})")]
    Conflict { constraint: String },
    /// A stored row could not be read back into a record (a bad value in the database).
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Backend(String),
    /// A list's cursor does not fit its sort: it came from another list or another order.
    #[error("the cursor does not belong to this list")]
    BadCursor,
}

pub type RepoResult<T> = Result<T, RepoError>;

#[derive(Clone, Debug)]
pub struct NewPackVersion {
    pub pack_id: String,
    pub title: String,
    pub label: String,
    pub hash: String,
    pub source: String,
    pub acceptance_text: String,
    pub effective_from: NaiveDate,
    pub adopted_at: DateTime<Utc>,
    pub adopted_by: String,
}

#[derive(Clone, Debug)]
pub struct NewPerson {
    pub reference: PersonRef,
    pub name: String,
    pub kind: PersonKind,
    pub email: Option<String>,
    pub household: Option<String>,
}

#[derive(Clone, Debug)]
pub struct NewEquipment {
    pub asset_tag: AssetTag,
    pub kind: EquipmentKind,
    pub model: String,
    pub serial: Option<String>,
    pub purchased_on: Option<NaiveDate>,
    pub replacement_cost: Pence,
    pub pat_tested_on: Option<NaiveDate>,
    pub encrypted: bool,
    pub state: EquipmentState,
}

#[derive(Clone, Debug)]
pub struct NewLoan {
    pub equipment_id: Id,
    pub person_id: Id,
    pub issued_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub due_clause: Option<String>,
    pub pack_version_id: Id,
}

#[derive(Clone, Debug)]
pub struct NewAcceptance {
    pub person_id: Id,
    pub pack_version_id: Id,
    pub pack_hash: String,
    pub signed_on: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub method: SignatureMethod,
    pub typed_name: Option<String>,
    pub recorded_by: Option<String>,
}

/// Filter for reading the audit trail; all conditions are optional and combine with AND.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub after_seq: Option<i64>,
    pub limit: Option<i64>,
}

/// Reads and writes inside one transaction. Every method about a council's records takes the
/// council's id, with any record id, so that each statement is answered from that council's
/// rows (one shard when the database is sharded by council).
pub trait RegisterTx: Send {
    // Councils (the transaction for creating a council is opened without one).
    fn insert_council(
        &mut self,
        slug: &CouncilSlug,
        name: &str,
    ) -> impl Future<Output = RepoResult<Council>> + Send;
    fn council(
        &mut self,
        slug: &CouncilSlug,
    ) -> impl Future<Output = RepoResult<Option<Council>>> + Send;
    fn councils(&mut self) -> impl Future<Output = RepoResult<Vec<Council>>> + Send;
    fn council_by_id(&mut self, id: Id)
    -> impl Future<Output = RepoResult<Option<Council>>> + Send;

    // Policy versions.
    fn insert_pack_version(
        &mut self,
        council_id: Id,
        new: &NewPackVersion,
    ) -> impl Future<Output = RepoResult<PackVersion>> + Send;
    /// The version in force on `on`: the latest whose effective date has come.
    fn pack_version_in_force(
        &mut self,
        council_id: Id,
        on: NaiveDate,
    ) -> impl Future<Output = RepoResult<Option<PackVersion>>> + Send;
    /// The title of the version in force on `on`, without its text: for lists that name the
    /// policy and need nothing else of it.
    fn pack_title_in_force(
        &mut self,
        council_id: Id,
        on: NaiveDate,
    ) -> impl Future<Output = RepoResult<Option<String>>> + Send;
    /// All versions, oldest first.
    fn pack_versions(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<PackVersion>>> + Send;

    // People.
    fn insert_person(
        &mut self,
        council_id: Id,
        new: &NewPerson,
    ) -> impl Future<Output = RepoResult<Person>> + Send;
    /// Many people at once (an import), returned in the order given.
    fn insert_people(
        &mut self,
        council_id: Id,
        news: &[NewPerson],
    ) -> impl Future<Output = RepoResult<Vec<Person>>> + Send;
    /// One term for each of many people at once (person, start, end), in the order given.
    fn insert_terms(
        &mut self,
        council_id: Id,
        terms: &[(Id, NaiveDate, Option<NaiveDate>)],
    ) -> impl Future<Output = RepoResult<Vec<Term>>> + Send;
    fn update_person(&mut self, person: &Person) -> impl Future<Output = RepoResult<()>> + Send;
    fn person_by_ref(
        &mut self,
        council_id: Id,
        reference: &PersonRef,
    ) -> impl Future<Output = RepoResult<Option<Person>>> + Send;
    /// Which of `references` the council has registered already, read a few hundred at a time.
    fn registered_references(
        &mut self,
        council_id: Id,
        references: &[&str],
    ) -> impl Future<Output = RepoResult<std::collections::BTreeSet<String>>> + Send;
    fn person(
        &mut self,
        council_id: Id,
        id: Id,
    ) -> impl Future<Output = RepoResult<Option<Person>>> + Send;
    fn people(&mut self, council_id: Id) -> impl Future<Output = RepoResult<Vec<Person>>> + Send;
    /// A page of the people list, with whether each is in office on `on`.
    fn list_people(
        &mut self,
        council_id: Id,
        query: &PeopleQuery,
        on: NaiveDate,
        kept: Option<KeptCount<'_>>,
    ) -> impl Future<Output = RepoResult<Listed<PersonListed>>> + Send;
    fn household_members(
        &mut self,
        council_id: Id,
        household: &str,
    ) -> impl Future<Output = RepoResult<Vec<Person>>> + Send;

    fn insert_term(
        &mut self,
        council_id: Id,
        person_id: Id,
        starts: NaiveDate,
        ends: Option<NaiveDate>,
    ) -> impl Future<Output = RepoResult<Term>> + Send;
    fn end_term(
        &mut self,
        council_id: Id,
        term_id: Id,
        ends: NaiveDate,
        reason: TermEndReason,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    /// A person's terms, earliest first.
    fn terms(
        &mut self,
        council_id: Id,
        person_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<Term>>> + Send;

    fn insert_office(
        &mut self,
        council_id: Id,
        person_id: Id,
        office: &OfficeId,
        starts: NaiveDate,
        ends: Option<NaiveDate>,
    ) -> impl Future<Output = RepoResult<OfficeHolding>> + Send;
    fn end_office(
        &mut self,
        council_id: Id,
        holding_id: Id,
        ends: NaiveDate,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    /// A person's offices, past and present, earliest first.
    fn offices(
        &mut self,
        council_id: Id,
        person_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<OfficeHolding>>> + Send;
    /// The people holding any of `offices` on `day`, by name, each once.
    fn people_holding(
        &mut self,
        council_id: Id,
        offices: &[OfficeId],
        day: NaiveDate,
    ) -> impl Future<Output = RepoResult<Vec<Person>>> + Send;

    // Equipment.
    fn insert_equipment(
        &mut self,
        council_id: Id,
        new: &NewEquipment,
    ) -> impl Future<Output = RepoResult<Equipment>> + Send;
    /// Many items at once (an import), returned in the order given.
    fn insert_equipment_many(
        &mut self,
        council_id: Id,
        news: &[NewEquipment],
    ) -> impl Future<Output = RepoResult<Vec<Equipment>>> + Send;
    fn update_equipment(
        &mut self,
        equipment: &Equipment,
    ) -> impl Future<Output = RepoResult<()>> + Send;
    fn equipment_by_tag(
        &mut self,
        council_id: Id,
        tag: &AssetTag,
    ) -> impl Future<Output = RepoResult<Option<Equipment>>> + Send;
    /// The council's items with this serial number (normally none or one).
    fn equipment_by_serial(
        &mut self,
        council_id: Id,
        serial: &str,
    ) -> impl Future<Output = RepoResult<Vec<Equipment>>> + Send;
    /// Which of `tags` the council has registered already, read a few hundred at a time.
    fn registered_tags(
        &mut self,
        council_id: Id,
        tags: &[&str],
    ) -> impl Future<Output = RepoResult<std::collections::BTreeSet<String>>> + Send;
    fn equipment_by_id(
        &mut self,
        council_id: Id,
        id: Id,
    ) -> impl Future<Output = RepoResult<Option<Equipment>>> + Send;
    fn equipment_list(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<Equipment>>> + Send;
    /// A page of the equipment list, each item with whoever holds it on an open loan; its
    /// count taken from `kept` when kept for the register's state (see [`KeptCount`]).
    fn list_equipment(
        &mut self,
        council_id: Id,
        query: &EquipmentQuery,
        kept: Option<KeptCount<'_>>,
    ) -> impl Future<Output = RepoResult<Listed<EquipmentListed>>> + Send;

    // Loans.
    fn insert_loan(
        &mut self,
        council_id: Id,
        new: &NewLoan,
    ) -> impl Future<Output = RepoResult<Loan>> + Send;
    /// Writes every mutable field of the loan (due, recall, leaving, returned).
    fn update_loan(&mut self, loan: &Loan) -> impl Future<Output = RepoResult<()>> + Send;
    fn loan(
        &mut self,
        council_id: Id,
        id: Id,
    ) -> impl Future<Output = RepoResult<Option<Loan>>> + Send;
    /// Loans of the council, newest first; only open ones when `open_only`.
    fn loans(
        &mut self,
        council_id: Id,
        open_only: bool,
    ) -> impl Future<Output = RepoResult<Vec<Loan>>> + Send;
    /// A page of the loans list, with each loan's borrower and item; `today` decides which
    /// are overdue or due this week.
    /// Its count is taken from `kept` when kept for the register's state (see [`KeptCount`]).
    fn list_loans(
        &mut self,
        council_id: Id,
        query: &LoanQuery,
        today: NaiveDate,
        kept: Option<KeptCount<'_>>,
    ) -> impl Future<Output = RepoResult<Listed<LoanRow>>> + Send;
    fn loans_of_person(
        &mut self,
        council_id: Id,
        person_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<Loan>>> + Send;
    /// The kinds of the items lent to any of `person_ids` and not yet back, one per loan.
    fn open_loan_kinds(
        &mut self,
        council_id: Id,
        person_ids: &[Id],
    ) -> impl Future<Output = RepoResult<Vec<EquipmentKind>>> + Send;
    fn open_loan_of_equipment(
        &mut self,
        council_id: Id,
        equipment_id: Id,
    ) -> impl Future<Output = RepoResult<Option<Loan>>> + Send;

    // The council and the loan key the row; the rest are its fields.
    #[allow(clippy::too_many_arguments)]
    fn insert_extension(
        &mut self,
        council_id: Id,
        loan_id: Id,
        previous_due: Option<NaiveDate>,
        new_due: NaiveDate,
        reason: &str,
        approvals: &[Approval],
        granted_on: NaiveDate,
    ) -> impl Future<Output = RepoResult<Extension>> + Send;
    fn extensions(
        &mut self,
        council_id: Id,
        loan_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<Extension>>> + Send;

    fn insert_charge(
        &mut self,
        council_id: Id,
        loan_id: Id,
        amount: Pence,
        raised_on: NaiveDate,
        clause: &str,
    ) -> impl Future<Output = RepoResult<Charge>> + Send;
    fn charges(
        &mut self,
        council_id: Id,
        loan_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<Charge>>> + Send;

    // Acceptances.
    fn insert_acceptance(
        &mut self,
        council_id: Id,
        new: &NewAcceptance,
    ) -> impl Future<Output = RepoResult<Acceptance>> + Send;
    /// A person's signatures, newest first.
    fn acceptances(
        &mut self,
        council_id: Id,
        person_id: Id,
    ) -> impl Future<Output = RepoResult<Vec<Acceptance>>> + Send;
    /// A page of the people `scope` covers, each with the dates of their latest signatures;
    /// `counted` is the count of the whole list when the caller knows it, so it is not
    /// counted again.
    fn list_signatures(
        &mut self,
        council_id: Id,
        query: &SignatureQuery,
        scope: &SignatureScope,
        counted: Option<Total>,
    ) -> impl Future<Output = RepoResult<Listed<SignatureListRow>>> + Send;
    /// How many people `scope` covers who match `query`, without reading them.
    fn count_signatures(
        &mut self,
        council_id: Id,
        query: &SignatureQuery,
        scope: &SignatureScope,
    ) -> impl Future<Output = RepoResult<Total>> + Send;

    // Audit.
    /// Appends the event to the council's chain, after the current head.
    fn append_audit(
        &mut self,
        council_id: Id,
        at: DateTime<Utc>,
        actor: &str,
        event: &AuditEvent,
    ) -> impl Future<Output = RepoResult<AuditRecord>> + Send;
    /// Records of a council by sequence, filtered.
    fn audit_records(
        &mut self,
        council_id: Id,
        filter: &AuditFilter,
    ) -> impl Future<Output = RepoResult<Vec<AuditRecord>>> + Send;
    /// A page of the council's audit log, filtered and sorted in the database.
    fn list_audit(
        &mut self,
        council_id: Id,
        query: &AuditLogQuery,
    ) -> impl Future<Output = RepoResult<Listed<AuditRecord>>> + Send;
    /// The names behind the ids a page of audit records mentions, one query per kind.
    fn audit_names(
        &mut self,
        council_id: Id,
        keys: &NameKeys,
    ) -> impl Future<Output = RepoResult<Names>> + Send;
    /// The sequence number of the last record the council's chain reached.
    fn audit_head(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Option<i64>>> + Send;
    /// Locks the council's chain head until the transaction ends and returns it, with the time
    /// of its last record; None if there is no such council.
    fn lock_audit_head(
        &mut self,
        council_id: Id,
    ) -> impl Future<Output = RepoResult<Option<AuditHead>>> + Send;
    /// The latest `limit` records about one entity with one of `actions`, newest first.
    fn audit_latest(
        &mut self,
        council_id: Id,
        entity: &str,
        entity_id: &str,
        actions: &[&str],
        limit: i64,
    ) -> impl Future<Output = RepoResult<Vec<AuditRecord>>> + Send;
    /// One record of the council's chain.
    fn audit_record(
        &mut self,
        council_id: Id,
        seq: i64,
    ) -> impl Future<Output = RepoResult<Option<AuditRecord>>> + Send;
    /// Removes a record's before/after data and marks it erased `on` that day; its digest
    /// and hash stay. The only change the database lets anyone make to an audit record.
    fn erase_audit_data(
        &mut self,
        council_id: Id,
        seq: i64,
        on: NaiveDate,
    ) -> impl Future<Output = RepoResult<()>> + Send;
}
