//! Issuing equipment. The person, the item and the authorising officer are picked by name,
//! reference, tag or serial; the policy decides, and each refusal sits against the field it
//! concerns with its clause and a way to its remedy. A remedy's form brings the officer back
//! here with what they typed.

use super::super::{base, office_page};
use crate::back_office::may_change;
use crate::pages::{FieldError, sentence};
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use steward_domain::ops::{loans, pick, policy};
use steward_domain::{DomainError, Equipment, Person, RegisterTx};
use steward_policy::decide::{Gate, Refusal, office_names};
use steward_policy::{Citation, Clause, OfficeId, Pack};

const FIELDS: [&str; 3] = ["person", "asset_tag", "authorised_by"];

#[derive(Clone, Default, Deserialize, Serialize)]
pub struct IssueForm {
    #[serde(default)]
    person: String,
    #[serde(default)]
    asset_tag: String,
    #[serde(default)]
    authorised_by: String,
}

/// A way past a refusal: a sentence, and the page that does it when there is one.
#[derive(Serialize)]
struct Remedy {
    text: String,
    href: Option<String>,
}

/// Who the policy in force asks to authorise or approve something, and who holds those
/// offices today, for the field that names them.
#[derive(Serialize)]
pub(super) struct OfficeHolders {
    /// "the Chief Executive or the Monitoring Officer"
    offices: String,
    citation: String,
    /// Each holder today as the picker shows them.
    holders: Vec<String>,
    /// The same, for the picker's script.
    holders_json: String,
    /// The offices nobody holds today, by name.
    unheld: Vec<String>,
}

impl OfficeHolders {
    /// The holders of `offices` today; `joiner` is "or" when any one of them will do.
    pub(super) async fn read<T: RegisterTx>(
        tx: &mut T,
        signed: &SignedIn,
        pack: &Pack,
        offices: &[OfficeId],
        joiner: &str,
        clause: &Clause,
    ) -> Result<OfficeHolders, WebError> {
        // A policy names one to three offices here, so each is read on its own: the page can
        // then say which of them nobody holds.
        let mut holders: Vec<String> = Vec::new();
        let mut unheld = Vec::new();
        for office in offices {
            let held = pick::holders(
                tx,
                &signed.council,
                std::slice::from_ref(office),
                signed.today,
            )
            .await?;
            if held.is_empty() {
                unheld.push(pack.office_name(office));
            }
            for label in held.iter().map(pick::person_label) {
                if !holders.contains(&label) {
                    holders.push(label);
                }
            }
        }
        Ok(OfficeHolders {
            offices: office_names(pack, offices, joiner),
            citation: Citation::new(pack, clause).to_string(),
            holders_json: serde_json::to_string(&holders).unwrap_or_else(|_| "[]".into()),
            holders,
            unheld,
        })
    }
}

/// Who may authorise a loan under the policy in force, when it asks for that.
async fn authorising<T: RegisterTx>(
    tx: &mut T,
    signed: &SignedIn,
) -> Result<Option<OfficeHolders>, WebError> {
    let Some(active) = policy::in_force(tx, &signed.council, signed.today).await? else {
        return Ok(None);
    };
    let Some(rule) = &active.pack.loans.authorisation else {
        return Ok(None);
    };
    let found = OfficeHolders::read(tx, signed, &active.pack, &rule.by, "or", &rule.clause);
    Ok(Some(found.await?))
}

/// This form's address with what was typed, for a remedy's page to come back to.
fn issue_path(signed: &SignedIn, form: &IssueForm) -> String {
    use crate::listing::encode;
    format!(
        "{}/loans/issue?person={}&asset_tag={}&authorised_by={}",
        base(signed),
        encode(&form.person),
        encode(&form.asset_tag),
        encode(&form.authorised_by)
    )
}

async fn render(
    state: &AppState,
    signed: &SignedIn,
    form: &IssueForm,
    errors: Vec<FieldError>,
    remedies: Vec<Remedy>,
) -> Result<Response, WebError> {
    let mut tx = state.store.read().await?;
    let authorising = authorising(&mut tx, signed).await?;
    drop(tx);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    // A field may carry several refusals; it shows them all.
    let mut by_field: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for e in &errors {
        by_field.entry(e.field).or_default().push(&e.message);
    }
    let field_errors: BTreeMap<&str, String> = by_field
        .into_iter()
        .map(|(f, m)| (f, m.join(" ")))
        .collect();
    let b = base(signed);
    let mut page = office_page("Issue equipment", signed, "loans");
    page.errors = errors;
    let html = state.pages.render(
        "pages/office_issue.html",
        &page,
        context! {
            form => Serde(form),
            field_errors => Serde(field_errors),
            remedies => Serde(remedies),
            authorising => Serde(authorising),
            people_source => format!("{b}/pick/people"),
            equipment_source => format!("{b}/pick/equipment"),
            csrf_token => &signed.session.csrf_token,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok((status, Html(html)).into_response())
}

pub async fn issue_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(form): Query<IssueForm>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    render(&state, &signed, &form, Vec::new(), Vec::new()).await
}

/// The field a refusal concerns.
fn field_of(gate: Gate) -> &'static str {
    match gate {
        Gate::Availability | Gate::NotOffered | Gate::PatTest => "asset_tag",
        Gate::Authorisation => "authorised_by",
        _ => "person",
    }
}

