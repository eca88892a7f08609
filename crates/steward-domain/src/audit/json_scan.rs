//! Finds where one JSON value ends, checking it as strictly as serde_json does, for the fast
//! export reader. It gives up (None) on anything rare, such as `\u` escapes or deep nesting,
//! and serde_json then reads the line instead.

struct Scan<'b> {
    bytes: &'b [u8],
    pos: usize,
    depth: u32,
}

/// The length of the JSON value at the start of `text`, if it is one this scanner is sure of.
pub(crate) fn value_len(text: &str) -> Option<usize> {
    let mut scan = Scan {
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    scan.value()?;
    Some(scan.pos)
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn eat(&mut self, expected: u8) -> Option<()> {
        (self.next()? == expected).then_some(())
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Option<()> {
        match self.peek()? {
            b'{' => self.nested(b'}', true),
            b'[' => self.nested(b']', false),
            b'"' => self.string(),
            b't' => self.word(b"true"),
            b'f' => self.word(b"false"),
            b'n' => self.word(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn nested(&mut self, close: u8, keyed: bool) -> Option<()> {
        self.depth += 1;
        if self.depth > 64 {
            return None;
        }
        self.pos += 1;
        self.space();
        if self.peek()? == close {
            self.pos += 1;
        } else {
            loop {
                self.space();
                if keyed {
                    self.string()?;
                    self.space();
                    self.eat(b':')?;
                    self.space();
                }
                self.value()?;
                self.space();
                match self.next()? {
                    b',' => continue,
                    b if b == close => break,
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        Some(())
    }

    fn string(&mut self) -> Option<()> {
        self.eat(b'"')?;
        loop {
            match self.next()? {
                b'"' => return Some(()),
                b'\\' => match self.next()? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    _ => return None,
                },
                0x00..=0x1f => return None,
                _ => {}
            }
        }
    }

    fn word(&mut self, word: &[u8]) -> Option<()> {
        let end = self.pos + word.len();
        (self.bytes.get(self.pos..end)? == word).then(|| self.pos = end)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.next()? {
            b'0' => {}
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            (self.digits() > 0).then_some(())?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            (self.digits() > 0).then_some(())?;
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::value::RawValue;

    /// What serde_json makes of the value at the start of `text`: its length, if it reads one.
    fn serde_len(text: &str) -> Option<usize> {
        let mut de = serde_json::Deserializer::from_str(text);
        <&RawValue>::deserialize(&mut de)
            .ok()
            .filter(|raw| raw.get().as_ptr() == text.as_ptr())
            .map(|raw| raw.get().len())
    }

    #[test]
    fn agrees_with_serde_wherever_it_answers() {
        let samples = [
            r#"{"id":12,"name":"Ann Oak","tags":["a","b\n"],"cost":-650.25e2,"ok":true,"x":null},"#,
            r#"[1, 2.5, {"a": {"b": []}}, false]"#,
            r#"{"due_on":"2031-05-16","clause":"28.9"}"#,
            r#""text with \"quotes\" and \\ slash""#,
            "0",
        ];
        for sample in samples {
            let bytes = sample.as_bytes();
            assert_eq!(value_len(sample), serde_len(sample), "{sample}");
            for at in 0..bytes.len() {
                for bit in 0..8 {
                    let mut altered = bytes.to_vec();
                    altered[at] ^= 1 << bit;
                    let Ok(text) = String::from_utf8(altered) else {
                        continue;
                    };
                    if let Some(len) = value_len(&text) {
                        assert_eq!(Some(len), serde_len(&text), "{text}");
                    }
                }
            }
        }
    }
}
