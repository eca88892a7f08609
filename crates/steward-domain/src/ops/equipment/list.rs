//! The equipment list: every item, found by its asset tag, serial number or model, with who
//! holds it, sorted and paged in the database.

use crate::error::DomainResult;
use crate::ids::PersonRef;
use crate::listing::{ListQuery, Listed};
use crate::ops::kept::{Counted, KeptCount, KeptCounts};
use crate::records::{Council, Equipment, Id};
use crate::repo::RegisterTx;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use steward_policy::{EquipmentKind, EquipmentState};

/// The orders the equipment list offers, each served by an index.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EquipmentSort {
    #[default]
    Tag,
    Kind,
    Model,
    State,
    Purchased,
}

impl EquipmentSort {
    pub const ALL: [EquipmentSort; 5] = [
        EquipmentSort::Tag,
        EquipmentSort::Kind,
        EquipmentSort::Model,
        EquipmentSort::State,
        EquipmentSort::Purchased,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EquipmentSort::Tag => "tag",
            EquipmentSort::Kind => "kind",
            EquipmentSort::Model => "model",
            EquipmentSort::State => "state",
            EquipmentSort::Purchased => "purchased",
        }
    }
}

impl FromStr for EquipmentSort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        EquipmentSort::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| "sort equipment by tag, kind, model, state or purchased".to_string())
    }
}

/// Which items: of one kind, in one state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EquipmentFilter {
    pub kind: Option<EquipmentKind>,
    pub state: Option<EquipmentState>,
}

/// The person holding an item on an open loan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Holder {
    pub loan_id: Id,
    pub reference: PersonRef,
    pub name: String,
}

/// One row of the equipment list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EquipmentListed {
    #[serde(flatten)]
    pub equipment: Equipment,
    /// Who has it on an open loan, if anyone.
    pub holder: Option<Holder>,
}

pub type EquipmentQuery = ListQuery<EquipmentSort, EquipmentFilter>;

/// A page of the council's equipment.
pub async fn list<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    query: &EquipmentQuery,
) -> DomainResult<Listed<EquipmentListed>> {
    Ok(tx.list_equipment(council.id, query, None).await?)
}

/// As [`list`], with the count of an unsearched list taken from `kept` while the register
/// has not changed since it was counted (the key's day is `today`, which the list does not
/// depend on but the key names), and counted and kept otherwise.
pub async fn list_kept<T: RegisterTx>(
    tx: &mut T,
    kept: &KeptCounts,
    council: &Council,
    query: &EquipmentQuery,
    today: NaiveDate,
) -> DomainResult<Listed<EquipmentListed>> {
    let kept = query.search.is_empty().then_some(KeptCount {
        counts: kept,
        counted: Counted::Equipment {
            kind: query.filter.kind,
            state: query.filter.state,
        },
        day: today,
    });
    Ok(tx.list_equipment(council.id, query, kept).await?)
}
