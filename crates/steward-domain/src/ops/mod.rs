//! Commands and queries over the register. Each command runs inside one transaction, asks the
//! policy for its decision and writes its audit record beside the change.

pub mod acceptance;
pub mod acceptance_form;
pub mod account_list;
pub mod audit;
pub mod audit_log;
pub mod case_list;
pub mod cases;
pub mod council;
pub mod due;
pub mod equipment;
pub mod info;
pub mod invitations;
pub mod kept;
pub mod leaving;
pub mod loans;
pub mod mail;
pub mod network;
pub mod oidc;
pub mod outbox;
pub mod people;
pub mod pick;
pub mod policy;
pub mod posture;
pub mod reports;
pub mod requests;
pub mod retention;
pub mod sessions;
pub mod setup;
pub mod start;
pub mod subject_access;
pub mod sweep;
pub mod tokens;
pub mod users;

use crate::ctx::Ctx;
use crate::error::DomainResult;
use crate::records::AuditEvent;
use crate::repo::RegisterTx;
use serde::Serialize;

/// Appends one audit record for a change to `entity` `id`. Every argument is a field of the
/// record, so callers spell out each record in full rather than through a builder.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn audit<T: RegisterTx, B: Serialize, A: Serialize>(
    tx: &mut T,
    ctx: &Ctx,
    council_id: i64,
    action: &str,
    entity: &str,
    id: impl ToString,
    before: Option<&B>,
    after: Option<&A>,
) -> DomainResult<()> {
    let to_json = |v: Option<serde_json::Value>| v.filter(|v| !v.is_null());
    let event = AuditEvent {
        action: action.to_string(),
        entity: entity.to_string(),
        entity_id: id.to_string(),
        before: to_json(before.and_then(|b| serde_json::to_value(b).ok())),
        after: to_json(after.and_then(|a| serde_json::to_value(a).ok())),
    };
    tx.append_audit(council_id, ctx.now, &ctx.actor, &event)
        .await?;
    Ok(())
}

/// Placeholder type for audit calls with nothing on one side.
pub(crate) const NONE: Option<&()> = None;
