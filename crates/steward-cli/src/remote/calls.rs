//! One typed request for each command the API answers: where it goes, what it sends and the
//! record it answers with. The records are the domain's own, which serialize the same on
//! both sides.

use crate::args::ListArgs;
use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::marker::PhantomData;
use steward_domain::listing::Total;

/// A request to the API: a GET unless it has a body or is marked as a POST.
pub trait Call {
    type Reply: DeserializeOwned;
    /// Whether it is sent as a POST even without a body.
    const POST: bool = false;
    /// Whether this request is a POST when it has no body.
    fn is_post(&self) -> bool {
        Self::POST
    }
    /// The path below `/api/v1`, its segments escaped.
    fn path(&self) -> String;
    fn query(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    fn body(&self) -> Option<Value> {
        None
    }
    /// A body that is not JSON: its text and content type.
    fn text(&self) -> Option<(&str, &'static str)> {
        None
    }
}

/// A request written where it is sent: its method, path, query and body, and the record it
/// answers with.
pub struct Ask<T> {
    post: bool,
    path: String,
    query: Vec<(&'static str, String)>,
    body: Option<Value>,
    text: Option<(String, &'static str)>,
    reply: PhantomData<fn() -> T>,
}

impl<T> Ask<T> {
    pub fn get(path: impl Into<String>) -> Ask<T> {
        Ask {
            post: false,
            path: path.into(),
            query: Vec::new(),
            body: None,
            text: None,
            reply: PhantomData,
        }
    }

    /// A POST, with its JSON body (its `null` fields left out) or none.
    pub fn post(path: impl Into<String>, sent: Option<Value>) -> Ask<T> {
        Ask {
            post: true,
            body: sent.and_then(body),
            ..Ask::get(path)
        }
    }

    /// A POST of a file's text, of the `media` type.
    pub fn post_text(path: impl Into<String>, text: String, media: &'static str) -> Ask<T> {
        Ask {
            post: true,
            text: Some((text, media)),
            ..Ask::get(path)
        }
    }

    /// Adds `key=value` to the query where there is a value.
    pub fn with(mut self, key: &'static str, value: Option<impl ToString>) -> Ask<T> {
        if let Some(v) = value {
            self.query.push((key, v.to_string()));
        }
        self
    }
}

impl<T: DeserializeOwned> Call for Ask<T> {
    type Reply = T;
    fn is_post(&self) -> bool {
        self.post
    }
    fn path(&self) -> String {
        self.path.clone()
    }
    fn query(&self) -> Vec<(&'static str, String)> {
        self.query.clone()
    }
    fn body(&self) -> Option<Value> {
        self.body.clone()
    }
    fn text(&self) -> Option<(&str, &'static str)> {
        self.text.as_ref().map(|(t, c)| (t.as_str(), *c))
    }
}

/// One page of a list at `path` with its filters.
pub struct ListAt<T> {
    pub path: String,
    pub filters: Vec<(&'static str, String)>,
    pub window: Window,
    reply: PhantomData<fn() -> T>,
}

impl<T> ListAt<T> {
    pub fn new(path: impl Into<String>) -> ListAt<T> {
        ListAt {
            path: path.into(),
            filters: Vec::new(),
            window: Window::default(),
            reply: PhantomData,
        }
    }

    /// Adds the filter `key=value` where there is a value.
    pub fn with(mut self, key: &'static str, value: Option<impl ToString>) -> ListAt<T> {
        if let Some(v) = value {
            self.filters.push((key, v.to_string()));
        }
        self
    }
}

impl<T: DeserializeOwned> Call for ListAt<T> {
    type Reply = ApiPage<T>;
    fn path(&self) -> String {
        self.path.clone()
    }
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = self.window.query();
        q.extend(self.filters.iter().cloned());
        q
    }
}

/// A page of a list, as every list of the API answers.
#[derive(Deserialize)]
pub struct ApiPage<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    #[serde(default)]
    pub previous_cursor: Option<String>,
    #[serde(default)]
    pub total: Option<Total>,
}

/// One path segment with everything but unreserved characters escaped, so that a reference
/// or tag is always one segment.
pub fn seg(text: &str) -> String {
    // "." and ".." would name another path, so their dots are escaped too.
    if text == "." || text == ".." {
        return text.replace('.', "%2E");
    }
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The page of a list to ask for: the list flags as the API's query, with `limit` and the
/// cursor to start from.
#[derive(Clone, Debug, Default)]
pub struct Window {
    pub search: Option<String>,
    pub sort: Option<String>,
    pub desc: bool,
    pub limit: u32,
    pub cursor: Option<String>,
}

impl Window {
    pub fn of(list: &ListArgs, limit: u32) -> Window {
        Window {
            search: list.search.clone(),
            sort: list.sort.clone(),
            desc: list.desc,
            limit,
            cursor: list.cursor.clone(),
        }
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![("limit", self.limit.to_string())];
        if let Some(s) = &self.search {
            q.push(("q", s.clone()));
        }
        if let Some(s) = &self.sort {
            q.push(("sort", s.clone()));
        }
        if self.desc {
            q.push(("dir", "desc".into()));
        }
        if let Some(c) = &self.cursor {
            q.push(("cursor", c.clone()));
        }
        q
    }
}

fn day(q: &mut Vec<(&'static str, String)>, as_of: Option<NaiveDate>) {
    if let Some(d) = as_of {
        q.push(("as_of", d.to_string()));
    }
}

/// Drops the `null`s of optional fields: the API reads a missing field as "not given".
fn body(value: Value) -> Option<Value> {
    match value {
        Value::Object(map) => Some(Value::Object(
            map.into_iter().filter(|(_, v)| !v.is_null()).collect(),
        )),
        other => Some(other),
    }
}

// People.

pub struct ListPeople {
    pub window: Window,
    pub kind: Option<String>,
    pub in_office: Option<bool>,
    pub as_of: Option<NaiveDate>,
}

impl Call for ListPeople {
    type Reply = ApiPage<steward_domain::ops::people::list::PersonListed>;
    fn path(&self) -> String {
        "/people".into()
    }
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = self.window.query();
        if let Some(k) = &self.kind {
            q.push(("kind", k.clone()));
        }
        if let Some(b) = self.in_office {
            q.push(("in_office", b.to_string()));
        }
        day(&mut q, self.as_of);
        q
    }
}

/// Everyone the web filter knows, a page at a time.
pub struct ListIdentities {
    pub window: Window,
    pub as_of: Option<NaiveDate>,
}

impl Call for ListIdentities {
    type Reply = ApiPage<steward_domain::ops::network::identities::IdentityLine>;
    fn path(&self) -> String {
        "/web-identities".into()
    }
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = self.window.query();
        day(&mut q, self.as_of);
        q
    }
}

pub struct AddPerson {
    pub reference: String,
    pub name: String,
    pub kind: String,
    pub email: Option<String>,
    pub household: Option<String>,
    pub term_start: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
    pub offices: Vec<String>,
}

impl Call for AddPerson {
    type Reply = steward_domain::Person;
    fn path(&self) -> String {
        "/people".into()
    }
    fn body(&self) -> Option<Value> {
        body(json!({
            "reference": self.reference, "name": self.name, "kind": self.kind,
            "email": self.email, "household": self.household,
            "term_start": self.term_start, "term_end": self.term_end, "offices": self.offices,
        }))
    }
}

pub struct ShowPerson {
    pub reference: String,
}

impl Call for ShowPerson {
    type Reply = steward_domain::ops::people::PersonDetail;
    fn path(&self) -> String {
        format!("/people/{}", seg(&self.reference))
    }
}

// Equipment.

pub struct ListEquipment {
    pub window: Window,
    pub kind: Option<String>,
    pub state: Option<String>,
}

impl Call for ListEquipment {
    type Reply = ApiPage<steward_domain::ops::equipment::list::EquipmentListed>;
    fn path(&self) -> String {
        "/equipment".into()
    }
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = self.window.query();
        if let Some(k) = &self.kind {
            q.push(("kind", k.clone()));
        }
        if let Some(s) = &self.state {
            q.push(("state", s.clone()));
        }
        q
    }
}

pub struct AddEquipment {
    pub asset_tag: String,
    pub kind: String,
    pub model: String,
    pub serial: Option<String>,
    pub purchased_on: Option<NaiveDate>,
    pub replacement_cost: String,
    pub pat_tested_on: Option<NaiveDate>,
    pub encrypted: bool,
}

impl Call for AddEquipment {
    type Reply = steward_domain::Equipment;
    fn path(&self) -> String {
        "/equipment".into()
    }
    fn body(&self) -> Option<Value> {
        body(json!({
            "asset_tag": self.asset_tag, "kind": self.kind, "model": self.model,
            "serial": self.serial, "purchased_on": self.purchased_on,
            "replacement_cost": self.replacement_cost, "pat_tested_on": self.pat_tested_on,
            "encrypted": self.encrypted,
        }))
    }
}

pub struct ShowEquipment {
    pub tag: String,
}

pub use crate::cmd::equipment::EquipmentDetail;

impl Call for ShowEquipment {
    type Reply = EquipmentDetail;
    fn path(&self) -> String {
        format!("/equipment/{}", seg(&self.tag))
    }
}

// Loans.

pub struct ListLoans {
    pub window: Window,
    pub show: String,
    pub as_of: Option<NaiveDate>,
}

impl Call for ListLoans {
    type Reply = ApiPage<steward_domain::ops::loans::list::LoanListed>;
    fn path(&self) -> String {
        "/loans".into()
    }
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = self.window.query();
        q.push(("show", self.show.clone()));
        day(&mut q, self.as_of);
        q
    }
}

