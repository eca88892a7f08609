//! Who is on the other end of a request: the client's address (which sign-in throttling
//! counts against), whether they reached Steward over HTTPS (which decides
//! Strict-Transport-Security) and the host they asked for (which forms' `Origin` must match).
//!
//! Without trusted proxies the TCP peer is the client and no header a client can write is
//! believed. When the peer lies in a `--trusted-proxy` range, its `Forwarded` header (or,
//! without one, its `X-Forwarded-*` headers) is read from the right: each hop a trusted
//! proxy added is believed, and the first address that is not itself a trusted proxy is the
//! client. A hop that hides its sender stops the walk at the proxy that wrote it.

mod cidr;
mod forwarded;

pub use cidr::{Cidr, CidrError, TrustedProxies};

use crate::ArrivedOverTls;
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, header};
use forwarded::Hop;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The client of one request, as [`identify`] worked it out; every request carries one in
/// its extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    pub address: IpAddr,
    /// The scheme the client used: TLS here, or `https` as a trusted proxy reports it.
    pub https: bool,
    /// The host the client asked for, lower-cased, when the request names one.
    pub host: Option<String>,
}

impl Client {
    /// The origin a page of this server has in the client's browser, as an `Origin` header
    /// writes it: scheme, host and any port but the scheme's default.
    pub fn origin(&self) -> Option<String> {
        let scheme = if self.https { "https" } else { "http" };
        let host = self.host.as_deref()?;
        Some(normal_origin(&format!("{scheme}://{host}")))
    }
}

/// An origin lower-cased and without the default port of its scheme, for comparing.
pub fn normal_origin(origin: &str) -> String {
    let origin = origin.trim().to_ascii_lowercase();
    for (scheme, port) in [("https://", ":443"), ("http://", ":80")] {
        if origin.starts_with(scheme)
            && let Some(bare) = origin.strip_suffix(port)
        {
            return bare.to_string();
        }
    }
    origin
}

/// The client of `req`, from its peer, how it arrived and (from trusted proxies only) its
/// forwarding headers. Requests handed to the router in-process, without a peer, come from
/// the unspecified address.
pub fn identify(req: &Request, proxies: &TrustedProxies) -> Client {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    let tls = req.extensions().get::<ArrivedOverTls>().is_some();
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    resolve(peer, tls, host, req.headers(), proxies)
}

/// [`identify`] from its parts.
pub fn resolve(
    peer: IpAddr,
    tls: bool,
    host: Option<String>,
    headers: &HeaderMap,
    proxies: &TrustedProxies,
) -> Client {
    let mut client = Client {
        address: peer.to_canonical(),
        https: tls,
        host: host.map(|h| h.trim().to_ascii_lowercase()),
    };
    if !proxies.contains(client.address) {
        return client;
    }
    let hops: Vec<Hop> = forwarded::forwarded(headers)
        .or_else(|| forwarded::x_forwarded(headers))
        .unwrap_or_default();
    // Each hop was written by the proxy at `client.address`, trusted while the walk goes on.
    for hop in hops.into_iter().rev() {
        if let Some(https) = hop.https {
            client.https = https;
        }
        if let Some(host) = hop.host {
            client.host = Some(host.to_ascii_lowercase());
        }
        let Some(address) = hop.node else {
            break;
        };
        client.address = address.to_canonical();
        if !proxies.contains(client.address) {
            break;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn proxies(ranges: &[&str]) -> TrustedProxies {
        TrustedProxies::new(ranges.iter().map(|r| r.parse().unwrap()).collect())
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn client(peer: &str, pairs: &[(&'static str, &'static str)], trusted: &[&str]) -> Client {
        let host = Some("Steward.Example:8080".to_string());
        resolve(ip(peer), false, host, &headers(pairs), &proxies(trusted))
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let spoof = [
            ("x-forwarded-for", "198.51.100.1"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "elsewhere.example"),
            (
                "forwarded",
                "for=198.51.100.2;proto=https;host=elsewhere.example",
            ),
        ];
        for trusted in [&[][..], &["10.0.0.0/8"][..]] {
            let c = client("203.0.113.9", &spoof, trusted);
            assert_eq!(c.address, ip("203.0.113.9"));
            assert!(!c.https);
            assert_eq!(c.origin().as_deref(), Some("http://steward.example:8080"));
        }
    }

    #[test]
    fn the_right_most_untrusted_address_is_the_client() {
        let trusted = ["127.0.0.1/32", "10.0.0.0/8"];
        let xff = [
            ("x-forwarded-for", "192.0.2.1, 203.0.113.9, 10.0.0.2"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "steward.example.gov.uk"),
        ];
        let c = client("127.0.0.1", &xff, &trusted);
        assert_eq!(c.address, ip("203.0.113.9"));
        assert!(c.https);
        assert_eq!(
            c.origin().as_deref(),
            Some("https://steward.example.gov.uk")
        );

        // Forwarded wins over X-Forwarded-For, and its proto is the client's hop's.
        let both = [
            ("x-forwarded-for", "192.0.2.99"),
            (
                "forwarded",
                "for=192.0.2.1;proto=http, for=\"[2001:db8::5]:1234\";proto=https, for=10.0.0.2",
            ),
        ];
        let c = client("::ffff:127.0.0.1", &both, &trusted);
        assert_eq!(c.address, ip("2001:db8::5"));
        assert!(c.https);

        // Every hop trusted: the furthest one is the client.
        let c = client(
            "127.0.0.1",
            &[("x-forwarded-for", "10.0.0.7, 10.0.0.2")],
            &trusted,
        );
        assert_eq!(c.address, ip("10.0.0.7"));
    }

    #[test]
    fn a_hidden_hop_stops_at_the_proxy_that_wrote_it() {
        let trusted = ["127.0.0.1/32", "10.0.0.0/8"];
        let hidden = [(
            "forwarded",
            "for=192.0.2.1, for=unknown;proto=https, for=10.0.0.2",
        )];
        let c = client("127.0.0.1", &hidden, &trusted);
        assert_eq!(c.address, ip("10.0.0.2"));
        assert!(c.https);
        // A trusted proxy that forwards only the scheme leaves the peer as the client.
        let c = client("127.0.0.1", &[("x-forwarded-proto", "https")], &trusted);
        assert_eq!(c.address, ip("127.0.0.1"));
        assert!(c.https);
        // No forwarding headers at all: the trusted peer is the client, over plain HTTP.
        let c = client("10.0.0.2", &[], &trusted);
        assert_eq!((c.address, c.https), (ip("10.0.0.2"), false));
    }

    #[test]
    fn origins_drop_the_default_port_and_case() {
        assert_eq!(
            normal_origin("HTTPS://Steward.Example:443"),
            "https://steward.example"
        );
        assert_eq!(
            normal_origin("http://steward.example:80"),
            "http://steward.example"
        );
        assert_eq!(
            normal_origin("https://steward.example:80"),
            "https://steward.example:80"
        );
        let c = Client {
            address: ip("192.0.2.1"),
            https: true,
            host: Some("steward.example:443".into()),
        };
        assert_eq!(c.origin().as_deref(), Some("https://steward.example"));
    }
}
