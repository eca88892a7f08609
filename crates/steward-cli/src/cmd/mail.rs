//! `steward mail forwarding ...`, `steward mail milter` and `steward mail decisions`.

use crate::app::App;
use crate::args::{DecisionsArgs, ForwardFindingsArgs, ForwardingCmd, MailCmd, MilterArgs};
use crate::cmd::listing;
use crate::exit;
use crate::output::Table;
use steward_domain::mail::snapshot::SnapshotFormat;
use steward_domain::mail::{ForwardFilter, ForwardFinding, MailDecisionRecord};
use steward_domain::ops::mail::forwarding::{self, ForwardSort};
use steward_domain::ops::mail::milter::{self, DecisionFilter, DecisionSort};
use steward_domain::ops::people;
use steward_policy::mail::{ForwardOutcome, MailAction};

pub async fn run(app: &App, cmd: MailCmd) -> anyhow::Result<u8> {
    match cmd {
        MailCmd::Forwarding(ForwardingCmd::Import { file, format }) => {
            let format: SnapshotFormat = format.parse().map_err(|m: String| crate::Exit {
                code: exit::USAGE,
                message: m,
            })?;
            let name = file.display().to_string();
            let data = crate::input::read(&file, crate::input::SNAPSHOT)?;
            let rows = forwarding::parse(format, &name, &data)?;
            let ctx = app.ctx();
            let mut tx = app.begin().await?;
            let council = app.council(&mut tx).await?;
            let done = forwarding::import(&mut tx, &ctx, &council, format, &name, rows).await?;
            tx.commit().await?;
            app.out.emit(&done, || imported_text(&done, &name))?;
            Ok(exit::OK)
        }
        MailCmd::Forwarding(ForwardingCmd::Findings(args)) => findings(app, args).await,
        MailCmd::Milter(args) => milter(app, args).await,
        MailCmd::Decisions(args) => decisions(app, args).await,
    }
}

async fn findings(app: &App, args: ForwardFindingsArgs) -> anyhow::Result<u8> {
    let mut tx = app.store.read().await?;
    let council = app.council(&mut tx).await?;
    let person_id = match &args.person {
        Some(r) => Some(people::find(&mut tx, &council, &r.parse()?).await?.id),
        None => None,
    };
    tx.rollback().await?;
    let outcome = args
        .outcome
        .as_deref()
        .map(str::parse::<ForwardOutcome>)
        .transpose()
        .map_err(|m| crate::Exit {
            code: exit::USAGE,
            message: format!("--outcome: {m}"),
        })?;
    let filter = ForwardFilter { outcome, person_id };
    let query = listing::query::<ForwardSort, _>(&args.list, filter)?;
    let (council, store) = (&council, &app.store);
    let found = listing::fetch(&args.list, query, |q| async move {
        let mut tx = store.read().await?;
        let page = forwarding::list(&mut tx, council, &q).await?;
        tx.rollback().await?;
        Ok(page)
    })
    .await?;
    found.print(&app.out, ("forward", "forwards"), || forwards_table(&found))?;
    Ok(exit::OK)
}

/// Decides each message with the pack in force on the day it arrives (or `--as-of`), and
/// records it in a transaction of its own.
struct StoreJudge {
    store: steward_store::Store,
    council: steward_domain::Council,
    actor: String,
    as_of: Option<chrono::NaiveDate>,
}

impl steward_mail::milter::Judge for StoreJudge {
    fn judge(
        &self,
        seen: steward_mail::milter::Seen,
    ) -> std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<steward_policy::mail::MailDecision, String>>
                + Send
                + '_,
        >,
    > {
        Box::pin(async move {
            // The milter runs for days: each message reads the clock as it arrives.
            let now = chrono::Utc::now();
            let today = self
                .as_of
                .unwrap_or_else(|| crate::uk_time::london(now).date());
            let ctx = steward_domain::Ctx::new(self.actor.clone(), now, today);
            let run = async {
                let mut tx = self.store.begin().await?;
                let (_, decision) = milter::record(
                    &mut tx,
                    &ctx,
                    &self.council,
                    seen.queue_id.as_deref(),
                    &seen.outbound,
                )
                .await?;
                tx.commit().await?;
                anyhow::Ok(decision)
            };
            run.await.map_err(|e| e.to_string())
        })
    }
}

