//! Corrections, imports, offices, terms, leavers and the subject access document for people,
//! and corrections, imports, PAT tests and states for equipment, through the API.

use super::calls::{Ask, seg};
use super::register::Link;
use crate::args::{AddressCmd, EquipmentCmd, OfficeCmd, PersonCmd, WebIdentityCmd};
use crate::cmd::{equipment, info, network, person};
use crate::exit;
use serde::Deserialize;
use serde_json::json;
use steward_domain::network::ProxyUser;
use steward_domain::ops::network::identities::{self, IdentityLine, IdentitySort, ItemAddresses};
use steward_domain::ops::people::{Leaving, PersonDetail};
use steward_domain::ops::subject_access::SubjectAccessDocument;
use steward_domain::{AssetTag, Equipment, OfficeHolding, Person, PersonRef, Term};
use steward_policy::{EquipmentState, PersonKind, TermEndReason};

#[derive(Deserialize)]
struct Imported {
    imported: usize,
}

/// Sends a file's rows as text of the `media` type; the problems the server finds in them are
/// reported against the file and its lines, as on a database.
pub(super) fn send_rows<T: serde::de::DeserializeOwned>(
    link: &Link<'_>,
    path: &str,
    file: &std::path::Path,
    text: String,
    media: &'static str,
) -> anyhow::Result<T> {
    link.remote
        .send(&Ask::post_text(path, text, media))
        .map_err(|e| match e.rows_of(&file.display().to_string()) {
            Some(rows) => anyhow::Error::from(rows),
            None => e.into(),
        })
}

/// A CSV file read and checked here, so that its mistakes name the file and its lines as on
/// a database; the server checks it again.
pub(super) fn csv_file(
    file: &std::path::Path,
    check: impl Fn(&str, &[u8]) -> anyhow::Result<usize>,
) -> anyhow::Result<String> {
    let name = file.display().to_string();
    let data = crate::input::read(file, crate::input::CSV)?;
    check(&name, &data)?;
    String::from_utf8(data).map_err(|_| {
        crate::Exit {
            code: exit::INVALID,
            message: format!("{name}: the file is not UTF-8 text"),
        }
        .into()
    })
}

fn person_path(reference: &str, rest: &str) -> anyhow::Result<String> {
    reference.parse::<PersonRef>()?;
    Ok(format!("/people/{}{rest}", seg(reference)))
}

