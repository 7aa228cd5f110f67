//! [`Registry`]: every organisation registered so far, with its status, key and accounts,
//! and the rules a new registry entry must keep (SPEC.md §22.4).

use super::{AccountKey, OrgChecks, OrgEntry, OrgKind};
use crate::entry::{Account, Body, Entry};
use serde::Serialize;
use std::collections::HashMap;

/// Where an organisation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgStatus {
    /// It may append.
    Active,
    /// It may append nothing until resumed; everything it published stays readable.
    Suspended,
    /// Closed for good; its accounts are released.
    Closed,
}

impl OrgStatus {
    /// The status as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgStatus::Active => "active",
            OrgStatus::Suspended => "suspended",
            OrgStatus::Closed => "closed",
        }
    }
}

/// One organisation after the registry entries so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgState {
    /// Its slug.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// What kind of organisation it is.
    pub kind: OrgKind,
    /// Its ledger's checkpoint origin.
    pub origin: String,
    /// The verifier key in force.
    pub verifier_key: String,
    /// Where it stands.
    pub status: OrgStatus,
    /// Its official receiving accounts in force.
    pub accounts: Vec<Account>,
    /// What the platform checked when registering it.
    pub checks: OrgChecks,
    /// `seq` of its `org.register`.
    pub registered_seq: u64,
    /// `seq` of the entry whose list of accounts is in force (`org.register` or the last
    /// `org.accounts`).
    pub accounts_seq: u64,
    /// `seq` of the entry that set the key in force (`org.register` or the last `org.key`).
    pub key_seq: u64,
    /// `seq` of the entry that set the status (`org.register`, or the last `org.suspend`,
    /// `org.resume` or `org.close`).
    pub status_seq: u64,
}

/// An entry that breaks a registry rule (SPEC.md §22.4). Each variant names the body field at
/// fault ([`RegistryError::field`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// `org.register` of a slug already registered.
    #[error("organisation \"{slug}\" is already registered (entry {seq})")]
    OrgExists { slug: String, seq: u64 },
    /// An entry names an organisation never registered.
    #[error("organisation \"{0}\" is not registered")]
    UnknownOrg(String),
    /// An entry names a closed organisation.
    #[error("organisation \"{slug}\" was closed by entry {seq}")]
    OrgClosed { slug: String, seq: u64 },
    /// `org.suspend` of an organisation already suspended.
    #[error("organisation \"{slug}\" is already suspended (entry {seq})")]
    AlreadySuspended { slug: String, seq: u64 },
    /// `org.resume` of an organisation that is not suspended.
    #[error("organisation \"{0}\" is not suspended")]
    NotSuspended(String),
    /// An account is already an official account of another organisation, not closed.
    #[error("account {number} at {bank} is already an official account of organisation \"{holder}\" (entry {seq})")]
    AccountHeld {
        bank: String,
        number: String,
        holder: String,
        seq: u64,
    },
    /// `org.key` whose key's name is not the organisation's origin.
    #[error("the key's name {name} is not organisation \"{slug}\"'s origin {origin}")]
    KeyNameMismatch {
        slug: String,
        name: String,
        origin: String,
    },
    /// `org.key` that names the key already in force.
    #[error("this key is already organisation \"{slug}\"'s key (entry {seq})")]
    SameKey { slug: String, seq: u64 },
}

impl RegistryError {
    /// The body field at fault, dotted like [`crate::FieldError`]'s.
    pub fn field(&self) -> &'static str {
        match self {
            RegistryError::OrgExists { .. } => "slug",
            RegistryError::UnknownOrg(_)
            | RegistryError::OrgClosed { .. }
            | RegistryError::AlreadySuspended { .. }
            | RegistryError::NotSuspended(_) => "org",
            RegistryError::AccountHeld { .. } => "accounts",
            RegistryError::KeyNameMismatch { .. } | RegistryError::SameKey { .. } => "verifier_key",
        }
    }

    /// A stable machine-readable code (used in API responses).
    pub fn code(&self) -> &'static str {
        match self {
            RegistryError::OrgExists { .. } => "organisation_exists",
            RegistryError::UnknownOrg(_) => "unknown_organisation",
            RegistryError::OrgClosed { .. } => "organisation_closed",
            RegistryError::AlreadySuspended { .. } => "organisation_suspended",
            RegistryError::NotSuspended(_) => "organisation_not_suspended",
            RegistryError::AccountHeld { .. } => "account_held",
            RegistryError::KeyNameMismatch { .. } => "key_name_mismatch",
            RegistryError::SameKey { .. } => "same_key",
        }
    }
}

