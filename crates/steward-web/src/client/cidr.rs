//! Address ranges written as CIDR (`127.0.0.1/32`, `10.0.0.0/8`, `fd00::/8`), read once at the
//! edge into [`Cidr`] so that nothing later handles the text.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// A range of addresses: a network address whose bits beyond `prefix` are all zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

/// Why a range could not be read. Each message quotes what was written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CidrError {
    #[error(
        "'{0}' is not an address range; write an address and a prefix length, such as \
         127.0.0.1/32, 10.0.0.0/8 or fd00::/8"
    )]
    Shape(String),
    #[error("'{text}' has a prefix length over {most}, the most its address allows")]
    Prefix { text: String, most: u8 },
    #[error("'{text}' has address bits set beyond its prefix length; the range starts at {start}")]
    HostBits { text: String, start: Cidr },
}

fn bits(address: IpAddr) -> u8 {
    match address {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

/// `address` with every bit after the first `prefix` cleared.
fn masked(address: IpAddr, prefix: u8) -> IpAddr {
    match address {
        IpAddr::V4(v4) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V4((u32::from(v4) & mask).into())
        }
        IpAddr::V6(v6) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V6((u128::from(v6) & mask).into())
        }
    }
}

impl Cidr {
    /// Whether `address` lies in the range. An IPv4 address reached over IPv6
    /// (`::ffff:192.0.2.1`) counts as the IPv4 address it is.
    pub fn contains(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        bits(address) == bits(self.network) && masked(address, self.prefix) == self.network
    }
}

impl FromStr for Cidr {
    type Err = CidrError;

    /// An address alone is a range of one.
    fn from_str(text: &str) -> Result<Self, CidrError> {
        let shape = || CidrError::Shape(text.to_string());
        let (address, prefix) = match text.trim().split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text.trim(), None),
        };
        let network: IpAddr = address.parse().map_err(|_| shape())?;
        let most = bits(network);
        let prefix = match prefix {
            None => most,
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p
                .parse::<u8>()
                .ok()
                .filter(|n| *n <= most)
                .ok_or_else(|| CidrError::Prefix {
                    text: text.to_string(),
                    most,
                })?,
            Some(_) => return Err(shape()),
        };
        let start = Cidr {
            network: masked(network, prefix),
            prefix,
        };
        if start.network != network {
            return Err(CidrError::HostBits {
                text: text.to_string(),
                start,
            });
        }
        Ok(start)
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// The reverse proxies whose forwarding headers are believed (`--trusted-proxy`). Empty, no
/// header is: the TCP peer is the client.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Cidr>);

impl TrustedProxies {
    pub fn new(ranges: Vec<Cidr>) -> Self {
        TrustedProxies(ranges)
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(address))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_hold_the_addresses_their_prefix_covers() {
        let lan: Cidr = "10.0.0.0/8".parse().unwrap();
        assert!(lan.contains(ip("10.255.0.1")));
        assert!(!lan.contains(ip("11.0.0.1")));
        assert!(lan.contains(ip("::ffff:10.1.2.3")));
        assert!(!lan.contains(ip("fd00::1")));
        let one: Cidr = "127.0.0.1".parse().unwrap();
        assert_eq!(one.to_string(), "127.0.0.1/32");
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.9")));
        let v6: Cidr = "2001:db8:1::/48".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:1:ffff::1")));
        assert!(!v6.contains(ip("2001:db8:2::1")));
        assert!("::1/128".parse::<Cidr>().unwrap().contains(ip("::1")));
    }

    #[test]
    fn a_range_written_wrongly_says_what_is_wrong() {
        let err = |text: &str| text.parse::<Cidr>().unwrap_err().to_string();
        assert!(err("localhost").contains("'localhost' is not an address range"));
        assert!(err("10.0.0.0/").contains("is not an address range"));
        assert!(err("10.0.0.0/x").contains("is not an address range"));
        assert_eq!(
            err("10.0.0.0/33"),
            "'10.0.0.0/33' has a prefix length over 32, the most its address allows"
        );
        assert_eq!(
            err("10.1.2.3/8"),
            "'10.1.2.3/8' has address bits set beyond its prefix length; the range starts at \
             10.0.0.0/8"
        );
        assert!(err("::1/129").contains("over 128"));
    }
}
