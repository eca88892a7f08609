//! Category lists on disk, in squidGuard's layout: `<dir>/<category>/domains` (domains, or
//! hosts-file lines), `<dir>/<category>/hosts` (a hosts file) and `<dir>/<category>/urls`. Several
//! directories merge: a category in two of them gets both lists.

use crate::entry::{domain_line, url_line};
use crate::error::MonitorError;
use crate::lines::{Limits, for_each_line};
use crate::matcher::{Matcher, MatcherBuilder};
use serde::Serialize;
use std::fs::File;
use std::ops::ControlFlow;
use std::path::PathBuf;

/// Lines kept for the report: enough to find the trouble, not a copy of a broken list.
const PROBLEMS_KEPT: usize = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Domains,
    Urls,
}

#[derive(Clone, Debug)]
struct Source {
    category: String,
    kind: Kind,
    path: PathBuf,
}

/// A line that was skipped, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListProblem {
    pub file: PathBuf,
    pub line: u64,
    pub message: String,
}

impl std::fmt::Display for ListProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CategoryCount {
    pub name: String,
    pub domains: u64,
    pub urls: u64,
}

/// What compiling the lists found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ListReport {
    pub files: usize,
    pub categories: Vec<CategoryCount>,
    /// Distinct domains and url hosts in the compiled matcher.
    pub distinct_domains: usize,
    pub url_hosts: usize,
    pub skipped_lines: u64,
    /// The first few skipped lines.
    pub problems: Vec<ListProblem>,
}

fn sources(dirs: &[PathBuf]) -> Result<Vec<Source>, MonitorError> {
    let mut found = Vec::new();
    for dir in dirs {
        let entries = std::fs::read_dir(dir).map_err(|e| MonitorError::io(dir, e))?;
        let mut subdirs: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        subdirs.sort();
        for sub in subdirs {
            let Some(category) = sub.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            for (file, kind) in [
                ("domains", Kind::Domains),
                ("hosts", Kind::Domains),
                ("urls", Kind::Urls),
            ] {
                let path = sub.join(file);
                if path.is_file() {
                    found.push(Source {
                        category: category.to_string(),
                        kind,
                        path,
                    });
                }
            }
        }
        if !found.iter().any(|s| s.path.starts_with(dir)) {
            return Err(MonitorError::NoLists { path: dir.clone() });
        }
    }
    Ok(found)
}

/// How much of a list is read to judge its line length.
const SAMPLE: usize = 1 << 20;

/// Lines and bytes in the domain lists, so the tables are sized once. Lines are estimated from
/// the first megabyte of each file rather than counted: reading every list twice would double
/// the start-up time of a helper given `--lists`. An estimate on the low side only costs the
/// table one doubling.
fn measure(sources: &[Source]) -> Result<(usize, usize), MonitorError> {
    use std::io::Read;
    let (mut lines, mut bytes) = (0usize, 0usize);
    let mut sample = vec![0u8; SAMPLE];
    for s in sources.iter().filter(|s| s.kind == Kind::Domains) {
        let file = File::open(&s.path).map_err(|e| MonitorError::io(&s.path, e))?;
        let size = file.metadata().map(|m| m.len() as usize).unwrap_or(0);
        let mut read = 0;
        let mut take = file.take(SAMPLE as u64);
        while read < SAMPLE {
            match take.read(&mut sample[read..]) {
                Ok(0) => break,
                Ok(n) => read += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(MonitorError::io(&s.path, e)),
            }
        }
        let seen = memchr::memchr_iter(b'\n', &sample[..read]).count().max(1);
        // A tenth more than the sample suggests: lists sorted by name vary little in length.
        lines += (size as u128 * seen as u128 * 11 / (read.max(1) as u128 * 10)) as usize + 1;
        bytes += size;
    }
    Ok((lines, bytes))
}

