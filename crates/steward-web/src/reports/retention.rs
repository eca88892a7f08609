//! The administrator's retention page: what the policy's retention periods make due today,
//! kind by kind with the clause, each record listed; and the purge, behind an acknowledgement
//! and a check-your-answers page saying what will be purged under which clause.

use crate::check_answers::{self, CheckAnswers, Step, answer, kept};
use crate::pages::{FieldError, Page, by_field};
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;
use steward_domain::ops::retention;

#[derive(Deserialize, Default)]
pub struct Done {
    purged: Option<usize>,
    erased: Option<usize>,
}

#[derive(Deserialize, Default)]
pub struct PurgeForm {
    /// The box saying the data cannot be brought back.
    #[serde(default)]
    understood: String,
    /// Set by the check-your-answers page's button: purge now.
    #[serde(default)]
    confirm: String,
    /// Set by its Change link: back to the retention page.
    #[serde(default)]
    change: String,
}

async fn render(
    state: &AppState,
    signed: &SignedIn,
    done: Option<(usize, usize)>,
    understood: bool,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let mut tx = state.store.read().await?;
    let plan = retention::plan(&mut tx, &signed.ctx(), &signed.council).await?;
    drop(tx);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut page = Page::new("Retention")
        .council(&signed.council)
        .viewer(signed)
        .nav("oversight");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/retention.html",
        &page,
        context! {
            plan => Serde(&plan),
            due => plan.due_count(),
            done => done.map(|(purged, erased)| context! { purged, erased }),
            understood,
            field_errors,
            csrf_token => &signed.session.csrf_token,
        },
    )?;
    Ok((status, Html(html)).into_response())
}

pub async fn preview(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let done = done.purged.map(|p| (p, done.erased.unwrap_or(0)));
    render(&state, &signed, done, false, Vec::new()).await
}

pub async fn purge(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<PurgeForm>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let understood = form.understood == "yes";
    let step = Step::of(&form.confirm, &form.change);
    if step == Step::Change {
        return render(&state, &signed, None, understood, Vec::new()).await;
    }
    if !understood {
        let error = FieldError {
            field: "understood",
            message: "Confirm that the records listed may be purged".into(),
        };
        return render(&state, &signed, None, false, vec![error]).await;
    }
    if step == Step::Check {
        let mut tx = state.store.read().await?;
        let plan = retention::plan(&mut tx, &signed.ctx(), &signed.council).await?;
        drop(tx);
        return check_purge(&state, &signed, &plan);
    }
    let mut tx = state.store.begin().await?;
    let done = retention::purge(&mut tx, &signed.ctx(), &signed.council).await?;
    tx.commit().await?;
    let to = format!(
        "/councils/{}/retention?purged={}&erased={}",
        signed.council.slug,
        done.due_count(),
        done.audit_erased
    );
    Ok(Redirect::to(&to).into_response())
}

/// "Check before purging": how many records of each kind lose their personal data, each with
/// the period and clause that make them due, and what happens to the audit records about them.
fn check_purge(
    state: &AppState,
    signed: &SignedIn,
    plan: &retention::RetentionPlan,
) -> Result<Response, WebError> {
    let due: Vec<&retention::KindPlan> = plan.kinds.iter().filter(|k| !k.due.is_empty()).collect();
    let audit: usize = due
        .iter()
        .flat_map(|k| k.due.iter())
        .map(|r| r.audit_records)
        .sum();
    let mut happens: Vec<String> = due
        .iter()
        .map(|k| {
            let n = k.due.len();
            format!(
                "{n} {} lose{} their personal data: the policy keeps them for {} ({}).",
                k.label.to_lowercase(),
                if n == 1 { "s" } else { "" },
                k.keep,
                k.citation
            )
        })
        .collect();
    if due.is_empty() {
        happens.push("Nothing is due for purging today, so nothing changes.".into());
    } else {
        happens.push(format!(
            "The data of {audit} audit record{} about them is erased; the audit trail still \
             verifies.",
            if audit == 1 { "" } else { "s" }
        ));
        happens.push(
            "The audit trail records how many records of each kind were purged, never what \
             they held."
                .into(),
        );
    }
    let answers = due
        .iter()
        .map(|k| answer(k.label.clone(), k.due.len().to_string()))
        .chain(std::iter::once(answer(
            "Acknowledged",
            "The personal data cannot be brought back",
        )))
        .collect();
    let check = CheckAnswers {
        title: "Check before purging",
        nav: "oversight",
        answers,
        happens,
        action: format!("/councils/{}/retention", signed.council.slug),
        kept: vec![kept("understood", "yes")],
        change_href: None,
        button: "Purge these records",
        warning: Some("Purged data cannot be brought back."),
        cancel_href: format!("/councils/{}/retention", signed.council.slug),
    };
    check_answers::render(state, signed, &check)
}
