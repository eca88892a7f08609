//! Who decides a categorised request. The helper asks a [`Decide`] only when the lists put the
//! site in at least one category; everything else passes without a question.
//!
//! Two deciders live here: [`ListsDecider`] blocks every category (the lists alone, in a given
//! order), and [`PackDecider`] applies the council's pack to the person behind the request, found
//! in a [`Snapshot`] by proxy user name or by device address. Whatever fills the snapshot (the
//! register, later) needs no change here.

use crate::category::{CategoryId, CategorySet};
use chrono::DateTime;
use std::borrow::Cow;
use std::collections::HashMap;
use std::net::IpAddr;
use steward_policy::Pack;
use steward_policy::web::{WebAudience, WebDecision, WebException, WebMoment, web_decision};

/// What the decider is asked.
#[derive(Clone, Copy, Debug)]
pub struct Query<'a> {
    /// Never empty.
    pub categories: CategorySet,
    /// The request's host, any case.
    pub host: &'a [u8],
    /// The proxy user name, decoded, when Squid knew one.
    pub user: Option<&'a str>,
    /// The client's address, when Squid gave a readable one.
    pub client: Option<IpAddr>,
    /// When the request is judged, in seconds since the Unix epoch (UTC).
    pub unix_time: i64,
}

/// The answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict<'a> {
    Allow,
    Block {
        category: Cow<'a, str>,
        /// The policy clause, when a policy decided.
        clause: Option<Cow<'a, str>>,
    },
}

pub trait Decide: Send + Sync {
    fn decide<'a>(&'a self, query: &Query<'_>) -> Verdict<'a>;
}

/// Blocks every listed category; the first of `order` the site is in names the block.
#[derive(Clone, Debug)]
pub struct ListsDecider {
    names: Vec<String>,
    order: Vec<CategoryId>,
}

impl ListsDecider {
    /// `names` are the matcher's categories; `order` is which to judge first (see
    /// [`crate::category::resolve_order`]). Categories left out of `order` are not blocked.
    pub fn new(names: &[String], order: Vec<CategoryId>) -> ListsDecider {
        ListsDecider {
            names: names.to_vec(),
            order,
        }
    }
}

impl Decide for ListsDecider {
    fn decide<'a>(&'a self, query: &Query<'_>) -> Verdict<'a> {
        match query.categories.first_in(&self.order) {
            Some(id) => Verdict::Block {
                category: Cow::Borrowed(self.names.get(usize::from(id)).map_or("", String::as_str)),
                clause: None,
            },
            None => Verdict::Allow,
        }
    }
}

/// One person as the filter needs them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebPerson {
    pub audience: WebAudience,
    /// Approved exceptions; expired ones are ignored when judging.
    pub exceptions: Vec<WebException>,
}

/// Everything the pack decider knows about people, taken at one moment. Built afresh (for
/// example from the register) and swapped in whole on reload.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub pack: Pack,
    people: Vec<WebPerson>,
    by_user: HashMap<String, usize>,
    by_address: HashMap<IpAddr, usize>,
}

impl Snapshot {
    pub fn new(pack: Pack) -> Snapshot {
        Snapshot {
            pack,
            people: Vec::new(),
            by_user: HashMap::new(),
            by_address: HashMap::new(),
        }
    }

    /// Adds a person, known to the proxy by any of `users` (matched without regard to case)
    /// and by the addresses of their devices. A later person with the same name or address
    /// replaces the earlier one for it.
    pub fn add_person(&mut self, person: WebPerson, users: &[&str], addresses: &[IpAddr]) {
        let i = self.people.len();
        self.people.push(person);
        for user in users {
            self.by_user.insert(user.to_lowercase(), i);
        }
        for address in addresses {
            self.by_address.insert(*address, i);
        }
    }

    /// The person behind a request: by user name first, then by address.
    pub fn person(&self, user: Option<&str>, client: Option<IpAddr>) -> Option<&WebPerson> {
        let by_user = user.and_then(|u| {
            self.by_user
                .get(u)
                .or_else(|| self.by_user.get(&u.to_lowercase()))
        });
        by_user
            .or_else(|| client.and_then(|a| self.by_address.get(&a)))
            .and_then(|&i| self.people.get(i))
    }
}

/// Applies the pack's `[web]` rules to the person behind each request.
#[derive(Clone, Debug)]
pub struct PackDecider {
    names: Vec<String>,
    order: Vec<CategoryId>,
    snapshot: Snapshot,
}

