//! An item's changes of state, read back from the audit trail that recorded each one.

use crate::error::DomainResult;
use crate::records::{Council, Equipment};
use crate::repo::RegisterTx;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use steward_policy::EquipmentState;

/// The most changes an item's page shows; an item changes state a few times a year.
pub const SHOWN: i64 = 50;

/// One change of an item's state, as the audit record of it tells it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct StateChange {
    pub at: DateTime<Utc>,
    pub actor: String,
    /// None when the item was first registered, or the record's data was erased.
    pub from: Option<EquipmentState>,
    /// None when the record's data was erased.
    pub to: Option<EquipmentState>,
    /// Set when retention erased what the record said; its date stays.
    pub erased_on: Option<NaiveDate>,
}

/// The `state` of an item as an audit record's data holds it.
fn state_in(data: Option<&str>) -> Option<EquipmentState> {
    let value: serde_json::Value = serde_json::from_str(data?).ok()?;
    value.get("state")?.as_str()?.parse().ok()
}

/// The item's latest changes of state, newest first: its registration and every change
/// since, whether made by hand or by a loan, a return or a report of loss.
pub async fn state_changes<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    item: &Equipment,
) -> DomainResult<Vec<StateChange>> {
    let records = tx
        .audit_latest(
            council.id,
            "equipment",
            item.asset_tag.as_str(),
            &["equipment.add", "equipment.state"],
            SHOWN,
        )
        .await?;
    Ok(records
        .into_iter()
        .map(|r| StateChange {
            from: state_in(r.before.as_deref()),
            to: state_in(r.after.as_deref()),
            at: r.at,
            actor: r.actor,
            erased_on: r.erased_on,
        })
        .filter(|c| c.erased_on.is_some() || c.from != c.to)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_are_read_from_the_recorded_item() {
        assert_eq!(
            state_in(Some(r#"{"asset_tag":"LAP-1","state":"in_repair"}"#)),
            Some(EquipmentState::InRepair)
        );
        assert_eq!(state_in(Some(r#"{"state":"melted"}"#)), None);
        assert_eq!(state_in(Some("not json")), None);
        assert_eq!(state_in(None), None);
    }
}
