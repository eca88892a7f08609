use crate::app::App;
use crate::args::{CaseArgs, CaseCmd};
use crate::cmd::listing::{self, Fetched};
use crate::exit;
use crate::output::{Out, Reply, Table};
use serde::{Deserialize, Serialize};
use steward_domain::ops::case_list::{self, CaseFilter, CaseSort, CaseStates};
use steward_domain::ops::cases::{self, CaseDetail, CaseView, Concern, OutcomeDetails, Raiser};
use steward_domain::workflow::Case;
use steward_policy::OfficeId;
use steward_policy::model::Outcome;

pub(crate) fn outcome(text: &str) -> anyhow::Result<Outcome> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_string())).map_err(|_| {
        crate::Exit {
            code: exit::INVALID,
            message: format!(
                "'{text}' is not an outcome; use no_action, advice, restrict_software, \
                 remove_information, withdraw_access, replacement_charge, disciplinary, \
                 code_of_conduct_complaint or police"
            ),
        }
        .into()
    })
}

pub async fn run(app: &App, args: CaseArgs) -> anyhow::Result<u8> {
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    // A concern raised anonymously needs no account: it may have come by post.
    if let CaseCmd::Raise {
        subject,
        summary,
        details,
        anonymous: true,
    } = &args.command
    {
        let concern = Concern {
            subject: subject.as_deref().map(str::parse).transpose()?,
            summary: summary.clone(),
            details: details.clone(),
        };
        let case = cases::raise(&mut tx, &app.ctx(), &council, Raiser::Anonymous, concern).await?;
        tx.commit().await?;
        let case = Raised::of(&case);
        raised(&app.out, &case, anonymous_words(&case))?;
        return Ok(exit::OK);
    }
    let p = app
        .principal(&mut tx, &council, args.acting.as_user.as_deref())
        .await?;
    let ctx = app.ctx_as(&p);
    match args.command {
        CaseCmd::Raise {
            subject,
            summary,
            details,
            ..
        } => {
            let officer = p.officer();
            let member = p.member();
            let raiser = match (&officer, &member) {
                (Ok(o), _) => Raiser::Officer(o),
                (Err(_), Ok(m)) => Raiser::Member(m),
                (Err(d), Err(_)) => {
                    return Err(crate::Exit {
                        code: exit::FORBIDDEN,
                        message: format!("{d}; raise it with --anonymous instead"),
                    }
                    .into());
                }
            };
            let concern = Concern {
                subject: subject.as_deref().map(str::parse).transpose()?,
                summary,
                details,
            };
            let case = cases::raise(&mut tx, &ctx, &council, raiser, concern).await?;
            tx.commit().await?;
            let case = Raised::of(&case);
            raised(
                &app.out,
                &case,
                format!("Concern raised as case {}.\n", case.id),
            )?;
        }
        CaseCmd::List { list, state } => {
            drop(tx);
            let state: CaseStates = match state.as_deref() {
                Some(s) => s.parse().map_err(|e: String| crate::Exit {
                    code: exit::INVALID,
                    message: format!("--state: {e}"),
                })?,
                None => CaseStates::All,
            };
            let query = listing::query::<CaseSort, _>(&list, CaseFilter { state })?;
            let (council, p, today) = (&council, &p, app.today());
            let fetched = listing::fetch(&list, query, |q| async move {
                let mut tx = app.store.read().await?;
                Ok(case_list::list(&mut tx, council, p, &q, today).await?)
            })
            .await?;
            fetched.print(&app.out, ("case", "cases"), || table(&fetched))?;
            return Ok(exit::OK);
        }
        CaseCmd::Show { id } => {
            let d = cases::open(&mut tx, &ctx, &council, &p, id).await?;
            tx.commit().await?;
            app.out.emit(&d, || detail_text(&d))?;
        }
        CaseCmd::Note { id, text } => {
            let n = cases::note(&mut tx, &ctx, &council, &p, id, &text).await?;
            tx.commit().await?;
            app.out.emit(&n, || format!("Note added to case {id}.\n"))?;
        }
        CaseCmd::Escalate { id, reason } => {
            let c = cases::escalate(&mut tx, &ctx, &council, &p, id, &reason).await?;
            tx.commit().await?;
            app.out.emit(&c, || escalated_text(&c))?;
        }
        CaseCmd::Close {
            id,
            outcome: word,
            note,
            equipment,
        } => {
            let details = OutcomeDetails {
                note,
                equipment: equipment.as_deref().map(str::parse).transpose()?,
            };
            let closed =
                cases::close(&mut tx, &ctx, &council, &p, id, outcome(&word)?, details).await?;
            tx.commit().await?;
            app.out.emit(&closed, || closed_text(id, &closed))?;
        }
        CaseCmd::RestoreAccess { id } => {
            let w = cases::restore_access(&mut tx, &ctx, &council, &p, id).await?;
            tx.commit().await?;
            app.out
                .emit(&w, || format!("Access restored from {}.\n", w.from))?;
        }
    }
    Ok(exit::OK)
}

