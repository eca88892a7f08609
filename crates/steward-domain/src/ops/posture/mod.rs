//! Device compliance commands: taking in a file of device checks, and judging each item's
//! latest checks against the pack in force.
//!
//! An import matches each device the file names to an item of the register (by serial
//! number, else by asset tag, which is also how a host name named after its tag matches),
//! stores what it saw of known items, and writes one audit record with the counts. Devices the
//! register does not know are counted and named in the answer, not stored: a tool reports on
//! desktops and servers the register has no reason to hold. A re-imported file adds nothing.

use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::AssetTag;
use crate::ops::{NONE, audit, policy};
use crate::posture::parse::{Format, Observation, Seen};
use crate::posture::{
    NewObservation, Observed, PostureFacts, PostureImport, PostureTx, StoredObservation,
};
use crate::records::{Council, Equipment, Id};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use steward_policy::EquipmentKind;
use steward_policy::posture::{
    self, Device, DutyException, DutyStanding, Finding, Judgement, Observed as Checked,
};
use steward_policy::retention::{self, Ended, RecordKind, Verdict};

/// How many observations are stored to a statement, and how often progress is reported.
const BATCH: usize = 500;

/// What an import took in.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PostureImported {
    pub import: PostureImport,
    /// Observations new to the register (a file imported again adds none).
    pub new: u64,
    /// Up to twenty of the devices the register does not know, as the file names them.
    pub unmatched_devices: Vec<String>,
    /// Checks not taken in because their day is past the pack's retention period for device
    /// checks: they were, or are about to be, purged, and an old file must not bring them back.
    #[serde(default)]
    pub expired: u64,
}

/// The audit record of an import: counts, never what was installed.
#[derive(Serialize)]
struct ImportAudit<'a> {
    format: &'a str,
    file: &'a str,
    observations: i64,
    new: u64,
    devices: i64,
    unmatched: i64,
    expired: u64,
}

/// Takes in `rows` (already parsed from `file` in `format`). Nothing is written unless the
/// whole file was good, which the parser has already made sure of. `progress` hears how many
/// observations are stored so far.
pub async fn import<T: PostureTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    file: &str,
    format: Format,
    rows: Vec<Observation>,
    mut progress: impl FnMut(u64),
) -> DomainResult<PostureImported> {
    if let Some(late) = rows
        .iter()
        .find(|o| o.observed_at > ctx.now + chrono::Duration::days(1))
    {
        return Err(crate::import::ImportErrors {
            file: file.to_string(),
            errors: vec![crate::import::RowError {
                line: late.line,
                column: Some("observed_at".to_string()),
                message: format!(
                    "{} is in the future; check the clock of the source",
                    late.observed_at.format("%Y-%m-%d %H:%M:%S UTC")
                ),
            }],
        }
        .into());
    }
    let keep = match policy::in_force(tx, council, ctx.today).await? {
        Some(active) => retention::rule(&active.pack, RecordKind::DeviceChecks),
        None => None,
    };
    let past_keeping = |at: DateTime<Utc>| {
        keep.as_ref().is_some_and(|rule| {
            let ended = Ended {
                ended: at.date_naive(),
                held_by: None,
            };
            matches!(
                retention::decide(rule, &ended, ctx.today),
                Verdict::Due { .. }
            )
        })
    };
    let mut expired = 0;
    let items = tx.equipment_list(council.id).await?;
    let matcher = Matcher::new(&items);
    let mut unmatched: BTreeSet<String> = BTreeSet::new();
    let mut devices: BTreeSet<Id> = BTreeSet::new();
    let mut news = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(item) = matcher.find(&row.device) else {
            unmatched.insert(row.device);
            continue;
        };
        devices.insert(item);
        if past_keeping(row.observed_at) {
            expired += 1;
            continue;
        }
        news.push(NewObservation {
            equipment_id: item,
            observed: match row.seen {
                Seen::Check { check, result } => Observed::Check { check, result },
                Seen::Software { name } => Observed::Software { name },
            },
            observed_at: row.observed_at,
            source: row.source,
            detail: row.detail,
        });
    }
    let import = tx
        .insert_posture_import(council.id, ctx.now, &ctx.actor, format.word(), file)
        .await?;
    let mut new = 0;
    let mut done = 0;
    for chunk in news.chunks(BATCH) {
        new += tx.insert_observations(council.id, import.id, chunk).await?;
        done += chunk.len() as u64;
        progress(done);
    }
    let observations = news.len() as i64;
    let (device_count, unmatched_count) = (devices.len() as i64, unmatched.len() as i64);
    tx.finish_posture_import(
        council.id,
        import.id,
        observations,
        device_count,
        unmatched_count,
    )
    .await?;
    let import = PostureImport {
        observations,
        devices: device_count,
        unmatched: unmatched_count,
        ..import
    };
    audit(
        tx,
        ctx,
        council.id,
        "posture.import",
        "posture_import",
        import.id,
        NONE,
        Some(&ImportAudit {
            format: format.word(),
            file,
            observations,
            new,
            devices: device_count,
            unmatched: unmatched_count,
            expired,
        }),
    )
    .await?;
    Ok(PostureImported {
        import,
        new,
        unmatched_devices: unmatched.into_iter().take(20).collect(),
        expired,
    })
}

