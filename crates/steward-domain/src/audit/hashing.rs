//! The chain's hash functions. The verifier calls these once or twice per record, so they
//! write into fixed buffers instead of allocating.

use super::RecordView;
use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};
use sha2::{Digest, Sha256};

/// A SHA-256 digest as lower-case hex text, on the stack.
pub(crate) type HexHash = [u8; 64];

/// The canonical timestamp text, fixed to microseconds so both databases round-trip it.
pub fn timestamp_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Holds one timestamp's canonical text without allocating, for the common years 0 to 9999.
#[derive(Clone, Debug, Default)]
pub struct TimeBuf {
    fixed: [u8; 27],
    spill: String,
}

impl TimeBuf {
    /// The same text as [`timestamp_text`].
    pub fn text(&mut self, at: DateTime<Utc>) -> &str {
        if write_stamp(at, &mut self.fixed)
            && let Ok(text) = std::str::from_utf8(&self.fixed)
        {
            return text;
        }
        self.spill = timestamp_text(at);
        &self.spill
    }
}

/// Writes `YYYY-MM-DDTHH:MM:SS.ffffffZ`; false where chrono would write something longer
/// (years outside 0..=9999, leap seconds), which then takes the slow path.
fn write_stamp(at: DateTime<Utc>, out: &mut [u8; 27]) -> bool {
    let t = at.naive_utc();
    let nanos = t.nanosecond();
    let year = t.year();
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
        return false;
    }
    let mut put = |start: usize, width: usize, mut value: u32| {
        for i in (start..start + width).rev() {
            out[i] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, 4, year.unsigned_abs());
    put(5, 2, t.month());
    put(8, 2, t.day());
    put(11, 2, t.hour());
    put(14, 2, t.minute());
    put(17, 2, t.second());
    put(20, 6, nanos / 1000);
    out[4] = b'-';
    out[7] = b'-';
    out[10] = b'T';
    out[13] = b':';
    out[16] = b':';
    out[19] = b'.';
    out[26] = b'Z';
    true
}

const DOMAIN: &[u8] = b"steward-audit-v1";

/// A record's hash input gathered on the stack, so SHA-256 runs over one slice instead of a
/// dozen small pieces; records too big for it are hashed piece by piece, with the same result.
struct Inline {
    buf: [u8; 512],
    len: usize,
}

impl Default for Inline {
    fn default() -> Inline {
        Inline {
            buf: [0; 512],
            len: 0,
        }
    }
}

impl Inline {
    fn push(&mut self, data: &[u8]) -> bool {
        let end = self.len + data.len();
        match self.buf.get_mut(self.len..end) {
            Some(dst) => {
                dst.copy_from_slice(data);
                self.len = end;
                true
            }
            None => false,
        }
    }

