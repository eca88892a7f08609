//! The `steward` command.

mod app;
mod args;
mod cmd;
mod output;
mod uk_time;

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;
use steward_domain::{DomainError, ErrorKind};

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
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STEWARD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let json = cli.global.json;
    // The web filter answers Squid on plain blocking I/O; it starts a runtime of its own only
    // for the commands that read the register.
    let cli = match cli.command {
        args::Command::Filter(cmd) => return finish(cmd::filter::run(cmd, &cli.global), json),
        command => args::Cli {
            global: cli.global,
            command,
        },
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start: {e}");
            return ExitCode::from(exit::INTERNAL);
        }
    };
    finish(runtime.block_on(cmd::run(cli)), json)
}

fn finish(result: anyhow::Result<u8>, json: bool) -> ExitCode {
    match result {
        Ok(code) => ExitCode::from(code),
        // `steward ... | head`: the reader has what it wanted; the command did its work.
        Err(err) if reader_went_away(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let (code, kind) = classify(&err);
            report(&err, kind, json);
            ExitCode::from(code)
        }
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

fn classify(err: &anyhow::Error) -> (u8, &'static str) {
    if let Some(e) = err.downcast_ref::<Exit>() {
        return (e.code, "error");
    }
    if let Some(e) = err.downcast_ref::<DomainError>() {
        return match e.kind() {
            ErrorKind::NotFound => (exit::NOT_FOUND, "not_found"),
            ErrorKind::Invalid => (exit::INVALID, "invalid"),
            ErrorKind::Conflict => (exit::CONFLICT, "conflict"),
            ErrorKind::Refused => (exit::REFUSED, "refused"),
            ErrorKind::Forbidden => (exit::FORBIDDEN, "forbidden"),
            ErrorKind::Internal => (exit::INTERNAL, "internal"),
        };
    }
    if let Some(e) = err.downcast_ref::<steward_monitor::MonitorError>() {
        return match e {
            steward_monitor::MonitorError::Io { source, .. }
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                (exit::NOT_FOUND, "not_found")
            }
            e if e.is_invalid_input() => (exit::INVALID, "invalid"),
            _ => (exit::INTERNAL, "internal"),
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
        return (exit::INVALID, "invalid");
    }
    (exit::INTERNAL, "internal")
}

fn report(err: &anyhow::Error, kind: &str, json: bool) {
    if json {
        let mut body = serde_json::json!({ "error": { "kind": kind, "message": err.to_string() } });
        if let Some(DomainError::Refused { refusals, .. }) = err.downcast_ref::<DomainError>() {
            body["error"]["refusals"] = serde_json::to_value(refusals).unwrap_or_default();
        }
        // Nothing more can be said if standard output is gone as well.
        let text = serde_json::to_string_pretty(&body).unwrap_or_default();
        let _ = writeln!(std::io::stdout(), "{text}");
    }
    match err.downcast_ref::<DomainError>() {
        Some(DomainError::Refused { action, refusals }) => {
            eprintln!("{action} refused:");
            for r in refusals {
                eprintln!("  - {r}");
            }
        }
        _ => eprintln!("error: {err:#}"),
    }
}
