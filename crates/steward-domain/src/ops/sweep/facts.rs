//! What the sources read, gathered once per sweep in a fixed number of statements: the same
//! batched facts as "what is due" (`ops::due::facts`), and the report built from them.

use crate::error::DomainResult;
use crate::ids::Pence;
use crate::ops::acceptance::PersonAcceptance;
use crate::ops::due::facts::DueFacts;
use crate::ops::due::{DueSet, DueTx, build};
use crate::ops::loans::LoanView;
use crate::ops::policy::ActivePack;
use crate::records::{Council, Id};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use steward_policy::{Citation, Clause};

/// The register as the sweep sees it on one day.
pub struct Day {
    pub council: Council,
    pub today: NaiveDate,
    /// The moment the sweep runs: device checks go stale by it.
    pub now: DateTime<Utc>,
    pub active: ActivePack,
    /// Open loans with names and the date each must be back by, newest first.
    pub loans: Vec<LoanView>,
    /// What `steward due` shows for the day: PAT tests, the replacement queue and the rest.
    pub due: DueSet,
    /// Everyone the policy covers who is in office, with their signature; empty when the
    /// policy asks for none.
    pub signatures: Vec<PersonAcceptance>,
    facts: DueFacts,
    /// Replacement costs of the items on open loans, by loan id.
    costs: HashMap<Id, Pence>,
}

impl Day {
    pub async fn gather<T: DueTx>(
        tx: &mut T,
        council: &Council,
        today: NaiveDate,
        now: DateTime<Utc>,
        active: ActivePack,
    ) -> DomainResult<Day> {
        let facts = DueFacts::gather(tx, council.id, today).await?;
        let document = &active.pack.pack.title;
        let loans = facts
            .loans
            .iter()
            .map(|row| build::loan_view(document, row, &facts, today))
            .collect();
        let costs = facts
            .loans
            .iter()
            .map(|row| (row.loan.id, row.replacement_cost))
            .collect();
        let due = build::build(&active, &facts, council, today);
        let signatures = if active.pack.acceptance.is_some() {
            build::signatures(&active, &facts, today)
        } else {
            Vec::new()
        };
        Ok(Day {
            council: council.clone(),
            today,
            now,
            active,
            loans,
            due,
            signatures,
            facts,
            costs,
        })
    }

    /// What replacing the item on an open loan costs.
    pub fn replacement_cost(&self, loan_id: Id) -> Option<Pence> {
        self.costs.get(&loan_id).copied()
    }

    /// The day a person last signed the version with `hash`, on any day.
    pub fn last_signed(&self, person_id: Id, hash: &str) -> Option<NaiveDate> {
        self.facts
            .signed_by(person_id)
            .iter()
            .filter(|s| s.pack_hash == hash)
            .map(|s| s.latest)
            .max()
    }

    /// The policy's title, as notices name it.
    pub fn document(&self) -> &str {
        &self.active.pack.pack.title
    }

    pub fn cite(&self, clause: &Clause) -> Citation {
        Citation::new(&self.active.pack, clause)
    }

    /// A clause stored on a record (a loan's due or recall clause) with this policy's title.
    pub fn cite_text(&self, clause: &str) -> Citation {
        Citation {
            clause: clause.to_string(),
            document: self.document().to_string(),
        }
    }
}

/// "laptop", "mobile phone": a kind of equipment as a sentence says it.
pub(crate) fn kind_words(kind: steward_policy::EquipmentKind) -> String {
    kind.as_str().replace('_', " ")
}

/// "1 day", "3 days".
pub(crate) fn days(n: i64) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}
