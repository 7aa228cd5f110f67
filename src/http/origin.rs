//! Where a request was sent: whether it came to a loopback address over plain HTTP (the only
//! case a session cookie goes without `Secure`), the public base URL of this server (for
//! sign-in links and receipt QR codes), and whether a browser request came from this
//! server's own pages (the same-origin half of the CSRF check).
//!
//! fundtrail never speaks TLS itself, so any request that did not come to a loopback address
//! is taken to have reached the public through an HTTPS proxy: its cookie is `Secure` and its
//! links are `https://`. Behind a `--trusted-proxy`, that proxy's `X-Forwarded-Proto` says
//! how the client connected. `--public-url` overrides the base URL derived from `Host`.

use super::client::TrustedProxies;
use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The header a reverse proxy sets to the scheme the client used.
const X_FORWARDED_PROTO: &str = "x-forwarded-proto";
/// The header browsers set to how a request's initiator relates to its target.
const SEC_FETCH_SITE: &str = "sec-fetch-site";
/// The base URL used when a request names no usable host.
const FALLBACK_HOST: &str = "localhost";

/// Why a `--public-url` was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--public-url {text:?} must be an http:// or https:// address such as https://ledger.example.org (a path is allowed; no query, fragment or user name)")]
pub struct BadPublicUrl {
    /// What was given.
    pub text: String,
}

/// Reads a public base URL (`https://ledger.example.org`, `https://example.org/ledger/`),
/// returning it without a trailing `/`.
///
/// # Errors
/// [`BadPublicUrl`] when it is not an absolute http(s) URL with a host, or has a query, a
/// fragment or credentials.
pub fn parse_public_url(text: &str) -> Result<String, BadPublicUrl> {
    let bad = || BadPublicUrl {
        text: text.to_string(),
    };
    let url = reqwest::Url::parse(text.trim()).map_err(|_| bad())?;
    let plain = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some_and(|h| !h.is_empty())
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    if !plain {
        return Err(bad());
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// The TCP peer of a request, when the server recorded it.
fn peer(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_canonical())
}

/// The request's `Host` (or the authority of an absolute request target), when it is a
/// plain host name or address with an optional port.
pub fn host(parts: &Parts) -> Option<&str> {
    let named = parts
        .headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| parts.uri.authority().map(|a| a.as_str()))?;
    let plain = !named.is_empty()
        && named.len() <= 255
        && named
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    plain.then_some(named)
}

/// Whether `host` (with or without a port) names this machine: `localhost`, `127.x.x.x`
/// or `[::1]`.
fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        }
    };
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<Ipv4Addr>().is_ok_and(|a| a.is_loopback())
        || name.parse::<Ipv6Addr>().is_ok_and(|a| a.is_loopback())
}

/// The scheme a trusted proxy says the client used (its left-most `X-Forwarded-Proto`).
fn forwarded_proto(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(X_FORWARDED_PROTO)?.to_str().ok()?;
    let first = value.split(',').next()?.trim().to_ascii_lowercase();
    (!first.is_empty()).then_some(first)
}

/// Whether the request came to a loopback address over plain HTTP: its `Host` names this
/// machine and, when its peer is a trusted proxy, the proxy says `X-Forwarded-Proto: http`;
/// otherwise the peer itself is a loopback address. Only then does a session cookie go
/// without `Secure`, and links begin with `http://`.
pub fn is_plain_loopback(parts: &Parts, trusted: &TrustedProxies) -> bool {
    let Some(host) = host(parts) else {
        return false;
    };
    if !is_loopback_host(host) {
        return false;
    }
    match peer(parts) {
        Some(p) if trusted.contains(p) => {
            forwarded_proto(&parts.headers).as_deref() == Some("http")
        }
        Some(p) => p.is_loopback(),
        None => false,
    }
}

/// This server's public base URL for `parts`, without a trailing `/`: `public_url` when
/// configured, else `http://` (loopback) or `https://` and the request's `Host`.
pub fn base_url(parts: &Parts, trusted: &TrustedProxies, public_url: Option<&str>) -> String {
    if let Some(url) = public_url {
        return url.to_string();
    }
    let scheme = if is_plain_loopback(parts, trusted) {
        "http"
    } else {
        "https"
    };
    format!(
        "{scheme}://{}{}",
        host(parts).unwrap_or(FALLBACK_HOST),
        mount_prefix(parts)
    )
}

/// The path a platform serves this ledger's routes under (`/o/<slug>`, `/registry`), put on
/// each request by the platform's dispatcher before it strips that path; a ledger served on
/// its own has none. Links the server writes (receipts' QR codes, sign-in links, feeds) and
/// the session cookie's `Path` include it, so they lead back under the same prefix.
#[derive(Debug, Clone)]
pub struct MountPrefix(pub String);

/// The request's [`MountPrefix`], or `""`.
pub fn mount_prefix(parts: &Parts) -> &str {
    parts
        .extensions
        .get::<MountPrefix>()
        .map_or("", |p| p.0.as_str())
}

/// The origin (`scheme://host[:port]`) of a base URL.
fn origin_of(url: &str) -> Option<String> {
    let parsed = reqwest::Url::parse(url).ok()?;
    Some(parsed.origin().ascii_serialization())
}

