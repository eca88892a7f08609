//! The page the web filter sends a blocked browser to. Public: whoever is browsing may not be
//! signed in. Everything in the address is untrusted and only ever shown as escaped text; the
//! clause comes from the council's policy in force, not from the address.

use crate::account::find_council;
use crate::listing::encode;
use crate::pages::Page;
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use serde::Deserialize;
use steward_domain::ops::policy;
use steward_policy::Citation;
use steward_policy::model::{Pack, ReportKind, WebAction};
use steward_policy::requests::{RequestFacts, route};

/// Longest address shown; a longer one is cut, since it is only there to be recognised.
const SHOWN: usize = 300;

#[derive(Deserialize)]
pub struct Blocked {
    #[serde(default)]
    category: String,
    #[serde(default)]
    url: String,
}

/// The host of the blocked address, if it has one that looks like a host name.
fn host_of(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = match url.split_once("://") {
        Some((_, rest)) => rest,
        // A bare host, as a CONNECT request gives; anything else with a colon is no address.
        None if !url.contains(':') => url,
        None => return None,
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = authority.split(':').next().unwrap_or_default();
    let fine = !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    fine.then(|| host.trim_end_matches('.').to_ascii_lowercase())
}

/// The rule of the pack that blocks `category`, for whoever is browsing.
fn clause_for(pack: &Pack, category: &str) -> Option<Citation> {
    let web = pack.web.as_ref()?;
    web.rules
        .iter()
        .find(|r| r.action != WebAction::Allow && r.categories.iter().any(|c| c == category))
        .map(|r| Citation::new(pack, &r.clause))
}

/// Whether the pack sends a request of `kind` somewhere, so that its form has a use.
fn offered(pack: &Pack, kind: ReportKind) -> bool {
    let facts = RequestFacts {
        kind,
        requester: None,
        equipment: None,
    };
    route(pack, &facts).is_ok()
}

pub async fn page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<Blocked>,
) -> Result<Response, WebError> {
    let council = find_council(&state, &slug).await?;
    let today = (state.today)();
    let mut tx = state.store.read().await?;
    let active = policy::in_force(&mut tx, &council, today).await?;
    drop(tx);
    let category = q.category.trim();
    let category = (!category.is_empty() && category.len() <= 64).then_some(category);
    let url: String = q.url.trim().chars().take(SHOWN).collect();
    let cut = q.url.trim().chars().count() > SHOWN;
    let host = host_of(&q.url);
    let pack = active.as_ref().map(|a| &a.pack);
    let citation = match (pack, category) {
        (Some(p), Some(c)) => clause_for(p, c).map(|c| c.to_string()),
        _ => None,
    };
    let base = format!("/councils/{}", council.slug);
    let through_sign_in = |kind: &str| {
        let mut next = format!("{base}/me/requests/new?kind={kind}");
        if let Some(h) = &host {
            next.push_str(&format!("&host={}", encode(h)));
        }
        format!("{base}/sign-in?next={}", encode(&next))
    };
    let exception = pack
        .filter(|p| offered(p, ReportKind::WebException))
        .map(|_| through_sign_in("web_exception"));
    let accidental = pack
        .filter(|p| offered(p, ReportKind::AccidentalAccess))
        .map(|_| through_sign_in("accidental_access"));
    let page = Page::new("This website is blocked").council(&council);
    let html = state.pages.render(
        "pages/blocked.html",
        &page,
        context! {
            category,
            url => (!url.is_empty()).then_some(url),
            cut,
            host,
            citation,
            policy => active.as_ref().map(|a| a.pack.pack.title.clone()),
            exception,
            accidental,
        },
    )?;
    Ok(Html(html).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_host_names_are_taken_from_the_address() {
        assert_eq!(
            host_of("http://user@WWW.Bet.example:8080/x?y").as_deref(),
            Some("www.bet.example")
        );
        assert_eq!(host_of("javascript:alert(1)"), None);
        assert_eq!(host_of("http://<script>/"), None);
    }
}
