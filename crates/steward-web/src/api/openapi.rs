//! The OpenAPI 3.1 document, built from the same list that registers the routes.

use super::extract::{DEFAULT_LIMIT, MAX_LIMIT};
use axum::http::Method;
use serde_json::{Map, Value, json};
use steward_policy::{EquipmentKind, EquipmentState, PersonKind, TermEndReason};

mod files;
mod mail;
mod network;
mod phones;
pub(crate) use files::*;
pub(crate) use mail::*;
pub(crate) use network::*;
mod records;
mod responses;
pub(crate) use phones::*;
pub(crate) use records::*;
use responses::Answer;
pub(crate) use responses::{Created, Described, Document, Pdf, Returns};
use schemars::SchemaGenerator;

/// The capability a route asks the caller's `Principal` for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    Public,
    Member,
    Reader,
    ReaderOrMember,
    Officer,
    /// Auditors and administrators.
    Auditor,
    Admin,
    /// Any live token; the record itself decides what the caller may see and do.
    Token,
}

impl Access {
    fn words(self) -> &'static str {
        match self {
            Access::Public => "No token needed.",
            Access::Member => "Needs a token whose account is linked to a person.",
            Access::Reader => "Needs an officer, auditor or administrator token.",
            Access::ReaderOrMember => {
                "Needs an officer, auditor or administrator token, or a member's own token."
            }
            Access::Officer => "Needs an officer or administrator token.",
            Access::Auditor => "Needs an auditor or administrator token.",
            Access::Admin => "Needs an administrator token.",
            Access::Token => {
                "Needs a token; what it may see and do is decided by the record (the person it \
                 is for, the office that handles it, the offices that approve it)."
            }
        }
    }
}

/// A request body's kind.
#[derive(Clone, Copy, Debug)]
pub(crate) enum BodyDoc {
    Json(fn() -> Value),
    Toml,
    /// A CSV file's text, described by its columns.
    Csv(fn() -> Value),
    /// A file's text as a tool wrote it (`text/plain`).
    Text(fn() -> Value),
}

/// One documented route.
#[derive(Clone, Debug)]
pub(crate) struct Op {
    pub method: Method,
    pub path: &'static str,
    pub summary: &'static str,
    pub access: Access,
    pub query: &'static [&'static str],
    pub body: Option<BodyDoc>,
    /// What the handler answers on success; set when the route is added.
    pub answer: Option<fn(&mut SchemaGenerator) -> Answer>,
}

impl Op {
    fn new(method: Method, path: &'static str, summary: &'static str, access: Access) -> Op {
        Op {
            method,
            path,
            summary,
            access,
            query: &[],
            body: None,
            answer: None,
        }
    }

    pub fn get(path: &'static str, summary: &'static str, access: Access) -> Op {
        Op::new(Method::GET, path, summary, access)
    }

    pub fn post(path: &'static str, summary: &'static str, access: Access) -> Op {
        Op::new(Method::POST, path, summary, access)
    }

    pub fn query(mut self, names: &'static [&'static str]) -> Op {
        self.query = names;
        self
    }

    pub fn body(mut self, body: BodyDoc) -> Op {
        self.body = Some(body);
        self
    }

    /// The `{name}` segments of the path.
    fn path_params(&self) -> Vec<&'static str> {
        self.path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect()
    }
}

fn text() -> Value {
    json!({ "type": "string" })
}

/// Characters free text may not hold (`text::free`): control characters other than line
/// breaks and tabs, and direction controls.
const NOT_IN_TEXT: &str = "\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u200B-\\u200F\\u202A-\\u202E\\u2060\\u2066-\\u2069\\uFEFF";

/// Free text that must say something: not blank, and within the one rule for text.
fn written(description: &str) -> Value {
    json!({
        "type": "string",
        "minLength": 1,
        "pattern": format!("^[^{NOT_IN_TEXT}]*[^\\s{NOT_IN_TEXT}][^{NOT_IN_TEXT}]*$"),
        "description": description,
    })
}

/// A person's reference, as `PersonRef` accepts it.
fn reference() -> Value {
    json!({ "type": "string", "pattern": "^[A-Za-z0-9._-]{1,32}$" })
}

