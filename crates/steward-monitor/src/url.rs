//! Taking a host (and path) out of the URLs Squid hands over and logs: `http://host:80/path`,
//! `https://user@host/`, `host:443` for CONNECT, `[2001:db8::1]:443`.

/// What the lists are matched against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target<'a> {
    /// As written (any case), without port, brackets or one trailing dot.
    pub host: &'a [u8],
    /// From the first `/` or `?` after the host; `None` for CONNECT's `host:port`, where the
    /// path is not visible.
    pub path: Option<&'a [u8]>,
}

fn scheme_len(url: &[u8]) -> Option<usize> {
    let colon = memchr::memchr(b':', url.get(..url.len().min(16))?)?;
    let (scheme, rest) = url.split_at(colon);
    let well_formed = scheme.first()?.is_ascii_alphabetic()
        && scheme
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    (well_formed && rest.starts_with(b"://")).then_some(colon + 3)
}

/// The host and path of `url`, or `None` when there is no host in it.
pub fn split_url(url: &[u8]) -> Option<Target<'_>> {
    let (rest, has_scheme) = match scheme_len(url) {
        Some(n) => (&url[n..], true),
        None => (url, false),
    };
    let end = rest
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let authority = match memchr::memrchr(b'@', authority) {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    let host = if let Some(inner) = authority.strip_prefix(b"[") {
        let close = memchr::memchr(b']', inner)?;
        &inner[..close]
    } else {
        match memchr::memrchr(b':', authority) {
            Some(colon) if authority[colon + 1..].iter().all(u8::is_ascii_digit) => {
                &authority[..colon]
            }
            _ => authority,
        }
    };
    let host = host.strip_suffix(b".").unwrap_or(host);
    if host.is_empty() {
        return None;
    }
    let path = if has_scheme || !tail.is_empty() {
        Some(if tail.is_empty() { &b"/"[..] } else { tail })
    } else {
        None
    };
    Some(Target { host, path })
}

/// Whether a host is an address rather than a name: it is matched whole, never by suffix
/// (`10.1.2.3` is not "under" `2.3`).
pub fn is_address(host: &[u8]) -> bool {
    host.contains(&b':') || host.iter().all(|&b| b.is_ascii_digit() || b == b'.')
}

/// The host without one leading `www.`, `www2.`, `web.` or `ftp.` style label, as url lists
/// are written and matched (squidGuard does the same for its url lists).
pub fn strip_www(host: &[u8]) -> &[u8] {
    for prefix in [&b"www"[..], b"web", b"ftp"] {
        if host.len() > prefix.len() && host[..prefix.len()].eq_ignore_ascii_case(prefix) {
            let digits = host[prefix.len()..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let dot = prefix.len() + digits;
            if host.get(dot) == Some(&b'.') && dot + 1 < host.len() {
                return &host[dot + 1..];
            }
        }
    }
    host
}

/// Whether a url-list path `entry` covers the request path `path`: a prefix ending at a path
/// boundary, so `/foo` covers `/foo`, `/foo/bar` and `/foo?x` but not `/foobar`.
pub fn path_covers(entry: &[u8], path: &[u8]) -> bool {
    if entry.is_empty() || entry == b"/" {
        return true;
    }
    if !path.starts_with(entry) {
        return false;
    }
    entry.ends_with(b"/")
        || path
            .get(entry.len())
            .is_none_or(|b| matches!(b, b'/' | b'?' | b'#' | b';'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(url: &str) -> Option<(String, Option<String>)> {
        split_url(url.as_bytes()).map(|t| {
            (
                String::from_utf8_lossy(t.host).into_owned(),
                t.path.map(|p| String::from_utf8_lossy(p).into_owned()),
            )
        })
    }

    fn s(h: &str, p: Option<&str>) -> Option<(String, Option<String>)> {
        Some((h.to_string(), p.map(str::to_string)))
    }

    #[test]
    fn urls_squid_sends() {
        assert_eq!(t("http://Example.com/a?b"), s("Example.com", Some("/a?b")));
        assert_eq!(
            t("https://u:p@example.com:8443"),
            s("example.com", Some("/"))
        );
        assert_eq!(t("example.com:443"), s("example.com", None));
        assert_eq!(t("[2001:db8::1]:443"), s("2001:db8::1", None));
        assert_eq!(t("http://[::1]/x"), s("::1", Some("/x")));
        assert_eq!(t("http://example.com./?q"), s("example.com", Some("/?q")));
        assert_eq!(
            t("ftp://files.example/pub"),
            s("files.example", Some("/pub"))
        );
        assert_eq!(t("http:///nohost"), None);
        assert_eq!(t(""), None);
        assert_eq!(t("[::1"), None);
    }

    #[test]
    fn www_labels_come_off() {
        assert_eq!(strip_www(b"www.example.com"), b"example.com");
        assert_eq!(strip_www(b"WWW2.example.com"), b"example.com");
        assert_eq!(strip_www(b"ftp.example.com"), b"example.com");
        assert_eq!(strip_www(b"wwwexample.com"), b"wwwexample.com");
        assert_eq!(strip_www(b"www."), b"www.");
        assert_eq!(strip_www(b"webmail.example"), b"webmail.example");
    }

    #[test]
    fn paths_match_on_boundaries() {
        assert!(path_covers(b"/foo", b"/foo"));
        assert!(path_covers(b"/foo", b"/foo/bar"));
        assert!(path_covers(b"/foo", b"/foo?x"));
        assert!(!path_covers(b"/foo", b"/foobar"));
        assert!(path_covers(b"/foo/", b"/foo/bar"));
        assert!(!path_covers(b"/foo/", b"/foo"));
        assert!(path_covers(b"", b"/anything"));
        assert!(is_address(b"10.0.0.1"));
        assert!(!is_address(b"10.0.0.example"));
    }
}
