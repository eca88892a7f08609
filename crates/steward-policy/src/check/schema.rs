//! The shape of a pack, key by key, so that every key can be checked on its own and every
//! problem reported rather than only the first one serde meets. The model's serde derives stay
//! the final word: a pack is accepted only once `Pack` itself deserializes. Tests hold this
//! description and the model's structs to the same keys.

use crate::model::{
    Agreement, ConfidentialRoute, DutyTopic, Forwarding, OfficeHolder, OfficeId, Outcome,
    PersonalCalls, PersonalUseAllowance, PostureCheck, RefreshOrder, ReportKind, UnsafeMailAction,
    Urgency, WebAction, literal,
};
use crate::period::Period;
use crate::span::Span;
use crate::vocab::{Audience, EquipmentKind, PersonKind};
use Words::{OneOf, Say};
use chrono::Weekday;
use serde::Deserialize;
use serde::de::{DeserializeOwned, Error as _};
use std::borrow::Cow;
use toml::Spanned;
use toml::de::{DeValue, Error, ValueDeserializer};

/// Reads one value as its model type, reporting only whether that worked.
pub(crate) type Check = fn(ValueDeserializer<'_>) -> Result<(), Error>;

/// What a value should have been, in words for the person editing the pack.
#[derive(Clone, Copy)]
pub(crate) enum Words {
    Say(&'static str),
    /// One of a fixed set of words, as serde knows them.
    OneOf(fn() -> Vec<String>),
}

impl Words {
    pub(crate) fn render(self) -> String {
        match self {
            Words::Say(text) => text.to_string(),
            Words::OneOf(choices) => format!("one of: {}", choices().join(", ")),
        }
    }
}

/// Whether a value names offices from `[[offices]]`, and whether those offices must be able to
/// approve or sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refers {
    Nothing,
    Office,
    Signer,
}

/// A value checked by its model type. `item` describes one element when the value is a list.
#[derive(Clone, Copy)]
pub(crate) struct Leaf {
    pub(crate) check: Check,
    pub(crate) whole: Words,
    pub(crate) item: Words,
    pub(crate) refers: Refers,
}

#[derive(Clone, Copy)]
pub(crate) enum Shape {
    Value(Leaf),
    Table(&'static Table),
    /// An array of tables, `[[name]]`.
    Tables(&'static Table),
}

#[derive(Clone, Copy)]
pub(crate) struct Field {
    pub(crate) key: &'static str,
    pub(crate) required: bool,
    pub(crate) shape: Shape,
}

pub(crate) struct Table {
    pub(crate) fields: &'static [Field],
    /// Run once every key has passed, for rules that span keys (which `basis` a charge has
    /// decides whether it takes `pence`).
    pub(crate) whole: Option<Check>,
}

impl Table {
    pub(crate) fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    pub(crate) fn keys(&self) -> Vec<&'static str> {
        self.fields.iter().map(|f| f.key).collect()
    }
}

fn check_as<T: DeserializeOwned>(d: ValueDeserializer<'_>) -> Result<(), Error> {
    T::deserialize(d).map(drop)
}

fn check_date(d: ValueDeserializer<'_>) -> Result<(), Error> {
    literal::date(d).map(drop)
}

fn check_time(d: ValueDeserializer<'_>) -> Result<(), Error> {
    literal::time(d).map(drop)
}

/// Serde accepts an empty clause or title; a pack must not, since people cite them.
fn check_filled(d: ValueDeserializer<'_>) -> Result<(), Error> {
    let text = String::deserialize(d)?;
    if text.trim().is_empty() {
        return Err(Error::custom("empty"));
    }
    Ok(())
}

/// The words an enum accepts. Serde's derive is the only place they are written down, so ask
/// it: a blank word is refused with the list of the accepted ones.
pub(crate) fn choices<T: DeserializeOwned>() -> Vec<String> {
    let blank = Spanned::new(0..0, DeValue::String(Cow::Borrowed("")));
    match T::deserialize(ValueDeserializer::from(blank)) {
        Ok(_) => Vec::new(),
        Err(e) => unknown_variant(e.message())
            .map(|(_, words)| words)
            .unwrap_or_default(),
    }
}

/// Splits serde's "unknown variant `x`, expected one of `a`, `b`" into `x` and `[a, b]`.
pub(crate) fn unknown_variant(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown variant `")?;
    let (found, expected) = rest.split_once("`, expected")?;
    let words = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((found.to_string(), words))
}

const fn value(check: Check, whole: Words) -> Shape {
    list(check, whole, whole)
}

const fn list(check: Check, whole: Words, item: Words) -> Shape {
    Shape::Value(Leaf {
        check,
        whole,
        item,
        refers: Refers::Nothing,
    })
}

const fn referring(shape: Shape, refers: Refers) -> Shape {
    match shape {
        Shape::Value(leaf) => Shape::Value(Leaf { refers, ..leaf }),
        other => other,
    }
}

const fn one_of<T: DeserializeOwned>() -> Shape {
    value(check_as::<T>, Words::OneOf(choices::<T>))
}

const fn req(key: &'static str, shape: Shape) -> Field {
    Field {
        key,
        required: true,
        shape,
    }
}

const fn opt(key: &'static str, shape: Shape) -> Field {
    Field {
        key,
        required: false,
        shape,
    }
}

const fn fields(fields: &'static [Field]) -> Table {
    Table {
        fields,
        whole: None,
    }
}

const TEXT: Shape = value(check_as::<String>, Say("text in quotes"));
const FILLED: Shape = value(check_filled, Say("some text in quotes"));
const CLAUSE: Shape = value(
    check_filled,
    Say("the clause number or heading the rule comes from, like \"28.9\""),
);
const OFFICE_ID: Shape = value(
    check_as::<OfficeId>,
    Say("an office id in quotes, like \"mayor\""),
);
const OFFICE: Shape = referring(OFFICE_ID, Refers::Office);
const SIGNER: Shape = referring(OFFICE_ID, Refers::Signer);
const OFFICES: Shape = referring(
    list(
        check_as::<Vec<OfficeId>>,
        Say("a list of office ids, like [\"mayor\"]"),
        Say("an office id in quotes, like \"mayor\""),
    ),
    Refers::Office,
);
const SIGNERS: Shape = referring(OFFICES, Refers::Signer);
const PERIOD: Shape = value(
    check_as::<Period>,
    Say("a length of time like \"10 days\", \"3 months\" or \"immediately\""),
);
const SPAN: Shape = value(
    check_as::<Span>,
    Say("a response time like \"4 hours\", \"2 days\" or \"1 week\""),
);
const DATE: Shape = value(check_date, Say("a date like 2024-05-01"));
const TIME: Shape = value(check_time, Say("a time of day like \"09:00\""));
const DAYS: Shape = list(
    check_as::<Vec<Weekday>>,
    Say("a list of days, like [\"mon\", \"tue\"]"),
    Say("a day of the week, like \"mon\" or \"monday\""),
);
const FLAG: Shape = value(check_as::<bool>, Say("true or false"));
const COUNT: Shape = value(check_as::<u32>, Say("a whole number, like 2"));
const PENCE: Shape = value(check_as::<i64>, Say("a whole number of pence, like 25000"));
const TEXTS: Shape = list(
    check_as::<Vec<String>>,
    Say("a list of text in quotes, like [\"one\", \"two\"]"),
    Say("text in quotes"),
);
const PERSON_KINDS: Shape = list(
    check_as::<Vec<PersonKind>>,
    Say("a list of kinds of person, like [\"councillor\"]"),
    OneOf(choices::<PersonKind>),
);
const EQUIPMENT_KINDS: Shape = list(
    check_as::<Vec<EquipmentKind>>,
    Say("a list of kinds of equipment, like [\"laptop\", \"tablet\"]"),
    OneOf(choices::<EquipmentKind>),
);
const AUDIENCE: Shape = one_of::<Audience>();

pub(crate) static PACK: Table = fields(&[
    req("pack", Shape::Table(&PACK_META)),
    opt("review", Shape::Table(&REVIEW)),
    req("scope", Shape::Table(&SCOPE)),
    opt("offices", Shape::Tables(&OFFICE_ENTRY)),
    opt("acceptance", Shape::Table(&ACCEPTANCE)),
    opt("equipment", Shape::Tables(&EQUIPMENT_RULE)),
    opt("loans", Shape::Table(&LOANS)),
    opt("refresh", Shape::Table(&REFRESH)),
    opt("phones", Shape::Table(&PHONES)),
    opt("family_use", Shape::Table(&FAMILY_USE)),
    opt("passwords", Shape::Table(&PASSWORDS)),
    opt("personal_use", Shape::Table(&PERSONAL_USE)),
    opt("web", Shape::Table(&WEB)),
    opt("mail", Shape::Table(&MAIL)),
    opt("software", Shape::Table(&SOFTWARE)),
    opt("posture", Shape::Tables(&POSTURE_DUTY)),
    opt("check_in", Shape::Table(&CHECK_IN)),
    opt("reporting", Shape::Tables(&REPORTING_DUTY)),
    opt("reporting_default", Shape::Table(&REPORTING_DEFAULT)),
    opt("response_times", Shape::Table(&RESPONSE_TIMES)),
    opt("monitoring", Shape::Table(&MONITORING)),
    opt("breaches", Shape::Table(&BREACHES)),
    opt("duties", Shape::Tables(&DUTY)),
    opt("retention", Shape::Table(&RETENTION)),
    opt("information_requests", Shape::Table(&INFORMATION_REQUESTS)),
]);

pub(crate) static PACK_META: Table = fields(&[
    req("id", TEXT),
    req("title", FILLED),
    req("version", FILLED),
    req("adopted", DATE),
    opt("summary", TEXT),
]);

pub(crate) static REVIEW: Table = fields(&[
    opt("every", PERIOD),
    opt("owners", OFFICES),
    req("clause", CLAUSE),
]);

pub(crate) static SCOPE: Table = fields(&[req("kinds", PERSON_KINDS), req("clause", CLAUSE)]);

pub(crate) static OFFICE_ENTRY: Table = fields(&[
    req("id", OFFICE_ID),
    req("name", FILLED),
    req("holder", one_of::<OfficeHolder>()),
    req("clause", CLAUSE),
]);

pub(crate) static ACCEPTANCE: Table = fields(&[
    req("form", FILLED),
    opt("required_before_issue", FLAG),
    opt("lapses_on_new_version", FLAG),
    opt("renew_every", PERIOD),
    opt("return_to", OFFICE),
    opt("text", TEXT),
    opt("text_file", TEXT),
    req("clause", CLAUSE),
]);

pub(crate) static EQUIPMENT_RULE: Table = fields(&[
    req("kinds", EQUIPMENT_KINDS),
    opt("audience", AUDIENCE),
    opt("offices", OFFICES),
    opt("evaluation", Shape::Table(&EVALUATION)),
    req("clause", CLAUSE),
]);

pub(crate) static EVALUATION: Table = fields(&[
    req("every", PERIOD),
    opt("by", SIGNER),
    req("clause", CLAUSE),
]);

pub(crate) static LOANS: Table = fields(&[
    opt("max_period", Shape::Table(&MAX_PERIOD)),
    opt("extension", Shape::Table(&EXTENSION)),
    opt("household_limit", Shape::Table(&HOUSEHOLD_LIMIT)),
    opt("authorisation", Shape::Table(&AUTHORISATION)),
    opt("pat_test", Shape::Table(&PAT_TEST)),
    opt("recall", Shape::Table(&RECALL)),
    opt("leaving_office", Shape::Table(&LEAVING_OFFICE)),
    opt("erasure_before_reuse", Shape::Table(&ERASURE)),
]);

pub(crate) static MAX_PERIOD: Table = fields(&[req("length", PERIOD), req("clause", CLAUSE)]);

pub(crate) static EXTENSION: Table = fields(&[
    req("approvers", SIGNERS),
    req("agreement", one_of::<Agreement>()),
    opt("exceptional_only", FLAG),
    opt("max_length", PERIOD),
    req("clause", CLAUSE),
]);

pub(crate) static HOUSEHOLD_LIMIT: Table = fields(&[
    req("max", COUNT),
    opt("kinds", EQUIPMENT_KINDS),
    req("clause", CLAUSE),
]);

pub(crate) static AUTHORISATION: Table = fields(&[req("by", SIGNERS), req("clause", CLAUSE)]);

pub(crate) static PAT_TEST: Table = fields(&[
    opt("kinds", EQUIPMENT_KINDS),
    opt("retest_every", PERIOD),
    req("clause", CLAUSE),
]);

pub(crate) static RECALL: Table = fields(&[
    req("by", SIGNERS),
    req("notice", PERIOD),
    req("clause", CLAUSE),
]);

pub(crate) static LEAVING_OFFICE: Table = fields(&[
    req("return_within", PERIOD),
    opt("stop_use", FLAG),
    opt("charge", Shape::Table(&CHARGE)),
    req("clause", CLAUSE),
]);

/// `Charge` is an enum tagged by `basis`; which other keys it takes depends on the basis, so
/// the enum itself is asked once the keys have passed.
pub(crate) static CHARGE: Table = Table {
    fields: &[
        req(
            "basis",
            value(check_as::<String>, Say("\"replacement_cost\" or \"fixed\"")),
        ),
        opt("pence", PENCE),
        req("clause", CLAUSE),
    ],
    whole: Some(check_as::<crate::model::Charge>),
};

pub(crate) static ERASURE: Table = fields(&[opt("kinds", EQUIPMENT_KINDS), req("clause", CLAUSE)]);

pub(crate) static REFRESH: Table = fields(&[
    req("every", PERIOD),
    opt("kinds", EQUIPMENT_KINDS),
    opt("priority_offices", OFFICES),
    req("order", one_of::<RefreshOrder>()),
    opt("urgent_when_unfit", FLAG),
    req("clause", CLAUSE),
]);

pub(crate) static PHONES: Table = fields(&[
    req("personal_calls", one_of::<PersonalCalls>()),
    req("clause", CLAUSE),
]);

pub(crate) static PASSWORDS: Table = fields(&[req("max_age", PERIOD), req("clause", CLAUSE)]);

pub(crate) static FAMILY_USE: Table = fields(&[
    req("allowed", FLAG),
    opt("network_access", FLAG),
    req("clause", CLAUSE),
]);

pub(crate) static PERSONAL_USE: Table = fields(&[
    req("allowance", one_of::<PersonalUseAllowance>()),
    opt("working_hours", Shape::Table(&WINDOW)),
    opt("own_time", Shape::Tables(&WINDOW)),
    req("clause", CLAUSE),
]);

pub(crate) static WINDOW: Table = fields(&[
    req("days", DAYS),
    req("start", TIME),
    req("end", TIME),
    opt("label", TEXT),
]);

pub(crate) static WEB: Table = fields(&[
    opt("rules", Shape::Tables(&WEB_RULE)),
    opt("exceptions", Shape::Table(&WEB_EXCEPTIONS)),
    opt("accidental_access", Shape::Table(&ACCIDENTAL_ACCESS)),
]);

pub(crate) static WEB_RULE: Table = fields(&[
    req("categories", TEXTS),
    req("action", one_of::<WebAction>()),
    opt("audience", AUDIENCE),
    req("clause", CLAUSE),
]);

pub(crate) static WEB_EXCEPTIONS: Table = fields(&[
    req("approver", SIGNER),
    opt("max_length", PERIOD),
    req("clause", CLAUSE),
]);

pub(crate) static ACCIDENTAL_ACCESS: Table =
    fields(&[req("report_to", OFFICE), req("clause", CLAUSE)]);

pub(crate) static MAIL: Table = fields(&[
    opt("official_address", Shape::Table(&OFFICIAL_ADDRESS)),
    opt("auto_forwarding", Shape::Table(&AUTO_FORWARDING)),
    opt("confidential", Shape::Table(&CONFIDENTIAL)),
    opt("disclaimer", Shape::Table(&DISCLAIMER)),
    opt("markings", Shape::Table(&MARKINGS)),
]);

pub(crate) static OFFICIAL_ADDRESS: Table = fields(&[req("domains", TEXTS), req("clause", CLAUSE)]);

pub(crate) static AUTO_FORWARDING: Table =
    fields(&[req("rule", one_of::<Forwarding>()), req("clause", CLAUSE)]);

pub(crate) static CONFIDENTIAL: Table = fields(&[
    opt("marking", TEXT),
    req("route", one_of::<ConfidentialRoute>()),
    opt("secure_domain", TEXT),
    opt("secure_domains", TEXTS),
    opt("action", one_of::<UnsafeMailAction>()),
    req("clause", CLAUSE),
]);

pub(crate) static DISCLAIMER: Table = fields(&[
    req("marking", FILLED),
    opt("text", FILLED),
    req("clause", CLAUSE),
]);

pub(crate) static MARKINGS: Table = fields(&[
    req("levels", TEXTS),
    opt("labels", Shape::Tables(&LABEL_MARKING)),
    opt("subjects", Shape::Tables(&SUBJECT_MARKING)),
    opt("clause", CLAUSE),
]);

pub(crate) static LABEL_MARKING: Table = fields(&[req("label", FILLED), req("level", FILLED)]);

pub(crate) static SUBJECT_MARKING: Table = fields(&[req("text", FILLED), req("level", FILLED)]);

pub(crate) static SOFTWARE: Table = fields(&[
    req("install", Shape::Table(&SOFTWARE_INSTALL)),
    opt("licensed_only", Shape::Table(&RULE_REF)),
    opt("copies", Shape::Table(&SOFTWARE_COPIES)),
    opt("purchase_via", OFFICE),
]);

pub(crate) static SOFTWARE_INSTALL: Table = fields(&[
    req("allowed", FLAG),
    opt("approver", SIGNER),
    req("clause", CLAUSE),
]);

pub(crate) static RULE_REF: Table = fields(&[req("clause", CLAUSE)]);

pub(crate) static SOFTWARE_COPIES: Table = fields(&[
    req("approver", SIGNER),
    opt("in_writing", FLAG),
    req("clause", CLAUSE),
]);

pub(crate) static POSTURE_DUTY: Table = fields(&[
    req("check", one_of::<PostureCheck>()),
    opt("kinds", EQUIPMENT_KINDS),
    req("clause", CLAUSE),
    opt("exception", Shape::Table(&POSTURE_EXCEPTION)),
]);

pub(crate) static POSTURE_EXCEPTION: Table =
    fields(&[req("approver", SIGNER), req("clause", CLAUSE)]);

pub(crate) static CHECK_IN: Table = fields(&[req("max_age", PERIOD), req("clause", CLAUSE)]);

pub(crate) static REPORTING_DUTY: Table = fields(&[
    req("kind", one_of::<ReportKind>()),
    req("report_to", OFFICE),
    opt("equipment", EQUIPMENT_KINDS),
    opt("audience", AUDIENCE),
    req("urgency", one_of::<Urgency>()),
    opt("respond_within", SPAN),
    opt("approval", Shape::Table(&APPROVAL)),
    req("clause", CLAUSE),
]);

pub(crate) static REPORTING_DEFAULT: Table = fields(&[
    req("report_to", OFFICE),
    opt("urgency", one_of::<Urgency>()),
    opt("respond_within", SPAN),
    req("clause", CLAUSE),
]);

pub(crate) static APPROVAL: Table = fields(&[
    req("by", SIGNERS),
    req("agreement", one_of::<Agreement>()),
    req("clause", CLAUSE),
]);

pub(crate) static RESPONSE_TIMES: Table = fields(&[
    opt("immediately", SPAN),
    opt("promptly", SPAN),
    opt("routine", SPAN),
    opt("working_hours", Shape::Table(&WINDOW)),
    opt("nation", one_of::<crate::workdays::Nation>()),
]);

pub(crate) static MONITORING: Table = fields(&[
    opt("web", FLAG),
    opt("mail", FLAG),
    opt("phone", FLAG),
    opt("device_history", FLAG),
    req("visible_to", OFFICES),
    req("clause", CLAUSE),
    opt("threshold", Shape::Table(&WEB_THRESHOLD)),
]);

pub(crate) static WEB_THRESHOLD: Table = fields(&[
    req("visits", COUNT),
    opt("categories", TEXTS),
    req("clause", CLAUSE),
]);

pub(crate) static BREACHES: Table = fields(&[
    req("routes", Shape::Tables(&BREACH_ROUTE)),
    opt("escalation", Shape::Table(&ESCALATION)),
    opt("outcomes", Shape::Tables(&OUTCOME_RULE)),
]);

pub(crate) static BREACH_ROUTE: Table = fields(&[
    req("audience", AUDIENCE),
    req("handlers", OFFICES),
    req("clause", CLAUSE),
]);

pub(crate) static ESCALATION: Table = fields(&[
    req("to", OFFICE),
    req("when", FILLED),
    req("clause", CLAUSE),
]);

pub(crate) static OUTCOME_RULE: Table = fields(&[
    req("outcome", one_of::<Outcome>()),
    opt("audience", one_of::<Audience>()),
    req("clause", CLAUSE),
]);

pub(crate) static DUTY: Table = fields(&[
    req("topic", one_of::<DutyTopic>()),
    req("summary", FILLED),
    opt("office", OFFICE),
    req("clause", CLAUSE),
]);

pub(crate) static RETENTION: Table = fields(&[
    opt("closed_requests", Shape::Table(&KEEP)),
    opt("closed_cases", Shape::Table(&KEEP)),
    opt("leavers", Shape::Table(&KEEP)),
    opt("notices", Shape::Table(&KEEP)),
    opt("sessions", Shape::Table(&KEEP)),
    opt("monitoring_findings", Shape::Table(&KEEP)),
    opt("device_checks", Shape::Table(&KEEP)),
    opt("mail_forwards", Shape::Table(&KEEP)),
    opt("mail_decisions", Shape::Table(&KEEP)),
]);

pub(crate) static KEEP: Table = fields(&[req("keep", PERIOD), req("clause", CLAUSE)]);

pub(crate) static INFORMATION_REQUESTS: Table = fields(&[
    req("handlers", OFFICES),
    opt("nation", one_of::<crate::workdays::Nation>()),
    req("clause", CLAUSE),
]);
