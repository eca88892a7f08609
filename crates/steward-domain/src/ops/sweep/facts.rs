//! What the sources read, gathered once per sweep.

use crate::error::DomainResult;
use crate::ops::acceptance::{self, PersonAcceptance};
use crate::ops::due::{self, DueReport};
use crate::ops::loans::{self, LoanView};
use crate::ops::policy::ActivePack;
use crate::phones::PhoneTx;
use crate::records::Council;
use chrono::NaiveDate;
use steward_policy::{Citation, Clause};

/// The register as the sweep sees it on one day.
pub struct Day {
    pub council: Council,
    pub today: NaiveDate,
    pub active: ActivePack,
    /// Open loans with names and the date each must be back by.
    pub loans: Vec<LoanView>,
    /// What `steward due` shows for the day: PAT tests, the replacement queue and the rest.
    pub due: DueReport,
    /// Everyone the policy covers who is in office, with their signature; empty when the
    /// policy asks for none.
    pub signatures: Vec<PersonAcceptance>,
}

impl Day {
    pub async fn gather<T: PhoneTx>(
        tx: &mut T,
        council: &Council,
        today: NaiveDate,
        active: ActivePack,
    ) -> DomainResult<Day> {
        let loans = loans::list(tx, council, true, today).await?;
        let due = due::report(tx, council, today).await?;
        let signatures = if active.pack.acceptance.is_some() {
            acceptance::register(tx, council, today).await?
        } else {
            Vec::new()
        };
        Ok(Day {
            council: council.clone(),
            today,
            active,
            loans,
            due,
            signatures,
        })
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
