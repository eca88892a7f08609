//! `steward foi ...` and `steward sar ...`: information requests, as the account given with
//! `--as` (its offices decide what it may see and do), and `steward person export`.

use crate::app::App;
use crate::args::{InfoArgs, InfoCmd};
use crate::cmd::listing;
use crate::exit;
use crate::output::Table;
use std::path::{Path, PathBuf};
use steward_domain::info::InfoKind;
use steward_domain::ops::info::list::{InfoFilter, InfoSort};
use steward_domain::ops::info::{self as ops, InfoView, Receive};
use steward_domain::ops::subject_access;

fn usage(message: impl Into<String>) -> anyhow::Error {
    crate::Exit {
        code: exit::USAGE,
        message: message.into(),
    }
    .into()
}

pub(crate) fn describe(v: &InfoView) -> String {
    let r = &v.request;
    let mut out = format!(
        "{} ({}), received {} from {}\n{}\nDue by {} ({}): {}\nHandled under {}\n",
        r.reference,
        r.kind.label(),
        r.received_on,
        r.requester,
        r.summary,
        v.deadline.due_on,
        v.deadline.rule,
        v.deadline.standing.label(),
        v.citation
    );
    if let Some(s) = &v.subject {
        out.push_str(&format!("About {s}\n"));
    }
    for p in &v.pauses {
        out.push_str(&format!(
            "Clarification asked {}: {}\n",
            p.asked_on,
            p.answered_on
                .map(|d| format!("answered {d}"))
                .unwrap_or_else(|| "still waiting, clock stopped".into())
        ));
    }
    if let (Some(to), Some(why)) = (r.extended_to, &r.extension_reason) {
        out.push_str(&format!("Extended to {to}: {why}\n"));
    }
    for h in &v.helpers {
        out.push_str(&format!(
            "Asked {} ({}) on {} [help {}]: {}\n",
            h.name,
            h.person,
            h.helper.asked_on,
            h.helper.id,
            match (&h.helper.answered_on, &h.helper.answer) {
                (Some(on), Some(a)) => format!("answered {on}: {a}"),
                _ => "not answered".into(),
            }
        ));
    }
    if let Some(on) = r.closed_on {
        out.push_str(&format!(
            "Closed {on}: {}\n",
            r.outcome.clone().unwrap_or_default()
        ));
    }
    out
}

pub async fn run(app: &App, args: InfoArgs, sar: bool) -> anyhow::Result<u8> {
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    let p = app
        .principal(&mut tx, &council, args.acting.as_user.as_deref())
        .await?;
    let ctx = app.ctx_as(&p);
    let kinds = kinds_of(sar);
    let view = match args.command {
        InfoCmd::List { list, all } => {
            drop(tx);
            let filter = InfoFilter {
                kinds: kinds.to_vec(),
                open: (!all).then_some(true),
            };
            let query = listing::query::<InfoSort, _>(&list, filter)?;
            let (council, p, today) = (&council, &p, ctx.today);
            let fetched = listing::fetch(&list, query, |q| async move {
                let mut tx = app.store.read().await?;
                Ok(ops::list::list(&mut tx, council, p, &q, today).await?)
            })
            .await?;
            fetched.print(&app.out, ("request", "requests"), || table(&fetched))?;
            return Ok(exit::OK);
        }
        InfoCmd::Mine => {
            let member = p.member().map_err(|d| usage(d.0))?;
            let mine = ops::my_asks(&mut tx, &member, ctx.today).await?;
            app.out.emit(&mine, || mine_table(&mine))?;
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
            let kind = kind_to_add(sar, eir)?;
            let what = Receive {
                kind,
                requester,
                subject: subject.as_deref().map(str::parse).transpose()?,
                received_on: received,
                summary,
                nation: nation.as_deref().map(str::parse).transpose()?,
            };
            ops::receive(&mut tx, &ctx, &council, &p, what).await?
        }
        InfoCmd::Show { request } => ops::show(&mut tx, &ctx, &council, &p, &request).await?,
        InfoCmd::Pause {
            request,
            asked_on,
            note,
        } => ops::pause(&mut tx, &ctx, &council, &p, &request, asked_on, &note).await?,
        InfoCmd::Resume {
            request,
            answered_on,
        } => ops::resume(&mut tx, &ctx, &council, &p, &request, answered_on).await?,
        InfoCmd::Extend {
            request,
            to,
            reason,
        } => ops::extend(&mut tx, &ctx, &council, &p, &request, to, &reason).await?,
        InfoCmd::Ask {
            request,
            person,
            on,
        } => {
            let on = on.unwrap_or(ctx.today);
            ops::ask(&mut tx, &ctx, &council, &p, &request, &person.parse()?, on).await?
        }
        InfoCmd::Answer {
            request: None,
            helper,
            text,
            ..
        } => {
            let member = p.member().map_err(|d| usage(d.0))?;
            let ask = ops::answer_mine(&mut tx, &ctx, &council, &member, helper, &text).await?;
            tx.commit().await?;
            app.out.emit(&ask, || answered_text(&ask))?;
            return Ok(exit::OK);
        }
        InfoCmd::Answer {
            request: Some(request),
            helper,
            text,
            on,
        } => {
            let on = on.unwrap_or(ctx.today);
            let answer = ops::Answer {
                helper,
                on,
                text: &text,
            };
            ops::answer_for(&mut tx, &ctx, &council, &p, &request, answer).await?
        }
        InfoCmd::Identity { request, on } => {
            ops::identity_checked(&mut tx, &ctx, &council, &p, &request, on).await?
        }
        InfoCmd::Close {
            request,
            on,
            outcome,
        } => ops::close(&mut tx, &ctx, &council, &p, &request, on, &outcome).await?,
    };
    same_kind(&view, sar)?;
    tx.commit().await?;
    app.out.emit(&view, || describe(&view))?;
    Ok(exit::OK)
}

