use crate::app::App;
use crate::args::{RaiseArgs, RequestArgs, RequestCmd};
use crate::cmd::listing;
use crate::exit;
use crate::output::{Reply, Table, opt};
use chrono::{DateTime, Utc};
use steward_domain::ops::cases::{self, Concern, Raiser};
use steward_domain::ops::requests::list::{Assigned, RequestFilter, RequestSort, StateChoice};
use steward_domain::ops::requests::{self, DetailFields, ErasureRecord, Raise, RequestView};
use steward_domain::repo::RegisterTx;
use steward_domain::workflow::{Decision, RequestKind};
use steward_policy::model::ReportKind;
use steward_policy::requests::unnamed_words;

/// A moment on the clock in London.
fn when(at: &DateTime<Utc>) -> String {
    crate::uk_time::london(*at)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

async fn person_name(app: &App, council_id: i64, person: i64) -> anyhow::Result<String> {
    let mut tx = app.store.read().await?;
    Ok(tx
        .person(council_id, person)
        .await?
        .map(|p| p.name)
        .unwrap_or_default())
}

fn raise_of(args: RaiseArgs, app: &App) -> anyhow::Result<(Option<String>, Raise)> {
    let kind = match args.kind.parse::<RequestKind>()? {
        RequestKind::Report(kind) => kind,
        RequestKind::Recall => {
            return Err(crate::Exit {
                code: exit::INVALID,
                message: "recalls are made with `steward loan recall`".into(),
            }
            .into());
        }
    };
    let fields = DetailFields {
        until: args.until,
        software: args.software,
        licence: args.licence,
        host: args.host,
        stolen: Some(args.stolen),
        noticed_on: args.noticed_on,
        place: args.place,
        police_reference: args.police_reference,
        address: args.address,
        at: None,
        dispose: Some(args.dispose),
        duty: args.duty,
    };
    let details = fields.into_details(kind, app.today(), app.now())?;
    let equipment = args.equipment.as_deref().map(str::parse).transpose()?;
    Ok((
        args.person,
        Raise {
            kind,
            equipment,
            summary: args.summary,
            details,
        },
    ))
}

pub(crate) fn table(views: &[RequestView]) -> String {
    let mut t = Table::new(&[
        "ID", "KIND", "STATE", "FOR", "ITEM", "OFFICE", "ASSIGNED", "DUE", "LATE",
    ]);
    for v in views {
        let r = &v.request;
        t.row(vec![
            r.id.to_string(),
            r.kind.to_string(),
            r.state.as_str().to_string(),
            v.requester
                .as_ref()
                .map(|p| p.reference.to_string())
                .unwrap_or_else(|| "-".into()),
            opt(&v.asset_tag),
            r.handler.to_string(),
            v.assignee
                .as_ref()
                .map(|p| p.reference.to_string())
                .unwrap_or_else(|| "-".into()),
            r.due_at.as_ref().map(when).unwrap_or_else(|| "-".into()),
            if v.late { "late" } else { "" }.to_string(),
        ]);
    }
    t.render()
}

pub async fn run(app: &App, args: RequestArgs) -> anyhow::Result<u8> {
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    let p = app
        .principal(&mut tx, &council, args.acting.as_user.as_deref())
        .await?;
    let ctx = app.ctx_as(&p);
    match args.command {
        RequestCmd::Raise(raise) if is_misuse(&raise.kind) => {
            return misuse(app, tx, &council, &p, *raise).await;
        }
        RequestCmd::Raise(raise) => {
            let (person, raise) = raise_of(*raise, app)?;
            let raised = match (p.officer(), person) {
                (Ok(access), person) => {
                    let person = person.as_deref().map(str::parse).transpose()?;
                    requests::raise_as_officer(
                        &mut tx,
                        &ctx,
                        &council,
                        &access,
                        person.as_ref(),
                        raise,
                    )
                    .await?
                }
                (Err(_), Some(_)) => {
                    return Err(crate::Exit {
                        code: exit::FORBIDDEN,
                        message: "only officers raise requests for someone else; leave out --for"
                            .into(),
                    }
                    .into());
                }
                (Err(_), None) => {
                    let access = p.member()?;
                    requests::raise_for_self(&mut tx, &ctx, &council, &access, raise).await?
                }
            };
            tx.commit().await?;
            let words = raised_words(&raised);
            let reply = Reply::new(&raised.request, words.clone()).decision(&raised.route)?;
            app.out.reply(reply, || words)?;
        }
        RequestCmd::List {
            list,
            state,
            late,
            assigned,
            office,
        } => {
            drop(tx);
            let invalid = |message: String| crate::Exit {
                code: exit::INVALID,
                message,
            };
            let state: StateChoice = match state.as_deref() {
                Some(s) => s
                    .parse()
                    .map_err(|e: String| invalid(format!("--state: {e}")))?,
                None => StateChoice::All,
            };
            let assigned = match assigned.as_deref() {
                None => None,
                Some("me") => Some(Assigned::To(p.user.person_id.ok_or_else(|| {
                    invalid("--assigned me: this account is not linked to a person".into())
                })?)),
                Some("nobody") => Some(Assigned::Nobody),
                Some(_) => return Err(invalid("--assigned: give me or nobody".into()).into()),
            };
            let office = office
                .map(|o| {
                    if steward_policy::OfficeId::is_well_formed(&o) {
                        Ok(steward_policy::OfficeId(o))
                    } else {
                        Err(invalid(format!(
                            "--office: '{o}' is not an office identifier"
                        )))
                    }
                })
                .transpose()?;
            let now = app.now();
            let filter = RequestFilter {
                state,
                office,
                late_at: late.then_some(now),
                assigned,
            };
            let query = listing::query::<RequestSort, _>(&list, filter)?;
            let (council, p) = (&council, &p);
            let fetched = listing::fetch(&list, query, |q| async move {
                let mut tx = app.store.read().await?;
                Ok(requests::list::list(&mut tx, council, p, &q, now).await?)
            })
            .await?;
            fetched.print(&app.out, ("request", "requests"), || {
                table(fetched.items()) + &fetched.footer()
            })?;
            return Ok(exit::OK);
        }
        RequestCmd::Show { id } => {
            let d = requests::detail(&mut tx, &council, &p, id, app.now()).await?;
            app.out.emit(&d, || detail_text(&d))?;
        }
        RequestCmd::Comment { id, text, internal } => {
            let e = requests::comment(&mut tx, &ctx, &council, &p, id, &text, internal).await?;
            tx.commit().await?;
            app.out
                .emit(&e, || format!("Comment added to request {id}.\n"))?;
        }
        RequestCmd::Assign { id, to } => {
            let r = requests::assign(&mut tx, &ctx, &council, &p, id, to.as_deref()).await?;
            tx.commit().await?;
            let who = match r.assignee_id {
                Some(person) => person_name(app, council.id, person).await?,
                None => String::new(),
            };
            app.out.emit(&r, || assigned_text(&r, &who))?;
        }
        RequestCmd::Approve { id, reason } => {
            decide(app, tx, &council, &p, id, Decision::Approve, &reason).await?;
        }
        RequestCmd::Refuse { id, reason } => {
            decide(app, tx, &council, &p, id, Decision::Refuse, &reason).await?;
        }
        RequestCmd::Done { id, task, note } => {
            let t = requests::complete_task(&mut tx, &ctx, &council, &p, id, task, &note).await?;
            tx.commit().await?;
            app.out.emit(&t, || format!("Done: {}.\n", t.title))?;
        }
        RequestCmd::Resolve {
            id,
            outcome,
            method,
            certificate,
            dispose,
        } => {
            let erasure = method.map(|method| ErasureRecord {
                method,
                certificate,
                dispose,
            });
            let r = requests::resolve(&mut tx, &ctx, &council, &p, id, &outcome, erasure).await?;
            tx.commit().await?;
            app.out
                .emit(&r, || format!("Request {id} is resolved.\n"))?;
        }
        RequestCmd::Withdraw { id, reason } => {
            let r = requests::withdraw(&mut tx, &ctx, &council, &p, id, &reason).await?;
            tx.commit().await?;
            app.out
                .emit(&r, || format!("Request {id} is withdrawn.\n"))?;
        }
    }
    Ok(exit::OK)
}

async fn decide(
    app: &App,
    mut tx: steward_store::StoreTx,
    council: &steward_domain::Council,
    p: &steward_domain::auth::Principal,
    id: i64,
    decision: Decision,
    reason: &str,
) -> anyhow::Result<()> {
    let ctx = app.ctx_as(p);
    let d = requests::decide(&mut tx, &ctx, council, p, id, decision, reason).await?;
    tx.commit().await?;
    app.out.emit(&d, || decided_text(&d))?;
    Ok(())
}

/// What a decision did: the request's new state, or that others must still decide.
pub(crate) fn decided_text(d: &requests::Decided) -> String {
    let id = d.request.id;
    match &d.outcome {
        Some(done) => format!("Request {id} is {}: {done}\n", d.request.state.words()),
        None => format!("Recorded; request {id} still awaits other approvals.\n"),
    }
}

pub(crate) fn assigned_text(r: &steward_domain::workflow::Request, who: &str) -> String {
    format!(
        "Request {} is assigned to {who} and {}.\n",
        r.id,
        r.state.words().to_lowercase()
    )
}

/// One request with its follow-ups and history.
pub(crate) fn detail_text(d: &requests::RequestDetail) -> String {
    let r = &d.view.request;
    let mut out = format!(
        "Request {}: {} ({})\n{}\nHandled by {} ({})\n",
        r.id,
        r.kind.title(),
        r.state.words(),
        r.summary,
        r.handler_name,
        requests::citation(r)
    );
    for t in &d.tasks {
        let mark = if t.done_at.is_some() { "x" } else { " " };
        out.push_str(&format!("  [{mark}] {} {}\n", t.id, t.title));
    }
    for e in &d.events {
        out.push_str(&format!("  {} {}: {}\n", when(&e.at), e.actor, e.text));
    }
    out
}

/// What raising a request did, in words: where it went, by when, who must agree.
pub(crate) fn raised_words(raised: &requests::Raised) -> String {
    let r = &raised.request;
    let mut out = format!(
        "Request {}: {} sent to {} ({}).\n",
        r.id,
        r.kind.title(),
        raised.route.handler_name,
        raised.route.citation
    );
    if let RequestKind::Report(kind) = r.kind
        && let Some(words) = unnamed_words(
            kind,
            None,
            raised.route.routing,
            &raised.route.handler_name,
            &raised.route.citation,
        )
    {
        out.push_str(&words);
        out.push('\n');
    }
    if let Some(due) = &r.due_at {
        out.push_str(&format!("To be acted on by {}.\n", when(due)));
    }
    if let Some(a) = &raised.route.approval {
        out.push_str(&format!(
            "It needs the agreement of {} ({}).\n",
            a.approvers
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(if a.agreement == steward_policy::model::Agreement::All {
                    " and "
                } else {
                    " or "
                }),
            a.citation
        ));
    }
    for line in &raised.done {
        out.push_str(&format!("  {line}\n"));
    }
    out
}

/// Whether `kind` is a report of someone else's misuse, which the pack routes like a request
/// but which is handled as a breach case.
pub(crate) fn is_misuse(kind: &str) -> bool {
    kind.trim() == RequestKind::Report(ReportKind::MisuseByOthers).as_str()
}

/// A report of someone else's misuse: a concern, opened as a case for the offices the pack's
/// `misuse_by_others` routes name.
async fn misuse(
    app: &App,
    mut tx: steward_store::StoreTx,
    council: &steward_domain::Council,
    p: &steward_domain::auth::Principal,
    args: RaiseArgs,
) -> anyhow::Result<u8> {
    if args.person.is_some() {
        return Err(crate::Exit {
            code: exit::INVALID,
            message: "--for: a report of misuse is made by whoever saw it; leave out --for".into(),
        }
        .into());
    }
    let (officer, member) = (p.officer(), p.member());
    let raiser = match (&officer, &member) {
        (Ok(o), _) => Raiser::Officer(o),
        (Err(_), Ok(m)) => Raiser::Member(m),
        (Err(d), Err(_)) => {
            return Err(crate::Exit {
                code: exit::FORBIDDEN,
                message: format!("{d}; raise it with `steward case raise --anonymous` instead"),
            }
            .into());
        }
    };
    let concern = Concern {
        subject: None,
        summary: args.summary,
        details: String::new(),
    };
    let case = cases::raise(&mut tx, &app.ctx_as(p), council, raiser, concern).await?;
    tx.commit().await?;
    let case = super::case::Raised::of(&case);
    super::case::raised(&app.out, &case, super::case::misuse_words(&case))?;
    Ok(exit::OK)
}