/// Finds items by serial number, else asset tag, ignoring case and surrounding space.
struct Matcher {
    by_serial: HashMap<String, Id>,
    by_tag: HashMap<String, Id>,
}

impl Matcher {
    fn new(items: &[Equipment]) -> Self {
        let mut by_serial = HashMap::new();
        let mut by_tag = HashMap::new();
        for item in items {
            if let Some(serial) = item.serial.as_deref().map(normal).filter(|s| !s.is_empty()) {
                by_serial.entry(serial).or_insert(item.id);
            }
            by_tag.insert(normal(item.asset_tag.as_str()), item.id);
        }
        Matcher { by_serial, by_tag }
    }

    fn find(&self, device: &str) -> Option<Id> {
        let key = normal(device);
        self.by_serial
            .get(&key)
            .or_else(|| self.by_tag.get(&key))
            .copied()
    }
}

fn normal(s: &str) -> String {
    s.trim().to_lowercase()
}

/// A finding with its sentence, as people read it.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FindingView {
    #[serde(flatten)]
    pub finding: Finding,
    /// The finding in words.
    pub says: String,
    /// The clause in words ("clause 2.2, IT Policy").
    pub cites: String,
}

/// One item's compliance, as the pack in force sees it.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DeviceCompliance {
    pub equipment_id: Id,
    pub asset_tag: AssetTag,
    pub kind: EquipmentKind,
    pub model: String,
    /// The latest time any source heard from the device.
    pub last_seen: Option<DateTime<Utc>>,
    /// Each duty of the pack for this kind of item, with its latest result.
    pub duties: Vec<DutyStanding>,
    pub findings: Vec<FindingView>,
}

impl DeviceCompliance {
    /// Findings that need someone to act (no exception covers them).
    pub fn breaches(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.finding.is_breach())
            .count()
    }
}

