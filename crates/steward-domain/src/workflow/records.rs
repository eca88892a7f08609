use crate::records::Id;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use steward_policy::model::{Outcome, ReportKind, Urgency};
use steward_policy::posture::CheckWord;
use steward_policy::requests::{ApprovalRule, Routing};
use steward_policy::{EquipmentState, OfficeId};

/// What a request is: one of the pack's kinds of report, or a recall an officer made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestKind {
    Report(ReportKind),
    Recall,
}

impl RequestKind {
    pub const ALL_REPORTS: &'static [ReportKind] = &[
        ReportKind::Fault,
        ReportKind::SecurityProblem,
        ReportKind::Virus,
        ReportKind::CompromisedLogin,
        ReportKind::LostOrStolen,
        ReportKind::AccidentalAccess,
        ReportKind::OffensiveContent,
        ReportKind::SoftwareInstall,
        ReportKind::WebException,
        ReportKind::ThirdPartyAccess,
        ReportKind::LoanExtension,
        ReportKind::Training,
        ReportKind::Accessibility,
        ReportKind::PhoneEvaluation,
        ReportKind::Erasure,
        ReportKind::MisuseByOthers,
        ReportKind::PostureException,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Recall => "recall",
            RequestKind::Report(kind) => match kind {
                ReportKind::Fault => "fault",
                ReportKind::SecurityProblem => "security_problem",
                ReportKind::Virus => "virus",
                ReportKind::CompromisedLogin => "compromised_login",
                ReportKind::LostOrStolen => "lost_or_stolen",
                ReportKind::AccidentalAccess => "accidental_access",
                ReportKind::MisuseByOthers => "misuse_by_others",
                ReportKind::OffensiveContent => "offensive_content",
                ReportKind::SoftwareInstall => "software_install",
                ReportKind::WebException => "web_exception",
                ReportKind::ThirdPartyAccess => "third_party_access",
                ReportKind::LoanExtension => "loan_extension",
                ReportKind::Training => "training",
                ReportKind::Accessibility => "accessibility",
                ReportKind::PhoneEvaluation => "phone_evaluation",
                ReportKind::Erasure => "erasure",
                ReportKind::PostureException => "posture_exception",
            },
        }
    }

    /// A short title: "Lost or stolen equipment".
    pub fn title(self) -> &'static str {
        match self {
            RequestKind::Recall => "Equipment recalled",
            RequestKind::Report(kind) => match kind {
                ReportKind::Fault => "Fault",
                ReportKind::SecurityProblem => "Security problem",
                ReportKind::Virus => "Suspected virus",
                ReportKind::CompromisedLogin => "Login details known to someone else",
                ReportKind::LostOrStolen => "Lost or stolen equipment",
                ReportKind::AccidentalAccess => "Unsuitable website reached by accident",
                ReportKind::MisuseByOthers => "Misuse by someone else",
                ReportKind::OffensiveContent => "Offensive mail or content received",
                ReportKind::SoftwareInstall => "Software installation",
                ReportKind::WebException => "Access to a blocked website",
                ReportKind::ThirdPartyAccess => "Access for a third party",
                ReportKind::LoanExtension => "Longer loan",
                ReportKind::Training => "Training needs",
                ReportKind::Accessibility => "Accessibility needs",
                ReportKind::PhoneEvaluation => "Phone evaluation",
                ReportKind::Erasure => "Erasure or disposal",
                ReportKind::PostureException => "Security duty switched off",
            },
        }
    }

    pub fn report(self) -> Option<ReportKind> {
        match self {
            RequestKind::Report(kind) => Some(kind),
            RequestKind::Recall => None,
        }
    }

    /// Security incidents: what the service desk must hear of at once.
    pub fn is_incident(self) -> bool {
        matches!(
            self,
            RequestKind::Report(
                ReportKind::SecurityProblem
                    | ReportKind::Virus
                    | ReportKind::CompromisedLogin
                    | ReportKind::LostOrStolen
                    | ReportKind::AccidentalAccess
                    | ReportKind::OffensiveContent
            )
        )
    }
}

impl fmt::Display for RequestKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a kind of request; use one of: {1}")]
pub struct UnknownKind(pub String, pub String);

impl FromStr for RequestKind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        if text == "recall" {
            return Ok(RequestKind::Recall);
        }
        RequestKind::ALL_REPORTS
            .iter()
            .map(|k| RequestKind::Report(*k))
            .find(|k| k.as_str() == text)
            .ok_or_else(|| {
                let words: Vec<&str> = RequestKind::ALL_REPORTS
                    .iter()
                    .map(|k| RequestKind::Report(*k).as_str())
                    .collect();
                UnknownKind(text.to_string(), words.join(", "))
            })
    }
}

