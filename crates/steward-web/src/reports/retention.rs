//! The administrator's retention page: what the policy's retention periods make due today,
//! kind by kind with the clause, each record listed; and the purge, behind a confirmation.

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
    #[serde(default)]
    confirm: String,
}

async fn render(
    state: &AppState,
    signed: &SignedIn,
    done: Option<(usize, usize)>,
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
    render(&state, &signed, done, Vec::new()).await
}

pub async fn purge(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<PurgeForm>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    if form.confirm != "yes" {
        let error = FieldError {
            field: "confirm",
            message: "Confirm that the records listed may be purged".into(),
        };
        return render(&state, &signed, None, vec![error]).await;
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
