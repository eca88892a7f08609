//! Mail forwarding: each forward of the latest snapshots that the pack's
//! `[mail.auto_forwarding]` forbids is told to the mailbox's owner, queued for the office that
//! receives security problems and, being a breach of the rule, opens a breach case. Forwards
//! the pack allows (with or without controls) file nothing.
//!
//! A forward is keyed by the snapshot it was first seen in without a break, so one removed
//! and later set again is a new finding; having been told about and put right before, it is
//! a repeated failure, and its case says so.

use super::security::{Breach, file};
use super::{Day, Finding, Found, Source, SweepTx};
use crate::error::DomainResult;
use crate::mail::ForwardFinding;
use crate::records::Id;
use std::collections::HashMap;

pub(crate) struct Forwards;

impl<T: SweepTx> Source<T> for Forwards {
    fn name(&self) -> &'static str {
        "forwarding"
    }

    fn find<'a>(&'a self, tx: &'a mut T, day: &'a Day) -> Found<'a> {
        Box::pin(async move { scan(tx, day).await })
    }
}

async fn scan<T: SweepTx>(tx: &mut T, day: &Day) -> DomainResult<Vec<Finding>> {
    let forwards = tx.breaching_forwards(day.council.id).await?;
    if forwards.is_empty() {
        return Ok(Vec::new());
    }
    let people: HashMap<Id, _> = tx
        .people(day.council.id)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let filed = tx.notice_keys_starting(day.council.id, "forward:").await?;
    let mut out = Vec::new();
    for forward in &forwards {
        let Some(citation) = forward.citation.clone() else {
            continue;
        };
        out.extend(file(day, &people, breach_of(forward, citation, &filed)));
    }
    Ok(out)
}

/// Whether an earlier spell of the forward keyed `base`, begun in another snapshot than
/// `since`, was filed: it was told about, put right, and has come back.
fn came_back(filed: &[String], base: &str, since: Option<i64>) -> bool {
    let Some(since) = since else {
        return false;
    };
    let this = format!("{base}:since-{since}:");
    let any = format!("{base}:");
    filed
        .iter()
        .any(|k| k.starts_with(&any) && !k.starts_with(&this))
}

fn breach_of(f: &ForwardFinding, citation: steward_policy::Citation, filed: &[String]) -> Breach {
    let target = f
        .target
        .clone()
        .unwrap_or_else(|| "a recipient inside the council's mail system".to_string());
    let base = format!("forward:{}:{}", f.mailbox, target.to_lowercase());
    let repeated = came_back(filed, &base, f.since_import);
    let mut what = format!(
        "The mailbox {} forwards mail automatically to {target}. {}",
        f.mailbox, f.message
    );
    if repeated {
        what = format!("{}. {}", what.trim_end_matches('.'), super::security::AGAIN);
    }
    Breach {
        source: "forwarding",
        // Forwards present before their first snapshot was recorded keep the key they had.
        key: match f.since_import {
            Some(since) => format!("{base}:since-{since}"),
            None => base,
        },
        about: format!("the mailbox {}", f.mailbox),
        what,
        to_do: format!("Turn off the automatic forwarding from {}", f.mailbox),
        citation,
        person_id: f.person_id,
        equipment: None,
        serious: true,
        repeated,
    }
}
