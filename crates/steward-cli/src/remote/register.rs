//! The register's commands through the API: people, equipment, loans and what is due.

use super::calls::{self, ApiPage, Window};
use super::client::Remote;
use super::error::RemoteError;
use crate::args::{Command, DueArgs, EquipmentCmd, ListArgs, LoanCmd, PersonCmd};
use crate::cmd::listing::{self, Fetched};
use crate::cmd::{due, equipment, loan, person};
use crate::exit;
use crate::output::{Failure, Out, Reply};
use chrono::NaiveDate;
use steward_domain::listing::{MAX_LIMIT, Total};
use steward_domain::ops::due::DueSort;
use steward_domain::ops::equipment::list::EquipmentSort;
use steward_domain::ops::loans::list::{LoanShow, LoanSort};
use steward_domain::ops::people::list::PeopleSort;
use steward_domain::{AssetTag, Pence, PersonRef};
use steward_policy::{EquipmentKind, EquipmentState, PersonKind};

/// What a command sent to the server needs: the client, how to print, and the day asked for.
pub struct Link<'a> {
    pub remote: &'a Remote,
    pub out: &'a Out,
    pub as_of: Option<NaiveDate>,
}

/// Whether the API answers `command`.
pub fn answers(command: &Command) -> bool {
    match command {
        Command::Person(_) | Command::Equipment(_) => true,
        // Every loan command has its request.
        Command::Loan(_) => true,
        Command::Due(_) => true,
        Command::Token(_) | Command::User(_) | Command::Audit(_) | Command::Policy(_) => true,
        Command::Report(_) | Command::Outbox(_) | Command::Acceptance(_) => true,
        Command::Request(_) | Command::Case(_) | Command::Foi(_) | Command::Sar(_) => true,
        Command::Retention(_) | Command::Phone(_) | Command::Posture(_) => true,
        // The milter runs beside Postfix; the rest of mail has its requests.
        Command::Mail(c) => !matches!(c, crate::args::MailCmd::Milter(_)),
        Command::Filter(crate::args::FilterCmd::Findings(_)) => true,
        Command::Council(crate::args::CouncilCmd::Oidc(crate::args::OidcCmd::Show)) => true,
        Command::Directory(crate::args::DirectoryCmd::Show) => true,
        _ => false,
    }
}

/// Runs `command` on the server; `None` if the API does not answer it.
pub fn run(link: &Link<'_>, command: Command) -> anyhow::Result<Option<u8>> {
    match command {
        Command::Person(c) => people(link, c),
        Command::Equipment(c) => items(link, c),
        Command::Loan(c) => loans(link, c),
        Command::Due(args) => due_list(link, &args).map(Some),
        Command::Token(c) => super::oversight::tokens(link, c).map(Some),
        Command::User(c) => super::oversight::users(link, c),
        Command::Audit(c) => super::oversight::audit(link, c),
        Command::Policy(c) => super::oversight::policy(link, c),
        Command::Report(args) => super::oversight::report(link, args).map(Some),
        Command::Outbox(c) => super::oversight::outbox(link, c),
        Command::Acceptance(c) => super::signatures::run(link, c),
        Command::Request(args) => super::workflow::requests(link, args).map(Some),
        Command::Case(args) => super::workflow::cases(link, args).map(Some),
        Command::Foi(args) => super::info::run(link, args, false).map(Some),
        Command::Retention(c) => super::oversight::retention(link, c).map(Some),
        Command::Phone(c) => super::phones::run(link, c),
        Command::Filter(crate::args::FilterCmd::Findings(args)) => {
            super::changes::findings(link, args).map(Some)
        }
        Command::Sar(args) => super::info::run(link, args, true).map(Some),
        Command::Posture(c) => super::devices::posture(link, c).map(Some),
        Command::Council(crate::args::CouncilCmd::Oidc(crate::args::OidcCmd::Show)) => {
            super::oversight::sign_in(link).map(Some)
        }
        Command::Directory(crate::args::DirectoryCmd::Show) => {
            super::oversight::directory(link).map(Some)
        }
        Command::Mail(c) => super::devices::mail(link, c),
        _ => Ok(None),
    }
}

