//! Who is behind a request: a proxy user name first, else the address of a device on loan to
//! someone that day. Loaded once from the register and asked many times.

use crate::error::DomainResult;
use crate::network::NetworkTx;
use crate::ops::{policy, requests};
use crate::records::{Council, Id, Loan};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::IpAddr;
use steward_policy::{Pack, PersonKind};

/// The council's proxy user names, equipment addresses and loans.
#[derive(Clone, Debug, Default)]
pub struct Directory {
    by_user: HashMap<String, Id>,
    /// Address to item.
    by_address: HashMap<IpAddr, Id>,
    loans: Vec<Loan>,
}

fn on_loan(loan: &Loan, day: NaiveDate) -> bool {
    loan.issued_on <= day && loan.returned_on.is_none_or(|r| r > day)
}

impl Directory {
    pub async fn load<T: NetworkTx>(tx: &mut T, council: &Council) -> DomainResult<Directory> {
        let by_user = tx
            .proxy_users(council.id)
            .await?
            .into_iter()
            .map(|u| (u.username, u.person_id))
            .collect();
        let by_address = tx
            .equipment_addresses(council.id)
            .await?
            .into_iter()
            .map(|a| (a.address, a.equipment_id))
            .collect();
        let mut loans = tx.loans(council.id, false).await?;
        // Oldest first, so that the latest loan of an item on a day is the one found last.
        loans.sort_by_key(|l| (l.issued_on, l.id));
        Ok(Directory {
            by_user,
            by_address,
            loans,
        })
    }

    /// Who had the item on loan on `day`.
    fn holder(&self, equipment_id: Id, day: NaiveDate) -> Option<Id> {
        self.loans
            .iter()
            .rev()
            .find(|l| l.equipment_id == equipment_id && on_loan(l, day))
            .map(|l| l.person_id)
    }

    /// The person behind `identity` (a proxy user name or a client address) on `day`.
    pub fn person_for(&self, identity: &str, day: NaiveDate) -> Option<Id> {
        if let Some(&id) = self.by_user.get(&identity.to_lowercase()) {
            return Some(id);
        }
        let address: IpAddr = identity.parse().ok()?;
        let item = *self.by_address.get(&address)?;
        self.holder(item, day)
    }

    pub fn usernames_of(&self, person_id: Id) -> Vec<String> {
        let mut names: Vec<String> = self
            .by_user
            .iter()
            .filter(|(_, p)| **p == person_id)
            .map(|(u, _)| u.clone())
            .collect();
        names.sort();
        names
    }

    /// The items on loan to the person on `day` that have addresses, with those addresses.
    pub fn devices_of(&self, person_id: Id, day: NaiveDate) -> Vec<(Id, Vec<IpAddr>)> {
        let mut items: HashMap<Id, Vec<IpAddr>> = HashMap::new();
        for (address, &item) in &self.by_address {
            if self.holder(item, day) == Some(person_id) {
                items.entry(item).or_default().push(*address);
            }
        }
        let mut out: Vec<(Id, Vec<IpAddr>)> = items
            .into_iter()
            .map(|(item, mut addresses)| {
                addresses.sort();
                (item, addresses)
            })
            .collect();
        out.sort();
        out
    }
}

/// One person as the web filter needs them.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FilterPerson {
    pub person_id: Id,
    pub kind: PersonKind,
    pub usernames: Vec<String>,
    pub addresses: Vec<IpAddr>,
    /// Hosts they may reach, each until a moment.
    pub exceptions: Vec<(String, DateTime<Utc>)>,
}

/// What the web filter needs from the register at one moment.
#[derive(Clone, Debug)]
pub struct FilterFacts {
    pub pack: Pack,
    pub people: Vec<FilterPerson>,
}

/// The pack in force and everyone the filter can recognise at `now` (on `today`, the
/// council's day): by proxy user name, by the addresses of devices on loan to them today, with
/// the web exceptions in force. People it could not recognise are left out.
pub async fn filter_facts<T: NetworkTx>(
    tx: &mut T,
    council: &Council,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> DomainResult<FilterFacts> {
    let active = policy::require(tx, council, today).await?;
    let directory = Directory::load(tx, council).await?;
    let exceptions = requests::exceptions_in_force(tx, council, now).await?;
    let mut people = Vec::new();
    for p in tx.people(council.id).await? {
        let usernames = directory.usernames_of(p.id);
        let addresses: Vec<IpAddr> = directory
            .devices_of(p.id, today)
            .into_iter()
            .flat_map(|(_, a)| a)
            .collect();
        let theirs: Vec<(String, DateTime<Utc>)> = exceptions
            .iter()
            .filter(|e| e.person_id == p.id)
            .map(|e| (e.host.clone(), e.ends_at))
            .collect();
        if usernames.is_empty() && addresses.is_empty() {
            continue;
        }
        people.push(FilterPerson {
            person_id: p.id,
            kind: p.kind,
            usernames,
            addresses,
            exceptions: theirs,
        });
    }
    Ok(FilterFacts {
        pack: (*active.pack).clone(),
        people,
    })
}