pub struct ShowLoan {
    pub id: i64,
    pub as_of: Option<NaiveDate>,
}

impl Call for ShowLoan {
    type Reply = steward_domain::ops::loans::LoanView;
    fn path(&self) -> String {
        format!("/loans/{}", self.id)
    }
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        day(&mut q, self.as_of);
        q
    }
}

/// `loan issue` and `loan check` send the same body.
pub struct Lend {
    pub person: String,
    pub asset_tag: String,
    pub authorised_by: Option<String>,
}

impl Lend {
    fn body(&self) -> Option<Value> {
        body(json!({
            "person": self.person, "asset_tag": self.asset_tag,
            "authorised_by": self.authorised_by,
        }))
    }
}

pub struct CheckLoan(pub Lend);

impl Call for CheckLoan {
    type Reply = steward_domain::ops::loans::IssueCheck;
    fn path(&self) -> String {
        "/loans/check".into()
    }
    fn body(&self) -> Option<Value> {
        self.0.body()
    }
}

pub struct IssueLoan(pub Lend);

impl Call for IssueLoan {
    type Reply = steward_domain::ops::loans::Issued;
    fn path(&self) -> String {
        "/loans".into()
    }
    fn body(&self) -> Option<Value> {
        self.0.body()
    }
}

pub struct ReturnLoan {
    pub id: i64,
}