impl PackDecider {
    pub fn new(names: &[String], order: Vec<CategoryId>, snapshot: Snapshot) -> PackDecider {
        PackDecider {
            names: names.to_vec(),
            order,
            snapshot,
        }
    }
}

impl Decide for PackDecider {
    fn decide<'a>(&'a self, query: &Query<'_>) -> Verdict<'a> {
        let categories: Vec<&str> = self
            .order
            .iter()
            .filter(|&&id| query.categories.contains(id))
            .filter_map(|&id| self.names.get(usize::from(id)).map(String::as_str))
            .collect();
        let person = self.snapshot.person(query.user, query.client);
        let (audience, exceptions) = match person {
            Some(p) => (p.audience, p.exceptions.as_slice()),
            None => (WebAudience::Unknown, &[][..]),
        };
        let Some(utc) = DateTime::from_timestamp(query.unix_time, 0) else {
            return Verdict::Allow;
        };
        let host = String::from_utf8_lossy(query.host);
        let decision = web_decision(
            &self.snapshot.pack,
            audience,
            &categories,
            &host,
            &WebMoment::uk(utc),
            exceptions,
        );
        match decision {
            WebDecision::Allow { .. } => Verdict::Allow,
            WebDecision::Block { category, citation } => Verdict::Block {
                category: Cow::Owned(category),
                clause: Some(Cow::Owned(citation.clause)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use steward_policy::presets;
    use steward_policy::web::ExceptionScope;

    fn names() -> Vec<String> {
        ["gambling", "shopping", "adult"].map(String::from).to_vec()
    }

    fn query(
        categories: u64,
        user: Option<&str>,
        client: Option<IpAddr>,
        at: &str,
    ) -> Query<'static> {
        let utc: DateTime<chrono::Utc> = at.parse().unwrap();
        Query {
            categories: CategorySet(categories),
            host: b"www.bet.example",
            user: user.map(|u| Box::leak(u.to_string().into_boxed_str()) as &str),
            client,
            unix_time: utc.timestamp(),
        }
    }

    #[test]
    fn lists_decider_blocks_by_its_order() {
        let d = ListsDecider::new(&names(), vec![2, 0]);
        let v = d.decide(&query(0b101, None, None, "2027-06-09T10:00:00Z"));
        assert_eq!(
            v,
            Verdict::Block {
                category: "adult".into(),
                clause: None
            }
        );
        assert_eq!(
            d.decide(&query(0b010, None, None, "2027-06-09T10:00:00Z")),
            Verdict::Allow
        );
    }

    #[test]
    fn pack_decider_finds_people_by_name_or_address() {
        let pack = presets::load(presets::find("city-aup").unwrap())
            .unwrap()
            .pack;
        let mut snapshot = Snapshot::new(pack);
        let laptop: IpAddr = "10.1.0.7".parse().unwrap();
        let until: DateTime<chrono::Utc> = "2027-06-09T12:00:00Z".parse().unwrap();
        snapshot.add_person(
            WebPerson {
                audience: WebAudience::Staff,
                exceptions: vec![WebException {
                    scope: ExceptionScope::Host("bet.example".into()),
                    until,
                }],
            },
            &["DOT"],
            &[laptop],
        );
        let d = PackDecider::new(&names(), vec![0, 1, 2], snapshot);
        // 10:00 UTC is 11:00 in London in June: working hours.
        let morning = "2027-06-09T10:00:00Z";
        assert_eq!(
            d.decide(&query(0b001, Some("dot"), None, morning)),
            Verdict::Allow
        );
        assert_eq!(
            d.decide(&query(0b001, None, Some(laptop), morning)),
            Verdict::Allow
        );
        let blocked = Verdict::Block {
            category: "gambling".into(),
            clause: Some("Internet use".into()),
        };
        assert_eq!(
            d.decide(&query(0b001, Some("someone"), None, morning)),
            blocked
        );
        assert_eq!(
            d.decide(&query(0b001, Some("dot"), None, "2027-06-09T12:00:00Z")),
            blocked
        );
        // Shopping at 11:30 UTC (12:30 in London) is lunchtime.
        assert_eq!(
            d.decide(&query(0b010, None, None, "2027-06-09T11:30:00Z")),
            Verdict::Allow
        );
        assert!(matches!(
            d.decide(&query(0b010, None, None, morning)),
            Verdict::Block { .. }
        ));
    }
}