/// Every row of a list (read a page at a time), or the one page `--limit` asks for.
pub(super) fn fetch<T>(
    list: &ListArgs,
    mut page: impl FnMut(Window) -> Result<ApiPage<T>, RemoteError>,
) -> anyhow::Result<Fetched<T>> {
    if let Some(limit) = list.limit {
        let got = page(Window::of(list, limit))?;
        return Ok(Fetched::Page {
            total: got.total.unwrap_or(Total::Exactly(got.items.len() as u64)),
            next_cursor: got.next_cursor,
            previous_cursor: got.previous_cursor,
            items: got.items,
        });
    }
    let mut window = Window::of(list, MAX_LIMIT);
    let mut all = Vec::new();
    loop {
        let got = page(window.clone())?;
        all.extend(got.items);
        match got.next_cursor {
            Some(cursor) => window.cursor = Some(cursor),
            None => break,
        }
    }
    Ok(Fetched::All(all))
}

fn people(link: &Link<'_>, cmd: PersonCmd) -> anyhow::Result<Option<u8>> {
    let (remote, out) = (link.remote, link.out);
    match cmd {
        PersonCmd::Add(a) => {
            // The same checks as on a database first, so that a mistake reads the same.
            a.reference.parse::<PersonRef>()?;
            a.kind.parse::<PersonKind>()?;
            for office in &a.offices {
                person::office_id(office)?;
            }
            let added = remote.send(&calls::AddPerson {
                reference: a.reference,
                name: a.name,
                kind: a.kind,
                email: a.email,
                household: a.household,
                term_start: a.term_start.or(link.as_of),
                term_end: a.term_end,
                offices: a.offices,
            })?;
            out.emit(&added, || person::registered(&added))?;
        }
        PersonCmd::List {
            list,
            kind,
            in_office,
            not_in_office,
        } => {
            if let Some(k) = &kind {
                k.parse::<PersonKind>()?;
            }
            listing::query::<PeopleSort, _>(&list, ())?;
            let mut call = calls::ListPeople {
                window: Window::default(),
                kind,
                in_office: match (in_office, not_in_office) {
                    (true, _) => Some(true),
                    (_, true) => Some(false),
                    _ => None,
                },
                as_of: link.as_of,
            };
            let fetched = fetch(&list, |w| {
                call.window = w;
                remote.send(&call)
            })?;
            fetched.print(out, ("person", "people"), || person::people_table(&fetched))?;
        }
        PersonCmd::Show { reference } => {
            reference.parse::<PersonRef>()?;
            let detail = remote.send(&calls::ShowPerson { reference })?;
            out.emit(&detail, || person::detail_text(&detail))?;
        }
        other => return super::changes::people(link, other),
    }
    Ok(Some(exit::OK))
}

fn items(link: &Link<'_>, cmd: EquipmentCmd) -> anyhow::Result<Option<u8>> {
    let (remote, out) = (link.remote, link.out);
    match cmd {
        EquipmentCmd::Add(a) => {
            a.tag.parse::<AssetTag>()?;
            a.kind.parse::<EquipmentKind>()?;
            Pence::parse_pounds(&a.cost)?;
            let added = remote.send(&calls::AddEquipment {
                asset_tag: a.tag,
                kind: a.kind,
                model: a.model,
                serial: a.serial,
                purchased_on: a.purchased,
                replacement_cost: a.cost,
                pat_tested_on: a.pat_tested,
                encrypted: a.encrypted,
            })?;
            out.emit(&added, || equipment::registered(&added))?;
        }
        EquipmentCmd::List { list, kind, state } => {
            if let Some(k) = &kind {
                k.parse::<EquipmentKind>()?;
            }
            if let Some(s) = &state {
                s.parse::<EquipmentState>()?;
            }
            listing::query::<EquipmentSort, _>(&list, ())?;
            let mut call = calls::ListEquipment {
                window: Window::default(),
                kind,
                state,
            };
            let fetched = fetch(&list, |w| {
                call.window = w;
                remote.send(&call)
            })?;
            fetched.print(out, ("item", "items"), || {
                equipment::equipment_table(&fetched)
            })?;
        }
        EquipmentCmd::Show { tag } => {
            tag.parse::<AssetTag>()?;
            let detail = remote.send(&calls::ShowEquipment { tag })?;
            out.emit(&detail, || {
                equipment::show_text(&detail.equipment, detail.open_loan.as_ref())
            })?;
        }
        other => return super::changes::items(link, other),
    }
    Ok(Some(exit::OK))
}

fn lend(a: &crate::args::IssueArgs) -> anyhow::Result<calls::Lend> {
    a.reference.parse::<PersonRef>()?;
    a.tag.parse::<AssetTag>()?;
    if let Some(r) = &a.authorised_by {
        r.parse::<PersonRef>()?;
    }
    Ok(calls::Lend {
        person: a.reference.clone(),
        asset_tag: a.tag.clone(),
        authorised_by: a.authorised_by.clone(),
    })
}