/// An asset tag, as `AssetTag` accepts it.
fn tag() -> Value {
    json!({ "type": "string", "pattern": "^[A-Za-z0-9._/-]{1,32}$" })
}

fn office() -> Value {
    json!({ "type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$" })
}

/// One of a vocabulary's words.
fn words<T: Copy>(all: &[T], word: fn(T) -> &'static str) -> Value {
    let words: Vec<&str> = all.iter().map(|w| word(*w)).collect();
    json!({ "type": "string", "enum": words })
}

/// A person's name as the register checks it: 1 to 200 characters on one line.
fn name() -> Value {
    json!({ "type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^\\r\\n]+$" })
}

/// An account's username, as `Username` accepts it.
fn username() -> Value {
    json!({ "type": "string", "pattern": "^[a-z0-9._@-]{3,64}$" })
}

/// A password as the rules take it: free text of its length (not one character repeated, not
/// the username, not a common password).
fn password() -> Value {
    json!({
        "type": "string",
        "minLength": steward_domain::auth::MIN_PASSWORD_CHARS,
        "maxLength": steward_domain::auth::MAX_PASSWORD_CHARS,
        "pattern": format!("^[^{NOT_IN_TEXT}]*$"),
    })
}

fn day() -> Value {
    json!({ "type": "string", "format": "date", "description": "YYYY-MM-DD" })
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": properties,
    })
}

pub(crate) fn typed_signature() -> Value {
    object(
        &["typed_name"],
        json!({ "typed_name": { "type": "string", "description": "The caller's name as registered" } }),
    )
}

pub(crate) fn adopt() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "description": "Either `preset` or `source`.",
        "properties": {
            "preset": { "type": "string", "description": "A built-in preset id" },
            "source": { "type": "string", "description": "The pack's TOML text" },
            "effective_from": day(),
        },
    })
}

pub(crate) fn add_person() -> Value {
    object(
        &["reference", "name", "kind"],
        json!({
            "reference": reference(),
            "name": name(),
            "kind": words(PersonKind::ALL, PersonKind::as_str),
            "email": { "type": "string", "maxLength": 254 },
            "household": { "type": "string", "maxLength": 200 },
            "term_start": day(),
            "term_end": day(),
            "offices": { "type": "array", "items": office() },
        }),
    )
}

/// A correction: only the fields given change.
pub(crate) fn edit_person() -> Value {
    object(
        &[],
        json!({
            "name": name(),
            "email": {
                "type": "string",
                "maxLength": 254,
                "description": "An email address; an empty string clears it",
            },
            "kind": words(PersonKind::ALL, PersonKind::as_str),
            "household": {
                "type": "string",
                "maxLength": 200,
                "description": "Key shared by people at the same address; an empty string clears it",
            },
        }),
    )
}

pub(crate) fn add_office() -> Value {
    object(&["office"], json!({ "office": office(), "from": day() }))
}

pub(crate) fn leave() -> Value {
    object(
        &["reason"],
        json!({ "on": day(), "reason": words(TermEndReason::ALL, TermEndReason::as_str) }),
    )
}

pub(crate) fn add_equipment() -> Value {
    object(
        &["asset_tag", "kind", "model", "replacement_cost"],
        json!({
            "asset_tag": tag(),
            "kind": words(EquipmentKind::ALL, EquipmentKind::as_str),
            "model": name(),
            "serial": text(),
            "purchased_on": day(),
            "replacement_cost": {
                "type": "string",
                "pattern": "^[0-9]{1,9}(\\.[0-9]{1,2})?$",
                "description": "Pounds, such as 650.00",
            },
            "pat_tested_on": day(),
            "encrypted": { "type": "boolean" },
        }),
    )
}

/// A correction: only the fields given change.
pub(crate) fn edit_equipment() -> Value {
    object(
        &[],
        json!({
            "model": text(),
            "serial": {
                "type": "string",
                "maxLength": 100,
                "description": "Unique among the council's items; an empty string clears it",
            },
            "replacement_cost": {
                "type": "string",
                "pattern": "^[0-9]{1,9}(\\.[0-9]{1,2})?$",
                "description": "Pounds, such as 650.00",
            },
            "purchased_on": {
                "type": "string",
                "description": "A day as YYYY-MM-DD, not after today; an empty string clears it",
            },
        }),
    )
}