/// Whether a browser request came from this server's own pages: `Sec-Fetch-Site:
/// same-origin`, or (from a client that does not send that header) no `Origin` or one
/// naming the request's own host (over http or https) or the configured public URL's origin.
/// Any other `Sec-Fetch-Site` (`cross-site`, `same-site`, `none`) is refused.
pub fn is_same_origin(parts: &Parts, public_url: Option<&str>) -> bool {
    let headers = &parts.headers;
    if let Some(site) = headers.get(SEC_FETCH_SITE) {
        return site.as_bytes().eq_ignore_ascii_case(b"same-origin");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if public_url
        .and_then(origin_of)
        .is_some_and(|own| own.eq_ignore_ascii_case(origin))
    {
        return true;
    }
    let named_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    match (named_host, host(parts)) {
        (Some(named), Some(own)) => named.eq_ignore_ascii_case(own),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(host: &str, peer: &str, extra: &[(&str, &str)]) -> Parts {
        let mut request = Request::post("/api/v1/donations").header("host", host);
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        let (mut parts, ()) = request.body(()).expect("request").into_parts();
        let peer: IpAddr = peer.parse().expect("address");
        parts
            .extensions
            .insert(ConnectInfo(SocketAddr::new(peer, 40000)));
        parts
    }

    fn proxy() -> TrustedProxies {
        TrustedProxies::new(["127.0.0.1".parse().expect("address")])
    }

    #[test]
    fn only_a_loopback_host_reached_from_a_loopback_peer_is_plain_loopback() {
        let none = TrustedProxies::default();

        assert!(is_plain_loopback(
            &parts("127.0.0.1:8080", "127.0.0.1", &[]),
            &none
        ));
        assert!(is_plain_loopback(
            &parts("localhost:8080", "::1", &[]),
            &none
        ));
        assert!(is_plain_loopback(&parts("[::1]:8080", "::1", &[]), &none));
        assert!(!is_plain_loopback(
            &parts("ledger.example.org", "127.0.0.1", &[]),
            &none
        ));
        assert!(!is_plain_loopback(
            &parts("127.0.0.1:8080", "192.0.2.7", &[]),
            &none
        ));
        assert!(!is_plain_loopback(
            &parts("localhost.example.org", "127.0.0.1", &[]),
            &none
        ));
    }

    #[test]
    fn behind_a_trusted_proxy_its_forwarded_scheme_decides() {
        let https = [("x-forwarded-proto", "https")];
        let http = [("x-forwarded-proto", "http")];

        assert!(!is_plain_loopback(
            &parts("127.0.0.1:8080", "127.0.0.1", &https),
            &proxy()
        ));
        assert!(!is_plain_loopback(
            &parts("127.0.0.1:8080", "127.0.0.1", &[]),
            &proxy()
        ));
        assert!(is_plain_loopback(
            &parts("127.0.0.1:8080", "127.0.0.1", &http),
            &proxy()
        ));
        assert!(!is_plain_loopback(
            &parts("ledger.example.org", "127.0.0.1", &http),
            &proxy()
        ));
    }

    #[test]
    fn the_base_url_is_the_public_url_or_the_host_with_https_unless_loopback() {
        let none = TrustedProxies::default();

        assert_eq!(
            base_url(&parts("127.0.0.1:8080", "127.0.0.1", &[]), &none, None),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            base_url(&parts("ledger.example.org", "127.0.0.1", &[]), &none, None),
            "https://ledger.example.org"
        );
        assert_eq!(
            base_url(
                &parts("127.0.0.1:8080", "127.0.0.1", &[]),
                &none,
                Some("https://example.org/ledger")
            ),
            "https://example.org/ledger"
        );
        assert_eq!(
            base_url(&parts("evil\"host", "127.0.0.1", &[]), &none, None),
            "https://localhost"
        );
    }

    #[test]
    fn public_urls_are_plain_http_or_https_addresses_without_a_trailing_slash() {
        assert_eq!(
            parse_public_url("https://example.org/ledger/"),
            Ok("https://example.org/ledger".to_string())
        );
        assert_eq!(
            parse_public_url("http://127.0.0.1:8080"),
            Ok("http://127.0.0.1:8080".to_string())
        );
        for bad in [
            "",
            "example.org",
            "ftp://example.org",
            "https://example.org/?a=1",
            "https://example.org/#x",
            "https://user@example.org",
        ] {
            assert!(parse_public_url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_request_is_same_origin_by_its_fetch_site_or_its_origin() {
        let host = "ledger.example.org";
        let same = |extra: &[(&str, &str)]| is_same_origin(&parts(host, "127.0.0.1", extra), None);

        assert!(same(&[]));
        assert!(same(&[("sec-fetch-site", "same-origin")]));
        assert!(same(&[("origin", "https://ledger.example.org")]));
        assert!(!same(&[("sec-fetch-site", "cross-site")]));
        assert!(!same(&[("sec-fetch-site", "same-site")]));
        assert!(!same(&[("origin", "https://evil.example")]));
        assert!(!same(&[("origin", "null")]));
        assert!(!same(&[
            ("origin", "https://ledger.example.org"),
            ("sec-fetch-site", "cross-site")
        ]));
        assert!(is_same_origin(
            &parts(
                "127.0.0.1:8080",
                "127.0.0.1",
                &[("origin", "https://example.org")]
            ),
            Some("https://example.org/ledger")
        ));
    }
}