impl Serialize for RequestKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

// Written as its word: `recall` or a report's.
impl schemars::JsonSchema for RequestKind {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RequestKind".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut words = vec![RequestKind::Recall.as_str()];
        words.extend(
            RequestKind::ALL_REPORTS
                .iter()
                .map(|k| RequestKind::Report(*k).as_str()),
        );
        schemars::json_schema!({ "type": "string", "enum": words })
    }
}

impl<'de> Deserialize<'de> for RequestKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Where a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    /// Received; nobody has taken it up yet.
    Open,
    /// Someone in the handling office is working on it.
    InProgress,
    /// Waiting for the approvals the policy asks for.
    AwaitingApproval,
    /// Agreed, and what was asked for has been done.
    Approved,
    Refused,
    /// Dealt with.
    Resolved,
    /// Taken back by whoever asked.
    Withdrawn,
}

impl RequestState {
    pub const ALL: &'static [RequestState] = &[
        RequestState::Open,
        RequestState::InProgress,
        RequestState::AwaitingApproval,
        RequestState::Approved,
        RequestState::Refused,
        RequestState::Resolved,
        RequestState::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Open => "open",
            RequestState::InProgress => "in_progress",
            RequestState::AwaitingApproval => "awaiting_approval",
            RequestState::Approved => "approved",
            RequestState::Refused => "refused",
            RequestState::Resolved => "resolved",
            RequestState::Withdrawn => "withdrawn",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            RequestState::Open => "Open",
            RequestState::InProgress => "In progress",
            RequestState::AwaitingApproval => "Awaiting approval",
            RequestState::Approved => "Approved",
            RequestState::Refused => "Refused",
            RequestState::Resolved => "Resolved",
            RequestState::Withdrawn => "Withdrawn",
        }
    }

    pub fn is_closed(self) -> bool {
        matches!(
            self,
            RequestState::Approved
                | RequestState::Refused
                | RequestState::Resolved
                | RequestState::Withdrawn
        )
    }
}

impl FromStr for RequestState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RequestState::ALL
            .iter()
            .copied()
            .find(|st| st.as_str() == s.trim())
            .ok_or_else(|| {
                let words: Vec<&str> = RequestState::ALL.iter().map(|st| st.as_str()).collect();
                format!("'{s}' is not a state; use one of: {}", words.join(", "))
            })
    }
}

/// What a request of each kind carries besides its summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RequestDetails {
    None,
    /// A longer loan, to this day.
    Extension {
        until: NaiveDate,
    },
    /// Software to install on the item the request is about.
    Software {
        name: String,
        licence: Option<String>,
    },
    /// A blocked website someone needs for council work, until a day.
    Website {
        host: String,
        until: NaiveDate,
    },
    /// Lost or stolen equipment.
    Loss {
        stolen: bool,
        noticed_on: NaiveDate,
        place: String,
        police_reference: Option<String>,
    },
    /// A site reached by accident.
    Visit {
        address: String,
        at: DateTime<Utc>,
    },
    /// Equipment to be wiped: for reuse, or for disposal.
    Erasure {
        dispose: bool,
    },
    /// An item asked back, by this day.
    Recall {
        return_by: NaiveDate,
    },
    /// A security duty of the pack to be off for the item, until this day (inclusive).
    PostureException {
        check: CheckWord,
        until: NaiveDate,
    },
}

/// A report or request and where it stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Request {
    pub id: Id,
    pub council_id: Id,
    pub kind: RequestKind,
    pub state: RequestState,
    /// The person it is for or from; none when raised for the council itself.
    pub requester_id: Option<Id>,
    /// Who entered it (a username, or "sweep").
    pub raised_by: String,
    pub equipment_id: Option<Id>,
    pub loan_id: Option<Id>,
    pub summary: String,
    pub details: RequestDetails,
    /// The office that must act, and the clause that says so.
    pub handler: OfficeId,
    pub handler_name: String,
    pub clause: String,
    pub document: String,
    pub urgency: Urgency,
    pub due_at: Option<DateTime<Utc>>,
    pub assignee_id: Option<Id>,
    /// Frozen when raised, so a later policy version does not change what was asked.
    pub approval: Option<ApprovalRule>,
    pub outcome: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// How the handler was found: named by the policy, or received for want of a route.
    #[serde(default)]
    pub routing: Routing,
}