/// What the officer can do about each refusal, in the order they were given.
fn remedies(
    signed: &SignedIn,
    form: &IssueForm,
    refusals: &[Refusal],
    person: &Person,
    item: &Equipment,
    authorising: Option<&OfficeHolders>,
) -> Vec<Remedy> {
    use crate::listing::encode;
    let b = base(signed);
    let then = encode(&issue_path(signed, form));
    let mut out: Vec<Remedy> = Vec::new();
    for r in refusals {
        let remedy = match r.gate {
            Gate::Acceptance => Remedy {
                text: format!("Record {}'s signed paper form", person.name),
                href: Some(format!(
                    "{b}/signatures/paper?person={}&then={then}",
                    encode(person.reference.as_str())
                )),
            },
            Gate::InOffice => Remedy {
                text: format!("Add a term of office for {}", person.name),
                href: Some(format!(
                    "{b}/people/{}/terms/new?then={then}",
                    encode(person.reference.as_str())
                )),
            },
            Gate::PatTest => Remedy {
                text: format!("Record a PAT test for {}", item.asset_tag),
                href: Some(format!(
                    "{b}/equipment/{}?then={then}#pat-test",
                    encode(item.asset_tag.as_str())
                )),
            },
            Gate::Availability => Remedy {
                text: format!("See {}'s record and what happened to it", item.asset_tag),
                href: Some(format!("{b}/equipment/{}", encode(item.asset_tag.as_str()))),
            },
            Gate::Authorisation => match authorising {
                Some(a) if a.holders.is_empty() => Remedy {
                    text: format!(
                        "Nobody holds the office of {} today. Record who holds it on their page under People, then choose them as the authorising officer",
                        a.offices
                    ),
                    href: Some(format!("{b}/people")),
                },
                Some(a) => Remedy {
                    text: format!(
                        "Ask {} ({}) to authorise the loan, then choose them as the authorising officer",
                        a.holders.join(" or "),
                        a.offices
                    ),
                    href: None,
                },
                None => continue,
            },
            _ => continue,
        };
        if !out.iter().any(|o| o.text == remedy.text) {
            out.push(remedy);
        }
    }
    out
}

/// The errors an unreadable or unknown entry gives, against its field.
fn pick_error(e: DomainError, errors: &mut Vec<FieldError>) -> Result<(), WebError> {
    let found = crate::back_office::form_errors(e, &FIELDS, "person")?;
    errors.extend(found);
    Ok(())
}

/// Asks the policy first; lends only when it says yes, and otherwise shows every refusal with
/// its clause against its field and writes nothing.
pub async fn issue(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<IssueForm>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let ctx = signed.ctx();
    let council = &signed.council;
    let mut tx = state.store.begin().await?;
    let mut errors = Vec::new();
    let person = pick::person(&mut tx, council, "person", &form.person, ctx.today).await;
    let item = pick::item(&mut tx, council, "asset_tag", &form.asset_tag).await;
    let authoriser = if form.authorised_by.trim().is_empty() {
        Ok(None)
    } else {
        pick::person(
            &mut tx,
            council,
            "authorised_by",
            &form.authorised_by,
            ctx.today,
        )
        .await
        .map(Some)
    };
    let (person, item, authoriser) = match (person, item, authoriser) {
        (Ok(p), Ok(i), Ok(a)) => (p, i, a),
        (p, i, a) => {
            for e in [p.err(), i.err(), a.err()].into_iter().flatten() {
                pick_error(e, &mut errors)?;
            }
            drop(tx);
            return render(&state, &signed, &form, errors, Vec::new()).await;
        }
    };
    let authoriser_ref = authoriser.as_ref().map(|a| &a.reference);
    let check = loans::check_issue(
        &mut tx,
        &ctx,
        council,
        &person.reference,
        &item.asset_tag,
        authoriser_ref,
    )
    .await;
    let check = match check {
        Ok(check) => check,
        Err(e) => {
            drop(tx);
            pick_error(e, &mut errors)?;
            return render(&state, &signed, &form, errors, Vec::new()).await;
        }
    };
    if !check.decision.is_allowed() {
        let auth = authorising(&mut tx, &signed).await?;
        drop(tx);
        let refusals = &check.decision.refusals;
        let errors = refusals
            .iter()
            .map(|r| FieldError {
                field: field_of(r.gate),
                message: sentence(&r.to_string()),
            })
            .collect();
        let remedies = remedies(&signed, &form, refusals, &person, &item, auth.as_ref());
        return render(&state, &signed, &form, errors, remedies).await;
    }
    match loans::issue(
        &mut tx,
        &ctx,
        council,
        &person.reference,
        &item.asset_tag,
        authoriser_ref,
    )
    .await
    {
        Ok(issued) => {
            tx.commit().await?;
            let to = format!("{}/loans/{}?done=issued", base(&signed), issued.loan.id);
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            drop(tx);
            let mut errors = Vec::new();
            pick_error(e, &mut errors)?;
            render(&state, &signed, &form, errors, Vec::new()).await
        }
    }
}