pub(crate) fn pat_test() -> Value {
    object(&[], json!({ "on": day() }))
}

pub(crate) fn set_state() -> Value {
    object(
        &["state"],
        json!({ "state": words(EquipmentState::ALL, EquipmentState::as_str) }),
    )
}

pub(crate) fn paper_form() -> Value {
    object(
        &["person", "signed_on"],
        json!({
            "person": reference(),
            "signed_on": day(),
            "recorded_by": reference(),
            "form_reference": {
                "type": "string",
                "description": "The form reference printed on the form, such as FENWOLD/M1/V1/3F9A0C2B; checked against the person and the policy version in force",
            },
        }),
    )
}

pub(crate) fn issue() -> Value {
    object(
        &["person", "asset_tag"],
        json!({ "person": reference(), "asset_tag": tag(), "authorised_by": reference() }),
    )
}

pub(crate) fn extend() -> Value {
    object(
        &["until", "approved_by", "reason"],
        json!({
            "until": day(),
            "approved_by": { "type": "array", "items": reference() },
            "reason": text(),
        }),
    )
}

pub(crate) fn recall() -> Value {
    object(&[], json!({ "by": reference(), "return_by": day() }))
}

pub(crate) fn new_token() -> Value {
    object(
        &["username", "role", "name"],
        json!({
            "username": username(),
            "role": { "type": "string", "enum": ["admin", "auditor", "officer", "member"] },
            "name": {
                "type": "string",
                "minLength": 1,
                "maxLength": 100,
                "description": "What the token is for",
            },
            "expires_on": day(),
            "scope": {
                "type": "string",
                "enum": ["api", "scim"],
                "description": "Where the token works: the API (the default), or only the SCIM provisioning endpoint (with the admin role)",
            },
        }),
    )
}

pub(crate) fn end_office() -> Value {
    object(&[], json!({ "on": day() }))
}

pub(crate) fn new_term() -> Value {
    object(&["from"], json!({ "from": day(), "until": day() }))
}

pub(crate) fn new_user() -> Value {
    object(
        &["username", "role"],
        json!({
            "username": username(),
            "role": { "type": "string", "enum": ["admin", "auditor", "officer", "member"] },
            "person": reference(),
            "password": {
                "type": "string",
                "minLength": steward_domain::auth::MIN_PASSWORD_CHARS,
                "maxLength": steward_domain::auth::MAX_PASSWORD_CHARS,
                "description": "Temporary: its holder must choose their own at first sign-in. Only where the server sends no email; where it does, the holder is invited instead",
            },
            "invite": {
                "type": "boolean",
                "description": "Email the holder a link to choose their own password (good once, for 72 hours from sending). The default where the server sends email; refused where it does not",
            },
            "email": email(),
        }),
    )
}

pub(crate) fn invite_user() -> Value {
    object(&[], json!({ "email": email() }))
}

/// Where an invitation goes, when not to the address in the register of the person the account
/// acts as.
fn email() -> Value {
    json!({
        "type": "string",
        "maxLength": 254,
        "description": "Where the invitation goes; without it, the linked person's address in the register",
    })
}

pub(crate) fn resolve_message() -> Value {
    object(
        &["outcome"],
        json!({ "outcome": {
            "type": "string",
            "enum": ["sent", "resend"],
            "description": "sent: it arrived; resend: send it again",
        } }),
    )
}

pub(crate) fn reset_password() -> Value {
    object(&["password"], json!({ "password": password() }))
}

pub(crate) fn raise_request() -> Value {
    object(
        &["kind", "summary"],
        json!({
            "kind": report_kinds(),
            "person": reference(),
            "equipment": tag(),
            "summary": written("What it is about, briefly"),
            "until": day(),
            "software": text(),
            "licence": text(),
            "host": { "type": "string", "description": "A website's host name, like www.example.org" },
            "stolen": { "type": "boolean" },
            "noticed_on": day(),
            "place": text(),
            "police_reference": text(),
            "address": text(),
            "at": { "type": "string", "format": "date-time" },
            "dispose": { "type": "boolean" },
            "duty": posture_duties(),
        }),
    )
}

