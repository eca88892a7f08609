//! Device checks and mailbox forwarding through the API: the files are read and checked here,
//! sent whole, and what the policy makes of them read back.

use super::calls::{ApiPage, Ask, ListAt, seg};
use super::changes::send_rows;
use super::error::RemoteError;
use super::register::{Link, fetch};
use crate::args::{ForwardFindingsArgs, ForwardingCmd, MailCmd, PostureCmd};
use crate::cmd::{mail, posture};
use crate::exit;
use crate::output::FailureKind;
use serde_json::json;
use steward_domain::AssetTag;
use steward_domain::mail::ForwardFinding;
use steward_domain::mail::snapshot::SnapshotFormat;
use steward_domain::ops::mail::forwarding::{self, ForwardSort, Imported};
use steward_domain::ops::posture::{DeviceCompliance, PostureImported};
use steward_domain::posture::parse::{self, Format};
use steward_policy::mail::ForwardOutcome;

pub fn posture(link: &Link<'_>, cmd: PostureCmd) -> anyhow::Result<u8> {
    match cmd {
        PostureCmd::Import {
            file,
            format,
            policy_map,
        } => {
            let (format, map) = posture::format_and_map(&format, policy_map.as_deref())?;
            let name = file.display().to_string();
            // Read and checked here first, so that a mistake names this file and its lines.
            let data = crate::input::read(&file, crate::input::POSTURE)?;
            parse::parse(format, &name, &data, &map)?;
            let text = utf8(&name, data)?;
            let done: PostureImported = match policy_map.filter(|_| format == Format::Fleet) {
                Some(map_file) => {
                    let map_text = crate::input::read_text(&map_file, crate::input::POLICY_MAP)?;
                    let body = json!({ "results": text, "policy_map": map_text });
                    link.remote
                        .send(&Ask::post("/posture/import/fleet", Some(body)))
                        .map_err(|e| match e.rows_of(&name) {
                            Some(rows) => anyhow::Error::from(rows),
                            None => e.into(),
                        })?
                }
                None => {
                    let path = format!("/posture/import/{}", format.word());
                    send_rows(link, &path, &file, text, "text/plain")?
                }
            };
            link.out
                .emit(&done, || posture::imported_text(&done, &name, format))?;
        }
        PostureCmd::Findings { item, all } => {
            let found = match &item {
                Some(tag) => one_item(link, tag)?,
                None => {
                    let mut every = every_reported(link)?;
                    if !all {
                        every.retain(|d| !d.findings.is_empty());
                    }
                    every
                }
            };
            link.out
                .emit(&found, || posture::human(&found, item.is_some()))?;
        }
    }
    Ok(exit::OK)
}

/// One item's compliance, or nothing when no source has reported on it (the API answers
/// "not found" for both, so whether the item exists is asked apart).
fn one_item(link: &Link<'_>, tag: &str) -> anyhow::Result<Vec<DeviceCompliance>> {
    tag.parse::<AssetTag>()?;
    let path = format!("/equipment/{}", seg(tag));
    match link
        .remote
        .send::<Ask<DeviceCompliance>>(&Ask::get(format!("{path}/posture")))
    {
        Ok(one) => Ok(vec![one]),
        Err(e) if e.kind() == FailureKind::NotFound => {
            link.remote
                .send::<Ask<serde_json::Value>>(&Ask::get(path))?;
            Ok(Vec::new())
        }
        Err(e) => Err(e.into()),
    }
}

/// Every item some source has reported on, a page at a time in asset tag order.
fn every_reported(link: &Link<'_>) -> Result<Vec<DeviceCompliance>, RemoteError> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page: ApiPage<DeviceCompliance> = link.remote.send(
            &Ask::get("/posture")
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

/// A file's text, which its parser has already found to be UTF-8.
fn utf8(name: &str, data: Vec<u8>) -> anyhow::Result<String> {
    String::from_utf8(data).map_err(|_| {
        crate::Exit {
            code: exit::INVALID,
            message: format!("{name}: the file is not UTF-8 text"),
        }
        .into()
    })
}

/// The mail commands the API answers: `None` for the milter, which runs beside Postfix.
pub fn mail(link: &Link<'_>, cmd: MailCmd) -> anyhow::Result<Option<u8>> {
    match cmd {
        MailCmd::Forwarding(ForwardingCmd::Import { file, format }) => {
            let format: SnapshotFormat = format.parse().map_err(|m: String| crate::Exit {
                code: exit::USAGE,
                message: m,
            })?;
            let name = file.display().to_string();
            let data = crate::input::read(&file, crate::input::SNAPSHOT)?;
            forwarding::parse(format, &name, &data)?;
            let content = utf8(&name, data)?;
            let done: Imported = link
                .remote
                .send(&Ask::post(
                    "/mail/forwards/import",
                    Some(json!({
                        "format": format.as_str(), "file_name": name, "content": content,
                    })),
                ))
                .map_err(|e| rows_or(e, &name))?;
            link.out.emit(&done, || mail::imported_text(&done, &name))?;
        }
        MailCmd::Forwarding(ForwardingCmd::Findings(args)) => forward_findings(link, args)?,
        MailCmd::Decisions(args) => super::decisions::list(link, args)?,
        MailCmd::Milter(_) => return Ok(None),
    }
    Ok(Some(exit::OK))
}

/// The rows the server refused, against the file's lines, or the failure as it is.
fn rows_or(e: RemoteError, name: &str) -> anyhow::Error {
    match e.rows_of(name) {
        Some(rows) => rows.into(),
        None => e.into(),
    }
}

fn forward_findings(link: &Link<'_>, args: ForwardFindingsArgs) -> anyhow::Result<()> {
    if let Some(r) = &args.person {
        r.parse::<steward_domain::PersonRef>()?;
    }
    if let Some(o) = &args.outcome {
        o.parse::<ForwardOutcome>().map_err(|m| crate::Exit {
            code: exit::USAGE,
            message: format!("--outcome: {m}"),
        })?;
    }
    crate::cmd::listing::query::<ForwardSort, _>(&args.list, ())?;
    let mut call = ListAt::<ForwardFinding>::new("/mail/forwards")
        .with("person", args.person.as_ref())
        .with("outcome", args.outcome.as_ref());
    let found = fetch(&args.list, |w| {
        call.window = w;
        link.remote.send(&call)
    })?;
    found.print(link.out, ("forward", "forwards"), || {
        mail::forwards_table(&found)
    })?;
    Ok(())
}
