pub(crate) mod acceptance;
pub(crate) mod audit;
pub(crate) mod audit_files;
pub(crate) mod audit_log;
pub(crate) mod case;
pub(crate) mod council;
pub mod demo;
pub(crate) mod directory;
pub(crate) mod due;
pub(crate) mod equipment;
pub mod filter;
pub(crate) mod info;
pub(crate) mod listing;
pub(crate) mod loan;
pub(crate) mod mail;
pub(crate) mod network;
pub(crate) mod outbox;
pub(crate) mod person;
pub(crate) mod phone;
pub mod policy;
pub(crate) mod posture;
pub(crate) mod report;
pub(crate) mod request;
pub(crate) mod retention;
mod serve;
mod sweep;
pub(crate) mod token;
pub(crate) mod user;

use crate::app::App;
use crate::args::{Cli, Command};

pub async fn run(cli: Cli) -> anyhow::Result<u8> {
    // Checking pack files and reading presets need no database.
    let out = crate::output::Out::new(cli.global.json, &cli.global.command);
    if let Command::Policy(cmd) = &cli.command
        && let Some(done) = policy::run_offline(cmd, &out)
    {
        return done;
    }
    if let Command::Audit(cmd) = &cli.command
        && let Some(done) = audit::run_offline(cmd, &out)
    {
        return done;
    }
    if let Command::Demo(args) = &cli.command {
        return demo::run(&cli.global, args).await;
    }
    let app = App::open(cli.global).await?;
    match cli.command {
        Command::Council(c) => council::run(&app, c).await,
        Command::Policy(c) => policy::run(&app, c).await,
        Command::Person(c) => person::run(&app, c).await,
        Command::Equipment(c) => equipment::run(&app, c).await,
        Command::Acceptance(c) => acceptance::run(&app, c).await,
        Command::Loan(c) => loan::run(&app, c).await,
        Command::Due(args) => due::run(&app, &args).await,
        Command::Phone(c) => phone::run(&app, c).await,
        Command::Posture(c) => posture::run(&app, c).await,
        Command::Audit(c) => audit::run(&app, c).await,
        Command::User(c) => user::run(&app, c).await,
        Command::Token(c) => token::run(&app, c).await,
        Command::Directory(c) => directory::run(&app, c).await,
        Command::Request(c) => request::run(&app, c).await,
        Command::Case(c) => case::run(&app, c).await,
        Command::Sweep(args) => sweep::run(&app, args).await,
        Command::Outbox(c) => outbox::run(&app, c).await,
        Command::Serve(args) => serve::run(app.store.clone(), &args, &app.global).await,
        Command::Demo(_) => Ok(crate::exit::OK),
        Command::Filter(c) => filter::run(c, &app.global),
        Command::Retention(c) => retention::run(&app, c).await,
        Command::Report(args) => report::run(&app, args).await,
        Command::Foi(args) => info::run(&app, args, false).await,
        Command::Sar(args) => info::run(&app, args, true).await,
        Command::Mail(c) => mail::run(&app, c).await,
    }
}

/// A progress bar on the terminal for long work; hidden for JSON output and non-terminals.
pub fn progress(len: u64, json: bool) -> indicatif::ProgressBar {
    if json || len < 200 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} rows") {
        bar.set_style(style);
    }
    bar
}

/// A progress bar counting bytes, for reading large files.
pub fn progress_bytes(len: u64, json: bool) -> indicatif::ProgressBar {
    if json || len < 16 << 20 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes}") {
        bar.set_style(style);
    }
    bar
}
