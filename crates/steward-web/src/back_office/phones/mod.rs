//! Phone pages: lines on a phone's page, importing and reading bills, statements and payments
//! for officers, and the holder's own page for marking personal calls.
//!
//! Officers' pages ask `reader()` to look and `officer()` to change, like the rest of the back
//! office; the holder's pages ask `member()` and show only that person's items.

mod bills;
mod lines;
mod mine;
mod statements;
#[cfg(test)]
mod tests;

use crate::routes::{Need, PageRoute, page};
use axum::http::Method;
use axum::routing::{get, post};

pub(super) use lines::{LineRow, item_lines};

/// The phone pages, for the route table.
pub fn pages() -> Vec<PageRoute> {
    use Need::*;
    vec![
        page(
            Method::GET,
            "/councils/{slug}/equipment/{tag}/lines/new",
            Reader,
            get(lines::new_form),
        ),
        page(
            Method::POST,
            "/councils/{slug}/equipment/{tag}/lines",
            Officer,
            post(lines::add),
        ),
        page(
            Method::POST,
            "/councils/{slug}/phone-lines/{line}/remove",
            Officer,
            post(lines::remove),
        ),
        page(
            Method::GET,
            "/councils/{slug}/phone-bills",
            Reader,
            get(bills::list),
        ),
        page(
            Method::GET,
            "/councils/{slug}/phone-bills/import",
            Reader,
            get(bills::import_form),
        ),
        page(
            Method::POST,
            "/councils/{slug}/phone-bills/import",
            Officer,
            post(bills::import),
        ),
        page(
            Method::GET,
            "/councils/{slug}/phone-bills/{bill}",
            Reader,
            get(bills::detail),
        ),
        page(
            Method::POST,
            "/councils/{slug}/phone-bills/{bill}/statements",
            Officer,
            post(bills::issue),
        ),
        page(
            Method::GET,
            "/councils/{slug}/phone-statements",
            Reader,
            get(statements::list),
        ),
        page(
            Method::GET,
            "/councils/{slug}/phone-statements/{statement}",
            Reader,
            get(statements::detail),
        ),
        page(
            Method::POST,
            "/councils/{slug}/phone-statements/{statement}/payments",
            Officer,
            post(statements::pay),
        ),
        page(
            Method::GET,
            "/councils/{slug}/me/phone",
            Member,
            get(mine::bills),
        ),
        page(
            Method::GET,
            "/councils/{slug}/me/phone/{period}",
            Member,
            get(mine::period),
        ),
        page(
            Method::POST,
            "/councils/{slug}/me/phone/{period}",
            Member,
            post(mine::mark),
        ),
    ]
}
