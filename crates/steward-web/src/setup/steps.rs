//! The setup pages, one question each, then "Check your answers" and creating the council.

use super::{closed, field_errors, form_token, read, setup_page};
use crate::pages::{FieldError, by_field};
use crate::session::{CsrfForm, clear_form_cookie, session_cookie};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::{Deserialize, Serialize};
use steward_domain::Ctx;
use steward_domain::ops::setup::{
    self, AdminDraft, CouncilDraft, Draft, MailChoice, MailServer, Setup,
};
use steward_policy::presets;

/// The actor the audit trail names for setup's records: no account exists until it is done.
const SETUP_ACTOR: &str = "setup";

fn step_path(token: &str, step: &str) -> String {
    format!("/setup/{token}/{step}")
}

/// Where to go once a page is answered: the first question still open, else the check page.
fn next_path(token: &str, draft: &Draft) -> String {
    step_path(token, draft.next_step().unwrap_or("check"))
}

/// Renders a setup page, setting the form cookie when this browser has none yet.
fn respond(
    state: &AppState,
    name: &str,
    title: &str,
    errors: Vec<FieldError>,
    set_cookie: Option<HeaderValue>,
    values: Value,
) -> Result<Response, WebError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let field_errors = by_field(&errors);
    let page = setup_page(title, errors);
    let html = state.pages.render(
        name,
        &page,
        context! { ..values, ..context! { field_errors } },
    )?;
    let mut res = (status, Html(html)).into_response();
    if let Some(value) = set_cookie {
        res.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(res)
}

/// Opens the setup for a change, applies it, and keeps it.
async fn change(
    state: &AppState,
    token: &str,
    apply: impl FnOnce(&mut Draft),
) -> Result<Draft, WebError> {
    let mut tx = state.store.begin().await?;
    let mut open: Setup = setup::open(&mut tx, token, (state.now)())
        .await?
        .map_err(closed)?;
    apply(&mut open.draft);
    setup::save(&mut tx, &open).await?;
    tx.commit().await?;
    Ok(open.draft)
}

pub async fn begin(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let open = read(&state, &token).await?;
    Ok(Redirect::to(&next_path(&token, &open.draft)).into_response())
}

#[derive(Serialize)]
struct PresetItem {
    value: &'static str,
    text: &'static str,
    hint: String,
}

/// The five presets, each with the one sentence its pack gives of what it is and whom it serves.
fn preset_items() -> Vec<PresetItem> {
    presets::all()
        .iter()
        .map(|p| PresetItem {
            value: p.id,
            text: p.name,
            hint: presets::load(p)
                .map(|loaded| loaded.pack.pack.summary.replace('\n', " "))
                .unwrap_or_default(),
        })
        .collect()
}

fn render_preset(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
    chosen: &str,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let (csrf_token, set) = form_token(headers)?;
    let values = context! {
        token, csrf_token, chosen, presets => Serde(preset_items()),
    };
    respond(
        state,
        "pages/setup_preset.html",
        "Choose your policy",
        errors,
        set,
        values,
    )
}

pub async fn preset_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let open = read(&state, &token).await?;
    let chosen = open.draft.preset.clone().unwrap_or_default();
    render_preset(&state, &headers, &token, &chosen, Vec::new())
}

#[derive(Deserialize)]
pub struct PresetForm {
    #[serde(default)]
    preset: String,
}

pub async fn preset(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<PresetForm>,
) -> Result<Response, WebError> {
    let mut problems = None;
    let draft = change(&state, &token, |d| {
        problems = d.choose_preset(&form.preset).err()
    })
    .await?;
    match problems {
        None => Ok(Redirect::to(&next_path(&token, &draft)).into_response()),
        Some(p) => render_preset(&state, &headers, &token, "", field_errors(p)),
    }
}

fn render_council(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
    name: &str,
    slug: &str,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let (csrf_token, set) = form_token(headers)?;
    let values = context! { token, csrf_token, name, slug };
    respond(
        state,
        "pages/setup_council.html",
        "Name the council",
        errors,
        set,
        values,
    )
}

pub async fn council_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let open = read(&state, &token).await?;
    let (name, slug) = match &open.draft.council {
        Some(c) => (c.name.clone(), c.slug.to_string()),
        None => (String::new(), String::new()),
    };
    render_council(&state, &headers, &token, &name, &slug, Vec::new())
}

