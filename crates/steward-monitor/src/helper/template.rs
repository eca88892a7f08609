//! The block page address, written once with placeholders:
//! `https://steward.example/councils/dunmere/blocked?cat={category}&url={url}`.
//!
//! Placeholders are `{category}`, `{url}`, `{host}`, `{clause}`, `{user}` and `{client}`; each
//! value is percent-encoded, so the address stays one word whatever the request held. `{{` and
//! `}}` stand for a literal brace.

use crate::error::MonitorError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Category,
    Url,
    Host,
    Clause,
    User,
    Client,
}

const FIELDS: &[(&str, Field)] = &[
    ("category", Field::Category),
    ("url", Field::Url),
    ("host", Field::Host),
    ("clause", Field::Clause),
    ("user", Field::User),
    ("client", Field::Client),
];

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(Vec<u8>),
    Value(Field),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockUrl {
    pieces: Vec<Piece>,
}

/// The values for one block.
#[derive(Clone, Copy, Debug, Default)]
pub struct Values<'a> {
    pub category: &'a [u8],
    pub url: &'a [u8],
    pub host: &'a [u8],
    pub clause: &'a [u8],
    pub user: &'a [u8],
    pub client: &'a [u8],
}

impl Values<'_> {
    fn get(&self, field: Field) -> &[u8] {
        match field {
            Field::Category => self.category,
            Field::Url => self.url,
            Field::Host => self.host,
            Field::Clause => self.clause,
            Field::User => self.user,
            Field::Client => self.client,
        }
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn push_encoded(out: &mut Vec<u8>, value: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let reserved = |b: &u8| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    // A run of unreserved bytes is copied at once; only the others are spelled out.
    let mut rest = value;
    while let Some(at) = rest.iter().position(reserved) {
        let (plain, tail) = rest.split_at(at);
        out.extend_from_slice(plain);
        let Some((&b, after)) = tail.split_first() else {
            break;
        };
        out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        rest = after;
    }
    out.extend_from_slice(rest);
}

impl BlockUrl {
    pub fn parse(template: &str) -> Result<BlockUrl, MonitorError> {
        let bad = |m: String| MonitorError::Template(format!("{template:?}: {m}"));
        if template.is_empty() {
            return Err(bad("it is empty".into()));
        }
        if template
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control() || b == b'"')
        {
            return Err(bad(
                "an address may not hold spaces, quotes or control characters".into(),
            ));
        }
        let mut pieces = Vec::new();
        let mut text = Vec::new();
        let mut rest = template;
        while let Some(c) = rest.chars().next() {
            if let Some(after) = rest.strip_prefix("{{") {
                text.push(b'{');
                rest = after;
            } else if let Some(after) = rest.strip_prefix("}}") {
                text.push(b'}');
                rest = after;
            } else if c == '{' {
                let close = rest
                    .find('}')
                    .ok_or_else(|| bad("a `{` is not closed".into()))?;
                let name = &rest[1..close];
                let field = FIELDS
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, f)| *f)
                    .ok_or_else(|| {
                        let known: Vec<String> =
                            FIELDS.iter().map(|(n, _)| format!("{{{n}}}")).collect();
                        bad(format!(
                            "unknown placeholder {{{name}}}; known: {}",
                            known.join(", ")
                        ))
                    })?;
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Value(field));
                rest = &rest[close + 1..];
            } else if c == '}' {
                return Err(bad("a `}` without its `{` (write `}}` for a brace)".into()));
            } else {
                text.extend_from_slice(c.to_string().as_bytes());
                rest = &rest[c.len_utf8()..];
            }
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        Ok(BlockUrl { pieces })
    }

    /// Writes the address for `values` into `out` (cleared first).
    pub fn render(&self, values: &Values<'_>, out: &mut Vec<u8>) {
        out.clear();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.extend_from_slice(t),
                Piece::Value(field) => push_encoded(out, values.get(*field)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every byte comes out unreserved or as %XX, and decoding gives the value back.
        #[test]
        fn encoding_round_trips(value in proptest::collection::vec(any::<u8>(), 0..80)) {
            let mut out = Vec::new();
            push_encoded(&mut out, &value);
            let mut back = Vec::new();
            let mut i = 0;
            while let Some(&b) = out.get(i) {
                if b == b'%' {
                    let hex = std::str::from_utf8(&out[i + 1..i + 3]).unwrap();
                    prop_assert_eq!(hex.to_uppercase(), hex);
                    back.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 3;
                } else {
                    prop_assert!(b.is_ascii_alphanumeric() || b"-._~".contains(&b));
                    back.push(b);
                    i += 1;
                }
            }
            prop_assert_eq!(back, value);
        }
    }

    #[test]
    fn renders_with_values_encoded() {
        let t = BlockUrl::parse(
            "https://steward.example/councils/dunmere/blocked?cat={category}&url={url}&x={{}}",
        )
        .unwrap();
        let mut out = Vec::new();
        t.render(
            &Values {
                category: b"gambling",
                url: b"http://bet.example/a b?c=\"d\"",
                ..Values::default()
            },
            &mut out,
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "https://steward.example/councils/dunmere/blocked?cat=gambling\
             &url=http%3A%2F%2Fbet.example%2Fa%20b%3Fc%3D%22d%22&x={}"
        );
    }

    #[test]
    fn refuses_what_would_break_the_reply() {
        for bad in [
            "",
            "http://x/{nope}",
            "http://x/{url",
            "http://x/ y",
            "http://x/}",
        ] {
            assert!(BlockUrl::parse(bad).is_err(), "{bad}");
        }
        let err = BlockUrl::parse("http://x/{nope}").unwrap_err().to_string();
        assert!(err.contains("{category}"), "{err}");
    }
}
