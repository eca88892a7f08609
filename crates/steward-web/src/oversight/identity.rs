//! Linking an account to the person's identity at the council's identity provider (what
//! `steward user identity` does), and unlinking it: a form, the answers shown in words to
//! check, then `ops::oidc::link`, which refuses an identity linked to another account and
//! audits the change. Administrators only.

use super::at;
use crate::check_answers::{self, CheckAnswers, Step, answer, kept};
use crate::pages::{FieldError, Page, by_field, sentence};
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use serde::{Deserialize, Serialize};
use steward_domain::DomainError;
use steward_domain::auth::{AccountKey, AccountSignIn, AuthTx, ExternalId, User, Username};
use steward_domain::ops::oidc;

/// The form as typed.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct IdentityForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    tenant: String,
    #[serde(default)]
    object: String,
    #[serde(default)]
    subject: String,
    #[serde(default, skip_serializing)]
    confirm: String,
    #[serde(default, skip_serializing)]
    change: String,
}

impl IdentityForm {
    /// The identity, or each field's problem.
    fn identity(&self) -> Result<ExternalId, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut check = |field: &'static str, value: &str| {
            if let Err(e) = ExternalId::check_part(field, value) {
                errors.push(problem(field, e));
            }
        };
        let found = match self.kind.as_str() {
            "tenant_object" => {
                check("tenant", &self.tenant);
                check("object", &self.object);
                ExternalId::entra(&self.tenant, &self.object)
            }
            "subject" => {
                check("subject", &self.subject);
                ExternalId::subject(&self.subject)
            }
            _ => {
                errors.push(FieldError {
                    field: "kind",
                    message: "Choose what identifies the person at the identity provider".into(),
                });
                return Err(errors);
            }
        };
        found.map_err(|_| errors)
    }

    /// The form for an account, its kind as the council's settings key accounts.
    fn blank(key: Option<AccountKey>) -> IdentityForm {
        IdentityForm {
            kind: match key {
                Some(AccountKey::Subject) => "subject",
                _ => "tenant_object",
            }
            .into(),
            ..IdentityForm::default()
        }
    }
}

fn problem(field: &'static str, e: DomainError) -> FieldError {
    let message = match e {
        DomainError::Invalid { message, .. } | DomainError::Conflict { message, .. } => {
            sentence(&message)
        }
        other => sentence(&other.to_string()),
    };
    FieldError { field, message }
}

/// The account and how it signs in now, or "not found".
async fn account(
    state: &AppState,
    signed: &SignedIn,
    username: &str,
) -> Result<(User, AccountSignIn, Option<AccountKey>), WebError> {
    let username: Username = username.parse().map_err(|_| WebError::not_found())?;
    let mut tx = state.store.read().await?;
    let (user, how) = match oidc::account(&mut tx, &signed.council, &username).await {
        Err(DomainError::NotFound { .. }) => return Err(WebError::not_found()),
        other => other?,
    };
    let key = oidc::settings(&mut tx, &signed.council)
        .await?
        .map(|s| s.account_key);
    tx.commit().await?;
    Ok((user, how, key))
}

fn render(
    state: &AppState,
    signed: &SignedIn,
    user: &User,
    how: &AccountSignIn,
    configured: bool,
    form: &IdentityForm,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let title = format!("Identity at the provider for {}", user.username);
    let mut page = Page::new(&title)
        .council(&signed.council)
        .viewer(signed)
        .nav("accounts");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let html = state.pages.render(
        "pages/oversight_identity.html",
        &page,
        context! {
            username => user.username.to_string(),
            linked => how.external.as_ref().map(ExternalId::describe),
            configured,
            form => minijinja::value::Serde(form),
            field_errors,
            csrf_token => &signed.session.csrf_token,
        },
    )?;
    Ok((status, Html(html)).into_response())
}

fn identity_path(signed: &SignedIn, user: &User) -> String {
    at(
        &signed.council,
        &format!("/admin/accounts/{}/identity", user.username),
    )
}

fn done_at(signed: &SignedIn, user: &User, done: &str) -> Response {
    let to = at(
        &signed.council,
        &format!("/admin/accounts/{}?done={done}", user.username),
    );
    Redirect::to(&to).into_response()
}

/// The form, with the identity linked now if there is one.
pub async fn page(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, username)): Path<(String, String)>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let (user, how, key) = account(&state, &signed, &username).await?;
    let form = IdentityForm::blank(key);
    render(
        &state,
        &signed,
        &user,
        &how,
        key.is_some(),
        &form,
        Vec::new(),
    )
}

