//! Requests and cases through the API, acting as the token's account.

use super::calls::{Ask, ListAt};
use super::error::RemoteError;
use super::register::{Link, fetch};
use crate::args::{CaseArgs, CaseCmd, RaiseArgs, RequestArgs, RequestCmd};
use crate::cmd::{case, request};
use crate::exit;
use crate::output::{FailureKind, Reply};
use serde_json::json;
use steward_domain::ops::case_list::{CaseSort, CaseStates};
use steward_domain::ops::cases::{CaseDetail, CaseView, Closed};
use steward_domain::ops::requests::list::{RequestSort, StateChoice};
use steward_domain::ops::requests::{Decided, Raised, RequestDetail, RequestView};
use steward_domain::workflow::{
    Case, CaseNote, Request, RequestEvent, RequestKind, RequestTask, Withdrawal,
};
use steward_domain::{AssetTag, PersonRef};

fn invalid(message: String) -> anyhow::Error {
    crate::Exit {
        code: exit::INVALID,
        message,
    }
    .into()
}

pub fn requests(link: &Link<'_>, args: RequestArgs) -> anyhow::Result<u8> {
    let (remote, out) = (link.remote, link.out);
    match args.command {
        RequestCmd::Raise(raise) if request::is_misuse(&raise.kind) => {
            if raise.person.is_some() {
                return Err(invalid(
                    "--for: a report of misuse is made by whoever saw it; leave out --for".into(),
                ));
            }
            let raised: case::Raised = remote.send(&Ask::post(
                "/cases",
                Some(json!({ "summary": raise.summary, "details": "" })),
            ))?;
            case::raised(out, &raised, case::misuse_words(&raised))?;
        }
        RequestCmd::Raise(raise) => {
            let raised = raise_request(link, *raise)?;
            let words = request::raised_words(&raised);
            let reply = Reply::new(&raised.request, words.clone()).decision(&raised.route)?;
            out.reply(reply, || words)?;
        }
        RequestCmd::List {
            list,
            state,
            late,
            assigned,
            office,
        } => {
            if let Some(s) = &state {
                s.parse::<StateChoice>()
                    .map_err(|e: String| invalid(format!("--state: {e}")))?;
            }
            if let Some(a) = &assigned
                && a != "me"
                && a != "nobody"
            {
                return Err(invalid("--assigned: give me or nobody".into()));
            }
            if let Some(o) = &office
                && !steward_policy::OfficeId::is_well_formed(o)
            {
                return Err(invalid(format!(
                    "--office: '{o}' is not an office identifier"
                )));
            }
            crate::cmd::listing::query::<RequestSort, _>(&list, ())?;
            let mut call = ListAt::<RequestView>::new("/requests")
                .with("state", state)
                .with("late", late.then_some(true))
                .with("assigned", assigned)
                .with("office", office);
            let fetched = fetch(&list, |w| {
                call.window = w;
                remote.send(&call)
            })?;
            fetched.print(out, ("request", "requests"), || {
                request::table(fetched.items()) + &fetched.footer()
            })?;
        }
        RequestCmd::Show { id } => {
            let d: RequestDetail = remote.send(&Ask::get(format!("/requests/{id}")))?;
            out.emit(&d, || request::detail_text(&d))?;
        }
        RequestCmd::Comment { id, text, internal } => {
            let e: RequestEvent = remote.send(&Ask::post(
                format!("/requests/{id}/comments"),
                Some(json!({ "text": text, "internal": internal })),
            ))?;
            out.emit(&e, || format!("Comment added to request {id}.\n"))?;
        }
        RequestCmd::Assign { id, to } => {
            let r: Request = remote.send(&Ask::post(
                format!("/requests/{id}/assign"),
                Some(json!({ "to": to })),
            ))?;
            // The request as its reader sees it names whoever now has it.
            let d: RequestDetail = remote.send(&Ask::get(format!("/requests/{id}")))?;
            let who = d.view.assignee.map(|p| p.name).unwrap_or_default();
            out.emit(&r, || request::assigned_text(&r, &who))?;
        }
        RequestCmd::Approve { id, reason } => decide(link, id, "approve", reason)?,
        RequestCmd::Refuse { id, reason } => decide(link, id, "refuse", reason)?,
        RequestCmd::Done { id, task, note } => {
            let t: RequestTask = remote.send(&Ask::post(
                format!("/requests/{id}/tasks/{task}/done"),
                Some(json!({ "note": note })),
            ))?;
            out.emit(&t, || format!("Done: {}.\n", t.title))?;
        }
        RequestCmd::Resolve {
            id,
            outcome,
            method,
            certificate,
            dispose,
        } => {
            let erasure = method.map(|method| {
                json!({ "method": method, "certificate": certificate, "dispose": dispose })
            });
            let r: Request = remote.send(&Ask::post(
                format!("/requests/{id}/resolve"),
                Some(json!({ "outcome": outcome, "erasure": erasure })),
            ))?;
            out.emit(&r, || format!("Request {id} is resolved.\n"))?;
        }
        RequestCmd::Withdraw { id, reason } => {
            let r: Request = remote.send(&Ask::post(
                format!("/requests/{id}/withdraw"),
                Some(json!({ "reason": reason })),
            ))?;
            out.emit(&r, || format!("Request {id} is withdrawn.\n"))?;
        }
    }
    Ok(exit::OK)
}