#[derive(Deserialize)]
pub struct CouncilForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
}

pub async fn council(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<CouncilForm>,
) -> Result<Response, WebError> {
    match CouncilDraft::new(&form.name, &form.slug) {
        Ok(answer) => {
            let draft = change(&state, &token, |d| d.council = Some(answer)).await?;
            Ok(Redirect::to(&next_path(&token, &draft)).into_response())
        }
        Err(p) => {
            read(&state, &token).await?;
            let errors = field_errors(p);
            render_council(&state, &headers, &token, &form.name, &form.slug, errors)
        }
    }
}

#[derive(Deserialize, Default, Serialize)]
pub struct AdminForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    email: String,
    #[serde(default, skip_serializing)]
    password: String,
    #[serde(default, skip_serializing)]
    confirm_password: String,
}

fn render_admin(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
    form: &AdminForm,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let (csrf_token, set) = form_token(headers)?;
    let values = context! { token, csrf_token, form => Serde(form) };
    let title = "Create the first administrator";
    respond(state, "pages/setup_admin.html", title, errors, set, values)
}

pub async fn admin_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let open = read(&state, &token).await?;
    let form = match &open.draft.admin {
        Some(a) => AdminForm {
            username: a.username.to_string(),
            full_name: a.name.clone(),
            email: a.email.clone(),
            ..AdminForm::default()
        },
        None => AdminForm::default(),
    };
    render_admin(&state, &headers, &token, &form, Vec::new())
}

pub async fn admin(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<AdminForm>,
) -> Result<Response, WebError> {
    // The address is checked before the password is hashed, which takes a moment.
    read(&state, &token).await?;
    let answer = AdminDraft::new(
        &form.username,
        &form.full_name,
        &form.email,
        &form.password,
        &form.confirm_password,
    )?;
    match answer {
        Ok(admin) => {
            let draft = change(&state, &token, |d| d.admin = Some(admin)).await?;
            Ok(Redirect::to(&next_path(&token, &draft)).into_response())
        }
        Err(p) => render_admin(&state, &headers, &token, &form, field_errors(p)),
    }
}

#[derive(Deserialize, Serialize, Default)]
pub struct MailForm {
    #[serde(default)]
    security: String,
    #[serde(default)]
    host: String,
    #[serde(default)]
    port: String,
    #[serde(default)]
    mail_from: String,
    #[serde(default, skip_serializing)]
    action: String,
}

/// What the test button found, in words.
#[derive(Serialize)]
struct TestResult {
    sent: bool,
    text: String,
}

fn render_mail(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
    form: &MailForm,
    errors: Vec<FieldError>,
    test: Option<TestResult>,
) -> Result<Response, WebError> {
    let (csrf_token, set) = form_token(headers)?;
    let values = context! { token, csrf_token, form => Serde(form), test => Serde(test) };
    let title = "Choose the mail server";
    respond(state, "pages/setup_mail.html", title, errors, set, values)
}

pub async fn mail_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let open = read(&state, &token).await?;
    let form = match &open.draft.mail {
        Some(MailChoice::Server(s)) => MailForm {
            security: s.security.as_str().to_string(),
            host: s.host.clone(),
            port: s.port.to_string(),
            mail_from: s.mail_from.clone(),
            action: String::new(),
        },
        _ => MailForm::default(),
    };
    render_mail(&state, &headers, &token, &form, Vec::new(), None)
}

/// The server's settings as the sender takes them, with the credentials from the server's
/// environment; a problem names the field it is about.
fn mail_config(server: &MailServer) -> Result<steward_mail::MailConfig, FieldError> {
    let login =
        steward_mail::Login::from_env(|name| std::env::var(name).ok()).map_err(|e| FieldError {
            field: "host",
            message: crate::pages::sentence(&e.to_string()),
        })?;
    steward_mail::MailConfig::new(&server.url(), &server.mail_from, None).map_err(|_| {
        FieldError {
            field: "mail_from",
            message:
                "Enter the address notices come from as an email address, like it@example.gov.uk"
                    .into(),
        }
    })?;
    steward_mail::MailConfig::new(&server.url(), &server.mail_from, login).map_err(|e| FieldError {
        field: "host",
        message: crate::pages::sentence(&e.to_string()),
    })
}

