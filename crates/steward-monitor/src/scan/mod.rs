//! `steward filter scan`: reading Squid access logs, plain or gzip-compressed, in constant
//! memory, and summing up which categorised sites each person reached.

pub mod aggregate;
pub mod logline;

pub use aggregate::{Aggregator, Finding, SAMPLES};
pub use logline::{LogEntry, LogFormat};

use crate::category::CategoryId;
use crate::error::MonitorError;
use crate::lines::{Limits, for_each_line};
use crate::matcher::Matcher;
use crate::url::split_url;
use serde::Serialize;
use std::io::Read;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// Unreadable lines quoted in the report; the rest are only counted.
pub const PROBLEMS_KEPT: usize = 5;

/// A line that could not be read, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogProblem {
    pub file: PathBuf,
    pub line: u64,
    pub message: String,
}

impl std::fmt::Display for LogProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ScanStats {
    pub files: u64,
    pub lines: u64,
    /// Bytes of log text read (after decompression).
    pub bytes: u64,
    /// Lines whose site is in a category that counts.
    pub matched: u64,
    pub malformed: u64,
}

/// Reads logs and sums their findings.
pub struct Scanner<'m> {
    matcher: &'m Matcher,
    order: Vec<CategoryId>,
    /// `None`: decide each line's format by its look.
    format: Option<LogFormat>,
    pub findings: Aggregator,
    pub stats: ScanStats,
    pub problems: Vec<LogProblem>,
}

/// Counts bytes as they are read (before decompression), for a progress bar.
struct Counting<R, F> {
    inner: R,
    seen: F,
}

impl<R: Read, F: FnMut(usize)> Read for Counting<R, F> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.seen)(n);
        Ok(n)
    }
}

impl<'m> Scanner<'m> {
    /// `order`: the categories that count, first named first (a site in several counts once,
    /// for the first of them).
    pub fn new(matcher: &'m Matcher, order: Vec<CategoryId>, format: Option<LogFormat>) -> Self {
        Scanner {
            matcher,
            order,
            format,
            findings: Aggregator::new(),
            stats: ScanStats::default(),
            problems: Vec::new(),
        }
    }

    /// Scans one file (gzip-compressed when its name ends `.gz`). `progress` hears of the bytes
    /// read from disk.
    pub fn scan_file(
        &mut self,
        path: &Path,
        progress: impl FnMut(usize),
    ) -> Result<(), MonitorError> {
        let file = std::fs::File::open(path).map_err(|e| MonitorError::io(path, e))?;
        let counted = Counting {
            inner: file,
            seen: progress,
        };
        let gz = path.extension().is_some_and(|e| e == "gz");
        if gz {
            self.scan(path, flate2::read::MultiGzDecoder::new(counted))
        } else {
            self.scan(path, counted)
        }
    }

    /// The first line of a log (decompressed when its name ends `.gz`), at most 4 KiB: what
    /// stays the same when the log grows or is rotated, so it can name the log.
    pub fn first_line(path: &Path) -> Result<Vec<u8>, MonitorError> {
        let file = std::fs::File::open(path).map_err(|e| MonitorError::io(path, e))?;
        let mut input: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
            Box::new(flate2::read::MultiGzDecoder::new(file))
        } else {
            Box::new(file)
        };
        let mut line = Vec::new();
        const MAX: usize = 4096;
        let mut buf = [0u8; MAX];
        while line.len() < MAX {
            let n = match input.read(&mut buf[..MAX - line.len()]) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(MonitorError::io(path, e)),
            };
            if let Some(nl) = memchr::memchr(b'\n', &buf[..n]) {
                line.extend_from_slice(&buf[..nl]);
                return Ok(line);
            }
            line.extend_from_slice(&buf[..n]);
        }
        Ok(line)
    }

    /// Scans a stream, naming it `name` in problems.
    pub fn scan(&mut self, name: &Path, input: impl Read) -> Result<(), MonitorError> {
        self.stats.files += 1;
        let mut line_no = 0u64;
        let Scanner {
            matcher,
            order,
            format,
            findings,
            stats,
            problems,
        } = self;
        let result = for_each_line(
            input,
            Limits::LOGS,
            |n| stats.bytes += n as u64,
            |line| {
                line_no += 1;
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                if line.is_empty() {
                    return ControlFlow::Continue(());
                }
                let format = format.unwrap_or_else(|| logline::detect(line));
                match logline::parse(format, line) {
                    Ok(entry) => {
                        if let Some(target) = split_url(entry.url) {
                            let set = matcher.target_categories(&target);
                            if !set.is_empty()
                                && let Some(category) = set.first_in(order)
                            {
                                stats.matched += 1;
                                let person = entry.user.unwrap_or(entry.client);
                                findings.add(person, category, entry.unix_ms, entry.url);
                            }
                        }
                    }
                    Err(message) => {
                        stats.malformed += 1;
                        if problems.len() < PROBLEMS_KEPT {
                            problems.push(LogProblem {
                                file: name.to_path_buf(),
                                line: line_no,
                                message: message.to_string(),
                            });
                        }
                    }
                }
                ControlFlow::Continue(())
            },
        );
        self.stats.lines += line_no;
        result.map_err(|e| MonitorError::reading(name, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::MatcherBuilder;
    use std::io::Write;

    fn matcher() -> Matcher {
        let mut b = MatcherBuilder::default();
        let g = b.category("gambling").unwrap();
        b.add_domain(g, b"bet.example");
        b.build()
    }

    const LOG: &str = "\
1767225600.002   1248 10.2.11.10 TCP_MISS/200 65 GET http://www.bet.example/a u1 HIER_DIRECT/1.2.3.4 text/html
1767225700.002   1248 10.2.11.10 TCP_MISS/200 65 GET http://news.example/ u1 HIER_DIRECT/1.2.3.4 text/html
garbage
10.0.0.9 - - [01/Jan/2026:00:10:00 +0000] \"GET http://bet.example/ HTTP/1.1\" 200 5 \"-\" \"UA\" TCP_MISS:HIER_DIRECT
";

    #[test]
    fn scans_plain_and_compressed_logs_alike() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("access.log");
        std::fs::write(&plain, LOG).unwrap();
        let packed = dir.path().join("access.log.1.gz");
        let mut gz = flate2::write::GzEncoder::new(
            std::fs::File::create(&packed).unwrap(),
            flate2::Compression::default(),
        );
        gz.write_all(LOG.as_bytes()).unwrap();
        gz.finish().unwrap();

        let m = matcher();
        let mut s = Scanner::new(&m, vec![0], None);
        let mut disk = 0;
        s.scan_file(&plain, |n| disk += n).unwrap();
        s.scan_file(&packed, |n| disk += n).unwrap();
        assert_eq!(s.stats.lines, 8);
        assert_eq!(s.stats.matched, 4);
        assert_eq!(s.stats.malformed, 2);
        assert_eq!(
            s.problems[0].to_string(),
            format!("{}:3: no ident field", plain.display())
        );
        assert!(disk > LOG.len());
        let found: Vec<Finding> = s.findings.findings(m.categories()).collect();
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].person.as_str(), found[0].count), ("10.0.0.9", 2));
        assert_eq!((found[1].person.as_str(), found[1].count), ("u1", 2));
    }
}
