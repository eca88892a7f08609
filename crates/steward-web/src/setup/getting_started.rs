//! The administrators' getting-started list, marked from what the register holds.

use crate::back_office::office_page;
use crate::session::Reading;
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::Council;
use steward_domain::ops::setup::{self, GettingStarted, Task};
use steward_store::StoreTx;

#[derive(Serialize)]
struct Item<'a> {
    #[serde(flatten)]
    task: &'a Task,
    href: String,
    how: &'static str,
}

/// Where each task is done, and what else helps.
fn link(council: &Council, id: &str) -> (String, &'static str) {
    let base = format!("/councils/{}", council.slug);
    match id {
        "people" => (
            format!("{base}/people/import"),
            "Import a spreadsheet of people, or add them one at a time from the people list.",
        ),
        "equipment" => (
            format!("{base}/equipment/import"),
            "Import the asset list, or add items one at a time from the equipment list.",
        ),
        "policy" => (format!("{base}/policy"), ""),
        "accounts" => (format!("{base}/admin/accounts/new"), ""),
        _ => (format!("{base}/loans/issue"), ""),
    }
}

/// The list, when some of it is still to do, for the start page's reminder.
pub(crate) async fn pending_for(
    tx: &mut StoreTx,
    signed: &SignedIn,
) -> Result<Option<GettingStarted>, WebError> {
    if signed.principal.admin().is_err() {
        return Ok(None);
    }
    let list = setup::getting_started(tx, &signed.council).await?;
    Ok((!list.all_done).then_some(list))
}

pub async fn page(
    State(state): State<AppState>,
    Reading { signed, mut tx }: Reading,
) -> Result<Html<String>, WebError> {
    signed.principal.admin()?;
    let list = setup::getting_started(&mut tx, &signed.council).await?;
    drop(tx);
    let items: Vec<Item<'_>> = list
        .tasks
        .iter()
        .map(|task| {
            let (href, how) = link(&signed.council, task.id);
            Item { task, href, how }
        })
        .collect();
    let policy_done = list.tasks.iter().any(|t| t.id == "policy" && t.done);
    let page = office_page("Get started", &signed, "start");
    let html = state.pages.render(
        "pages/getting_started.html",
        &page,
        context! {
            items => Serde(items),
            done => list.done,
            total => list.tasks.len(),
            all_done => list.all_done,
            policy_done,
            csrf_token => &signed.session.csrf_token,
        },
    )?;
    Ok(Html(html))
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn policy_reviewed(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let mut tx = state.store.begin().await?;
    setup::confirm_review(&mut tx, &signed.ctx(), &signed.council).await?;
    tx.commit().await?;
    let to = format!("/councils/{}/getting-started", signed.council.slug);
    Ok(Redirect::to(&to).into_response())
}
