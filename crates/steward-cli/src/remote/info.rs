//! FOI, EIR and subject access requests (`steward foi`, `steward sar`) through the API.

use super::calls::{Ask, ListAt, seg};
use super::register::{Link, fetch};
use crate::args::{InfoArgs, InfoCmd};
use crate::cmd::info;
use crate::exit;
use serde_json::{Value, json};
use steward_domain::PersonRef;
use steward_domain::ops::info::list::InfoSort;
use steward_domain::ops::info::{InfoView, MyAsk};

pub fn run(link: &Link<'_>, args: InfoArgs, sar: bool) -> anyhow::Result<u8> {
    let (remote, out) = (link.remote, link.out);
    let path = |key: &str, action: &str| format!("/information-requests/{}/{action}", seg(key));
    // A command on one request first reads it, so that one of the other command's kinds is
    // refused before anything is written, as on a database.
    let act = |key: &str, action: &str, body: Value| -> anyhow::Result<InfoView> {
        let seen: InfoView =
            remote.send(&Ask::get(format!("/information-requests/{}", seg(key))))?;
        info::same_kind(&seen, sar)?;
        Ok(remote.send(&Ask::post(path(key, action), Some(body)))?)
    };
    let view = match args.command {
        InfoCmd::List { list, all } => {
            crate::cmd::listing::query::<InfoSort, _>(&list, ())?;
            let kinds: Vec<&str> = info::kinds_of(sar).iter().map(|k| k.as_str()).collect();
            let mut call = ListAt::<InfoView>::new("/information-requests")
                .with("kind", Some(kinds.join(",")))
                .with("open", (!all).then_some(true))
                .with("as_of", link.as_of);
            let fetched = fetch(&list, |w| {
                call.window = w;
                remote.send(&call)
            })?;
            fetched.print(out, ("request", "requests"), || info::table(&fetched))?;
            return Ok(exit::OK);
        }
        InfoCmd::Mine => {
            let mine: Vec<MyAsk> = remote.send(&Ask::get("/me/information-requests"))?;
            out.emit(&mine, || info::mine_table(&mine))?;
            return Ok(exit::OK);
        }
        InfoCmd::Answer {
            request: None,
            helper,
            text,
            ..
        } => {
            let ask: MyAsk = remote.send(&Ask::post(
                format!("/me/information-requests/{helper}/answer"),
                Some(json!({ "answer": text })),
            ))?;
            out.emit(&ask, || info::answered_text(&ask))?;
            return Ok(exit::OK);
        }
        InfoCmd::Add {
            requester,
            summary,
            received,
            eir,
            subject,
            nation,
        } => {
            let kind = info::kind_to_add(sar, eir)?;
            if let Some(s) = &subject {
                s.parse::<PersonRef>()?;
            }
            remote.send(&Ask::post(
                "/information-requests",
                Some(json!({
                    "kind": kind.as_str(), "requester": requester, "subject": subject,
                    "received_on": received, "summary": summary, "nation": nation,
                })),
            ))?
        }
        InfoCmd::Show { request } => remote.send(
            &Ask::get(format!("/information-requests/{}", seg(&request))).with("as_of", link.as_of),
        )?,
        InfoCmd::Pause {
            request,
            asked_on,
            note,
        } => act(
            &request,
            "pause",
            json!({ "asked_on": asked_on, "note": note }),
        )?,
        InfoCmd::Resume {
            request,
            answered_on,
        } => act(&request, "resume", json!({ "answered_on": answered_on }))?,
        InfoCmd::Extend {
            request,
            to,
            reason,
        } => act(&request, "extend", json!({ "to": to, "reason": reason }))?,
        InfoCmd::Ask {
            request,
            person,
            on,
        } => {
            person.parse::<PersonRef>()?;
            let on = on.or(link.as_of);
            act(&request, "ask", json!({ "person": person, "asked_on": on }))?
        }
        InfoCmd::Answer {
            request: Some(request),
            helper,
            text,
            on,
        } => {
            let on = on.or(link.as_of);
            act(
                &request,
                "answer",
                json!({ "helper": helper, "answered_on": on, "answer": text }),
            )?
        }
        InfoCmd::Identity { request, on } => {
            act(&request, "identity", json!({ "checked_on": on }))?
        }
        InfoCmd::Close {
            request,
            on,
            outcome,
        } => act(
            &request,
            "close",
            json!({ "closed_on": on, "outcome": outcome }),
        )?,
    };
    info::same_kind(&view, sar)?;
    out.emit(&view, || info::describe(&view))?;
    Ok(exit::OK)
}
