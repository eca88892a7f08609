//! Every page the site serves, in one table: the router is built from it, and the access tests
//! walk it, so a page added here is covered by them without anyone remembering to.

use crate::{AppState, account, due_page, index, invitation, me, oidc_settings, provider, start};
use axum::Router;
use axum::http::Method;
use axum::routing::{MethodRouter, get, post};

/// What a page asks of whoever requests it. The handler enforces it by asking the
/// [`steward_domain::auth::Principal`]; this is the same rule written down for the tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Anyone, signed in or not.
    Public,
    /// Anyone signed in to the council.
    SignedIn,
    /// `principal.member()`: an account linked to a person, acting for themselves.
    Member,
    /// `principal.reader()`: officers, auditors and administrators.
    Reader,
    /// `principal.officer()`: officers and administrators, who change the register.
    Officer,
    /// `principal.admin()`: administrators, who manage the council itself.
    Admin,
    /// Whoever holds the one-time setup address, while the database holds no council.
    Setup,
}

// The access tests read `method` and `need`; the router only the path and handler.
#[cfg_attr(not(test), allow(dead_code))]
pub struct PageRoute {
    pub method: Method,
    /// The address, with `{slug}` for the council.
    pub path: &'static str,
    pub need: Need,
    handler: MethodRouter<AppState>,
}

pub(crate) fn page(
    method: Method,
    path: &'static str,
    need: Need,
    handler: MethodRouter<AppState>,
) -> PageRoute {
    PageRoute {
        method,
        path,
        need,
        handler,
    }
}

/// The pages, one row per method and address.
pub fn pages() -> Vec<PageRoute> {
    use Need::*;
    let mut v = vec![
        page(Method::GET, "/", Public, get(index)),
        page(
            Method::GET,
            "/councils/{slug}/sign-in",
            Public,
            get(account::sign_in_page),
        ),
        page(
            Method::POST,
            "/councils/{slug}/sign-in",
            Public,
            post(account::sign_in),
        ),
        page(
            Method::GET,
            "/councils/{slug}/sign-in/provider",
            Public,
            get(provider::start),
        ),
        page(
            Method::GET,
            "/councils/{slug}/sign-in/provider/return",
            Public,
            get(provider::finish),
        ),
        page(
            Method::GET,
            "/councils/{slug}/signed-out",
            Public,
            get(provider::signed_out),
        ),
        page(
            Method::GET,
            "/councils/{slug}/admin/sign-in",
            Admin,
            get(oidc_settings::page),
        ),
        page(
            Method::POST,
            "/councils/{slug}/admin/sign-in",
            Admin,
            post(oidc_settings::save),
        ),
        page(
            Method::POST,
            "/councils/{slug}/admin/sign-in/clear",
            Admin,
            post(oidc_settings::clear),
        ),
        page(
            Method::GET,
            "/councils/{slug}/invitation/{secret}",
            Public,
            get(invitation::page),
        ),
        page(
            Method::POST,
            "/councils/{slug}/invitation/{secret}",
            Public,
            post(invitation::choose),
        ),
        page(
            Method::POST,
            "/councils/{slug}/sign-out",
            SignedIn,
            post(account::sign_out),
        ),
        page(
            Method::GET,
            "/councils/{slug}/account/password",
            SignedIn,
            get(account::password_page),
        ),
        page(
            Method::POST,
            "/councils/{slug}/account/password",
            SignedIn,
            post(account::change_password),
        ),
        page(
            Method::GET,
            "/councils/{slug}/start",
            Reader,
            get(start::page),
        ),
        page(
            Method::GET,
            "/councils/{slug}/due",
            Reader,
            get(due_page::list),
        ),
        page(
            Method::GET,
            "/councils/{slug}/me",
            Member,
            get(me::equipment),
        ),
        page(
            Method::GET,
            "/councils/{slug}/me/policy",
            Member,
            get(me::policy_page),
        ),
        page(
            Method::POST,
            "/councils/{slug}/me/policy",
            Member,
            post(me::sign_policy),
        ),
        page(
            Method::GET,
            "/councils/{slug}/me/policy/signed",
            Member,
            get(me::signed),
        ),
    ];
    v.extend(crate::oversight::pages());
    v.extend(crate::back_office::pages());
    v.extend(crate::back_office::phone_pages());
    v.extend(crate::notifications::pages());
    v.extend(crate::workflow_pages::pages());
    v.extend(crate::monitoring::pages());
    v.extend(crate::reports::pages());
    v.extend(crate::records::pages());
    v.extend(crate::setup::pages());
    v.extend(crate::pickers::pages());
    v
}

/// The router for every page in [`pages`].
pub fn page_router() -> Router<AppState> {
    pages()
        .into_iter()
        .fold(Router::new(), |router, p| router.route(p.path, p.handler))
}
