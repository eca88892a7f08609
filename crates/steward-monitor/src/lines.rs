//! Reading a stream line by line in constant memory, without a copy or an allocation per line.

use std::io::{self, Read};
use std::ops::ControlFlow;

/// How much is read at a time.
pub const CHUNK: usize = 1 << 20;
/// A line longer than this is handed over in pieces of this size: a log or list with a
/// runaway line must not take the machine's memory.
pub const MAX_LINE: usize = 1 << 24;

/// Calls `each` with every line of `input` (without its `\n`), then with a last line that has no
/// `\n`, if any. `bytes_read` hears of every chunk's size, for progress reports. Stops early
/// when `each` says so.
pub fn for_each_line<R: Read>(
    mut input: R,
    mut bytes_read: impl FnMut(usize),
    mut each: impl FnMut(&[u8]) -> ControlFlow<()>,
) -> io::Result<()> {
    let mut buf = vec![0u8; CHUNK];
    let mut start = 0;
    let mut end = 0;
    loop {
        if start > 0 && (end == buf.len() || start == end) {
            buf.copy_within(start..end, 0);
            end -= start;
            start = 0;
        }
        if end == buf.len() {
            if buf.len() >= MAX_LINE {
                if each(&buf[..end]).is_break() {
                    return Ok(());
                }
                end = 0;
            } else {
                buf.resize(buf.len() * 2, 0);
            }
        }
        let n = match input.read(&mut buf[end..]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            if start < end {
                let _ = each(&buf[start..end]);
            }
            return Ok(());
        }
        bytes_read(n);
        let filled = end + n;
        for nl in memchr::memchr_iter(b'\n', &buf[end..filled]) {
            let at = end + nl;
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

    fn collect(text: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for_each_line(
            text,
            |_| {},
            |l| {
                out.push(l.to_vec());
                ControlFlow::Continue(())
            },
        )
        .unwrap();
        out
    }

    #[test]
    fn splits_lines_with_and_without_a_last_newline() {
        assert_eq!(
            collect(b"a\nbb\n\nc"),
            vec![b"a".to_vec(), b"bb".to_vec(), vec![], b"c".to_vec()]
        );
        assert_eq!(collect(b"a\n"), vec![b"a".to_vec()]);
        assert!(collect(b"").is_empty());
    }

    #[test]
    fn long_lines_cross_chunks() {
        let long = vec![b'x'; CHUNK * 3 + 5];
        let mut text = long.clone();
        text.extend_from_slice(b"\nshort\n");
        let lines = collect(&text);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], long);
    }
}
