//! Records pages: the printable acceptance form, the subject access document, and the
//! register of information requests (freedom of information, environmental information and
//! subject access) with the page where members answer what they were asked.

mod document;
mod info;
mod mine;
pub mod pdfs;

pub use document::{Section, sections};

use crate::back_office::office_page;
use crate::pdf::Document;
use crate::routes::{Need, PageRoute, page};
use crate::session::Reading;
use crate::session::SignedIn;
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::http::Method;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use minijinja::context;
use minijinja::value::Serde;
use steward_domain::PersonRef;
use steward_domain::ops::{acceptance_form, subject_access};
use steward_policy::long_date;

/// The pages of this part, for the route table.
pub fn pages() -> Vec<PageRoute> {
    use Need::*;
    let mut v = vec![
        page(
            Method::GET,
            "/councils/{slug}/people/{reference}/acceptance-form.pdf",
            Officer,
            get(acceptance_form_pdf),
        ),
        page(
            Method::GET,
            "/councils/{slug}/people/{reference}/subject-access",
            Officer,
            get(subject_access_page),
        ),
        page(
            Method::GET,
            "/councils/{slug}/people/{reference}/subject-access.pdf",
            Officer,
            get(subject_access_pdf),
        ),
        page(
            Method::GET,
            "/councils/{slug}/me/information-requests",
            Member,
            get(mine::list),
        ),
        page(
            Method::POST,
            "/councils/{slug}/me/information-requests/{id}/answer",
            Member,
            post(mine::answer),
        ),
    ];
    v.extend(info::pages());
    v
}

/// A PDF to download as `name`.
pub(crate) fn pdf_response(doc: &Document, name: &str) -> Result<Response, WebError> {
    let disposition = HeaderValue::try_from(format!("attachment; filename=\"{name}\""))
        .map_err(|_| WebError::internal("a PDF file name was not a header value"))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        doc.to_bytes(),
    )
        .into_response())
}

fn person_ref(text: &str) -> Result<PersonRef, WebError> {
    text.parse().map_err(|_| WebError::not_found())
}

/// A file name made of the safe characters of `text`.
pub(crate) fn file_name(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

async fn acceptance_form_pdf(
    Reading { signed, mut tx }: Reading,
    Path((_, reference)): Path<(String, String)>,
) -> Result<Response, WebError> {
    signed.principal.officer()?;
    let reference = person_ref(&reference)?;
    let form = acceptance_form::form(&mut tx, &signed.ctx(), &signed.council, &reference).await?;
    drop(tx);
    pdf_response(
        &pdfs::acceptance_form(&form),
        &format!("acceptance-form-{}.pdf", file_name(form.person.as_str())),
    )
}

/// The document is produced in a write transaction: producing it is audited.
async fn produce(
    state: &AppState,
    signed: &SignedIn,
    reference: &str,
) -> Result<subject_access::SubjectAccessDocument, WebError> {
    signed.principal.officer()?;
    let reference = person_ref(reference)?;
    let mut tx = state.store.begin().await?;
    let doc = subject_access::produce(
        &mut tx,
        &signed.ctx(),
        &signed.council,
        &signed.principal,
        &reference,
    )
    .await?;
    tx.commit().await?;
    Ok(doc)
}

async fn subject_access_page(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, reference)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let doc = produce(&state, &signed, &reference).await?;
    let page = office_page("Subject access document", &signed, "people");
    let html = state.pages.render(
        "pages/subject_access.html",
        &page,
        context! {
            doc => Serde(&doc),
            produced_on => long_date(doc.produced_on),
            sections => Serde(&document::sections(&doc)),
            kind => doc.person.kind.as_str().replace('_', " "),
        },
    )?;
    Ok(Html(html).into_response())
}

async fn subject_access_pdf(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((_, reference)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let doc = produce(&state, &signed, &reference).await?;
    pdf_response(
        &pdfs::subject_access(&doc),
        &format!(
            "subject-access-{}.pdf",
            file_name(doc.person.reference.as_str())
        ),
    )
}
