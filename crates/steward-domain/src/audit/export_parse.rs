//! A fast reader for export lines laid out exactly as the exporter writes them, straight into
//! the verifier's view of a record. Anything else
//! (escaped text, other key orders, spaces, nulls written out) returns None and is read by
//! serde_json instead, so both ways accept the same lines and read the same values; this way
//! just skips serde's general machinery, which otherwise costs more than the hashing.

use super::RecordView;
use super::json_scan::value_len;
use chrono::NaiveDate;

struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or_default()
    }

    fn lit(&mut self, expected: &str) -> Option<()> {
        self.rest().starts_with(expected).then(|| {
            self.pos += expected.len();
        })
    }

    /// A non-negative integer without leading zeros.
    fn int(&mut self) -> Option<i64> {
        let digits = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        let text = self.rest().get(..digits)?;
        if digits == 0 || (digits > 1 && text.starts_with('0')) {
            return None;
        }
        let value = text.parse().ok()?;
        self.pos += digits;
        Some(value)
    }

    /// A string with no escapes or control characters, borrowed from the line.
    fn string(&mut self) -> Option<&'a str> {
        self.lit("\"")?;
        let rest = self.rest();
        let end = rest.find('"')?;
        let text = rest.get(..end)?;
        // No early exit, so the check runs over whole vectors of bytes at a time.
        let plain = text
            .bytes()
            .fold(true, |plain, b| plain & (b != b'\\') & (b >= 0x20));
        if !plain {
            return None;
        }
        self.pos += end + 1;
        Some(text)
    }

    /// `null`, or the text of one JSON value starting right here.
    fn raw(&mut self) -> Option<Option<&'a str>> {
        if self.lit("null").is_some() {
            return Some(None);
        }
        let rest = self.rest();
        let text = rest.get(..value_len(rest)?)?;
        self.pos += text.len();
        Some(Some(text))
    }
}

pub(crate) fn parse_canonical(line: &str) -> Option<RecordView<'_>> {
    let mut c = Cursor { text: line, pos: 0 };
    c.lit("{\"council_id\":")?;
    let council_id = c.int()?;
    c.lit(",\"seq\":")?;
    let seq = c.int()?;
    c.lit(",\"at\":")?;
    let at = c.string()?;
    c.lit(",\"actor\":")?;
    let actor = c.string()?;
    c.lit(",\"action\":")?;
    let action = c.string()?;
    c.lit(",\"entity\":")?;
    let entity = c.string()?;
    c.lit(",\"entity_id\":")?;
    let entity_id = c.string()?;
    c.lit(",\"before\":")?;
    let before = c.raw()?;
    c.lit(",\"after\":")?;
    let after = c.raw()?;
    c.lit(",\"data_digest\":")?;
    let data_digest = c.string()?;
    c.lit(",\"prev_hash\":")?;
    let prev_hash = c.string()?;
    c.lit(",\"hash\":")?;
    let hash = c.string()?;
    let erased_on = match c.lit(",\"erased_on\":") {
        Some(()) => Some(c.string()?.parse::<NaiveDate>().ok()?),
        None => None,
    };
    c.lit("}")?;
    if c.pos != line.len() {
        return None;
    }
    Some(RecordView {
        council_id,
        seq,
        at,
        actor,
        action,
        entity,
        entity_id,
        before,
        after,
        data_digest,
        prev_hash,
        hash,
        erased_on,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::TimeBuf;
    use crate::audit::export::ExportLine;
    use crate::audit::verify::tests::chain;

    fn lines() -> Vec<String> {
        let mut records = chain(4);
        records[1].after = None;
        records[1].erased_on = NaiveDate::from_ymd_opt(2034, 1, 5);
        let mut time = TimeBuf::default();
        records
            .iter()
            .map(|r| ExportLine::of(r, &mut time).unwrap().to_line())
            .collect()
    }

    #[test]
    fn the_exporters_own_lines_take_the_fast_way() {
        for line in lines() {
            let fast = parse_canonical(&line).expect("canonical line");
            let slow: ExportLine<'_> = serde_json::from_str(&line).unwrap();
            assert_eq!(fast, slow.view());
        }
    }

    #[test]
    fn whatever_the_fast_way_reads_serde_reads_the_same() {
        for line in lines() {
            let bytes = line.as_bytes();
            for at in 0..bytes.len() {
                for bit in 0..8 {
                    let mut altered = bytes.to_vec();
                    altered[at] ^= 1 << bit;
                    let Ok(text) = String::from_utf8(altered) else {
                        continue;
                    };
                    if let Some(fast) = parse_canonical(&text) {
                        let slow: ExportLine<'_> =
                            serde_json::from_str(&text).unwrap_or_else(|e| {
                                panic!("serde refused what the fast way read: {e}: {text}")
                            });
                        assert_eq!(fast, slow.view(), "{text}");
                    }
                }
            }
        }
    }
}
