//! Device compliance: importing device checks and reading what the policy makes of them.

use super::*;
use crate::api::extract::Params;
use crate::limits::{FLEET_MAP, POSTURE_UPLOAD};
use axum::body::Bytes;
use steward_domain::ops::posture::{self, DeviceCompliance, PostureImported};
use steward_domain::posture::parse::{self, FleetMap, Format};

/// What a file uploaded through the API is called in its record and in row errors.
const UPLOAD: &str = "API upload";

/// What a Fleet policy map sent through the API is called where it is read.
const MAP: &str = "policy map";

/// `POST /posture/import/{format}`: the file as the body, for the formats that need nothing
/// beside it; Fleet results come with their policy map to `POST /posture/import/fleet`.
pub(crate) async fn posture_import(
    State(state): State<ApiState>,
    caller: Caller,
    Seg(format): Seg,
    body: Bytes,
) -> ApiResult<Created<PostureImported>> {
    caller.principal.officer()?;
    let Some(format) = Format::parse(&format).filter(|f| *f != Format::Fleet) else {
        return Err(ApiError::bad_field(
            "format",
            "expected one of: steward, intune, osquery (Fleet results go to \
             /posture/import/fleet with their policy map)",
        ));
    };
    let rows = parse::parse(format, UPLOAD, &body, &FleetMap::default())
        .map_err(steward_domain::DomainError::from)?;
    drop(body);
    import(&state, &caller, format, rows).await
}

/// Fleet's host results and the map saying which check each of the council's policies is.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FleetImport {
    results: String,
    policy_map: String,
}

/// `POST /posture/import/fleet`: Fleet's results with their policy map, each held to the
/// upload page's limits.
pub(crate) async fn posture_import_fleet(
    State(state): State<ApiState>,
    caller: Caller,
    Body(b): Body<FleetImport>,
) -> ApiResult<Created<PostureImported>> {
    caller.principal.officer()?;
    if b.results.len() > POSTURE_UPLOAD {
        return Err(ApiError::invalid(
            "results",
            format!("the results are over {POSTURE_UPLOAD} bytes"),
        ));
    }
    if b.policy_map.len() > FLEET_MAP {
        return Err(ApiError::invalid(
            "policy_map",
            format!("the policy map is over {FLEET_MAP} bytes"),
        ));
    }
    let map = FleetMap::parse(MAP, &b.policy_map).map_err(|e| {
        let lines: Vec<String> = e
            .errors
            .iter()
            .map(|r| format!("line {}: {}", r.line, r.message))
            .collect();
        ApiError::invalid("policy_map", lines.join("; "))
    })?;
    if map.is_empty() {
        return Err(ApiError::invalid(
            "policy_map",
            "the policy map names no policy; write lines like \
             \"Antivirus healthy (Windows) = antivirus\"",
        ));
    }
    let rows = parse::parse(Format::Fleet, UPLOAD, b.results.as_bytes(), &map)
        .map_err(steward_domain::DomainError::from)?;
    drop(b);
    import(&state, &caller, Format::Fleet, rows).await
}

/// Records checks already read, in one transaction with their audit record.
async fn import(
    state: &ApiState,
    caller: &Caller,
    format: Format,
    rows: Vec<parse::Observation>,
) -> ApiResult<Created<PostureImported>> {
    let mut tx = write(state).await?;
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