/// The security duties a posture exception may ask to be off.
fn posture_duties() -> Value {
    let words: Vec<&str> = steward_policy::posture::CheckWord::ALL
        .iter()
        .filter(|c| c.duty().is_some())
        .map(|c| c.word())
        .collect();
    json!({ "type": "string", "enum": words })
}

/// Every kind of request a caller may raise; recalls go through a loan instead.
fn report_kinds() -> Value {
    let kinds: Vec<&str> = steward_domain::workflow::RequestKind::ALL_REPORTS
        .iter()
        .map(|k| steward_domain::workflow::RequestKind::Report(*k).as_str())
        .collect();
    json!({ "type": "string", "enum": kinds })
}

pub(crate) fn comment() -> Value {
    object(
        &["text"],
        json!({ "text": written("The comment"), "internal": { "type": "boolean" } }),
    )
}

pub(crate) fn assign() -> Value {
    let to = json!({
        "type": "string",
        "maxLength": 100,
        "description": "The username or person reference of an officer of the handling office; the caller when left out",
    });
    object(&[], json!({ "to": to }))
}

pub(crate) fn decision() -> Value {
    object(
        &["decision", "reason"],
        json!({
            "decision": { "type": "string", "enum": ["approve", "refuse"] },
            "reason": written("Why; it is recorded"),
        }),
    )
}

pub(crate) fn task_done() -> Value {
    object(&[], json!({ "note": text() }))
}

pub(crate) fn resolve() -> Value {
    object(
        &["outcome"],
        json!({
            "outcome": written("What was done"),
            "erasure": object(
                &["method"],
                json!({
                    "method": written("How the data was erased"),
                    "certificate": text(),
                    "dispose": { "type": "boolean" },
                }),
            ),
        }),
    )
}

pub(crate) fn withdraw() -> Value {
    object(&[], json!({ "reason": text() }))
}

pub(crate) fn concern() -> Value {
    object(
        &["summary"],
        json!({
            "subject": reference(),
            "summary": written("What the concern is, briefly"),
            "details": text(),
            "anonymous": { "type": "boolean" },
        }),
    )
}

pub(crate) fn case_note() -> Value {
    object(&["text"], json!({ "text": written("The note") }))
}

pub(crate) fn escalate() -> Value {
    object(
        &["reason"],
        json!({ "reason": written("Why the case is serious enough to go on") }),
    )
}

pub(crate) fn close_case() -> Value {
    object(
        &["outcome", "note"],
        json!({
            "outcome": {
                "type": "string",
                "enum": ["no_action", "advice", "restrict_software", "remove_information",
                    "withdraw_access", "replacement_charge", "disciplinary",
                    "code_of_conduct_complaint", "police"],
            },
            "note": written("The reasons for the outcome"),
            "equipment": tag(),
        }),
    )
}

/// The words an enum's values are written as.
fn names<T: Copy>(all: &[T], word: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| word(*v)).collect()
}

