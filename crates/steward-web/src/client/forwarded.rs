//! What proxies say about the requests they pass on: the `Forwarded` header (RFC 7239) and
//! the older `X-Forwarded-For`, `X-Forwarded-Proto` and `X-Forwarded-Host`. Read only from a
//! trusted proxy (see `super::identify`); here they are only parsed.

use axum::http::HeaderMap;
use std::net::{IpAddr, Ipv4Addr};

/// One proxy's account of the request it received, oldest first in a list: who sent it
/// (`None` when hidden, `unknown` or unreadable), and over which scheme and to which host,
/// when it says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hop {
    pub node: Option<IpAddr>,
    pub https: Option<bool>,
    pub host: Option<String>,
}

/// Every value of header `name`, joined as one comma-separated list, as RFC 9110 allows.
fn joined(headers: &HeaderMap, name: &str) -> Option<String> {
    let values: Vec<&str> = headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    (!values.is_empty()).then(|| values.join(","))
}

/// `text` cut at each `separator` outside a quoted string.
fn split_outside_quotes(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (at, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == separator && !quoted => {
                parts.push(&text[start..at]);
                start = at + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// A token or quoted-string value, without its quotes and escapes.
fn unquote(value: &str) -> String {
    let value = value.trim();
    match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => {
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                out.push(if c == '\\' {
                    chars.next().unwrap_or(c)
                } else {
                    c
                });
            }
            out
        }
        None => value.to_string(),
    }
}

/// The address in a node: `192.0.2.7`, `192.0.2.7:4711`, `2001:db8::7` or
/// `[2001:db8::7]:4711`. Names such as `unknown` and `_hidden` are no address.
pub fn node(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix('[') {
        let (address, _) = rest.split_once(']')?;
        return address.parse().ok();
    }
    if let Ok(address) = text.parse::<IpAddr>() {
        return Some(address);
    }
    let (address, port) = text.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    address.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
}

fn is_https(scheme: &str) -> bool {
    scheme.trim().eq_ignore_ascii_case("https")
}

/// The hops of the `Forwarded` header, or None without one.
pub fn forwarded(headers: &HeaderMap) -> Option<Vec<Hop>> {
    let text = joined(headers, "forwarded")?;
    let hops = split_outside_quotes(&text, ',')
        .into_iter()
        .map(|element| {
            let mut hop = Hop::default();
            for pair in split_outside_quotes(element, ';') {
                let Some((key, value)) = pair.split_once('=') else {
                    continue;
                };
                let value = unquote(value);
                match key.trim().to_ascii_lowercase().as_str() {
                    "for" => hop.node = node(&value),
                    "proto" => hop.https = Some(is_https(&value)),
                    "host" => hop.host = Some(value).filter(|h| !h.is_empty()),
                    _ => {}
                }
            }
            hop
        })
        .collect();
    Some(hops)
}

/// The hops `X-Forwarded-For` lists, or None without it. `X-Forwarded-Proto` and
/// `X-Forwarded-Host` are the nearest proxy's alone, so their last values go with the last hop.
pub fn x_forwarded(headers: &HeaderMap) -> Option<Vec<Hop>> {
    let last = |name: &str| {
        joined(headers, name).and_then(|v| {
            v.rsplit(',')
                .next()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        })
    };
    let proto = last("x-forwarded-proto");
    let host = last("x-forwarded-host");
    let mut hops: Vec<Hop> = match joined(headers, "x-forwarded-for") {
        Some(list) => list
            .split(',')
            .map(|entry| Hop {
                node: node(entry),
                ..Hop::default()
            })
            .collect(),
        // Only the scheme or host was forwarded: a hop naming no one, so the peer stays the
        // client.
        None if proto.is_some() || host.is_some() => vec![Hop::default()],
        None => return None,
    };
    if let Some(hop) = hops.last_mut() {
        hop.https = proto.as_deref().map(is_https);
        hop.host = host;
    }
    Some(hops)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn nodes_are_read_with_or_without_ports_and_brackets() {
        assert_eq!(node("192.0.2.7"), ip("192.0.2.7"));
        assert_eq!(node(" 192.0.2.7:4711 "), ip("192.0.2.7"));
        assert_eq!(node("2001:db8::7"), ip("2001:db8::7"));
        assert_eq!(node("[2001:db8::7]:4711"), ip("2001:db8::7"));
        assert_eq!(node("[2001:db8::7]"), ip("2001:db8::7"));
        for hidden in ["unknown", "_hidden", "", "192.0.2.7:port", "[nonsense]"] {
            assert_eq!(node(hidden), None, "{hidden}");
        }
    }

    #[test]
    fn forwarded_elements_become_hops_oldest_first() {
        let h = headers(&[
            (
                "forwarded",
                r#"for=192.0.2.60;proto=https;host="steward.example.gov.uk", for="[2001:db8:cafe::17]:4711""#,
            ),
            ("forwarded", "For=unknown;Proto=HTTP"),
        ]);
        let hops = forwarded(&h).unwrap();
        assert_eq!(hops.len(), 3);
        assert_eq!(hops[0].node, ip("192.0.2.60"));
        assert_eq!(hops[0].https, Some(true));
        assert_eq!(hops[0].host.as_deref(), Some("steward.example.gov.uk"));
        assert_eq!(hops[1].node, ip("2001:db8:cafe::17"));
        assert_eq!(hops[1].https, None);
        assert_eq!(
            hops[2],
            Hop {
                node: None,
                https: Some(false),
                host: None
            }
        );
        assert_eq!(forwarded(&HeaderMap::new()), None);
        // A comma inside quotes does not start an element.
        let quoted = headers(&[("forwarded", r#"for="_a,b";proto=https"#)]);
        assert_eq!(forwarded(&quoted).unwrap().len(), 1);
    }

    #[test]
    fn x_forwarded_headers_put_the_scheme_and_host_on_the_last_hop() {
        let h = headers(&[
            ("x-forwarded-for", "203.0.113.9, 10.0.0.2"),
            ("x-forwarded-for", "10.0.0.3"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "steward.example.gov.uk"),
        ]);
        let hops = x_forwarded(&h).unwrap();
        let nodes: Vec<_> = hops.iter().map(|h| h.node).collect();
        assert_eq!(
            nodes,
            vec![ip("203.0.113.9"), ip("10.0.0.2"), ip("10.0.0.3")]
        );
        assert_eq!(hops[2].https, Some(true));
        assert_eq!(hops[2].host.as_deref(), Some("steward.example.gov.uk"));
        assert_eq!(hops[0].https, None);
        assert_eq!(x_forwarded(&HeaderMap::new()), None);
        let scheme_only = headers(&[("x-forwarded-proto", "https")]);
        assert_eq!(
            x_forwarded(&scheme_only).unwrap(),
            vec![Hop {
                node: None,
                https: Some(true),
                host: None
            }]
        );
    }
}