/// The kinds `steward sar` (subject access) or `steward foi` (FOI and EIR) deals with.
pub(crate) fn kinds_of(sar: bool) -> &'static [InfoKind] {
    if sar {
        &[InfoKind::Sar]
    } else {
        &[InfoKind::Foi, InfoKind::Eir]
    }
}

/// The kind of request `add` records.
pub(crate) fn kind_to_add(sar: bool, eir: bool) -> anyhow::Result<InfoKind> {
    Ok(match (sar, eir) {
        (true, true) => return Err(usage("--eir is for `steward foi add`")),
        (true, false) => InfoKind::Sar,
        (false, true) => InfoKind::Eir,
        (false, false) => InfoKind::Foi,
    })
}

/// A usage error when the request is of the other command's kinds.
pub(crate) fn same_kind(view: &InfoView, sar: bool) -> anyhow::Result<()> {
    if kinds_of(sar).contains(&view.request.kind) {
        return Ok(());
    }
    let other = if sar { "steward foi" } else { "steward sar" };
    Err(usage(format!(
        "{} is a {} request; use `{other}`",
        view.request.reference,
        view.request.kind.label().to_lowercase()
    )))
}

pub(crate) fn table(fetched: &listing::Fetched<InfoView>) -> String {
    let mut t = Table::new(&["REF", "RECEIVED", "FROM", "DUE", "STANDING", "SUMMARY"]);
    for v in fetched.items() {
        t.row(vec![
            v.request.reference.clone(),
            v.request.received_on.to_string(),
            v.subject
                .clone()
                .unwrap_or_else(|| v.request.requester.clone()),
            v.deadline.due_on.to_string(),
            v.deadline.standing.label().into(),
            v.request.summary.clone(),
        ]);
    }
    t.render() + &fetched.footer()
}

pub(crate) fn mine_table(mine: &[ops::MyAsk]) -> String {
    let mut t = Table::new(&["HELP", "REF", "ASKED", "COUNCIL DUE", "ANSWERED", "SUMMARY"]);
    for a in mine {
        t.row(vec![
            a.helper_id.to_string(),
            a.reference.clone(),
            a.asked_on.to_string(),
            a.council_due_on.to_string(),
            a.answered_on.map(|d| d.to_string()).unwrap_or_default(),
            a.summary.clone(),
        ]);
    }
    t.render()
}

pub(crate) fn answered_text(ask: &ops::MyAsk) -> String {
    format!("Recorded your answer about {}.\n", ask.reference)
}

fn unwritable(out: &Path, e: std::io::Error) -> anyhow::Error {
    crate::Exit {
        code: exit::INVALID,
        message: format!("{}: the document could not be written: {e}", out.display()),
    }
    .into()
}

/// `bytes` in a temporary file in `out`'s directory, synced to disk, for renaming into place.
fn stage(out: &Path, bytes: &[u8]) -> anyhow::Result<tempfile::NamedTempFile> {
    use std::io::Write;
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(|e| unwritable(out, e))?;
    temp.write_all(bytes).map_err(|e| unwritable(out, e))?;
    temp.as_file().sync_all().map_err(|e| unwritable(out, e))?;
    Ok(temp)
}

/// `steward person export`: the subject access document, as JSON or text, and as a PDF.
pub async fn export(
    app: &App,
    reference: &str,
    as_user: Option<&str>,
    out: Option<PathBuf>,
) -> anyhow::Result<u8> {
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    let p = app.principal(&mut tx, &council, as_user).await?;
    let ctx = app.ctx_as(&p);
    let doc = subject_access::produce(&mut tx, &ctx, &council, &p, &reference.parse()?).await?;
    // The production is audited only once the document is wholly written: the PDF goes to a
    // temporary file beside `out` first, and a failure there drops the transaction.
    let staged = match &out {
        Some(out) => Some(stage(
            out,
            &steward_web::records::pdfs::subject_access(&doc).to_bytes(),
        )?),
        None => None,
    };
    tx.commit().await?;
    if let (Some(out), Some(staged)) = (&out, staged) {
        staged.persist(out).map_err(|e| unwritable(out, e.error))?;
    }
    app.out.emit(&doc, || export_text(&doc, out.as_deref()))?;
    Ok(exit::OK)
}

/// The subject access document in words, and where its PDF went.
pub(crate) fn export_text(
    doc: &subject_access::SubjectAccessDocument,
    out: Option<&Path>,
) -> String {
    let mut text = format!(
        "Information held about {} ({}), {}\n",
        doc.person.name, doc.person.reference, doc.produced_on
    );
    for s in steward_web::records::sections(doc) {
        text.push_str(&format!("\n{}\n", s.title));
        if s.rows.is_empty() {
            text.push_str(&format!("  {}\n", s.empty));
        }
        for row in &s.rows {
            text.push_str(&format!("  {}\n", row.join(" | ")));
        }
    }
    if let Some(out) = out {
        text.push_str(&format!("\nWrote the PDF to {}.\n", out.display()));
    }
    text
}

/// Writes the document's PDF to `out` whole, or not at all.
pub(crate) fn write_pdf(
    doc: &subject_access::SubjectAccessDocument,
    out: &Path,
) -> anyhow::Result<()> {
    let staged = stage(
        out,
        &steward_web::records::pdfs::subject_access(doc).to_bytes(),
    )?;
    staged.persist(out).map_err(|e| unwritable(out, e.error))?;
    Ok(())
}
