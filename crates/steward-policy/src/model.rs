//! The policy pack: a council's ICT policy as data. Every rule names the clause it encodes.
//!
//! The structs mirror the TOML layout one to one (see docs/policy-format.md); unknown keys are
//! refused so that a misspelt rule is never silently ignored.

use crate::period::Period;
use crate::span::Span;
use crate::vocab::{Audience, EquipmentKind, PersonKind};
use chrono::{NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where in the council's document a rule comes from: "28.9", "4.5", or a heading such as
/// "Internet use" in documents without numbered clauses.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Clause(pub String);

impl fmt::Display for Clause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The identifier a pack gives an office ("monitoring_officer", "mayor"); lower case, digits
/// and underscores.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(transparent)]
pub struct OfficeId(pub String);

impl OfficeId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_well_formed(s: &str) -> bool {
        !s.is_empty()
            && s.len() <= 64
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    }
}

impl fmt::Display for OfficeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    pub pack: PackMeta,
    pub review: Option<Review>,
    pub scope: Scope,
    #[serde(default)]
    pub offices: Vec<Office>,
    pub acceptance: Option<Acceptance>,
    #[serde(default)]
    pub equipment: Vec<EquipmentRule>,
    #[serde(default)]
    pub loans: Loans,
    pub refresh: Option<Refresh>,
    pub phones: Option<Phones>,
    pub family_use: Option<FamilyUse>,
    pub passwords: Option<Passwords>,
    pub personal_use: Option<PersonalUse>,
    pub web: Option<Web>,
    pub mail: Option<Mail>,
    pub software: Option<Software>,
    #[serde(default)]
    pub posture: Vec<PostureDuty>,
    pub check_in: Option<CheckIn>,
    #[serde(default)]
    pub reporting: Vec<ReportingDuty>,
    pub reporting_default: Option<ReportingDefault>,
    pub response_times: Option<ResponseTimes>,
    pub monitoring: Option<Monitoring>,
    pub breaches: Option<Breaches>,
    #[serde(default)]
    pub duties: Vec<Duty>,
    pub retention: Option<Retention>,
    pub information_requests: Option<InformationRequests>,
}

/// What the document is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackMeta {
    /// Short identifier, lower case with hyphens ("borough-members-protocol").
    pub id: String,
    /// The document's own title, used in every citation.
    pub title: String,
    /// The council's own version label for the document.
    pub version: String,
    /// When the council adopted this version of the document.
    #[serde(deserialize_with = "literal::date")]
    pub adopted: NaiveDate,
    /// One or two sentences on what the document is and whom it serves.
    #[serde(default)]
    pub summary: String,
}

/// How often the document is reviewed and by whom.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub every: Option<Period>,
    #[serde(default)]
    pub owners: Vec<OfficeId>,
    pub clause: Clause,
}

/// Whom the document covers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    pub kinds: Vec<PersonKind>,
    pub clause: Clause,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfficeHolder {
    /// Held by a member: Mayor, Cabinet Member, Leader of the Opposition.
    Member,
    /// Held by an officer or a team of officers: Monitoring Officer, Town Clerk, service desk.
    Officer,
    /// A committee or body that receives matters but signs nothing itself: Standards Committee.
    Body,
}

/// An office, team or body the document names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Office {
    pub id: OfficeId,
    pub name: String,
    pub holder: OfficeHolder,
    pub clause: Clause,
}

/// What people must sign, and when a signature stops counting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    /// Name of the form or statement signed ("Member acceptance form").
    pub form: String,
    /// Whether equipment may be issued before a current signature exists.
    #[serde(default = "yes")]
    pub required_before_issue: bool,
    /// A new version of the document needs a new signature.
    #[serde(default = "yes")]
    pub lapses_on_new_version: bool,
    /// A signature also lapses this long after it was given.
    pub renew_every: Option<Period>,
    /// The office paper forms go back to.
    pub return_to: Option<OfficeId>,
    /// The text people read and sign, as Markdown.
    pub text: Option<String>,
    /// Or a Markdown file beside the pack, read when the pack is loaded.
    pub text_file: Option<String>,
    pub clause: Clause,
}

