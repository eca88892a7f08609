//! Reading a stream line by line in constant memory, without a copy or an allocation per line,
//! refusing a line or a stream longer than its limits: a log or list with a runaway line, or
//! a compressed log that expands without end, must not take the machine's memory or time.

use std::io::{self, Read};
use std::ops::ControlFlow;

/// How much is read at a time.
pub const CHUNK: usize = 1 << 20;

/// The web filter's input limits, in one place (the README lists them).
pub mod limits {
    /// The longest line of a category list (a domain or a URL).
    pub const LIST_LINE: usize = 8 * 1024;
    /// The largest category list file.
    pub const LIST_FILE: u64 = 1 << 30;
    /// The longest line of an access log.
    pub const LOG_LINE: usize = 64 * 1024;
    /// The most text one access log may hold, after decompression.
    pub const LOG_FILE: u64 = 64 << 30;
    /// The largest index `filter compile` writes and the helper and scanner read whole into
    /// memory: checked against the file's size before anything is read.
    pub const INDEX_FILE: u64 = 4 << 30;
}

/// How long a line and how large a whole stream may be.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub line: usize,
    pub bytes: u64,
}

impl Limits {
    pub const LISTS: Limits = Limits {
        line: limits::LIST_LINE,
        bytes: limits::LIST_FILE,
    };
    pub const LOGS: Limits = Limits {
        line: limits::LOG_LINE,
        bytes: limits::LOG_FILE,
    };
}

/// Why reading stopped before the end.
#[derive(Debug, thiserror::Error)]
pub enum Overrun {
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error("line {line} is longer than {} (the limit for one line)", size(*.limit as u64))]
    LineTooLong { line: u64, limit: usize },
    #[error("the file holds more than {} (the limit for one file)", size(*.limit))]
    TooLarge { limit: u64 },
}

/// A size in the units people use for it ("64 KiB", "1 GiB").
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b.is_multiple_of(1 << 30) => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b.is_multiple_of(1 << 20) => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b.is_multiple_of(1 << 10) => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Calls `each` with every line of `input` (without its `\n`), then with a last line that has no
/// `\n`, if any. `bytes_read` hears of every chunk's size, for progress reports. Stops early
/// when `each` says so, and with an error at the first line or byte beyond `limits`.
pub fn for_each_line<R: Read>(
    mut input: R,
    limits: Limits,
    mut bytes_read: impl FnMut(usize),
    mut each: impl FnMut(&[u8]) -> ControlFlow<()>,
) -> Result<(), Overrun> {
    // Room for the longest line allowed and its line break, so a full buffer is always a
    // line too long.
    let mut buf = vec![0u8; CHUNK.max(limits.line + 2)];
    let (mut start, mut end) = (0, 0);
    let mut lines: u64 = 0;
    let mut total: u64 = 0;
    let too_long = |lines: u64| Overrun::LineTooLong {
        line: lines + 1,
        limit: limits.line,
    };
    loop {
        if start > 0 && (end == buf.len() || start == end) {
            buf.copy_within(start..end, 0);
            end -= start;
            start = 0;
        }
        if end - start > limits.line {
            return Err(too_long(lines));
        }
        let n = match input.read(&mut buf[end..]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        if n == 0 {
            if start < end {
                let _ = each(&buf[start..end]);
            }
            return Ok(());
        }
        total += n as u64;
        if total > limits.bytes {
            return Err(Overrun::TooLarge {
                limit: limits.bytes,
            });
        }
        bytes_read(n);
        let filled = end + n;
        for nl in memchr::memchr_iter(b'\n', &buf[end..filled]) {
            let at = end + nl;
            if at - start > limits.line {
                return Err(too_long(lines));
            }
            lines += 1;
            if each(&buf[start..at]).is_break() {
                return Ok(());
            }
            start = at + 1;
        }
        end = filled;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIDE: Limits = Limits {
        line: CHUNK * 4,
        bytes: u64::MAX,
    };

    fn collect(text: &[u8], limits: Limits) -> Result<Vec<Vec<u8>>, Overrun> {
        let mut out = Vec::new();
        for_each_line(
            text,
            limits,
            |_| {},
            |l| {
                out.push(l.to_vec());
                ControlFlow::Continue(())
            },
        )?;
        Ok(out)
    }

    #[test]
    fn splits_lines_with_and_without_a_last_newline() {
        assert_eq!(
            collect(b"a\nbb\n\nc", WIDE).unwrap(),
            vec![b"a".to_vec(), b"bb".to_vec(), vec![], b"c".to_vec()]
        );
        assert_eq!(collect(b"a\n", WIDE).unwrap(), vec![b"a".to_vec()]);
        assert!(collect(b"", WIDE).unwrap().is_empty());
    }

    #[test]
    fn long_lines_cross_chunks() {
        let long = vec![b'x'; CHUNK * 3 + 5];
        let mut text = long.clone();
        text.extend_from_slice(b"\nshort\n");
        let lines = collect(&text, WIDE).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], long);
    }

    #[test]
    fn a_line_over_the_limit_is_named() {
        let limits = Limits {
            line: 4,
            bytes: 1 << 20,
        };
        assert_eq!(collect(b"abcd\nabcd", limits).unwrap().len(), 2);
        for text in [&b"ab\nabcde\nx"[..], b"ab\nabcde"] {
            let err = collect(text, limits).unwrap_err();
            assert!(
                matches!(err, Overrun::LineTooLong { line: 2, limit: 4 }),
                "{err}"
            );
        }
    }

    #[test]
    fn an_endless_line_stops_at_the_limit() {
        let err = collect_endless(std::io::repeat(b'x'), Limits::LOGS);
        assert!(matches!(err, Overrun::LineTooLong { line: 1, .. }), "{err}");
        assert!(err.to_string().contains("64 KiB"), "{err}");
    }

    #[test]
    fn an_endless_stream_of_lines_stops_at_the_size_limit() {
        let limits = Limits {
            line: 16,
            bytes: 10 << 20,
        };
        let err = collect_endless(std::io::repeat(b'\n'), limits);
        assert!(matches!(err, Overrun::TooLarge { .. }), "{err}");
        assert!(err.to_string().contains("10 MiB"), "{err}");
    }

    fn collect_endless(input: impl Read, limits: Limits) -> Overrun {
        for_each_line(input, limits, |_| {}, |_| ControlFlow::Continue(())).unwrap_err()
    }
}
