use crate::app::App;
use crate::args::PolicyCmd;
use crate::exit;
use crate::output::{Failure, FailureKind, Out, Table, count};
use serde::Serialize;
use std::path::{Path, PathBuf};
use steward_domain::ops::policy;
use steward_policy::explain::{RuleLine, rules};
use steward_policy::{CheckError, LoadedPack, check_pack, presets};

pub fn load_preset(id: &str) -> anyhow::Result<LoadedPack> {
    let Some(preset) = presets::find(id) else {
        let known: Vec<&str> = presets::all().iter().map(|p| p.id).collect();
        return Err(crate::Exit {
            code: exit::NOT_FOUND,
            message: format!(
                "there is no preset '{id}'; presets are: {}",
                known.join(", ")
            ),
        }
        .into());
    };
    Ok(presets::load(preset)?)
}

/// Reads and checks a pack file; `text_file` is resolved beside it.
pub fn load_file(path: &Path) -> anyhow::Result<LoadedPack> {
    let name = path.display().to_string();
    let source = crate::input::read_text(path, crate::input::POLICY)?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let read = move |rel: &str| {
        crate::input::read_text(&dir.join(rel), crate::input::POLICY).map_err(|e| e.to_string())
    };
    Ok(check_pack(&name, &source, &read)?)
}

#[derive(Serialize)]
struct Checked {
    file: String,
    ok: bool,
    hash: Option<String>,
    problems: Vec<steward_policy::Problem>,
}

pub fn check_files(files: &[PathBuf], out: &Out) -> anyhow::Result<u8> {
    let mut results = Vec::new();
    let mut reports = String::new();
    for path in files {
        match load_file(path) {
            Ok(loaded) => results.push(Checked {
                file: path.display().to_string(),
                ok: true,
                hash: Some(loaded.hash),
                problems: Vec::new(),
            }),
            Err(err) => match err.downcast::<CheckError>() {
                Ok(check) => {
                    reports.push_str(&format!("{check}\n"));
                    results.push(Checked {
                        file: check.file.clone(),
                        ok: false,
                        hash: None,
                        problems: check.problems,
                    });
                }
                Err(other) => return Err(other),
            },
        }
    }
    let failed: Vec<&Checked> = results.iter().filter(|r| !r.ok).collect();
    if failed.is_empty() {
        let outcome = format!("{} without problems", count(results.len(), "file", "files"));
        out.show(&results, outcome, || {
            results
                .iter()
                .map(|r| format!("{}: ok\n", r.file))
                .collect()
        })?;
        return Ok(exit::OK);
    }
    let problems: usize = failed.iter().map(|r| r.problems.len()).sum();
    let mut failure = Failure::new(
        FailureKind::Invalid,
        format!(
            "{} in {}",
            count(problems, "problem", "problems"),
            count(failed.len(), "file", "files")
        ),
    );
    failure.field = failed.first().map(|r| r.file.clone());
    for r in failed {
        reports.push_str(&format!("{}: {} problem(s)\n", r.file, r.problems.len()));
    }
    // People read which files passed on standard output, each problem on standard error.
    failure.text = reports;
    let passed: String = results
        .iter()
        .filter(|r| r.ok)
        .map(|r| format!("{}: ok\n", r.file))
        .collect();
    // A file's name and the text quoted from it are shown, not acted on by the terminal.
    let passed = crate::terminal::lines(&passed).into_owned();
    let code = out.failed(&results, &failure, || passed)?;
    if !out.json {
        eprint!("{}", crate::terminal::lines(&failure.text));
    }
    Ok(code)
}

#[derive(Serialize)]
struct Shown<'a> {
    id: &'a str,
    title: &'a str,
    version: &'a str,
    hash: &'a str,
    rules: Vec<RuleLine>,
}

