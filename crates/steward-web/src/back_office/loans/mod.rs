//! Loans: the list, issuing equipment as the policy allows, and returning, recalling and
//! extending one loan.

mod issue;
mod list;

use issue::OfficeHolders;
pub use issue::{issue, issue_form};

pub(crate) use list::ended_words;
pub use list::list;

use super::{base, error, form_errors, may_change, office_page, optional_date, required_date};
use crate::pages::{FieldError, by_field};
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::ops::{loans, pick, policy};
use steward_domain::{DomainError, LoanStatus, PersonRef, RegisterTx};
use steward_policy::long_date;

#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

/// The values the loan page's forms show again after an error.
#[derive(Default, Deserialize, Serialize)]
pub struct LoanForms {
    #[serde(default)]
    recall_by: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    approved_by: String,
    #[serde(default)]
    reason: String,
    /// Set by the check-your-answers page's button: record the return now.
    #[serde(default)]
    confirm: String,
}

#[derive(Serialize)]
struct LoanPage {
    id: i64,
    person: String,
    person_name: String,
    asset_tag: String,
    kind: String,
    issued_on: String,
    return_by: Option<String>,
    clause: Option<String>,
    /// What set the return-by date: "the end of the loan period", "the recall".
    ground: Option<&'static str>,
    due_on: Option<String>,
    recall_by: Option<String>,
    leaving_by: Option<String>,
    status: &'static str,
    overdue: bool,
    ended: Option<String>,
    open: bool,
    extensions: Vec<String>,
}

/// Which of the loan's forms the policy provides for: a recall only where the policy gives
/// the power and the loan has not been recalled already, an extension only where it has a rule.
#[derive(Serialize)]
struct Offered {
    recall: bool,
    extend: bool,
}

async fn render_loan(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    done: Option<&str>,
    forms: &LoanForms,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let mut tx = state.store.read().await?;
    let loan = loans::find(&mut tx, &signed.council, id).await?;
    let active = policy::in_force(&mut tx, &signed.council, signed.today).await?;
    let document = active
        .as_ref()
        .map(|a| a.pack.pack.title.clone())
        .unwrap_or_default();
    let extensions = tx
        .extensions(signed.council.id, loan.id)
        .await
        .map_err(DomainError::from)?
        .into_iter()
        .map(|x| {
            format!(
                "Extended on {} to {}: {}",
                long_date(x.granted_on),
                long_date(x.new_due),
                x.reason
            )
        })
        .collect();
    let v = loans::view(&mut tx, &document, loan, signed.today).await?;
    let approving = match active.as_ref() {
        Some(active) => match &active.pack.loans.extension {
            Some(rule) => {
                let joiner = match rule.agreement {
                    steward_policy::model::Agreement::All => "and",
                    steward_policy::model::Agreement::Any => "or",
                };
                let (offices, clause) = (&rule.approvers, &rule.clause);
                let found =
                    OfficeHolders::read(&mut tx, signed, &active.pack, offices, joiner, clause);
                Some(found.await?)
            }
            None => None,
        },
        None => None,
    };
    drop(tx);
    let rules = active.as_ref().map(|a| &a.pack.loans);
    // A form whose answer was refused stays, to show the refusal beside its fields.
    let refused = |fields: &[&str]| errors.iter().any(|e| fields.contains(&e.field));
    let offered = Offered {
        recall: (rules.is_some_and(|r| r.recall.is_some()) && v.loan.recall_by.is_none())
            || refused(&["recall_by"]),
        extend: rules.is_some_and(|r| r.extension.is_some())
            || refused(&["until", "approved_by", "reason"]),
    };
    let view = LoanPage {
        id: v.loan.id,
        person: v.person.to_string(),
        person_name: v.person_name.clone(),
        asset_tag: v.asset_tag.to_string(),
        kind: v.kind.as_str().replace('_', " "),
        issued_on: long_date(v.loan.issued_on),
        return_by: v.return_by.as_ref().map(|d| long_date(d.date)),
        clause: v.return_by.as_ref().map(|d| d.citation.to_string()),
        ground: v.return_ground.map(|g| g.words()),
        due_on: v.loan.due_on.map(long_date),
        recall_by: v.loan.recall_by.map(long_date),
        leaving_by: v.loan.leaving_by.map(long_date),
        status: v.status.words(),
        overdue: v.status == LoanStatus::Overdue,
        ended: ended_words(&v.loan),
        open: v.loan.is_open(),
        extensions,
    };
    let title = format!("Loan {id}");
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut page = office_page(&title, signed, "loans");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/office_loan.html",
        &page,
        context! {
            loan => Serde(&view),
            offered => Serde(&offered),
            approving => Serde(&approving),
            done,
            forms => Serde(forms),
            field_errors,
            csrf_token => &signed.session.csrf_token,
            may_change => may_change(&signed.principal),
        },
    )?;
    Ok((status, Html(html)).into_response())
}

