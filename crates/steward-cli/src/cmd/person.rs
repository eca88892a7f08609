use super::listing;
use crate::app::App;
use crate::args::{OfficeCmd, PersonCmd};
use crate::exit;
use crate::output::{Table, opt};
use chrono::NaiveDate;
use steward_domain::import::parse_people;
use steward_domain::ops::people::Leaving;
use steward_domain::ops::people::list::{PeopleFilter, PeopleSort, PersonListed};
use steward_domain::ops::people::{self, AddPerson, PersonEdit};
use steward_domain::repo::NewPerson;
use steward_domain::{OfficeHolding, PersonRef};
use steward_policy::{OfficeId, PersonKind, TermEndReason};

pub(crate) fn office_id(text: &str) -> anyhow::Result<OfficeId> {
    if OfficeId::is_well_formed(text) {
        Ok(OfficeId(text.to_string()))
    } else {
        Err(crate::Exit {
            code: exit::INVALID,
            message: format!(
                "'{text}' is not an office id; use the id the policy gives, e.g. monitoring_officer"
            ),
        }
        .into())
    }
}

pub async fn run(app: &App, cmd: PersonCmd) -> anyhow::Result<u8> {
    let ctx = app.ctx();
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    match cmd {
        PersonCmd::Export {
            reference,
            acting,
            out,
        } => {
            drop(tx);
            return super::info::export(app, &reference, acting.as_user.as_deref(), out).await;
        }
        PersonCmd::Add(a) => {
            let req = AddPerson {
                person: NewPerson {
                    reference: a.reference.parse()?,
                    name: a.name,
                    kind: a.kind.parse::<PersonKind>()?,
                    email: a.email,
                    household: a.household,
                },
                term_start: Some(a.term_start.unwrap_or(ctx.today)),
                term_end: a.term_end,
                offices: a
                    .offices
                    .iter()
                    .map(|o| office_id(o))
                    .collect::<Result<_, _>>()?,
            };
            let person = people::add(&mut tx, &ctx, &council, req).await?;
            tx.commit().await?;
            app.out.emit(&person, || registered(&person))?;
        }
        PersonCmd::List {
            list,
            kind,
            in_office,
            not_in_office,
        } => {
            drop(tx);
            let filter = PeopleFilter {
                kind: kind.as_deref().map(str::parse::<PersonKind>).transpose()?,
                in_office: match (in_office, not_in_office) {
                    (true, _) => Some(true),
                    (_, true) => Some(false),
                    _ => None,
                },
            };
            let query = listing::query::<PeopleSort, _>(&list, filter)?;
            let (council, today) = (&council, ctx.today);
            let fetched = listing::fetch(&list, query, |q| async move {
                let mut tx = app.store.read().await?;
                Ok(people::list::list(&mut tx, council, &q, today).await?)
            })
            .await?;
            fetched.print(&app.out, ("person", "people"), || people_table(&fetched))?;
            return Ok(exit::OK);
        }
        PersonCmd::Show { reference } => {
            let detail = people::detail(&mut tx, &council, &reference.parse()?).await?;
            app.out.emit(&detail, || detail_text(&detail))?;
        }
        PersonCmd::Edit {
            reference,
            name,
            email,
            kind,
            household,
        } => {
            let change = PersonEdit {
                name,
                email,
                kind: kind.as_deref().map(str::parse::<PersonKind>).transpose()?,
                household,
            };
            if change.is_empty() {
                return Err(crate::Exit {
                    code: exit::INVALID,
                    message: "say what to correct: --name, --email, --kind or --household".into(),
                }
                .into());
            }
            let person = people::edit(&mut tx, &ctx, &council, &reference.parse()?, change).await?;
            tx.commit().await?;
            app.out.emit(&person, || edited_text(&person))?;
        }
        PersonCmd::Import { file } => {
            let name = file.display().to_string();
            let data = crate::input::read(&file, crate::input::CSV)?;
            let rows = parse_people(&name, &data)?;
            let bar = crate::cmd::progress(rows.len() as u64, app.out.json);
            let count = people::import(&mut tx, &ctx, &council, &name, rows, |n| {
                bar.set_position(n)
            })
            .await?;
            tx.commit().await?;
            bar.finish_and_clear();
            imported(&app.out, count, "people")?;
        }
        PersonCmd::Office(OfficeCmd::Add {
            reference,
            office,
            from,
        }) => {
            let held = people::assign_office(
                &mut tx,
                &ctx,
                &council,
                &reference.parse()?,
                &office_id(&office)?,
                from.unwrap_or(ctx.today),
            )
            .await?;
            tx.commit().await?;
            app.out
                .emit(&held, || holds_text(&reference, &office, &held))?;
        }
        PersonCmd::Office(OfficeCmd::End {
            reference,
            office,
            on,
        }) => {
            let held = people::end_office(
                &mut tx,
                &ctx,
                &council,
                &reference.parse()?,
                &office_id(&office)?,
                on.unwrap_or(ctx.today),
            )
            .await?;
            tx.commit().await?;
            app.out
                .emit(&held, || ended_text(&reference, &office, &held))?;
        }
        PersonCmd::Term {
            reference,
            from,
            until,
        } => {
            let person = people::find(&mut tx, &council, &reference.parse::<PersonRef>()?).await?;
            let term = people::start_term(&mut tx, &ctx, &council, &person, from, until).await?;
            tx.commit().await?;
            app.out.emit(&term, || {
                format!("{} starts a term on {from}.\n", person.name)
            })?;
        }
        PersonCmd::LeaveMany { file } => {
            let name = file.display().to_string();
            let data = crate::input::read(&file, crate::input::CSV)?;
            let rows = steward_domain::import::parse_leavers(&name, &data)?;
            let bar = crate::cmd::progress(rows.len() as u64, app.out.json);
            let left = steward_domain::ops::leaving::leave_many(
                &mut tx,
                &ctx,
                &council,
                &name,
                rows,
                |n| bar.set_position(n),
            )
            .await?;
            tx.commit().await?;
            bar.finish_and_clear();
            app.out.emit(&left, || leavers_text(&left))?;
        }
        PersonCmd::Leave {
            reference,
            on,
            reason,
        } => {
            let reason: TermEndReason = reason.parse()?;
            let left_on = on.unwrap_or(ctx.today);
            let leaving = people::leave(
                &mut tx,
                &ctx,
                &council,
                &reference.parse()?,
                left_on,
                reason,
            )
            .await?;
            tx.commit().await?;
            app.out
                .emit(&leaving, || left_text(&leaving, left_on, reason))?;
        }
        PersonCmd::WebIdentity(c) => {
            return super::network::web_identity(app, tx, &ctx, &council, c).await;
        }
    }
    Ok(exit::OK)
}

