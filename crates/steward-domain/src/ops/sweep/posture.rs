//! Device compliance: each finding the pack makes of an item's latest checks that no
//! exception covers is told to the item's holder and queued for the office that receives
//! security problems; a device used after its holder left office (where the pack says
//! equipment stops being used at once) also opens a breach case.
//!
//! A failing check is keyed by its spell of failure (see [`CheckEpisode`]): while it lasts the
//! finding is filed once; once the check passes and then fails again, the return is a new
//! finding, and a repeated failure, so it also opens a breach case under the pack's
//! `[breaches]`. A check that has never passed keeps the key it always had. A device that
//! stops checking in is keyed by its last check-in, so each silence is filed once.

use super::security::{Breach, file};
use super::{Day, Finding, Found, Source, SweepTx};
use crate::ctx::Ctx;
use crate::error::DomainResult;
use crate::ops::posture::{DeviceCompliance, findings};
use crate::posture::CheckEpisode;
use crate::records::Id;
use std::collections::HashMap;
use steward_policy::posture::{Finding as Judged, Problem};

pub(crate) struct Posture;

impl<T: SweepTx> Source<T> for Posture {
    fn name(&self) -> &'static str {
        "posture"
    }

    fn find<'a>(&'a self, tx: &'a mut T, day: &'a Day) -> Found<'a> {
        Box::pin(async move { scan(tx, day).await })
    }
}

async fn scan<T: SweepTx>(tx: &mut T, day: &Day) -> DomainResult<Vec<Finding>> {
    if day.active.pack.posture.is_empty() && day.active.pack.check_in.is_none() {
        return Ok(Vec::new());
    }
    let ctx = Ctx::new("sweep", day.now, day.today);
    let judged = findings(tx, &ctx, &day.council, None).await?;
    if judged.iter().all(|d| d.breaches() == 0) {
        return Ok(Vec::new());
    }
    let people: HashMap<Id, _> = tx
        .people(day.council.id)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let holders: HashMap<Id, Id> = day
        .loans
        .iter()
        .map(|v| (v.loan.equipment_id, v.loan.person_id))
        .collect();
    let episodes: HashMap<(Id, String), CheckEpisode> = tx
        .check_episodes(day.council.id)
        .await?
        .into_iter()
        .map(|e| ((e.equipment_id, e.check.clone()), e))
        .collect();
    let mut out = Vec::new();
    for device in &judged {
        for f in device.findings.iter().filter(|f| f.finding.is_breach()) {
            let episode = checked(&f.finding.problem)
                .and_then(|word| episodes.get(&(device.equipment_id, word.to_string())));
            let breach = breach_of(device, &f.finding, f.says.clone(), &holders, episode);
            out.extend(file(day, &people, breach));
        }
    }
    Ok(out)
}

/// The check a finding is about, when it is about one check's result.
fn checked(problem: &Problem) -> Option<&'static str> {
    match problem {
        Problem::Failing { check, .. } | Problem::Unknown { check, .. } => Some(check.word()),
        _ => None,
    }
}

/// The finding's key: the check's spell of failure is part of it once the check has passed
/// before, so a failure that comes back is filed again.
/// A stale device's spell is told by its last check-in: while it stays silent that time stays
/// the same, and once it checks in and falls silent again the new spell is filed anew.
fn key_of(device: &DeviceCompliance, finding: &Judged, episode: Option<&CheckEpisode>) -> String {
    let base = format!("posture:item-{}:{}", device.equipment_id, finding.key());
    if let Problem::Stale { last_seen, .. } = &finding.problem {
        return format!("{base}:last-{}", last_seen.format(SPELL_TIME));
    }
    match episode.filter(|e| e.after_pass) {
        Some(e) => format!("{base}:since-{}", e.since.format(SPELL_TIME)),
        None => base,
    }
}

const SPELL_TIME: &str = "%Y%m%dT%H%M%S%.6fZ";

fn breach_of(
    device: &DeviceCompliance,
    finding: &Judged,
    says: String,
    holders: &HashMap<Id, Id>,
    episode: Option<&CheckEpisode>,
) -> Breach {
    let repeated = episode.is_some_and(|e| e.returned);
    let tag = device.asset_tag.as_str();
    let to_do = match &finding.problem {
        Problem::Failing { check, .. } | Problem::Unknown { check, .. } => format!(
            "Make sure {} is working on {tag}, or ask the council's ICT support to help",
            check.label().to_lowercase()
        ),
        Problem::Stale { .. } => {
            format!("Connect {tag} to the council's network so it can check in and update")
        }
        Problem::Unauthorised { software } => {
            format!("Remove {software} from {tag}, or ask for it to be authorised")
        }
        Problem::UsedAfterLeaving { .. } => format!("Stop using {tag} and return it"),
    };
    Breach {
        source: "posture",
        key: key_of(device, finding, episode),
        about: format!("{} {tag}", super::facts::kind_words(device.kind)),
        what: if repeated {
            format!("{}. {}", says.trim_end_matches('.'), super::security::AGAIN)
        } else {
            says
        },
        to_do,
        citation: finding.citation.clone(),
        person_id: holders.get(&device.equipment_id).copied(),
        equipment: Some((device.equipment_id, device.kind)),
        serious: repeated || matches!(finding.problem, Problem::UsedAfterLeaving { .. }),
        repeated,
    }
}
