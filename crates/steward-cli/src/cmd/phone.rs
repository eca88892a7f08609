//! `steward phone`: lines, bills, marking and statements.

use super::listing;
use crate::app::App;
use crate::args::{ListArgs, PhoneBillCmd, PhoneCmd, PhoneLineCmd, PhoneStatementCmd};
use crate::exit;
use crate::output::{Table, opt};
use std::collections::BTreeSet;
use steward_domain::ops::people;
use steward_domain::phones::bill::parse_bill;
use steward_domain::phones::lines::LineView;
use steward_domain::phones::lists::{self, BillFilter, BillSort, StatementFilter, StatementSort};
use steward_domain::phones::statements::Payment;
use steward_domain::phones::views::{self, BillView, StatementView, duration_text};
use steward_domain::phones::{BillPeriod, PhoneNumber, import, lines, marking, statements};
use steward_domain::{Council, Pence};

pub async fn run(app: &App, cmd: PhoneCmd) -> anyhow::Result<u8> {
    match cmd {
        PhoneCmd::Line(c) => line(app, c).await,
        PhoneCmd::Bill(c) => bill(app, c).await,
        PhoneCmd::Statement(c) => statement(app, c).await,
    }
}

async fn line(app: &App, cmd: PhoneLineCmd) -> anyhow::Result<u8> {
    let ctx = app.ctx();
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    match cmd {
        PhoneLineCmd::Add { tag, number } => {
            let number: PhoneNumber = number.parse()?;
            let added = lines::add(&mut tx, &ctx, &council, &tag.parse()?, &number).await?;
            tx.commit().await?;
            app.out.emit(&added, || {
                format!("Registered {} as the line of {tag}.\n", number.readable())
            })?;
        }
        PhoneLineCmd::List { all } => {
            let found = lines::list(&mut tx, &council, all).await?;
            app.out.emit(&found, || lines_table(&found))?;
        }
        PhoneLineCmd::Remove { number } => {
            let number: PhoneNumber = number.parse()?;
            let found = lines::find_number(&mut tx, &council, &number).await?;
            let removed = lines::remove(&mut tx, &ctx, &council, found.id).await?;
            tx.commit().await?;
            app.out.emit(&removed, || {
                format!("{} is no longer a council phone line.\n", number.readable())
            })?;
        }
    }
    Ok(exit::OK)
}

fn money_or_dash(p: Pence, show: bool) -> String {
    if show { p.to_string() } else { "-".into() }
}

async fn bill(app: &App, cmd: PhoneBillCmd) -> anyhow::Result<u8> {
    let ctx = app.ctx();
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    match cmd {
        PhoneBillCmd::Import { file, period } => {
            let period: BillPeriod = period.parse()?;
            let name = file.display().to_string();
            let data = crate::input::read(&file, crate::input::CSV)?;
            let rows = parse_bill(&name, &data)?;
            let done = import::import(&mut tx, &ctx, &council, &name, period, rows).await?;
            tx.commit().await?;
            app.out.emit(&done, || imported_text(&done, period))?;
        }
        PhoneBillCmd::List { list, month } => {
            drop(tx);
            return bill_list(app, &council, &list, month.as_deref()).await;
        }
        PhoneBillCmd::Show { id } => {
            let detail = views::bill_detail(&mut tx, &council, id).await?;
            app.out.emit(&detail, || bill_text(&detail))?;
        }
        PhoneBillCmd::Mine { reference } => {
            let person = people::find(&mut tx, &council, &reference.parse()?).await?;
            let mine = views::mine(&mut tx, &council, person.id).await?;
            app.out.emit(&mine, || mine_text(&mine, &person.name))?;
        }
        PhoneBillCmd::Mark {
            id,
            person,
            personal,
        } => {
            let holder = people::find(&mut tx, &council, &person.parse()?).await?;
            let chosen: BTreeSet<i64> = personal.into_iter().collect();
            let marked = marking::mark(&mut tx, &ctx, &council, holder.id, id, &chosen).await?;
            tx.commit().await?;
            app.out.emit(&marked, || marked_text(id, &marked))?;
        }
    }
    Ok(exit::OK)
}

