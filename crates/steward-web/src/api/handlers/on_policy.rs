//! Policy.

use super::*;

/// Policy text is read by everyone who must sign it, as well as by readers.
fn may_read_policy(p: &Principal) -> ApiResult<()> {
    match p.reader() {
        Ok(_) => Ok(()),
        Err(denied) => p.member().map(|_| ()).map_err(|_| denied.into()),
    }
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct PolicyView {
    version: steward_domain::PackVersion,
    rules: Vec<steward_policy::explain::RuleLine>,
}

fn policy_view(version: steward_domain::PackVersion) -> ApiResult<PolicyView> {
    let pack = policy::parse_version(&version)?;
    Ok(PolicyView {
        rules: steward_policy::explain::rules(&pack),
        version,
    })
}

pub(crate) async fn policy_in_force(
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<PolicyView>> {
    may_read_policy(&caller.principal)?;
    let on = q.as_of(caller.today)?;
    let active = policy::require(&mut tx, &caller.council, on).await?;
    Ok(Json(policy_view(active.version)?))
}

pub(crate) async fn policy_versions(
    Reader { caller, mut tx }: Reader,
    Q(q): Q,
) -> ApiResult<Json<Page<steward_domain::PackVersion>>> {
    caller.principal.reader()?;
    let page = q.page()?;
    let all = policy::versions(&mut tx, &caller.council).await?;
    Ok(Json(page.of(all, |v| v.number)))
}

pub(crate) async fn policy_version(
    Reader { caller, mut tx }: Reader,
    Seg(n): Seg,
) -> ApiResult<Json<PolicyView>> {
    may_read_policy(&caller.principal)?;
    let number = path_id("policy version", &n)?;
    let version = policy::version(&mut tx, &caller.council, number).await?;
    Ok(Json(policy_view(version)?))
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct PresetRow {
    id: &'static str,
    name: &'static str,
}

pub(crate) async fn policy_presets(caller: Caller) -> ApiResult<Json<Vec<PresetRow>>> {
    caller.principal.reader()?;
    Ok(Json(
        steward_policy::presets::all()
            .iter()
            .map(|p| PresetRow {
                id: p.id,
                name: p.name,
            })
            .collect(),
    ))
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct CheckResult {
    valid: bool,
    problems: Vec<steward_policy::Problem>,
}

fn no_files(name: &str) -> Result<String, String> {
    Err(format!(
        "'{name}' cannot be read through the API; put the text in acceptance.text"
    ))
}

pub(crate) async fn policy_check(
    caller: Caller,
    Text(source): Text,
) -> ApiResult<Json<CheckResult>> {
    caller.principal.reader()?;
    let result = steward_policy::check_pack("policy", &source, &no_files);
    Ok(Json(match result {
        Ok(_) => CheckResult {
            valid: true,
            problems: Vec::new(),
        },
        Err(e) => {
            let mut problems = e.problems;
            problems.sort_by_key(|p| (p.line, p.column));
            CheckResult {
                valid: false,
                problems,
            }
        }
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Adopt {
    preset: Option<String>,
    source: Option<String>,
    effective_from: Option<String>,
}

/// The pack an adoption (or its preview) names: a preset or TOML text.
fn named_pack(body: &Adopt) -> ApiResult<steward_policy::LoadedPack> {
    Ok(match (&body.preset, &body.source) {
        (Some(id), None) => {
            let preset = steward_policy::presets::find(id)
                .ok_or_else(|| ApiError::invalid("preset", format!("there is no preset '{id}'")))?;
            steward_policy::presets::load(preset).map_err(steward_domain::DomainError::from)?
        }
        (None, Some(source)) => steward_policy::check_pack("policy", source, &no_files)
            .map_err(steward_domain::DomainError::from)?,
        _ => {
            return Err(ApiError::invalid(
                "source",
                "give either the pack's TOML text as source or a preset id",
            ));
        }
    })
}

pub(crate) async fn policy_adopt(
    State(state): State<ApiState>,
    caller: Caller,
    Body(body): Body<Adopt>,
) -> ApiResult<Created<steward_domain::PackVersion>> {
    caller.principal.admin()?;
    let loaded = named_pack(&body)?;
    let effective = opt_day("effective_from", &body.effective_from)?.unwrap_or(caller.today);
    let mut tx = write(&state).await?;
    let version =
        policy::adopt(&mut tx, &caller.ctx(), &caller.council, &loaded, effective).await?;
    tx.commit().await?;
    Ok(created(version))
}

/// What adopting the pack would change, rule by rule in words, and who must sign; adopts
/// nothing.
pub(crate) async fn policy_changes(
    Reader { caller, mut tx }: Reader,
    Body(body): Body<Adopt>,
) -> ApiResult<Json<policy::AdoptionPreview>> {
    caller.principal.reader()?;
    let loaded = named_pack(&body)?;
    let effective = opt_day("effective_from", &body.effective_from)?.unwrap_or(caller.today);
    Ok(Json(
        policy::preview_adoption(&mut tx, &caller.council, &loaded, effective).await?,
    ))
}