/// The sorts the list at `path` offers, as its handler parses them.
fn sorts_of(path: &str) -> Option<Vec<&'static str>> {
    use steward_domain::ops as o;
    Some(match path {
        "/people" => names(&o::people::list::PeopleSort::ALL, |s| s.as_str()),
        "/equipment" => names(&o::equipment::list::EquipmentSort::ALL, |s| s.as_str()),
        "/loans" => names(&o::loans::list::LoanSort::ALL, |s| s.as_str()),
        "/due" => names(&o::due::DueSort::ALL, |s| s.as_str()),
        "/acceptances" => names(&o::acceptance::list::SignatureSort::ALL, |s| s.as_str()),
        "/requests" | "/me/requests" => names(&o::requests::list::RequestSort::ALL, |s| s.as_str()),
        "/cases" => names(&o::case_list::CaseSort::ALL, |s| s.as_str()),
        "/notifications" => names(&o::outbox::list::MessageSort::ALL, |s| s.as_str()),
        "/information-requests" => names(&o::info::list::InfoSort::ALL, |s| s.as_str()),
        "/findings" => names(&o::network::list::FindingSort::ALL, |s| s.as_str()),
        "/web-identities" => names(&o::network::identities::IdentitySort::ALL, |s| s.as_str()),
        "/phone-bills" => names(&steward_domain::phones::lists::BillSort::ALL, |s| {
            s.as_str()
        }),
        "/phone-statements" => names(&steward_domain::phones::lists::StatementSort::ALL, |s| {
            s.as_str()
        }),
        "/users" => names(o::account_list::AccountSort::ALL, |s| s.as_str()),
        "/tokens" => names(o::account_list::TokenSort::ALL, |s| s.as_str()),
        "/audit" => vec![o::audit_log::AuditSort::Seq.as_str()],
        "/mail/forwards" => names(&o::mail::forwarding::ForwardSort::ALL, |s| s.as_str()),
        "/mail/decisions" => names(&o::mail::milter::DecisionSort::ALL, |s| s.as_str()),
        _ => return None,
    })
}

/// The kinds the list at `path` filters by.
fn kinds_of(path: &str) -> Option<Value> {
    let one_of = |values: Vec<&'static str>| json!({ "type": "string", "enum": values });
    Some(match path {
        "/people" => one_of(names(steward_policy::PersonKind::ALL, |k| k.as_str())),
        "/equipment" => one_of(names(steward_policy::EquipmentKind::ALL, |k| k.as_str())),
        "/due" => one_of(names(&steward_domain::ops::due::DueKind::ALL, |k| {
            k.as_str()
        })),
        // One kind or several, separated by commas.
        "/information-requests" => json!({
            "type": "string",
            "pattern": "^(foi|eir|sar)(,(foi|eir|sar))*$",
        }),
        _ => return None,
    })
}

/// The states the list at `path` filters by.
fn states_of(path: &str) -> Option<Vec<&'static str>> {
    let mut states = match path {
        "/requests" | "/me/requests" => {
            let mut s = names(steward_domain::workflow::RequestState::ALL, |s| s.as_str());
            s.extend(["open", "all"]);
            s
        }
        "/cases" => vec!["open", "escalated", "closed", "all"],
        "/notifications" => names(steward_domain::outbox::MessageState::ALL, |s| s.as_str()),
        "/equipment" => names(steward_policy::EquipmentState::ALL, |s| s.as_str()),
        _ => return None,
    };
    states.sort_unstable();
    states.dedup();
    Some(states)
}

