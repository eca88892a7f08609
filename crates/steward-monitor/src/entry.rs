//! Reading one line of a list: a domain (`example.com`), a hosts-file line
//! (`0.0.0.0 example.com`), or a url-list entry (`example.com/some/path`).

use crate::url::strip_www;
use std::net::IpAddr;

/// Names a hosts file maps to itself; they are never something to block.
const LOCAL_NAMES: &[&[u8]] = &[
    b"localhost",
    b"localhost.localdomain",
    b"local",
    b"broadcasthost",
    b"ip6-localhost",
    b"ip6-loopback",
    b"ip6-localnet",
    b"ip6-mcastprefix",
    b"ip6-allnodes",
    b"ip6-allrouters",
    b"ip6-allhosts",
    b"0.0.0.0",
];

fn trim(line: &[u8]) -> &[u8] {
    let line = match memchr::memchr(b'#', line) {
        Some(i) => &line[..i],
        None => line,
    };
    line.trim_ascii()
}

/// A list's host, checked: labels of letters, digits, `-` and `_`, at most 253 bytes. A leading
/// `.` or `*.` (wildcard notation) and a trailing `.` are dropped.
pub fn clean_host(raw: &[u8]) -> Result<&[u8], &'static str> {
    let host = raw
        .strip_prefix(b"*.")
        .or_else(|| raw.strip_prefix(b"."))
        .unwrap_or(raw);
    let host = host.strip_suffix(b".").unwrap_or(host);
    if host.is_empty() {
        return Err("empty host name");
    }
    if host.len() > 253 {
        return Err("host name longer than 253 characters");
    }
    if host
        .split(|&b| b == b'.')
        .any(|label| label.is_empty() || label.len() > 63)
    {
        return Err("empty or over-long label in host name");
    }
    if !host
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err("host name has a character other than letters, digits, '-', '_' and '.'");
    }
    Ok(host)
}

/// Calls `each` with every host on a domain-list or hosts-file line. Blank lines and comments
/// (`#` to the end of the line) hold none.
pub fn domain_line(line: &[u8], each: &mut dyn FnMut(&[u8])) -> Result<(), &'static str> {
    let line = trim(line);
    if line.is_empty() {
        return Ok(());
    }
    let mut words = line
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty());
    let first = words.next().unwrap_or_default();
    let mut rest = words.peekable();
    if rest.peek().is_none() {
        // A lone address is an entry of its own, as UT1's lists have them.
        return clean_host(first).map(each);
    }
    if !std::str::from_utf8(first).is_ok_and(|s| s.parse::<IpAddr>().is_ok()) {
        return Err("more than one word, and the first is not an address as in a hosts file");
    }
    for word in rest {
        if LOCAL_NAMES.iter().any(|n| n.eq_ignore_ascii_case(word)) {
            continue;
        }
        each(clean_host(word)?);
    }
    Ok(())
}

/// A url-list entry as (host, path).
pub type UrlEntry<'a> = (&'a [u8], &'a [u8]);

/// A url-list entry: its host (without a `www.`-style label) and the path under it (empty for
/// the whole host). `None` for a blank or comment line.
pub fn url_line(line: &[u8]) -> Result<Option<UrlEntry<'_>>, &'static str> {
    let line = trim(line);
    if line.is_empty() {
        return Ok(None);
    }
    if line.iter().any(u8::is_ascii_whitespace) {
        return Err("a url entry is one word, like example.com/path");
    }
    let line = match memchr::memmem::find(line, b"://") {
        Some(i) => &line[i + 3..],
        None => line,
    };
    let end = line
        .iter()
        .position(|&b| matches!(b, b'/' | b'?'))
        .unwrap_or(line.len());
    let (authority, path) = line.split_at(end);
    let authority = match memchr::memrchr(b':', authority) {
        Some(colon) if authority[colon + 1..].iter().all(u8::is_ascii_digit) => &authority[..colon],
        _ => authority,
    };
    let host = strip_www(clean_host(authority)?);
    Ok(Some((host, path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(line: &str) -> Result<Vec<String>, &'static str> {
        let mut out = Vec::new();
        domain_line(line.as_bytes(), &mut |h| {
            out.push(String::from_utf8_lossy(h).into_owned())
        })?;
        Ok(out)
    }

    #[test]
    fn domain_and_hosts_lines() {
        assert_eq!(hosts("Example.com\r").unwrap(), ["Example.com"]);
        assert_eq!(hosts("  # a note").unwrap(), Vec::<String>::new());
        assert_eq!(
            hosts("0.0.0.0 ads.example  # tracker").unwrap(),
            ["ads.example"]
        );
        assert_eq!(hosts("127.0.0.1 localhost").unwrap(), Vec::<String>::new());
        assert_eq!(
            hosts("::1 a.example b.example").unwrap(),
            ["a.example", "b.example"]
        );
        assert_eq!(hosts("*.wild.example.").unwrap(), ["wild.example"]);
        assert!(hosts("two words").is_err());
        assert_eq!(hosts("192.0.2.7").unwrap(), ["192.0.2.7"]);
        assert!(hosts("bad..example").is_err());
        assert!(hosts("bäd.example").is_err());
    }

    #[test]
    fn url_lines() {
        fn u(s: &str) -> Option<UrlEntry<'_>> {
            url_line(s.as_bytes()).unwrap()
        }
        assert_eq!(
            u("www.Example.com/foo/bar"),
            Some((&b"Example.com"[..], &b"/foo/bar"[..]))
        );
        assert_eq!(
            u("http://example.com:80/x"),
            Some((&b"example.com"[..], &b"/x"[..]))
        );
        assert_eq!(u("example.com"), Some((&b"example.com"[..], &b""[..])));
        assert_eq!(u("# note"), None);
        assert!(url_line(b"a b").is_err());
    }
}