pub(crate) fn show(out: &Out, loaded: &LoadedPack, text: bool) -> anyhow::Result<()> {
    if text {
        return out.emit(
            &serde_json::json!({ "text": loaded.acceptance_text }),
            || {
                if loaded.acceptance_text.is_empty() {
                    "This policy asks for no signature.\n".into()
                } else {
                    format!("{}\n", loaded.acceptance_text.trim_end())
                }
            },
        );
    }
    let meta = &loaded.pack.pack;
    let shown = Shown {
        id: &meta.id,
        title: &meta.title,
        version: &meta.version,
        hash: &loaded.hash,
        rules: rules(&loaded.pack),
    };
    out.emit(&shown, || {
        let mut out = format!(
            "{} (version {}, adopted {})\n{}\n\n",
            meta.title, meta.version, meta.adopted, meta.summary
        );
        let mut t = Table::new(&["TOPIC", "RULE", "CLAUSE"]);
        for r in &shown.rules {
            t.row(vec![
                r.topic.into(),
                r.text.clone(),
                r.citation.clause.clone(),
            ]);
        }
        out.push_str(&t.render());
        out
    })
}

pub async fn run(app: &App, cmd: PolicyCmd) -> anyhow::Result<u8> {
    match cmd {
        PolicyCmd::Check { files } => return check_files(&files, &app.out),
        PolicyCmd::List => presets_list(&app.out)?,
        PolicyCmd::Show {
            source,
            version,
            text,
        } => {
            let loaded = match (source, version) {
                (Some(s), _) => load_source(&s)?,
                (None, number) => {
                    let mut tx = app.begin().await?;
                    let council = app.council(&mut tx).await?;
                    let stored = match number {
                        Some(n) => policy::version(&mut tx, &council, n).await?,
                        None => {
                            policy::require(&mut tx, &council, app.today())
                                .await?
                                .version
                        }
                    };
                    stored_pack(&stored)?
                }
            };
            show(&app.out, &loaded, text)?;
        }
        PolicyCmd::Adopt {
            file,
            preset,
            effective,
        } => {
            let loaded = named_pack(file.as_deref(), preset.as_deref())?;
            let ctx = app.ctx();
            let mut tx = app.begin().await?;
            let council = app.council(&mut tx).await?;
            let version = policy::adopt(
                &mut tx,
                &ctx,
                &council,
                &loaded,
                effective.unwrap_or(ctx.today),
            )
            .await?;
            tx.commit().await?;
            app.out
                .emit(&version, || adopted_text(&council.name, &version))?;
        }
        PolicyCmd::Changes {
            file,
            preset,
            effective,
        } => {
            let loaded = named_pack(file.as_deref(), preset.as_deref())?;
            let mut tx = app.store.read().await?;
            let council = app.council(&mut tx).await?;
            let on = effective.unwrap_or(app.today());
            let preview = policy::preview_adoption(&mut tx, &council, &loaded, on).await?;
            app.out.emit(&preview, || changes_text(&preview))?;
        }
        PolicyCmd::Versions => {
            let mut tx = app.begin().await?;
            let council = app.council(&mut tx).await?;
            let versions = policy::versions(&mut tx, &council).await?;
            versions_list(&app.out, &versions)?;
        }
    }
    Ok(exit::OK)
}

/// A preset by its id, else a pack file.
fn load_source(source: &str) -> anyhow::Result<LoadedPack> {
    match presets::find(source) {
        Some(_) => load_preset(source),
        None => load_file(Path::new(source)),
    }
}

/// The policy commands that need no database: the presets, and a preset's or a file's rules.
pub fn run_offline(cmd: &PolicyCmd, out: &Out) -> Option<anyhow::Result<u8>> {
    let done = match cmd {
        PolicyCmd::Check { files } => return Some(check_files(files, out)),
        PolicyCmd::List => presets_list(out),
        PolicyCmd::Show {
            source: Some(source),
            text,
            ..
        } => load_source(source).and_then(|loaded| show(out, &loaded, *text)),
        _ => return None,
    };
    Some(done.map(|()| exit::OK))
}

