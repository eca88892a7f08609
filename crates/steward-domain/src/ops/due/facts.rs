//! The facts every decision of the report needs, read for the whole council in one batch:
//! a fixed number of statements however many people, items and loans there are.

use super::repo::{DueTx, OpenLoanRow, OwedRow, SignedVersion};
use crate::error::DomainResult;
use crate::records::{Charge, Equipment, Id, Person};
use chrono::NaiveDate;
use std::collections::HashMap;
use steward_policy::OfficeId;

/// The register as the report reads it on one day.
#[derive(Clone, Debug, Default)]
pub struct DueFacts {
    /// Open loans, newest first.
    pub loans: Vec<OpenLoanRow>,
    /// Charges raised on open loans, by loan id.
    pub charges: HashMap<Id, Vec<Charge>>,
    /// People in office on the day, by reference.
    pub in_office: Vec<Person>,
    /// Offices held on the day, by person id.
    pub offices: HashMap<Id, Vec<OfficeId>>,
    /// Latest signatures of each version, by person id.
    pub signed: HashMap<Id, Vec<SignedVersion>>,
    /// Equipment in service, by asset tag.
    pub equipment: Vec<Equipment>,
    /// Phone statements still owed, newest first.
    pub owed: Vec<OwedRow>,
}

impl DueFacts {
    /// Reads the facts in seven statements.
    pub async fn gather<T: DueTx>(
        tx: &mut T,
        council_id: Id,
        today: NaiveDate,
    ) -> DomainResult<DueFacts> {
        let loans = tx.open_loan_rows(council_id).await?;
        let mut charges: HashMap<Id, Vec<Charge>> = HashMap::new();
        for c in tx.open_loan_charges(council_id).await? {
            charges.entry(c.loan_id).or_default().push(c);
        }
        let in_office = tx.people_in_office(council_id, today).await?;
        let mut offices: HashMap<Id, Vec<OfficeId>> = HashMap::new();
        for (person_id, office) in tx.offices_held(council_id, today).await? {
            offices.entry(person_id).or_default().push(office);
        }
        let mut signed: HashMap<Id, Vec<SignedVersion>> = HashMap::new();
        for s in tx.signed_versions(council_id, today).await? {
            signed.entry(s.person_id).or_default().push(s);
        }
        Ok(DueFacts {
            loans,
            charges,
            in_office,
            offices,
            signed,
            equipment: tx.equipment_in_service(council_id).await?,
            owed: tx.phone_costs_owed(council_id).await?,
        })
    }

    /// Offices `person_id` holds on the day.
    pub fn offices_of(&self, person_id: Id) -> &[OfficeId] {
        self.offices.get(&person_id).map_or(&[], Vec::as_slice)
    }

    /// The charges raised on an open loan.
    pub fn charges_of(&self, loan_id: Id) -> &[Charge] {
        self.charges.get(&loan_id).map_or(&[], Vec::as_slice)
    }

    /// A person's latest signatures, one per version signed.
    pub fn signed_by(&self, person_id: Id) -> &[SignedVersion] {
        self.signed.get(&person_id).map_or(&[], Vec::as_slice)
    }
}
