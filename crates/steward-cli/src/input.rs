//! Every file the command line reads whole, with its limits in one place (the README lists
//! them). A file is read no further than its limit, so `/dev/zero` or a runaway export costs
//! a bounded amount of memory, and anything over a limit is refused before a thing is
//! written, with the file, the line and the limit named. Audit exports are not read whole:
//! they stream through `steward_domain::limits`.

use crate::exit;
use std::io::{BufRead, Read};
use std::path::Path;
use steward_domain::limits::size;

/// What a kind of file may hold.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    /// The kind of file, as the error names it ("a policy pack").
    pub what: &'static str,
    pub bytes: u64,
    pub line: usize,
}

/// A policy pack (TOML), and the policy text it names.
pub const POLICY: Limit = Limit {
    what: "a policy file",
    bytes: 1 << 20,
    line: 64 * 1024,
};

/// A CSV file: people, equipment, leavers or a phone bill.
pub const CSV: Limit = Limit {
    what: "a CSV file",
    bytes: 64 << 20,
    line: steward_domain::limits::CSV_ROW,
};

/// A file of device checks. Vendors' JSON documents may be a single line, so the line limit is
/// the file's; the line-based formats hold each line to their own limit as they are read.
pub const POSTURE: Limit = Limit {
    what: "a device checks file",
    bytes: steward_domain::limits::POSTURE_FILE,
    line: steward_domain::limits::POSTURE_FILE as usize,
};

/// A map of Fleet policy names to checks.
pub const POLICY_MAP: Limit = Limit {
    what: "a policy map",
    bytes: 64 * 1024,
    line: 4 * 1024,
};

/// A snapshot of mailbox forwarding: Graph's JSON (often one long line) or an Exchange CSV.
pub const SNAPSHOT: Limit = Limit {
    what: "a forwarding snapshot",
    bytes: steward_domain::mail::snapshot::FILE_MAX,
    line: steward_domain::mail::snapshot::FILE_MAX as usize,
};

/// A signing key or a public key file.
pub const KEY: Limit = Limit {
    what: "a key file",
    bytes: 64 * 1024,
    line: 4 * 1024,
};

/// One checkpoint file.
pub const CHECKPOINT: Limit = Limit {
    what: "a checkpoint file",
    bytes: 64 * 1024,
    line: 16 * 1024,
};

/// The first line of standard input that carries a password.
pub const PASSWORD_LINE: usize = 4 * 1024;

fn invalid(message: String) -> anyhow::Error {
    crate::Exit {
        code: exit::INVALID,
        message,
    }
    .into()
}

/// The number of the first line longer than `max` bytes (without its line break), if any.
pub fn long_line(data: &[u8], max: usize) -> Option<usize> {
    data.split(|b| *b == b'\n')
        .position(|line| line.strip_suffix(b"\r").unwrap_or(line).len() > max)
        .map(|i| i + 1)
}

/// The bytes of `path`, refused if it holds more than `limit` allows.
pub fn read(path: &Path, limit: Limit) -> anyhow::Result<Vec<u8>> {
    let name = path.display();
    let file = std::fs::File::open(path)
        .map_err(|e| invalid(format!("{name}: cannot read the file: {e}")))?;
    let mut data = Vec::new();
    file.take(limit.bytes + 1)
        .read_to_end(&mut data)
        .map_err(|e| invalid(format!("{name}: cannot read the file: {e}")))?;
    if data.len() as u64 > limit.bytes {
        return Err(invalid(format!(
            "{name}: the file is larger than {}, the most {} may hold",
            size(limit.bytes),
            limit.what
        )));
    }
    if let Some(n) = long_line(&data, limit.line) {
        return Err(invalid(format!(
            "{name}:{n}: line {n} is longer than {}, the longest line {} may have",
            size(limit.line as u64),
            limit.what
        )));
    }
    Ok(data)
}

/// The text of `path`, as [`read`] with the text checked to be UTF-8.
pub fn read_text(path: &Path, limit: Limit) -> anyhow::Result<String> {
    String::from_utf8(read(path, limit)?).map_err(|e| {
        invalid(format!(
            "{}: the file is not UTF-8 text (at byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}

/// The first line of `input`, refused when longer than `max` bytes.
pub fn first_line(input: impl BufRead, max: usize, what: &str) -> anyhow::Result<String> {
    let mut line = String::new();
    input.take(max as u64 + 2).read_line(&mut line)?;
    let text = line.strip_suffix('\n').unwrap_or(&line);
    let text = text.strip_suffix('\r').unwrap_or(text);
    if text.len() > max {
        return Err(invalid(format!(
            "{what} on standard input is longer than {}",
            size(max as u64)
        )));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_found_by_its_number() {
        assert_eq!(long_line(b"ab\nabc\r\nab", 3), None);
        assert_eq!(long_line(b"ab\nabcd\nab", 3), Some(2));
        assert_eq!(long_line(b"abcd", 3), Some(1));
    }

    #[test]
    fn a_file_over_its_limit_is_refused_without_reading_on() {
        let small = Limit {
            what: "a test file",
            bytes: 1024,
            line: 10,
        };
        let err = read(Path::new("/dev/zero"), small).unwrap_err().to_string();
        assert!(
            err.contains("/dev/zero: the file is larger than 1 KiB"),
            "{err}"
        );
    }

    #[test]
    fn a_password_line_is_bounded() {
        assert_eq!(
            first_line(&b"secret\r\nmore"[..], 8, "x").unwrap(),
            "secret"
        );
        assert!(first_line(&[b'a'; 100][..], 8, "The password").is_err());
    }
}
