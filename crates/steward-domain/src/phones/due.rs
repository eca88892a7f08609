//! Phone costs still owed, as items of the "what is due" report.

use super::lists::outstanding;
use super::repo::PhoneTx;
use crate::error::DomainResult;
use crate::ops::due::{DueItem, DueKind};
use crate::records::Council;

/// One item per statement not yet paid in full, dated the day it was issued.
pub async fn owed<T: PhoneTx>(tx: &mut T, council: &Council) -> DomainResult<Vec<DueItem>> {
    Ok(outstanding(tx, council)
        .await?
        .into_iter()
        .map(|s| {
            let part = if s.paid.0 > 0 {
                format!(" ({} of {} paid)", s.paid, s.statement.amount)
            } else {
                String::new()
            };
            DueItem {
                kind: DueKind::PhoneCostsOwed,
                due_on: Some(s.statement.issued_on),
                person: Some(s.person.to_string()),
                person_name: Some(s.person_name.clone()),
                asset_tag: Some(s.asset_tag.to_string()),
                loan_id: None,
                detail: format!(
                    "{} owed for personal calls on the {} bill, statement {}{part}",
                    s.outstanding,
                    s.period.label(),
                    s.statement.id
                ),
                citation: Some(s.citation.clone()),
            }
        })
        .collect())
}
