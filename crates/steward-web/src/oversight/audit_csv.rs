//! The audit log as CSV: every record the filter matches, oldest first, each in words and as
//! recorded (its action, data and hash, for auditors). It is written a batch at a time as it
//! is sent, so a chain of hundreds of thousands of records is never held in memory.

use super::audit_query::AuditForm;
use crate::listing::{EXPORT_BATCH, defuse};
use crate::{AppState, WebError};
use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use steward_domain::Council;
use steward_domain::audit::{AuditRecord, timestamp_text};
use steward_domain::listing::{Cursor, Direction};
use steward_domain::ops::audit_log::{self, AuditLogFilter, Said};

pub const HEADINGS: [&str; 12] = [
    "Record",
    "Time in London",
    "Time recorded (UTC)",
    "What happened",
    "In words",
    "Done by (as recorded)",
    "Action (as recorded)",
    "Kind of record (as recorded)",
    "Record reference",
    "Data before",
    "Data after",
    "Record hash",
];

/// One record's cells.
pub fn cells(r: &AuditRecord, d: &Said) -> [String; 12] {
    [
        r.seq.to_string(),
        d.when.clone(),
        timestamp_text(r.at),
        d.label.clone(),
        d.sentence.clone(),
        r.actor.clone(),
        r.action.clone(),
        r.entity.clone(),
        r.entity_id.clone(),
        r.before.clone().unwrap_or_default(),
        r.after.clone().unwrap_or_default(),
        r.hash.clone(),
    ]
}

/// Lines of CSV text for `rows`, with the headings first when asked.
pub fn csv_lines<'a>(
    headings: bool,
    rows: impl IntoIterator<Item = (&'a AuditRecord, &'a Said)>,
) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    if headings {
        out.write_record(HEADINGS)?;
    }
    for (r, d) in rows {
        out.write_record(cells(r, d).iter().map(|c| defuse(c)))?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// Where the download has got to.
enum Progress {
    Start,
    At(Cursor),
    Done,
}

/// One batch's CSV text and where the next starts.
async fn batch(
    state: &AppState,
    council: &Council,
    form: &AuditForm,
    filter: &AuditLogFilter,
    from: Option<Cursor>,
) -> Result<(Vec<u8>, Option<Cursor>), WebError> {
    let mut query = form.query(filter.clone(), EXPORT_BATCH);
    query.direction = Direction::Ascending;
    query.window.from = from.clone();
    let mut tx = state.store.read().await?;
    let page = audit_log::list(&mut tx, council, &query).await?;
    let next = page.next.clone();
    let page = audit_log::say_page(&mut tx, council, page).await?;
    tx.commit().await?;
    let text = csv_lines(from.is_none(), page.items.iter().map(|(r, d)| (r, d)))
        .map_err(|_| WebError::internal("the CSV download could not be written"))?;
    Ok((text, next))
}

/// The download: every matching record, oldest first, as an attachment.
pub fn download(
    state: AppState,
    council: Council,
    form: AuditForm,
    filter: AuditLogFilter,
) -> Result<Response, WebError> {
    let name = format!("attachment; filename=\"audit-{}.csv\"", council.slug);
    let disposition = HeaderValue::try_from(name)
        .map_err(|_| WebError::internal("a file name could not be written"))?;
    let batches = stream::unfold(Progress::Start, move |progress| {
        let (state, council, form, filter) =
            (state.clone(), council.clone(), form.clone(), filter.clone());
        async move {
            let from = match progress {
                Progress::Start => None,
                Progress::At(cursor) => Some(cursor),
                Progress::Done => return None,
            };
            match batch(&state, &council, &form, &filter, from).await {
                Ok((text, next)) => {
                    let progress = next.map_or(Progress::Done, Progress::At);
                    Some((Ok::<Bytes, std::io::Error>(Bytes::from(text)), progress))
                }
                Err(e) => {
                    // The headers are sent: cutting the download short is all that is left.
                    tracing::error!(status = %e.status, "the audit CSV stopped part way");
                    Some((
                        Err(std::io::Error::other("the audit CSV stopped")),
                        Progress::Done,
                    ))
                }
            }
        }
    });
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        Body::from_stream(batches),
    )
        .into_response())
}
