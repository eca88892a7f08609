//! Phone costs still owed, as items of the "what is due" report.

use crate::ids::Pence;
use crate::ops::due::repo::OwedRow;
use crate::ops::due::{DueItem, DueKind};
use steward_policy::Citation;

/// The item for a statement not yet paid in full, dated the day it was issued.
pub fn owed_item(owed: &OwedRow) -> DueItem {
    let s = &owed.statement;
    let outstanding = Pence(s.amount.0.saturating_sub(owed.paid.0));
    let part = if owed.paid.0 > 0 {
        format!(" ({} of {} paid)", owed.paid, s.amount)
    } else {
        String::new()
    };
    DueItem {
        kind: DueKind::PhoneCostsOwed,
        due_on: Some(s.issued_on),
        person: Some(owed.person.to_string()),
        person_name: Some(owed.person_name.clone()),
        asset_tag: Some(owed.asset_tag.to_string()),
        loan_id: None,
        detail: format!(
            "{outstanding} owed for personal calls on the {} bill, statement {}{part}",
            owed.period.label(),
            s.id
        ),
        citation: Some(Citation {
            clause: s.clause.clone(),
            document: s.document.clone(),
        }),
    }
}
