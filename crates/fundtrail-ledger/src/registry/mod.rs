//! The registry of a platform (SPEC.md §22): the `org.*` bodies a platform's own ledger
//! records about the organisations it hosts (their creation, verifier key, official receiving
//! accounts, suspension, resumption and closure), their field rules, how accounts compare,
//! and [`Registry`], the fold that keeps each organisation's state and refuses an entry that
//! breaks a registry rule.

mod accounts;
mod book;
mod fields;
#[cfg(test)]
mod tests;

pub use accounts::{normalise_bank, normalise_number, AccountKey};
pub use book::{OrgState, OrgStatus, Registry, RegistryError};
pub use fields::{is_org_slug, validate, MAX_ACCOUNTS, RESERVED_SLUGS};

use crate::entry::Account;
use crate::hash::Hash;
use serde::{Deserialize, Serialize};

/// What kind of organisation registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// A registered association or foundation.
    Ngo,
    /// A person raising money in their own name.
    Individual,
    /// A commune's or district's relief committee.
    LocalAuthority,
}

impl OrgKind {
    /// The JSON value of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Ngo => "ngo",
            OrgKind::Individual => "individual",
            OrgKind::LocalAuthority => "local_authority",
        }
    }
}

/// What the platform checked about an organisation before registering it; every key is
/// optional, and `{}` says that nothing was checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgChecks {
    /// SHA-256 of a document the platform saw (a registration certificate, a decision).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub document_sha256: Option<Hash>,
    /// What was checked, in words.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    /// The organisation's official registration number.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub registration_number: Option<String>,
}

/// `org.register`: a new organisation, with its ledger's origin and verifier key and its
/// official receiving accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgRegister {
    /// Its official receiving accounts, 0 to 20.
    pub accounts: Vec<Account>,
    /// What the platform checked.
    pub checks: OrgChecks,
    /// What kind of organisation it is.
    pub kind: OrgKind,
    /// Display name.
    pub name: String,
    /// The checkpoint origin of the organisation's own ledger.
    pub origin: String,
    /// Its slug on the platform (`/o/{slug}/`).
    pub slug: String,
    /// The verifier key of the organisation's ledger; its name is `origin`.
    pub verifier_key: String,
}

/// `org.accounts`: the organisation's full list of official receiving accounts from now on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgAccounts {
    /// The new list, 0 to 20; it replaces the previous one.
    pub accounts: Vec<Account>,
    /// Optional explanation.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    /// The organisation's slug.
    pub org: String,
}

/// `org.key`: the organisation's new verifier key (a key rotation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgKey {
    /// Optional explanation.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    /// The organisation's slug.
    pub org: String,
    /// The new verifier key; its name is the organisation's origin.
    pub verifier_key: String,
}

/// `org.suspend`: the organisation may append nothing until resumed; its history stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgSuspend {
    /// The organisation's slug.
    pub org: String,
    /// Why; required, since stopping an organisation must be explained.
    pub reason: String,
}

/// `org.resume`: a suspended organisation may append again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgResume {
    /// Optional explanation.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    /// The organisation's slug.
    pub org: String,
}

/// `org.close`: the organisation is closed for good; its accounts are released.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgClose {
    /// The organisation's slug.
    pub org: String,
    /// Why; required.
    pub reason: String,
}

/// One registry body. Serializes as the body alone; [`OrgEntry::kind`] gives its `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum OrgEntry {
    /// `org.register`
    Register(OrgRegister),
    /// `org.accounts`
    Accounts(OrgAccounts),
    /// `org.key`
    Key(OrgKey),
    /// `org.suspend`
    Suspend(OrgSuspend),
    /// `org.resume`
    Resume(OrgResume),
    /// `org.close`
    Close(OrgClose),
}

/// The `kind` strings of the registry bodies, in the order of [`OrgEntry`].
pub const KINDS: [&str; 6] = [
    "org.register",
    "org.accounts",
    "org.key",
    "org.suspend",
    "org.resume",
    "org.close",
];

impl OrgEntry {
    /// The `kind` string written into the leaf.
    pub fn kind(&self) -> &'static str {
        match self {
            OrgEntry::Register(_) => KINDS[0],
            OrgEntry::Accounts(_) => KINDS[1],
            OrgEntry::Key(_) => KINDS[2],
            OrgEntry::Suspend(_) => KINDS[3],
            OrgEntry::Resume(_) => KINDS[4],
            OrgEntry::Close(_) => KINDS[5],
        }
    }

    /// The slug of the organisation the entry is about.
    pub fn org(&self) -> &str {
        match self {
            OrgEntry::Register(b) => &b.slug,
            OrgEntry::Accounts(b) => &b.org,
            OrgEntry::Key(b) => &b.org,
            OrgEntry::Suspend(b) => &b.org,
            OrgEntry::Resume(b) => &b.org,
            OrgEntry::Close(b) => &b.org,
        }
    }

    /// Parses the body of a leaf of registry kind `kind`; `None` when `kind` is not one.
    ///
    /// # Errors
    /// The parser's message when the JSON is not a body of that kind (a missing or unknown
    /// key, a value of the wrong type).
    pub fn parse(kind: &str, json: &str) -> Option<Result<OrgEntry, serde_json::Error>> {
        fn body<T: for<'de> Deserialize<'de>>(
            json: &str,
            wrap: fn(T) -> OrgEntry,
        ) -> Result<OrgEntry, serde_json::Error> {
            serde_json::from_str(json).map(wrap)
        }
        Some(match kind {
            "org.register" => body(json, OrgEntry::Register),
            "org.accounts" => body(json, OrgEntry::Accounts),
            "org.key" => body(json, OrgEntry::Key),
            "org.suspend" => body(json, OrgEntry::Suspend),
            "org.resume" => body(json, OrgEntry::Resume),
            "org.close" => body(json, OrgEntry::Close),
            _ => return None,
        })
    }

    /// Every free-text field of the body, named as [`validate`] names them (for the rules
    /// on new text, [`crate::admission`]).
    pub fn texts(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        match self {
            OrgEntry::Register(b) => {
                out.push(("name", b.name.as_str()));
                push_accounts(&mut out, &b.accounts);
                out.extend(b.checks.note.as_deref().map(|n| ("checks.note", n)));
                out.extend(
                    b.checks
                        .registration_number
                        .as_deref()
                        .map(|n| ("checks.registration_number", n)),
                );
            }
            OrgEntry::Accounts(b) => {
                push_accounts(&mut out, &b.accounts);
                out.extend(b.note.as_deref().map(|n| ("note", n)));
            }
            OrgEntry::Key(b) => out.extend(b.note.as_deref().map(|n| ("note", n))),
            OrgEntry::Resume(b) => out.extend(b.note.as_deref().map(|n| ("note", n))),
            OrgEntry::Suspend(OrgSuspend { reason, .. })
            | OrgEntry::Close(OrgClose { reason, .. }) => out.push(("reason", reason.as_str())),
        }
        out
    }
}

fn push_accounts<'a>(out: &mut Vec<(&'static str, &'a str)>, list: &'a [Account]) {
    for a in list {
        out.push(("accounts.bank", a.bank.as_str()));
        out.push(("accounts.number", a.number.as_str()));
        out.push(("accounts.holder", a.holder.as_str()));
    }
}
