//! "Check your answers" before an action that cannot be undone by pressing another button
//! (a return, someone leaving office, a purge, a disposal): the form posts once to be shown in
//! words what will happen, each consequence with its clause where the policy decides it, and
//! again with `confirm=yes` to do it. A Change action posts the same answers back with
//! `change=yes`, and the form comes back as it was typed. Both steps carry the CSRF token.

use crate::back_office::office_page;
use crate::session::SignedIn;
use crate::{AppState, WebError};
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

/// Which step a posted form is at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Show what will happen.
    Check,
    /// Go back to the form with what was typed.
    Change,
    /// Do it.
    Confirm,
}

impl Step {
    /// Read from the form's `confirm` and `change` fields.
    pub fn of(confirm: &str, change: &str) -> Step {
        if change == "yes" {
            Step::Change
        } else if confirm == "yes" {
            Step::Confirm
        } else {
            Step::Check
        }
    }
}

/// One answer: what it is and its value in words.
#[derive(Clone, Debug, Serialize)]
pub struct Answer {
    pub key: String,
    pub value: String,
}

pub fn answer(key: impl Into<String>, value: impl Into<String>) -> Answer {
    Answer {
        key: key.into(),
        value: value.into(),
    }
}

/// A field sent again with each step, exactly as it was typed.
#[derive(Clone, Debug, Serialize)]
pub struct Kept {
    pub name: String,
    pub value: String,
}

pub fn kept(name: impl Into<String>, value: impl Into<String>) -> Kept {
    Kept {
        name: name.into(),
        value: value.into(),
    }
}

/// What the page shows and sends.
pub struct CheckAnswers<'a> {
    pub title: &'a str,
    pub nav: &'static str,
    pub answers: Vec<Answer>,
    /// What doing it will do, in sentences, each with its clause where the policy decides it.
    pub happens: Vec<String>,
    /// Where both steps post.
    pub action: String,
    pub kept: Vec<Kept>,
    /// The Change link's address when the form is a page of its own with nothing typed to
    /// keep; otherwise Change posts the kept answers back.
    pub change_href: Option<String>,
    pub button: &'a str,
    /// A warning above the button, when it cannot be undone.
    pub warning: Option<&'a str>,
    pub cancel_href: String,
}

pub fn render(
    state: &AppState,
    signed: &SignedIn,
    check: &CheckAnswers<'_>,
) -> Result<Response, WebError> {
    let page = office_page(check.title, signed, check.nav);
    let html = state.pages.render(
        "pages/check_answers.html",
        &page,
        context! {
            heading => check.title,
            answers => Serde(&check.answers),
            happens => Serde(&check.happens),
            action => &check.action,
            kept => Serde(&check.kept),
            change_href => &check.change_href,
            button => check.button,
            warning => check.warning,
            cancel_href => &check.cancel_href,
            csrf_token => &signed.session.csrf_token,
        },
    )?;
    Ok(Html(html).into_response())
}