fn query_param(path: &str, name: &str) -> Value {
    let (schema, description) = match name {
        "sort" if let Some(sorts) = sorts_of(path) => (
            json!({ "type": "string", "enum": sorts }),
            "The order: one of the sorts this list offers",
        ),
        "kind" if let Some(kinds) = kinds_of(path) => (kinds, "Only records of this kind"),
        "state" if let Some(states) = states_of(path) => (
            json!({ "type": "string", "enum": states }),
            "Only records in this state; open for those not yet dealt with, all for every state",
        ),
        "limit" => (
            json!({ "type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT }),
            "Items per page",
        ),
        "cursor" => (
            json!({ "type": "string", "pattern": "^[A-Za-z0-9_-]+$", "maxLength": 1000 }),
            "The next_cursor (or previous_cursor) of an earlier page",
        ),
        "q" => (
            json!({ "type": "string", "maxLength": 200 }),
            "Words that each begin a word of the name, reference, asset tag or serial of the record or whom it is about; a whole number also finds the request or case with that number",
        ),
        "sort" => (text(), "The order: one of the list's own sorts"),
        "dir" => (
            json!({ "type": "string", "enum": ["asc", "desc"] }),
            "Ascending (the default) or descending",
        ),
        "in_office" => (
            json!({ "type": "boolean" }),
            "Only people in office (true) or not (false) that day",
        ),
        "kind" => (text(), "Only records of this kind"),
        "role" => (
            json!({ "type": "string", "enum": ["admin", "auditor", "officer", "member"] }),
            "Only accounts with this role",
        ),
        "status" => (
            json!({ "type": "string", "enum": ["active", "must_change_password", "invited", "disabled", "expired", "revoked"] }),
            "Only accounts (active, must_change_password, invited, disabled) or tokens (active, expired, revoked) in this status",
        ),
        "month" => (
            json!({ "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$" }),
            "Only bills for this month (YYYY-MM)",
        ),
        "show" => (
            json!({ "type": "string", "enum": ["open", "overdue", "due-this-week", "all"] }),
            "Which loans: open (not yet returned), overdue, due back within 7 days (today \
             included) or all; without it, `open` decides",
        ),
        "action" if path == "/mail/decisions" => (
            json!({ "type": "string", "enum": ["accept", "reject", "hold"] }),
            "Only decisions of this action",
        ),
        "flagged" => (
            json!({ "type": "boolean" }),
            "Only messages flagged as council business sent from another domain",
        ),
        "entity" | "entity_id" | "action" | "actor" => (
            json!({ "type": "string", "maxLength": 200 }),
            match name {
                "entity" => "Only records of this kind, as recorded (loan, person, equipment...)",
                "entity_id" => "Only records with this reference (a loan's number, an asset tag)",
                "action" => {
                    "Only records of this action, as recorded (loan.issue, session.start...)"
                }
                _ => "Only records made by this account or name, as recorded",
            },
        ),
        "as_of" => (day(), "Act as of this day instead of today"),
        "outstanding" | "open" | "late" => (json!({ "type": "boolean" }), "Only these"),
        "state" => {
            let mut states: Vec<&str> = steward_domain::workflow::RequestState::ALL
                .iter()
                .map(|s| s.as_str())
                .collect();
            states.extend(
                steward_domain::outbox::MessageState::ALL
                    .iter()
                    .map(|s| s.as_str()),
            );
            states.extend(
                steward_policy::EquipmentState::ALL
                    .iter()
                    .map(|s| s.as_str()),
            );
            // Requests and cases also take these: not yet closed, or any state at all.
            states.extend(["all", "escalated", "closed"]);
            states.sort_unstable();
            states.dedup();
            (
                json!({ "type": "string", "enum": states }),
                "Only records in this state: a request's, a case's, a message's or an item's, as \
                 the endpoint lists; open for those not yet dealt with, all for every state",
            )
        }
        "office" => (office(), "Only requests this office handles"),
        "assigned" => (
            json!({ "type": "string", "enum": ["me", "nobody"] }),
            "Only requests taken up by the caller (me), or by nobody yet (nobody)",
        ),
        "from" | "to" => (
            text(),
            "A day (YYYY-MM-DD) or an RFC 3339 time bounding the records",
        ),
        _ => (text(), "Only records matching this"),
    };
    json!({ "name": name, "in": "query", "required": false, "schema": schema, "description": description })
}

/// A path value as its handler reads it; anything else is simply not found.
fn path_schema(name: &str) -> Value {
    match name {
        "ref" => reference(),
        "tag" => tag(),
        "office" => office(),
        "username" => username(),
        "period" => json!({ "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$" }),
        "format" => json!({ "type": "string", "enum": ["steward", "intune", "osquery"] }),
        "id" | "n" | "task" => json!({ "type": "integer", "minimum": 1 }),
        _ => text(),
    }
}

/// A value that names a record in the demo data, so tools exploring the API can reach one.
fn path_example(name: &str) -> Value {
    match name {
        "ref" => json!("M001"),
        "tag" => json!("LAP-0100"),
        "office" => json!("service_desk"),
        "username" => json!("officer"),
        "period" => json!("2027-04"),
        "format" => json!("steward"),
        "name" => json!("overdue"),
        "id" | "n" | "task" => json!(1),
        _ => json!("1"),
    }
}

fn problem_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } },
    })
}