/// Checks the identity, shows it in words, and links it once confirmed.
pub async fn link(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, username)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<IdentityForm>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let (user, how, key) = account(&state, &signed, &username).await?;
    let step = Step::of(&form.confirm, &form.change);
    let again = |errors| render(&state, &signed, &user, &how, key.is_some(), &form, errors);
    if step == Step::Change {
        return again(Vec::new());
    }
    let external = match form.identity() {
        Ok(e) => e,
        Err(errors) => return again(errors),
    };
    let field = if form.kind == "subject" {
        "subject"
    } else {
        "object"
    };
    if step == Step::Confirm {
        let mut tx = state.store.begin().await?;
        match oidc::link(
            &mut tx,
            &signed.ctx(),
            &signed.council,
            &user.username,
            Some(external),
        )
        .await
        {
            Ok(_) => {}
            Err(e @ DomainError::Conflict { .. }) => return again(vec![problem(field, e)]),
            Err(e) => return Err(e.into()),
        }
        tx.commit().await?;
        return Ok(done_at(&signed, &user, "linked"));
    }
    // Said now rather than after Confirm: the identity is someone else's.
    let mut tx = state.store.read().await?;
    let holder = tx
        .user_by_external(signed.council.id, &external)
        .await
        .map_err(DomainError::from)?;
    tx.commit().await?;
    if let Some(other) = holder.filter(|o| o.id != user.id) {
        let taken = DomainError::Conflict {
            field: field.into(),
            message: format!("that identity is already linked to {}", other.username),
        };
        return again(vec![problem(field, taken)]);
    }
    let mut answers = vec![answer("Account", user.username.to_string())];
    if form.kind == "subject" {
        answers.push(answer("Subject identifier", form.subject.trim()));
    } else {
        answers.push(answer("Directory (tenant) ID", form.tenant.trim()));
        answers.push(answer("Object ID", form.object.trim()));
    }
    let mut happens = vec![format!(
        "{} can sign in with the council's identity provider as this identity, and no other \
         account can.",
        user.username
    )];
    if let Some(before) = &how.external {
        happens.push(format!(
            "It replaces the identity linked now ({}), which can no longer sign in to this \
             account.",
            before.describe()
        ));
    }
    let check = CheckAnswers {
        title: "Check the identity to link",
        nav: "accounts",
        answers,
        happens,
        action: identity_path(&signed, &user),
        kept: vec![
            kept("kind", &form.kind),
            kept("tenant", &form.tenant),
            kept("object", &form.object),
            kept("subject", &form.subject),
        ],
        change_href: None,
        button: "Link the identity",
        warning: None,
        cancel_href: identity_path(&signed, &user),
    };
    check_answers::render(&state, &signed, &check)
}

#[derive(Deserialize)]
pub struct UnlinkForm {
    #[serde(default)]
    confirm: String,
}

/// Shows what unlinking does, and unlinks once confirmed.
pub async fn unlink(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, username)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<UnlinkForm>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    let (user, how, key) = account(&state, &signed, &username).await?;
    let Some(linked) = &how.external else {
        let nothing = FieldError {
            field: "unlink",
            message: format!("{} is not linked to an identity", user.username),
        };
        let form = IdentityForm::blank(key);
        return render(
            &state,
            &signed,
            &user,
            &how,
            key.is_some(),
            &form,
            vec![nothing],
        );
    };
    if form.confirm == "yes" {
        let mut tx = state.store.begin().await?;
        oidc::link(
            &mut tx,
            &signed.ctx(),
            &signed.council,
            &user.username,
            None,
        )
        .await?;
        tx.commit().await?;
        return Ok(done_at(&signed, &user, "unlinked"));
    }
    let check = CheckAnswers {
        title: "Check before unlinking the identity",
        nav: "accounts",
        answers: vec![
            answer("Account", user.username.to_string()),
            answer("Linked identity", linked.describe()),
        ],
        happens: vec![format!(
            "{} can no longer sign in with the council's identity provider. A password still \
             works unless the council has switched passwords off.",
            user.username
        )],
        action: format!("{}/unlink", identity_path(&signed, &user)),
        kept: Vec::new(),
        change_href: Some(identity_path(&signed, &user)),
        button: "Unlink the identity",
        warning: None,
        cancel_href: identity_path(&signed, &user),
    };
    check_answers::render(&state, &signed, &check)
}
