//! Filing a notice and a message for each of its recipients, in the caller's transaction.

use crate::auth::{AuthTx, Role};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ops::{NONE, audit, people};
use crate::outbox::{
    Letter, MessageState, NewMessage, NewNotice, Notice, OutboxMessage, OutboxTx, Recipient,
    message_id_local, render_html, render_text,
};
use crate::records::{Council, Id, Person};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use steward_policy::model::OfficeHolder;
use steward_policy::{OfficeId, Pack};

/// Whom a notice is for, before it is resolved to people on the day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind", content = "to")]
pub enum Audience {
    Person(Id),
    /// Whoever holds these offices on the day. Bodies hold no one and are passed over; when
    /// nothing else is left, the notice goes to the council's officers.
    Offices(Vec<OfficeId>),
    /// The people linked to the council's officer and administrator accounts.
    Officers,
}

fn person_recipient(person: &Person, office: Option<OfficeId>) -> Recipient {
    Recipient::Person {
        person_id: person.id,
        reference: person.reference.clone(),
        name: person.name.clone(),
        office,
        address: person
            .email
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string),
    }
}

async fn officers<T: OutboxTx + AuthTx>(
    tx: &mut T,
    council: &Council,
) -> DomainResult<Vec<Recipient>> {
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for user in tx.users(council.id).await? {
        let Some(person_id) = user.person_id else {
            continue;
        };
        if user.disabled || !matches!(user.role, Role::Officer | Role::Admin) {
            continue;
        }
        if seen.contains(&person_id) {
            continue;
        }
        seen.push(person_id);
        if let Some(person) = tx.person(council.id, person_id).await? {
            out.push(person_recipient(&person, None));
        }
    }
    if out.is_empty() {
        out.push(Recipient::NoOfficers);
    }
    Ok(out)
}

/// The people an audience means on `day`, each once.
pub async fn recipients<T: OutboxTx + AuthTx>(
    tx: &mut T,
    council: &Council,
    pack: &Pack,
    audience: &Audience,
    day: NaiveDate,
) -> DomainResult<Vec<Recipient>> {
    let offices: Vec<&OfficeId> = match audience {
        Audience::Person(id) => {
            let person = tx
                .person(council.id, *id)
                .await?
                .filter(|p| p.council_id == council.id)
                .ok_or_else(|| DomainError::not_found("person", id))?;
            return Ok(vec![person_recipient(&person, None)]);
        }
        Audience::Officers => return officers(tx, council).await,
        Audience::Offices(list) => list
            .iter()
            .filter(|o| {
                pack.office(o)
                    .is_none_or(|f| f.holder != OfficeHolder::Body)
            })
            .collect(),
    };
    if offices.is_empty() {
        return officers(tx, council).await;
    }
    let mut holders: Vec<(Person, Vec<OfficeId>)> = Vec::new();
    for person in tx.people(council.id).await? {
        let held = people::offices_on(tx, council.id, person.id, day).await?;
        if offices.iter().any(|o| held.contains(o)) {
            holders.push((person, held));
        }
    }
    let mut out = Vec::new();
    for office in offices {
        let mut held_by_someone = false;
        for (person, held) in &holders {
            if !held.contains(office) {
                continue;
            }
            held_by_someone = true;
            let already = out.iter().any(
                |r| matches!(r, Recipient::Person { person_id, .. } if *person_id == person.id),
            );
            if !already {
                out.push(person_recipient(person, Some(office.clone())));
            }
        }
        if !held_by_someone {
            out.push(Recipient::UnheldOffice {
                office: office.clone(),
                name: pack.office_name(office),
            });
        }
    }
    Ok(out)
}

/// A notice just filed, with its messages.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Queued {
    pub notice: Notice,
    pub messages: Vec<OutboxMessage>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct NoticeAudit<'a> {
    key: &'a str,
    source: &'a str,
    subject: &'a str,
    clause: &'a str,
    recipients: Vec<String>,
}

/// Files `letter` under `key` for `to`, in the caller's transaction and with its audit record.
/// `None` when the council already has a notice with this key: nothing is written then, so the
/// same fact never reaches anyone twice.
pub async fn queue<T: OutboxTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    key: &str,
    source: &str,
    letter: &Letter,
    to: &[Recipient],
) -> DomainResult<Option<Queued>> {
    let new = NewNotice {
        key: key.to_string(),
        source: source.to_string(),
        subject: letter.subject.clone(),
        body_text: render_text(letter),
        body_html: render_html(letter),
        citation: letter.citation.clone(),
        noticed_on: ctx.today,
        created_at: ctx.now,
    };
    let Some(notice) = tx.insert_notice(council.id, &new).await? else {
        return Ok(None);
    };
    let mut messages = Vec::with_capacity(to.len());
    for recipient in to {
        let (person_id, office, address) = match recipient {
            Recipient::Person {
                person_id,
                office,
                address,
                ..
            } => (Some(*person_id), office.clone(), address.clone()),
            Recipient::UnheldOffice { office, .. } => (None, Some(office.clone()), None),
            Recipient::NoOfficers => (None, None, None),
            Recipient::Account { address, .. } => (None, None, Some(address.clone())),
        };
        let user_id = match recipient {
            Recipient::Account { user_id, .. } => Some(*user_id),
            _ => None,
        };
        let state = if address.is_some() {
            MessageState::Queued
        } else {
            MessageState::NoAddress
        };
        let new = NewMessage {
            notice_id: notice.id,
            person_id,
            office,
            user_id,
            address,
            message_id: message_id_local(council.slug.as_str(), key, &recipient.tag()),
            state,
            created_at: ctx.now,
        };
        messages.push(tx.insert_message(council.id, &new).await?);
    }
    let after = NoticeAudit {
        key,
        source,
        subject: &notice.subject,
        clause: &notice.citation.clause,
        recipients: to.iter().map(Recipient::tag).collect(),
    };
    audit(
        tx,
        ctx,
        council.id,
        "notice.queue",
        "notice",
        key,
        NONE,
        Some(&after),
    )
    .await?;
    Ok(Some(Queued { notice, messages }))
}
