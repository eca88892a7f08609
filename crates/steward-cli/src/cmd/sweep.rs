//! `steward sweep`: what needs telling today, queued as email notices.

use crate::app::App;
use crate::args::SweepArgs;
use crate::exit;
use crate::output::Table;
use steward_domain::ops::sweep::{self, Outcome, SweepReport};

fn outcome_words(o: Outcome) -> &'static str {
    match o {
        Outcome::Queued => "queued",
        Outcome::AlreadyQueued => "already queued",
        Outcome::WouldQueue => "would queue",
    }
}

/// The report as people read it: each finding, whom it goes to, and the clause behind it.
pub fn describe(report: &SweepReport) -> String {
    let mut text = format!(
        "Sweep for {} on {}{}\nPolicy: {}\n\n",
        report.council,
        report.day,
        if report.dry_run {
            " (dry run: nothing was changed)"
        } else {
            ""
        },
        report.policy.as_deref().unwrap_or("none adopted")
    );
    let mut t = Table::new(&["SOURCE", "FINDING", "TO", "OUTCOME", "DECISION AND CLAUSE"]);
    for f in &report.findings {
        let mut outcome = outcome_words(f.outcome).to_string();
        if let Some(charge) = &f.charge {
            outcome.push_str(&format!(", charge of {} raised", charge.amount));
        } else if f.action.is_some() {
            outcome.push_str(", would raise the charge");
        }
        t.row(vec![
            f.source.clone(),
            f.summary.clone(),
            f.recipients.join("; "),
            outcome,
            f.decision.clone(),
        ]);
    }
    text.push_str(&t.render());
    let already = report
        .findings
        .iter()
        .filter(|f| f.outcome == Outcome::AlreadyQueued)
        .count();
    if report.dry_run {
        let would = report.findings.len() - already;
        text.push_str(&format!(
            "\n{would} notice{} would be queued; {already} already queued.\n",
            if would == 1 { "" } else { "s" }
        ));
    } else {
        text.push_str(&format!(
            "\n{} notice{} queued ({} message{}), {} charge{} raised; {already} already queued.\n",
            report.queued,
            if report.queued == 1 { "" } else { "s" },
            report.messages,
            if report.messages == 1 { "" } else { "s" },
            report.charges,
            if report.charges == 1 { "" } else { "s" },
        ));
    }
    if report.retention_purged > 0 {
        text.push_str(&format!(
            "{} record{} purged at the end of retention (see `steward retention plan`).\n",
            report.retention_purged,
            if report.retention_purged == 1 {
                ""
            } else {
                "s"
            }
        ));
    } else if report.retention_due > 0 {
        text.push_str(&format!(
            "{} record{} due for purging at the end of retention.\n",
            report.retention_due,
            if report.retention_due == 1 {
                " is"
            } else {
                "s are"
            }
        ));
    }
    for f in &report.findings {
        for who in &f.without_address {
            text.push_str(&format!(
                "No email address: {who}, for {} (an officer must tell them)\n",
                f.key
            ));
        }
        if let Some(routing) = &f.routing
            && f.outcome != Outcome::AlreadyQueued
        {
            text.push_str(&format!("{}: {routing}\n", f.key));
        }
    }
    text
}

pub async fn run(app: &App, args: SweepArgs) -> anyhow::Result<u8> {
    let ctx = app.ctx();
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    let report = if args.dry_run {
        sweep::dry_run(&mut tx, &ctx, &council).await?
    } else {
        sweep::run(&mut tx, &ctx, &council).await?
    };
    tx.commit().await?;
    app.store.analyze_after_sweep(report.queued).await?;
    app.out.emit(&report, || describe(&report))?;
    Ok(exit::OK)
}
