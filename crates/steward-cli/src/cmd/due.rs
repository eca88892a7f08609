use super::listing;
use crate::app::App;
use crate::args::DueArgs;
use crate::exit;
use crate::output::{Reply, Table, opt};
use serde::Serialize;
use steward_domain::ops::due::{self, DueCounts, DueFilter, DueItem, DueKind, DueSort};

/// What `steward due` prints: the report's heading and counts, and its items (every one, or
/// the page `--limit` asks for).
#[derive(Serialize)]
pub(crate) struct Printed<'a> {
    pub council: &'a str,
    pub as_of: chrono::NaiveDate,
    pub policy: Option<&'a str>,
    pub counts: &'a DueCounts,
    pub items: &'a [DueItem],
}

pub async fn run(app: &App, args: &DueArgs) -> anyhow::Result<u8> {
    let kind = kind_of(args)?;
    let query = listing::query::<DueSort, _>(&args.list, DueFilter { kind })?;
    let mut tx = app.store.read().await?;
    let council = app.council(&mut tx).await?;
    let set = due::compute(&mut tx, &council, app.today()).await?;
    drop(tx);
    let set = &set;
    let fetched = listing::fetch(&args.list, query, |q| async move { Ok(set.page(&q)?) }).await?;
    let printed = Printed {
        council: &set.council,
        as_of: set.as_of,
        policy: set.policy.as_deref(),
        counts: set.counts(),
        items: fetched.items(),
    };
    // With `--limit`, the envelope's page says how many match in all and where the pages
    // either side start.
    let reply = Reply::new(&printed, fetched.outcome("item due", "items due")).page(fetched.page());
    app.out
        .reply(reply, || human(&printed, &fetched.footer()))?;
    Ok(exit::OK)
}

/// The report as a table, with where the next page starts.
pub(crate) fn human(printed: &Printed<'_>, footer: &str) -> String {
    let mut text = format!(
        "What is due at {} on {}\nPolicy: {}\n\n",
        printed.council,
        printed.as_of,
        printed.policy.unwrap_or("none adopted")
    );
    let mut t = Table::new(&["WHAT", "DUE", "WHO", "ITEM", "DETAIL", "CLAUSE"]);
    for item in printed.items {
        t.row(vec![
            item.kind.label().to_string(),
            opt(&item.due_on),
            item.person_name.clone().unwrap_or_else(|| "-".into()),
            opt(&item.asset_tag),
            item.detail.clone(),
            opt(&item.citation),
        ]);
    }
    text.push_str(&t.render());
    text.push_str(footer);
    text
}

/// The kind `--kind` names, if any.
pub(crate) fn kind_of(args: &DueArgs) -> anyhow::Result<Option<DueKind>> {
    Ok(match args.kind.as_deref() {
        Some(k) => Some(k.parse::<DueKind>().map_err(|e| crate::Exit {
            code: exit::INVALID,
            message: format!("--kind: {e}"),
        })?),
        None => None,
    })
}