/// What `person add` says it did.
pub(crate) fn registered(person: &steward_domain::Person) -> String {
    format!("Registered {} ({}).\n", person.name, person.reference)
}

/// The people of a list as a table, with where the next page starts.
pub(crate) fn people_table(fetched: &listing::Fetched<PersonListed>) -> String {
    let mut t = Table::new(&["REF", "NAME", "KIND", "HOUSEHOLD", "IN OFFICE"]);
    for p in fetched.items() {
        t.row(vec![
            p.person.reference.to_string(),
            p.person.name.clone(),
            p.person.kind.to_string(),
            opt(&p.person.household),
            if p.in_office { "yes" } else { "no" }.to_string(),
        ]);
    }
    t.render() + &fetched.footer()
}

/// A person with their terms, offices and loans, as `person show` prints them.
pub(crate) fn detail_text(detail: &people::PersonDetail) -> String {
    let p = &detail.person;
    let mut out = format!("{} ({}), {}\n", p.name, p.reference, p.kind);
    if let Some(h) = &p.household {
        out.push_str(&format!("Household: {h}\n"));
    }
    out.push_str("\nTerms:\n");
    for t in &detail.terms {
        out.push_str(&format!(
            "  {} to {} {}\n",
            t.starts,
            opt(&t.ends),
            opt(&t.end_reason)
        ));
    }
    out.push_str("Offices:\n");
    for o in &detail.offices {
        out.push_str(&format!(
            "  {} from {} to {}\n",
            o.office,
            o.starts,
            opt(&o.ends)
        ));
    }
    out.push_str("Loans:\n");
    for l in &detail.loans {
        let back = l
            .return_by()
            .map(|(d, c)| format!("due {d} (clause {c})"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  loan {} issued {} {}{}\n",
            l.id,
            l.issued_on,
            back,
            l.returned_on
                .map(|d| format!(" {} {d}", l.status(d).words().to_lowercase()))
                .unwrap_or_default()
        ));
    }
    out
}

