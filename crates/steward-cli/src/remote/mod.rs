//! Commands sent to a remote Steward through its JSON API (`--server`), printed exactly as
//! the same command prints on a database: the same tables and words, the same `--json`
//! envelope and the same exit code for the same outcome.
//!
//! Each command is a request (`calls.rs`) sent through one client (`client.rs`), whose
//! problems map back to the failures the command has on a database (`error.rs`); the commands
//! are kept by what they act on (`register.rs`, `changes.rs`, `signatures.rs`, `workflow.rs`,
//! `info.rs`, `phones.rs`, `devices.rs`, `decisions.rs`, `oversight.rs`) and print through the same functions as on a
//! database. A command that works only beside the database refuses `--server` as a usage
//! error naming itself and saying why.

mod calls;
mod changes;
mod client;
mod decisions;
mod devices;
mod error;
mod info;
mod oversight;
mod phones;
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
    let why = why_local(&cli.command);
    let local_only = || RemoteError::LocalOnly {
        command: global.command.clone(),
        why,
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

/// Why `command` is not sent to a server, in the words its refusal gives.
fn why_local(command: &Command) -> &'static str {
    use crate::args::{CouncilCmd, OutboxCmd, UserCmd};
    match command {
        Command::Serve(_) => "it is the server, beside its own database",
        Command::Demo(_) => "it makes a database of made-up people and serves it on this machine",
        Command::Council(CouncilCmd::Oidc(_)) => {
            "sign-in settings name a secret kept beside the server, so they are set and cleared \
             on its database; `council oidc show` reads them through the API"
        }
        Command::Council(_) => {
            "councils are made and listed on the database itself, before any token exists, and \
             a token belongs to one council"
        }
        Command::Filter(_) => {
            "the web filter runs beside Squid and its logs, reading the register from the \
             database"
        }
        Command::Sweep(_) => {
            "the daily sweep works through every council on the database, and a running server \
             sweeps by itself"
        }
        Command::Outbox(OutboxCmd::Send(_)) => {
            "messages are sent through the mail server with the server's own settings, and a \
             running server sends its outbox by itself"
        }
        Command::Audit(AuditCmd::Checkpoint { .. } | AuditCmd::Heartbeat { .. }) => {
            "a checkpoint is signed with a key kept beside the database, and a heartbeat is \
             noted there on a schedule"
        }
        Command::Audit(AuditCmd::Verify(_)) => {
            "checkpoints are held against the chain's own hashes, which only the database has; \
             verify an export with --file instead"
        }
        Command::User(UserCmd::Identity { .. } | UserCmd::BreakGlass { .. }) => {
            "links to the identity provider are set on the database, where the server reads \
             them; there is no API for them yet"
        }
        Command::Directory(_) => {
            "the directory is read and set with secrets kept beside the server, and a running \
             server syncs by itself; `directory show` reads the settings through the API"
        }
        Command::Mail(_) => {
            "the milter runs beside Postfix on the council's relay, recording each decision in \
             the database"
        }
        _ => "the API has no request for it",
    }
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
