//! What the register holds. These are also the wire types the API serves and the CLI prints.

use crate::ids::{AssetTag, CouncilSlug, Pence, PersonRef};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use steward_policy::{EquipmentKind, EquipmentState, OfficeId, PersonKind, TermEndReason};

pub type Id = i64;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Council {
    pub id: Id,
    pub slug: CouncilSlug,
    pub name: String,
}

/// One adopted version of a council's policy. Versions are never changed, only superseded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PackVersion {
    pub id: Id,
    pub council_id: Id,
    /// 1 for the first pack a council adopts, then 2, 3...
    pub number: i64,
    pub pack_id: String,
    pub title: String,
    pub label: String,
    /// Hash of the exact text adopted and the text people sign.
    pub hash: String,
    pub source: String,
    pub acceptance_text: String,
    /// The day the version takes effect.
    pub effective_from: NaiveDate,
    pub adopted_at: DateTime<Utc>,
    pub adopted_by: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Person {
    pub id: Id,
    pub council_id: Id,
    pub reference: PersonRef,
    pub name: String,
    pub kind: PersonKind,
    pub email: Option<String>,
    /// Free-text key shared by people living at the same address.
    pub household: Option<String>,
}

/// A term of office for a member, or an engagement for staff.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Term {
    pub id: Id,
    pub person_id: Id,
    pub starts: NaiveDate,
    pub ends: Option<NaiveDate>,
    pub end_reason: Option<TermEndReason>,
}

impl Term {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.starts <= day && self.ends.is_none_or(|end| day <= end)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OfficeHolding {
    pub id: Id,
    pub person_id: Id,
    pub office: OfficeId,
    pub starts: NaiveDate,
    pub ends: Option<NaiveDate>,
}

impl OfficeHolding {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.starts <= day && self.ends.is_none_or(|end| day <= end)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Equipment {
    pub id: Id,
    pub council_id: Id,
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Loan {
    pub id: Id,
    pub council_id: Id,
    pub equipment_id: Id,
    pub person_id: Id,
    pub issued_on: NaiveDate,
    /// End of the loan period, when the policy limits it.
    pub due_on: Option<NaiveDate>,
    pub due_clause: Option<String>,
    /// Set by a recall.
    pub recall_by: Option<NaiveDate>,
    pub recall_clause: Option<String>,
    /// Set when the holder leaves office.
    pub leaving_by: Option<NaiveDate>,
    pub leaving_clause: Option<String>,
    pub returned_on: Option<NaiveDate>,
    pub pack_version_id: Id,
    /// How the loan ended when the item did not come back: lost or stolen.
    #[serde(default)]
    pub ended_as: Option<EquipmentState>,
}

impl Loan {
    pub fn is_open(&self) -> bool {
        self.returned_on.is_none()
    }

    /// The earliest of the loan's dates, its clause and which date it is. On a tie the loan
    /// period comes first, then the recall, then leaving office.
    fn earliest(&self) -> Option<(NaiveDate, &str, ReturnGround)> {
        [
            (
                self.due_on,
                self.due_clause.as_deref(),
                ReturnGround::LoanPeriod,
            ),
            (
                self.recall_by,
                self.recall_clause.as_deref(),
                ReturnGround::Recall,
            ),
            (
                self.leaving_by,
                self.leaving_clause.as_deref(),
                ReturnGround::Leaving,
            ),
        ]
        .into_iter()
        .filter_map(|(date, clause, ground)| Some((date?, clause.unwrap_or(""), ground)))
        .min_by_key(|(date, _, _)| *date)
    }

    /// The earliest date by which the item must be back, and the clause that sets it: a
    /// recall or leaving office can bring the date forward, never put it back.
    pub fn return_by(&self) -> Option<(NaiveDate, &str)> {
        self.earliest().map(|(date, clause, _)| (date, clause))
    }

    /// Which of the loan's dates is its return-by date.
    pub fn return_ground(&self) -> Option<ReturnGround> {
        self.earliest().map(|(_, _, ground)| ground)
    }

    /// Where the loan stands on `today`. A loan ended by a loss or theft reads as that, never
    /// as a return.
    pub fn status(&self, today: NaiveDate) -> LoanStatus {
        match (self.returned_on, self.ended_as) {
            (Some(_), Some(EquipmentState::Lost)) => LoanStatus::Lost,
            (Some(_), Some(EquipmentState::Stolen)) => LoanStatus::Stolen,
            (Some(_), _) => LoanStatus::Returned,
            (None, _) if self.return_by().is_some_and(|(by, _)| by < today) => LoanStatus::Overdue,
            (None, _) => LoanStatus::Open,
        }
    }
}

/// Where a loan stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LoanStatus {
    Open,
    /// Open past its return-by date.
    Overdue,
    Returned,
    /// Ended because the item was lost.
    Lost,
    /// Ended because the item was stolen.
    Stolen,
}

impl LoanStatus {
    /// The word people read.
    pub fn words(self) -> &'static str {
        match self {
            LoanStatus::Open => "Open",
            LoanStatus::Overdue => "Overdue",
            LoanStatus::Returned => "Returned",
            LoanStatus::Lost => "Lost",
            LoanStatus::Stolen => "Stolen",
        }
    }
}

/// Which date a loan's return-by date is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReturnGround {
    /// The end of the loan period (as issued, or as extended).
    LoanPeriod,
    Recall,
    /// The deadline after the holder left office.
    Leaving,
}

impl ReturnGround {
    /// What set the date, as a sentence ends it: "set by the recall".
    pub fn words(self) -> &'static str {
        match self {
            ReturnGround::LoanPeriod => "the end of the loan period",
            ReturnGround::Recall => "the recall",
            ReturnGround::Leaving => "leaving office",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Extension {
    pub id: Id,
    pub loan_id: Id,
    pub previous_due: Option<NaiveDate>,
    pub new_due: NaiveDate,
    pub reason: String,
    /// References of the people who approved, with the office each approved as.
    pub approvals: Vec<Approval>,
    pub granted_on: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Approval {
    pub person: PersonRef,
    pub office: OfficeId,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Charge {
    pub id: Id,
    pub loan_id: Id,
    pub amount: Pence,
    pub raised_on: NaiveDate,
    pub clause: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignatureMethod {
    /// The person read the text and typed their name.
    SelfService,
    /// A signed paper form, recorded by an officer.
    PaperForm,
}

impl SignatureMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureMethod::SelfService => "self_service",
            SignatureMethod::PaperForm => "paper_form",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Acceptance {
    pub id: Id,
    pub person_id: Id,
    pub pack_version_id: Id,
    pub pack_hash: String,
    pub signed_on: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub method: SignatureMethod,
    pub typed_name: Option<String>,
    /// Who entered a paper form.
    pub recorded_by: Option<String>,
}

/// A change as the audit trail records it, before it is chained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditEvent {
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}
