//! The administrator's page for signing in with the council's identity provider: the settings
//! form (every field checked by the domain's parsers, errors against their fields), shown in
//! words to check before they are saved, and removing the settings. Both go through
//! `ops::oidc`, which audits them.

use crate::check_answers::{self, CheckAnswers, Kept, Step, answer, kept};
use crate::client::Client;
use crate::pages::{FieldError, Page, by_field, sentence};
use crate::provider::return_address;
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use serde::{Deserialize, Serialize};
use steward_domain::DomainError;
use steward_domain::auth::{
    AccountKey, Issuer, OidcSettings, RoleClaim, RoleMapping, SecretSource,
};
use steward_domain::ops::oidc;

/// The form's fields as given, so a corrected form keeps them.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct SettingsForm {
    #[serde(default)]
    provider_name: String,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    secret_source: String,
    #[serde(default)]
    secret_name: String,
    #[serde(default)]
    role_claim: String,
    #[serde(default)]
    account_key: String,
    #[serde(default)]
    role_map: String,
    #[serde(default)]
    passwords_off: String,
    #[serde(default, skip_serializing)]
    confirm: String,
    #[serde(default, skip_serializing)]
    change: String,
}

impl SettingsForm {
    fn of(s: &OidcSettings) -> SettingsForm {
        SettingsForm {
            provider_name: s.provider_name.clone(),
            issuer: s.issuer.to_string(),
            client_id: s.client_id.clone(),
            secret_source: s.secret.kind().to_string(),
            secret_name: s.secret.name().to_string(),
            role_claim: s.role_claim.as_str().to_string(),
            account_key: s.account_key.as_str().to_string(),
            role_map: s
                .role_map
                .iter()
                .map(|m| format!("{}={}", m.value, m.role))
                .collect::<Vec<_>>()
                .join("\n"),
            passwords_off: if s.passwords_off { "yes" } else { "" }.to_string(),
            ..SettingsForm::default()
        }
    }

    fn blank() -> SettingsForm {
        SettingsForm {
            provider_name: "Microsoft".into(),
            secret_source: "env".into(),
            role_claim: "roles".into(),
            account_key: "tenant_object".into(),
            ..SettingsForm::default()
        }
    }

    /// The settings, or every field's problem.
    fn settings(&self) -> Result<OidcSettings, Vec<FieldError>> {
        let mut errors = Vec::new();
        let issuer = Issuer::parse(&self.issuer)
            .map_err(|e| note(&mut errors, "issuer", e))
            .ok();
        let secret = match self.secret_source.as_str() {
            "file" => SecretSource::file(&self.secret_name),
            "env" => SecretSource::env(&self.secret_name),
            _ => Err(DomainError::invalid(
                "secret_source",
                "choose where the server reads the client secret",
            )),
        };
        let secret_field = if matches!(self.secret_source.as_str(), "file" | "env") {
            "secret_name"
        } else {
            "secret_source"
        };
        let secret = secret.map_err(|e| note(&mut errors, secret_field, e)).ok();
        let claim = RoleClaim::parse(&self.role_claim)
            .map_err(|e| note(&mut errors, "role_claim", e))
            .ok();
        let key = AccountKey::parse(&self.account_key)
            .map_err(|e| note(&mut errors, "account_key", e))
            .ok();
        let lines: Vec<&str> = self
            .role_map
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let map: Result<Vec<RoleMapping>, DomainError> =
            lines.iter().map(|l| RoleMapping::parse(l)).collect();
        let map = map.map_err(|e| note(&mut errors, "role_map", e)).ok();
        let (Some(issuer), Some(secret), Some(claim), Some(key), Some(map)) =
            (issuer, secret, claim, key, map)
        else {
            return Err(errors);
        };
        OidcSettings::new(
            &self.provider_name,
            issuer,
            &self.client_id,
            secret,
            claim,
            key,
            map,
            self.passwords_off == "yes",
        )
        .map_err(|e| {
            let field = match &e {
                DomainError::Invalid { field, .. } if field == "provider_name" => "provider_name",
                DomainError::Invalid { field, .. } if field == "client_id" => "client_id",
                _ => "role_map",
            };
            note(&mut errors, field, e);
            errors
        })
    }
}

/// The fields as typed, sent again with each step.
fn kept_fields(form: &SettingsForm) -> Vec<Kept> {
    vec![
        kept("provider_name", &form.provider_name),
        kept("issuer", &form.issuer),
        kept("client_id", &form.client_id),
        kept("secret_source", &form.secret_source),
        kept("secret_name", &form.secret_name),
        kept("role_claim", &form.role_claim),
        kept("account_key", &form.account_key),
        kept("role_map", &form.role_map),
        kept("passwords_off", &form.passwords_off),
    ]
}