pub fn people(link: &Link<'_>, cmd: PersonCmd) -> anyhow::Result<Option<u8>> {
    let (remote, out) = (link.remote, link.out);
    match cmd {
        PersonCmd::Edit {
            reference,
            name,
            email,
            kind,
            household,
        } => {
            if let Some(k) = &kind {
                k.parse::<PersonKind>()?;
            }
            if name.is_none() && email.is_none() && kind.is_none() && household.is_none() {
                return Err(crate::Exit {
                    code: exit::INVALID,
                    message: "say what to correct: --name, --email, --kind or --household".into(),
                }
                .into());
            }
            let p: Person = remote.send(&Ask::post(
                person_path(&reference, "/edit")?,
                Some(json!({ "name": name, "email": email, "kind": kind, "household": household })),
            ))?;
            out.emit(&p, || person::edited_text(&p))?;
        }
        PersonCmd::Import { file } => {
            let csv = csv_file(&file, |name, data| {
                Ok(steward_domain::import::parse_people(name, data)?.len())
            })?;
            let done: Imported = send_rows(link, "/people/import", &file, csv, "text/csv")?;
            person::imported(out, done.imported, "people")?;
        }
        PersonCmd::Office(OfficeCmd::Add {
            reference,
            office,
            from,
        }) => {
            person::office_id(&office)?;
            let held: OfficeHolding = remote.send(&Ask::post(
                person_path(&reference, "/offices")?,
                Some(json!({ "office": office, "from": from.or(link.as_of) })),
            ))?;
            out.emit(&held, || person::holds_text(&reference, &office, &held))?;
        }
        PersonCmd::Office(OfficeCmd::End {
            reference,
            office,
            on,
        }) => {
            person::office_id(&office)?;
            let held: OfficeHolding = remote.send(&Ask::post(
                person_path(&reference, &format!("/offices/{}/end", seg(&office)))?,
                Some(json!({ "on": on.or(link.as_of) })),
            ))?;
            out.emit(&held, || person::ended_text(&reference, &office, &held))?;
        }
        PersonCmd::Term {
            reference,
            from,
            until,
        } => {
            let path = person_path(&reference, "")?;
            let who: PersonDetail = remote.send(&Ask::get(path.clone()))?;
            let term: Term = remote.send(&Ask::post(
                format!("{path}/terms"),
                Some(json!({ "from": from, "until": until })),
            ))?;
            out.emit(&term, || {
                format!("{} starts a term on {from}.\n", who.person.name)
            })?;
        }
        PersonCmd::Leave {
            reference,
            on,
            reason,
        } => {
            let why: TermEndReason = reason.parse()?;
            let left_on = on.or(link.as_of);
            let leaving: Leaving = remote.send(&Ask::post(
                person_path(&reference, "/leave")?,
                Some(json!({ "on": left_on, "reason": reason })),
            ))?;
            let day = leaving.left_on;
            out.emit(&leaving, || person::left_text(&leaving, day, why))?;
        }
        PersonCmd::LeaveMany { file } => {
            let csv = csv_file(&file, |name, data| {
                Ok(steward_domain::import::parse_leavers(name, data)?.len())
            })?;
            let left: Vec<Leaving> = send_rows(link, "/people/leave", &file, csv, "text/csv")?;
            out.emit(&left, || person::leavers_text(&left))?;
        }
        PersonCmd::WebIdentity(c) => return web_identity(link, c),
        PersonCmd::Export {
            reference,
            out: pdf,
            ..
        } => {
            // The token's account asks for it, as `--as` would name one on a database.
            let doc: SubjectAccessDocument =
                remote.send(&Ask::get(person_path(&reference, "/subject-access")?))?;
            if let Some(file) = &pdf {
                info::write_pdf(&doc, file)?;
            }
            out.emit(&doc, || info::export_text(&doc, pdf.as_deref()))?;
        }
        _ => return Ok(None),
    }
    Ok(Some(exit::OK))
}

fn item_path(tag: &str, rest: &str) -> anyhow::Result<String> {
    tag.parse::<AssetTag>()?;
    Ok(format!("/equipment/{}{rest}", seg(tag)))
}

pub fn items(link: &Link<'_>, cmd: EquipmentCmd) -> anyhow::Result<Option<u8>> {
    let (remote, out) = (link.remote, link.out);
    match cmd {
        EquipmentCmd::Edit {
            tag,
            model,
            serial,
            cost,
            purchased_on,
        } => {
            equipment::edit_of(
                model.clone(),
                serial.clone(),
                cost.as_deref(),
                purchased_on.as_deref(),
            )?;
            let item: Equipment = remote.send(&Ask::post(
                item_path(&tag, "/edit")?,
                Some(json!({
                    "model": model, "serial": serial, "replacement_cost": cost,
                    "purchased_on": purchased_on,
                })),
            ))?;
            out.emit(&item, || equipment::edited_text(&item))?;
        }
        EquipmentCmd::Import { file } => {
            let csv = csv_file(&file, |name, data| {
                Ok(steward_domain::import::parse_equipment(name, data)?.len())
            })?;
            let done: Imported = send_rows(link, "/equipment/import", &file, csv, "text/csv")?;
            person::imported(out, done.imported, "items")?;
        }
        EquipmentCmd::PatTest { tag, on } => {
            let item: Equipment = remote.send(&Ask::post(
                item_path(&tag, "/pat-test")?,
                Some(json!({ "on": on.or(link.as_of) })),
            ))?;
            out.emit(&item, || equipment::tested_text(&item))?;
        }
        EquipmentCmd::State { tag, state } => {
            state.parse::<EquipmentState>()?;
            let item: Equipment = remote.send(&Ask::post(
                item_path(&tag, "/state")?,
                Some(json!({ "state": state })),
            ))?;
            out.emit(&item, || {
                format!("{} is now {}.\n", item.asset_tag, item.state)
            })?;
        }
        EquipmentCmd::Address(c) => return address(link, c).map(Some),
        _ => return Ok(None),
    }
    Ok(Some(exit::OK))
}

