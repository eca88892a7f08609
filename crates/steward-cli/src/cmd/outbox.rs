//! `steward outbox`: send what is due, list and show messages, and settle the ones that failed
//! or may have gone.

use crate::app::App;
use crate::args::{Global, MailArgs, OutboxCmd};
use crate::cmd::listing;
use crate::exit;
use crate::output::{Table, opt};
use chrono::{Local, Utc};
use std::sync::Arc;
use steward_domain::ops::outbox::list::{MessageListFilter, MessageSort};
use steward_domain::ops::outbox::{self, MessageDetail, Resolution};
use steward_domain::outbox::{MessageState, OutboxMessage};
use steward_domain::{Council, RegisterTx};
use steward_mail::{Clock, Login, MailConfig, Smtp, Worker};

/// The clock the sender reads: pinned to `--as-of`'s day (its hours still running), else real.
pub fn clock(global: &Global) -> Clock {
    match global.as_of {
        Some(day) => Clock {
            now: Arc::new(move || day.and_time(Utc::now().time()).and_utc()),
            today: Arc::new(move || day),
        },
        None => Clock {
            now: Arc::new(Utc::now),
            today: Arc::new(|| Local::now().date_naive()),
        },
    }
}

/// The mail settings from the flags and the environment; `None` without `--smtp`.
pub fn mail_config(args: &MailArgs) -> anyhow::Result<Option<MailConfig>> {
    let Some(smtp) = &args.smtp else {
        return Ok(None);
    };
    let Some(from) = &args.mail_from else {
        return Err(crate::Exit {
            code: exit::USAGE,
            message: "--smtp needs --mail-from (or STEWARD_MAIL_FROM): the address notices \
                      come from"
                .into(),
        }
        .into());
    };
    let login = Login::from_env(|name| std::env::var(name).ok())?;
    Ok(Some(MailConfig::new(smtp, from, login)?))
}

/// Who a message is for, as a table cell.
pub fn recipient(m: &OutboxMessage) -> String {
    if let Some(account) = &m.account {
        return format!("the holder of account {account}");
    }
    match (&m.person_name, &m.person, &m.office) {
        (Some(name), Some(r), _) => format!("{name} ({r})"),
        (_, _, Some(office)) => format!("{office} (no one holds this office)"),
        _ => "the council's officers (none linked to a person)".to_string(),
    }
}

pub(crate) fn table(messages: &[OutboxMessage]) -> String {
    let mut t = Table::new(&[
        "ID",
        "KEY",
        "TO",
        "SUBJECT",
        "STATE",
        "ATTEMPTS",
        "NEXT TRY",
        "LAST ERROR",
    ]);
    for m in messages {
        t.row(vec![
            m.id.to_string(),
            m.key.clone(),
            recipient(m),
            m.subject.clone(),
            m.state.to_string(),
            m.attempts.to_string(),
            opt(&m.next_attempt_at.map(|t| {
                crate::uk_time::london(t)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })),
            opt(&m.last_error),
        ]);
    }
    t.render()
}

async fn send(app: &App, args: &MailArgs) -> anyhow::Result<u8> {
    let Some(config) = mail_config(args)? else {
        return Err(crate::Exit {
            code: exit::USAGE,
            message: "give the mail server with --smtp (or STEWARD_SMTP), e.g. \
                      smtp+starttls://mail.example.org:587"
                .into(),
        }
        .into());
    };
    let only: Option<Council> = match &app.global.council {
        Some(_) => {
            let mut tx = app.store.read().await?;
            let c = app.council(&mut tx).await?;
            tx.commit().await?;
            Some(c)
        }
        None => None,
    };
    let mut worker = Worker::new(
        app.store.clone(),
        Smtp::new(&config)?,
        clock(&app.global),
        app.global.actor.clone(),
    );
    if let Some(url) = &args.public_url {
        worker = worker.with_public_url(url.clone());
    }
    let report = worker.send_due(only.as_ref()).await?;
    app.out.emit(&report, || {
        let mut text = format!(
            "Sent {}; {} to be tried again later; {} failed.\n",
            report.sent, report.retrying, report.failed
        );
        if report.uncertain > 0 {
            text.push_str(&format!(
                "{} message{} may have been sent before a sender stopped; settle each with \
                 `steward outbox resolve ID --sent` or `--resend` (see `steward outbox list \
                 --state uncertain`).\n",
                report.uncertain,
                if report.uncertain == 1 { "" } else { "s" }
            ));
        }
        text
    })?;
    Ok(exit::OK)
}

pub async fn run(app: &App, cmd: OutboxCmd) -> anyhow::Result<u8> {
    if let OutboxCmd::Send(args) = &cmd {
        return send(app, args).await;
    }
    let ctx = app.ctx();
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    match cmd {
        OutboxCmd::Send(_) => {}
        OutboxCmd::List { list, state } => {
            drop(tx);
            let filter = MessageListFilter {
                state: state
                    .as_deref()
                    .map(str::parse::<MessageState>)
                    .transpose()?,
                person_id: None,
            };
            let query = listing::query::<MessageSort, _>(&list, filter)?;
            let council = &council;
            let fetched = listing::fetch(&list, query, |q| async move {
                let mut tx = app.store.read().await?;
                Ok(outbox::list::list_all(&mut tx, council, &q).await?)
            })
            .await?;
            fetched.print(&app.out, ("message", "messages"), || {
                table(fetched.items()) + &fetched.footer()
            })?;
            return Ok(exit::OK);
        }
        OutboxCmd::Show { id } => {
            let d = outbox::detail(&mut tx, &council, id).await?;
            app.out.emit(&d, || show_text(&d))?;
        }
        OutboxCmd::Retry { id } => {
            let m = outbox::retry(&mut tx, &ctx, &council, id).await?;
            app.out.emit(&m, || settled_text(&m, Resolution::Resend))?;
        }
        OutboxCmd::Resolve { id, sent, .. } => {
            let resolution = if sent {
                Resolution::Sent
            } else {
                Resolution::Resend
            };
            let m = outbox::resolve(&mut tx, &ctx, &council, id, resolution).await?;
            app.out.emit(&m, || settled_text(&m, resolution))?;
        }
    }
    tx.commit().await?;
    Ok(exit::OK)
}

/// One message in full, as `outbox show` prints it.
pub(crate) fn show_text(d: &MessageDetail) -> String {
    let m = &d.message;
    format!(
        "Message {}: {}\nKey: {}\nTo: {}\nState: {} ({} attempt{})\nMessage-ID: {}\n\
         Last error: {}\n\n{}",
        m.id,
        m.subject,
        m.key,
        recipient(m),
        m.state.label(),
        m.attempts,
        if m.attempts == 1 { "" } else { "s" },
        m.message_id,
        m.last_error.as_deref().unwrap_or("none"),
        d.notice.body_text
    )
}

/// What retrying or settling a message did.
pub(crate) fn settled_text(m: &OutboxMessage, resolution: Resolution) -> String {
    match resolution {
        Resolution::Sent => format!("Message {} is recorded as sent.\n", m.id),
        Resolution::Resend => format!("Message {} is queued to be sent again.\n", m.id),
    }
}

/// Whether the database holds any council (the serve sweep has nothing to do otherwise).
pub async fn councils(store: &steward_store::Store) -> anyhow::Result<Vec<Council>> {
    let mut tx = store.read().await?;
    let all = tx.councils().await?;
    tx.commit().await?;
    Ok(all)
}
