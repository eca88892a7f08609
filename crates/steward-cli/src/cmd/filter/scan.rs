use super::register;
use crate::args::{Global, LogFormatArg, ScanArgs};
use crate::output::Table;
use serde::Serialize;
use std::io::IsTerminal;
use std::time::Instant;
use steward_domain::network::{NewFinding, source_of};
use steward_domain::ops::network::findings::{self, Recorded, ScannedFile};
use steward_monitor::scan::{Finding, LogFormat, LogProblem, ScanStats, Scanner};

#[derive(Serialize)]
struct Scanned {
    #[serde(flatten)]
    stats: ScanStats,
    seconds: f64,
    problems: Vec<LogProblem>,
    findings: Vec<Finding>,
    /// What was written to the register, with --council.
    #[serde(skip_serializing_if = "Option::is_none")]
    recorded: Option<Recorded>,
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

pub fn run(args: ScanArgs, global: &Global) -> anyhow::Result<u8> {
    let json = global.json;
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
    // One scanner per file: the register keeps each log's findings under the log's identity.
    let mut stats = ScanStats::default();
    let mut problems = Vec::new();
    let mut found = Vec::new();
    let mut files = Vec::new();
    let mut cells = Vec::new();
    for file in &args.files {
        bar.set_message(file.display().to_string());
        let source = source_of(&Scanner::first_line(file)?);
        let mut scanner = Scanner::new(&matcher, order.clone(), format);
        scanner.scan_file(file, |n| bar.inc(n as u64))?;
        let s = scanner.stats;
        files.push(ScannedFile {
            name: file.display().to_string(),
            source: source.clone(),
            lines: i64::try_from(s.lines).unwrap_or(i64::MAX),
        });
        for f in scanner.findings.findings(matcher.categories()) {
            cells.push(NewFinding {
                source: source.clone(),
                identity: f.person.clone(),
                category: f.category.clone(),
                day: f.day,
                visits: i64::try_from(f.count).unwrap_or(i64::MAX),
                first_seen: f.first_seen,
                last_seen: f.last_seen,
                samples: f.samples.clone(),
            });
            found.push(f);
        }
        stats.files += s.files;
        stats.lines += s.lines;
        stats.bytes += s.bytes;
        stats.matched += s.matched;
        stats.malformed += s.malformed;
        problems.extend(scanner.problems);
    }
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let recorded = match global.council {
        Some(_) => Some(record(global, &files, &cells)?),
        None => None,
    };
    let done = Scanned {
        stats,
        seconds,
        problems,
        findings: merged(found),
        recorded,
    };
    if json {
        let s = &done.stats;
        let outcome = format!(
            "{} lines in {} files scanned: {} in a category, {} unreadable",
            s.lines, s.files, s.matched, s.malformed
        );
        let printer = crate::output::Out::new(true, &global.command);
        printer.show(&done, outcome, String::new)?;
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
    if let Some(r) = &done.recorded {
        println!(
            "Recorded as scan {}: {} findings ({} of people the register knows, {} unknown); {} case(s) opened",
            r.scan.id,
            r.scan.cells,
            r.known,
            r.unknown,
            r.cases.len()
        );
        for flagged in &r.after_leaving {
            println!("{}", crate::terminal::lines(&flagged.says));
        }
        if r.expired > 0 {
            println!(
                "{} findings not recorded: their day is past the policy's retention period",
                r.expired
            );
        }
    }
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

/// Writes the findings to the register in one transaction, with one audit record.
fn record(
    global: &Global,
    files: &[ScannedFile],
    cells: &[NewFinding],
) -> anyhow::Result<Recorded> {
    let rt = register::runtime()?;
    let app = register::open(&rt, global)?;
    rt.block_on(async {
        let mut tx = app.begin().await?;
        let council = app.council(&mut tx).await?;
        let done = findings::record(&mut tx, &app.ctx(), &council, files, cells).await?;
        tx.commit().await?;
        Ok(done)
    })
}

/// The files' findings summed per person, day and category, in that order.
fn merged(found: Vec<Finding>) -> Vec<Finding> {
    let mut cells: std::collections::BTreeMap<(String, chrono::NaiveDate, String), Finding> =
        std::collections::BTreeMap::new();
    for f in found {
        let key = (f.person.clone(), f.day, f.category.clone());
        match cells.get_mut(&key) {
            Some(cell) => {
                cell.count += f.count;
                cell.first_seen = cell.first_seen.min(f.first_seen);
                cell.last_seen = cell.last_seen.max(f.last_seen);
                for s in f.samples {
                    if cell.samples.len() < steward_monitor::scan::SAMPLES
                        && !cell.samples.contains(&s)
                    {
                        cell.samples.push(s);
                    }
                }
            }
            None => {
                cells.insert(key, f);
            }
        }
    }
    cells.into_values().collect()
}
