//! The domain's storage interface, implemented by the per-area modules.

use crate::tx::StoreTx;
use crate::{audit, audit_list, equipment, loans, people, policy, signatures};
use chrono::{DateTime, NaiveDate, Utc};
use steward_domain::audit::{AuditHead, AuditRecord};
use steward_domain::listing::{Listed, Total};
use steward_domain::ops::acceptance::list::{SignatureListRow, SignatureQuery, SignatureScope};
use steward_domain::ops::equipment::list::{EquipmentListed, EquipmentQuery};
use steward_domain::ops::kept::KeptCount;
use steward_domain::ops::loans::list::{LoanQuery, LoanRow};
use steward_domain::repo::{
    AuditFilter, NewAcceptance, NewEquipment, NewLoan, NewPackVersion, NewPerson,
};
use steward_domain::*;
use steward_policy::{EquipmentKind, OfficeId, TermEndReason};

impl RegisterTx for StoreTx {
    async fn insert_council(&mut self, slug: &CouncilSlug, name: &str) -> RepoResult<Council> {
        policy::insert_council(self, slug, name).await
    }

    async fn council(&mut self, slug: &CouncilSlug) -> RepoResult<Option<Council>> {
        policy::council_by_slug(self, slug).await
    }

    async fn councils(&mut self) -> RepoResult<Vec<Council>> {
        policy::councils(self).await
    }

    async fn council_by_id(&mut self, id: Id) -> RepoResult<Option<Council>> {
        policy::council_by_id(self, id).await
    }

    async fn insert_pack_version(
        &mut self,
        council_id: Id,
        new: &NewPackVersion,
    ) -> RepoResult<PackVersion> {
        policy::insert_pack_version(self, council_id, new).await
    }

    async fn pack_version_in_force(
        &mut self,
        council_id: Id,
        on: NaiveDate,
    ) -> RepoResult<Option<PackVersion>> {
        policy::pack_version_in_force(self, council_id, on).await
    }

    async fn pack_title_in_force(
        &mut self,
        council_id: Id,
        on: NaiveDate,
    ) -> RepoResult<Option<String>> {
        policy::pack_title_in_force(self, council_id, on).await
    }

    async fn pack_versions(&mut self, council_id: Id) -> RepoResult<Vec<PackVersion>> {
        policy::pack_versions(self, council_id).await
    }

    async fn insert_person(&mut self, council_id: Id, new: &NewPerson) -> RepoResult<Person> {
        people::insert(self, council_id, new).await
    }

    async fn insert_people(
        &mut self,
        council_id: Id,
        news: &[NewPerson],
    ) -> RepoResult<Vec<Person>> {
        people::insert_many(self, council_id, news).await
    }

    async fn insert_terms(
        &mut self,
        council_id: Id,
        terms: &[(Id, NaiveDate, Option<NaiveDate>)],
    ) -> RepoResult<Vec<Term>> {
        people::insert_terms(self, council_id, terms).await
    }

    async fn update_person(&mut self, person: &Person) -> RepoResult<()> {
        people::update(self, person).await
    }

    async fn person_by_ref(
        &mut self,
        council_id: Id,
        reference: &PersonRef,
    ) -> RepoResult<Option<Person>> {
        people::by_ref(self, council_id, reference).await
    }

    async fn registered_references(
        &mut self,
        council_id: Id,
        references: &[&str],
    ) -> RepoResult<std::collections::BTreeSet<String>> {
        crate::rows::existing(self, "people", "reference", council_id, references).await
    }

    async fn person(&mut self, council_id: Id, id: Id) -> RepoResult<Option<Person>> {
        people::by_id(self, council_id, id).await
    }

    async fn people(&mut self, council_id: Id) -> RepoResult<Vec<Person>> {
        people::list(self, council_id).await
    }

    async fn list_people(
        &mut self,
        council_id: Id,
        query: &steward_domain::ops::people::list::PeopleQuery,
        on: NaiveDate,
        kept: Option<KeptCount<'_>>,
    ) -> RepoResult<steward_domain::listing::Listed<steward_domain::ops::people::list::PersonListed>>
    {
        people::list_page(self, council_id, query, on, kept).await
    }

    async fn household_members(
        &mut self,
        council_id: Id,
        household: &str,
    ) -> RepoResult<Vec<Person>> {
        people::household(self, council_id, household).await
    }

    async fn insert_term(
        &mut self,
        council_id: Id,
        person_id: Id,
        starts: NaiveDate,
        ends: Option<NaiveDate>,
    ) -> RepoResult<Term> {
        people::insert_term(self, council_id, person_id, starts, ends).await
    }

