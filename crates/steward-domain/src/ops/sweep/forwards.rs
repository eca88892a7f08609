//! Mail forwarding: each forward of the latest snapshots that the pack's
//! `[mail.auto_forwarding]` forbids is told to the mailbox's owner, queued for the office that
//! receives security problems and, being a breach of the rule, opens a breach case. Forwards
//! the pack allows (with or without controls) file nothing.

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
    let mut out = Vec::new();
    for forward in &forwards {
        let Some(citation) = forward.citation.clone() else {
            continue;
        };
        out.extend(file(day, &people, breach_of(forward, citation)));
    }
    Ok(out)
}

fn breach_of(f: &ForwardFinding, citation: steward_policy::Citation) -> Breach {
    let target = f
        .target
        .clone()
        .unwrap_or_else(|| "a recipient inside the council's mail system".to_string());
    Breach {
        source: "forwarding",
        key: format!("forward:{}:{}", f.mailbox, target.to_lowercase()),
        about: format!("the mailbox {}", f.mailbox),
        what: format!(
            "The mailbox {} forwards mail automatically to {target}. {}",
            f.mailbox, f.message
        ),
        to_do: format!("Turn off the automatic forwarding from {}", f.mailbox),
        citation,
        person_id: f.person_id,
        equipment: None,
        serious: true,
    }
}
