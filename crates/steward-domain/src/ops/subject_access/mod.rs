//! The subject access document: everything the register holds about one person, with other
//! people's personal data redacted. Produced only by the offices that handle information
//! requests (or an administrator); producing one is recorded in the audit trail by who and
//! for whom, never with the data.

mod devices_mail;
mod gather;
mod redact;

pub use devices_mail::{DeviceCheckEntry, ForwardEntry, MailSentEntry};

pub use gather::*;
pub use redact::REDACTED;

use crate::auth::AuthTx;
use crate::auth::Principal;
use crate::ctx::Ctx;
use crate::error::DomainResult;
use crate::ids::PersonRef;
use crate::info::InfoTx;
use crate::info::access;
use crate::mail::MailTx;
use crate::network::NetworkTx;
use crate::ops::info::denied;
use crate::ops::{NONE, audit, people, policy};
use crate::outbox::OutboxTx;
use crate::phones::PhoneTx;
use crate::posture::PostureTx;
use crate::records::Council;
use crate::workflow::WorkflowTx;
use steward_policy::information::info_route;

/// Everything the transaction must reach to gather the document.
pub trait SubjectAccessTx:
    InfoTx + WorkflowTx + NetworkTx + PhoneTx + OutboxTx + AuthTx + PostureTx + MailTx
{
}
impl<T: InfoTx + WorkflowTx + NetworkTx + PhoneTx + OutboxTx + AuthTx + PostureTx + MailTx>
    SubjectAccessTx for T
{
}

/// Produces the document for `person`, as of `ctx.today`.
pub async fn produce<T: SubjectAccessTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    principal: &Principal,
    person: &PersonRef,
) -> DomainResult<SubjectAccessDocument> {
    let active = policy::require(tx, council, ctx.today).await?;
    let route = info_route(&active.pack);
    access::handler(principal, &route.handlers).map_err(denied)?;
    let subject = people::find(tx, council, person).await?;
    let document = gather::gather(tx, ctx, council, principal, &active.pack, subject).await?;
    audit(
        tx,
        ctx,
        council.id,
        "person.subject_access_document",
        "person",
        person,
        NONE,
        NONE,
    )
    .await?;
    Ok(document)
}
