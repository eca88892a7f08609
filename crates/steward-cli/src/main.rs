//! The `steward` command.

mod app;
mod args;
mod cmd;
mod input;
mod output;
mod remote;
mod terminal;
mod uk_time;

use clap::{CommandFactory, FromArgMatches};
use output::{Failure, FailureKind};
use std::io::Write;
use std::process::ExitCode;
use steward_domain::{DomainError, ErrorKind};

/// A page is built from many small strings and values freed together when it is sent: with
/// sixty-four requests at once, glibc's allocator spent a fifth of the server's time in its
/// own bookkeeping, which mimalloc's per-thread pages avoid.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit codes scripts can rely on.
pub mod exit {
    pub const OK: u8 = 0;
    pub const INTERNAL: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const INVALID: u8 = 3;
    pub const NOT_FOUND: u8 = 4;
    pub const REFUSED: u8 = 5;
    pub const CONFLICT: u8 = 6;
    pub const AUDIT_FAILED: u8 = 7;
    pub const FORBIDDEN: u8 = 8;
}

/// An error that carries its own exit code.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Exit {
    pub code: u8,
    pub message: String,
}

fn main() -> ExitCode {
    let matches = match args::Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return usage(e),
    };
    let mut cli = match args::Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => return usage(e),
    };
    cli.global.command = command_name(&matches);
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STEWARD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let json = cli.global.json;
    let command = cli.global.command.clone();
    if let Some(server) = cli.global.server.clone()
        && !remote::needs_no_register(&cli.command)
    {
        return finish(remote::run(cli, &server), &command, json);
    }
    // The web filter answers Squid on plain blocking I/O; it starts a runtime of its own only
    // for the commands that read the register.
    let cli = match cli.command {
        args::Command::Filter(cmd) => {
            return finish(cmd::filter::run(cmd, &cli.global), &command, json);
        }
        command => args::Cli {
            global: cli.global,
            command,
        },
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            let err = anyhow::anyhow!("could not start: {e}");
            return finish(Err(err), &command, json);
        }
    };
    finish(runtime.block_on(cmd::run(cli)), &command, json)
}

/// A command line clap could not read, or `--help` and `--version`, which clap prints itself.
/// Under `--json` a mistake is answered in the envelope like any other failure.
fn usage(e: clap::Error) -> ExitCode {
    if !e.use_stderr() {
        let _ = e.print();
        return ExitCode::from(exit::OK);
    }
    if std::env::args().any(|a| a == "--json") {
        let message = e.kind().as_str().map(str::to_string);
        let failure = Failure {
            kind: FailureKind::Usage,
            message: usage_message(&e, message),
            refusals: Vec::new(),
            field: None,
            text: String::new(),
        };
        report("", &failure, true);
    } else {
        let _ = e.print();
    }
    ExitCode::from(exit::USAGE)
}

/// Clap's explanation without its "error: " prefix and the usage lines after it, on one line.
fn usage_message(e: &clap::Error, fallback: Option<String>) -> String {
    let text = e.to_string();
    let explained = text.split("\n\nUsage:").next().unwrap_or_default();
    let words: Vec<&str> = explained
        .trim_start_matches("error: ")
        .split_whitespace()
        .collect();
    match words.is_empty() {
        false => words.join(" "),
        true => fallback.unwrap_or_else(|| "the command line could not be read".into()),
    }
}

/// The subcommands named on the command line, as a script would write them: "loan issue".
fn command_name(matches: &clap::ArgMatches) -> String {
    let mut words = Vec::new();
    let mut at = matches;
    while let Some((name, sub)) = at.subcommand() {
        words.push(name.to_string());
        at = sub;
    }
    words.join(" ")
}

fn finish(result: anyhow::Result<u8>, command: &str, json: bool) -> ExitCode {
    match result {
        Ok(code) => ExitCode::from(code),
        // `steward ... | head`: the reader has what it wanted; the command did its work.
        Err(err) if reader_went_away(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let failure = failure_of(&err);
            report(command, &failure, json);
            ExitCode::from(failure.kind.code())
        }
    }
}

/// Prints why the command failed: the envelope on standard output under `--json` and nothing
/// on standard error, else the words on standard error. Nothing more can be said if the
/// output is gone as well.
fn report(command: &str, failure: &Failure, json: bool) {
    if json {
        let _ = writeln!(std::io::stdout(), "{}", failure.envelope(command));
    } else {
        let text = terminal::lines(&failure.text);
        let _ = write!(std::io::stderr(), "{text}");
    }
}

/// Whether writing the output failed only because whoever reads it stopped reading.
fn reader_went_away(err: &anyhow::Error) -> bool {
    let broken = Some(std::io::ErrorKind::BrokenPipe);
    err.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().map(|e| e.kind()) == broken
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(|e| e.io_error_kind())
                == broken
    })
}

/// The kind of failure `err` is, with its refusals and the field at fault.
fn failure_of(err: &anyhow::Error) -> Failure {
    let mut failure = Failure::new(kind_of(err), err.to_string());
    failure.text = format!("error: {err:#}\n");
    match err.downcast_ref::<DomainError>() {
        Some(DomainError::Refused { action, refusals }) => {
            failure = Failure::refused(action, refusals);
        }
        Some(DomainError::Invalid { field, .. } | DomainError::Conflict { field, .. }) => {
            failure.field = Some(field.clone());
        }
        _ => {}
    }
    match err.downcast_ref::<remote::RemoteError>() {
        Some(remote::RemoteError::Refused { action, refusals }) => {
            failure = Failure::refused(action, refusals);
        }
        Some(e) => failure.field = e.field().map(str::to_string),
        None => {}
    }
    failure
}

fn kind_of(err: &anyhow::Error) -> FailureKind {
    if let Some(e) = err.downcast_ref::<Exit>() {
        return FailureKind::of_code(e.code);
    }
    if let Some(e) = err.downcast_ref::<remote::RemoteError>() {
        return e.kind();
    }
    if let Some(e) = err.downcast_ref::<DomainError>() {
        return match e.kind() {
            ErrorKind::NotFound => FailureKind::NotFound,
            ErrorKind::Invalid => FailureKind::Invalid,
            ErrorKind::Conflict => FailureKind::Conflict,
            ErrorKind::Refused => FailureKind::Refused,
            ErrorKind::Forbidden => FailureKind::Forbidden,
            ErrorKind::Internal => FailureKind::Internal,
        };
    }
    if let Some(e) = err.downcast_ref::<steward_monitor::MonitorError>() {
        return match e {
            steward_monitor::MonitorError::Io { source, .. }
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                FailureKind::NotFound
            }
            e if e.is_invalid_input() => FailureKind::Invalid,
            _ => FailureKind::Internal,
        };
    }
    if err.downcast_ref::<steward_policy::CheckError>().is_some()
        || err
            .downcast_ref::<steward_domain::import::ImportErrors>()
            .is_some()
        || err.downcast_ref::<steward_domain::InvalidValue>().is_some()
        || err.downcast_ref::<steward_web::TlsError>().is_some()
        || err
            .downcast_ref::<steward_policy::vocab::UnknownWord>()
            .is_some()
    {
        return FailureKind::Invalid;
    }
    FailureKind::Internal
}
