use super::listing::{self, Fetched};
use crate::app::App;
use crate::args::AcceptanceCmd;
use crate::exit;
use crate::output::Table;
use steward_domain::ops::acceptance::list::{SignatureFilter, SignatureSort};
use steward_domain::ops::acceptance::{self, PersonAcceptance, Signature};
use steward_domain::ops::acceptance_form::{self, AcceptanceForm};
use steward_policy::decide::AcceptanceStatus;

pub async fn run(app: &App, cmd: AcceptanceCmd) -> anyhow::Result<u8> {
    let ctx = app.ctx();
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    match cmd {
        AcceptanceCmd::Sign {
            reference,
            typed_name,
        } => {
            let signed = acceptance::sign(
                &mut tx,
                &ctx,
                &council,
                &reference.parse()?,
                Signature::Typed { name: typed_name },
            )
            .await?;
            tx.commit().await?;
            app.out.emit(&signed, || signed_text(&signed))?;
        }
        AcceptanceCmd::RecordPaper {
            reference,
            form,
            signed_on,
            recorded_by,
        } => {
            let person: Option<steward_domain::PersonRef> =
                reference.as_deref().map(str::parse).transpose()?;
            let signed = match (&form, &person) {
                (Some(form), _) => {
                    acceptance_form::record_returned(
                        &mut tx,
                        &ctx,
                        &council,
                        form,
                        person.as_ref(),
                        signed_on,
                        recorded_by.parse()?,
                    )
                    .await?
                }
                (None, Some(person)) => {
                    acceptance::sign(
                        &mut tx,
                        &ctx,
                        &council,
                        person,
                        Signature::Paper {
                            signed_on,
                            recorded_by: recorded_by.parse()?,
                        },
                    )
                    .await?
                }
                (None, None) => {
                    return Err(crate::Exit {
                        code: exit::USAGE,
                        message: "say whose form it is, or give its --reference".into(),
                    }
                    .into());
                }
            };
            tx.commit().await?;
            app.out.emit(&signed, || paper_text(&signed))?;
        }
        AcceptanceCmd::Form { person, out } => {
            let form = acceptance_form::form(&mut tx, &ctx, &council, &person.parse()?).await?;
            drop(tx);
            write_form(&app.out, &form, &out)?;
        }
        AcceptanceCmd::List { list, outstanding } => {
            drop(tx);
            let query = listing::query::<SignatureSort, _>(&list, SignatureFilter { outstanding })?;
            let (council, today) = (&council, ctx.today);
            let fetched = listing::fetch(&list, query, |q| async move {
                let mut tx = app.store.read().await?;
                Ok(acceptance::list::list(&mut tx, council, &q, today).await?)
            })
            .await?;
            fetched.print(&app.out, ("person", "people"), || table(&fetched))?;
        }
    }
    Ok(exit::OK)
}

/// Who has signed, as a table.
pub(crate) fn table(fetched: &Fetched<PersonAcceptance>) -> String {
    let mut t = Table::new(&["REF", "NAME", "STATUS", "DETAIL", "CLAUSE"]);
    for a in fetched.items() {
        let (status, detail, clause) = status_words(&a.status);
        t.row(vec![
            a.person.reference.to_string(),
            a.person.name.clone(),
            status.into(),
            detail,
            clause,
        ]);
    }
    t.render() + &fetched.footer()
}

/// The receipt of a typed signature.
pub(crate) fn signed_text(signed: &steward_domain::Acceptance) -> String {
    format!(
        "Signed on {}. Receipt: acceptance {} of policy version hash {}.\n",
        signed.signed_on,
        signed.id,
        signed.pack_hash.chars().take(12).collect::<String>()
    )
}

pub(crate) fn paper_text(signed: &steward_domain::Acceptance) -> String {
    format!(
        "Recorded the paper form signed on {} (acceptance {}).\n",
        signed.signed_on, signed.id
    )
}

/// Writes the form as a PDF to `out` and says so.
pub(crate) fn write_form(
    printer: &crate::output::Out,
    form: &AcceptanceForm,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    let pdf = steward_web::records::pdfs::acceptance_form(form).to_bytes();
    std::fs::write(out, pdf).map_err(|e| crate::Exit {
        code: exit::INVALID,
        message: format!("{}: the form could not be written: {e}", out.display()),
    })?;
    printer.emit(form, || {
        format!(
            "Wrote the acceptance form for {} ({}) to {}; form reference {}.\n",
            form.name,
            form.person,
            out.display(),
            form.reference
        )
    })
}

/// A signature's standing as the table shows it: a word, what lies behind it, the clause.
fn status_words(status: &AcceptanceStatus) -> (&'static str, String, String) {
    match status {
        AcceptanceStatus::NotRequired => ("not required", String::new(), String::new()),
        AcceptanceStatus::Current {
            signed_on,
            until,
            citation,
        } => (
            "signed",
            format!(
                "on {signed_on}{}",
                until
                    .map(|u| format!(", good until {u}"))
                    .unwrap_or_default()
            ),
            citation.to_string(),
        ),
        AcceptanceStatus::Lapsed { reason, citation } => {
            ("lapsed", reason.clone(), citation.to_string())
        }
        AcceptanceStatus::Missing { citation } => {
            ("not signed", String::new(), citation.to_string())
        }
    }
}
