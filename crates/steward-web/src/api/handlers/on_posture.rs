//! Device compliance: importing device checks and reading what the policy makes of them.

use super::*;
use crate::api::extract::Params;
use axum::body::Bytes;
use steward_domain::ops::posture::{self, DeviceCompliance, PostureImported};
use steward_domain::posture::parse::{self, FleetMap, Format};

/// What a file uploaded through the API is called in its record and in row errors.
const UPLOAD: &str = "API upload";

/// `POST /posture/import/{format}`: the file as the body. Fleet files need the policy map,
/// which the command line and the upload page take; the API reads the other three formats.
pub(crate) async fn posture_import(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(format): Seg,
    body: Bytes,
) -> ApiResult<Created<PostureImported>> {
    caller.principal.officer()?;
    let format = match Format::parse(&format) {
        Some(Format::Fleet) => {
            return Err(ApiError::bad_field(
                "format",
                "Fleet results need a map of policy names to checks; import them with \
                 `steward posture import --format fleet --policy-map FILE`",
            ));
        }
        Some(f) => f,
        None => {
            return Err(ApiError::bad_field(
                "format",
                "expected one of: steward, intune, osquery",
            ));
        }
    };
    let rows = parse::parse(format, UPLOAD, &body, &FleetMap::default())
        .map_err(steward_domain::DomainError::from)?;
    drop(body);
    let mut tx = write(&state).await?;
    let done = posture::import(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        UPLOAD,
        format,
        rows,
        |_| {},
    )
    .await?;
    tx.commit().await?;
    Ok(created(done))
}

/// `GET /posture`: every reported item, a page at a time in asset tag order (paged in the
/// database), each with its duties and findings. The cursor is the last tag given, encoded.
pub(crate) async fn posture_findings(
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<DeviceCompliance>>> {
    caller.principal.reader()?;
    // The cursor is this list's own (an asset tag), so only the limit is read the usual way.
    let limit = Params {
        limit: q.limit.clone(),
        ..Params::default()
    }
    .page()?
    .limit;
    let after: Option<AssetTag> = match q.cursor.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => Some(
            hex::decode(c)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|t| t.parse().ok())
                .ok_or_else(|| {
                    ApiError::bad_field("cursor", "use the next_cursor of an earlier page")
                })?,
        ),
    };
    let (items, next) = posture::page(
        &mut tx,
        &caller.ctx(),
        &caller.council,
        after.as_ref(),
        limit,
    )
    .await?;
    Ok(Json(Page {
        items,
        next_cursor: next.map(|t| hex::encode(t.as_str())),
        previous_cursor: None,
        total: None,
    }))
}

/// `GET /equipment/{tag}/posture`: one item's compliance by duty, with its findings.
pub(crate) async fn equipment_posture(
    Reader { caller, mut tx }: Reader,
    Seg(tag): Seg,
) -> ApiResult<Json<DeviceCompliance>> {
    caller.principal.reader()?;
    let tag: AssetTag = field("tag", &tag)?;
    let mut found = posture::findings(&mut tx, &caller.ctx(), &caller.council, Some(&tag)).await?;
    found
        .pop()
        .map(Json)
        .ok_or_else(|| steward_domain::DomainError::not_found("equipment", tag.as_str()).into())
}
