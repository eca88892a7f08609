//! Raising a concern about someone's use of council ICT: by a member, named or anonymously,
//! or by anyone without signing in. An anonymous concern stores nothing about who raised it,
//! and its audit record names no account.
//!
//! Nobody who raises a concern can open the case afterwards, so the confirmation is the reply
//! to the form itself rather than a page to come back to.

use crate::account::find_council;
use crate::back_office::{error, form_errors, parsed};
use crate::pages::{FieldError, Page, by_field};
use crate::session::{
    CsrfForm, FORM_COOKIE, SignedIn, clear_form_cookie, cookie, form_cookie, new_form_token,
};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Response};
use minijinja::context;
use serde::{Deserialize, Serialize};
use steward_domain::ops::cases::{self, Concern, Raiser};
use steward_domain::ops::policy;
use steward_domain::{Council, Ctx, DomainError, PersonRef};
use steward_policy::Citation;

/// The actor the audit trail records for a concern raised without a name.
const ANONYMOUS: &str = "anonymous";

#[derive(Default, Deserialize, Serialize)]
pub struct ConcernForm {
    #[serde(default)]
    summary: String,
    #[serde(default)]
    details: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    anonymous: String,
}

/// Who receives a concern that names no one, and the clause; or why nobody does.
async fn receivers(
    state: &AppState,
    council: &Council,
    today: chrono::NaiveDate,
) -> Result<Result<(String, String), String>, WebError> {
    let mut tx = state.store.read().await?;
    match cases::handlers_for(&mut tx, council, today, None).await {
        Ok((names, citation)) => Ok(Ok((
            super::kinds::joined(&names, "or"),
            citation.to_string(),
        ))),
        Err(DomainError::Refused { refusals, .. }) => Ok(Err(refusals
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; "))),
        Err(DomainError::NoPolicy { .. }) => Ok(Err(
            "The council has no policy in force today, so no one is named to receive concerns"
                .into(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// The page for the form: `public` when nobody is signed in.
struct Form<'a> {
    council: &'a Council,
    signed: Option<&'a SignedIn>,
    token: &'a str,
    form: &'a ConcernForm,
    errors: Vec<FieldError>,
}

async fn render(
    state: &AppState,
    today: chrono::NaiveDate,
    f: Form<'_>,
) -> Result<Html<String>, WebError> {
    let route = receivers(state, f.council, today).await?;
    let title = "Raise a concern";
    let mut page = Page::new(title).council(f.council);
    let action = match f.signed {
        Some(signed) => {
            page = page.viewer(signed).nav("my-requests");
            format!("/councils/{}/me/concerns/new", f.council.slug)
        }
        None => format!("/councils/{}/concerns/new", f.council.slug),
    };
    page.errors = f.errors;
    let field_errors = by_field(&page.errors);
    Ok(Html(state.pages.render(
        "pages/concern_new.html",
        &page,
        context! {
            public => f.signed.is_none(),
            action,
            receivers => route.as_ref().ok().map(|(names, _)| names.clone()),
            clause => route.as_ref().ok().map(|(_, clause)| clause.clone()),
            refused => route.err(),
            form => minijinja::value::Serde(f.form),
            field_errors,
            csrf_token => f.token,
        },
    )?))
}

fn status(html: Html<String>, errors: bool) -> Response {
    let code = if errors {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    (code, html).into_response()
}

/// What the confirmation says: who received it and the clause.
#[derive(Serialize)]
struct Received {
    receivers: String,
    clause: String,
    anonymous: bool,
}

async fn raise(
    state: &AppState,
    council: &Council,
    ctx: &Ctx,
    raiser: Raiser<'_>,
    concern: Concern,
) -> Result<Result<Received, Vec<FieldError>>, WebError> {
    let anonymous = matches!(raiser, Raiser::Anonymous);
    let named = concern.subject.is_some();
    let mut tx = state.store.begin().await?;
    match cases::raise(&mut tx, ctx, council, raiser, concern).await {
        Ok(case) => {
            let active = policy::in_force(&mut tx, council, ctx.today).await?;
            tx.commit().await?;
            let names: Vec<String> = case
                .handlers
                .iter()
                .map(|h| super::office_words(active.as_ref().map(|a| &*a.pack), h))
                .collect();
            let clause = Citation {
                clause: case.clause.clone(),
                document: case.document.clone(),
            };
            Ok(Ok(Received {
                receivers: super::kinds::joined(&names, "or"),
                clause: clause.to_string(),
                anonymous,
            }))
        }
        Err(e) => {
            drop(tx);
            let e = match e {
                DomainError::NotFound {
                    what: "person",
                    key,
                } => DomainError::invalid(
                    "subject",
                    format!("no one in the register has the reference {key}"),
                ),
                other => other,
            };
            let fallback = if named { "subject" } else { "summary" };
            Ok(Err(form_errors(
                e,
                &["summary", "details", "subject"],
                fallback,
            )?))
        }
    }
}

fn sent_page(
    state: &AppState,
    council: &Council,
    signed: Option<&SignedIn>,
    received: &Received,
) -> Result<Html<String>, WebError> {
    let mut page = Page::new("Your concern has been sent").council(council);
    if let Some(signed) = signed {
        page = page.viewer(signed).nav("my-requests");
    }
    Ok(Html(state.pages.render(
        "pages/concern_sent.html",
        &page,
        context! { received => minijinja::value::Serde(received), public => signed.is_none() },
    )?))
}

pub async fn member_form(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Response, WebError> {
    signed.principal.member()?;
    let f = Form {
        council: &signed.council,
        signed: Some(&signed),
        token: &signed.session.csrf_token,
        form: &ConcernForm::default(),
        errors: Vec::new(),
    };
    Ok(status(render(&state, signed.today, f).await?, false))
}

fn summary_error(form: &ConcernForm) -> Vec<FieldError> {
    if form.summary.trim().is_empty() {
        vec![error(
            "summary",
            "Enter what the concern is about, in a line",
        )]
    } else {
        Vec::new()
    }
}

pub async fn member_raise(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<ConcernForm>,
) -> Result<Response, WebError> {
    let access = signed.principal.member()?;
    let mut errors = summary_error(&form);
    let subject: Option<PersonRef> = if form.subject.trim().is_empty() {
        None
    } else {
        parsed(&mut errors, "subject", &form.subject, "")
    };
    let retry = |errors| Form {
        council: &signed.council,
        signed: Some(&signed),
        token: &signed.session.csrf_token,
        form: &form,
        errors,
    };
    if !errors.is_empty() {
        return Ok(status(
            render(&state, signed.today, retry(errors)).await?,
            true,
        ));
    }
    let concern = Concern {
        subject,
        summary: form.summary.clone(),
        details: form.details.clone(),
    };
    // Anonymous means the account is named nowhere, the audit trail included.
    let (ctx, raiser) = if form.anonymous == "yes" {
        (
            Ctx::new(ANONYMOUS, signed.now, signed.today),
            Raiser::Anonymous,
        )
    } else {
        (signed.ctx(), Raiser::Member(&access))
    };
    match raise(&state, &signed.council, &ctx, raiser, concern).await? {
        Ok(received) => {
            let html = sent_page(&state, &signed.council, Some(&signed), &received)?;
            Ok(html.into_response())
        }
        Err(errors) => Ok(status(
            render(&state, signed.today, retry(errors)).await?,
            true,
        )),
    }
}

/// The public form: a fresh double-submit token, as on the sign-in form.
pub async fn public_form(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let council = find_council(&state, &slug).await?;
    let token = new_form_token()?;
    let f = Form {
        council: &council,
        signed: None,
        token: &token,
        form: &ConcernForm::default(),
        errors: Vec::new(),
    };
    let html = render(&state, (state.today)(), f).await?;
    Ok((
        AppendHeaders([(header::SET_COOKIE, form_cookie(&token)?)]),
        html,
    )
        .into_response())
}

pub async fn public_raise(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<ConcernForm>,
) -> Result<Response, WebError> {
    let council = find_council(&state, &slug).await?;
    let today = (state.today)();
    // The form keeps its token while it is being corrected.
    let token = cookie(&headers, FORM_COOKIE).unwrap_or_default();
    let errors = summary_error(&form);
    let retry = |errors| Form {
        council: &council,
        signed: None,
        token: &token,
        form: &form,
        errors,
    };
    if !errors.is_empty() {
        return Ok(status(render(&state, today, retry(errors)).await?, true));
    }
    let concern = Concern {
        subject: None,
        summary: form.summary.clone(),
        details: form.details.clone(),
    };
    let ctx = Ctx::new(ANONYMOUS, (state.now)(), today);
    match raise(&state, &council, &ctx, Raiser::Anonymous, concern).await? {
        Ok(received) => {
            let html = sent_page(&state, &council, None, &received)?;
            // Sending the same form again would raise the concern twice.
            Ok((
                AppendHeaders([(header::SET_COOKIE, clear_form_cookie())]),
                html,
            )
                .into_response())
        }
        Err(errors) => Ok(status(render(&state, today, retry(errors)).await?, true)),
    }
}