fn yes() -> bool {
    true
}

/// Which kinds of equipment the council lends, and to whom.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EquipmentRule {
    pub kinds: Vec<EquipmentKind>,
    /// Who may borrow it; everyone in scope when absent.
    #[serde(default = "everyone")]
    pub audience: Audience,
    /// Only holders of one of these offices may borrow it; anyone in the audience when empty.
    #[serde(default)]
    pub offices: Vec<OfficeId>,
    /// Regular review of the holder's equipment and needs.
    pub evaluation: Option<Evaluation>,
    pub clause: Clause,
}

fn everyone() -> Audience {
    Audience::Everyone
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    pub every: Period,
    pub by: Option<OfficeId>,
    pub clause: Clause,
}

/// The rules of lending.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Loans {
    pub max_period: Option<MaxPeriod>,
    pub extension: Option<Extension>,
    pub household_limit: Option<HouseholdLimit>,
    pub authorisation: Option<Authorisation>,
    pub pat_test: Option<PatTest>,
    pub recall: Option<Recall>,
    pub leaving_office: Option<LeavingOffice>,
    pub erasure_before_reuse: Option<Erasure>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaxPeriod {
    pub length: Period,
    pub clause: Clause,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Agreement {
    /// Every named office must approve.
    All,
    /// Any one of the named offices may approve.
    Any,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    pub approvers: Vec<OfficeId>,
    pub agreement: Agreement,
    /// The document allows extensions only in exceptional circumstances; a reason is required.
    #[serde(default)]
    pub exceptional_only: bool,
    /// Longest single extension; unlimited when absent.
    pub max_length: Option<Period>,
    pub clause: Clause,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdLimit {
    pub max: u32,
    /// The kinds counted against the limit; every kind when empty.
    #[serde(default)]
    pub kinds: Vec<EquipmentKind>,
    pub clause: Clause,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Authorisation {
    pub by: Vec<OfficeId>,
    pub clause: Clause,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatTest {
    /// Kinds that need a PAT test before first use; every kind when empty.
    #[serde(default)]
    pub kinds: Vec<EquipmentKind>,
    /// How long a test stays good; a test is needed only once when absent.
    pub retest_every: Option<Period>,
    pub clause: Clause,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recall {
    pub by: Vec<OfficeId>,
    /// Return-by date offered when the officer names none.
    pub notice: Period,
    pub clause: Clause,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LeavingOffice {
    pub return_within: Period,
    /// Equipment must stop being used at once, whatever the return deadline.
    #[serde(default)]
    pub stop_use: bool,
    pub charge: Option<Charge>,
    pub clause: Clause,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "basis", rename_all = "snake_case", deny_unknown_fields)]
pub enum Charge {
    /// The full cost to the council of replacing the item.
    ReplacementCost { clause: Clause },
    /// A fixed sum in pence.
    Fixed { pence: i64, clause: Clause },
}

impl Charge {
    pub fn clause(&self) -> &Clause {
        match self {
            Charge::ReplacementCost { clause } | Charge::Fixed { clause, .. } => clause,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Erasure {
    /// Kinds that must be erased before reuse or disposal; every kind when empty.
    #[serde(default)]
    pub kinds: Vec<EquipmentKind>,
    pub clause: Clause,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefreshOrder {
    OldestFirst,
}

/// The rolling replacement programme.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Refresh {
    pub every: Period,
    #[serde(default)]
    pub kinds: Vec<EquipmentKind>,
    /// Holders of these offices come first.
    #[serde(default)]
    pub priority_offices: Vec<OfficeId>,
    pub order: RefreshOrder,
    /// Equipment reported unfit for purpose is replaced at once when repair is not viable.
    #[serde(default)]
    pub urgent_when_unfit: bool,
    pub clause: Clause,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PersonalCalls {
    /// Personal calls are paid for or reimbursed by the holder.
    Reimburse,
    /// Personal calls are kept to the holder's own time.
    OwnTimeOnly,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Phones {
    pub personal_calls: PersonalCalls,
    pub clause: Clause,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FamilyUse {
    pub allowed: bool,
    /// When family use is allowed, whether family members may reach the council network.
    #[serde(default)]
    pub network_access: bool,
    pub clause: Clause,
}

/// How long a password may be kept before its holder is asked to choose a new one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Passwords {
    pub max_age: Period,
    pub clause: Clause,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PersonalUseAllowance {
    /// Occasional and reasonable personal use at any time.
    Occasional,
    /// Personal use only in the user's own time (outside working hours or in the windows).
    OwnTime,
    /// Allowed but kept to a minimum in working hours.
    MinimalInWorkingHours,
    /// Any private use when the equipment is not needed for council business.
    WhenNotNeeded,
}

/// A span of the week: days and a time of day range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Window {
    pub days: Vec<Weekday>,
    #[serde(deserialize_with = "literal::time")]
    pub start: NaiveTime,
    #[serde(deserialize_with = "literal::time")]
    pub end: NaiveTime,
    #[serde(default)]
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonalUse {
    pub allowance: PersonalUseAllowance,
    pub working_hours: Option<Window>,
    /// Times inside working hours that count as the user's own (a lunch break).
    #[serde(default)]
    pub own_time: Vec<Window>,
    pub clause: Clause,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebAction {
    Block,
    /// Allowed only in the user's own time.
    OwnTimeOnly,
    /// Allowed only outside working hours.
    OutsideWorkingHours,
    Allow,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebRule {
    /// Category names as the filter lists spell them ("gambling", "adult").
    pub categories: Vec<String>,
    pub action: WebAction,
    #[serde(default = "everyone")]
    pub audience: Audience,
    pub clause: Clause,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebExceptions {
    pub approver: OfficeId,
    pub max_length: Option<Period>,
    pub clause: Clause,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccidentalAccess {
    pub report_to: OfficeId,
    pub clause: Clause,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Web {
    #[serde(default)]
    pub rules: Vec<WebRule>,
    pub exceptions: Option<WebExceptions>,
    pub accidental_access: Option<AccidentalAccess>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Forwarding {
    Forbidden,
    /// Allowed where the receiving account is protected (password, encryption).
    AllowedWithControls,
    Allowed,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoForwarding {
    pub rule: Forwarding,
    pub clause: Clause,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficialAddress {
    /// Domains that count as the council's own.
    pub domains: Vec<String>,
    pub clause: Clause,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConfidentialRoute {
    /// Encrypted or password protected.
    Encrypted,
    /// Only through the named secure mail route.
    SecureRoute,
}

/// What the outbound relay does with marked mail bound for a domain that is not secure.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum UnsafeMailAction {
    /// Refuse it, telling the sender why.
    #[default]
    Reject,
    /// Keep it in the relay's hold queue for an officer to release or delete.
    Hold,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfidentialMail {
    /// The lowest protective marking the rule covers ("OFFICIAL"); any confidential mail when absent.
    pub marking: Option<String>,
    pub route: ConfidentialRoute,
    /// Domain of the secure route, when there is one.
    pub secure_domain: Option<String>,
    /// Further domains marked mail may go to (other councils' secure domains).
    #[serde(default)]
    pub secure_domains: Vec<String>,
    /// What the relay does with marked mail to any other domain outside the council.
    #[serde(default)]
    pub action: UnsafeMailAction,
    pub clause: Clause,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Disclaimer {
    pub marking: String,
    /// The words the relay appends to such mail; without them the relay appends nothing.
    pub text: Option<String>,
    pub clause: Clause,
}

/// A sensitivity label, as mail carries it in its `msip_labels` header, and its marking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelMarking {
    /// The label's name or its id (a GUID), matched without regard to case.
    pub label: String,
    pub level: String,
}

/// Words in a subject that mark a message, and its marking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectMarking {
    /// Matched as whole words without regard to case ("OFFICIAL" in "[OFFICIAL] Budget").
    pub text: String,
    pub level: String,
}

/// The protective markings the council uses, and how a message shows its own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Markings {
    /// The levels, lowest first ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET").
    pub levels: Vec<String>,
    #[serde(default)]
    pub labels: Vec<LabelMarking>,
    #[serde(default)]
    pub subjects: Vec<SubjectMarking>,
    /// Where the policy sets out its markings; without it, the pack's `protective_marking`
    /// duty is cited.
    pub clause: Option<Clause>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mail {
    pub official_address: Option<OfficialAddress>,
    pub auto_forwarding: Option<AutoForwarding>,
    pub confidential: Option<ConfidentialMail>,
    pub disclaimer: Option<Disclaimer>,
    pub markings: Option<Markings>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SoftwareInstall {
    /// Whether users may have extra software installed at all.
    pub allowed: bool,
    /// Who authorises an install, when installs are allowed.
    pub approver: Option<OfficeId>,
    pub clause: Clause,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SoftwareCopies {
    pub approver: OfficeId,
    /// Whether the permission must be in writing.
    #[serde(default)]
    pub in_writing: bool,
    pub clause: Clause,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleRef {
    pub clause: Clause,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Software {
    pub install: SoftwareInstall,
    pub licensed_only: Option<RuleRef>,
    pub copies: Option<SoftwareCopies>,
    /// All software is bought through this office.
    pub purchase_via: Option<OfficeId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PostureCheck {
    Antivirus,
    AutomaticUpdates,
    Firewall,
    ScreenLock,
    PasswordOrPin,
    DiskEncryption,
    NoOwnSoftware,
    NoSettingsChanges,
}

/// How recently a device must have reported its checks: one that has not checked in within
/// `max_age` cannot be shown to meet its `[[posture]]` duties.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckIn {
    pub max_age: Period,
    pub clause: Clause,
}

/// A security duty a device check can verify.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostureDuty {
    pub check: PostureCheck,
    #[serde(default)]
    pub kinds: Vec<EquipmentKind>,
    pub clause: Clause,
    /// The office that may authorise the duty to be off for a device, where the document
    /// allows that at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<PostureException>,
}

/// Who may authorise a posture duty to be off for a device, and the clause that says so.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostureException {
    pub approver: OfficeId,
    pub clause: Clause,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Fault,
    SecurityProblem,
    Virus,
    CompromisedLogin,
    LostOrStolen,
    AccidentalAccess,
    MisuseByOthers,
    OffensiveContent,
    SoftwareInstall,
    WebException,
    ThirdPartyAccess,
    LoanExtension,
    Training,
    Accessibility,
    PhoneEvaluation,
    Erasure,
    PostureException,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Immediately,
    Promptly,
    Routine,
}

/// A duty to report something, and to whom.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportingDuty {
    pub kind: ReportKind,
    pub report_to: OfficeId,
    /// The route applies only to these kinds of equipment; to all when empty.
    #[serde(default)]
    pub equipment: Vec<EquipmentKind>,
    /// Whose reports take this route; everyone's when absent.
    #[serde(default = "everyone")]
    pub audience: Audience,
    pub urgency: Urgency,
    /// How soon the receiving office must act; the council's `[response_times]` for the
    /// urgency when absent.
    pub respond_within: Option<Span>,
    /// Who must agree before what is asked for may go ahead, where no other section says.
    pub approval: Option<Approval>,
    pub clause: Clause,
}

/// Who receives a member's report of a fault, loss or theft of an item they hold when no
/// `[[reporting]]` entry covers it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportingDefault {
    pub report_to: OfficeId,
    /// How urgent such a report is; routine when absent.
    #[serde(default = "routine")]
    pub urgency: Urgency,
    /// How soon the receiving office must act; the council's `[response_times]` for the
    /// urgency when absent.
    pub respond_within: Option<Span>,
    pub clause: Clause,
}

fn routine() -> Urgency {
    Urgency::Routine
}

/// Agreement needed before a request goes ahead.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    pub by: Vec<OfficeId>,
    pub agreement: Agreement,
    pub clause: Clause,
}

/// The council's service levels: how soon a report of each urgency is acted on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseTimes {
    pub immediately: Option<Span>,
    pub promptly: Option<Span>,
    pub routine: Option<Span>,
    /// The hours response times count; Monday to Friday, 09:00 to 17:00 when absent.
    #[serde(default)]
    pub working_hours: Option<Window>,
    /// Whose bank holidays the service desk keeps; the information requests' nation, else
    /// England and Wales, when absent.
    #[serde(default)]
    pub nation: Option<crate::workdays::Nation>,
}

impl ResponseTimes {
    pub fn for_urgency(&self, urgency: Urgency) -> Option<Span> {
        match urgency {
            Urgency::Immediately => self.immediately,
            Urgency::Promptly => self.promptly,
            Urgency::Routine => self.routine,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Monitoring {
    #[serde(default)]
    pub web: bool,
    #[serde(default)]
    pub mail: bool,
    #[serde(default)]
    pub phone: bool,
    #[serde(default)]
    pub device_history: bool,
    /// Offices who may see monitoring findings.
    pub visible_to: Vec<OfficeId>,
    pub clause: Clause,
    /// When the web filter's findings become a breach case.
    #[serde(default)]
    pub threshold: Option<WebThreshold>,
}

/// A day's visits to sites in some categories that the council treats as a suspected breach:
/// reaching `visits` or more in one category on one day opens a case for the breach handler.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebThreshold {
    /// Visits in one category, by one person, on one day.
    pub visits: u32,
    /// The categories counted; every category when empty.
    #[serde(default)]
    pub categories: Vec<String>,
    pub clause: Clause,
}

impl WebThreshold {
    /// Whether visits to `category` count towards the threshold.
    pub fn counts(&self, category: &str) -> bool {
        self.categories.is_empty() || self.categories.iter().any(|c| c == category)
    }

    /// Whether `visits` to `category` in a day reach the threshold.
    pub fn reached(&self, category: &str, visits: u64) -> bool {
        visits >= u64::from(self.visits) && self.counts(category)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BreachRoute {
    pub audience: Audience,
    pub handlers: Vec<OfficeId>,
    pub clause: Clause,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    pub to: OfficeId,
    /// In the document's terms, when a case goes on ("serious, and also a breach of the code of conduct").
    pub when: String,
    pub clause: Clause,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    NoAction,
    Advice,
    RestrictSoftware,
    RemoveInformation,
    WithdrawAccess,
    ReplacementCharge,
    Disciplinary,
    /// Handled as a complaint under the members' code of conduct.
    CodeOfConductComplaint,
    Police,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRule {
    pub outcome: Outcome,
    /// Whose breaches it may follow; everyone's when absent.
    #[serde(default = "everyone")]
    pub audience: Audience,
    pub clause: Clause,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Breaches {
    pub routes: Vec<BreachRoute>,
    pub escalation: Option<Escalation>,
    #[serde(default)]
    pub outcomes: Vec<OutcomeRule>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DutyTopic {
    RemovableMedia,
    Disposal,
    ProtectiveMarking,
    Training,
    Accessibility,
    FreedomOfInformation,
    DataProtection,
    Inspection,
    Confidentiality,
    Backups,
    PhysicalSecurity,
    Passwords,
    SocialMedia,
    Conduct,
    Costs,
    ThirdPartyAccess,
    Retention,
}

/// A duty that no decision rests on but that people must see, in the project's own words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Duty {
    pub topic: DutyTopic,
    pub summary: String,
    pub office: Option<OfficeId>,
    pub clause: Clause,
}

/// How long each kind of record is kept once it has ended, before its personal data is purged.
/// A kind left out is kept until someone decides otherwise.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    /// Requests, counted from the day they were closed.
    pub closed_requests: Option<Keep>,
    /// Breach cases, counted from the day they were closed.
    pub closed_cases: Option<Keep>,
    /// People whose every term has ended, counted from the last term's end.
    pub leavers: Option<Keep>,
    /// Notices and their email messages, counted from the day the notice was filed.
    pub notices: Option<Keep>,
    /// Signed-in sessions and failed sign-ins, counted from their last activity.
    pub sessions: Option<Keep>,
    /// What scanning the web proxy's logs found, counted from the day of the visits.
    pub monitoring_findings: Option<Keep>,
    /// Device check results (and installed software lists), counted from the day observed.
    pub device_checks: Option<Keep>,
    /// The forwards a mailbox snapshot found, counted from the day the snapshot was imported.
    pub mail_forwards: Option<Keep>,
    /// The outbound milter's decisions about messages, counted from the day of the message.
    pub mail_decisions: Option<Keep>,
}

/// One kind of record's retention period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Keep {
    pub keep: Period,
    pub clause: Clause,
}

/// Who handles freedom of information, environmental information and subject access requests,
/// and whose bank holidays count towards their deadlines.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InformationRequests {
    /// Any one of these offices handles a request and may produce a subject access document.
    pub handlers: Vec<OfficeId>,
    /// The part of the UK whose bank holidays count; England and Wales when absent.
    pub nation: Option<crate::workdays::Nation>,
    pub clause: Clause,
}

/// Dates and times in a pack may be TOML literals (`adopted = 2019-11-04`, `start = 09:00`)
/// or quoted text (`"2019-11-04"`, `"09:00"`); people write both, and both must mean the same.
pub(crate) mod literal {
    use chrono::{NaiveDate, NaiveTime};
    use serde::de::{self, Deserializer, MapAccess, Unexpected, Visitor};
    use std::fmt;
    use toml::value::Datetime;

    pub(crate) fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        d.deserialize_any(DateVisitor)
    }

    pub(crate) fn time<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        d.deserialize_any(TimeVisitor)
    }

    /// TOML hands its date and time literals to serde as a one-entry map; this unwraps it.
    fn toml_literal<'de, A: MapAccess<'de>>(map: A) -> Result<Datetime, A::Error> {
        de::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))
    }

    struct DateVisitor;

    impl<'de> Visitor<'de> for DateVisitor {
        type Value = NaiveDate;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a date like 2024-05-01")
        }

        fn visit_str<E: de::Error>(self, s: &str) -> Result<NaiveDate, E> {
            NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .map_err(|_| E::invalid_value(Unexpected::Str(s), &self))
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<NaiveDate, A::Error> {
            let literal = toml_literal(map)?;
            match (literal.date, literal.time, literal.offset) {
                (Some(d), None, None) => {
                    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                        .ok_or_else(|| de::Error::invalid_value(Unexpected::Other("date"), &self))
                }
                _ => Err(de::Error::invalid_type(
                    Unexpected::Other("date and time"),
                    &self,
                )),
            }
        }
    }

    struct TimeVisitor;

    impl<'de> Visitor<'de> for TimeVisitor {
        type Value = NaiveTime;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a time of day like \"09:00\"")
        }

        fn visit_str<E: de::Error>(self, s: &str) -> Result<NaiveTime, E> {
            s.trim()
                .parse()
                .map_err(|_| E::invalid_value(Unexpected::Str(s), &self))
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<NaiveTime, A::Error> {
            let literal = toml_literal(map)?;
            match (literal.date, literal.time, literal.offset) {
                (None, Some(t), None) => NaiveTime::from_hms_nano_opt(
                    u32::from(t.hour),
                    u32::from(t.minute),
                    u32::from(t.second.unwrap_or(0)),
                    t.nanosecond.unwrap_or(0),
                )
                .ok_or_else(|| de::Error::invalid_value(Unexpected::Other("time"), &self)),
                _ => Err(de::Error::invalid_type(
                    Unexpected::Other("date and time"),
                    &self,
                )),
            }
        }
    }
}

impl Pack {
    pub fn office(&self, id: &OfficeId) -> Option<&Office> {
        self.offices.iter().find(|o| &o.id == id)
    }

    /// The office's name as the document gives it, or the identifier if the pack lacks it.
    pub fn office_name(&self, id: &OfficeId) -> String {
        self.office(id)
            .map(|o| o.name.clone())
            .unwrap_or_else(|| id.to_string())
    }
}
