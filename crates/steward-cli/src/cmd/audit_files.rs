//! The audit commands' files: signing keys, checkpoint files, exports, and checking an export
//! with no database at all.

use crate::args::AuditVerify;
use crate::exit;
use crate::output::{Failure, FailureKind, Out};
use anyhow::Context;
use serde::Serialize;
use std::fs;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use steward_domain::audit::ChainReport;
use steward_domain::audit::checkpoint::{
    AuditKey, Checkpoint, CheckpointError, FILE_SUFFIX, parse_public_key, public_key_file_text,
    public_key_text,
};
use steward_domain::audit::export::verify_export;

/// Invalid input with the file it came from; exits 3.
fn invalid(message: String) -> anyhow::Error {
    crate::Exit {
        code: exit::INVALID,
        message,
    }
    .into()
}

#[derive(Serialize)]
struct KeyMade {
    key_file: String,
    public_key_file: String,
    public_key: String,
}

pub fn create_key(out: &Path, printer: &Out) -> anyhow::Result<u8> {
    let public_path = PathBuf::from(format!("{}.pub", out.display()));
    for path in [out, public_path.as_path()] {
        if path.exists() {
            return Err(crate::Exit {
                code: exit::CONFLICT,
                message: format!(
                    "{} already exists; a key file is never overwritten",
                    path.display()
                ),
            }
            .into());
        }
    }
    let key = AuditKey::generate();
    write_private(out, &key.file_text())
        .with_context(|| format!("could not write the key file {}", out.display()))?;
    let public = key.public();
    fs::write(&public_path, public_key_file_text(&public))
        .with_context(|| format!("could not write {}", public_path.display()))?;
    let made = KeyMade {
        key_file: out.display().to_string(),
        public_key_file: public_path.display().to_string(),
        public_key: public_key_text(&public),
    };
    printer.emit(&made, || {
        format!(
            "Signing key written to {} (readable by you alone); keep it off the database server.\n\
             Public key, also in {}:\n{}\n",
            made.key_file, made.public_key_file, made.public_key
        )
    })?;
    Ok(exit::OK)
}

/// Creates the file with owner-only permissions from the start, refusing to replace one.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

pub fn read_key(path: &Path) -> anyhow::Result<AuditKey> {
    let text = crate::input::read_text(path, crate::input::KEY)?;
    AuditKey::from_file_text(&text).map_err(|e| invalid(format!("{}: {e}", path.display())))
}

/// Writes `name` in `dir` all at once: a temporary file in the same directory, synced, then
/// renamed into place, so a reader never sees half a file. An existing file is kept.
pub fn write_atomically(dir: &Path, name: &str, text: &str) -> anyhow::Result<PathBuf> {
    fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
    let target = dir.join(name);
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("could not write in {}", dir.display()))?;
    temp.write_all(text.as_bytes())?;
    temp.as_file().sync_all()?;
    temp.persist_noclobber(&target)
        .map_err(|e| anyhow::anyhow!("could not write {}: {}", target.display(), e.error))?;
    Ok(target)
}

/// One checkpoint file as found in the directory.
pub struct Found {
    pub file: String,
    pub checkpoint: Result<Checkpoint, CheckpointError>,
}

pub fn load_checkpoints(dir: &Path) -> anyhow::Result<Vec<Found>> {
    let entries =
        fs::read_dir(dir).map_err(|e| invalid(format!("could not read {}: {e}", dir.display())))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(FILE_SUFFIX))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(invalid(format!(
            "{} holds no checkpoint files (*{FILE_SUFFIX})",
            dir.display()
        )));
    }
    Ok(paths
        .into_iter()
        .map(|path| Found {
            file: path.display().to_string(),
            checkpoint: crate::input::read_text(&path, crate::input::CHECKPOINT)
                .map_err(|e| CheckpointError::Unreadable(e.to_string()))
                .and_then(|text| Checkpoint::from_json(&text)),
        })
        .collect())
}

#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub file: String,
    pub seq: Option<i64>,
    pub ok: bool,
    pub message: String,
}

/// Where the chain checked against the checkpoints lives.
pub struct ChainSide<'a> {
    pub council_id: Option<i64>,
    pub council_slug: Option<&'a str>,
    pub head: i64,
    pub report: &'a ChainReport,
}

/// Checks each checkpoint: its signature by the trusted key, its council, and that the chain
/// still holds its hash at its seq and has not shrunk below it.
pub fn judge(
    found: &[Found],
    trusted: &Option<ed25519_dalek::VerifyingKey>,
    chain: &ChainSide<'_>,
) -> Vec<Finding> {
    found
        .iter()
        .map(|f| {
            let outcome = f.checkpoint.as_ref().map_err(Clone::clone).and_then(|cp| {
                let key = trusted.ok_or_else(|| {
                    CheckpointError::KeyFile("there is no public key to check it against".into())
                })?;
                cp.check_signature(&key)?;
                match chain.council_id {
                    Some(id) => cp.check_council(id, chain.council_slug)?,
                    None if cp.seq == 0 => {}
                    None => {
                        return Err(CheckpointError::Shrunk {
                            seq: cp.seq,
                            head: 0,
                        });
                    }
                }
                cp.check_chain(chain.report, chain.head)?;
                Ok(cp.seq)
            });
            let seq = f.checkpoint.as_ref().ok().map(|cp| cp.seq);
            match outcome {
                Ok(seq) => Finding {
                    file: f.file.clone(),
                    seq: Some(seq),
                    ok: true,
                    message: format!("record {seq} still has the signed hash"),
                },
                Err(e) => Finding {
                    file: f.file.clone(),
                    seq,
                    ok: false,
                    message: e.to_string(),
                },
            }
        })
        .collect()
}

