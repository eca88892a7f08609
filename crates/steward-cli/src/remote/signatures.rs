//! Signatures of the acceptable-use policy through the API.

use super::calls::{Ask, ListAt, seg};
use super::register::{Link, fetch};
use crate::args::AcceptanceCmd;
use crate::cmd::acceptance;
use crate::exit;
use steward_domain::ops::acceptance::PersonAcceptance;
use steward_domain::ops::acceptance::list::SignatureSort;
use steward_domain::ops::acceptance_form::AcceptanceForm;
use steward_domain::{Acceptance, PersonRef};

pub fn run(link: &Link<'_>, cmd: AcceptanceCmd) -> anyhow::Result<Option<u8>> {
    let (remote, out) = (link.remote, link.out);
    match cmd {
        AcceptanceCmd::List { list, outstanding } => {
            crate::cmd::listing::query::<SignatureSort, _>(&list, ())?;
            let mut call = ListAt::<PersonAcceptance>::new("/acceptances")
                .with("outstanding", outstanding.then_some(true))
                .with("as_of", link.as_of);
            let fetched = fetch(&list, |w| {
                call.window = w;
                remote.send(&call)
            })?;
            fetched.print(out, ("person", "people"), || acceptance::table(&fetched))?;
        }
        AcceptanceCmd::RecordPaper {
            reference,
            form,
            signed_on,
            recorded_by,
        } => {
            let Some(person) = reference else {
                return Err(crate::Exit {
                    code: exit::USAGE,
                    message: "with --server, say whose form it is as well as its --reference"
                        .into(),
                }
                .into());
            };
            person.parse::<PersonRef>()?;
            recorded_by.parse::<PersonRef>()?;
            let signed: Acceptance = remote.send(&Ask::post(
                "/acceptances",
                Some(serde_json::json!({
                    "person": person, "signed_on": signed_on, "recorded_by": recorded_by,
                    "form_reference": form,
                })),
            ))?;
            out.emit(&signed, || acceptance::paper_text(&signed))?;
        }
        AcceptanceCmd::Form { person, out: file } => {
            person.parse::<PersonRef>()?;
            let form: AcceptanceForm = remote.send(&Ask::get(format!(
                "/people/{}/acceptance-form",
                seg(&person)
            )))?;
            acceptance::write_form(out, &form, &file)?;
        }
        AcceptanceCmd::Sign {
            reference,
            typed_name,
        } => {
            // A typed signature is the signer's own act: the token must be theirs.
            own_account(link, &reference, "signs for themselves")?;
            let signed: Acceptance = remote.send(&Ask::post(
                "/me/acceptance",
                Some(serde_json::json!({ "typed_name": typed_name })),
            ))?;
            out.emit(&signed, || acceptance::signed_text(&signed))?;
        }
    }
    Ok(Some(exit::OK))
}

/// The person `reference` names, when the token is their own account's: what holders do for
/// themselves (signing, marking their calls) is sent only with their own token.
pub(super) fn own_account(
    link: &Link<'_>,
    reference: &str,
    act: &str,
) -> anyhow::Result<steward_domain::Person> {
    reference.parse::<PersonRef>()?;
    #[derive(serde::Deserialize)]
    struct Me {
        person: steward_domain::Person,
    }
    let me: Me = link.remote.send(&Ask::get("/me"))?;
    if me.person.reference.as_str() != reference {
        return Err(crate::Exit {
            code: exit::FORBIDDEN,
            message: format!(
                "only {reference} {act}: with --server, use a token of their own account"
            ),
        }
        .into());
    }
    Ok(me.person)
}