pub(crate) fn edited_text(person: &steward_domain::Person) -> String {
    let mut out = format!("{} ({}), {}\n", person.name, person.reference, person.kind);
    out.push_str(&format!("Email: {}\n", opt(&person.email)));
    out.push_str(&format!("Household: {}\n", opt(&person.household)));
    out
}

/// What an import of a file of `what` (people, items) added.
pub(crate) fn imported(out: &crate::output::Out, count: usize, what: &str) -> anyhow::Result<()> {
    out.emit(&serde_json::json!({ "imported": count }), || {
        format!("Imported {count} {what}.\n")
    })
}

pub(crate) fn holds_text(reference: &str, office: &str, held: &OfficeHolding) -> String {
    format!("{reference} holds {office} from {}.\n", held.starts)
}

pub(crate) fn ended_text(reference: &str, office: &str, held: &OfficeHolding) -> String {
    format!(
        "{reference} no longer holds {office} after {}.\n",
        opt(&held.ends)
    )
}

/// Many leavers at once: each, with any loan and the day it must come back by.
pub(crate) fn leavers_text(left: &[Leaving]) -> String {
    let mut t = Table::new(&["REF", "NAME", "LEFT", "LOAN", "RETURN BY", "CLAUSE"]);
    for l in left {
        if l.loans.is_empty() {
            t.row(vec![
                l.person.reference.to_string(),
                l.person.name.clone(),
                l.left_on.to_string(),
                "-".into(),
                "-".into(),
                "-".into(),
            ]);
        }
        for loan in &l.loans {
            t.row(vec![
                l.person.reference.to_string(),
                l.person.name.clone(),
                l.left_on.to_string(),
                loan.id.to_string(),
                opt(&loan.leaving_by),
                l.citation
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_else(|| "-".into()),
            ]);
        }
    }
    format!("{} people left office.\n{}", left.len(), t.render())
}

/// One leaver: their loans to come back, and the access that ended.
pub(crate) fn left_text(leaving: &Leaving, left_on: NaiveDate, reason: TermEndReason) -> String {
    let mut out = format!(
        "{} left office on {left_on} ({}).\n",
        leaving.person.name,
        reason.as_str().replace('_', " ")
    );
    for l in &leaving.loans {
        match (l.leaving_by, &leaving.citation) {
            (Some(by), Some(c)) => {
                out.push_str(&format!("  Loan {}: return by {by} ({c})\n", l.id))
            }
            _ => out.push_str(&format!(
                "  Loan {}: the policy sets no return deadline for leavers\n",
                l.id
            )),
        }
    }
    if let (Some(c), false) = (&leaving.stop_use, leaving.loans.is_empty()) {
        out.push_str(&format!(
            "  What they hold must not be used from today ({c}).\n"
        ));
    }
    for a in &leaving.access_withdrawn {
        let disabled = if a.disabled { "; account disabled" } else { "" };
        out.push_str(&format!(
            "  Account {} ({}): {} session(s) ended{disabled}\n",
            a.username, a.role, a.sessions_ended
        ));
    }
    out
}
