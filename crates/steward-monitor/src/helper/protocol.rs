//! Squid's helper protocols, one line in and one line out.
//!
//! `url_rewrite_program` sends `[channel] URL client/fqdn user method key=value...` (Squid's
//! default `url_rewrite_extras`); a reply is `ERR` (leave the request alone) or
//! `OK status=302 url="..."` (send the browser to the block page). `external_acl_type` with the
//! format `%>a %un %>ru` sends `[channel] client user URL`; a reply is `OK` (the ACL matches: the
//! request is blocked) or `ERR`. With `concurrency=N` each line starts with a channel number,
//! which goes back as given. Anything unreadable gets `BH` and the helper carries on.

/// Which protocol Squid speaks to the helper.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Rewrite,
    Acl,
}

/// One request line, borrowed from the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request<'a> {
    pub url: &'a [u8],
    /// The client's address as Squid wrote it, without the `/fqdn` part.
    pub client: Option<&'a [u8]>,
    /// The proxy user name as Squid wrote it (the acl protocol percent-encodes it); `None`
    /// when Squid wrote `-`.
    pub user: Option<&'a [u8]>,
}

/// A line split into its channel (echoed back) and what it asks, or why it cannot be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line<'a> {
    pub channel: Option<&'a [u8]>,
    pub request: Result<Request<'a>, &'static str>,
}

/// The words of a line, split at runs of spaces and tabs.
fn words(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = line;
    std::iter::from_fn(move || {
        let start = rest.iter().position(|&b| b != b' ' && b != b'\t')?;
        let word = &rest[start..];
        let end = memchr::memchr2(b' ', b'\t', word).unwrap_or(word.len());
        rest = &word[end..];
        Some(&word[..end])
    })
}

fn is_channel(word: &[u8]) -> bool {
    !word.is_empty() && word.len() <= 10 && word.iter().all(u8::is_ascii_digit)
}

fn dash_is_none(word: Option<&[u8]>) -> Option<&[u8]> {
    word.filter(|w| *w != b"-")
}

/// Reads one line (without its newline; a trailing `\r` is ignored).
pub fn parse_line(protocol: Protocol, line: &[u8]) -> Line<'_> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut it = words(line).peekable();
    let channel = match it.peek() {
        Some(w) if is_channel(w) => it.next(),
        _ => None,
    };
    let request = match protocol {
        Protocol::Rewrite => match it.next() {
            None => Err("empty request: expected a URL"),
            Some(url) => {
                let client = it.next().map(|c| match memchr::memchr(b'/', c) {
                    Some(slash) => &c[..slash],
                    None => c,
                });
                Ok(Request {
                    url,
                    client: dash_is_none(client),
                    user: dash_is_none(it.next()),
                })
            }
        },
        Protocol::Acl => match (it.next(), it.next(), it.next()) {
            (Some(client), Some(user), Some(url)) => Ok(Request {
                url,
                client: dash_is_none(Some(client)),
                user: dash_is_none(Some(user)),
            }),
            _ => Err("expected three fields: client address, user name and URL (%>a %un %>ru)"),
        },
    };
    Line { channel, request }
}

