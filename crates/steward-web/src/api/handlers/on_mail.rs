//! Mail: the forwards set on the council's mailboxes, as the latest snapshots have them, and
//! importing a snapshot (officers).

use super::*;
use steward_domain::mail::snapshot::SnapshotFormat;
use steward_domain::mail::{ForwardFilter, ForwardFinding};
use steward_domain::ops::mail::forwarding::{self, ForwardQuery, Imported};
use steward_policy::mail::ForwardOutcome;

pub(crate) async fn mail_forwards(
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<ForwardFinding>>> {
    caller.principal.reader()?;
    let person_id = match q.text("person") {
        Some(r) => Some(
            people::find(&mut tx, &caller.council, &field::<PersonRef>("person", &r)?)
                .await?
                .id,
        ),
        None => None,
    };
    let outcome = match q.text("outcome") {
        Some(o) => Some(
            o.parse::<ForwardOutcome>()
                .map_err(|m| ApiError::bad_field("outcome", m))?,
        ),
        None => None,
    };
    let query: ForwardQuery = q.list_query(ForwardFilter { outcome, person_id })?;
    let page = forwarding::page(
        &mut tx,
        &caller.council,
        &caller.principal,
        caller.today,
        &query,
    )
    .await?;
    Ok(Json(Page::from(page)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ForwardingImport {
    format: String,
    file_name: String,
    content: String,
}

pub(crate) async fn mail_forwards_import(
    State(state): State<ApiState>,
    caller: Caller,
    Body(b): Body<ForwardingImport>,
) -> ApiResult<Json<Imported>> {
    caller.principal.officer()?;
    let format: SnapshotFormat = b
        .format
        .parse()
        .map_err(|m: String| ApiError::bad_field("format", m))?;
    let rows = forwarding::parse(format, &b.file_name, b.content.as_bytes())
        .map_err(steward_domain::DomainError::Import)?;
    let mut tx = write(&state).await?;
    let done = forwarding::import(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        format,
        &b.file_name,
        rows,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(done))
}