/// The failures an operation may answer, each as problem details.
fn failures(op: &Op) -> Vec<(&'static str, &'static str)> {
    if op.access == Access::Public {
        return Vec::new();
    }
    let mut out = vec![
        ("400", "Bad query value or body"),
        ("401", "No live token"),
        ("403", "The token's role may not do this"),
        ("404", "No such record"),
        (
            "409",
            "Refused by the policy, or conflicts with the register",
        ),
        ("422", "Invalid input"),
        ("503", "The database cannot be reached"),
    ];
    if op.method == Method::POST {
        out.push((
            "413",
            "The body is over the limit of 2 MiB (2,097,152 bytes)",
        ));
        out.push((
            "415",
            "A JSON body sent without `Content-Type: application/json`",
        ));
    }
    if op.path == "/audit/verify" {
        out.push(("429", "A check of the audit trail is already running"));
    }
    out.sort_unstable();
    out
}

/// How the body limit is put, in the document and its 413 answer.
pub(crate) const BODY_LIMIT_WORDS: &str =
    "the body is over the API's limit of 2 MiB (2,097,152 bytes); send a smaller one";

fn operation(op: &Op, generator: &mut SchemaGenerator) -> Value {
    let mut params: Vec<Value> = op
        .path_params()
        .into_iter()
        .map(|name| {
            json!({
                "name": name,
                "in": "path",
                "required": true,
                "schema": path_schema(name),
                "example": path_example(name),
            })
        })
        .collect();
    params.extend(op.query.iter().map(|q| query_param(op.path, q)));
    let mut responses = Map::new();
    if let Some(answer) = op.answer {
        let answer = answer(generator);
        responses.insert(
            answer.status.into(),
            json!({ "description": "Done", "content": { answer.media: { "schema": answer.schema } } }),
        );
    }
    for (status, description) in failures(op) {
        responses.insert(status.into(), problem_response(description));
    }
    let mut out = json!({
        "summary": op.summary,
        "description": op.access.words(),
        "operationId": operation_id(op),
        "parameters": params,
        "responses": responses,
    });
    if op.access == Access::Public {
        out["security"] = json!([]);
    }
    match op.body {
        Some(BodyDoc::Json(schema)) => {
            let schema = schema();
            // A body whose fields are all optional may be left out.
            let required = schema["required"].as_array().is_some_and(|r| !r.is_empty());
            out["requestBody"] = json!({
                "required": required,
                "content": { "application/json": { "schema": schema } },
            });
        }
        Some(BodyDoc::Toml) => {
            out["requestBody"] = json!({
                "required": true,
                "content": { "text/plain": { "schema": { "type": "string" } } },
            });
        }
        Some(BodyDoc::Csv(schema)) => {
            out["requestBody"] = json!({
                "required": true,
                "content": { "text/csv": { "schema": schema() } },
            });
        }
        Some(BodyDoc::Text(schema)) => {
            out["requestBody"] = json!({
                "required": true,
                "content": { "text/plain": { "schema": schema() } },
            });
        }
        None => {}
    }
    out
}

fn operation_id(op: &Op) -> String {
    let mut id = op.method.as_str().to_lowercase();
    for part in op.path.split('/').filter(|s| !s.is_empty()) {
        let part = part.trim_start_matches('{').trim_end_matches('}');
        id.push('_');
        id.extend(
            part.chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }),
        );
    }
    id
}

/// The document describing `ops`.
pub(crate) fn document(ops: &[Op]) -> Value {
    let mut generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.contract = schemars::generate::Contract::Serialize;
            s.meta_schema = None;
        })
        .into_generator();
    // Every failure's schema, which the responses name as `Problem`.
    let _ = generator.subschema_for::<super::error::ProblemBody>();
    let mut paths = Map::new();
    for op in ops {
        let entry = paths
            .entry(op.path.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(methods) = entry {
            methods.insert(
                op.method.as_str().to_lowercase(),
                operation(op, &mut generator),
            );
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Steward API",
            "version": "1",
            "description": "The council's ICT register. Send `Authorization: Bearer stw_...`. \
                Lists are paged: `?limit=` (default 50, at most 200) and `?cursor=` from the \
                previous page's `next_cursor`. A request body may be at most 2 MiB \
                (2,097,152 bytes); a larger one is answered 413. Failures are RFC 9457 \
                problem details.",
        },
        "servers": [{ "url": "/api/v1" }],
        "security": [{ "bearer": [] }],
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": generator.take_definitions(true),
        },
    })
}