/// The names the web proxy knows a person by, through the API.
pub fn web_identity(link: &Link<'_>, cmd: WebIdentityCmd) -> anyhow::Result<Option<u8>> {
    let (remote, out) = (link.remote, link.out);
    match cmd {
        WebIdentityCmd::Add {
            reference,
            username,
        } => {
            let user: ProxyUser = remote.send(&Ask::post(
                person_path(&reference, "/web-identities")?,
                Some(json!({ "username": username })),
            ))?;
            out.emit(&user, || network::known_text(&reference, &user, true))?;
        }
        WebIdentityCmd::Remove {
            reference,
            username,
        } => {
            let user: ProxyUser = remote.send(&Ask::post(
                person_path(&reference, "/web-identities/remove")?,
                Some(json!({ "username": username })),
            ))?;
            out.emit(&user, || network::known_text(&reference, &user, false))?;
        }
        WebIdentityCmd::List {
            reference: Some(reference),
            list,
        } => {
            network::one_person_only(&list)?;
            let line: IdentityLine =
                remote.send(&Ask::get(person_path(&reference, "/web-identities")?))?;
            let lines = vec![line];
            out.emit(&lines, || network::identities_table(&lines))?;
        }
        WebIdentityCmd::List {
            reference: None,
            list,
        } => {
            crate::cmd::listing::query::<IdentitySort, _>(&list, ())?;
            let mut call = super::calls::ListIdentities {
                window: super::calls::Window::default(),
                as_of: link.as_of,
            };
            let fetched = super::register::fetch(&list, |w| {
                call.window = w;
                remote.send(&call)
            })?;
            fetched.print(out, ("person", "people"), || {
                network::identities_table(fetched.items()) + &fetched.footer()
            })?;
        }
    }
    Ok(Some(exit::OK))
}

/// An item's network addresses, through the API.
pub fn address(link: &Link<'_>, cmd: AddressCmd) -> anyhow::Result<u8> {
    let (tag, addresses) = match cmd {
        AddressCmd::Set { tag, addresses } => {
            for a in &addresses {
                identities::network_address(a)?;
            }
            (tag, addresses)
        }
        AddressCmd::Clear { tag } => (tag, Vec::new()),
    };
    let done: ItemAddresses = link.remote.send(&Ask::post(
        item_path(&tag, "/addresses")?,
        Some(json!({ "addresses": addresses })),
    ))?;
    link.out.emit(&done, || network::addresses_text(&done))?;
    Ok(exit::OK)
}

/// What scanning the proxy's logs found, through the API; the token's account reads it.
pub fn findings(link: &Link<'_>, args: crate::args::FindingsArgs) -> anyhow::Result<u8> {
    if let Some(r) = &args.person {
        r.parse::<PersonRef>()?;
    }
    crate::cmd::listing::query::<steward_domain::ops::network::list::FindingSort, _>(
        &args.list,
        (),
    )?;
    let mut call =
        super::calls::ListAt::<steward_domain::ops::network::view::FindingView>::new("/findings")
            .with("person", args.person.as_ref())
            .with("category", args.category.as_ref())
            .with("from", args.from)
            .with("to", args.to);
    let found = super::register::fetch(&args.list, |w| {
        call.window = w;
        link.remote.send(&call)
    })?;
    found.print(link.out, ("finding", "findings"), || {
        crate::cmd::filter::findings::table(&found)
    })?;
    Ok(exit::OK)
}
