//! Mail: the forwards set on the council's mailboxes, as the latest snapshots have them,
//! importing a snapshot (officers), and what the outbound milter decided.

use super::*;
use steward_domain::mail::MailDecisionRecord;
use steward_domain::mail::snapshot::SnapshotFormat;
use steward_domain::mail::{ForwardFilter, ForwardFinding};
use steward_domain::ops::mail::forwarding::{self, ForwardQuery, Imported};
use steward_domain::ops::mail::milter::{self, DecisionFilter, DecisionQuery};
use steward_policy::mail::{ForwardOutcome, MailAction};

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

/// `GET /mail/decisions`: what the outbound milter decided, newest first unless a sort is
/// given; for those who may read the forwards.
pub(crate) async fn mail_decisions(
    Reader { caller, mut tx }: Reader,
    Q(mut q): Q,
) -> ApiResult<Json<Page<MailDecisionRecord>>> {
    caller.principal.reader()?;
    let action = match q.text("action") {
        Some(a) => Some(
            serde_json::from_value::<MailAction>(serde_json::Value::String(a.clone())).map_err(
                |_| ApiError::bad_field("action", format!("'{a}' is not accept, reject or hold")),
            )?,
        ),
        None => None,
    };
    let filter = DecisionFilter {
        action,
        flagged: q.flag("flagged")?.then_some(true),
    };
    if q.sort.is_none() && q.dir.is_none() {
        q.dir = Some("desc".into());
    }
    let query: DecisionQuery = q.list_query(filter)?;
    let page = milter::page(
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