/// Decodes `%XX` escapes (as Squid writes external ACL fields) into `out`.
pub fn percent_decode(input: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        if b == b'%'
            && let (Some(h), Some(l)) = (
                input.get(i + 1).and_then(|c| (*c as char).to_digit(16)),
                input.get(i + 2).and_then(|c| (*c as char).to_digit(16)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
}

/// Writes `value` as a quoted kv-pair value: `"` and `\` escaped, line breaks and other control
/// characters dropped, since a stray newline would end the reply early.
pub fn push_quoted(out: &mut Vec<u8>, value: &[u8]) {
    out.push(b'"');
    push_escaped(out, value);
    out.push(b'"');
}

fn push_escaped(out: &mut Vec<u8>, value: &[u8]) {
    // Copied a run at a time: a blocked request's reply quotes a whole address, and nearly
    // every byte of one needs no escape.
    let special = |b: &u8| matches!(b, b'"' | b'\\') || b.is_ascii_control();
    // Checked without an early exit first, which the compiler turns into whole vectors of bytes.
    if !value.iter().fold(false, |any, b| any | special(b)) {
        out.extend_from_slice(value);
        return;
    }
    let mut rest = value;
    while let Some(at) = rest.iter().position(special) {
        let (plain, tail) = rest.split_at(at);
        out.extend_from_slice(plain);
        let Some((&b, after)) = tail.split_first() else {
            break;
        };
        if !b.is_ascii_control() {
            out.push(b'\\');
            out.push(b);
        }
        rest = after;
    }
    out.extend_from_slice(rest);
}

fn push_channel(out: &mut Vec<u8>, channel: Option<&[u8]>) {
    if let Some(c) = channel {
        out.extend_from_slice(c);
        out.push(b' ');
    }
}

/// `ERR`: nothing to do with this request.
pub fn reply_pass(out: &mut Vec<u8>, channel: Option<&[u8]>) {
    push_channel(out, channel);
    out.extend_from_slice(b"ERR\n");
}

/// `BH`: the line could not be read.
pub fn reply_broken(out: &mut Vec<u8>, channel: Option<&[u8]>, message: &str) {
    push_channel(out, channel);
    out.extend_from_slice(b"BH message=");
    push_quoted(out, message.as_bytes());
    out.push(b'\n');
}

/// A category name as it may appear unquoted: the lists' own spelling, nothing else.
fn push_token(out: &mut Vec<u8>, token: &str) {
    out.extend(
        token
            .bytes()
            .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')),
    );
}

/// A block: for the rewrite protocol a redirect to `block_url`; for the acl protocol a match.
/// Both carry `cat=` and, when the policy gave one, `clause=`.
pub fn reply_block(
    out: &mut Vec<u8>,
    protocol: Protocol,
    channel: Option<&[u8]>,
    category: &str,
    clause: Option<&str>,
    block_url: &[u8],
) {
    push_channel(out, channel);
    match protocol {
        Protocol::Rewrite => {
            out.extend_from_slice(b"OK status=302 url=");
            push_quoted(out, block_url);
        }
        Protocol::Acl => {
            out.extend_from_slice(b"OK tag=");
            push_token(out, category);
            out.extend_from_slice(b" log=");
            push_token(out, category);
            out.extend_from_slice(b" message=\"Blocked: ");
            push_escaped(out, category.as_bytes());
            // Numbered clauses read "clause 7.6"; headings are quoted, as citations are.
            match clause {
                Some(c) if c.starts_with(|ch: char| ch.is_ascii_digit()) => {
                    out.extend_from_slice(b" (clause ");
                    push_escaped(out, c.as_bytes());
                    out.push(b')');
                }
                Some(c) => {
                    out.extend_from_slice(" (\u{201c}".as_bytes());
                    push_escaped(out, c.as_bytes());
                    out.extend_from_slice("\u{201d})".as_bytes());
                }
                None => {}
            }
            out.push(b'"');
        }
    }
    out.extend_from_slice(b" cat=");
    push_token(out, category);
    if let Some(clause) = clause {
        out.extend_from_slice(b" clause=");
        push_quoted(out, clause.as_bytes());
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rewrite_lines_with_and_without_a_channel() {
        let l = parse_line(
            Protocol::Rewrite,
            b"http://a.example/ 10.0.0.1/- u0001 GET myip=10.0.0.2 myport=3128",
        );
        assert_eq!(l.channel, None);
        let r = l.request.unwrap();
        assert_eq!(r.url, b"http://a.example/");
        assert_eq!(r.client, Some(&b"10.0.0.1"[..]));
        assert_eq!(r.user, Some(&b"u0001"[..]));
        let l = parse_line(
            Protocol::Rewrite,
            b"17 a.example:443 10.0.0.1/host - CONNECT\r",
        );
        assert_eq!(l.channel, Some(&b"17"[..]));
        assert_eq!(l.request.unwrap().user, None);
        let l = parse_line(Protocol::Rewrite, b"3");
        assert_eq!(l.channel, Some(&b"3"[..]));
        assert!(l.request.is_err());
    }

    #[test]
    fn acl_lines() {
        let l = parse_line(Protocol::Acl, b"0 10.0.0.1 DOM%5Cada http://x.example/");
        assert_eq!(l.channel, Some(&b"0"[..]));
        let r = l.request.unwrap();
        assert_eq!(r.client, Some(&b"10.0.0.1"[..]));
        let mut user = Vec::new();
        percent_decode(r.user.unwrap(), &mut user);
        assert_eq!(user, b"DOM\\ada");
        assert!(parse_line(Protocol::Acl, b"10.0.0.1 -").request.is_err());
    }

    #[test]
    fn replies() {
        let mut out = Vec::new();
        reply_block(
            &mut out,
            Protocol::Rewrite,
            Some(b"4"),
            "gambling",
            Some("Internet \"use\"\n"),
            b"https://b.example/?c=gambling",
        );
        assert_eq!(
            out,
            b"4 OK status=302 url=\"https://b.example/?c=gambling\" cat=gambling clause=\"Internet \\\"use\\\"\"\n"
        );
        out.clear();
        reply_block(&mut out, Protocol::Acl, None, "adult", None, b"");
        assert_eq!(
            out,
            b"OK tag=adult log=adult message=\"Blocked: adult\" cat=adult\n"
        );
        out.clear();
        reply_broken(&mut out, Some(b"9"), "bad");
        reply_pass(&mut out, None);
        assert_eq!(out, b"9 BH message=\"bad\"\nERR\n");
    }

    proptest! {
        /// Copying runs at a time escapes exactly as taking each byte on its own would.
        #[test]
        fn escaping_matches_a_byte_at_a_time(value in proptest::collection::vec(any::<u8>(), 0..80)) {
            let mut expected = Vec::new();
            for &b in &value {
                match b {
                    b'"' | b'\\' => expected.extend_from_slice(&[b'\\', b]),
                    _ if b.is_ascii_control() => {}
                    _ => expected.push(b),
                }
            }
            let mut out = Vec::new();
            push_escaped(&mut out, &value);
            prop_assert_eq!(out, expected);
        }

        /// Whatever arrives, the parser answers and every reply is exactly one line.
        #[test]
        fn any_line_gets_one_reply_line(line in proptest::collection::vec(any::<u8>(), 0..200)) {
            for protocol in [Protocol::Rewrite, Protocol::Acl] {
                let parsed = parse_line(protocol, &line);
                let mut out = Vec::new();
                match parsed.request {
                    Ok(_) => reply_block(&mut out, protocol, parsed.channel, "c", Some("x\ny"), b"u"),
                    Err(m) => reply_broken(&mut out, parsed.channel, m),
                }
                prop_assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
                prop_assert_eq!(out.last(), Some(&b'\n'));
            }
        }
    }
}
