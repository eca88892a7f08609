//! `steward posture`: importing device checks and listing what the policy makes of them.

use crate::app::App;
use crate::args::PostureCmd;
use crate::exit;
use crate::output::Table;
use steward_domain::ops::posture::{self, DeviceCompliance, PostureImported};
use steward_domain::posture::parse::{self, FleetMap, Format};

pub async fn run(app: &App, cmd: PostureCmd) -> anyhow::Result<u8> {
    match cmd {
        PostureCmd::Import {
            file,
            format,
            policy_map,
        } => {
            let (format, map) = format_and_map(&format, policy_map.as_deref())?;
            let name = file.display().to_string();
            let data = crate::input::read(&file, crate::input::POSTURE)?;
            let rows = parse::parse(format, &name, &data, &map)?;
            drop(data);
            let ctx = app.ctx();
            let mut tx = app.begin().await?;
            let council = app.council(&mut tx).await?;
            let bar = super::progress(rows.len() as u64, app.out.json);
            let done = posture::import(&mut tx, &ctx, &council, &name, format, rows, |n| {
                bar.set_position(n)
            })
            .await?;
            tx.commit().await?;
            bar.finish_and_clear();
            app.out
                .emit(&done, || imported_text(&done, &name, format))?;
            Ok(exit::OK)
        }
        PostureCmd::Findings { item, all } => {
            let ctx = app.ctx();
            let mut tx = app.begin().await?;
            let council = app.council(&mut tx).await?;
            let tag = match &item {
                Some(t) => Some(t.parse()?),
                None => None,
            };
            let mut found = posture::findings(&mut tx, &ctx, &council, tag.as_ref()).await?;
            drop(tx);
            if !all && item.is_none() {
                found.retain(|d| !d.findings.is_empty());
            }
            app.out.emit(&found, || human(&found, item.is_some()))?;
            Ok(exit::OK)
        }
    }
}

/// The format `--format` names and, for Fleet, the map `--policy-map` names, read.
pub(crate) fn format_and_map(
    format: &str,
    policy_map: Option<&std::path::Path>,
) -> anyhow::Result<(Format, FleetMap)> {
    let format = Format::parse(format.trim()).ok_or_else(|| crate::Exit {
        code: exit::USAGE,
        message: format!(
            "--format: '{format}' is not a format; expected one of: intune, osquery, fleet, \
             steward"
        ),
    })?;
    let map = match (policy_map, format) {
        (Some(path), Format::Fleet) => {
            let text = crate::input::read_text(path, crate::input::POLICY_MAP)?;
            FleetMap::parse(&path.display().to_string(), &text)?
        }
        (None, Format::Fleet) => {
            return Err(crate::Exit {
                code: exit::USAGE,
                message: "--policy-map: a Fleet file needs a map saying which check each \
                          policy verifies"
                    .into(),
            }
            .into());
        }
        (Some(_), _) => {
            return Err(crate::Exit {
                code: exit::USAGE,
                message: "--policy-map is only for --format fleet".into(),
            }
            .into());
        }
        (None, _) => FleetMap::default(),
    };
    Ok((format, map))
}

/// What an import took in, naming the file as it was given.
pub(crate) fn imported_text(done: &PostureImported, name: &str, format: Format) -> String {
    let i = &done.import;
    let mut text = format!(
        "Imported {} observations of {} items from {} ({}); {} were new.\n",
        i.observations,
        i.devices,
        name,
        format.label(),
        done.new
    );
    if i.unmatched > 0 {
        text.push_str(&format!(
            "{} devices in the file are not in the register: {}{}\n",
            i.unmatched,
            done.unmatched_devices.join(", "),
            if i.unmatched as usize > done.unmatched_devices.len() {
                " and others"
            } else {
                ""
            }
        ));
    }
    text
}

/// Each item's findings; with its duties one by one when `one` item was asked for.
pub(crate) fn human(found: &[DeviceCompliance], one: bool) -> String {
    if found.is_empty() {
        return if one {
            "No source has reported on this item.\n".to_string()
        } else {
            "No reported device has anything to act on.\n".to_string()
        };
    }
    let mut text = String::new();
    for d in found {
        let seen = d
            .last_seen
            .map(|at| {
                format!(
                    "last checked in {}",
                    crate::uk_time::london(at).format("%-d %B %Y at %H:%M")
                )
            })
            .unwrap_or_else(|| "never checked in".to_string());
        text.push_str(&format!(
            "{} {} ({}), {seen}\n",
            d.asset_tag,
            d.model,
            d.kind.to_string().replace('_', " ")
        ));
        if one {
            let mut t = Table::new(&["DUTY", "RESULT", "CLAUSE"]);
            for duty in &d.duties {
                let result = match (&duty.excepted, duty.result) {
                    (Some(e), _) => format!(
                        "authorised off by the {} until {}",
                        e.authorised_by,
                        steward_policy::long_date(e.until)
                    ),
                    (None, Some(r)) => match r {
                        steward_policy::posture::CheckResult::Pass => "passed".to_string(),
                        steward_policy::posture::CheckResult::Fail => "FAILED".to_string(),
                        steward_policy::posture::CheckResult::Unknown => "unknown".to_string(),
                    },
                    (None, None) => "not reported".to_string(),
                };
                t.row(vec![
                    duty.check.label().to_string(),
                    result,
                    duty.citation.to_string(),
                ]);
            }
            text.push_str(&t.render());
        }
        if d.findings.is_empty() {
            text.push_str("  Nothing to act on.\n");
        }
        for f in &d.findings {
            text.push_str(&format!("  - {} ({})\n", f.says, f.cites));
        }
        text.push('\n');
    }
    text
}
