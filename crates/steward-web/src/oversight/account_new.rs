//! Making an account. Where this server sends email (`steward serve --smtp`), its holder is
//! invited by email to choose their own password, at the linked person's address or one given
//! here; only where it does not does the account get a temporary password, which the holder
//! must change at first sign-in.

use super::accounts::error;
use super::at;
use crate::pages::{FieldError, Page, by_field, sentence};
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;
use steward_domain::auth::{Password, Role, Username};
use steward_domain::ops::invitations::{self, CreateInvited};
use steward_domain::ops::pick;
use steward_domain::ops::users::{self, CreateUser};
use steward_domain::{DomainError, PersonRef};

#[derive(Deserialize, Default)]
pub struct NewAccountForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    person: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

fn render_new(
    state: &AppState,
    signed: &SignedIn,
    errors: Vec<FieldError>,
    form: &NewAccountForm,
) -> Result<Html<String>, WebError> {
    let mut page = Page::new("Create an account")
        .council(&signed.council)
        .viewer(signed)
        .nav("accounts");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let roles: Vec<(&str, &str)> = Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect();
    Ok(Html(state.pages.render(
        "pages/oversight_account_new.html",
        &page,
        context! {
            username => form.username.trim(),
            role => form.role.trim(),
            person => form.person.trim(),
            people_source => format!("/councils/{}/pick/people", signed.council.slug),
            email => form.email.trim(),
            sends_mail => state.sends_mail,
            roles,
            field_errors,
            csrf_token => &signed.session.csrf_token,
        },
    )?))
}

pub async fn new_page(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, WebError> {
    signed.principal.admin()?;
    render_new(&state, &signed, Vec::new(), &NewAccountForm::default())
}

/// What the form asks for, read so far: every problem is collected before any is reported.
struct Read {
    username: Option<Username>,
    role: Option<Role>,
    person: Option<PersonRef>,
    errors: Vec<FieldError>,
}

fn read_common(form: &NewAccountForm) -> Read {
    let mut errors = Vec::new();
    let username = match form.username.trim() {
        "" => {
            errors.push(error("username", "Enter a username"));
            None
        }
        text => match text.parse::<Username>() {
            Ok(u) => Some(u),
            Err(e) => {
                errors.push(error("username", sentence(&e.to_string())));
                None
            }
        },
    };
    let role = match form.role.trim().parse::<Role>() {
        Ok(r) => Some(r),
        Err(_) => {
            errors.push(error("role", "Choose the account's role"));
            None
        }
    };
    Read {
        username,
        role,
        person: None,
        errors,
    }
}

/// The temporary password, checked against the rules, or why it cannot be.
fn read_password(form: &NewAccountForm, username: &Username) -> Result<Password, FieldError> {
    if form.password.is_empty() {
        return Err(error("password", "Enter a temporary password"));
    }
    Password::new(form.password.clone(), username).map_err(|e| match e {
        DomainError::Invalid { message, .. } => error("password", sentence(&message)),
        other => error("password", sentence(&other.to_string())),
    })
}

/// Where a refusal from the domain belongs on the form.
fn placed(e: DomainError, form: &NewAccountForm) -> Result<FieldError, WebError> {
    match e {
        DomainError::NotFound { what: "person", .. } => Ok(error(
            "person",
            format!(
                "No one in the register has the reference {}",
                form.person.trim()
            ),
        )),
        DomainError::Invalid { field, message } | DomainError::Conflict { field, message } => {
            let field = match field.as_str() {
                "person" => "person",
                "password" => "password",
                "role" => "role",
                "email" => "email",
                _ => "username",
            };
            Ok(error(field, sentence(&message)))
        }
        e => Err(e.into()),
    }
}

/// Creates the account, inviting its holder or giving it the temporary password typed.
pub async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    CsrfForm(form): CsrfForm<NewAccountForm>,
) -> Result<Response, WebError> {
    signed.principal.admin()?;
    // Where this server sends email the holder is invited, so no one but them ever knows the
    // password; a temporary password is only for where it cannot.
    let invite = state.sends_mail;
    let Read {
        username,
        role,
        person,
        mut errors,
    } = read_common(&form);
    // The person the account acts as, by name or reference.
    let person: Option<PersonRef> = match form.person.trim() {
        "" => person,
        text => {
            let mut tx = state.store.read().await?;
            match pick::person(&mut tx, &signed.council, "person", text, signed.today).await {
                Ok(p) => Some(p.reference),
                Err(e) => {
                    errors.push(placed(e, &form)?);
                    None
                }
            }
        }
    };
    let password = match (&username, invite) {
        (Some(u), false) => read_password(&form, u).map_err(|e| errors.push(e)).ok(),
        _ => None,
    };
    if let (Some(username), Some(role), true) = (username, role, errors.is_empty()) {
        let (ctx, council) = (signed.ctx(), &signed.council);
        let mut tx = state.store.begin().await?;
        let made = match password {
            Some(password) => {
                let req = CreateUser {
                    username: username.clone(),
                    role,
                    person,
                    password,
                    must_change_password: true,
                };
                users::create(&mut tx, &ctx, council, req)
                    .await
                    .map(|_| "created")
            }
            None => {
                let req = CreateInvited {
                    username: username.clone(),
                    role,
                    person,
                    email: Some(form.email.trim().to_string()).filter(|e| !e.is_empty()),
                };
                invitations::create_invited(&mut tx, &ctx, council, req)
                    .await
                    .map(|_| "invited")
            }
        };
        match made {
            Ok(done) => {
                tx.commit().await?;
                let to = at(council, &format!("/admin/accounts?{done}={username}"));
                return Ok(Redirect::to(&to).into_response());
            }
            Err(e) => {
                drop(tx);
                errors.push(placed(e, &form)?);
            }
        }
    }
    let html = render_new(&state, &signed, errors, &form)?;
    Ok((StatusCode::BAD_REQUEST, html).into_response())
}