fn loans(link: &Link<'_>, cmd: LoanCmd) -> anyhow::Result<Option<u8>> {
    let (remote, out) = (link.remote, link.out);
    match cmd {
        LoanCmd::Check(a) => {
            let check = remote.send(&calls::CheckLoan(lend(&a)?))?;
            let words = loan::describe_decision(&check.decision);
            if !check.decision.is_allowed() {
                let failure = Failure::refused("issue", &check.decision.refusals);
                return Ok(Some(out.failed(&check, &failure, || words)?));
            }
            let reply = Reply::new(&check, words.clone()).decision(&check.decision)?;
            out.reply(reply, || words)?;
        }
        LoanCmd::Issue(a) => {
            let issued = remote.send(&calls::IssueLoan(lend(&a)?))?;
            let words = loan::issued_words(&issued, &a.tag, &a.reference);
            let reply = Reply::new(&issued.loan, words.clone()).decision(&issued.decision)?;
            out.reply(reply, || words)?;
        }
        LoanCmd::List { list, show, all } => {
            let show = match (show, all) {
                (_, true) => LoanShow::All,
                (Some(s), _) => s.parse::<LoanShow>().map_err(|e| crate::Exit {
                    code: exit::INVALID,
                    message: format!("--show: {e}"),
                })?,
                (None, false) => LoanShow::Open,
            };
            listing::query::<LoanSort, _>(&list, ())?;
            let mut call = calls::ListLoans {
                window: Window::default(),
                show: show.as_str().to_string(),
                as_of: link.as_of,
            };
            let fetched = fetch(&list, |w| {
                call.window = w;
                remote.send(&call)
            })?;
            fetched.print(out, ("loan", "loans"), || loan::loans_table(&fetched))?;
        }
        LoanCmd::Show { id } => {
            let view = remote.send(&calls::ShowLoan {
                id,
                as_of: link.as_of,
            })?;
            out.emit(&view, || loan::view_text(&view))?;
        }
        LoanCmd::Return { id } => {
            let returned = remote.send(&calls::ReturnLoan { id })?;
            out.emit(&returned, || loan::returned_words(id, &returned))?;
        }
        LoanCmd::Extend {
            id,
            until,
            approved_by,
            reason,
        } => {
            for r in &approved_by {
                r.parse::<PersonRef>()?;
            }
            let ext = remote.send(&calls::ExtendLoan {
                id,
                until,
                approved_by,
                reason,
            })?;
            out.emit(&ext, || loan::extended_words(id, &ext))?;
        }
        LoanCmd::Recall { id, by, return_by } => {
            by.parse::<PersonRef>()?;
            let recalled = remote.send(&calls::RecallLoan { id, by, return_by })?;
            out.emit(&recalled, || loan::recalled_words(id, &recalled))?;
        }
        LoanCmd::Charge { id } => {
            let charge = remote.send(&calls::ChargeLoan { id })?;
            out.emit(&charge, || loan::charged_words(id, &charge))?;
        }
    }
    Ok(Some(exit::OK))
}

fn due_list(link: &Link<'_>, args: &DueArgs) -> anyhow::Result<u8> {
    due::kind_of(args)?;
    listing::query::<DueSort, _>(&args.list, ())?;
    let mut call = calls::Due {
        window: Window::default(),
        kind: args.kind.clone(),
        as_of: link.as_of,
    };
    // The heading and counts are the same on every page; the last page read gives them.
    let mut head = None;
    let fetched = fetch(&args.list, |w| {
        call.window = w;
        let got = link.remote.send(&call)?;
        head = Some((got.council, got.as_of, got.policy, got.counts));
        Ok(got.page)
    })?;
    let Some((council, as_of, policy, counts)) = head else {
        return Err(RemoteError::Unreachable {
            address: "the server".into(),
            reason: "it answered no page of what is due".into(),
        }
        .into());
    };
    let printed = due::Printed {
        council: &council,
        as_of,
        policy: policy.as_deref(),
        counts: &counts,
        items: fetched.items(),
    };
    let reply = Reply::new(&printed, fetched.outcome("item due", "items due")).page(fetched.page());
    link.out
        .reply(reply, || due::human(&printed, &fetched.footer()))?;
    Ok(exit::OK)
}
