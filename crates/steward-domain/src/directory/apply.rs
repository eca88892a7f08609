//! Carrying a sync out: the entries read through the settings, planned against the register
//! and applied in the caller's transaction, which commits it or (for a preview) drops it.

use super::entry::{Mapped, RawEntry};
use super::plan::{self, Plan};
use super::repo::DirectoryTx;
use super::settings::DirectorySettings;
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::PersonRef;
use crate::ops::people::{self, AddPerson, PersonEdit};
use crate::ops::sweep::DailyRunTx;
use crate::ops::{NONE, audit};
use crate::records::Council;
use crate::repo::NewPerson;
use serde::Serialize;
use std::collections::BTreeSet;
use steward_policy::TermEndReason;

/// Most entries one sync reads: more than any council's staff and members together.
pub const ENTRIES_MAX: usize = 200_000;

/// The council's settings, or a clear refusal when none are set.
pub async fn settings<T: DirectoryTx>(
    tx: &mut T,
    council: &Council,
) -> DomainResult<DirectorySettings> {
    tx.directory_settings(council.id).await?.ok_or_else(|| {
        DomainError::invalid(
            "directory",
            format!(
                "{} has no directory settings yet: set them with `steward directory set`",
                council.name
            ),
        )
    })
}

/// Stores the settings after checking them, with their audit record.
pub async fn save_settings<T: DirectoryTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    new: &DirectorySettings,
) -> DomainResult<()> {
    new.check()?;
    let before = tx.directory_settings(council.id).await?;
    tx.save_directory_settings(council.id, new, ctx.now).await?;
    audit(
        tx,
        ctx,
        council.id,
        "directory.settings",
        "council",
        &council.slug,
        before.as_ref(),
        Some(new),
    )
    .await
}

#[derive(Serialize)]
struct Link<'a> {
    external_id: &'a super::ExternalId,
}

/// Plans the sync against the register on `ctx.today` and carries the plan out: joiners are
/// added with a term from today and their offices, movers corrected and their offices started
/// and ended, leavers' terms ended ("term ended"), each through the register's own commands.
/// The first change that fails fails the whole sync, naming the person.
pub async fn sync<T: DirectoryTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    settings: &DirectorySettings,
    raw: &[RawEntry],
) -> DomainResult<Plan> {
    if raw.len() > ENTRIES_MAX {
        return Err(DomainError::invalid(
            "directory",
            format!("the directory sent more than {ENTRIES_MAX} entries"),
        ));
    }
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for r in raw {
        match settings.map(r) {
            Mapped::Entry(e) => entries.push(e),
            Mapped::Problem(p) => problems.push(p),
            Mapped::OutOfScope => {}
        }
    }
    let managed: BTreeSet<_> = settings
        .groups
        .iter()
        .filter_map(|g| g.office.clone())
        .collect();
    let register = tx.directory_register(council.id, ctx.today).await?;
    let plan = plan::plan(&entries, &problems, &managed, &register);
    apply(tx, ctx, council, &plan).await?;
    let summary = SyncRecord {
        joiners: plan.joiners.len(),
        movers: plan.movers.len(),
        leavers: plan.leavers.len(),
        unreadable: plan.problems.len(),
    };
    audit(
        tx,
        ctx,
        council.id,
        "directory.sync",
        "council",
        &council.slug,
        NONE,
        Some(&summary),
    )
    .await?;
    Ok(plan)
}

/// The record of a whole sync, beside each change's own.
#[derive(Serialize)]
struct SyncRecord {
    joiners: usize,
    movers: usize,
    leavers: usize,
    unreadable: usize,
}

/// The job name under which the daily sync is claimed.
pub const DAILY_JOB: &str = "directory";

/// The daily sync: claimed for the council's day in the same transaction, so that several
/// servers sharing the database sync each council once. None when it was claimed already.
pub async fn sync_daily<T: DirectoryTx + DailyRunTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    settings: &DirectorySettings,
    raw: &[RawEntry],
) -> DomainResult<Option<Plan>> {
    if !tx
        .claim_daily_run(council.id, DAILY_JOB, ctx.today, ctx.now)
        .await?
    {
        return Ok(None);
    }
    sync(tx, ctx, council, settings, raw).await.map(Some)
}

fn about(reference: &PersonRef, name: &str) -> impl Fn(DomainError) -> DomainError {
    let who = format!("{name} ({reference})");
    move |e| match e {
        DomainError::Invalid { field, message } | DomainError::Conflict { field, message } => {
            DomainError::invalid("directory", format!("{who}, {field}: {message}"))
        }
        other => other,
    }
}

async fn link<T: DirectoryTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    person: &crate::records::Person,
    external_id: &super::ExternalId,
) -> DomainResult<()> {
    tx.link_directory(council.id, person.id, external_id)
        .await?;
    audit(
        tx,
        ctx,
        council.id,
        "directory.link",
        "person",
        &person.reference,
        NONE,
        Some(&Link { external_id }),
    )
    .await
}

pub(crate) async fn apply<T: DirectoryTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    plan: &Plan,
) -> DomainResult<()> {
    for j in &plan.joiners {
        let e = &j.entry;
        let person = people::add(
            tx,
            ctx,
            council,
            AddPerson {
                person: NewPerson {
                    reference: e.reference.clone(),
                    name: e.name.clone(),
                    kind: e.kind,
                    email: e.email.clone(),
                    household: None,
                },
                term_start: Some(ctx.today),
                term_end: None,
                offices: e.offices.iter().cloned().collect(),
            },
        )
        .await
        .map_err(about(&e.reference, &e.name))?;
        link(tx, ctx, council, &person, &e.external_id).await?;
    }
    for m in &plan.movers {
        let wrap = about(&m.reference, &m.name);
        let person = people::find(tx, council, &m.reference).await?;
        if m.links {
            link(tx, ctx, council, &person, &m.external_id).await?;
        }
        for office in &m.offices_end {
            people::end_office(tx, ctx, council, &m.reference, office, ctx.today)
                .await
                .map_err(&wrap)?;
        }
        let edit = PersonEdit {
            name: m.new_name.as_ref().map(|c| c.to.clone()),
            // Blank clears the address.
            email: m.email.as_ref().map(|c| c.to.clone().unwrap_or_default()),
            kind: m.kind.as_ref().map(|c| c.to),
            household: None,
        };
        if !edit.is_empty() {
            people::edit(tx, ctx, council, &m.reference, edit)
                .await
                .map_err(&wrap)?;
        }
        if m.term_starts {
            people::start_term(tx, ctx, council, &person, ctx.today, None)
                .await
                .map_err(&wrap)?;
        }
        for office in &m.offices_start {
            people::assign_office(tx, ctx, council, &m.reference, office, ctx.today)
                .await
                .map_err(&wrap)?;
        }
    }
    for l in &plan.leavers {
        people::leave(
            tx,
            ctx,
            council,
            &l.reference,
            ctx.today,
            TermEndReason::TermEnded,
        )
        .await
        .map_err(about(&l.reference, &l.name))?;
    }
    Ok(())
}
