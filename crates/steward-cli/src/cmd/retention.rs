//! `steward retention`: what the policy's retention periods make due, and purging it.

use crate::app::App;
use crate::args::RetentionCmd;
use crate::exit;
use crate::output::Table;
use steward_domain::ops::retention::{self, RetentionPlan};

/// The plan as people read it: per kind the rule and its clause, the count, then each record.
pub fn describe(plan: &RetentionPlan, dry_run: bool) -> String {
    let mut text = format!(
        "Retention for {} on {}{}\nPolicy: {}\n\n",
        plan.council,
        plan.day,
        if dry_run {
            " (dry run: nothing was changed)"
        } else {
            ""
        },
        plan.policy.as_deref().unwrap_or("none adopted")
    );
    let mut kinds = Table::new(&["KIND", "KEEP", "DUE", "HELD", "KEPT", "CLAUSE"]);
    for k in &plan.kinds {
        kinds.row(vec![
            k.label.clone(),
            k.keep.clone(),
            k.due.len().to_string(),
            k.held.len().to_string(),
            k.kept.to_string(),
            k.citation.to_string(),
        ]);
    }
    text.push_str(&kinds.render());
    if !plan.not_set.is_empty() {
        text.push_str(&format!(
            "\nNo period in the policy (kept): {}\n",
            plan.not_set.join("; ")
        ));
    }
    let mut records = Table::new(&["KIND", "RECORD", "ENDED", "DUE SINCE", "AUDIT RECORDS"]);
    let mut any = false;
    for k in &plan.kinds {
        for r in &k.due {
            any = true;
            records.row(vec![
                k.kind.to_string(),
                r.reference.clone(),
                r.ended.to_string(),
                r.due_since.to_string(),
                r.audit_records.to_string(),
            ]);
        }
    }
    if any {
        text.push('\n');
        text.push_str(&records.render());
    }
    for k in &plan.kinds {
        for h in &k.held {
            text.push_str(&format!(
                "Held: {} (ended {}): {}\n",
                h.reference, h.ended, h.reason
            ));
        }
    }
    let due = plan.due_count();
    if plan.purged {
        text.push_str(&format!(
            "\n{due} record{} purged; data of {} audit record{} erased.\n",
            if due == 1 { "" } else { "s" },
            plan.audit_erased,
            if plan.audit_erased == 1 { "" } else { "s" },
        ));
    } else {
        text.push_str(&format!(
            "\n{due} record{} due for purging.\n",
            if due == 1 { " is" } else { "s are" }
        ));
    }
    text
}

pub async fn run(app: &App, cmd: RetentionCmd) -> anyhow::Result<u8> {
    let ctx = app.ctx();
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    let (plan, dry_run) = match cmd {
        RetentionCmd::Plan => (retention::plan(&mut tx, &ctx, &council).await?, false),
        RetentionCmd::Purge { dry_run: true } => {
            (retention::plan(&mut tx, &ctx, &council).await?, true)
        }
        RetentionCmd::Purge { dry_run: false } => {
            (retention::purge(&mut tx, &ctx, &council).await?, false)
        }
    };
    tx.commit().await?;
    app.out.emit(&plan, || describe(&plan, dry_run))?;
    Ok(exit::OK)
}