/// Compiles every list under `dirs` into one matcher.
pub fn compile(dirs: &[PathBuf]) -> Result<(Matcher, ListReport), MonitorError> {
    let sources = sources(dirs)?;
    let (lines, bytes) = measure(&sources)?;
    let mut builder = MatcherBuilder::with_capacity(lines, bytes);
    let mut report = ListReport {
        files: sources.len(),
        ..ListReport::default()
    };
    for source in &sources {
        let id = builder.category(&source.category).map_err(|e| match e {
            MonitorError::CategoryName(name) => MonitorError::Usage(format!(
                "{}: category directory {name:?} must be named with lower case letters, \
                 digits, `_` and `-`",
                source.path.display()
            )),
            other => other,
        })?;
        let count = usize::from(id);
        if report.categories.len() <= count {
            report.categories.push(CategoryCount {
                name: source.category.clone(),
                ..CategoryCount::default()
            });
        }
        let mut added = 0u64;
        read_source(source, &mut report, |line| match source.kind {
            Kind::Domains => domain_line(line, &mut |host| {
                builder.add_domain(id, host);
                added += 1;
            }),
            Kind::Urls => url_line(line).map(|entry| {
                if let Some((host, path)) = entry {
                    builder.add_url(id, host, path);
                    added += 1;
                }
            }),
        })?;
        if let Some(c) = report.categories.get_mut(count) {
            match source.kind {
                Kind::Domains => c.domains += added,
                Kind::Urls => c.urls += added,
            }
        }
    }
    let matcher = builder.build();
    report.distinct_domains = matcher.domain_count();
    report.url_hosts = matcher.url_host_count();
    Ok((matcher, report))
}

fn read_source(
    source: &Source,
    report: &mut ListReport,
    mut each: impl FnMut(&[u8]) -> Result<(), &'static str>,
) -> Result<(), MonitorError> {
    let file = File::open(&source.path).map_err(|e| MonitorError::io(&source.path, e))?;
    let mut line_no = 0u64;
    for_each_line(
        file,
        Limits::LISTS,
        |_| {},
        |line| {
            line_no += 1;
            if let Err(message) = each(line) {
                report.skipped_lines += 1;
                if report.problems.len() < PROBLEMS_KEPT {
                    report.problems.push(ListProblem {
                        file: source.path.clone(),
                        line: line_no,
                        message: message.to_string(),
                    });
                }
            }
            ControlFlow::Continue(())
        },
    )
    .map_err(|e| MonitorError::reading(&source.path, e))
}

/// Where a matcher comes from: list directories compiled at start, or a compiled index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListSource {
    Dirs(Vec<PathBuf>),
    Index(PathBuf),
}

impl ListSource {
    /// Loads the matcher afresh (at start, and again on every reload).
    pub fn load(&self) -> Result<Matcher, MonitorError> {
        match self {
            ListSource::Dirs(dirs) => compile(dirs).map(|(m, _)| m),
            ListSource::Index(path) => crate::index::load(path),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            ListSource::Dirs(dirs) => dirs
                .iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            ListSource::Index(p) => p.display().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn merges_directories_and_reports_bad_lines() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        write(a.path(), "adult/domains", "example.com\nbad..host\n");
        write(a.path(), "adult/urls", "www.shared.example/~x/adult\n");
        write(a.path(), "adult/usage", "ignored\n");
        write(
            b.path(),
            "adult/hosts",
            "0.0.0.0 more.example # note\n127.0.0.1 localhost\n",
        );
        write(b.path(), "ads/hosts", "0.0.0.0 example.com\n");
        let (m, report) = compile(&[a.path().into(), b.path().into()]).unwrap();
        assert_eq!(report.files, 4);
        assert_eq!(report.distinct_domains, 2);
        assert_eq!(report.skipped_lines, 1);
        assert_eq!(report.problems[0].line, 2);
        assert!(report.problems[0].to_string().contains("adult/domains:2: "));
        let adult = &report.categories[0];
        assert_eq!(
            (adult.name.as_str(), adult.domains, adult.urls),
            ("adult", 2, 1)
        );
        let cats = m.url_of_request(b"http://a.example.com/");
        assert_eq!(cats.iter().count(), 2);
        assert!(
            !m.url_of_request(b"http://shared.example/~x/adult/")
                .is_empty()
        );
    }

    #[test]
    fn an_empty_directory_is_an_error() {
        let a = tempfile::tempdir().unwrap();
        let err = compile(&[a.path().into()]).unwrap_err();
        assert!(err.to_string().contains("no category lists"), "{err}");
    }
}
