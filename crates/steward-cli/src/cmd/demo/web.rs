//! Demo web monitoring: where the pack monitors web use, the demo member is known to the proxy
//! by their reference in lower case, and yesterday's log is recorded as scanned: a few visits
//! of theirs to a site in the first category the pack blocks (under its threshold, so no case
//! opens), and one visit from an address the register does not know.

use chrono::{Duration, NaiveDate, Utc};
use steward_domain::network::{NewFinding, source_of};
use steward_domain::ops::network::findings::{self, ScannedFile};
use steward_domain::ops::network::identities;
use steward_domain::{Council, Ctx};
use steward_policy::Pack;
use steward_policy::model::WebAction;
use steward_store::Store;

pub async fn seed(
    store: &Store,
    actor: &str,
    today: NaiveDate,
    c: &Council,
    pack: &Pack,
    member: &str,
) -> anyhow::Result<()> {
    if !pack.monitoring.as_ref().is_some_and(|m| m.web) {
        return Ok(());
    }
    let Some(category) = pack
        .web
        .as_ref()
        .and_then(|w| w.rules.iter().find(|r| r.action == WebAction::Block))
        .and_then(|r| r.categories.first())
    else {
        return Ok(());
    };
    let day = today - Duration::days(1);
    let at = |h: u32, m: u32| {
        day.and_hms_opt(h, m, 0)
            .map(|t| t.and_utc())
            .unwrap_or_else(Utc::now)
    };
    let ctx = Ctx::new(actor, at(23, 30), today);
    let mut tx = store.begin().await?;
    let name = member.to_lowercase();
    identities::add_user(&mut tx, &ctx, c, &member.parse()?, &name).await?;
    let source = source_of(format!("demo access log of {} for {day}", c.slug).as_bytes());
    let file = ScannedFile {
        name: "access.log".into(),
        source: source.clone(),
        lines: 1200,
    };
    let found = [
        (
            name.as_str(),
            4,
            at(12, 40),
            at(12, 52),
            "http://www.casino.example/",
        ),
        (
            "10.20.0.99",
            1,
            at(15, 5),
            at(15, 5),
            "http://casino.example/offers",
        ),
    ]
    .map(
        |(identity, visits, first_seen, last_seen, url)| NewFinding {
            source: source.clone(),
            identity: identity.to_string(),
            category: category.clone(),
            day,
            visits,
            first_seen,
            last_seen,
            samples: vec![url.to_string()],
        },
    );
    findings::record(&mut tx, &ctx, c, &[file], &found).await?;
    tx.commit().await?;
    Ok(())
}
