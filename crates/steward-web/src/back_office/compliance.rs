//! Device compliance across the register: each item a device management tool has reported
//! on, a page at a time in asset tag order (paged in the database), with what the policy makes
//! of its latest checks.

use super::{base, office_page};
use crate::session::Reading;
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};
use steward_domain::AssetTag;
use steward_domain::DomainError;
use steward_domain::ops::posture;

/// Items on one page.
const PAGE: usize = 50;

#[derive(Deserialize)]
pub struct Params {
    /// The asset tag the page continues after.
    after: Option<String>,
}

#[derive(Serialize)]
struct ItemLine {
    tag: String,
    model: String,
    kind: String,
    last_seen: String,
    /// Findings to act on, each in words with its clause.
    findings: Vec<String>,
    /// Findings an exception covers.
    excepted: usize,
}

pub async fn page(
    State(state): State<AppState>,
    Reading { signed, mut tx }: Reading,
    Query(params): Query<Params>,
) -> Result<Response, WebError> {
    signed.principal.reader()?;
    let after: Option<AssetTag> = params.after.as_deref().and_then(|t| t.parse().ok());
    let b = base(&signed);
    // With no policy in force there is nothing to judge against: the page says so.
    let (found, next) = match posture::page(
        &mut tx,
        &signed.ctx(),
        &signed.council,
        after.as_ref(),
        PAGE,
    )
    .await
    {
        Err(DomainError::NoPolicy { .. }) => (Vec::new(), None),
        other => other?,
    };
    let lines: Vec<ItemLine> = found
        .iter()
        .map(|d| ItemLine {
            tag: d.asset_tag.to_string(),
            model: d.model.clone(),
            kind: super::equipment::words(d.kind.as_str()),
            last_seen: d
                .last_seen
                .map(steward_policy::uktime::local_moment)
                .unwrap_or_default(),
            findings: d
                .findings
                .iter()
                .filter(|f| f.finding.is_breach())
                .map(|f| format!("{} ({})", f.says, f.cites))
                .collect(),
            excepted: d.findings.len() - d.breaches(),
        })
        .collect();
    drop(tx);
    let page = office_page("Device compliance", &signed, "equipment");
    let next = next.map(|t| {
        format!(
            "{b}/compliance?after={}",
            crate::listing::encode(t.as_str())
        )
    });
    let html = state.pages.render(
        "pages/compliance.html",
        &page,
        context! {
            items => Serde(&lines),
            next,
            first => after.is_some().then(|| format!("{b}/compliance")),
            may_upload => super::may_change(&signed.principal),
        },
    )?;
    Ok(Html(html).into_response())
}