/// A holder's own items on each bill, newest month first.
pub(crate) fn mine_text(mine: &[views::MyBill], name: &str) -> String {
    let mut text = String::new();
    for b in mine {
        text.push_str(&format!(
            "Bill {}, {}, {} ({}): personal {} of {} items, {}{}\n",
            b.bill_id,
            b.period.label(),
            b.asset_tag,
            b.readable,
            b.personal_items,
            b.calls.len(),
            b.personal_cost,
            match &b.statement {
                Some(s) => format!("; statement {} issued, marking closed", s.statement.id),
                None => String::new(),
            }
        ));
        let mut t = Table::new(&["ITEM", "DATE", "TIME", "CALLED", "WHAT", "COST", "PERSONAL"]);
        for c in &b.calls {
            t.row(vec![
                c.id.to_string(),
                c.called_on.to_string(),
                opt(&c.called_at),
                opt(&c.called),
                opt(&c.description),
                c.cost.to_string(),
                if c.personal {
                    "yes".into()
                } else {
                    "no".into()
                },
            ]);
        }
        text.push_str(&t.render());
        text.push('\n');
    }
    if mine.is_empty() {
        text.push_str(&format!("{name} has no calls on any bill.\n"));
    }
    text
}

/// What marking a bill's items left personal.
pub(crate) fn marked_text(id: i64, marked: &marking::Marked) -> String {
    format!(
        "{} items on bill {id} are marked personal, costing {} ({}).\n",
        marked.personal_items, marked.personal_cost, marked.citation
    )
}

pub(crate) fn statement_text(s: &StatementView) -> String {
    let mut text = format!(
        "Statement {}: {} ({}) owes {} for personal calls on the {} bill of {} ({}), issued {} \
         by {} ({}).\nPaid {}; {}.\n",
        s.statement.id,
        s.person_name,
        s.person,
        s.statement.amount,
        s.period.label(),
        s.asset_tag,
        s.readable,
        s.statement.issued_on,
        s.statement.issued_by,
        s.citation,
        s.paid,
        if s.paid_in_full() {
            "paid in full".to_string()
        } else {
            format!("{} still owed", s.outstanding)
        }
    );
    for p in &s.payments {
        text.push_str(&format!(
            "  {} paid {} (reference {}, recorded by {})\n",
            p.amount,
            p.paid_on,
            opt(&p.reference),
            p.recorded_by
        ));
    }
    text
}

async fn statement(app: &App, cmd: PhoneStatementCmd) -> anyhow::Result<u8> {
    let ctx = app.ctx();
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    match cmd {
        PhoneStatementCmd::Issue { bill, person } => {
            let issued = statements::issue(&mut tx, &ctx, &council, bill, &person.parse()?).await?;
            tx.commit().await?;
            app.out.emit(&issued, || statement_text(&issued))?;
        }
        PhoneStatementCmd::List { list, outstanding } => {
            drop(tx);
            return statement_list(app, &council, &list, outstanding).await;
        }
        PhoneStatementCmd::Show { id } => {
            let found = views::find_statement(&mut tx, &council, id).await?;
            let view = views::statement_view(&mut tx, found).await?;
            app.out.emit(&view, || statement_text(&view))?;
        }
        PhoneStatementCmd::Pay {
            id,
            amount,
            on,
            reference,
        } => {
            let payment = Payment {
                amount: Pence::parse_pounds(&amount)?,
                paid_on: on.unwrap_or(ctx.today),
                reference,
            };
            let view = statements::pay(&mut tx, &ctx, &council, id, payment).await?;
            tx.commit().await?;
            app.out.emit(&view, || statement_text(&view))?;
        }
    }
    Ok(exit::OK)
}

/// `phone bill list`: every bill, or one page, read a page at a time.
async fn bill_list(
    app: &App,
    council: &Council,
    list: &ListArgs,
    month: Option<&str>,
) -> anyhow::Result<u8> {
    let filter = BillFilter {
        period: month.map(str::parse::<BillPeriod>).transpose()?,
    };
    let query = listing::query::<BillSort, _>(list, filter)?;
    let fetched = listing::fetch(list, query, |q| async move {
        let mut tx = app.store.read().await?;
        Ok(lists::bills(&mut tx, council, &q).await?)
    })
    .await?;
    fetched.print(&app.out, ("bill", "bills"), || bills_table(&fetched))?;
    Ok(exit::OK)
}

/// `phone statement list`: every statement (or those still owed), or one page.
async fn statement_list(
    app: &App,
    council: &Council,
    list: &ListArgs,
    outstanding: bool,
) -> anyhow::Result<u8> {
    let query = listing::query::<StatementSort, _>(list, StatementFilter { outstanding })?;
    let fetched = listing::fetch(list, query, |q| async move {
        let mut tx = app.store.read().await?;
        Ok(lists::statements(&mut tx, council, &q).await?)
    })
    .await?;
    fetched.print(&app.out, ("statement", "statements"), || {
        statements_table(&fetched)
    })?;
    Ok(exit::OK)
}