pub async fn mail(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<MailForm>,
) -> Result<Response, WebError> {
    let open = read(&state, &token).await?;
    if form.action == "later" {
        let draft = change(&state, &token, |d| d.mail = Some(MailChoice::Later)).await?;
        return Ok(Redirect::to(&next_path(&token, &draft)).into_response());
    }
    let server = MailServer::new(&form.security, &form.host, &form.port, &form.mail_from)
        .map_err(field_errors)
        .and_then(|s| mail_config(&s).map(|c| (s, c)).map_err(|e| vec![e]));
    let (server, config) = match server {
        Ok(found) => found,
        Err(errors) => return render_mail(&state, &headers, &token, &form, errors, None),
    };
    if form.action == "test" {
        let Some(admin) = &open.draft.admin else {
            return Ok(Redirect::to(&step_path(&token, "administrator")).into_response());
        };
        let council = open
            .draft
            .council
            .as_ref()
            .map_or("your council", |c| c.name.as_str());
        let test = match steward_mail::send_test(&config, &admin.email, council).await {
            Ok(()) => TestResult {
                sent: true,
                text: format!(
                    "A test message was sent to {}. Check that it arrived before you continue.",
                    admin.email
                ),
            },
            Err(reason) => TestResult {
                sent: false,
                text: format!("The test message could not be sent: {reason}."),
            },
        };
        return render_mail(&state, &headers, &token, &form, Vec::new(), Some(test));
    }
    let draft = change(&state, &token, |d| {
        d.mail = Some(MailChoice::Server(server))
    })
    .await?;
    Ok(Redirect::to(&next_path(&token, &draft)).into_response())
}

#[derive(Serialize)]
struct Row {
    label: &'static str,
    value: String,
    step: &'static str,
}

fn answers(draft: &Draft) -> Vec<Row> {
    let preset = draft
        .preset
        .as_deref()
        .and_then(presets::find)
        .map(|p| p.name.to_string())
        .unwrap_or_default();
    let mut rows = vec![Row {
        label: "Policy preset",
        value: preset,
        step: "preset",
    }];
    if let Some(c) = &draft.council {
        rows.push(Row {
            label: "Council",
            value: c.name.clone(),
            step: "council",
        });
        rows.push(Row {
            label: "Short name",
            value: format!("{} (its pages are at /councils/{})", c.slug, c.slug),
            step: "council",
        });
    }
    if let Some(a) = &draft.admin {
        for (label, value) in [
            ("Administrator's username", a.username.to_string()),
            ("Administrator's name", a.name.clone()),
            ("Administrator's email", a.email.clone()),
        ] {
            rows.push(Row {
                label,
                value,
                step: "administrator",
            });
        }
    }
    let mail = match &draft.mail {
        Some(MailChoice::Server(s)) => format!("{}, sent from {}", s.url(), s.mail_from),
        _ => "Not yet: notices wait in the outbox until a mail server is given".into(),
    };
    rows.push(Row {
        label: "Mail server",
        value: mail,
        step: "mail",
    });
    rows
}

pub async fn check_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let open = read(&state, &token).await?;
    if let Some(step) = open.draft.next_step() {
        return Ok(Redirect::to(&step_path(&token, step)).into_response());
    }
    let (csrf_token, set) = form_token(&headers)?;
    let values = context! { token, csrf_token, rows => Serde(answers(&open.draft)) };
    respond(
        &state,
        "pages/setup_check.html",
        "Check your answers",
        Vec::new(),
        set,
        values,
    )
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn create(
    State(state): State<AppState>,
    Path(token): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    let ctx = Ctx::new(SETUP_ACTOR, (state.now)(), (state.today)());
    let mut tx = state.store.begin().await?;
    let open = setup::open(&mut tx, &token, ctx.now)
        .await?
        .map_err(closed)?;
    if let Some(step) = open.draft.next_step() {
        return Ok(Redirect::to(&step_path(&token, step)).into_response());
    }
    let done = setup::complete(&mut tx, &ctx, &token)
        .await?
        .map_err(closed)?;
    tx.commit().await?;
    let to = format!("/councils/{}/getting-started", done.council.slug);
    Ok((
        AppendHeaders([
            (
                header::SET_COOKIE,
                session_cookie(done.signed_in.secret.expose())?,
            ),
            (header::SET_COOKIE, clear_form_cookie()),
        ]),
        Redirect::to(&to),
    )
        .into_response())
}
