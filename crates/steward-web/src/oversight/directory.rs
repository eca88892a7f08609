//! The council's directory: its settings in words, and a sync shown before it is applied.
//! "Preview a sync" reads the directory and runs the sync in a transaction that is dropped, so
//! the page lists exactly what applying does; "Apply these changes" reads the directory again
//! and commits. Both posts carry the CSRF token, and only administrators see either.

use super::at;
use crate::check_answers::{self, CheckAnswers, Step, answer};
use crate::pages::{FieldError, Page};
use crate::session::{CsrfForm, Reading, SignedIn};
use crate::{AppState, WebError};
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use serde::Deserialize;
use steward_domain::directory::{DirectoryTx, apply};

#[derive(Deserialize, Default)]
pub struct SyncForm {
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    change: String,
}

struct Shown {
    summary: Vec<(&'static str, String)>,
    done: Option<String>,
}

fn render(
    state: &AppState,
    signed: &SignedIn,
    shown: Option<Shown>,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let mut page = Page::new("Directory")
        .council(&signed.council)
        .viewer(signed)
        .nav("accounts");
    page.errors = errors;
    let (summary, done) = match shown {
        Some(s) => (Some(s.summary), s.done),
        None => (None, None),
    };
    let html = state.pages.render(
        "pages/oversight_directory.html",
        &page,
        context! {
            summary,
            done,
            action => at(&signed.council, "/admin/directory"),
            csrf_token => &signed.session.csrf_token,
        },
    )?;
    Ok(Html(html).into_response())
}

/// The settings, and the button that previews a sync.
pub async fn show(
    State(state): State<AppState>,
    Reading { signed, mut tx }: Reading,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let settings = tx
        .directory_settings(signed.council.id)
        .await
        .map_err(steward_domain::DomainError::from)?;
    drop(tx);
    let shown = settings.map(|s| Shown {
        summary: s.summary(),
        done: None,
    });
    render(&state, &signed, shown, Vec::new())
}

/// Previews a sync, or applies it once confirmed.
pub async fn sync(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<SyncForm>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let council = signed.council.clone();
    let settings = {
        let mut tx = state.store.read().await?;
        tx.directory_settings(council.id)
            .await
            .map_err(steward_domain::DomainError::from)?
    };
    let Some(settings) = settings else {
        return render(&state, &signed, None, Vec::new());
    };
    let shown = |done: Option<String>| {
        Some(Shown {
            summary: settings.summary(),
            done,
        })
    };
    let step = Step::of(&form.confirm, &form.change);
    if step == Step::Change {
        return render(&state, &signed, shown(None), Vec::new());
    }
    // The directory is read before the register's transaction begins.
    let raw = match steward_directory::read(&settings).await {
        Ok(raw) => raw,
        Err(e) => {
            tracing::warn!(council = %council.slug, error = %e, "the directory could not be read");
            let problem = FieldError {
                field: "preview",
                message: format!("The directory could not be read: {e}"),
            };
            return render(&state, &signed, shown(None), vec![problem]);
        }
    };
    let ctx = signed.ctx();
    let mut tx = state.store.begin().await?;
    let plan = match apply::sync(&mut tx, &ctx, &council, &settings, &raw).await {
        Ok(plan) => plan,
        Err(e @ steward_domain::DomainError::Invalid { .. }) => {
            drop(tx);
            let problem = FieldError {
                field: "preview",
                message: crate::pages::sentence(&e.to_string()),
            };
            return render(&state, &signed, shown(None), vec![problem]);
        }
        Err(e) => return Err(e.into()),
    };
    if step == Step::Confirm {
        tx.commit().await?;
        let done = format!(
            "The register is in step with the directory: {}.",
            plan.summary()
        );
        return render(&state, &signed, shown(Some(done)), Vec::new());
    }
    drop(tx);
    let mut happens: Vec<String> = plan
        .rows()
        .into_iter()
        .map(|r| format!("{}: {} ({}) {}.", r.change, r.name, r.reference, r.what))
        .collect();
    if happens.is_empty() {
        happens.push("Nothing changes: the register is in step with the directory.".into());
    }
    for p in &plan.problems {
        happens.push(format!(
            "Left as they are, because their directory entry could not be read ({}): {}.",
            p.entry, p.message
        ));
    }
    let check = CheckAnswers {
        title: "Check the changes from the directory",
        nav: "accounts",
        answers: vec![
            answer("Joining", plan.joiners.len().to_string()),
            answer("Changing", plan.movers.len().to_string()),
            answer("Leaving", plan.leavers.len().to_string()),
        ],
        happens,
        action: at(&council, "/admin/directory"),
        kept: Vec::new(),
        change_href: Some(at(&council, "/admin/directory")),
        button: "Apply these changes",
        warning: (!plan.leavers.is_empty())
            .then_some("The terms of everyone leaving end today, and their access with them."),
        cancel_href: at(&council, "/admin/directory"),
    };
    check_answers::render(&state, &signed, &check)
}
