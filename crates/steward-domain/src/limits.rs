//! The domain's input limits in one place (the README lists every layer's). Text fields have
//! their own lengths beside their checks (`import::NAME_MAX` and the like).

/// The longest row of a CSV file, in bytes: one person, item, leaver or call. Quoted values
/// may run over several lines; the limit is for the whole row.
pub const CSV_ROW: usize = 64 * 1024;

/// The longest line of an audit export: one record with its before/after data.
pub const AUDIT_EXPORT_LINE: usize = 16 << 20;

/// The most an audit export may hold. It is read as a stream, a batch at a time, so the limit
/// bounds the time a runaway file (`/dev/zero`, an endless stream of blank lines) can take,
/// not the memory.
pub const AUDIT_EXPORT_FILE: u64 = 256 << 30;

/// The most text an audit export's batch holds before it is checked, whatever its lines.
pub const AUDIT_EXPORT_BATCH: usize = 64 << 20;

/// The most a device compliance file may hold (a vendor's export or the native format).
pub const POSTURE_FILE: u64 = 128 << 20;

/// The longest line of a line-based device compliance file (native JSON Lines, osquery's
/// results log). A vendor's JSON document is one value and may be a single long line; its
/// limit is the file's.
pub const POSTURE_LINE: usize = 1 << 20;

/// The most observations one file may give, counting each installed program.
pub const POSTURE_OBSERVATIONS: usize = 1_000_000;

/// A size in the units people use for it ("64 KiB", "16 MiB").
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b.is_multiple_of(1 << 30) => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b.is_multiple_of(1 << 20) => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b.is_multiple_of(1 << 10) => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_their_unit() {
        assert_eq!(size(64 * 1024), "64 KiB");
        assert_eq!(size(16 << 20), "16 MiB");
        assert_eq!(size(256 << 30), "256 GiB");
        assert_eq!(size(1000), "1000 bytes");
    }
}