pub(crate) fn lines_table(found: &[LineView]) -> String {
    let mut t = Table::new(&["NUMBER", "PHONE", "HELD BY", "ADDED", "REMOVED"]);
    for l in found {
        t.row(vec![
            l.readable.clone(),
            l.asset_tag.to_string(),
            opt(&l.holder_name),
            l.line.added_on.to_string(),
            opt(&l.line.removed_on),
        ]);
    }
    t.render()
}

pub(crate) fn imported_text(done: &import::Imported, period: BillPeriod) -> String {
    let mut text = format!("Imported the {} bill:\n", period.label());
    for b in &done.bills {
        text.push_str(&format!(
            "  bill {}: {} ({}), {} items, {}; {} made while someone held it\n",
            b.bill.id,
            b.asset_tag,
            b.number.readable(),
            b.items,
            b.total,
            b.attributed
        ));
    }
    text
}

/// One bill with every item, whose holder it was, and each holder's share.
pub(crate) fn bill_text(detail: &views::BillDetail) -> String {
    let names: Vec<(i64, String)> = detail
        .view
        .holders
        .iter()
        .map(|h| (h.person_id, h.person.to_string()))
        .collect();
    let v = &detail.view;
    let mut text = format!(
        "Bill {} for {}: {} ({}), imported {} by {} from {}\n{} items, {}\n\n",
        v.bill.id,
        v.bill.period.label(),
        v.asset_tag,
        v.readable,
        v.bill.imported_on,
        v.bill.imported_by,
        v.bill.source,
        v.items,
        v.total
    );
    let mut t = Table::new(&[
        "ITEM", "DATE", "TIME", "CALLED", "WHAT", "LENGTH", "COST", "HOLDER", "PERSONAL",
    ]);
    for c in &detail.calls {
        let holder = c
            .person_id
            .and_then(|p| names.iter().find(|(id, _)| *id == p))
            .map(|(_, r)| r.clone());
        t.row(vec![
            c.id.to_string(),
            c.called_on.to_string(),
            opt(&c.called_at),
            opt(&c.called),
            opt(&c.description),
            c.duration_seconds
                .map(duration_text)
                .unwrap_or_else(|| "-".into()),
            c.cost.to_string(),
            holder.unwrap_or_else(|| "council".into()),
            if c.personal {
                "yes".into()
            } else {
                "no".into()
            },
        ]);
    }
    text.push_str(&t.render());
    for h in &v.holders {
        text.push_str(&format!(
            "\n{} ({}): {} items, {}; personal {} items, {}; statement: {}",
            h.name,
            h.person,
            h.items,
            h.cost,
            h.personal_items,
            h.personal_cost,
            opt(&h.statement_id)
        ));
    }
    if v.council_items > 0 {
        text.push_str(&format!(
            "\nCouncil use (no one held the phone): {} items, {}",
            v.council_items, v.council_cost
        ));
    }
    text.push('\n');
    text
}

pub(crate) fn bills_table(fetched: &listing::Fetched<BillView>) -> String {
    let mut t = Table::new(&[
        "BILL", "MONTH", "LINE", "PHONE", "ITEMS", "TOTAL", "HELD BY",
    ]);
    for b in fetched.items() {
        let holders: Vec<String> = b.holders.iter().map(|h| h.name.clone()).collect();
        t.row(vec![
            b.bill.id.to_string(),
            b.bill.period.to_string(),
            b.readable.clone(),
            b.asset_tag.to_string(),
            b.items.to_string(),
            b.total.to_string(),
            if holders.is_empty() {
                "-".into()
            } else {
                holders.join(", ")
            },
        ]);
    }
    t.render() + &fetched.footer()
}

pub(crate) fn statements_table(fetched: &listing::Fetched<StatementView>) -> String {
    let mut t = Table::new(&[
        "STATEMENT",
        "PERSON",
        "MONTH",
        "PHONE",
        "OWED",
        "PAID",
        "OUTSTANDING",
        "ISSUED",
        "CLAUSE",
    ]);
    for s in fetched.items() {
        t.row(vec![
            s.statement.id.to_string(),
            format!("{} ({})", s.person_name, s.person),
            s.period.to_string(),
            s.asset_tag.to_string(),
            s.statement.amount.to_string(),
            money_or_dash(s.paid, s.paid.0 > 0),
            s.outstanding.to_string(),
            s.statement.issued_on.to_string(),
            s.citation.to_string(),
        ]);
    }
    t.render() + &fetched.footer()
}
