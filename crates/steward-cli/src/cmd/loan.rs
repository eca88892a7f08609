use super::listing;
use crate::app::App;
use crate::args::{IssueArgs, LoanCmd};
use crate::exit;
use crate::output::{Failure, Reply, Table};
use steward_domain::ops::loans::list::{LoanFilter, LoanListed, LoanShow, LoanSort};
use steward_domain::ops::{loans, policy};
use steward_domain::{Loan, LoanStatus, PersonRef};
use steward_policy::long_date;

pub(crate) fn describe_decision(d: &steward_policy::decide::IssueDecision) -> String {
    let mut out = String::new();
    if d.is_allowed() {
        out.push_str("Allowed.\n");
        if let Some(due) = &d.due {
            out.push_str(&format!(
                "Return due {} ({})\n",
                long_date(due.date),
                due.citation
            ));
        }
        for c in &d.allowed_by {
            out.push_str(&format!("  meets {c}\n"));
        }
    } else {
        out.push_str("Refused:\n");
        for r in &d.refusals {
            out.push_str(&format!("  - {r}\n"));
        }
    }
    out
}

/// Where a loan stands, with the day it ended: a loss or theft reads as that, never as a
/// return.
fn status_words(loan: &Loan, status: LoanStatus) -> String {
    let word = status.words().to_lowercase();
    match loan.returned_on {
        Some(on) => format!("{word} {on}"),
        None => word,
    }
}

fn authoriser(a: &IssueArgs) -> anyhow::Result<Option<PersonRef>> {
    Ok(match &a.authorised_by {
        Some(r) => Some(r.parse()?),
        None => None,
    })
}

pub async fn run(app: &App, cmd: LoanCmd) -> anyhow::Result<u8> {
    let ctx = app.ctx();
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    match cmd {
        LoanCmd::Check(a) => {
            let auth = authoriser(&a)?;
            let check = loans::check_issue(
                &mut tx,
                &ctx,
                &council,
                &a.reference.parse()?,
                &a.tag.parse()?,
                auth.as_ref(),
            )
            .await?;
            let words = describe_decision(&check.decision);
            if !check.decision.is_allowed() {
                let failure = Failure::refused("issue", &check.decision.refusals);
                return app.out.failed(&check, &failure, || words);
            }
            let reply = Reply::new(&check, words.clone()).decision(&check.decision)?;
            app.out.reply(reply, || words)?;
            return Ok(exit::OK);
        }
        LoanCmd::Issue(a) => {
            let auth = authoriser(&a)?;
            let issued = loans::issue(
                &mut tx,
                &ctx,
                &council,
                &a.reference.parse()?,
                &a.tag.parse()?,
                auth.as_ref(),
            )
            .await?;
            tx.commit().await?;
            let words = issued_words(&issued, &a.tag, &a.reference);
            let reply = Reply::new(&issued.loan, words.clone()).decision(&issued.decision)?;
            app.out.reply(reply, || words)?;
        }
        LoanCmd::List { list, show, all } => {
            drop(tx);
            let show = match (show, all) {
                (_, true) => LoanShow::All,
                (Some(s), _) => s.parse::<LoanShow>().map_err(|e| crate::Exit {
                    code: exit::INVALID,
                    message: format!("--show: {e}"),
                })?,
                (None, false) => LoanShow::Open,
            };
            let filter = LoanFilter {
                show,
                ..Default::default()
            };
            let query = listing::query::<LoanSort, _>(&list, filter)?;
            let (council, today) = (&council, ctx.today);
            let fetched = listing::fetch(&list, query, |q| async move {
                let mut tx = app.store.read().await?;
                Ok(loans::list::list(&mut tx, council, &q, today).await?)
            })
            .await?;
            fetched.print(&app.out, ("loan", "loans"), || loans_table(&fetched))?;
            return Ok(exit::OK);
        }
        LoanCmd::Show { id } => {
            let loan = loans::find(&mut tx, &council, id).await?;
            let document = policy::in_force(&mut tx, &council, ctx.today)
                .await?
                .map(|a| a.pack.pack.title.clone())
                .unwrap_or_default();
            let view = loans::view(&mut tx, &document, loan, ctx.today).await?;
            app.out.emit(&view, || view_text(&view))?;
        }
        LoanCmd::Extend {
            id,
            until,
            approved_by,
            reason,
        } => {
            let approvers = approved_by
                .iter()
                .map(|r| r.parse())
                .collect::<Result<Vec<PersonRef>, _>>()?;
            let ext =
                loans::extend(&mut tx, &ctx, &council, id, until, &approvers, &reason).await?;
            tx.commit().await?;
            app.out.emit(&ext, || extended_words(id, &ext))?;
        }
        LoanCmd::Recall { id, by, return_by } => {
            let recalled =
                loans::recall(&mut tx, &ctx, &council, id, &by.parse()?, return_by).await?;
            tx.commit().await?;
            app.out.emit(&recalled, || recalled_words(id, &recalled))?;
        }
        LoanCmd::Return { id } => {
            let returned = loans::return_loan(&mut tx, &ctx, &council, id).await?;
            tx.commit().await?;
            app.out.emit(&returned, || returned_words(id, &returned))?;
        }
        LoanCmd::Charge { id } => {
            let charge = loans::raise_charge(&mut tx, &ctx, &council, id).await?;
            tx.commit().await?;
            app.out.emit(&charge, || charged_words(id, &charge))?;
        }
    }
    Ok(exit::OK)
}