async fn milter(app: &App, args: MilterArgs) -> anyhow::Result<u8> {
    let mut tx = app.store.read().await?;
    let council = app.council(&mut tx).await?;
    tx.rollback().await?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| crate::Exit {
            code: exit::USAGE,
            message: format!("cannot listen on {}: {e}", args.listen),
        })?;
    let bound = listener.local_addr()?;
    // The address goes to standard error, so a test or a supervisor can wait for it.
    eprintln!("The milter for {} is listening on {bound}.", council.name);
    let judge = std::sync::Arc::new(StoreJudge {
        store: app.store.clone(),
        council,
        actor: format!("{} (milter)", app.global.actor),
        as_of: app.global.as_of,
    });
    steward_mail::milter::serve(listener, judge, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(exit::OK)
}

async fn decisions(app: &App, args: DecisionsArgs) -> anyhow::Result<u8> {
    let mut tx = app.store.read().await?;
    let council = app.council(&mut tx).await?;
    tx.rollback().await?;
    let action = match args.action.as_deref() {
        None => None,
        Some(a) => Some(
            serde_json::from_value::<MailAction>(serde_json::Value::String(a.trim().into()))
                .map_err(|_| crate::Exit {
                    code: exit::USAGE,
                    message: format!("--action: '{a}' is not accept, reject or hold"),
                })?,
        ),
    };
    let filter = DecisionFilter {
        action,
        flagged: args.flagged.then_some(true),
    };
    let mut list = args.list.clone();
    if list.sort.is_none() && !list.desc {
        list.desc = true;
    }
    let query = listing::query::<DecisionSort, _>(&list, filter)?;
    let (council, store) = (&council, &app.store);
    let found = listing::fetch(&list, query, |q| async move {
        let mut tx = store.read().await?;
        let page = milter::list(&mut tx, council, &q).await?;
        tx.rollback().await?;
        Ok(page)
    })
    .await?;
    found.print(&app.out, ("decision", "decisions"), || {
        decisions_table(&found)
    })?;
    Ok(exit::OK)
}

/// What importing a snapshot took in, naming the file as it was given.
pub(crate) fn imported_text(done: &forwarding::Imported, name: &str) -> String {
    let mut text = format!(
        "Imported {} forwards from {name} ({} from mailboxes of people in the register, {} \
         from others).\n",
        done.import.forwards, done.matched, done.unmatched
    );
    for (outcome, n) in &done.by_outcome {
        text.push_str(&format!("  {}: {n}\n", outcome.words()));
    }
    text
}

/// The forwards found, each with what the policy says of it and the clause.
pub(crate) fn forwards_table(found: &listing::Fetched<ForwardFinding>) -> String {
    let mut t = Table::new(&["MAILBOX", "WHO", "HOW", "TO", "OUTCOME", "CLAUSE"]);
    for f in found.items() {
        let who = match (&f.person, &f.person_name) {
            (Some(r), Some(n)) => format!("{n} ({r})"),
            _ => "not in the register".to_string(),
        };
        let how = match &f.rule {
            Some(rule) => format!("{} (rule {rule})", f.kind.words()),
            None => f.kind.words().to_string(),
        };
        t.row(vec![
            f.mailbox.clone(),
            who,
            how,
            f.target
                .clone()
                .unwrap_or_else(|| "inside the council".into()),
            f.outcome.words().to_string(),
            f.citation
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ]);
    }
    t.render() + &found.footer()
}

/// The milter's decisions, each with its reasons and their clauses.
pub(crate) fn decisions_table(found: &listing::Fetched<MailDecisionRecord>) -> String {
    let mut t = Table::new(&["WHEN", "FROM", "TO", "MARKING", "DECISION", "WHY"]);
    for d in found.items() {
        let mut decision = d.action.words().to_string();
        if d.disclaimer {
            decision.push_str(", disclaimer added");
        }
        if d.flagged {
            decision.push_str(", flagged");
        }
        let why: Vec<String> = d
            .reasons
            .iter()
            .map(|r| format!("{} ({})", r.message, r.citation))
            .collect();
        t.row(vec![
            crate::uk_time::london(d.decided_at)
                .format("%d %b %Y %H:%M")
                .to_string(),
            d.sender.clone(),
            d.recipients.join(", "),
            d.level.clone().unwrap_or_else(|| "none".into()),
            decision,
            why.join("; "),
        ]);
    }
    t.render() + &found.footer()
}