fn decide(link: &Link<'_>, id: i64, decision: &str, reason: String) -> anyhow::Result<()> {
    let d: Decided = link.remote.send(&Ask::post(
        format!("/requests/{id}/decision"),
        Some(json!({ "decision": decision, "reason": reason })),
    ))?;
    link.out.emit(&d, || request::decided_text(&d))
}

/// Raises a request: as an officer for someone or for the council, else as a member for
/// themselves, as the command does on a database.
fn raise_request(link: &Link<'_>, args: RaiseArgs) -> anyhow::Result<Raised> {
    if let RequestKind::Recall = args.kind.parse::<RequestKind>()? {
        return Err(invalid(
            "recalls are made with `steward loan recall`".into(),
        ));
    }
    if let Some(p) = &args.person {
        p.parse::<PersonRef>()?;
    }
    if let Some(t) = &args.equipment {
        t.parse::<AssetTag>()?;
    }
    let for_someone = args.person.is_some();
    let mut body = json!({
        "kind": args.kind.trim(), "person": args.person, "equipment": args.equipment,
        "summary": args.summary, "until": args.until, "software": args.software,
        "licence": args.licence, "host": args.host, "stolen": args.stolen,
        "noticed_on": args.noticed_on, "place": args.place,
        "police_reference": args.police_reference, "address": args.address,
        "dispose": args.dispose, "duty": args.duty,
    });
    match link
        .remote
        .send(&Ask::post("/requests", Some(body.clone())))
    {
        Err(e) if e.kind() == FailureKind::Forbidden && !for_someone => {
            // Not an officer: a member's own request.
            if let Some(map) = body.as_object_mut() {
                map.remove("person");
            }
            Ok(link.remote.send(&Ask::post("/me/requests", Some(body)))?)
        }
        Err(e) if e.kind() == FailureKind::Forbidden => Err(RemoteError::Problem {
            kind: FailureKind::Forbidden,
            detail: "only officers raise requests for someone else; leave out --for".into(),
            field: None,
            errors: Vec::new(),
        }
        .into()),
        other => Ok(other?),
    }
}

pub fn cases(link: &Link<'_>, args: CaseArgs) -> anyhow::Result<u8> {
    let (remote, out) = (link.remote, link.out);
    match args.command {
        CaseCmd::Raise {
            subject,
            summary,
            details,
            anonymous,
        } => {
            if let Some(s) = &subject {
                s.parse::<PersonRef>()?;
            }
            let raised: case::Raised = remote.send(&Ask::post(
                "/cases",
                Some(json!({
                    "subject": subject, "summary": summary, "details": details,
                    "anonymous": anonymous,
                })),
            ))?;
            let words = match anonymous {
                true => case::anonymous_words(&raised),
                false => format!("Concern raised as case {}.\n", raised.id),
            };
            case::raised(out, &raised, words)?;
        }
        CaseCmd::List { list, state } => {
            if let Some(s) = &state {
                s.parse::<CaseStates>().map_err(|e: String| crate::Exit {
                    code: exit::INVALID,
                    message: format!("--state: {e}"),
                })?;
            }
            crate::cmd::listing::query::<CaseSort, _>(&list, ())?;
            let mut call = ListAt::<CaseView>::new("/cases").with("state", state);
            let fetched = fetch(&list, |w| {
                call.window = w;
                remote.send(&call)
            })?;
            fetched.print(out, ("case", "cases"), || case::table(&fetched))?;
        }
        CaseCmd::Show { id } => {
            let d: CaseDetail = remote.send(&Ask::get(format!("/cases/{id}")))?;
            out.emit(&d, || case::detail_text(&d))?;
        }
        CaseCmd::Note { id, text } => {
            let n: CaseNote = remote.send(&Ask::post(
                format!("/cases/{id}/notes"),
                Some(json!({ "text": text })),
            ))?;
            out.emit(&n, || format!("Note added to case {id}.\n"))?;
        }
        CaseCmd::Escalate { id, reason } => {
            let c: Case = remote.send(&Ask::post(
                format!("/cases/{id}/escalate"),
                Some(json!({ "reason": reason })),
            ))?;
            out.emit(&c, || case::escalated_text(&c))?;
        }
        CaseCmd::Close {
            id,
            outcome,
            note,
            equipment,
        } => {
            let outcome = case::outcome(&outcome)?;
            if let Some(t) = &equipment {
                t.parse::<AssetTag>()?;
            }
            let closed: Closed = remote.send(&Ask::post(
                format!("/cases/{id}/close"),
                Some(json!({ "outcome": outcome, "note": note, "equipment": equipment })),
            ))?;
            out.emit(&closed, || case::closed_text(id, &closed))?;
        }
        CaseCmd::RestoreAccess { id } => {
            let w: Withdrawal =
                remote.send(&Ask::post(format!("/cases/{id}/restore-access"), None))?;
            out.emit(&w, || format!("Access restored from {}.\n", w.from))?;
        }
    }
    Ok(exit::OK)
}