/// What whoever raised a concern learns: that it went, and where. The case itself is for its
/// handlers.
#[derive(Serialize, Deserialize)]
pub(crate) struct Raised {
    pub id: i64,
    pub handlers: Vec<OfficeId>,
    pub clause: String,
    pub document: String,
}

impl Raised {
    pub fn of(case: &Case) -> Raised {
        Raised {
            id: case.id,
            handlers: case.handlers.clone(),
            clause: case.clause.clone(),
            document: case.document.clone(),
        }
    }

    fn handler_words(&self) -> String {
        let names: Vec<String> = self.handlers.iter().map(ToString::to_string).collect();
        names.join(" or ")
    }
}

pub(crate) fn anonymous_words(case: &Raised) -> String {
    format!(
        "Concern raised anonymously as case {}; it goes to {}.\n",
        case.id,
        case.handler_words()
    )
}

/// A report of misuse by others, raised as a case.
pub(crate) fn misuse_words(case: &Raised) -> String {
    let citation = steward_policy::Citation {
        clause: case.clause.clone(),
        document: case.document.clone(),
    };
    format!(
        "Report of misuse raised as case {}; it goes to {} ({citation}).\n",
        case.id,
        case.handler_words(),
    )
}

/// A raised case as `data`, and where the policy sends it as `decision`.
pub(crate) fn raised(out: &Out, case: &Raised, words: String) -> anyhow::Result<()> {
    let decision = serde_json::json!({
        "handlers": case.handlers,
        "clause": case.clause,
        "document": case.document,
    });
    let reply = Reply::new(case, words.clone()).decision(&decision)?;
    out.reply(reply, || words)
}

pub(crate) fn table(fetched: &Fetched<CaseView>) -> String {
    let mut t = Table::new(&["ID", "STATE", "ABOUT", "HANDLERS", "RAISED"]);
    for v in fetched.items() {
        t.row(vec![
            v.case.id.to_string(),
            v.case.state.words().to_string(),
            v.subject
                .as_ref()
                .map(|s| s.reference.to_string())
                .unwrap_or_else(|| "-".into()),
            v.handler_names.join(" or "),
            crate::uk_time::london(v.case.created_at)
                .format("%Y-%m-%d")
                .to_string(),
        ]);
    }
    t.render() + &fetched.footer()
}

pub(crate) fn detail_text(d: &CaseDetail) -> String {
    let c = &d.view.case;
    let mut out = format!(
        "Case {} ({}): {}\n{}\nHandled by {} (clause {}, {})\n",
        c.id,
        c.state.words(),
        c.summary,
        c.details,
        d.view.handler_names.join(" or "),
        c.clause,
        c.document
    );
    for n in &d.notes {
        out.push_str(&format!(
            "  {} {}: {}\n",
            n.at.format("%Y-%m-%d %H:%M"),
            n.actor,
            n.text
        ));
    }
    out
}

pub(crate) fn escalated_text(c: &Case) -> String {
    format!(
        "Case {} escalated to {} (clause {}).\n",
        c.id,
        c.escalated_to
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        c.escalation_clause.clone().unwrap_or_default()
    )
}

pub(crate) fn closed_text(id: i64, closed: &cases::Closed) -> String {
    let mut out = format!("Case {id} closed.\n");
    for line in &closed.done {
        out.push_str(&format!("  {line}\n"));
    }
    out
}
