//! The web filter's pages: the block page a browser is sent to (public), what scanning the
//! proxy's logs found (only for the offices the policy names, and auditors), and the proxy
//! user names and device addresses by which the filter knows people (officers); and the
//! forwards set on the council's mailboxes, with uploading a snapshot of them (`mail`).

mod blocked;
mod findings;
mod identities;
mod mail;
mod mail_check;

use crate::AppState;
use crate::routes::{Need, PageRoute, page};
use axum::http::Method;
use axum::routing::{get, post};

pub fn pages() -> Vec<PageRoute> {
    use Need::*;
    vec![
        page(
            Method::GET,
            "/councils/{slug}/blocked",
            Public,
            get(blocked::page),
        ),
        page(
            Method::GET,
            "/councils/{slug}/monitoring/findings",
            Reader,
            get(findings::list),
        ),
        page(
            Method::GET,
            "/councils/{slug}/monitoring/mail-forwards",
            Reader,
            get(mail::list),
        ),
        page(
            Method::POST,
            "/councils/{slug}/monitoring/mail-forwards",
            Officer,
            post(mail::upload).layer(mail::body_limit()),
        ),
        page(
            Method::GET,
            "/councils/{slug}/monitoring/people/{reference}",
            Reader,
            get(findings::person),
        ),
        page(
            Method::GET,
            "/councils/{slug}/people/{reference}/web-identities",
            Officer,
            get(identities::page),
        ),
        page(
            Method::POST,
            "/councils/{slug}/people/{reference}/web-identities",
            Officer,
            post(identities::add),
        ),
        page(
            Method::POST,
            "/councils/{slug}/people/{reference}/web-identities/remove",
            Officer,
            post(identities::remove),
        ),
        page(
            Method::GET,
            "/councils/{slug}/equipment/{tag}/addresses",
            Officer,
            get(identities::addresses_page),
        ),
        page(
            Method::POST,
            "/councils/{slug}/equipment/{tag}/addresses",
            Officer,
            post(identities::set_addresses),
        ),
    ]
}

/// Whether the principal may read findings under the pack in force, for the hub's link.
pub(crate) async fn may_read_findings(
    state: &AppState,
    signed: &crate::session::SignedIn,
) -> Result<bool, crate::WebError> {
    let mut tx = state.store.read().await?;
    let active =
        steward_domain::ops::policy::in_force(&mut tx, &signed.council, signed.today).await?;
    let visible_to = active
        .and_then(|a| a.pack.monitoring.as_ref().map(|m| m.visible_to.clone()))
        .unwrap_or_default();
    Ok(signed.principal.findings_reader(&visible_to).is_ok())
}
