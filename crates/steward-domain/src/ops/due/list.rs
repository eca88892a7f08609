//! The due list as a list: its orders and its filter.

use super::DueKind;
use crate::listing::ListQuery;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The orders the due list offers.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DueSort {
    /// By kind (overdue returns first), then date: the report's own order.
    #[default]
    Kind,
    /// By date, soonest (or longest overdue) first, then kind.
    Due,
}

impl DueSort {
    pub const ALL: [DueSort; 2] = [DueSort::Kind, DueSort::Due];

    pub fn as_str(self) -> &'static str {
        match self {
            DueSort::Kind => "kind",
            DueSort::Due => "due",
        }
    }
}

impl FromStr for DueSort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        DueSort::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| "sort what is due by kind or due".to_string())
    }
}

/// Which items: of one kind, or all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DueFilter {
    pub kind: Option<DueKind>,
}

pub type DueQuery = ListQuery<DueSort, DueFilter>;
