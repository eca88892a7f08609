//! Demo device checks and mail forwarding, taken in through the same parsers and imports an
//! officer's files go through.
//!
//! Device checks: where the pack has device duties, the laptops and tablets report twice a
//! week for the last twelve weeks in Steward's own format. Most pass; one laptop's first duty
//! failed for a fortnight five weeks ago, one tablet's last duty cannot be checked, one laptop
//! stopped reporting a month ago, the last tablet is never reported on, and a desktop the
//! register does not hold reports too.
//!
//! Mail forwarding: where the pack judges forwarding, one member's inbox rule sends their mail
//! to a personal address and another's sends it to a colleague inside the council.

use chrono::{Duration, NaiveDate, Utc};
use steward_domain::mail::snapshot::SnapshotFormat;
use steward_domain::ops::mail::forwarding;
use steward_domain::ops::posture;
use steward_domain::posture::parse::{Format, parse_native};
use steward_domain::{Council, Ctx, RegisterTx};
use steward_policy::posture::CheckWord;
use steward_policy::{EquipmentKind, Pack};
use steward_store::Store;

/// Weeks of checks the demo holds.
const WEEKS: i64 = 12;

pub async fn seed(
    store: &Store,
    actor: &str,
    today: NaiveDate,
    c: &Council,
    pack: &Pack,
) -> anyhow::Result<()> {
    checks(store, actor, today, c, pack).await?;
    forwards(store, actor, today, c, pack).await
}

/// The checks of the pack's duties for a kind of item, in the pack's order.
fn duties(pack: &Pack, kind: EquipmentKind) -> Vec<CheckWord> {
    let mut out = Vec::new();
    for d in &pack.posture {
        let check = CheckWord::of_duty(d.check);
        if (d.kinds.is_empty() || d.kinds.contains(&kind)) && !out.contains(&check) {
            out.push(check);
        }
    }
    out
}

async fn checks(
    store: &Store,
    actor: &str,
    today: NaiveDate,
    c: &Council,
    pack: &Pack,
) -> anyhow::Result<()> {
    if pack.posture.is_empty() {
        return Ok(());
    }
    let mut tx = store.begin().await?;
    let items = tx.equipment_list(c.id).await?;
    let laptops: Vec<_> = items
        .iter()
        .filter(|i| i.kind == EquipmentKind::Laptop)
        .collect();
    let tablets: Vec<_> = items
        .iter()
        .filter(|i| i.kind == EquipmentKind::Tablet)
        .collect();
    let mut csv = String::from("device,check,result,observed_at,source,detail\n");
    let at = |days_ago: i64, minute: usize| {
        let day = today - Duration::days(days_ago);
        format!("{day}T08:{:02}:00Z", minute % 60)
    };
    let last_tablet = tablets.len().saturating_sub(1);
    for (n, item) in laptops.iter().chain(&tablets[..last_tablet]).enumerate() {
        let Some(serial) = item.serial.as_deref() else {
            continue;
        };
        let checks = duties(pack, item.kind);
        // The second laptop stopped reporting a month ago.
        let silent_since = if n == 1 { 30 } else { 0 };
        for report in 0..WEEKS * 2 {
            let days_ago = WEEKS * 7 - report * 7 / 2 - 1;
            if days_ago < silent_since.max(1) {
                continue;
            }
            let when = at(days_ago, n * 3);
            csv.push_str(&format!("{serial},checked_in,pass,{when},demo script,\n"));
            for (k, check) in checks.iter().enumerate() {
                let failing = n == 0 && k == 0 && (22..=35).contains(&days_ago);
                let unknown = item.kind == EquipmentKind::Tablet && k + 1 == checks.len();
                let (result, detail) = match (failing, unknown) {
                    (true, _) => ("fail", "turned off by the user"),
                    (_, true) => ("unknown", "the device did not say"),
                    _ => ("pass", ""),
                };
                csv.push_str(&format!(
                    "{serial},{},{result},{when},demo script,{detail}\n",
                    check.word()
                ));
            }
        }
    }
    for days_ago in [9, 2] {
        csv.push_str(&format!(
            "DESK-0007,checked_in,pass,{},demo script,\n",
            at(days_ago, 40)
        ));
    }
    let rows = parse_native("demo-checks.csv", csv.as_bytes())
        .map_err(|e| anyhow::anyhow!("the demo's device checks did not read: {e}"))?;
    let ctx = Ctx::new(actor, moment(today), today);
    posture::import(
        &mut tx,
        &ctx,
        c,
        "demo-checks.csv",
        Format::Steward,
        rows,
        |_| {},
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Now on the clock, on the demo's day (which may be pinned to another).
fn moment(today: NaiveDate) -> chrono::DateTime<Utc> {
    today.and_time(Utc::now().time()).and_utc()
}

async fn forwards(
    store: &Store,
    actor: &str,
    today: NaiveDate,
    c: &Council,
    pack: &Pack,
) -> anyhow::Result<()> {
    if pack
        .mail
        .as_ref()
        .and_then(|m| m.auto_forwarding.as_ref())
        .is_none()
    {
        return Ok(());
    }
    let slug = c.slug.as_str();
    let rule = |mailbox: &str, name: &str, to: &str| {
        format!(
            r#"{{"mailbox": "{mailbox}", "value": [{{"id": "AQAAAJ5d", "displayName": "{name}", "sequence": 1, "isEnabled": true, "conditions": {{}}, "actions": {{"forwardTo": [{{"emailAddress": {{"address": "{to}"}}}}]}}}}]}}"#
        )
    };
    let snapshot = format!(
        "[{}, {}]",
        rule(
            &format!("member2@{slug}.example.org"),
            "Everything home",
            "home.address@mail.example.com"
        ),
        rule(
            &format!("member3@{slug}.example.org"),
            "While I am away",
            &format!("member4@{slug}.example.org")
        ),
    );
    let rows = forwarding::parse(
        SnapshotFormat::Graph,
        "demo-rules.json",
        snapshot.as_bytes(),
    )
    .map_err(|e| anyhow::anyhow!("the demo's forwarding snapshot did not read: {e}"))?;
    let ctx = Ctx::new(actor, moment(today), today);
    let mut tx = store.begin().await?;
    forwarding::import(
        &mut tx,
        &ctx,
        c,
        SnapshotFormat::Graph,
        "demo-rules.json",
        rows,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