    async fn end_term(
        &mut self,
        council_id: Id,
        term_id: Id,
        ends: NaiveDate,
        reason: TermEndReason,
    ) -> RepoResult<()> {
        people::end_term(self, council_id, term_id, ends, reason).await
    }

    async fn terms(&mut self, council_id: Id, person_id: Id) -> RepoResult<Vec<Term>> {
        people::terms(self, council_id, person_id).await
    }

    async fn insert_office(
        &mut self,
        council_id: Id,
        person_id: Id,
        office: &OfficeId,
        starts: NaiveDate,
        ends: Option<NaiveDate>,
    ) -> RepoResult<OfficeHolding> {
        people::insert_office(self, council_id, person_id, office, starts, ends).await
    }

    async fn end_office(
        &mut self,
        council_id: Id,
        holding_id: Id,
        ends: NaiveDate,
    ) -> RepoResult<()> {
        people::end_office(self, council_id, holding_id, ends).await
    }

    async fn offices(&mut self, council_id: Id, person_id: Id) -> RepoResult<Vec<OfficeHolding>> {
        people::offices(self, council_id, person_id).await
    }

    async fn people_holding(
        &mut self,
        council_id: Id,
        offices: &[OfficeId],
        day: NaiveDate,
    ) -> RepoResult<Vec<Person>> {
        people::holding(self, council_id, offices, day).await
    }

    async fn insert_equipment(
        &mut self,
        council_id: Id,
        new: &NewEquipment,
    ) -> RepoResult<Equipment> {
        equipment::insert(self, council_id, new).await
    }

    async fn insert_equipment_many(
        &mut self,
        council_id: Id,
        news: &[NewEquipment],
    ) -> RepoResult<Vec<Equipment>> {
        equipment::insert_many(self, council_id, news).await
    }

    async fn update_equipment(&mut self, equipment: &Equipment) -> RepoResult<()> {
        equipment::update(self, equipment).await
    }

    async fn equipment_by_tag(
        &mut self,
        council_id: Id,
        tag: &AssetTag,
    ) -> RepoResult<Option<Equipment>> {
        equipment::by_tag(self, council_id, tag).await
    }

    async fn equipment_by_serial(
        &mut self,
        council_id: Id,
        serial: &str,
    ) -> RepoResult<Vec<Equipment>> {
        equipment::by_serial(self, council_id, serial).await
    }

    async fn registered_tags(
        &mut self,
        council_id: Id,
        tags: &[&str],
    ) -> RepoResult<std::collections::BTreeSet<String>> {
        crate::rows::existing(self, "equipment", "asset_tag", council_id, tags).await
    }

    async fn equipment_by_id(&mut self, council_id: Id, id: Id) -> RepoResult<Option<Equipment>> {
        equipment::by_id(self, council_id, id).await
    }

    async fn equipment_list(&mut self, council_id: Id) -> RepoResult<Vec<Equipment>> {
        equipment::list(self, council_id).await
    }

    async fn list_equipment(
        &mut self,
        council_id: Id,
        query: &EquipmentQuery,
        kept: Option<KeptCount<'_>>,
    ) -> RepoResult<Listed<EquipmentListed>> {
        equipment::list_page(self, council_id, query, kept).await
    }

    async fn insert_loan(&mut self, council_id: Id, new: &NewLoan) -> RepoResult<Loan> {
        loans::insert(self, council_id, new).await
    }

    async fn update_loan(&mut self, loan: &Loan) -> RepoResult<()> {
        loans::update(self, loan).await
    }

    async fn loan(&mut self, council_id: Id, id: Id) -> RepoResult<Option<Loan>> {
        loans::by_id(self, council_id, id).await
    }

    async fn loans(&mut self, council_id: Id, open_only: bool) -> RepoResult<Vec<Loan>> {
        loans::list(self, council_id, open_only).await
    }

    async fn list_loans(
        &mut self,
        council_id: Id,
        query: &LoanQuery,
        today: NaiveDate,
        kept: Option<KeptCount<'_>>,
    ) -> RepoResult<Listed<LoanRow>> {
        loans::list_page(self, council_id, query, today, kept).await
    }

    async fn loans_of_person(&mut self, council_id: Id, person_id: Id) -> RepoResult<Vec<Loan>> {
        loans::of_person(self, council_id, person_id).await
    }

    async fn open_loan_kinds(
        &mut self,
        council_id: Id,
        person_ids: &[Id],
    ) -> RepoResult<Vec<EquipmentKind>> {
        loans::open_kinds_of(self, council_id, person_ids).await
    }

