//! Device compliance: importing device checks and reading what the policy makes of them.

use super::*;
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

/// `GET /posture`: every reported item with something to act on, by asset tag.
pub(crate) async fn posture_findings(
    Reader { caller, mut tx }: Reader,
) -> ApiResult<Json<Vec<DeviceCompliance>>> {
    caller.principal.reader()?;
    let mut found = posture::findings(&mut tx, &caller.ctx(), &caller.council, None).await?;
    found.retain(|d| !d.findings.is_empty());
    Ok(Json(found))
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