/// The people named as approvers: each entry, separated by commas or semicolons, is a name,
/// a reference or a chosen "Name (REF)"; an entry of references separated by spaces ("M3 S1")
/// names each of them.
async fn approvers(
    tx: &mut steward_store::StoreTx,
    signed: &SignedIn,
    text: &str,
) -> Result<Result<Vec<PersonRef>, FieldError>, WebError> {
    let mut found: Vec<PersonRef> = Vec::new();
    for entry in text
        .split([',', ';'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        match pick::person(tx, &signed.council, "approved_by", entry, signed.today).await {
            Ok(person) => found.push(person.reference),
            Err(e) => {
                let mut codes = Vec::new();
                for word in entry.split_whitespace() {
                    let Ok(code) = word.parse::<PersonRef>() else {
                        break;
                    };
                    match tx.person_by_ref(signed.council.id, &code).await {
                        Ok(Some(p)) => codes.push(p.reference),
                        _ => break,
                    }
                }
                if codes.len() < 2 || codes.len() != entry.split_whitespace().count() {
                    let first = form_errors(e, &["approved_by"], "approved_by")?
                        .into_iter()
                        .next()
                        .unwrap_or_else(|| error("approved_by", "Enter who approved it"));
                    return Ok(Err(first));
                }
                found.extend(codes);
            }
        }
    }
    if found.is_empty() {
        return Ok(Err(error(
            "approved_by",
            "Enter who approved the extension",
        )));
    }
    Ok(Ok(found))
}

/// The loan number in the address; anything else is not a loan.
fn loan_id(raw: &str) -> Result<i64, WebError> {
    raw.parse().map_err(|_| WebError::not_found())
}

pub async fn detail(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let id = loan_id(&id)?;
    render_loan(
        &state,
        &signed,
        id,
        done.done.as_deref(),
        &LoanForms::default(),
        Vec::new(),
    )
    .await
}

fn back_to(signed: &SignedIn, id: i64, done: &str) -> Response {
    Redirect::to(&format!("{}/loans/{id}?done={done}", base(signed))).into_response()
}

/// Shows what recording the return will do (the loan ends today, the state the item goes to
/// and the clause that sends it for erasure, any recall closed); confirmed from that page,
/// records it.
pub async fn return_loan(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<LoanForms>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let id = loan_id(&id)?;
    let confirmed = form.confirm == "yes";
    let mut tx = state.store.begin().await?;
    // The check page shows what the return really does: it is done in a transaction that is
    // then dropped, so nothing is written until the officer confirms.
    match loans::return_loan(&mut tx, &signed.ctx(), &signed.council, id).await {
        Ok(_) if confirmed => {
            tx.commit().await?;
            Ok(back_to(&signed, id, "returned"))
        }
        Ok(returned) => {
            let v = loans::view(&mut tx, "", returned.loan.clone(), signed.today).await?;
            drop(tx);
            check_return(&state, &signed, &v, &returned)
        }
        Err(e) => {
            drop(tx);
            let errors = form_errors(e, &[], "return")?;
            render_loan(&state, &signed, id, None, &LoanForms::default(), errors).await
        }
    }
}

fn check_return(
    state: &AppState,
    signed: &SignedIn,
    v: &loans::LoanView,
    returned: &loans::Returned,
) -> Result<Response, WebError> {
    use crate::check_answers::{CheckAnswers, answer, render};
    let b = base(signed);
    let tag = v.asset_tag.to_string();
    let state_words = returned.equipment.state.as_str().replace('_', " ");
    let mut happens = vec![format!(
        "The loan of {tag} to {} ends today, {}.",
        v.person_name,
        long_date(signed.today)
    )];
    happens.push(match &returned.erasure {
        Some(citation) => format!(
            "{tag} is marked as awaiting erasure, and cannot be lent again until it has been \
             erased ({citation})."
        ),
        None => format!("{tag} is marked as {state_words}, ready to be lent again."),
    });
    if v.loan.recall_by.is_some() {
        happens.push("The recall of this loan is closed: the item is back.".to_string());
    }
    let check = CheckAnswers {
        title: "Check before recording the return",
        nav: "loans",
        answers: vec![
            answer(
                "Item",
                format!("{tag} ({})", v.kind.as_str().replace('_', " ")),
            ),
            answer("Borrower", format!("{} ({})", v.person_name, v.person)),
            answer("Returned on", long_date(signed.today)),
        ],
        happens,
        action: format!("{b}/loans/{}/return", v.loan.id),
        kept: Vec::new(),
        change_href: Some(format!("{b}/loans/{}", v.loan.id)),
        button: "Record the return",
        warning: None,
        cancel_href: format!("{b}/loans/{}", v.loan.id),
    };
    render(state, signed, &check)
}

pub async fn recall(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<LoanForms>,
) -> Result<Response, WebError> {
    let officer = signed.principal.officer()?;
    let id = loan_id(&id)?;
    let mut errors = Vec::new();
    let until = optional_date(
        &mut errors,
        "recall_by",
        &form.recall_by,
        "the return-by date",
    );
    let mut tx = state.store.begin().await?;
    let me = match officer.person_id {
        Some(pid) => tx
            .person(officer.council_id, pid)
            .await
            .map_err(DomainError::from)?,
        None => None,
    };
    drop(tx);
    let Some(me) = me else {
        errors.push(error(
            "recall_by",
            "Your account is not linked to a person in the register, so a recall cannot be \
             recorded in your name; ask an administrator to link it",
        ));
        return render_loan(&state, &signed, id, None, &form, errors).await;
    };
    if !errors.is_empty() {
        return render_loan(&state, &signed, id, None, &form, errors).await;
    }
    let mut tx = state.store.begin().await?;
    match loans::recall(
        &mut tx,
        &signed.ctx(),
        &signed.council,
        id,
        &me.reference,
        until,
    )
    .await
    {
        Ok(_) => {
            tx.commit().await?;
            Ok(back_to(&signed, id, "recalled"))
        }
        Err(e) => {
            drop(tx);
            let errors = form_errors(e, &["recall_by"], "recall_by")?;
            render_loan(&state, &signed, id, None, &form, errors).await
        }
    }
}

pub async fn extend(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<LoanForms>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let id = loan_id(&id)?;
    let mut errors = Vec::new();
    let until = required_date(&mut errors, "until", &form.until, "the new return-by date");
    if form.reason.trim().is_empty() {
        errors.push(error("reason", "Enter the reason for the extension"));
    }
    let mut tx = state.store.begin().await?;
    let approvers = match approvers(&mut tx, &signed, &form.approved_by).await? {
        Ok(found) => found,
        Err(e) => {
            errors.push(e);
            Vec::new()
        }
    };
    let (Some(until), true) = (until, errors.is_empty()) else {
        drop(tx);
        return render_loan(&state, &signed, id, None, &form, errors).await;
    };
    match loans::extend(
        &mut tx,
        &signed.ctx(),
        &signed.council,
        id,
        until,
        &approvers,
        form.reason.trim(),
    )
    .await
    {
        Ok(_) => {
            tx.commit().await?;
            Ok(back_to(&signed, id, "extended"))
        }
        Err(e) => {
            drop(tx);
            let errors = form_errors(e, &["until", "approved_by", "reason"], "until")?;
            render_loan(&state, &signed, id, None, &form, errors).await
        }
    }
}
