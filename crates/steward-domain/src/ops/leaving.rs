//! Many people leaving office at once: an election result, or several resignations. Every row
//! is checked first and every problem reported with its line; only a clean file changes
//! anything, and then all of it does, in one transaction.

use super::people;
use crate::auth::AuthTx;
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::import::{ImportErrors, LeaverRow, RowError};
use crate::records::Council;

/// Records each leaver: their return deadlines, charges and the end of their access follow,
/// as for one person leaving.
pub async fn leave_many<T: AuthTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    file: &str,
    rows: Vec<LeaverRow>,
    mut progress: impl FnMut(u64),
) -> DomainResult<Vec<people::Leaving>> {
    let mut errors = Vec::new();
    for row in &rows {
        let Some(person) = tx.person_by_ref(council.id, &row.reference).await? else {
            errors.push(RowError {
                line: row.line,
                column: Some("reference".into()),
                message: format!("no one in the register has the reference {}", row.reference),
            });
            continue;
        };
        let running = tx
            .terms(council.id, person.id)
            .await?
            .iter()
            .any(|t| t.ends.is_none_or(|e| e >= row.left_on) && t.starts <= row.left_on);
        if !running {
            errors.push(RowError {
                line: row.line,
                column: Some("left_on".into()),
                message: format!(
                    "{} has no term running on {}",
                    person.name,
                    row.left_on.format("%d/%m/%Y")
                ),
            });
        }
    }
    if !errors.is_empty() {
        return Err(DomainError::Import(ImportErrors {
            file: file.to_string(),
            errors,
        }));
    }
    let mut out = Vec::with_capacity(rows.len());
    for (done, row) in rows.iter().enumerate() {
        out.push(people::leave(tx, ctx, council, &row.reference, row.left_on, row.reason).await?);
        progress(done as u64 + 1);
    }
    Ok(out)
}
