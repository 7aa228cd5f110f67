//! Platform mode (SPEC.md §24): one deployment hosting many organisations, each exactly a
//! single ledger in its own data folder (own key, staff tokens, sequencer, witnesses), and
//! the platform's own ledger, the registry (SPEC.md §22), whose `org.*` entries say which
//! organisations exist, their verifier keys, official accounts and standing.
//!
//! [`folder`] is the platform data folder, [`host`] the running platform (the registry, the
//! organisations started on first use, the fold of the registry), [`admin`] the platform
//! administrators' changes (each one registry entry), [`lookup`] the public questions asked
//! of the whole platform (is this account registered, which campaigns are open).

pub mod admin;
pub mod folder;
pub mod host;
pub mod index;
pub mod lookup;

pub use folder::{PlatformConfig, PlatformDir};
pub use host::{OrgSettings, Platform, RunningOrg};

use crate::ledger::entry::FieldError;
use crate::ledger::registry::RegistryError;
use crate::sequencer::AppendError;
use crate::startup::StartupError;
use crate::store::StoreError;
use std::path::PathBuf;

/// Why a platform operation failed. A refused change leaves no trace.
#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    /// The folder holds no platform.
    #[error(
        "{0} holds no fundtrail platform; create one with `fundtrail platform init --data {0}`"
    )]
    NotAPlatform(String),
    /// `platform init` on a folder that already holds one.
    #[error("{0} already holds a fundtrail platform; use another --data folder")]
    AlreadyAPlatform(String),
    /// `platform.json` is unreadable.
    #[error("{path}: invalid platform configuration: {message}")]
    Config { path: PathBuf, message: String },
    /// A slug breaks the slug rule.
    #[error("slug {0:?} must be 3 to 40 of a-z, 0-9 and '-', start with a letter, not end with '-', and not be a reserved word (api, staff, log, registry, o, static, platform)")]
    BadSlug(String),
    /// Another organisation already signs as this origin: two organisations would be one
    /// log.
    #[error("origin {origin:?} is already organisation {slug:?}'s; each organisation's ledger needs its own origin")]
    OriginTaken { origin: String, slug: String },
    /// No organisation with this slug is registered.
    #[error("no organisation {0:?} is registered on this platform")]
    UnknownOrg(String),
    /// A field of the registry entry is invalid.
    #[error("{0}")]
    Invalid(#[from] FieldError),
    /// The registry entry would break a registry rule.
    #[error("{0}")]
    Registry(#[from] RegistryError),
    /// The stored registry breaks a registry rule: the platform does not start.
    #[error("registry entry {seq} breaks a registry rule: {source}; run `fundtrail verify --data DIR/registry`")]
    RegistryBroken { seq: u64, source: RegistryError },
    /// A registry leaf could not be read.
    #[error("registry entry {seq} cannot be read: {message}")]
    RegistryLeaf { seq: u64, message: String },
    /// The registry refused the append.
    #[error(transparent)]
    Append(#[from] AppendError),
    /// An organisation's or the registry's folder could not be opened or created.
    #[error(transparent)]
    Startup(#[from] StartupError),
    /// A store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}