/// The settings in words, and what saving them does.
fn check_page(
    state: &AppState,
    signed: &SignedIn,
    form: &SettingsForm,
    s: &OidcSettings,
) -> Result<Response, WebError> {
    let roles = s
        .role_map
        .iter()
        .map(|m| format!("{} gives {}", m.value, m.role.label()))
        .collect::<Vec<_>>()
        .join("; ");
    let mut happens = vec![format!(
        "People whose Steward account is linked to their identity at {} can sign in with it, \
         taking the role their {} give at each sign-in.",
        s.provider_name,
        match s.role_claim {
            RoleClaim::Roles => "app roles",
            RoleClaim::Groups => "groups",
        }
    )];
    happens.push(if s.passwords_off {
        "Passwords stop working, except for administrators' break-glass accounts.".to_string()
    } else {
        "Passwords keep working alongside the provider.".to_string()
    });
    let slug = &signed.council.slug;
    let check = CheckAnswers {
        title: "Check the sign-in settings",
        nav: "oversight",
        answers: vec![
            answer("Name on the sign-in button", &s.provider_name),
            answer("Issuer address", s.issuer.as_str()),
            answer("Application (client) ID", &s.client_id),
            answer("Client secret read from", s.secret.describe()),
            answer("Roles", roles),
            answer(
                "Accounts linked by",
                match s.account_key {
                    AccountKey::TenantObject => "Entra ID directory and object IDs",
                    AccountKey::Subject => "The provider's subject identifier",
                },
            ),
            answer(
                "Passwords",
                if s.passwords_off {
                    "Switched off"
                } else {
                    "Still work"
                },
            ),
        ],
        happens,
        action: format!("/councils/{slug}/admin/sign-in"),
        kept: kept_fields(form),
        change_href: None,
        button: "Save the settings",
        warning: s
            .passwords_off
            .then_some("Check a break-glass administrator can still sign in with a password."),
        cancel_href: format!("/councils/{slug}/admin/sign-in"),
    };
    check_answers::render(state, signed, &check)
}

/// Files a domain error against the form's field.
fn note(errors: &mut Vec<FieldError>, field: &'static str, e: DomainError) {
    let message = match e {
        DomainError::Invalid { message, .. } => sentence(&message),
        other => sentence(&other.to_string()),
    };
    errors.push(FieldError { field, message });
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

fn render(
    state: &AppState,
    signed: &SignedIn,
    client: &Client,
    form: &SettingsForm,
    configured: bool,
    done: Option<&str>,
    errors: Vec<FieldError>,
) -> Result<Html<String>, WebError> {
    let mut page = Page::new("Sign-in with the council's identity provider")
        .council(&signed.council)
        .viewer(signed)
        .nav("oversight");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    Ok(Html(state.pages.render(
        "pages/oidc_settings.html",
        &page,
        context! {
            form => minijinja::value::Serde(form),
            configured,
            saved => done == Some("saved"),
            cleared => done == Some("cleared"),
            return_address => return_address(client, &signed.council.slug),
            field_errors,
            csrf_token => &signed.session.csrf_token,
        },
    )?))
}

pub async fn page(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(q): Query<Done>,
    Extension(client): Extension<Client>,
) -> Result<Html<String>, WebError> {
    signed.principal.admin()?;
    let mut tx = state.store.read().await?;
    let found = oidc::settings(&mut tx, &signed.council).await?;
    tx.commit().await?;
    let form = found
        .as_ref()
        .map_or_else(SettingsForm::blank, SettingsForm::of);
    render(
        &state,
        &signed,
        &client,
        &form,
        found.is_some(),
        q.done.as_deref(),
        Vec::new(),
    )
}

pub async fn save(
    State(state): State<AppState>,
    signed: SignedIn,
    Extension(client): Extension<Client>,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let step = Step::of(&form.confirm, &form.change);
    let checked = match step {
        Step::Change => Err(Vec::new()),
        _ => form.settings(),
    };
    let settings = match checked {
        Ok(s) => s,
        Err(errors) => {
            let mut tx = state.store.read().await?;
            let configured = oidc::settings(&mut tx, &signed.council).await?.is_some();
            tx.commit().await?;
            let status = if errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::BAD_REQUEST
            };
            let html = render(&state, &signed, &client, &form, configured, None, errors)?;
            return Ok((status, html).into_response());
        }
    };
    if step == Step::Check {
        return check_page(&state, &signed, &form, &settings);
    }
    let mut tx = state.store.begin().await?;
    oidc::set(&mut tx, &signed.ctx(), &signed.council, settings).await?;
    tx.commit().await?;
    crate::provider::forget_provider(&state, &signed.council).await;
    Ok(Redirect::to(&format!(
        "/councils/{}/admin/sign-in?done=saved",
        signed.council.slug
    ))
    .into_response())
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn clear(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let mut tx = state.store.begin().await?;
    oidc::clear(&mut tx, &signed.ctx(), &signed.council).await?;
    tx.commit().await?;
    crate::provider::forget_provider(&state, &signed.council).await;
    Ok(Redirect::to(&format!(
        "/councils/{}/admin/sign-in?done=cleared",
        signed.council.slug
    ))
    .into_response())
}
