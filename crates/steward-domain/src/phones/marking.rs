//! The holder marks which of their items on a bill were personal, until a statement is issued.

use super::repo::PhoneTx;
use super::views::{find_bill, total};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::Pence;
use crate::ops::{audit, policy};
use crate::records::{Council, Id};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use steward_policy::{Citation, long_date, phones};

/// Where the holder's marks on one bill stand after marking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Marked {
    pub bill_id: Id,
    pub personal_items: usize,
    pub personal_cost: Pence,
    /// How many items changed.
    pub changed: usize,
    /// The clause that asks holders to pay for personal calls.
    pub citation: Citation,
}

#[derive(Serialize, schemars::JsonSchema)]
struct MarksAudit<'a> {
    person_id: Id,
    personal_items: usize,
    personal_pence: i64,
    /// Items by id only: what they were stays on the bill, out of the trail.
    personal: &'a [Id],
}

/// Makes exactly the calls in `personal` the personal ones among `person_id`'s items on the
/// bill; their other items are business. Anyone else's item, or a bill already settled by a
/// statement, is refused.
pub async fn mark<T: PhoneTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    person_id: Id,
    bill_id: Id,
    personal: &BTreeSet<Id>,
) -> DomainResult<Marked> {
    let bill = find_bill(tx, council, bill_id).await?;
    let mine: Vec<_> = tx
        .phone_calls(council.id, bill.id)
        .await?
        .into_iter()
        .filter(|c| c.person_id == Some(person_id))
        .collect();
    // Someone else's bill is simply not there for this person.
    if mine.is_empty() {
        return Err(DomainError::not_found("phone bill", bill_id));
    }
    let active = policy::require(tx, council, ctx.today).await?;
    let citation = phones::marking(&active.pack).map_err(|refusal| DomainError::Refused {
        action: "marking personal calls",
        refusals: vec![refusal],
    })?;
    if let Some(issued) = tx
        .phone_statements_of_bill(council.id, bill.id)
        .await?
        .into_iter()
        .find(|s| s.person_id == person_id)
    {
        return Err(DomainError::Conflict {
            field: "bill".into(),
            message: format!(
                "the statement for this bill was issued on {}, so its calls can no longer \
                 be marked",
                long_date(issued.issued_on)
            ),
        });
    }
    if let Some(stray) = personal
        .iter()
        .find(|id| !mine.iter().any(|c| c.id == **id))
    {
        return Err(DomainError::invalid(
            "personal",
            format!(
                "item {stray} is not one of your calls on the {} bill",
                bill.period.label()
            ),
        ));
    }
    let before: Vec<Id> = mine.iter().filter(|c| c.personal).map(|c| c.id).collect();
    let mut changed = 0;
    for call in &mine {
        let want = personal.contains(&call.id);
        if call.personal != want {
            tx.set_phone_call_personal(council.id, call.id, want)
                .await?;
            changed += 1;
        }
    }
    let after: Vec<Id> = personal.iter().copied().collect();
    let cost_of = |ids: &[Id]| total(mine.iter().filter(|c| ids.contains(&c.id)).map(|c| &c.cost));
    let personal_cost = cost_of(&after);
    if changed > 0 {
        let was = MarksAudit {
            person_id,
            personal_items: before.len(),
            personal_pence: cost_of(&before).0,
            personal: &before,
        };
        let now = MarksAudit {
            person_id,
            personal_items: after.len(),
            personal_pence: personal_cost.0,
            personal: &after,
        };
        audit(
            tx,
            ctx,
            council.id,
            "phone.calls.mark",
            "phone_bill",
            bill.id,
            Some(&was),
            Some(&now),
        )
        .await?;
    }
    Ok(Marked {
        bill_id: bill.id,
        personal_items: after.len(),
        personal_cost,
        changed,
        citation,
    })
}
