//! The outbox as a list: messages searched by whom they are for (name or reference) or their
//! number, filtered by state, sorted and paged in the database. Readers see every message;
//! a member only those addressed to them.

use crate::auth::Principal;
use crate::error::DomainResult;
use crate::listing::{ListQuery, Listed, Total};
use crate::ops::due::repo::DueTx;
use crate::ops::kept::{CountKey, Counted, KeptCount, KeptCounts};
use crate::outbox::{MessageState, OutboxMessage, OutboxTx};
use crate::records::{Council, Id};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The orders the outbox list offers, each served by an index.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MessageSort {
    /// When the message was queued.
    #[default]
    Queued,
    State,
    Attempts,
}

impl MessageSort {
    pub const ALL: [MessageSort; 3] = [
        MessageSort::Queued,
        MessageSort::State,
        MessageSort::Attempts,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageSort::Queued => "queued",
            MessageSort::State => "state",
            MessageSort::Attempts => "attempts",
        }
    }
}

impl FromStr for MessageSort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        MessageSort::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| "sort messages by queued, state or attempts".to_string())
    }
}

/// The outbox list's filters. `person_id` is set from the principal, never by the caller.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MessageListFilter {
    pub state: Option<MessageState>,
    pub person_id: Option<Id>,
}

pub type MessageQuery = ListQuery<MessageSort, MessageListFilter>;

/// How many of the council's messages wait for an officer, by state.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Attention {
    pub uncertain: u64,
    pub failed: u64,
    pub no_address: u64,
}

/// A page of the messages `principal` may see: all for readers, their own for members.
pub async fn list<T: OutboxTx>(
    tx: &mut T,
    council: &Council,
    principal: &Principal,
    query: &MessageQuery,
) -> DomainResult<Listed<OutboxMessage>> {
    let mut query = query.clone();
    query.filter.person_id = match (principal.reader(), principal.member()) {
        (Ok(_), _) => None,
        (Err(_), Ok(member)) => Some(member.person_id),
        (Err(_), Err(_)) => return Ok(Listed::empty()),
    };
    Ok(tx.list_messages(council.id, &query, None).await?)
}

/// As [`list`], with the count of a reader's whole, unsearched list taken from `counts` while
/// the register has not changed since it was counted (see [`crate::ops::kept`]), and counted
/// and kept otherwise. The page's rows are read as always.
pub async fn list_kept<T: OutboxTx>(
    tx: &mut T,
    counts: &KeptCounts,
    council: &Council,
    principal: &Principal,
    query: &MessageQuery,
    today: NaiveDate,
) -> DomainResult<Listed<OutboxMessage>> {
    let whole = principal.reader().is_ok()
        && query.search.is_empty()
        && query.filter == MessageListFilter::default();
    if !whole {
        return list(tx, council, principal, query).await;
    }
    let kept = KeptCount {
        counts,
        counted: Counted::Messages,
        day: today,
    };
    Ok(tx.list_messages(council.id, query, Some(kept)).await?)
}

/// A page of every message: for the command line, which reads the database itself.
pub async fn list_all<T: OutboxTx>(
    tx: &mut T,
    council: &Council,
    query: &MessageQuery,
) -> DomainResult<Listed<OutboxMessage>> {
    let mut query = query.clone();
    query.filter.person_id = None;
    Ok(tx.list_messages(council.id, &query, None).await?)
}

/// The states whose messages wait for an officer.
const WAITING: [MessageState; 3] = [
    MessageState::Uncertain,
    MessageState::Failed,
    MessageState::NoAddress,
];

/// How many messages wait for an officer, counted in one statement.
pub async fn attention<T: OutboxTx>(tx: &mut T, council: &Council) -> DomainResult<Attention> {
    let counts = tx.count_messages(council.id, &WAITING).await?;
    let of = |s: MessageState| {
        counts
            .iter()
            .find(|(state, _)| *state == s)
            .map_or(0, |(_, n)| *n)
    };
    Ok(Attention {
        uncertain: of(MessageState::Uncertain),
        failed: of(MessageState::Failed),
        no_address: of(MessageState::NoAddress),
    })
}

/// As [`attention`], its figures taken from `kept` while the register has not changed since
/// they were counted: every change into or out of these states is audited.
pub async fn attention_kept<T: OutboxTx + DueTx>(
    tx: &mut T,
    kept: &KeptCounts,
    council: &Council,
    today: NaiveDate,
) -> DomainResult<Attention> {
    let at = tx.due_key(council.id, today).await?;
    let key = |state| CountKey::new(Counted::MessagesIn(state), council.id, today, at);
    if let [Some(uncertain), Some(failed), Some(no_address)] =
        WAITING.map(|state| kept.get(&key(state)).map(Total::value))
    {
        return Ok(Attention {
            uncertain,
            failed,
            no_address,
        });
    }
    let counted = attention(tx, council).await?;
    let figures = [counted.uncertain, counted.failed, counted.no_address];
    for (state, n) in WAITING.into_iter().zip(figures) {
        kept.put(key(state), Total::Exactly(n));
    }
    Ok(counted)
}
