//! Device compliance: each finding the pack makes of an item's latest checks that no
//! exception covers is told to the item's holder and queued for the office that receives
//! security problems; a device used after its holder left office (where the pack says
//! equipment stops being used at once) also opens a breach case.

use super::security::{Breach, file};
use super::{Day, Finding, Found, Source, SweepTx};
use crate::ctx::Ctx;
use crate::error::DomainResult;
use crate::ops::posture::{DeviceCompliance, findings};
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
    let mut out = Vec::new();
    for device in &judged {
        for f in device.findings.iter().filter(|f| f.finding.is_breach()) {
            let breach = breach_of(device, &f.finding, f.says.clone(), &holders);
            out.extend(file(day, &people, breach));
        }
    }
    Ok(out)
}

fn breach_of(
    device: &DeviceCompliance,
    finding: &Judged,
    says: String,
    holders: &HashMap<Id, Id>,
) -> Breach {
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
        key: format!("posture:item-{}:{}", device.equipment_id, finding.key()),
        about: format!("{} {tag}", super::facts::kind_words(device.kind)),
        what: says,
        to_do,
        citation: finding.citation.clone(),
        person_id: holders.get(&device.equipment_id).copied(),
        equipment: Some((device.equipment_id, device.kind)),
        serious: matches!(finding.problem, Problem::UsedAfterLeaving { .. }),
    }
}
