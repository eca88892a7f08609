//! Checking a forwarding snapshot before it is imported: what the file holds (mailboxes,
//! forwards, how many the policy forbids) on a check-your-answers page, and the import only
//! once the officer confirms. As on the device checks upload, the file travels in the page
//! itself (base64, with a digest keyed by the session's form token), so nothing is kept on the
//! server between the two steps and the confirmation imports exactly the file that was checked.

use crate::back_office::{base, error, office_page};
use crate::pages::FieldError;
use crate::session::{CsrfFields, SignedIn};
use crate::{AppState, WebError};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use minijinja::context;
use sha2::{Digest, Sha256};
use steward_domain::mail::snapshot::SnapshotFormat;
use steward_domain::ops::mail::forwarding::Imported;

use crate::limits::FORWARDING_SNAPSHOT as MAX_BYTES;

/// A snapshot between checking and importing.
pub(super) struct Kept {
    pub format: SnapshotFormat,
    pub name: String,
    pub data: Vec<u8>,
}

impl Kept {
    fn digest(&self, signed: &SignedIn) -> String {
        let mut hasher = Sha256::new();
        for part in [
            signed.session.csrf_token.as_bytes(),
            self.format.as_str().as_bytes(),
            self.name.as_bytes(),
            &self.data,
        ] {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part);
        }
        hex::encode(hasher.finalize())
    }
}

/// The snapshot kept in the check page, its digest checked; none when the form is a new
/// upload.
pub(super) fn kept(signed: &SignedIn, fields: &CsrfFields) -> Result<Option<Kept>, FieldError> {
    let data = fields.text("data");
    if data.is_empty() {
        return Ok(None);
    }
    let lost = || {
        error(
            "file",
            "The snapshot could not be read back from the check; upload it again",
        )
    };
    let kept = Kept {
        format: fields
            .text("kept_format")
            .parse::<SnapshotFormat>()
            .map_err(|_| lost())?,
        name: fields.text("file_name"),
        data: STANDARD.decode(data.trim()).map_err(|_| lost())?,
    };
    if kept.data.len() > MAX_BYTES {
        return Err(lost());
    }
    if kept.digest(signed) != fields.text("digest") {
        return Err(error(
            "file",
            "The snapshot changed after it was checked; upload it again",
        ));
    }
    Ok(Some(kept))
}

/// Where a snapshot comes from, as the officer chose it.
pub(super) fn format_words(format: SnapshotFormat) -> &'static str {
    match format {
        SnapshotFormat::Graph => "Microsoft Graph inbox rules",
        SnapshotFormat::Exchange => "Exchange PowerShell export",
    }
}

/// The check-your-answers page: what importing `kept` would store, counted by an import
/// that was not committed.
pub(super) fn render(
    state: &AppState,
    signed: &SignedIn,
    kept: &Kept,
    mailboxes: usize,
    would: &Imported,
) -> Result<Response, WebError> {
    let b = base(signed);
    let title = "Check the snapshot before importing it";
    let page = office_page(title, signed, "oversight");
    let outcomes: Vec<_> = would
        .by_outcome
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(o, n)| context! { text => o.words(), count => n })
        .collect();
    let html = state.pages.render(
        "pages/monitoring_mail_forwards_check.html",
        &page,
        context! {
            heading => title,
            action => format!("{b}/monitoring/mail-forwards"),
            name => &kept.name,
            format => kept.format.as_str(),
            format_text => format_words(kept.format),
            data => STANDARD.encode(&kept.data),
            digest => kept.digest(signed),
            mailboxes,
            forwards => would.import.forwards,
            breaches => would.import.breaches,
            matched => would.matched,
            unmatched => would.unmatched,
            outcomes,
            csrf_token => &signed.session.csrf_token,
        },
    )?;
    Ok((StatusCode::OK, Html(html)).into_response())
}
