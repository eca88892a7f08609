use crate::args::{LogFormatArg, ScanArgs};
use crate::output::Table;
use serde::Serialize;
use std::io::IsTerminal;
use std::time::Instant;
use steward_monitor::scan::{Finding, LogFormat, LogProblem, ScanStats, Scanner};

#[derive(Serialize)]
struct Scanned {
    #[serde(flatten)]
    stats: ScanStats,
    seconds: f64,
    problems: Vec<LogProblem>,
    findings: Vec<Finding>,
}

fn progress_bar(total: u64) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {msg}",
    ) {
        bar.set_style(style);
    }
    bar
}

pub fn run(args: ScanArgs, json: bool) -> anyhow::Result<u8> {
    let matcher = super::source(&args.source).load()?;
    let order = super::order(&matcher, &args.categories)?;
    let format = match args.format {
        LogFormatArg::Auto => None,
        LogFormatArg::Squid => Some(LogFormat::Squid),
        LogFormatArg::Combined => Some(LogFormat::Combined),
    };
    let total: u64 = args
        .files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let bar = progress_bar(total);
    let started = Instant::now();
    let mut scanner = Scanner::new(&matcher, order, format);
    for file in &args.files {
        bar.set_message(file.display().to_string());
        scanner.scan_file(file, |n| bar.inc(n as u64))?;
    }
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let findings: Vec<Finding> = scanner.findings.findings(matcher.categories()).collect();
    let done = Scanned {
        stats: scanner.stats,
        seconds,
        problems: scanner.problems,
        findings,
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&done)?);
        return Ok(crate::exit::OK);
    }
    let mut table = Table::new(&[
        "person", "category", "day", "count", "first", "last", "samples",
    ]);
    for f in &done.findings {
        table.row(vec![
            f.person.clone(),
            f.category.clone(),
            f.day.to_string(),
            f.count.to_string(),
            f.first_seen.format("%H:%M:%S").to_string(),
            f.last_seen.format("%H:%M:%S").to_string(),
            f.samples.join(" "),
        ]);
    }
    print!("{}", table.render());
    let s = &done.stats;
    println!(
        "{} lines ({:.1} MB) in {} files in {:.2} s ({:.0} lines/s): {} in a category, {} unreadable",
        s.lines,
        s.bytes as f64 / 1e6,
        s.files,
        seconds,
        s.lines as f64 / seconds.max(1e-9),
        s.matched,
        s.malformed
    );
    for p in &done.problems {
        eprintln!("unreadable line {p}");
    }
    if s.malformed > done.problems.len() as u64 {
        eprintln!(
            "... and {} more unreadable lines",
            s.malformed - done.problems.len() as u64
        );
    }
    Ok(crate::exit::OK)
}
