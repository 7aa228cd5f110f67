//! Who is asking: the client address every per-address limit is keyed by.
//!
//! The TCP peer is the client unless it is a reverse proxy named with `--trusted-proxy`. Only
//! then is `X-Forwarded-For` read, from the right: each proxy appends the address it received
//! the request from, so the right-most address that is not itself a trusted proxy is the one
//! no client could have written. Anything further left is the client's own claim and is never
//! believed. A client that is not behind a trusted proxy cannot change its address with a
//! header, so it cannot dodge a limit by inventing addresses.

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request};
use std::net::{IpAddr, SocketAddr};

/// The header reverse proxies append the client's address to.
pub const X_FORWARDED_FOR: &str = "x-forwarded-for";

/// The reverse proxies whose `X-Forwarded-For` is believed (none by default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpAddr>);

/// Why a `--trusted-proxy` list was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--trusted-proxy: {text:?} is not an IP address; write addresses such as 127.0.0.1,::1 separated by commas")]
pub struct BadProxyAddress {
    /// The item that is not an address.
    pub text: String,
}

impl TrustedProxies {
    /// Trusts exactly `addresses`.
    pub fn new(addresses: impl IntoIterator<Item = IpAddr>) -> Self {
        TrustedProxies(addresses.into_iter().map(|a| a.to_canonical()).collect())
    }

    /// Reads a comma-separated list of IP addresses (spaces around items are ignored; an empty
    /// list trusts no proxy).
    ///
    /// # Errors
    /// [`BadProxyAddress`] naming the first item that is not an IP address.
    pub fn parse(list: &str) -> Result<Self, BadProxyAddress> {
        list.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpAddr>().map_err(|_| BadProxyAddress {
                    text: item.to_string(),
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self::new)
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `address` is a trusted proxy.
    pub fn contains(&self, address: IpAddr) -> bool {
        self.0.contains(&address.to_canonical())
    }
}

/// The client's address for a request that arrived from the TCP peer `peer` with `headers`:
/// the peer itself, unless the peer is a trusted proxy; then the right-most `X-Forwarded-For`
/// address that is not a trusted proxy (or the left-most one when every listed address is a
/// trusted proxy). A missing, empty or unreadable `X-Forwarded-For` from a trusted proxy leaves
/// the proxy's own address.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted.contains(peer) {
        return peer;
    }
    let mut hops: Vec<&str> = Vec::new();
    for value in headers.get_all(X_FORWARDED_FOR) {
        let Ok(text) = value.to_str() else {
            return peer;
        };
        hops.extend(text.split(',').map(str::trim));
    }
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(address) = parse_hop(hop) else {
            return client;
        };
        client = address;
        if !trusted.contains(address) {
            break;
        }
    }
    client
}

/// One `X-Forwarded-For` item: an address, optionally with a port (`1.2.3.4:5678`,
/// `[2001:db8::1]:443`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|a| a.to_canonical())
}

/// The client address of `request` (see [`client_address`]), or `None` when the server did
/// not record the TCP peer (a router called without a connection, as in unit tests).
pub fn client_of<B>(request: &Request<B>, trusted: &TrustedProxies) -> Option<IpAddr> {
    client_from_parts(request.extensions(), request.headers(), trusted)
}

/// [`client_of`] for a request taken apart (as extractors see it).
pub fn client_from_parts(
    extensions: &axum::http::Extensions,
    headers: &HeaderMap,
    trusted: &TrustedProxies,
) -> Option<IpAddr> {
    let peer = extensions.get::<ConnectInfo<SocketAddr>>()?.0.ip();
    Some(client_address(peer, headers, trusted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(X_FORWARDED_FOR, HeaderValue::from_str(v).unwrap());
        }
        headers
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let headers = forwarded(&["203.0.113.7"]);

        let client = client_address(ip("198.51.100.1"), &headers, &TrustedProxies::default());

        assert_eq!(client, ip("198.51.100.1"));
    }

    #[test]
    fn a_peer_that_is_not_a_trusted_proxy_cannot_name_another_address() {
        let trusted = TrustedProxies::new([ip("10.0.0.1")]);
        let headers = forwarded(&["203.0.113.7"]);

        assert_eq!(
            client_address(ip("198.51.100.1"), &headers, &trusted),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client() {
        let trusted = TrustedProxies::new([ip("10.0.0.1"), ip("10.0.0.2")]);
        // The client wrote "1.1.1.1" itself; 203.0.113.7 is what the first proxy saw.
        let headers = forwarded(&["1.1.1.1, 203.0.113.7", "10.0.0.2"]);

        assert_eq!(
            client_address(ip("10.0.0.1"), &headers, &trusted),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn ports_brackets_and_ipv4_mapped_peers_are_understood() {
        let trusted = TrustedProxies::parse(" 127.0.0.1 , ::1").unwrap();

        let mapped_peer = ip("::ffff:127.0.0.1");
        assert_eq!(
            client_address(mapped_peer, &forwarded(&["203.0.113.7:5000"]), &trusted),
            ip("203.0.113.7")
        );
        assert_eq!(
            client_address(ip("::1"), &forwarded(&["[2001:db8::5]:443"]), &trusted),
            ip("2001:db8::5")
        );
    }

    #[test]
    fn a_trusted_proxy_without_a_readable_header_is_its_own_client() {
        let trusted = TrustedProxies::new([ip("10.0.0.1")]);

        assert_eq!(
            client_address(ip("10.0.0.1"), &HeaderMap::new(), &trusted),
            ip("10.0.0.1")
        );
        assert_eq!(
            client_address(ip("10.0.0.1"), &forwarded(&["not-an-address"]), &trusted),
            ip("10.0.0.1")
        );
        // Garbage left of a good address is the client's own claim and is not reached.
        assert_eq!(
            client_address(ip("10.0.0.1"), &forwarded(&["junk, 203.0.113.7"]), &trusted),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn a_proxy_list_with_a_bad_item_is_refused_naming_it() {
        let err = TrustedProxies::parse("127.0.0.1,proxy.local").unwrap_err();

        assert_eq!(err.text, "proxy.local");
        assert!(TrustedProxies::parse("").unwrap().is_empty());
    }
}