/// The key checkpoints must be signed with: the one named, or else the first readable
/// checkpoint's (any file signed by another key then fails).
pub fn trusted_key(
    args: &AuditVerify,
    found: &[Found],
) -> anyhow::Result<Option<ed25519_dalek::VerifyingKey>> {
    if let Some(path) = &args.public_key {
        let text = crate::input::read_text(path, crate::input::KEY)?;
        return parse_public_key(&text)
            .map(Some)
            .map_err(|e| invalid(format!("{}: {e}", path.display())));
    }
    Ok(found
        .iter()
        .find_map(|f| f.checkpoint.as_ref().ok().and_then(|cp| cp.signer().ok())))
}

pub fn watched(found: &[Found]) -> Vec<i64> {
    found
        .iter()
        .filter_map(|f| f.checkpoint.as_ref().ok().map(|cp| cp.seq))
        .collect()
}

#[derive(Serialize)]
pub struct Verified {
    pub council: String,
    pub records: i64,
    pub ok: bool,
    pub problem: Option<steward_domain::audit::ChainProblem>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    pub checkpoints: Vec<Finding>,
}

impl Verified {
    pub fn emit(&self, out: &Out) -> anyhow::Result<u8> {
        let human = || {
            let mut text = format!("{}\n", self.message);
            if let Some(key) = &self.public_key {
                text.push_str(&format!("Checkpoints checked against public key {key}.\n"));
            }
            for f in &self.checkpoints {
                let mark = if f.ok { "ok  " } else { "FAIL" };
                text.push_str(&format!("{mark} {}: {}\n", f.file, f.message));
            }
            text
        };
        if self.ok {
            out.show(self, self.message.clone(), human)?;
            return Ok(exit::OK);
        }
        let failure = Failure::new(FailureKind::AuditFailed, self.message.clone());
        out.failed(self, &failure, human)
    }
}

/// Builds the verdict from the chain's outcome and the checkpoints' findings.
pub fn verdict(
    subject: &str,
    council: String,
    report: &ChainReport,
    public_key: Option<String>,
    checkpoints: Vec<Finding>,
) -> Verified {
    let failed = checkpoints.iter().filter(|f| !f.ok).count();
    let (records, problem, mut message) = match &report.outcome {
        Ok(n) => (
            *n,
            None,
            format!("The audit trail of {subject} is intact: {n} records verified."),
        ),
        Err(problem) => (
            report.verified_through,
            Some(problem.clone()),
            format!("The audit trail of {subject} has been tampered with: {problem}."),
        ),
    };
    if !checkpoints.is_empty() {
        message.push_str(&match (checkpoints.len(), failed) {
            (1, 0) => " The checkpoint holds.".to_string(),
            (1, _) => " The checkpoint fails.".to_string(),
            (n, 0) => format!(" All {n} checkpoints hold."),
            (n, f) => format!(" {f} of {n} checkpoints fail."),
        });
    }
    Verified {
        council,
        records,
        ok: problem.is_none() && failed == 0,
        problem,
        message,
        public_key,
        checkpoints,
    }
}

/// `audit verify --file`: an exported chain, checked with no database.
pub fn verify_file(args: &AuditVerify, file: &Path, out: &Out) -> anyhow::Result<u8> {
    let found = match &args.checkpoints {
        Some(dir) => load_checkpoints(dir)?,
        None => Vec::new(),
    };
    let trusted = trusted_key(args, &found)?;
    let input = fs::File::open(file)
        .map_err(|e| invalid(format!("could not read {}: {e}", file.display())))?;
    let size = input.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = super::progress_bytes(size, out.json);
    let export = verify_export(
        BufReader::with_capacity(1 << 20, input),
        watched(&found),
        |n| bar.set_position(n),
    );
    bar.finish_and_clear();
    if let Some(overrun) = &export.overrun {
        return Err(invalid(format!(
            "{}:{}: {overrun}",
            file.display(),
            overrun.line
        )));
    }
    let report = &export.chain;
    let side = ChainSide {
        council_id: report.council_id,
        council_slug: None,
        head: export.last_seq,
        report,
    };
    let findings = judge(&found, &trusted, &side);
    let subject = file.display().to_string();
    let council = report
        .council_id
        .map(|id| format!("council id {id}"))
        .unwrap_or_default();
    let key = trusted
        .filter(|_| !found.is_empty())
        .map(|k| public_key_text(&k));
    verdict(&subject, council, report, key, findings).emit(out)
}
