use super::{NONE, audit};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::records::{Council, PackVersion};
use crate::repo::{NewPackVersion, RegisterTx};
use chrono::NaiveDate;
use serde::Serialize;
use steward_policy::{LoadedPack, Pack, check_pack};

/// The policy in force for a council on a day: the stored version and its parsed rules.
#[derive(Clone, Debug)]
pub struct ActivePack {
    pub version: PackVersion,
    pub pack: Pack,
}

/// Re-reads a stored version. Versions were checked on adoption, so failure means the
/// stored text was damaged.
pub fn parse_version(version: &PackVersion) -> DomainResult<Pack> {
    let text = version.acceptance_text.clone();
    let loaded = check_pack(
        &format!("policy version {}", version.number),
        &version.source,
        &move |_| Ok(text.clone()),
    )?;
    Ok(loaded.pack)
}

/// The version in force on `on`: the latest adopted whose effective date has come.
pub async fn in_force<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    on: NaiveDate,
) -> DomainResult<Option<ActivePack>> {
    let versions = tx.pack_versions(council.id).await?;
    let Some(version) = versions
        .into_iter()
        .filter(|v| v.effective_from <= on)
        .max_by_key(|v| (v.effective_from, v.number))
    else {
        return Ok(None);
    };
    let pack = parse_version(&version)?;
    Ok(Some(ActivePack { version, pack }))
}

pub async fn require<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    on: NaiveDate,
) -> DomainResult<ActivePack> {
    in_force(tx, council, on)
        .await?
        .ok_or_else(|| DomainError::NoPolicy {
            council: council.slug.to_string(),
            on,
        })
}

#[derive(Serialize)]
struct AdoptedAudit<'a> {
    number: i64,
    pack_id: &'a str,
    title: &'a str,
    label: &'a str,
    hash: &'a str,
    effective_from: NaiveDate,
}

/// Adopts a checked pack as the council's next version, in force from `effective_from`.
pub async fn adopt<T: RegisterTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    loaded: &LoadedPack,
    effective_from: NaiveDate,
) -> DomainResult<PackVersion> {
    let versions = tx.pack_versions(council.id).await?;
    if let Some(last) = versions.last() {
        if last.hash == loaded.hash {
            return Err(DomainError::Conflict {
                field: "policy".into(),
                message: format!(
                    "this exact text is already version {} of the council's policy",
                    last.number
                ),
            });
        }
        if effective_from < last.effective_from {
            return Err(DomainError::invalid(
                "effective_from",
                format!(
                    "a new version cannot take effect before the latest one ({})",
                    last.effective_from
                ),
            ));
        }
    }
    let new = NewPackVersion {
        pack_id: loaded.pack.pack.id.clone(),
        title: loaded.pack.pack.title.clone(),
        label: loaded.pack.pack.version.clone(),
        hash: loaded.hash.clone(),
        source: loaded.source.clone(),
        acceptance_text: loaded.acceptance_text.clone(),
        effective_from,
        adopted_at: ctx.now,
        adopted_by: ctx.actor.clone(),
    };
    let version = tx.insert_pack_version(council.id, &new).await?;
    let after = AdoptedAudit {
        number: version.number,
        pack_id: &version.pack_id,
        title: &version.title,
        label: &version.label,
        hash: &version.hash,
        effective_from,
    };
    audit(
        tx,
        ctx,
        council.id,
        "policy.adopt",
        "policy",
        version.number,
        NONE,
        Some(&after),
    )
    .await?;
    Ok(version)
}

pub async fn versions<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
) -> DomainResult<Vec<PackVersion>> {
    Ok(tx.pack_versions(council.id).await?)
}

pub async fn version<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    number: i64,
) -> DomainResult<PackVersion> {
    tx.pack_versions(council.id)
        .await?
        .into_iter()
        .find(|v| v.number == number)
        .ok_or_else(|| DomainError::not_found("policy version", number))
}
