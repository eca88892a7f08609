//! Oversight of the council: the policy and its versions, the audit trail and its
//! verification, the administrator's accounts and API tokens, and the directory sync.
//!
//! Readers (officers, auditors, administrators) see the policy and the audit trail and may
//! check a pack, which writes nothing; everything that changes something needs `admin()`.

mod account_new;
mod accounts;
mod adopt;
mod audit;
mod audit_csv;
mod audit_query;
mod directory;
mod identity;
mod policy;
mod tokens;

use crate::routes::{Need, PageRoute, page};
use axum::http::Method;
use axum::routing::{get, post};
use steward_domain::Council;

/// The oversight pages, one row per method and address.
pub fn pages() -> Vec<PageRoute> {
    use Need::*;
    let get_page = |path, need, handler| page(Method::GET, path, need, handler);
    let post_page = |path, need, handler| page(Method::POST, path, need, handler);
    vec![
        get_page("/councils/{slug}/oversight", Reader, get(hub)),
        get_page("/councils/{slug}/policy", Reader, get(policy::show)),
        get_page(
            "/councils/{slug}/policy/versions",
            Reader,
            get(policy::versions),
        ),
        get_page("/councils/{slug}/policy/text", Reader, get(policy::text)),
        get_page(
            "/councils/{slug}/policy/pack.toml",
            Reader,
            get(policy::download),
        ),
        get_page(
            "/councils/{slug}/policy/check",
            Reader,
            get(policy::check_page),
        ),
        // Checking writes nothing, so any reader may post it.
        post_page("/councils/{slug}/policy/check", Reader, post(policy::check)),
        get_page(
            "/councils/{slug}/policy/adopt",
            Admin,
            get(adopt::adopt_page),
        ),
        post_page("/councils/{slug}/policy/adopt", Admin, post(adopt::adopt)),
        get_page("/councils/{slug}/audit", Reader, get(audit::log)),
        get_page("/councils/{slug}/audit/verify", Reader, get(audit::verify)),
        get_page(
            "/councils/{slug}/admin/directory",
            Admin,
            get(directory::show),
        ),
        post_page(
            "/councils/{slug}/admin/directory",
            Admin,
            post(directory::sync),
        ),
        get_page(
            "/councils/{slug}/admin/accounts",
            Admin,
            get(accounts::list),
        ),
        get_page(
            "/councils/{slug}/admin/accounts/new",
            Admin,
            get(account_new::new_page),
        ),
        post_page(
            "/councils/{slug}/admin/accounts/new",
            Admin,
            post(account_new::create),
        ),
        get_page(
            "/councils/{slug}/admin/accounts/{username}",
            Admin,
            get(accounts::detail),
        ),
        post_page(
            "/councils/{slug}/admin/accounts/{username}/disable",
            Admin,
            post(accounts::disable),
        ),
        post_page(
            "/councils/{slug}/admin/accounts/{username}/enable",
            Admin,
            post(accounts::enable),
        ),
        post_page(
            "/councils/{slug}/admin/accounts/{username}/password",
            Admin,
            post(accounts::reset),
        ),
        post_page(
            "/councils/{slug}/admin/accounts/{username}/invite",
            Admin,
            post(accounts::invite),
        ),
        get_page(
            "/councils/{slug}/admin/accounts/{username}/identity",
            Admin,
            get(identity::page),
        ),
        post_page(
            "/councils/{slug}/admin/accounts/{username}/identity",
            Admin,
            post(identity::link),
        ),
        post_page(
            "/councils/{slug}/admin/accounts/{username}/identity/unlink",
            Admin,
            post(identity::unlink),
        ),
        get_page("/councils/{slug}/admin/tokens", Admin, get(tokens::list)),
        get_page(
            "/councils/{slug}/admin/tokens/new",
            Admin,
            get(tokens::new_page),
        ),
        post_page(
            "/councils/{slug}/admin/tokens/new",
            Admin,
            post(tokens::create),
        ),
        get_page(
            "/councils/{slug}/admin/tokens/{id}",
            Admin,
            get(tokens::detail),
        ),
        post_page(
            "/councils/{slug}/admin/tokens/{id}/revoke",
            Admin,
            post(tokens::revoke),
        ),
    ]
}

/// The records below the navigation: policy, signatures, phone bills, notifications, the audit
/// trail and, for administrators, accounts.
async fn hub(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    signed: crate::session::SignedIn,
) -> Result<axum::response::Html<String>, crate::WebError> {
    signed.principal.reader()?;
    let page = crate::pages::Page::new("Oversight")
        .council(&signed.council)
        .viewer(&signed)
        .nav("oversight");
    Ok(axum::response::Html(state.pages.render(
        "pages/oversight.html",
        &page,
        minijinja::context! {
            admin => signed.principal.admin().is_ok(),
            findings => crate::monitoring::may_read_findings(&state, &signed).await?,
        },
    )?))
}

/// The address of one of the council's pages: `at(council, "/audit")`.
fn at(council: &Council, rest: &str) -> String {
    format!("/councils/{}{rest}", council.slug)
}

/// A moment as people read it, in the UK's local time: "11:04am on 20 May 2027".
fn moment(at: &chrono::DateTime<chrono::Utc>) -> String {
    steward_policy::uktime::local_moment(*at)
}

#[cfg(test)]
mod invitation_tests;
#[cfg(test)]
mod tests;