    async fn open_loan_of_equipment(
        &mut self,
        council_id: Id,
        equipment_id: Id,
    ) -> RepoResult<Option<Loan>> {
        loans::open_of_equipment(self, council_id, equipment_id).await
    }

    // The council and the loan key the row; the rest are its fields.
    #[allow(clippy::too_many_arguments)]
    async fn insert_extension(
        &mut self,
        council_id: Id,
        loan_id: Id,
        previous_due: Option<NaiveDate>,
        new_due: NaiveDate,
        reason: &str,
        approvals: &[Approval],
        granted_on: NaiveDate,
    ) -> RepoResult<Extension> {
        loans::insert_extension(
            self,
            council_id,
            loan_id,
            previous_due,
            new_due,
            reason,
            approvals,
            granted_on,
        )
        .await
    }

    async fn extensions(&mut self, council_id: Id, loan_id: Id) -> RepoResult<Vec<Extension>> {
        loans::extensions(self, council_id, loan_id).await
    }

    async fn insert_charge(
        &mut self,
        council_id: Id,
        loan_id: Id,
        amount: Pence,
        raised_on: NaiveDate,
        clause: &str,
    ) -> RepoResult<Charge> {
        loans::insert_charge(self, council_id, loan_id, amount, raised_on, clause).await
    }

    async fn charges(&mut self, council_id: Id, loan_id: Id) -> RepoResult<Vec<Charge>> {
        loans::charges(self, council_id, loan_id).await
    }

    async fn insert_acceptance(
        &mut self,
        council_id: Id,
        new: &NewAcceptance,
    ) -> RepoResult<Acceptance> {
        policy::insert_acceptance(self, council_id, new).await
    }

    async fn acceptances(&mut self, council_id: Id, person_id: Id) -> RepoResult<Vec<Acceptance>> {
        policy::acceptances(self, council_id, person_id).await
    }

    async fn list_signatures(
        &mut self,
        council_id: Id,
        query: &SignatureQuery,
        scope: &SignatureScope,
        counted: Option<Total>,
    ) -> RepoResult<Listed<SignatureListRow>> {
        signatures::list_page(self, council_id, query, scope, counted).await
    }

    async fn count_signatures(
        &mut self,
        council_id: Id,
        query: &SignatureQuery,
        scope: &SignatureScope,
    ) -> RepoResult<Total> {
        signatures::count(self, council_id, query, scope).await
    }

    async fn append_audit(
        &mut self,
        council_id: Id,
        at: DateTime<Utc>,
        actor: &str,
        event: &AuditEvent,
    ) -> RepoResult<AuditRecord> {
        audit::append(self, council_id, at, actor, event).await
    }

    async fn audit_records(
        &mut self,
        council_id: Id,
        filter: &AuditFilter,
    ) -> RepoResult<Vec<AuditRecord>> {
        audit::records(self, council_id, filter).await
    }

    /// None when the council has no records yet (or does not exist).
    async fn list_audit(
        &mut self,
        council_id: Id,
        query: &steward_domain::ops::audit_log::AuditLogQuery,
    ) -> RepoResult<steward_domain::listing::Listed<AuditRecord>> {
        audit_list::list_page(self, council_id, query).await
    }

    async fn audit_names(
        &mut self,
        council_id: Id,
        keys: &steward_domain::ops::audit_log::NameKeys,
    ) -> RepoResult<steward_domain::ops::audit_log::Names> {
        audit_list::names(self, council_id, keys).await
    }

    async fn audit_head(&mut self, council_id: Id) -> RepoResult<Option<i64>> {
        Ok(audit::head_seq(self, council_id)
            .await?
            .filter(|seq| *seq > 0))
    }

    async fn lock_audit_head(&mut self, council_id: Id) -> RepoResult<Option<AuditHead>> {
        audit::lock_head(self, council_id).await
    }

    async fn audit_latest(
        &mut self,
        council_id: Id,
        entity: &str,
        entity_id: &str,
        actions: &[&str],
        limit: i64,
    ) -> RepoResult<Vec<AuditRecord>> {
        audit::latest(self, council_id, entity, entity_id, actions, limit).await
    }

    async fn audit_record(&mut self, council_id: Id, seq: i64) -> RepoResult<Option<AuditRecord>> {
        audit::one(self, council_id, seq).await
    }

    async fn erase_audit_data(
        &mut self,
        council_id: Id,
        seq: i64,
        on: NaiveDate,
    ) -> RepoResult<()> {
        audit::erase(self, council_id, seq, on).await
    }
}
