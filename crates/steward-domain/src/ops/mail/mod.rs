//! Mail: importing a snapshot of the forwards set on the council's mailboxes and judging each
//! by the pack (`forwarding`), and recording what the outbound relay's milter decided
//! (`milter`). Only those the pack's `[monitoring] visible_to` names, and auditors, read
//! either ([`access`]).

pub mod forwarding;
pub mod milter;

use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::ops::policy;
use crate::records::Council;
use crate::repo::RegisterTx;
use chrono::NaiveDate;

/// Whether `principal` may read what mail monitoring found, on `today`'s policy.
pub async fn access<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    principal: &Principal,
    today: NaiveDate,
) -> DomainResult<()> {
    let visible_to = policy::in_force(tx, council, today)
        .await?
        .and_then(|a| a.pack.monitoring.as_ref().map(|m| m.visible_to.clone()))
        .unwrap_or_default();
    principal
        .findings_reader(&visible_to)
        .map_err(|d| DomainError::Forbidden(d.0.to_string()))?;
    Ok(())
}
