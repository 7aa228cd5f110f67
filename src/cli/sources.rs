//! What `fundtrail verify` was given, read generously: a server's address without a scheme
//! (`ledger.example.org:8080`), and a verifier key whose mistake is named (a key id that
//! does not match the key, a missing part) instead of "malformed".

use super::CliError;
use base64::Engine as _;

/// Whether `host` (without a port) is this machine, which is served over plain HTTP.
fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.starts_with("127.") || host == "[::1]" || host == "0.0.0.0"
}

/// `text` as `host` and optional `:port`, when it is a plausible host: letters, digits,
/// `.` and `-` (or an IPv6 address in brackets), then optional `:` and digits.
fn host_and_port(text: &str) -> Option<(&str, Option<&str>)> {
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let end = rest.find(']')?;
        let host = &text[..end + 2];
        let after = &text[end + 2..];
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => return None,
        };
        (host, port)
    } else {
        match text.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (text, None),
        }
    };
    let host_ok = host.starts_with('[')
        || (!host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'));
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    (host_ok && port_ok).then_some((host, port))
}

/// The URL `source` names: itself with `http://` or `https://`; a server's address without
/// a scheme (`host:port`, `localhost`, an IP address, `host:port/path`) when no file of that
/// name exists, with `http://` for this machine and `https://` otherwise; `None` for a file.
pub(super) fn url_of(source: &str) -> Option<String> {
    if source.starts_with("http://") || source.starts_with("https://") {
        return Some(source.to_string());
    }
    if std::path::Path::new(source).exists() {
        return None;
    }
    let (authority, path) = match source.find('/') {
        Some(i) => (&source[..i], &source[i..]),
        None => (source, ""),
    };
    let (host, port) = host_and_port(authority)?;
    let is_ip = host.starts_with('[') || host.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if port.is_none() && !is_ip && host != "localhost" {
        // `ledger.txt` is more likely a mistyped file than a server.
        return None;
    }
    let scheme = if is_loopback(host) { "http" } else { "https" };
    Some(format!("{scheme}://{authority}{path}"))
}

/// Checks the verifier key text `key` (SPEC.md §6) and says what is wrong with it in words:
/// its parts, its key id (the 8 hex digits must be the start of SHA-256 of the name, a
/// newline and the key), the public key's encoding.
///
/// # Errors
/// [`CliError::Usage`] naming the mistake.
pub(super) fn check_key(key: &str) -> Result<(), CliError> {
    if crate::ledger::checkpoint::parse_verifier_key(key).is_ok() {
        return Ok(());
    }
    let text = key.trim();
    let shape = "a verifier key looks like <name>+<8 hex digits>+<public key in base64>, e.g. \
                 ledger.example.org+1a2b3c4d+AU5...; copy it whole from the organisation's page \
                 or <server>/api/v1/key";
    let parts: Vec<&str> = text.splitn(3, '+').collect();
    let [name, id, public] = parts.as_slice() else {
        return Err(CliError::Usage(format!(
            "--key {text:?} is not a verifier key: {shape}"
        )));
    };
    if id.len() != 8 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(CliError::Usage(format!(
            "--key: the key id {id:?} is not 8 hex digits: {shape}"
        )));
    }
    let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(public) else {
        return Err(CliError::Usage(format!(
            "--key: the public key part {public:?} is not valid base64 (truncated or mistyped?): {shape}"
        )));
    };
    if raw.len() != 33 || raw[0] != 1 {
        return Err(CliError::Usage(format!(
            "--key: the public key part is not an Ed25519 key (it should decode to 33 bytes starting with 1): {shape}"
        )));
    }
    let mut named = name.as_bytes().to_vec();
    named.push(b'\n');
    named.extend_from_slice(&raw);
    let expected = hex::encode(&crate::ledger::hash::sha256(&named).0[..4]);
    if !id.eq_ignore_ascii_case(&expected) {
        return Err(CliError::Usage(format!(
            "--key: the key id {id} does not match the key's name {name:?} and public key (they \
             give {expected}): the key was mistyped, or its parts come from different keys; copy \
             it whole from the organisation's page or <server>/api/v1/key"
        )));
    }
    Err(CliError::Usage(format!(
        "--key {text:?} is not a verifier key: {shape}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_address_without_a_scheme_becomes_a_url() {
        assert_eq!(
            url_of("127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(url_of("localhost").as_deref(), Some("http://localhost"));
        assert_eq!(
            url_of("ledger.example.org:443/fundtrail").as_deref(),
            Some("https://ledger.example.org:443/fundtrail")
        );
        assert_eq!(url_of("[::1]:8080").as_deref(), Some("http://[::1]:8080"));
        assert_eq!(url_of("https://x.org").as_deref(), Some("https://x.org"));
        assert_eq!(url_of("missing-bundle.txt"), None);
        assert_eq!(url_of("C:bundle.txt"), None);
    }

    #[test]
    fn a_key_id_that_does_not_match_the_key_is_named() {
        let good =
            "demo.fundtrail.example/ledger+c33ff523+AUN6ZtSQwAXLO2Zgl4oRlOdm8PZvURlku0x4IHStvHx2";
        assert!(check_key(good).is_ok());
        let wrong_id = good.replace("c33ff523", "c33ff524");
        let Err(CliError::Usage(words)) = check_key(&wrong_id) else {
            panic!("refused");
        };
        assert!(words.contains("does not match"), "{words}");
        assert!(words.contains("c33ff523"), "{words}");
        let Err(CliError::Usage(words)) = check_key("demo+c33ff523") else {
            panic!("refused");
        };
        assert!(words.contains("looks like"), "{words}");
    }
}
