//! Reports' rows as JSON, and the retention plan and purge.

use super::*;
use steward_domain::ops::reports::{self, Asked, Chart, Column, ReportName};
use steward_domain::ops::retention::{self, RetentionPlan};

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct ReportRows {
    name: ReportName,
    title: String,
    council: String,
    as_of: NaiveDate,
    policy: Option<String>,
    notes: Vec<String>,
    columns: Vec<Column>,
    /// Each row as an object keyed by column.
    rows: Vec<serde_json::Map<String, serde_json::Value>>,
    chart: Chart,
}

pub(crate) async fn report_rows(
    Reader { caller, mut tx }: Reader,
    Seg(name): Seg,
    Q(q): Q,
) -> ApiResult<Json<ReportRows>> {
    caller.principal.reader()?;
    let name: ReportName = name
        .parse()
        .map_err(|_| ApiError::not_found("no such report; see /api/v1/openapi.json"))?;
    let on = q.as_of(caller.today)?;
    let from = opt_day("from", &q.text("from"))?;
    let asked = Asked::new(name, on).by(&caller.principal).from(from);
    let report = reports::build(&mut tx, &caller.council, asked).await?;
    Ok(Json(ReportRows {
        rows: report.records(),
        name: report.name,
        title: report.title,
        council: report.council,
        as_of: report.as_of,
        policy: report.policy,
        notes: report.notes,
        columns: report.columns,
        chart: report.chart,
    }))
}

pub(crate) async fn retention_plan(
    Reader { caller, mut tx }: Reader,
) -> ApiResult<Json<RetentionPlan>> {
    caller.principal.admin()?;
    Ok(Json(
        retention::plan(&mut tx, &caller.ctx(), &caller.council).await?,
    ))
}

pub(crate) async fn retention_purge(
    State(state): State<ApiState>,
    caller: Caller,
) -> ApiResult<Json<RetentionPlan>> {
    caller.principal.admin()?;
    let mut tx = write(&state).await?;
    let done = retention::purge(&mut tx, &caller.ctx(), &caller.council).await?;
    tx.commit().await?;
    Ok(Json(done))
}