/// `policy list`: the presets built in.
fn presets_list(out: &Out) -> anyhow::Result<()> {
    #[derive(Serialize)]
    struct Row {
        id: &'static str,
        name: &'static str,
    }
    let rows: Vec<Row> = presets::all()
        .iter()
        .map(|p| Row {
            id: p.id,
            name: p.name,
        })
        .collect();
    out.emit(&rows, || {
        let mut t = Table::new(&["PRESET", "DESCRIPTION"]);
        for r in &rows {
            t.row(vec![r.id.into(), r.name.into()]);
        }
        t.render()
    })
}

/// The pack `policy adopt` and `policy changes` name: a file or a preset.
pub(crate) fn named_pack(file: Option<&Path>, preset: Option<&str>) -> anyhow::Result<LoadedPack> {
    match (file, preset) {
        (Some(f), None) => load_file(f),
        (None, Some(p)) => load_preset(p),
        _ => Err(crate::Exit {
            code: exit::USAGE,
            message: "name a pack file or --preset ID".into(),
        }
        .into()),
    }
}

pub(crate) fn adopted_text(council: &str, version: &steward_domain::PackVersion) -> String {
    format!(
        "{council} adopted {} as version {}, in force from {}.\n",
        version.title, version.number, version.effective_from
    )
}

/// An adopted version's pack, read back from its stored text.
pub(crate) fn stored_pack(stored: &steward_domain::PackVersion) -> anyhow::Result<LoadedPack> {
    let acceptance = stored.acceptance_text.clone();
    Ok(check_pack(
        &format!("version {}", stored.number),
        &stored.source,
        &move |_| Ok(acceptance.clone()),
    )?)
}

/// `policy versions`: each adopted version, oldest first.
pub(crate) fn versions_list(
    out: &Out,
    versions: &[steward_domain::PackVersion],
) -> anyhow::Result<()> {
    #[derive(Serialize)]
    struct Row<'a> {
        number: i64,
        pack_id: &'a str,
        title: &'a str,
        label: &'a str,
        effective_from: chrono::NaiveDate,
        hash: &'a str,
        adopted_by: &'a str,
    }
    let rows: Vec<Row<'_>> = versions
        .iter()
        .map(|v| Row {
            number: v.number,
            pack_id: &v.pack_id,
            title: &v.title,
            label: &v.label,
            effective_from: v.effective_from,
            hash: &v.hash,
            adopted_by: &v.adopted_by,
        })
        .collect();
    out.emit(&rows, || {
        let mut t = Table::new(&["VERSION", "POLICY", "LABEL", "IN FORCE FROM", "HASH"]);
        for r in &rows {
            t.row(vec![
                r.number.to_string(),
                r.title.into(),
                r.label.into(),
                r.effective_from.to_string(),
                r.hash.chars().take(12).collect(),
            ]);
        }
        t.render()
    })
}

/// A preview of an adoption as people read it: what it replaces, each changed rule with its
/// clause, and who must sign.
pub(crate) fn changes_text(preview: &policy::AdoptionPreview) -> String {
    let mut out = format!(
        "{} ({}), in force from {}",
        preview.title,
        preview.label,
        steward_policy::long_date(preview.effective_from)
    );
    match &preview.replaces {
        Some(v) => out.push_str(&format!(
            ", would replace version {} ({}).\n",
            v.number, v.title
        )),
        None => out.push_str(", would be the council's first policy.\n"),
    }
    if preview.changes.is_empty() {
        out.push_str("No rule changes.\n");
    }
    for c in &preview.changes {
        let clause = match &c.before_clause {
            Some(was) => format!("clause {} (was {was})", c.clause),
            None => format!("clause {}", c.clause),
        };
        out.push_str(&format!("\n{}: {} ({clause})\n", c.topic, c.kind.words()));
        if let Some(before) = &c.before {
            out.push_str(&format!("  now:  {before}\n"));
        }
        if let Some(after) = &c.after {
            out.push_str(&format!("  then: {after}\n"));
        }
    }
    if let Some(n) = preview.must_sign {
        out.push_str(&format!(
            "\n{n} {} covered and in office that day would need to sign it.\n",
            if n == 1 { "person" } else { "people" }
        ));
    }
    out
}
