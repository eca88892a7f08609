//! `steward filter findings`: what scanning recorded, for whom the policy lets see it.

use super::register;
use crate::args::{FindingsArgs, Global};
use crate::cmd::listing;
use crate::exit;
use crate::output::Table;
use steward_domain::network::FindingFilter;
use steward_domain::ops::network::list::{self, FindingSort};
use steward_domain::ops::network::view::FindingView;
use steward_domain::ops::people;

pub fn run(args: FindingsArgs, global: &Global) -> anyhow::Result<u8> {
    let rt = register::runtime()?;
    let app = register::open(&rt, global)?;
    let found = rt.block_on(async {
        let mut tx = app.store.read().await?;
        let council = app.council(&mut tx).await?;
        let principal = app
            .principal(&mut tx, &council, args.acting.as_user.as_deref())
            .await?;
        let person_id = match &args.person {
            Some(r) => Some(people::find(&mut tx, &council, &r.parse()?).await?.id),
            None => None,
        };
        tx.rollback().await?;
        let filter = FindingFilter {
            person_id,
            category: args.category.clone(),
            from: args.from,
            to: args.to,
        };
        let query = listing::query::<FindingSort, _>(&args.list, filter)?;
        let (council, principal, today, store) = (&council, &principal, app.today(), &app.store);
        listing::fetch(&args.list, query, |q| async move {
            let mut tx = store.read().await?;
            let page = list::page(&mut tx, council, principal, today, &q).await?;
            tx.rollback().await?;
            Ok(page)
        })
        .await
    })?;
    found.print(&app.out, ("finding", "findings"), || table(&found))?;
    Ok(exit::OK)
}

/// What scanning found, a row per identity, category and day.
pub(crate) fn table(found: &listing::Fetched<FindingView>) -> String {
    let mut t = Table::new(&[
        "DAY", "WHO", "CATEGORY", "VISITS", "FIRST", "LAST", "REPORTED",
    ]);
    for f in found.items() {
        let who = match &f.person {
            Some(p) => format!("{} ({})", p.reference, f.identity),
            None => format!("unknown ({})", f.identity),
        };
        let reported: Vec<String> = f
            .reported
            .iter()
            .map(|r| format!("request {}", r.request_id))
            .collect();
        t.row(vec![
            f.day.to_string(),
            who,
            f.category.clone(),
            f.visits.to_string(),
            f.first_seen.format("%H:%M:%S").to_string(),
            f.last_seen.format("%H:%M:%S").to_string(),
            reported.join(", "),
        ]);
    }
    t.render() + &found.footer()
}
