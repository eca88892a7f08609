use super::people::list::{PeopleFilter, PeopleQuery};
use super::{NONE, audit};
use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::listing::Window;
use crate::records::{Council, PackVersion};
use crate::repo::{NewPackVersion, RegisterTx};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use steward_policy::changes::{RuleChange, changes};
use steward_policy::{LoadedPack, Pack, check_pack};

/// The policy in force for a council on a day: the stored version and its parsed rules.
#[derive(Clone, Debug)]
pub struct ActivePack {
    pub version: PackVersion,
    pub pack: Arc<Pack>,
}

/// Packs already read back, by the hash of their text. A stored version never changes, so its
/// rules are read once per process rather than once per request.
static PARSED: OnceLock<Mutex<HashMap<String, Arc<Pack>>>> = OnceLock::new();

/// Distinct versions kept; a process serving many councils keeps their current packs.
const PARSED_KEPT: usize = 256;

/// Re-reads a stored version. Versions were checked on adoption, so failure means the
/// stored text was damaged.
pub fn parse_version(version: &PackVersion) -> DomainResult<Arc<Pack>> {
    let parsed = PARSED.get_or_init(Mutex::default);
    let key = format!("{}:{}", version.hash, version.number);
    if let Ok(known) = parsed.lock()
        && let Some(pack) = known.get(&key)
    {
        return Ok(pack.clone());
    }
    let text = version.acceptance_text.clone();
    let loaded = check_pack(
        &format!("policy version {}", version.number),
        &version.source,
        &move |_| Ok(text.clone()),
    )?;
    let pack = Arc::new(loaded.pack);
    if let Ok(mut known) = parsed.lock() {
        if known.len() >= PARSED_KEPT {
            known.clear();
        }
        known.insert(key, pack.clone());
    }
    Ok(pack)
}

/// The version in force on `on`: the latest adopted whose effective date has come.
pub async fn in_force<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    on: NaiveDate,
) -> DomainResult<Option<ActivePack>> {
    let Some(version) = tx.pack_version_in_force(council.id, on).await? else {
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

#[derive(Serialize, schemars::JsonSchema)]
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

/// What adopting a pack would change, shown before it is adopted.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AdoptionPreview {
    pub title: String,
    pub label: String,
    pub effective_from: NaiveDate,
    /// The version in force on the effective date, which the new one replaces.
    pub replaces: Option<PackVersion>,
    /// Every rule that differs from the version it replaces (or, with none, every rule).
    pub changes: Vec<RuleChange>,
    /// People covered and in office on the effective date who will need to sign the new
    /// version before it counts for them, when the new version asks for a signature.
    pub must_sign: Option<u64>,
}

/// What [`adopt`] would do with `loaded` from `effective_from`, without writing anything: the
/// rules that change, in words, and who has to sign again.
pub async fn preview_adoption<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    loaded: &LoadedPack,
    effective_from: NaiveDate,
) -> DomainResult<AdoptionPreview> {
    let replaces = in_force(tx, council, effective_from).await?;
    let changes = changes(replaces.as_ref().map(|a| &*a.pack), &loaded.pack);
    let must_sign = match &loaded.pack.acceptance {
        Some(a) if a.lapses_on_new_version || replaces.is_none() => {
            let mut total = 0;
            for kind in &loaded.pack.scope.kinds {
                let query = PeopleQuery {
                    filter: PeopleFilter {
                        kind: Some(*kind),
                        in_office: Some(true),
                    },
                    window: Window::first(1),
                    ..PeopleQuery::default()
                };
                let page = tx
                    .list_people(council.id, &query, effective_from, None)
                    .await?;
                total += page.total.value();
            }
            Some(total)
        }
        _ => None,
    };
    Ok(AdoptionPreview {
        title: loaded.pack.pack.title.clone(),
        label: loaded.pack.pack.version.clone(),
        effective_from,
        replaces: replaces.map(|a| a.version),
        changes,
        must_sign,
    })
}