/// Every organisation registered so far, by slug, and who holds each official account.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    orgs: Vec<OrgState>,
    by_slug: HashMap<String, usize>,
    /// Each account in force of an organisation not closed, with the organisation's index.
    holders: HashMap<AccountKey, usize>,
}

impl Registry {
    /// No organisation.
    pub fn new() -> Self {
        Registry::default()
    }

    /// The registry after `entries`, in order, each checked as [`Registry::apply`] does.
    ///
    /// # Errors
    /// The first [`RegistryError`], with the `seq` of the entry that breaks it.
    pub fn replay<'a>(
        entries: impl IntoIterator<Item = &'a Entry>,
    ) -> Result<Self, (u64, RegistryError)> {
        let mut r = Registry::new();
        for e in entries {
            r.apply(e).map_err(|err| (e.seq, err))?;
        }
        Ok(r)
    }

    /// Every organisation, in the order they were registered.
    pub fn orgs(&self) -> &[OrgState] {
        &self.orgs
    }

    /// One organisation by slug.
    pub fn org(&self, slug: &str) -> Option<&OrgState> {
        self.by_slug.get(slug).map(|i| &self.orgs[*i])
    }

    /// The organisation, not closed, whose accounts in force hold the account `number` at
    /// `bank` (compared as SPEC.md §22.3 says), and the `seq` of the entry that lists it (the
    /// organisation's [`OrgState::accounts_seq`]). A closed organisation's accounts are
    /// released, so they are never found.
    pub fn find_account(&self, bank: &str, number: &str) -> Option<(&str, u64)> {
        let key = AccountKey::new(bank, number);
        if key.number.is_empty() {
            return None;
        }
        self.holders.get(&key).map(|i| {
            let org = &self.orgs[*i];
            (org.slug.as_str(), org.accounts_seq)
        })
    }

    /// The organisation named by a body other than `org.register`: registered, not closed.
    fn live(&self, slug: &str) -> Result<usize, RegistryError> {
        let i = *self
            .by_slug
            .get(slug)
            .ok_or_else(|| RegistryError::UnknownOrg(slug.to_string()))?;
        let org = &self.orgs[i];
        if org.status == OrgStatus::Closed {
            return Err(RegistryError::OrgClosed {
                slug: slug.to_string(),
                seq: org.status_seq,
            });
        }
        Ok(i)
    }

    /// The first of `accounts` held by an organisation other than `own`, not closed.
    fn check_accounts(
        &self,
        accounts: &[Account],
        own: Option<usize>,
    ) -> Result<(), RegistryError> {
        for a in accounts {
            if let Some(&i) = self.holders.get(&AccountKey::of(a)) {
                if Some(i) != own {
                    let holder = &self.orgs[i];
                    return Err(RegistryError::AccountHeld {
                        bank: a.bank.trim().to_string(),
                        number: a.number.trim().to_string(),
                        holder: holder.slug.clone(),
                        seq: holder.accounts_seq,
                    });
                }
            }
        }
        Ok(())
    }

    /// Checks that `body` may be appended to the registry now, without changing anything.
    /// Bodies of other kinds keep every registry rule.
    ///
    /// # Errors
    /// The [`RegistryError`] it would break.
    pub fn check(&self, body: &Body) -> Result<(), RegistryError> {
        let Body::Org(body) = body else {
            return Ok(());
        };
        match body {
            OrgEntry::Register(b) => {
                if let Some(org) = self.org(&b.slug) {
                    return Err(RegistryError::OrgExists {
                        slug: b.slug.clone(),
                        seq: org.registered_seq,
                    });
                }
                self.check_accounts(&b.accounts, None)
            }
            OrgEntry::Accounts(b) => {
                let i = self.live(&b.org)?;
                self.check_accounts(&b.accounts, Some(i))
            }
            OrgEntry::Key(b) => {
                let org = &self.orgs[self.live(&b.org)?];
                let name = b.verifier_key.split('+').next().unwrap_or_default();
                if name != org.origin {
                    return Err(RegistryError::KeyNameMismatch {
                        slug: b.org.clone(),
                        name: name.to_string(),
                        origin: org.origin.clone(),
                    });
                }
                if b.verifier_key == org.verifier_key {
                    return Err(RegistryError::SameKey {
                        slug: b.org.clone(),
                        seq: org.key_seq,
                    });
                }
                Ok(())
            }
            OrgEntry::Suspend(b) => {
                let org = &self.orgs[self.live(&b.org)?];
                if org.status == OrgStatus::Suspended {
                    return Err(RegistryError::AlreadySuspended {
                        slug: b.org.clone(),
                        seq: org.status_seq,
                    });
                }
                Ok(())
            }
            OrgEntry::Resume(b) => {
                let org = &self.orgs[self.live(&b.org)?];
                if org.status != OrgStatus::Suspended {
                    return Err(RegistryError::NotSuspended(b.org.clone()));
                }
                Ok(())
            }
            OrgEntry::Close(b) => self.live(&b.org).map(|_| ()),
        }
    }

    /// Checks `entry` ([`Registry::check`]), then folds it in. On error nothing changes.
    ///
    /// # Errors
    /// The [`RegistryError`] the entry breaks.
    pub fn apply(&mut self, entry: &Entry) -> Result<(), RegistryError> {
        self.check(&entry.body)?;
        let Body::Org(body) = &entry.body else {
            return Ok(());
        };
        let seq = entry.seq;
        match body {
            OrgEntry::Register(b) => {
                let i = self.orgs.len();
                self.orgs.push(OrgState {
                    slug: b.slug.clone(),
                    name: b.name.clone(),
                    kind: b.kind,
                    origin: b.origin.clone(),
                    verifier_key: b.verifier_key.clone(),
                    status: OrgStatus::Active,
                    accounts: Vec::new(),
                    checks: b.checks.clone(),
                    registered_seq: seq,
                    accounts_seq: seq,
                    key_seq: seq,
                    status_seq: seq,
                });
                self.by_slug.insert(b.slug.clone(), i);
                self.set_accounts(i, &b.accounts, seq);
            }
            OrgEntry::Accounts(b) => {
                let i = self.live(&b.org)?;
                self.set_accounts(i, &b.accounts, seq);
            }
            OrgEntry::Key(b) => {
                let i = self.live(&b.org)?;
                let org = &mut self.orgs[i];
                org.verifier_key.clone_from(&b.verifier_key);
                org.key_seq = seq;
            }
            OrgEntry::Suspend(b) => {
                self.set_status(&b.org, OrgStatus::Suspended, seq)?;
            }
            OrgEntry::Resume(b) => {
                self.set_status(&b.org, OrgStatus::Active, seq)?;
            }
            OrgEntry::Close(b) => {
                let i = self.set_status(&b.org, OrgStatus::Closed, seq)?;
                self.release(i);
            }
        }
        Ok(())
    }

    fn set_status(
        &mut self,
        slug: &str,
        status: OrgStatus,
        seq: u64,
    ) -> Result<usize, RegistryError> {
        let i = self.live(slug)?;
        let org = &mut self.orgs[i];
        org.status = status;
        org.status_seq = seq;
        Ok(i)
    }

    /// Organisation `i` no longer holds its accounts in force (it keeps them on display).
    fn release(&mut self, i: usize) {
        for a in &self.orgs[i].accounts {
            let key = AccountKey::of(a);
            if self.holders.get(&key) == Some(&i) {
                self.holders.remove(&key);
            }
        }
    }

    /// Replaces organisation `i`'s accounts in force by `accounts`, listed by entry `seq`.
    fn set_accounts(&mut self, i: usize, accounts: &[Account], seq: u64) {
        self.release(i);
        for a in accounts {
            self.holders.insert(AccountKey::of(a), i);
        }
        let org = &mut self.orgs[i];
        org.accounts = accounts.to_vec();
        org.accounts_seq = seq;
    }
}
