//! The register, for the filter's commands that read it: a runtime of their own (the helper
//! otherwise runs on plain threads), and the people snapshot the pack decider judges by.

use crate::app::App;
use crate::args::Global;
use chrono::{DateTime, Utc};
use steward_domain::Council;
use steward_domain::ops::network::directory::{FilterFacts, filter_facts};
use steward_monitor::helper::{Snapshot, WebPerson};
use steward_policy::web::{ExceptionScope, WebAudience, WebException, WebMoment};
use steward_store::Store;

/// A runtime for database work from blocking code.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// Opens the register named by the global options.
pub fn open(rt: &tokio::runtime::Runtime, global: &Global) -> anyhow::Result<App> {
    rt.block_on(App::open(global.clone()))
}

/// The council's day at `now`: the filter judges by the clock in the UK.
pub fn day_of(now: DateTime<Utc>) -> chrono::NaiveDate {
    WebMoment::uk(now).local.date()
}

/// Reads who the filter can recognise at `now`, and the pack in force.
pub async fn facts(
    store: &Store,
    council: &Council,
    now: DateTime<Utc>,
) -> anyhow::Result<FilterFacts> {
    let mut tx = store.read().await?;
    let facts = filter_facts(&mut tx, council, now, day_of(now)).await?;
    tx.rollback().await?;
    Ok(facts)
}

/// The decider's snapshot of the register's facts.
pub fn snapshot(facts: FilterFacts) -> Snapshot {
    let mut snapshot = Snapshot::new(facts.pack);
    for p in facts.people {
        let audience = if p.kind.is_member() {
            WebAudience::Member
        } else {
            WebAudience::Staff
        };
        let exceptions = p
            .exceptions
            .into_iter()
            .map(|(host, until)| WebException {
                scope: ExceptionScope::Host(host),
                until,
            })
            .collect();
        let users: Vec<&str> = p.usernames.iter().map(String::as_str).collect();
        snapshot.add_person(
            WebPerson {
                audience,
                exceptions,
            },
            &users,
            &p.addresses,
        );
    }
    snapshot
}
