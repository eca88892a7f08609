//! Importing a forwarding snapshot: every forward is judged by the pack in force today
//! (`steward_policy::mail::judge_forward`), matched to the person whose email address the
//! mailbox is, and stored in place of the forwards of the same kind (inbox rules, or
//! mailboxes' own forwarding) from earlier snapshots, with one audit record. A file with any
//! problem imports nothing.

use crate::auth::Principal;
use crate::ctx::Ctx;
use crate::error::DomainResult;
use crate::import::ImportErrors;
use crate::listing::{ListQuery, Listed};
use crate::mail::snapshot::{self, ForwardRow, ForwardSource, SnapshotFormat};
use crate::mail::{ForwardFilter, ForwardFinding, ForwardImport, MailTx, NewForward};
use crate::ops::{audit, policy};
use crate::records::{Council, Id};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::str::FromStr;
use steward_policy::mail::{ForwardOutcome, ForwardTarget, judge_forward};

/// The orders the forwards list offers, each served by an index.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ForwardSort {
    #[default]
    Mailbox,
    Outcome,
}

impl ForwardSort {
    pub const ALL: [ForwardSort; 2] = [ForwardSort::Mailbox, ForwardSort::Outcome];

    pub fn as_str(self) -> &'static str {
        match self {
            ForwardSort::Mailbox => "mailbox",
            ForwardSort::Outcome => "outcome",
        }
    }
}

impl FromStr for ForwardSort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        ForwardSort::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| "sort forwards by mailbox or outcome".to_string())
    }
}

pub type ForwardQuery = ListQuery<ForwardSort, ForwardFilter>;

/// What importing a snapshot did.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Imported {
    pub import: ForwardImport,
    /// Forwards whose mailbox is a person's email address in the register.
    pub matched: i64,
    /// Forwards from mailboxes the register knows no one by.
    pub unmatched: i64,
    /// Forwards counted by what the pack says of them.
    pub by_outcome: Vec<(ForwardOutcome, i64)>,
}

#[derive(Serialize)]
struct ImportAudit<'a> {
    file_name: &'a str,
    format: SnapshotFormat,
    replaces: Vec<ForwardSource>,
    forwards: i64,
    breaches: i64,
    matched: i64,
    unmatched: i64,
}

/// Parses `data` as a snapshot in `format`; errors name the file and line.
pub fn parse(
    format: SnapshotFormat,
    file_name: &str,
    data: &[u8],
) -> Result<Vec<ForwardRow>, ImportErrors> {
    if data.len() as u64 > snapshot::FILE_MAX {
        return Err(ImportErrors {
            file: file_name.to_string(),
            errors: vec![crate::import::RowError {
                line: 1,
                column: None,
                message: format!(
                    "the file is larger than {}, the most a snapshot may be; split it",
                    crate::limits::size(snapshot::FILE_MAX)
                ),
            }],
        });
    }
    match format {
        SnapshotFormat::Graph => snapshot::graph::parse(file_name, data),
        SnapshotFormat::Exchange => snapshot::exchange::parse(file_name, data),
    }
}

/// Imports a snapshot's forwards ([`parse`]d from `file_name`): judges each and stores them
/// in one transaction.
pub async fn import<T: MailTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    format: SnapshotFormat,
    file_name: &str,
    rows: Vec<ForwardRow>,
) -> DomainResult<Imported> {
    crate::text::check_one_line("file_name", file_name)?;
    let active = policy::require(tx, council, ctx.today).await?;
    let people: HashMap<String, Id> = tx
        .people_by_email(council.id)
        .await?
        .into_iter()
        .map(|(id, email)| (email, id))
        .collect();
    // A snapshot replaces the kinds of forward it covers: Graph and Exchange's rule export
    // hold inbox rules, the mailbox export holds mailboxes' own forwarding.
    let mut replaces: Vec<ForwardSource> = rows.iter().map(|r| r.source).collect();
    replaces.sort_unstable();
    replaces.dedup();
    if replaces.is_empty() {
        replaces.push(ForwardSource::InboxRule);
    }
    let (mut matched, mut unmatched, mut breaches) = (0, 0, 0);
    let mut counts: HashMap<ForwardOutcome, i64> = HashMap::new();
    let mut forwards = Vec::with_capacity(rows.len());
    for row in rows {
        let target = match &row.target {
            Some(address) => ForwardTarget::Address(address),
            None => ForwardTarget::Organisation,
        };
        let decision = judge_forward(&active.pack, &target);
        let person_id = people.get(&row.mailbox).copied();
        if person_id.is_some() {
            matched += 1;
        } else {
            unmatched += 1;
        }
        if decision.outcome == ForwardOutcome::Breach {
            breaches += 1;
        }
        *counts.entry(decision.outcome).or_default() += 1;
        forwards.push(NewForward {
            line: row.line,
            mailbox: row.mailbox,
            person_id,
            source: row.source,
            rule: row.rule,
            kind: row.kind,
            target: row.target,
            keeps_copy: row.keeps_copy,
            outcome: decision.outcome,
            message: decision.message,
            citation: decision.citation,
        });
    }
    let import = tx
        .insert_forward_import(council.id, ctx.now, &ctx.actor, file_name, format)
        .await?;
    tx.replace_forwards(council.id, import.id, &replaces, &forwards, breaches)
        .await?;
    let import = ForwardImport {
        forwards: forwards.len() as i64,
        breaches,
        ..import
    };
    audit(
        tx,
        ctx,
        council.id,
        "mail_forwarding.import",
        "mail_forward_import",
        import.id,
        crate::ops::NONE,
        Some(&ImportAudit {
            file_name,
            format,
            replaces,
            forwards: import.forwards,
            breaches,
            matched,
            unmatched,
        }),
    )
    .await?;
    let by_outcome = ForwardOutcome::ALL
        .into_iter()
        .filter_map(|o| counts.get(&o).map(|n| (o, *n)))
        .collect();
    Ok(Imported {
        import,
        matched,
        unmatched,
        by_outcome,
    })
}

/// A page of the forwards `principal` may read (on `today`'s policy).
pub async fn page<T: MailTx>(
    tx: &mut T,
    council: &Council,
    principal: &Principal,
    today: chrono::NaiveDate,
    query: &ForwardQuery,
) -> DomainResult<Listed<ForwardFinding>> {
    super::access(tx, council, principal, today).await?;
    Ok(tx.list_forwards(council.id, query).await?)
}

/// A page of the forwards, for the command line, which reads the database directly.
pub async fn list<T: MailTx>(
    tx: &mut T,
    council: &Council,
    query: &ForwardQuery,
) -> DomainResult<Listed<ForwardFinding>> {
    Ok(tx.list_forwards(council.id, query).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_read_back_from_their_names() {
        for sort in ForwardSort::ALL {
            assert_eq!(sort.as_str().parse::<ForwardSort>(), Ok(sort));
        }
        assert!("target".parse::<ForwardSort>().is_err());
    }
}