impl Call for ReturnLoan {
    type Reply = steward_domain::ops::loans::Returned;
    const POST: bool = true;
    fn path(&self) -> String {
        format!("/loans/{}/return", self.id)
    }
}

pub struct ExtendLoan {
    pub id: i64,
    pub until: NaiveDate,
    pub approved_by: Vec<String>,
    pub reason: String,
}

impl Call for ExtendLoan {
    type Reply = steward_domain::Extension;
    fn path(&self) -> String {
        format!("/loans/{}/extend", self.id)
    }
    fn body(&self) -> Option<Value> {
        body(json!({
            "until": self.until, "approved_by": self.approved_by, "reason": self.reason,
        }))
    }
}

pub struct RecallLoan {
    pub id: i64,
    pub by: String,
    pub return_by: Option<NaiveDate>,
}

impl Call for RecallLoan {
    type Reply = steward_domain::ops::loans::Recalled;
    fn path(&self) -> String {
        format!("/loans/{}/recall", self.id)
    }
    fn body(&self) -> Option<Value> {
        body(json!({ "by": self.by, "return_by": self.return_by }))
    }
}

pub struct ChargeLoan {
    pub id: i64,
}

impl Call for ChargeLoan {
    type Reply = steward_domain::Charge;
    const POST: bool = true;
    fn path(&self) -> String {
        format!("/loans/{}/charge", self.id)
    }
}

// What is due and the audit trail.

pub struct Due {
    pub window: Window,
    pub kind: Option<String>,
    pub as_of: Option<NaiveDate>,
}

/// A page of what is due, with the report's heading and counts.
#[derive(Deserialize)]
pub struct DuePage {
    pub council: String,
    pub as_of: NaiveDate,
    pub policy: Option<String>,
    pub counts: steward_domain::ops::due::DueCounts,
    #[serde(flatten)]
    pub page: ApiPage<steward_domain::ops::due::DueItem>,
}

impl Call for Due {
    type Reply = DuePage;
    fn path(&self) -> String {
        "/due".into()
    }
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = self.window.query();
        if let Some(k) = &self.kind {
            q.push(("kind", k.clone()));
        }
        day(&mut q, self.as_of);
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_cannot_leave_its_place_in_the_path() {
        assert_eq!(seg("M1"), "M1");
        assert_eq!(seg("a/b c"), "a%2Fb%20c");
        assert_eq!(seg(".."), "%2E%2E");
        assert_eq!(seg("?x#"), "%3Fx%23");
    }

    #[test]
    fn optional_fields_left_out_are_not_sent() {
        let call = AddPerson {
            reference: "M1".into(),
            name: "Ada".into(),
            kind: "councillor".into(),
            email: None,
            household: None,
            term_start: None,
            term_end: None,
            offices: Vec::new(),
        };
        let sent = call.body().unwrap();
        assert!(sent.get("email").is_none());
        assert_eq!(sent["reference"], "M1");
    }
}