    fn bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

fn len_bytes(text: &str) -> [u8; 8] {
    (text.len() as u64).to_be_bytes()
}

fn field(h: &mut Sha256, bytes: &[u8]) {
    // Length-prefixing keeps ("ab","c") and ("a","bc") apart.
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

fn hex_of(digest: &[u8]) -> HexHash {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, byte) in digest.iter().take(32).enumerate() {
        out[2 * i] = DIGITS[usize::from(byte >> 4)];
        out[2 * i + 1] = DIGITS[usize::from(byte & 0x0f)];
    }
    out
}

pub(crate) fn hex_text(hash: &HexHash) -> String {
    hash.iter().map(|&b| char::from(b)).collect()
}

pub(crate) fn data_digest_hex(before: Option<&str>, after: Option<&str>) -> HexHash {
    let mut inline = Inline::default();
    let fits = [before, after].iter().all(|part| match part {
        Some(text) => {
            inline.push(&[1]) && inline.push(&len_bytes(text)) && inline.push(text.as_bytes())
        }
        None => inline.push(&[0]),
    });
    if fits {
        return hex_of(&Sha256::digest(inline.bytes()));
    }
    let mut h = Sha256::new();
    for part in [before, after] {
        match part {
            Some(text) => {
                h.update([1]);
                field(&mut h, text.as_bytes());
            }
            None => h.update([0]),
        }
    }
    hex_of(&h.finalize())
}

pub fn data_digest(before: Option<&str>, after: Option<&str>) -> String {
    hex_text(&data_digest_hex(before, after))
}

/// The record's hash as if it stood at `seq`.
pub(crate) fn view_hash_hex(v: &RecordView<'_>, seq: i64) -> HexHash {
    let texts = [
        v.at,
        v.actor,
        v.action,
        v.entity,
        v.entity_id,
        v.data_digest,
        v.prev_hash,
    ];
    let mut inline = Inline::default();
    let fits = inline.push(DOMAIN)
        && inline.push(&v.council_id.to_be_bytes())
        && inline.push(&seq.to_be_bytes())
        && texts
            .iter()
            .all(|t| inline.push(&len_bytes(t)) && inline.push(t.as_bytes()));
    if fits {
        return hex_of(&Sha256::digest(inline.bytes()));
    }
    let mut h = Sha256::new();
    h.update(DOMAIN);
    h.update(v.council_id.to_be_bytes());
    h.update(seq.to_be_bytes());
    for text in texts {
        field(&mut h, text.as_bytes());
    }
    hex_of(&h.finalize())
}

#[allow(clippy::too_many_arguments)]
pub fn record_hash(
    council_id: i64,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    data_digest: &str,
    prev_hash: &str,
) -> String {
    let view = RecordView {
        council_id,
        seq,
        at,
        actor,
        action,
        entity,
        entity_id,
        before: None,
        after: None,
        data_digest,
        prev_hash,
        hash: "",
        erased_on: None,
    };
    hex_text(&view_hash_hex(&view, seq))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn fixed_buffer_matches_chrono(secs in -70_000_000_000i64..300_000_000_000, micros in 0u32..1_000_000) {
            let at = Utc.timestamp_opt(secs, micros * 1000).single().unwrap();
            let mut buf = TimeBuf::default();
            prop_assert_eq!(buf.text(at), timestamp_text(at));
        }
    }

    #[test]
    fn years_beyond_four_digits_take_the_slow_path() {
        let at = Utc.with_ymd_and_hms(12_000, 1, 1, 0, 0, 0).unwrap();
        let mut buf = TimeBuf::default();
        assert_eq!(buf.text(at), timestamp_text(at));
    }

    #[test]
    fn digest_hex_is_lower_case() {
        assert_eq!(
            data_digest(None, None),
            hex::encode(Sha256::digest([0u8, 0u8]))
        );
    }
}

#[cfg(test)]
mod inline_tests {
    use super::*;

    #[test]
    fn long_records_hash_the_same_piece_by_piece() {
        let long = "x".repeat(2000);
        let mut h = Sha256::new();
        h.update([1]);
        field(&mut h, long.as_bytes());
        h.update([0]);
        assert_eq!(
            data_digest(Some(&long), None),
            hex_text(&hex_of(&h.finalize()))
        );
        let short = data_digest(Some("{}"), Some("{\"a\":1}"));
        let mut h = Sha256::new();
        for text in ["{}", "{\"a\":1}"] {
            h.update([1]);
            field(&mut h, text.as_bytes());
        }
        assert_eq!(short, hex_text(&hex_of(&h.finalize())));
        // The layout as first written, piece by piece: stored chains must keep verifying.
        let reference = |texts: [&str; 7]| {
            let mut h = Sha256::new();
            h.update(b"steward-audit-v1");
            h.update(7i64.to_be_bytes());
            h.update(42i64.to_be_bytes());
            for text in texts {
                h.update((text.len() as u64).to_be_bytes());
                h.update(text.as_bytes());
            }
            hex::encode(h.finalize())
        };
        for actor in ["clerk", long.as_str()] {
            let texts = [
                "2027-01-04T09:00:00.000000Z",
                actor,
                "loan.issue",
                "loan",
                "1",
                "d",
                "p",
            ];
            let [at, actor, action, entity, id, digest, prev] = texts;
            assert_eq!(
                record_hash(7, 42, at, actor, action, entity, id, digest, prev),
                reference(texts)
            );
        }
    }
}
