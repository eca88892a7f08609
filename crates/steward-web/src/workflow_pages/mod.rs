//! Requests, concerns, breach cases and people leaving office.
//!
//! Members report problems and ask for things on their own pages, and raise concerns (named or
//! anonymously; anyone may raise one anonymously without signing in). Officers work the
//! requests their offices receive or must approve, handle the breach cases the policy sends
//! them, and record people leaving office. Who may see or do what is decided by the
//! `Principal` inside each domain command: a refusal arrives as `Forbidden` (the 403 page), and
//! a record someone may not see as "not found".

mod cases;
mod concerns;
mod kinds;
mod leaving;
mod my_requests;
mod raise;
mod requests;
mod view;

#[cfg(test)]
mod tests;

use crate::WebError;
use crate::routes::{Need, PageRoute, page};
use axum::http::Method;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use steward_domain::DomainError;
use steward_policy::{OfficeId, Pack};

pub fn pages() -> Vec<PageRoute> {
    use Need::*;
    let get_page = |path, need, handler| page(Method::GET, path, need, handler);
    let post_page = |path, need, handler| page(Method::POST, path, need, handler);
    vec![
        get_page(
            "/councils/{slug}/me/requests",
            Member,
            get(my_requests::list),
        ),
        get_page(
            "/councils/{slug}/me/requests/new",
            Member,
            get(raise::member_form),
        ),
        post_page(
            "/councils/{slug}/me/requests/new",
            Member,
            post(raise::member_submit),
        ),
        get_page(
            "/councils/{slug}/me/requests/{id}",
            Member,
            get(my_requests::detail),
        ),
        get_page(
            "/councils/{slug}/me/requests/{id}/sent",
            Member,
            get(my_requests::sent),
        ),
        post_page(
            "/councils/{slug}/me/requests/{id}/comment",
            Member,
            post(my_requests::comment),
        ),
        post_page(
            "/councils/{slug}/me/requests/{id}/withdraw",
            Member,
            post(my_requests::withdraw),
        ),
        get_page(
            "/councils/{slug}/me/concerns/new",
            Member,
            get(concerns::member_form),
        ),
        post_page(
            "/councils/{slug}/me/concerns/new",
            Member,
            post(concerns::member_raise),
        ),
        get_page(
            "/councils/{slug}/concerns/new",
            Public,
            get(concerns::public_form),
        ),
        post_page(
            "/councils/{slug}/concerns/new",
            Public,
            post(concerns::public_raise),
        ),
        get_page("/councils/{slug}/requests", Reader, get(requests::list)),
        get_page(
            "/councils/{slug}/requests/new",
            Reader,
            get(raise::officer_form),
        ),
        post_page(
            "/councils/{slug}/requests/new",
            Officer,
            post(raise::officer_submit),
        ),
        get_page(
            "/councils/{slug}/requests/{id}",
            Reader,
            get(requests::detail),
        ),
        post_page(
            "/councils/{slug}/requests/{id}/assign",
            Officer,
            post(requests::assign),
        ),
        post_page(
            "/councils/{slug}/requests/{id}/comment",
            Officer,
            post(requests::comment),
        ),
        post_page(
            "/councils/{slug}/requests/{id}/decide",
            Officer,
            post(requests::decide),
        ),
        post_page(
            "/councils/{slug}/requests/{id}/tasks",
            Officer,
            post(requests::task_done),
        ),
        post_page(
            "/councils/{slug}/requests/{id}/resolve",
            Officer,
            post(requests::resolve),
        ),
        post_page(
            "/councils/{slug}/requests/{id}/withdraw",
            Officer,
            post(requests::withdraw),
        ),
        get_page("/councils/{slug}/cases", Reader, get(cases::list)),
        get_page("/councils/{slug}/cases/{id}", Reader, get(cases::detail)),
        post_page(
            "/councils/{slug}/cases/{id}/note",
            Officer,
            post(cases::note),
        ),
        post_page(
            "/councils/{slug}/cases/{id}/escalate",
            Officer,
            post(cases::escalate),
        ),
        post_page(
            "/councils/{slug}/cases/{id}/close",
            Officer,
            post(cases::close),
        ),
        post_page(
            "/councils/{slug}/cases/{id}/restore",
            Officer,
            post(cases::restore),
        ),
        get_page(
            "/councils/{slug}/people/leaving",
            Reader,
            get(leaving::page),
        ),
        post_page(
            "/councils/{slug}/people/leaving",
            Officer,
            post(leaving::record_many),
        ),
        get_page(
            "/councils/{slug}/people/{reference}/leave",
            Reader,
            get(leaving::person_page),
        ),
        post_page(
            "/councils/{slug}/people/{reference}/leave",
            Officer,
            post(leaving::record_one),
        ),
    ]
}

/// "14:00 on 20 May 2027", on the clock in London.
pub fn moment(at: DateTime<Utc>) -> String {
    let local = steward_policy::uktime::uk_local(at);
    format!(
        "{} on {}",
        local.format("%H:%M"),
        steward_policy::long_date(local.date())
    )
}

/// An office's name from the pack, else its id in words.
pub fn office_words(pack: Option<&Pack>, office: &OfficeId) -> String {
    match pack {
        Some(p) => p.office_name(office),
        None => office.to_string().replace('_', " "),
    }
}

/// The pack in force today, for naming offices.
async fn pack_in_force(
    state: &crate::AppState,
    signed: &crate::session::SignedIn,
) -> Result<Option<std::sync::Arc<Pack>>, WebError> {
    let mut tx = state.store.read().await?;
    let active =
        steward_domain::ops::policy::in_force(&mut tx, &signed.council, signed.today).await?;
    Ok(active.map(|a| a.pack))
}

/// The number in an address; anything else is not a record.
fn record_id(raw: &str) -> Result<i64, WebError> {
    raw.parse().map_err(|_| WebError::not_found())
}

/// A record the viewer may not see is "not found" to them, even when posting a form.
fn hidden(e: &DomainError) -> bool {
    matches!(e, DomainError::NotFound { what, .. } if *what == "request" || *what == "case")
}