impl Request {
    /// Past its response time and still not dealt with.
    pub fn is_late(&self, now: DateTime<Utc>) -> bool {
        !self.state.is_closed() && self.due_at.is_some_and(|due| due < now)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Comment,
    State,
    Assigned,
    Approval,
    Task,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Comment => "comment",
            EventKind::State => "state",
            EventKind::Assigned => "assigned",
            EventKind::Approval => "approval",
            EventKind::Task => "task",
        }
    }
}

/// One entry in a request's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RequestEvent {
    pub id: Id,
    pub request_id: Id,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: EventKind,
    pub text: String,
    /// Notes for officers only are hidden from the person who asked.
    pub internal: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Refuse,
}

/// One approver's decision on a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RequestApproval {
    pub id: Id,
    pub request_id: Id,
    pub office: OfficeId,
    pub person_id: Id,
    pub decision: Decision,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// A follow-up that must be done before a request is resolved (a credential reset after a
/// lost device, a record of the remote wipe).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RequestTask {
    pub id: Id,
    pub request_id: Id,
    pub title: String,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<String>,
    pub note: Option<String>,
}

/// Someone allowed through the web filter to a site, until a moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WebException {
    pub id: Id,
    pub council_id: Id,
    pub person_id: Id,
    pub host: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub request_id: Id,
    pub clause: String,
}

/// Software authorised on one item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuthorisedSoftware {
    pub id: Id,
    pub council_id: Id,
    pub equipment_id: Id,
    pub name: String,
    pub authorised_on: NaiveDate,
    pub request_id: Id,
    pub clause: String,
}

/// A security duty an office authorised to be off for one item until a day (inclusive).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PostureExceptionGrant {
    pub id: Id,
    pub council_id: Id,
    pub equipment_id: Id,
    pub check: CheckWord,
    pub until: NaiveDate,
    /// The office that authorised it, and its name on the day.
    pub office: OfficeId,
    pub office_name: String,
    pub authorised_on: NaiveDate,
    pub request_id: Id,
    pub clause: String,
    pub document: String,
}

/// A recorded wipe of an item's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Erasure {
    pub id: Id,
    pub council_id: Id,
    pub equipment_id: Id,
    pub erased_on: NaiveDate,
    pub method: String,
    pub certificate: Option<String>,
    pub recorded_by: String,
    pub request_id: Option<Id>,
    /// What became of the item: back in stock erased, or disposed of.
    pub state_after: EquipmentState,
}

/// Where a breach case came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseSource {
    /// Raised by someone signed in, who is named.
    Report,
    /// Raised without a name: the whistleblowing route.
    Anonymous,
    /// From what the monitoring found.
    Monitoring,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Open,
    /// Referred on to the body the policy names for serious cases.
    Escalated,
    Closed,
}

impl CaseState {
    pub fn words(self) -> &'static str {
        match self {
            CaseState::Open => "Open",
            CaseState::Escalated => "Escalated",
            CaseState::Closed => "Closed",
        }
    }
}

/// A suspected breach of the policy, and what came of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Case {
    pub id: Id,
    pub council_id: Id,
    /// Whom it is about, when someone is named.
    pub subject_id: Option<Id>,
    /// Who raised it; never recorded for an anonymous concern.
    pub reporter_id: Option<Id>,
    pub source: CaseSource,
    pub summary: String,
    pub details: String,
    /// Any one of these offices handles it.
    pub handlers: Vec<OfficeId>,
    pub clause: String,
    pub document: String,
    pub state: CaseState,
    pub escalated_to: Option<OfficeId>,
    pub escalation_clause: Option<String>,
    pub escalated_at: Option<DateTime<Utc>>,
    pub outcome: Option<Outcome>,
    pub outcome_clause: Option<String>,
    pub outcome_note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// A handler's note on a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CaseNote {
    pub id: Id,
    pub case_id: Id,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub text: String,
}

/// A person's access withdrawn as the outcome of a case: nothing more is lent to them and their
/// accounts are disabled until it is lifted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Withdrawal {
    pub id: Id,
    pub council_id: Id,
    pub person_id: Id,
    pub case_id: Id,
    pub from: NaiveDate,
    pub clause: String,
    pub document: String,
    pub lifted_on: Option<NaiveDate>,
}

/// A restriction put on an item as the outcome of a case (software removed, information
/// removed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Restriction {
    pub id: Id,
    pub council_id: Id,
    pub equipment_id: Id,
    pub case_id: Id,
    pub outcome: Outcome,
    pub note: String,
    pub on: NaiveDate,
    pub clause: String,
}

/// An officer of an office, someone a request may be given to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Colleague {
    pub id: Id,
    pub reference: String,
    pub name: String,
    /// Their account's username, for naming them on the command line.
    pub username: String,
}
