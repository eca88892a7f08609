pub mod list;

use super::{NONE, audit, people, policy};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::PersonRef;
use crate::listing::{MAX_LIMIT, Window};
use crate::records::{Acceptance, Council, Person, SignatureMethod};
use crate::repo::{NewAcceptance, RegisterTx};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use steward_policy::Citation;
use steward_policy::decide::{AcceptanceStatus, SignatureFacts, acceptance_status};
use steward_policy::decide::{Gate, Refusal};

/// A person's standing against the policy in force.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PersonAcceptance {
    pub person: Person,
    pub policy_version: i64,
    pub status: AcceptanceStatus,
}

/// Works out whether `person`'s signatures satisfy the policy in force on `today`.
pub async fn status_of<T: RegisterTx>(
    tx: &mut T,
    council_id: i64,
    active: &policy::ActivePack,
    person_id: i64,
    today: NaiveDate,
) -> DomainResult<AcceptanceStatus> {
    let signatures = tx.acceptances(council_id, person_id).await?;
    let facts: Vec<SignatureFacts<'_>> = signatures
        .iter()
        .map(|s| SignatureFacts {
            pack_hash: &s.pack_hash,
            signed_on: s.signed_on,
        })
        .collect();
    Ok(acceptance_status(
        &active.pack,
        &active.version.hash,
        &facts,
        today,
    ))
}

fn same_name(typed: &str, name: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .map(|w| w.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ")
    };
    norm(typed) == norm(name)
}

pub enum Signature {
    /// The person typed their name after reading the text.
    Typed { name: String },
    /// A paper form signed on `signed_on`, entered by the officer `recorded_by`.
    Paper {
        signed_on: NaiveDate,
        recorded_by: PersonRef,
    },
}

/// Records a signature of the policy version in force today.
pub async fn sign<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    reference: &PersonRef,
    signature: Signature,
) -> DomainResult<Acceptance> {
    let person = people::find(tx, council, reference).await?;
    let active = policy::require(tx, council, ctx.today).await?;
    if active.pack.acceptance.is_none() {
        return Err(DomainError::Refused {
            action: "sign",
            refusals: vec![Refusal {
                gate: Gate::NoProvision,
                message: format!("{} asks for no signature", active.pack.pack.title),
                citation: None,
            }],
        });
    }
    if !active.pack.scope.kinds.contains(&person.kind) {
        let pack = &active.pack;
        return Err(DomainError::Refused {
            action: "sign",
            refusals: vec![Refusal {
                gate: Gate::Scope,
                message: format!("{} is not covered by {}", person.name, pack.pack.title),
                citation: Some(Citation::new(pack, &pack.scope.clause)),
            }],
        });
    }
    let (method, typed_name, recorded_by, signed_on) = match signature {
        Signature::Typed { name } => {
            if !same_name(&name, &person.name) {
                return Err(DomainError::invalid(
                    "typed_name",
                    "type your name exactly as the register holds it to sign",
                ));
            }
            (
                SignatureMethod::SelfService,
                Some(name.trim().to_string()),
                None,
                ctx.today,
            )
        }
        Signature::Paper {
            signed_on,
            recorded_by,
        } => {
            if signed_on > ctx.today {
                return Err(DomainError::invalid(
                    "signed_on",
                    "a form cannot be signed in the future",
                ));
            }
            if signed_on < active.version.effective_from {
                return Err(DomainError::invalid(
                    "signed_on",
                    format!(
                        "the form predates the policy version in force (from {})",
                        active.version.effective_from
                    ),
                ));
            }
            let officer = people::find(tx, council, &recorded_by).await?;
            if officer.kind.is_member() {
                return Err(DomainError::invalid(
                    "recorded_by",
                    "a paper form is recorded by an officer, not a member",
                ));
            }
            (
                SignatureMethod::PaperForm,
                None,
                Some(officer.reference.to_string()),
                signed_on,
            )
        }
    };
    let new = NewAcceptance {
        person_id: person.id,
        pack_version_id: active.version.id,
        pack_hash: active.version.hash.clone(),
        signed_on,
        recorded_at: ctx.now,
        method,
        typed_name,
        recorded_by,
    };
    let acceptance = tx.insert_acceptance(council.id, &new).await?;
    audit(
        tx,
        ctx,
        council.id,
        "acceptance.sign",
        "person",
        &person.reference,
        NONE,
        Some(&acceptance),
    )
    .await?;
    Ok(acceptance)
}

/// Everyone the policy covers who is in office, with their signature status, by reference:
/// the signatures list read to its end a page at a time.
pub async fn register<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    today: NaiveDate,
) -> DomainResult<Vec<PersonAcceptance>> {
    let active = policy::require(tx, council, today).await?;
    let mut query = list::SignatureQuery {
        sort: list::SignatureSort::Reference,
        window: Window::first(MAX_LIMIT),
        ..Default::default()
    };
    let mut out = Vec::new();
    loop {
        let page = list::page(tx, council, &active, &query, today).await?;
        out.extend(page.items);
        match page.next {
            Some(cursor) => query.continue_from(cursor),
            None => return Ok(out),
        }
    }
}