/// Judges the latest checks of every item any source has reported on (or of the one item
/// tagged `item`) against the pack in force today. Items come in asset tag order.
pub async fn findings<T: PostureTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    item: Option<&AssetTag>,
) -> DomainResult<Vec<DeviceCompliance>> {
    let active = policy::require(tx, council, ctx.today).await?;
    let only = match item {
        Some(tag) => Some(
            tx.equipment_by_tag(council.id, tag)
                .await?
                .ok_or_else(|| DomainError::not_found("equipment", tag.as_str()))?,
        ),
        None => None,
    };
    let only_ids: Vec<Id> = only.iter().map(|e| e.id).collect();
    let latest = tx.latest_observations(council.id, &only_ids).await?;
    let items = match only {
        Some(e) => vec![e],
        None => tx.equipment_list(council.id).await?,
    };
    // Every item reported on, however many: the look-ups go a few hundred items at a time.
    let ids: Vec<Id> = latest
        .iter()
        .map(|o| o.equipment_id)
        .chain(only_ids.iter().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let facts = PostureFacts {
        items,
        latest,
        exceptions: tx.posture_exceptions(council.id, ctx.today).await?,
        authorised: tx.authorised_software_of(council.id, &ids).await?,
        leavers: tx.held_by_leavers(council.id, &ids).await?,
    };
    Ok(judge_items(
        ctx,
        &active.pack,
        facts,
        only_ids.first().copied(),
    ))
}

/// A page of the items some source has reported on, in asset tag order after `after`, each
/// judged; and the tag to continue after, when there are more.
pub async fn page<T: PostureTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    after: Option<&AssetTag>,
    size: usize,
) -> DomainResult<(Vec<DeviceCompliance>, Option<AssetTag>)> {
    let active = policy::require(tx, council, ctx.today).await?;
    let mut ids = tx
        .reported_items(council.id, after.map(AssetTag::as_str), size as i64 + 1)
        .await?;
    let more = ids.len() > size;
    ids.truncate(size);
    if ids.is_empty() {
        return Ok((Vec::new(), None));
    }
    let facts = tx.posture_facts(council.id, &ids, ctx.today).await?;
    let judged = judge_items(ctx, &active.pack, facts, None);
    let next = if more {
        judged.last().map(|d| d.asset_tag.clone())
    } else {
        None
    };
    Ok((judged, next))
}

/// Judges each item's latest observations; `always` is an item listed even with none.
fn judge_items(
    ctx: &Ctx,
    pack: &steward_policy::Pack,
    facts: PostureFacts,
    always: Option<Id>,
) -> Vec<DeviceCompliance> {
    let items: HashMap<Id, Equipment> = facts.items.into_iter().map(|e| (e.id, e)).collect();
    let mut by_item: BTreeMap<Id, Vec<StoredObservation>> = BTreeMap::new();
    for o in facts.latest {
        by_item.entry(o.equipment_id).or_default().push(o);
    }
    if let Some(id) = always {
        by_item.entry(id).or_default();
    }
    let mut exceptions: HashMap<Id, Vec<DutyException>> = HashMap::new();
    for g in facts.exceptions {
        exceptions
            .entry(g.equipment_id)
            .or_default()
            .push(DutyException {
                check: g.check,
                until: g.until,
                authorised_by: g.office_name,
                citation: steward_policy::Citation {
                    clause: g.clause,
                    document: g.document,
                },
            });
    }
    let no_exceptions = Vec::new();
    let mut authorised: HashMap<Id, Vec<String>> = HashMap::new();
    for a in facts.authorised {
        authorised.entry(a.equipment_id).or_default().push(a.name);
    }
    let leavers: HashMap<Id, chrono::NaiveDate> = facts.leavers.into_iter().collect();
    let mut out = Vec::new();
    for (id, observations) in by_item {
        let Some(equipment) = items.get(&id) else {
            continue;
        };
        let mut checks = Vec::new();
        let mut installed = Vec::new();
        for o in &observations {
            match &o.observed {
                Observed::Check { check, result } => checks.push(Checked {
                    check: *check,
                    result: *result,
                    observed_at: o.observed_at,
                    detail: o.detail.clone(),
                }),
                Observed::Software { name } => installed.push(name.clone()),
            }
        }
        let no_names = Vec::new();
        let judgement: Judgement = posture::judge(
            pack,
            &Device {
                kind: equipment.kind,
                observed: &checks,
                installed: &installed,
                authorised: authorised.get(&id).unwrap_or(&no_names),
                exceptions: exceptions.get(&id).unwrap_or(&no_exceptions),
                left_office: leavers.get(&id).copied(),
            },
            ctx.now,
        );
        out.push(DeviceCompliance {
            equipment_id: id,
            asset_tag: equipment.asset_tag.clone(),
            kind: equipment.kind,
            model: equipment.model.clone(),
            last_seen: observations.iter().map(|o| o.observed_at).max(),
            duties: judgement.duties,
            findings: judgement
                .findings
                .into_iter()
                .map(|finding| FindingView {
                    says: finding.sentence(),
                    cites: finding.citation.to_string(),
                    finding,
                })
                .collect(),
        });
    }
    out.sort_by(|a, b| a.asset_tag.as_str().cmp(b.asset_tag.as_str()));
    out
}
