use super::audit_files::{self as files, ChainSide};
use crate::app::App;
use crate::args::{AuditCmd, AuditKeyCmd, AuditVerify};
use crate::exit;
use crate::output::Out;
use anyhow::Context;
use serde::Serialize;
use std::io::{BufWriter, Write};
use std::path::Path;
use steward_domain::Council;
use steward_domain::audit::export::ExportLine;
use steward_domain::audit::{TimeBuf, timestamp_text};
use steward_domain::ops::audit as ops;

/// The audit commands that need no database: making a key, checking an exported chain.
pub fn run_offline(cmd: &AuditCmd, printer: &Out) -> Option<anyhow::Result<u8>> {
    match cmd {
        AuditCmd::Key(AuditKeyCmd::Create { out }) => Some(files::create_key(out, printer)),
        AuditCmd::Verify(args) => args
            .file
            .as_ref()
            .map(|file| files::verify_file(args, file, printer)),
        _ => None,
    }
}

pub async fn run(app: &App, cmd: AuditCmd) -> anyhow::Result<u8> {
    // Reading needs no write lock; only a checkpoint or a heartbeat writes.
    let writes = matches!(
        cmd,
        AuditCmd::Checkpoint { .. } | AuditCmd::Heartbeat { .. }
    );
    let mut tx = if writes {
        app.begin().await?
    } else {
        app.store.read().await?
    };
    let council = app.council(&mut tx).await?;
    match cmd {
        AuditCmd::Verify(args) => {
            drop(tx);
            verify(app, &council, &args).await
        }
        AuditCmd::Log(args) => {
            drop(tx);
            super::audit_log::run(app, &council, &args).await
        }
        AuditCmd::Checkpoint { key, dir } => {
            let key = files::read_key(&key)?;
            let taken = ops::checkpoint(&mut tx, &app.ctx(), &council, &key).await?;
            let cp = &taken.checkpoint;
            // The file first: if it cannot be written, the chain does not claim a checkpoint.
            let path = files::write_atomically(&dir, &cp.file_name(), &cp.to_json())?;
            tx.commit().await?;
            #[derive(Serialize)]
            struct Taken<'a> {
                file: String,
                seq: i64,
                head_hash: &'a str,
                noted_as: i64,
            }
            let out = Taken {
                file: path.display().to_string(),
                seq: cp.seq,
                head_hash: &cp.head_hash,
                noted_as: taken.record.seq,
            };
            app.out.emit(&out, || {
                format!(
                    "Checkpoint of {} at record {} written to {}; the chain notes it as record {}.\n",
                    council.name, out.seq, out.file, out.noted_as
                )
            })?;
            Ok(exit::OK)
        }
        AuditCmd::Heartbeat { quiet_for } => {
            let beat = ops::heartbeat(&mut tx, &app.ctx(), &council, quiet_for).await?;
            tx.commit().await?;
            #[derive(Serialize)]
            struct Beat {
                recorded: bool,
                seq: Option<i64>,
            }
            let out = Beat {
                recorded: beat.is_some(),
                seq: beat.as_ref().map(|r| r.seq),
            };
            app.out.emit(&out, || match &beat {
                Some(r) => format!(
                    "Heartbeat recorded as record {}: the chain had been quiet.\n",
                    r.seq
                ),
                None => "No heartbeat needed: the chain has a recent record.\n".to_string(),
            })?;
            Ok(exit::OK)
        }
        AuditCmd::Export { out } => {
            drop(tx);
            export(app, &council, &out).await
        }
        AuditCmd::Key(_) => Ok(exit::OK),
    }
}

async fn verify(app: &App, council: &Council, args: &AuditVerify) -> anyhow::Result<u8> {
    let found = match &args.checkpoints {
        Some(dir) => files::load_checkpoints(dir)?,
        None => Vec::new(),
    };
    let trusted = files::trusted_key(args, &found)?;
    let check = app
        .store
        .check_audit(council.id, files::watched(&found))
        .await?;
    let side = ChainSide {
        council_id: Some(council.id),
        council_slug: Some(council.slug.as_str()),
        head: check.head_seq,
        report: &check.chain,
    };
    let findings = files::judge(&found, &trusted, &side);
    let key = trusted
        .filter(|_| !found.is_empty())
        .map(|k| steward_domain::audit::checkpoint::public_key_text(&k));
    files::verdict(
        &council.name,
        council.slug.to_string(),
        &check.chain,
        key,
        findings,
    )
    .emit(&app.out)
}

async fn export(app: &App, council: &Council, out: &Path) -> anyhow::Result<u8> {
    let head = app.store.audit_head_seq(council.id).await?;
    let bar = super::progress(u64::try_from(head).unwrap_or(0), app.out.json);
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let temp = tempfile::NamedTempFile::new_in(&dir)
        .with_context(|| format!("could not write in {}", dir.display()))?;
    let mut writer = BufWriter::with_capacity(1 << 20, temp);
    let mut time = TimeBuf::default();
    let mut written: i64 = 0;
    let mut failure: Option<anyhow::Error> = None;
    app.store
        .visit_audit(council.id, |found| {
            let written_ok = match found {
                Ok(record) => match ExportLine::of(&record, &mut time) {
                    Ok(line) => serde_json::to_writer(&mut writer, &line)
                        .map_err(anyhow::Error::from)
                        .and_then(|()| writer.write_all(b"\n").map_err(anyhow::Error::from)),
                    Err(problem) => Err(anyhow::anyhow!(
                        "{problem}; run `steward audit verify`"
                    )),
                },
                Err(problem) => Err(anyhow::anyhow!(
                    "a record cannot be read from the database ({problem}); run `steward audit verify`"
                )),
            };
            match written_ok {
                Ok(()) => {
                    written += 1;
                    if written % 4096 == 0 {
                        bar.set_position(u64::try_from(written).unwrap_or(0));
                    }
                    true
                }
                Err(e) => {
                    failure = Some(e);
                    false
                }
            }
        })
        .await?;
    bar.finish_and_clear();
    if let Some(e) = failure {
        return Err(e.context(format!("could not export to {}", out.display())));
    }
    let temp = writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("could not write {}: {}", out.display(), e.error()))?;
    temp.as_file().sync_all()?;
    temp.persist(out)
        .map_err(|e| anyhow::anyhow!("could not write {}: {}", out.display(), e.error))?;
    let done = Exported {
        file: out.display().to_string(),
        records: written,
        head_seq: head,
        exported_at: timestamp_text(app.ctx().now),
    };
    done.emit(&app.out, &council.name)?;
    Ok(exit::OK)
}

/// What an export wrote: the file, how many records, the head it reached and when.
#[derive(Serialize)]
pub(crate) struct Exported {
    pub file: String,
    pub records: i64,
    pub head_seq: i64,
    pub exported_at: String,
}

impl Exported {
    pub fn emit(&self, out: &Out, council: &str) -> anyhow::Result<()> {
        out.emit(self, || {
            format!(
                "{} audit records of {council} written to {}.\n",
                self.records, self.file
            )
        })
    }
}
