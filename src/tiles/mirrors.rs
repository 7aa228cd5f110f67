//! Tiles mirrors (SPEC.md §13): other places that serve this ledger's tiles as static files
//! (written by `fundtrail tiles`), listed one URL a line in `DATA/tiles-mirrors.txt` (or
//! `serve --tiles-mirror URL`, repeated). The page offers them as sources for "Verify
//! everything", and the Content-Security-Policy's `connect-src` allows exactly them, so
//! the page may read from no other origin.
//!
//! A mirror URL must be an `https://` prefix (or `http://` on a loopback address, for tests
//! and a mirror on the same machine), without credentials, query or fragment; it is kept
//! in a canonical form ending in `/`, which is also a CSP source expression matching that
//! path and below.

use std::net::IpAddr;
use std::path::Path;

/// The most mirrors a ledger lists (the CSP header stays short).
pub const MAX_MIRRORS: usize = 16;

/// Why a mirror list cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MirrorError {
    /// A line is not a URL.
    #[error("tiles mirror {url:?}: not a URL")]
    NotAUrl {
        /// The text.
        url: String,
    },
    /// A URL the page may not read from.
    #[error("tiles mirror {url:?}: {why}")]
    Refused {
        /// The text.
        url: String,
        /// Why.
        why: MirrorRefusal,
    },
    /// More than [`MAX_MIRRORS`].
    #[error("at most {MAX_MIRRORS} tiles mirrors")]
    TooMany,
    /// The file cannot be read.
    #[error("{path}: {message}")]
    Unreadable {
        /// The file.
        path: String,
        /// The I/O error.
        message: String,
    },
}

/// Why a mirror URL is refused.
#[derive(Debug, Clone, Copy, thiserror::Error, PartialEq, Eq)]
pub enum MirrorRefusal {
    /// Not https (and not http on loopback).
    #[error("must be https:// (http:// only on a loopback address)")]
    Scheme,
    /// Has a user name or password.
    #[error("must not carry a user name or password")]
    Credentials,
    /// Has a query or fragment.
    #[error("must not have a query or fragment")]
    Query,
    /// Has characters a CSP source cannot hold.
    #[error("has characters a Content-Security-Policy cannot hold")]
    Characters,
}

/// `text` as a canonical mirror prefix ending in `/`.
///
/// # Errors
/// [`MirrorError`] saying why it cannot be one.
pub fn parse(text: &str) -> Result<String, MirrorError> {
    let text = text.trim();
    let refused = |why| MirrorError::Refused {
        url: text.to_string(),
        why,
    };
    let url = reqwest::Url::parse(text).map_err(|_| MirrorError::NotAUrl {
        url: text.to_string(),
    })?;
    let loopback = match url.host_str() {
        Some("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(refused(MirrorRefusal::Scheme)),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refused(MirrorRefusal::Credentials));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refused(MirrorRefusal::Query));
    }
    let mut out = url.to_string();
    if !out.ends_with('/') {
        out.push('/');
    }
    // The serialised URL is percent-encoded, but not of these, which would end or split a
    // CSP source.
    if out
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, ';' | ',' | '\'' | '"'))
    {
        return Err(refused(MirrorRefusal::Characters));
    }
    Ok(out)
}

/// The mirrors of `lines` (blank lines and `#` comments skipped), canonical, deduplicated.
///
/// # Errors
/// [`MirrorError`] for the first unusable line, or too many.
pub fn parse_all<'a>(lines: impl IntoIterator<Item = &'a str>) -> Result<Vec<String>, MirrorError> {
    let mut out: Vec<String> = Vec::new();
    for line in lines {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let url = parse(line)?;
        if !out.contains(&url) {
            out.push(url);
        }
    }
    if out.len() > MAX_MIRRORS {
        return Err(MirrorError::TooMany);
    }
    Ok(out)
}

/// The mirrors `given` on the command line, else those of `DATA/tiles-mirrors.txt` in
/// `root` when it exists, else none.
///
/// # Errors
/// [`MirrorError`].
pub fn configured(root: &Path, given: &[String]) -> Result<Vec<String>, MirrorError> {
    if !given.is_empty() {
        return parse_all(given.iter().map(String::as_str));
    }
    let path = root.join("tiles-mirrors.txt");
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(&path).map_err(|e| MirrorError::Unreadable {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    parse_all(text.lines())
}

/// The Content-Security-Policy of the page and API: same-origin only, no inline script,
/// and `connect-src` also allowing exactly the tiles `mirrors` (canonical, from [`parse`]).
pub fn content_security_policy(mirrors: &[String]) -> String {
    let base = crate::http::CONTENT_SECURITY_POLICY;
    if mirrors.is_empty() {
        return base.to_string();
    }
    format!("{base}; connect-src 'self' {}", mirrors.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_https_prefix_is_kept_with_a_trailing_slash() {
        assert_eq!(
            parse(" https://cdn.example.org/log ").as_deref(),
            Ok("https://cdn.example.org/log/")
        );
    }

    #[test]
    fn plain_http_is_refused_except_on_loopback() {
        assert_eq!(
            parse("http://cdn.example.org/log"),
            Err(MirrorError::Refused {
                url: "http://cdn.example.org/log".into(),
                why: MirrorRefusal::Scheme
            })
        );
        assert_eq!(
            parse("http://127.0.0.1:8080/log").as_deref(),
            Ok("http://127.0.0.1:8080/log/")
        );
    }

    #[test]
    fn credentials_queries_and_csp_breaking_text_are_refused() {
        for bad in [
            "https://user:pw@cdn.example.org/log",
            "https://cdn.example.org/log?x=1",
            "https://cdn.example.org/log#top",
            "javascript:alert(1)",
            "not a url",
            "https://cdn.example.org/a;script-src",
            "https://cdn.example.org/a'b",
            "https://cdn.example.org/a,b",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_policy_allows_connections_to_the_mirrors_only() {
        let csp = content_security_policy(&["https://cdn.example.org/log/".into()]);
        assert!(csp.starts_with("default-src 'self';"), "{csp}");
        assert!(
            csp.ends_with("; connect-src 'self' https://cdn.example.org/log/"),
            "{csp}"
        );
        assert_eq!(
            content_security_policy(&[]),
            crate::http::CONTENT_SECURITY_POLICY
        );
    }
}
