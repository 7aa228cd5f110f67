//! The field rules of the registry bodies (SPEC.md §22.2): what a verifier checks of one
//! body on its own, before the registry rules that depend on earlier entries.

use super::{AccountKey, OrgEntry};
use crate::checkpoint::{is_valid_origin, parse_verifier_key};
use crate::entry::{long_text, opt_long_text, opt_short_text, short_text, Account, FieldError};
use std::collections::HashSet;

/// The most official receiving accounts an organisation may list.
pub const MAX_ACCOUNTS: usize = 20;

/// Slugs no organisation may take: the platform's own paths.
pub const RESERVED_SLUGS: [&str; 7] =
    ["api", "staff", "log", "registry", "o", "static", "platform"];

/// Reports whether `s` can be an organisation's slug: 3 to 40 of `a-z`, `0-9` and `-`,
/// starting with a letter, not ending with `-`, and not reserved ([`RESERVED_SLUGS`]).
pub fn is_org_slug(s: &str) -> bool {
    let b = s.as_bytes();
    (3..=40).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b[b.len() - 1] != b'-'
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && !RESERVED_SLUGS.contains(&s)
}

fn org_slug(field: &str, value: &str) -> Result<(), FieldError> {
    if RESERVED_SLUGS.contains(&value) {
        return Err(FieldError::new(
            field,
            format!("\"{value}\" is reserved for the platform's own pages"),
        ));
    }
    if is_org_slug(value) {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "must be 3-40 lower-case letters, digits or '-', starting with a letter and not ending with '-'",
        ))
    }
}

/// A verifier key as the registry writes it: `name+keyid+base64` of an Ed25519 key, with
/// no white space around it and the key id in lower-case hex; returns its name.
fn verifier_key(value: &str) -> Result<String, FieldError> {
    let bad = || {
        FieldError::new(
            "verifier_key",
            "must be an Ed25519 verifier key written name+keyid+base64, the key id in lower-case hex",
        )
    };
    let id = value.split('+').nth(1).unwrap_or_default();
    if value.trim() != value || id.bytes().any(|c| c.is_ascii_uppercase()) {
        return Err(bad());
    }
    parse_verifier_key(value).map_err(|_| bad())
}

/// The rules of an account list: at most [`MAX_ACCOUNTS`], each with a bank, number and
/// holder in short text, a number holding a letter or digit, and no account twice.
fn accounts(list: &[Account]) -> Result<(), FieldError> {
    if list.len() > MAX_ACCOUNTS {
        return Err(FieldError::new(
            "accounts",
            format!("at most {MAX_ACCOUNTS} accounts"),
        ));
    }
    let mut seen = HashSet::new();
    for a in list {
        short_text("accounts.bank", &a.bank)?;
        short_text("accounts.number", &a.number)?;
        short_text("accounts.holder", &a.holder)?;
        let key = AccountKey::of(a);
        if key.number.is_empty() {
            return Err(FieldError::new(
                "accounts.number",
                "must contain a letter or digit",
            ));
        }
        if !seen.insert(key) {
            return Err(FieldError::new(
                "accounts",
                format!(
                    "account {} at {} is listed twice",
                    a.number.trim(),
                    a.bank.trim()
                ),
            ));
        }
    }
    Ok(())
}

/// Checks a registry body's fields on their own (SPEC.md §22.2), naming the first bad one.
///
/// # Errors
/// A [`FieldError`] whose `field` is the JSON key inside `body`.
pub fn validate(body: &OrgEntry) -> Result<(), FieldError> {
    match body {
        OrgEntry::Register(b) => {
            org_slug("slug", &b.slug)?;
            short_text("name", &b.name)?;
            short_text("origin", &b.origin)?;
            if !is_valid_origin(&b.origin) {
                return Err(FieldError::new(
                    "origin",
                    "must be a key name: no white space and no '+'",
                ));
            }
            let name = verifier_key(&b.verifier_key)?;
            if name != b.origin {
                return Err(FieldError::new(
                    "verifier_key",
                    format!("its name {name} is not the origin {}", b.origin),
                ));
            }
            accounts(&b.accounts)?;
            opt_short_text("checks.registration_number", &b.checks.registration_number)?;
            opt_long_text("checks.note", &b.checks.note)
        }
        OrgEntry::Accounts(b) => {
            org_slug("org", &b.org)?;
            accounts(&b.accounts)?;
            opt_long_text("note", &b.note)
        }
        OrgEntry::Key(b) => {
            org_slug("org", &b.org)?;
            verifier_key(&b.verifier_key)?;
            opt_long_text("note", &b.note)
        }
        OrgEntry::Suspend(b) => {
            org_slug("org", &b.org)?;
            long_text("reason", &b.reason)
        }
        OrgEntry::Resume(b) => {
            org_slug("org", &b.org)?;
            opt_long_text("note", &b.note)
        }
        OrgEntry::Close(b) => {
            org_slug("org", &b.org)?;
            long_text("reason", &b.reason)
        }
    }
}
