//! Commands sent to a remote Steward through its JSON API (`--server`), printed exactly as
//! the same command prints on a database: the same tables and words, the same `--json`
//! envelope and the same exit code for the same outcome.
//!
//! Each command is one typed request (`calls.rs`) sent through one client (`client.rs`),
//! whose problems map back to the failures the command has on a database (`error.rs`); the
//! commands themselves are in `register.rs`. A command the API has no endpoint for refuses
//! `--server` as a usage error naming itself.

mod calls;
mod client;
mod error;
mod info;
mod oversight;
mod register;
mod signatures;
mod workflow;

pub use error::RemoteError;

use crate::args::{AuditCmd, Cli, Command, FilterCmd, PolicyCmd};
use crate::output::Out;
use client::Remote;

/// Runs `cli` against the server `server`.
pub fn run(cli: Cli, server: &str) -> anyhow::Result<u8> {
    let global = &cli.global;
    let out = Out::new(global.json, &global.command);
    let local_only = || RemoteError::LocalOnly {
        command: global.command.clone(),
    };
    if !register::answers(&cli.command) {
        return Err(local_only().into());
    }
    let remote = Remote::connect(server, global)?;
    let link = register::Link {
        remote: &remote,
        out: &out,
        as_of: global.as_of,
    };
    register::run(&link, cli.command)?.ok_or_else(|| local_only().into())
}

/// Whether `command` needs no register at all (checking a pack file or an exported chain,
/// making a key, compiling filter lists), so that it runs here even with `--server`.
pub fn needs_no_register(command: &Command) -> bool {
    match command {
        Command::Policy(PolicyCmd::Check { .. } | PolicyCmd::List) => true,
        Command::Policy(PolicyCmd::Show { source, .. }) => source.is_some(),
        Command::Audit(AuditCmd::Key(_)) => true,
        Command::Audit(AuditCmd::Verify(args)) => args.file.is_some(),
        Command::Filter(cmd) => !matches!(
            cmd,
            FilterCmd::Squid(_) | FilterCmd::Scan(_) | FilterCmd::Findings(_)
        ),
        _ => false,
    }
}
