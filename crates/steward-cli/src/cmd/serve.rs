//! `steward serve` (and the demo's server): the web pages, the daily sweep and, with `--smtp`,
//! the outbox sender, side by side in one process.

use super::outbox::{clock, councils, mail_config};
use crate::args::{Global, ServeArgs};
use crate::exit;
use crate::uk_time;
use chrono::{NaiveTime, Utc};
use std::sync::Arc;
use steward_domain::Ctx;
use steward_domain::ops::{setup, sweep};
use steward_mail::{Clock, Smtp, Worker};
use steward_store::Store;
use tokio::sync::Notify;

/// Serves the register; pages are drawn for `--as-of` when given, else for the real today.
pub async fn run(store: Store, args: &ServeArgs, global: &Global) -> anyhow::Result<u8> {
    // A certificate that cannot be used stops the server before it changes anything.
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(
            steward_web::TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
            }
            .load()?,
        ),
        _ => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let clock = clock(global);
    // New notices wake the sender at once rather than at its next poll.
    let wake = Arc::new(Notify::new());
    let config = match mail_config(&args.mail)? {
        Some(config) => Some(config),
        None => stored_mail_config(&store).await?,
    };
    let sends_mail = match config {
        Some(config) => {
            // Invitations' links lead to this server unless people reach it elsewhere.
            let public_url = args
                .mail
                .public_url
                .clone()
                .unwrap_or_else(|| format!("{scheme}://{}", args.listen));
            let worker = Worker::new(
                store.clone(),
                Smtp::new(&config)?,
                clock.clone(),
                global.actor.clone(),
            )
            .with_public_url(public_url);
            tokio::spawn(worker.run(wake.clone()));
            true
        }
        None => {
            eprintln!(
                "No mail server given (--smtp): notices are queued in the outbox but not \
                 sent, and new accounts get temporary passwords rather than invitations."
            );
            false
        }
    };
    if !args.no_sweep {
        let pinned = global.as_of.is_some();
        tokio::spawn(daily_sweep(
            store.clone(),
            clock.clone(),
            pinned,
            args.sweep_at,
            wake,
            global.actor.clone(),
        ));
    }
    // Pinned to a day, the clock keeps running through that day's hours, so sessions still
    // time out; the date part stays the day asked for.
    let setup = issue_setup_address(&store, (clock.now)()).await?;
    let today: steward_web::Today = clock.today.clone();
    let now: steward_web::Now = clock.now.clone();
    let serving = steward_web::Serving {
        tls,
        proxies: steward_web::TrustedProxies::new(args.trusted_proxy.clone()),
        sends_mail,
    };
    steward_web::serve(store, args.listen, today, now, serving, |addr| {
        println!("Steward is running at {scheme}://{addr}/  (press Ctrl+C to stop)");
        // Printed here only, never logged: whoever can read the console may set the council up.
        if let Some(secret) = &setup {
            println!(
                "No council is set up yet. To set one up in the browser, open this address \
                 within the hour (it works once):\n\n    {scheme}://{addr}/setup/{}\n",
                secret.expose()
            );
        }
    })
    .await?;
    Ok(exit::OK)
}

/// A one-time setup address when the database holds no council yet.
async fn issue_setup_address(
    store: &Store,
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<Option<setup::SetupSecret>> {
    let mut tx = store.begin().await?;
    let issued = setup::issue(&mut tx, now, setup::SETUP_LIFETIME).await?;
    tx.commit().await?;
    Ok(issued)
}

/// The mail server chosen at setup, when the database holds that one council and no `--smtp`
/// was given; the credentials still come only from the environment.
async fn stored_mail_config(store: &Store) -> anyhow::Result<Option<steward_mail::MailConfig>> {
    let all = councils(store).await?;
    let [council] = all.as_slice() else {
        return Ok(None);
    };
    let mut tx = store.read().await?;
    let stored = setup::mail_server(&mut tx, council).await?;
    tx.commit().await?;
    let Some(server) = stored else {
        return Ok(None);
    };
    let login = steward_mail::Login::from_env(|name| std::env::var(name).ok())?;
    let config = steward_mail::MailConfig::new(&server.url(), &server.mail_from, login)?;
    eprintln!(
        "Sending notices through {}, the mail server chosen for {}.",
        config.server, council.name
    );
    Ok(Some(config))
}

/// Runs the sweep for every council now, then each day at `at` on London's clock, each time
/// followed by the directory sync of the councils whose settings ask for it. Pinned to a
/// day by `--as-of`, it runs for that day only.
async fn daily_sweep(
    store: Store,
    clock: Clock,
    pinned: bool,
    at: NaiveTime,
    wake: Arc<Notify>,
    actor: String,
) {
    loop {
        let ctx = Ctx::new(actor.clone(), (clock.now)(), (clock.today)());
        match sweep_all(&store, &ctx).await {
            Ok(queued) if queued > 0 => wake.notify_one(),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "the daily sweep failed"),
        }
        if let Err(e) = super::directory::sync_scheduled(&store, &ctx).await {
            tracing::error!(error = %e, "the daily directory sync failed");
        }
        if pinned {
            return;
        }
        // Scheduling follows the real clock: the sweep is for whatever day it is then.
        let now = Utc::now();
        let next = uk_time::next_at(now, at);
        let wait = (next - now).to_std().unwrap_or_default();
        tokio::time::sleep(wait).await;
    }
}

/// Sweeps each council in its own transaction, unless another server sharing the database
/// has swept it today; answers how many notices were queued.
async fn sweep_all(store: &Store, ctx: &Ctx) -> anyhow::Result<usize> {
    let mut queued = 0;
    for council in councils(store).await? {
        let mut tx = store.begin().await?;
        match sweep::run_daily(&mut tx, ctx, &council).await {
            Ok(None) => {
                tx.rollback().await?;
            }
            Ok(Some(report)) => {
                tx.commit().await?;
                queued += report.queued;
                if report.queued > 0 || report.charges > 0 {
                    eprintln!(
                        "Sweep for {} on {}: {} notice{} queued, {} charge{} raised.",
                        council.name,
                        ctx.today,
                        report.queued,
                        if report.queued == 1 { "" } else { "s" },
                        report.charges,
                        if report.charges == 1 { "" } else { "s" },
                    );
                }
            }
            Err(e) => {
                // One council's failure does not stop the others' sweeps.
                tracing::error!(council = %council.slug, error = %e, "sweep failed");
            }
        }
    }
    store.analyze_after_sweep(queued).await?;
    Ok(queued)
}
