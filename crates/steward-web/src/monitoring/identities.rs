//! The names a person gives the web proxy, and the network addresses of an item, by which the
//! web filter knows who is behind a request. Officers only; every change is audited by
//! `ops::network::identities`.

use crate::back_office::{base, form_errors, office_page};
use crate::pages::{FieldError, by_field};
use crate::session::{CsrfForm, SignedIn};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use serde::{Deserialize, Serialize};
use steward_domain::ops::network::identities;
use steward_domain::ops::{equipment, people};
use steward_domain::{AssetTag, DomainError, PersonRef};

#[derive(Deserialize, Default, Serialize)]
pub struct UserForm {
    #[serde(default)]
    username: String,
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

fn reference_of(text: &str) -> Result<PersonRef, WebError> {
    text.parse().map_err(|_| WebError::not_found())
}

fn tag_of(text: &str) -> Result<AssetTag, WebError> {
    text.parse().map_err(|_| WebError::not_found())
}

fn status(errors: &[FieldError]) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    }
}

async fn render(
    state: &AppState,
    signed: &SignedIn,
    reference: &PersonRef,
    form: &UserForm,
    done: Option<&str>,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let mut tx = state.store.read().await?;
    let person = people::find(&mut tx, &signed.council, reference).await?;
    let users = identities::users_of(&mut tx, &signed.council, person.id).await?;
    let lines = identities::list(&mut tx, &signed.council, reference, signed.today).await?;
    drop(tx);
    let devices: Vec<String> = lines
        .iter()
        .flat_map(|l| l.devices.iter())
        .map(|d| {
            let a: Vec<String> = d.addresses.iter().map(ToString::to_string).collect();
            format!("{}: {}", d.asset_tag, a.join(", "))
        })
        .collect();
    let title = format!("Web filter names of {}", person.name);
    let code = status(&errors);
    let mut page = office_page(&title, signed, "people");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let usernames: Vec<String> = users.into_iter().map(|u| u.username).collect();
    let html = state.pages.render(
        "pages/web_identities.html",
        &page,
        context! {
            reference => reference.to_string(),
            name => &person.name,
            usernames,
            devices,
            form => minijinja::value::Serde(form),
            done,
            field_errors,
            csrf_token => &signed.session.csrf_token,
        },
    )?;
    Ok((code, Html(html)).into_response())
}

pub async fn page(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, reference)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let reference = reference_of(&reference)?;
    let form = UserForm::default();
    render(
        &state,
        &signed,
        &reference,
        &form,
        done.done.as_deref(),
        Vec::new(),
    )
    .await
}

fn back(signed: &SignedIn, reference: &PersonRef, done: &str) -> Response {
    let to = format!(
        "{}/people/{reference}/web-identities?done={done}",
        base(signed)
    );
    Redirect::to(&to).into_response()
}

pub async fn add(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, reference)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<UserForm>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let reference = reference_of(&reference)?;
    let mut tx = state.store.begin().await?;
    let ctx = signed.ctx();
    match identities::add_user(&mut tx, &ctx, &signed.council, &reference, &form.username).await {
        Ok(_) => {
            tx.commit().await?;
            Ok(back(&signed, &reference, "added"))
        }
        Err(e @ DomainError::NotFound { .. }) => Err(e.into()),
        Err(e) => {
            drop(tx);
            let errors = form_errors(e, &["username"], "username")?;
            render(&state, &signed, &reference, &form, None, errors).await
        }
    }
}

pub async fn remove(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, reference)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<UserForm>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let reference = reference_of(&reference)?;
    let mut tx = state.store.begin().await?;
    let ctx = signed.ctx();
    match identities::remove_user(&mut tx, &ctx, &signed.council, &reference, &form.username).await
    {
        Ok(_) => {
            tx.commit().await?;
            Ok(back(&signed, &reference, "removed"))
        }
        Err(e @ DomainError::NotFound { what: "person", .. }) => Err(e.into()),
        Err(e) => {
            drop(tx);
            let errors = form_errors(e, &["username"], "username")?;
            render(
                &state,
                &signed,
                &reference,
                &UserForm::default(),
                None,
                errors,
            )
            .await
        }
    }
}

#[derive(Deserialize, Default, Serialize)]
pub struct AddressForm {
    #[serde(default)]
    addresses: String,
}

async fn render_addresses(
    state: &AppState,
    signed: &SignedIn,
    tag: &AssetTag,
    form: Option<&AddressForm>,
    done: Option<&str>,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let mut tx = state.store.read().await?;
    let item = equipment::find(&mut tx, &signed.council, tag).await?;
    let current = identities::addresses_of(&mut tx, &signed.council, item.id).await?;
    drop(tx);
    let text: Vec<String> = current.iter().map(ToString::to_string).collect();
    let value = match form {
        Some(f) => f.addresses.clone(),
        None => text.join(" "),
    };
    let title = format!("Network addresses of {tag}");
    let code = status(&errors);
    let mut page = office_page(&title, signed, "equipment");
    page.errors = errors;
    let field_errors = by_field(&page.errors);
    let html = state.pages.render(
        "pages/item_addresses.html",
        &page,
        context! {
            tag => tag.to_string(),
            current => text,
            value,
            done,
            field_errors,
            csrf_token => &signed.session.csrf_token,
        },
    )?;
    Ok((code, Html(html)).into_response())
}

pub async fn addresses_page(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, tag)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let tag = tag_of(&tag)?;
    render_addresses(
        &state,
        &signed,
        &tag,
        None,
        done.done.as_deref(),
        Vec::new(),
    )
    .await
}

pub async fn set_addresses(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, tag)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<AddressForm>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let tag = tag_of(&tag)?;
    let parsed: Result<Vec<_>, DomainError> = form
        .addresses
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|a| !a.is_empty())
        .map(identities::network_address)
        .collect();
    let outcome = match parsed {
        Ok(addresses) => {
            let mut tx = state.store.begin().await?;
            let ctx = signed.ctx();
            match identities::set_addresses(&mut tx, &ctx, &signed.council, &tag, &addresses).await
            {
                Ok(_) => {
                    tx.commit().await?;
                    Ok(())
                }
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => {
            let to = format!("{}/equipment/{tag}/addresses?done=set", base(&signed));
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ DomainError::NotFound { .. }) => Err(e.into()),
        Err(e) => {
            let errors = form_errors(e, &["addresses"], "addresses")?;
            render_addresses(&state, &signed, &tag, Some(&form), None, errors).await
        }
    }
}