/// What `loan issue` says it did.
pub(crate) fn issued_words(issued: &loans::Issued, tag: &str, reference: &str) -> String {
    let due = issued
        .decision
        .due
        .as_ref()
        .map(|d| format!(" Return due {} ({}).", long_date(d.date), d.citation))
        .unwrap_or_default();
    format!(
        "Loan {} issued: {tag} to {reference}.{due}\n",
        issued.loan.id
    )
}

/// What `loan return` says it did.
pub(crate) fn returned_words(id: i64, returned: &loans::Returned) -> String {
    let erase = returned
        .erasure
        .as_ref()
        .map(|c| format!(" It must be erased before reuse ({c})."))
        .unwrap_or_default();
    format!(
        "Loan {id} returned; {} is now {}.{erase}\n",
        returned.equipment.asset_tag, returned.equipment.state
    )
}

/// The loans of a list as a table, with where the next page starts.
pub(crate) fn loans_table(fetched: &listing::Fetched<LoanListed>) -> String {
    let mut t = Table::new(&[
        "LOAN",
        "ITEM",
        "KIND",
        "HOLDER",
        "ISSUED",
        "RETURN BY",
        "CLAUSE",
        "STATUS",
    ]);
    for v in fetched.items() {
        t.row(vec![
            v.loan.id.to_string(),
            v.asset_tag.to_string(),
            v.kind.to_string(),
            format!("{} ({})", v.person_name, v.person),
            v.loan.issued_on.to_string(),
            v.return_by
                .as_ref()
                .map(|d| d.date.to_string())
                .unwrap_or_else(|| "-".into()),
            v.return_by
                .as_ref()
                .map(|d| d.citation.clause.clone())
                .unwrap_or_else(|| "-".into()),
            status_words(&v.loan, v.status),
        ]);
    }
    t.render() + &fetched.footer()
}

/// One loan, as `loan show` prints it.
pub(crate) fn view_text(view: &loans::LoanView) -> String {
    let mut out = format!(
        "Loan {}: {} ({}) to {} ({})\nIssued: {}\n",
        view.loan.id, view.asset_tag, view.kind, view.person_name, view.person, view.loan.issued_on
    );
    if let Some(d) = &view.return_by {
        let ground = view
            .return_ground
            .map(|g| format!(", set by {}", g.words()))
            .unwrap_or_default();
        out.push_str(&format!(
            "Return by: {}{ground} ({})\n",
            long_date(d.date),
            d.citation
        ));
    }
    out.push_str(&format!(
        "Status: {}\n",
        status_words(&view.loan, view.status)
    ));
    for c in &view.charges {
        out.push_str(&format!(
            "Charge: {} raised {} (clause {})\n",
            c.amount, c.raised_on, c.clause
        ));
    }
    out
}

/// What `loan extend` says it did.
pub(crate) fn extended_words(id: i64, ext: &steward_domain::Extension) -> String {
    format!("Loan {id} extended to {}.\n", long_date(ext.new_due))
}

/// What `loan recall` says it did.
pub(crate) fn recalled_words(id: i64, recalled: &loans::Recalled) -> String {
    format!(
        "Loan {id} recalled: return by {} ({}).\n",
        long_date(recalled.return_by.date),
        recalled.return_by.citation
    )
}

/// What `loan charge` says it did.
pub(crate) fn charged_words(id: i64, charge: &steward_domain::Charge) -> String {
    format!(
        "Charge of {} raised for loan {id} (clause {}).\n",
        charge.amount, charge.clause
    )
}
