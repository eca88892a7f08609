//! Council phone lines, their bills and the statements of personal calls, through the API.

use super::calls::{ApiPage, Ask, ListAt};
use super::changes::{csv_file, send_rows};
use super::register::{Link, fetch};
use super::signatures::own_account;
use crate::args::{PhoneBillCmd, PhoneCmd, PhoneLineCmd, PhoneStatementCmd};
use crate::cmd::phone;
use crate::exit;
use serde_json::json;
use steward_domain::phones::import::Imported;
use steward_domain::phones::lines::LineView;
use steward_domain::phones::lists::{BillSort, StatementSort};
use steward_domain::phones::marking::Marked;
use steward_domain::phones::views::{BillDetail, BillView, MyBill, StatementView};
use steward_domain::phones::{BillPeriod, PhoneLine, PhoneNumber};
use steward_domain::{AssetTag, Pence, PersonRef};

pub fn run(link: &Link<'_>, cmd: PhoneCmd) -> anyhow::Result<Option<u8>> {
    match cmd {
        PhoneCmd::Line(c) => lines(link, c).map(Some),
        PhoneCmd::Bill(c) => bills(link, c),
        PhoneCmd::Statement(c) => statements(link, c).map(Some),
    }
}

/// Every line the council has had, removed ones too, a page at a time.
fn every_line(link: &Link<'_>) -> anyhow::Result<Vec<LineView>> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page: ApiPage<LineView> = link.remote.send(
            &Ask::get("/phone-lines")
                .with("limit", Some(steward_domain::listing::MAX_LIMIT))
                .with("cursor", cursor.take()),
        )?;
        all.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(all),
        }
    }
}

/// Every bill with the token's holder's own items, a page at a time.
fn every_bill_of_mine(link: &Link<'_>) -> anyhow::Result<Vec<MyBill>> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page: ApiPage<MyBill> = link.remote.send(
            &Ask::get("/me/phone-bills")
                .with("limit", Some(steward_domain::listing::MAX_LIMIT))
                .with("cursor", cursor.take()),
        )?;
        all.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(all),
        }
    }
}

fn lines(link: &Link<'_>, cmd: PhoneLineCmd) -> anyhow::Result<u8> {
    let (remote, out) = (link.remote, link.out);
    match cmd {
        PhoneLineCmd::Add { tag, number } => {
            let parsed: PhoneNumber = number.parse()?;
            tag.parse::<AssetTag>()?;
            let added: PhoneLine = remote.send(&Ask::post(
                "/phone-lines",
                Some(json!({ "asset_tag": tag, "number": number })),
            ))?;
            out.emit(&added, || {
                format!("Registered {} as the line of {tag}.\n", parsed.readable())
            })?;
        }
        PhoneLineCmd::List { all } => {
            let mut found = every_line(link)?;
            if !all {
                found.retain(|l| l.line.removed_on.is_none());
            }
            out.emit(&found, || phone::lines_table(&found))?;
        }
        PhoneLineCmd::Remove { number } => {
            let parsed: PhoneNumber = number.parse()?;
            let line = every_line(link)?
                .into_iter()
                .find(|l| l.line.number == parsed && l.line.removed_on.is_none())
                .ok_or_else(|| {
                    steward_domain::DomainError::not_found("phone line", parsed.readable())
                })?;
            let removed: PhoneLine = remote.send(&Ask::post(
                format!("/phone-lines/{}/remove", line.line.id),
                None,
            ))?;
            out.emit(&removed, || {
                format!("{} is no longer a council phone line.\n", parsed.readable())
            })?;
        }
    }
    Ok(exit::OK)
}

fn bills(link: &Link<'_>, cmd: PhoneBillCmd) -> anyhow::Result<Option<u8>> {
    let (remote, out) = (link.remote, link.out);
    match cmd {
        PhoneBillCmd::Import { file, period } => {
            let month: BillPeriod = period.parse()?;
            let csv = csv_file(&file, |name, data| {
                Ok(steward_domain::phones::bill::parse_bill(name, data)?.len())
            })?;
            let done: Imported = send_rows(
                link,
                &format!("/phone-bills/import/{month}"),
                &file,
                csv,
                "text/csv",
            )?;
            out.emit(&done, || phone::imported_text(&done, month))?;
        }
        PhoneBillCmd::List { list, month } => {
            if let Some(m) = &month {
                m.parse::<BillPeriod>()?;
            }
            crate::cmd::listing::query::<BillSort, _>(&list, ())?;
            let mut call = ListAt::<BillView>::new("/phone-bills").with("month", month);
            let fetched = fetch(&list, |w| {
                call.window = w;
                remote.send(&call)
            })?;
            fetched.print(out, ("bill", "bills"), || phone::bills_table(&fetched))?;
        }
        PhoneBillCmd::Show { id } => {
            let detail: BillDetail = remote.send(&Ask::get(format!("/phone-bills/{id}")))?;
            out.emit(&detail, || phone::bill_text(&detail))?;
        }
        // A holder's own items and marks are theirs to see and make, so only with their own
        // token (`/me/phone-bills`).
        PhoneBillCmd::Mine { reference } => {
            let me = own_account(link, &reference, "reads their own calls")?;
            let mut mine = every_bill_of_mine(link)?;
            // The API pages by bill; the holder reads the newest month first.
            mine.sort_by(|a, b| b.period.cmp(&a.period).then(b.bill_id.cmp(&a.bill_id)));
            out.emit(&mine, || phone::mine_text(&mine, &me.name))?;
        }
        PhoneBillCmd::Mark {
            id,
            person,
            personal,
        } => {
            own_account(link, &person, "marks their own calls")?;
            let chosen: std::collections::BTreeSet<i64> = personal.into_iter().collect();
            let marked: Marked = remote.send(&Ask::post(
                format!("/me/phone-bills/{id}/personal"),
                Some(json!({ "personal": chosen })),
            ))?;
            out.emit(&marked, || phone::marked_text(id, &marked))?;
        }
    }
    Ok(Some(exit::OK))
}

fn statements(link: &Link<'_>, cmd: PhoneStatementCmd) -> anyhow::Result<u8> {
    let (remote, out) = (link.remote, link.out);
    let view: StatementView = match cmd {
        PhoneStatementCmd::Issue { bill, person } => {
            person.parse::<PersonRef>()?;
            remote.send(&Ask::post(
                format!("/phone-bills/{bill}/statements"),
                Some(json!({ "person": person })),
            ))?
        }
        PhoneStatementCmd::List { list, outstanding } => {
            crate::cmd::listing::query::<StatementSort, _>(&list, ())?;
            let mut call = ListAt::<StatementView>::new("/phone-statements")
                .with("outstanding", outstanding.then_some(true));
            let fetched = fetch(&list, |w| {
                call.window = w;
                remote.send(&call)
            })?;
            fetched.print(out, ("statement", "statements"), || {
                phone::statements_table(&fetched)
            })?;
            return Ok(exit::OK);
        }
        PhoneStatementCmd::Show { id } => {
            remote.send(&Ask::get(format!("/phone-statements/{id}")))?
        }
        PhoneStatementCmd::Pay {
            id,
            amount,
            on,
            reference,
        } => {
            Pence::parse_pounds(&amount)?;
            remote.send(&Ask::post(
                format!("/phone-statements/{id}/payments"),
                Some(json!({
                    "amount": amount, "paid_on": on.or(link.as_of), "reference": reference,
                })),
            ))?
        }
    };
    out.emit(&view, || phone::statement_text(&view))?;
    Ok(exit::OK)
}
