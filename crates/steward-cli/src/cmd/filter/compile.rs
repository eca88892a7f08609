use crate::output::{Out, Table};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;
use steward_monitor::index;
use steward_monitor::lists::{self, ListReport};

#[derive(Serialize)]
struct Compiled {
    index: PathBuf,
    index_bytes: u64,
    #[serde(flatten)]
    report: ListReport,
    compile_seconds: f64,
    load_seconds: f64,
}

pub fn run(dirs: &[PathBuf], out: &Path, printer: &Out) -> anyhow::Result<u8> {
    let started = Instant::now();
    let (matcher, report) = lists::compile(dirs)?;
    let compile_seconds = started.elapsed().as_secs_f64();
    let index_bytes = index::save(&matcher, out)?;
    drop(matcher);
    // Loading it back checks the file and measures what the helper will pay at start.
    let started = Instant::now();
    index::load(out)?;
    let load_seconds = started.elapsed().as_secs_f64();
    let done = Compiled {
        index: out.to_path_buf(),
        index_bytes,
        report,
        compile_seconds,
        load_seconds,
    };
    if printer.json {
        let outcome = format!(
            "{} distinct domains and {} url hosts compiled into {}",
            done.report.distinct_domains,
            done.report.url_hosts,
            out.display()
        );
        printer.show(&done, outcome, String::new)?;
    } else {
        for p in &done.report.problems {
            eprintln!("skipped {p}");
        }
        let mut table = Table::new(&["category", "domains", "urls"]);
        for c in &done.report.categories {
            table.row(vec![
                c.name.clone(),
                c.domains.to_string(),
                c.urls.to_string(),
            ]);
        }
        print!("{}", table.render());
        println!(
            "{} distinct domains and {} url hosts from {} files ({}) in {:.2} s; {} lines skipped",
            done.report.distinct_domains,
            done.report.url_hosts,
            done.report.files,
            super::display(dirs),
            compile_seconds,
            done.report.skipped_lines,
        );
        println!(
            "index {} ({:.1} MB) loads in {:.3} s",
            out.display(),
            index_bytes as f64 / 1e6,
            load_seconds
        );
    }
    Ok(crate::exit::OK)
}
