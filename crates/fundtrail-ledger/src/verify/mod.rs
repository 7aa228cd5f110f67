//! The one streaming verifier (SPEC.md §9): leaves in order, then optionally a signed
//! checkpoint, a verifier key and claimed totals. Memory grows with the number of
//! campaigns and money entries (16-byte records to check reversals), never with leaf bytes.
//!
//! [`Verifier`] checks leaves one at a time; [`verify_bundle`] reads a whole export bundle
//! (SPEC.md §10) and reports the same first error [`Verifier`] would.

mod bundle;
mod pipeline;
#[cfg(test)]
mod tests;
mod verifier;
#[cfg(feature = "threads")]
mod worker;

pub use bundle::{bundle_header, bundle_trailer, verify_bundle, BUNDLE_MAGIC};
pub use verifier::Verifier;

use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::hash::Hash;
use crate::totals::{Totals, TotalsMismatch};

/// The first thing found wrong, located precisely.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// Entry `seq` (its position in the ledger) is malformed or breaks a rule.
    #[error("entry {seq}: {problem}")]
    Entry { seq: u64, problem: String },
    /// The checkpoint does not verify.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// The checkpoint is for a different number of entries.
    #[error("checkpoint: covers {checkpoint} entries, but the ledger has {entries}")]
    CheckpointSize { checkpoint: u64, entries: u64 },
    /// The checkpoint's root is not the root of the entries.
    #[error(
        "checkpoint: root {claimed} does not match the root of the {size} entries, {computed}"
    )]
    RootMismatch {
        size: u64,
        claimed: Hash,
        computed: Hash,
    },
    /// The claimed totals differ from the entries.
    #[error(transparent)]
    Totals(#[from] TotalsMismatch),
    /// The bundle file is not in the format of SPEC.md §10.
    #[error("bundle: {0}")]
    Bundle(String),
}

/// What a successful verification established.
#[derive(Debug, Clone)]
pub struct Report {
    /// Number of entries.
    pub size: u64,
    /// Merkle root of all entries.
    pub root: Hash,
    /// The verified checkpoint, when one was given.
    pub checkpoint: Option<Checkpoint>,
    /// Totals recomputed from the entries.
    pub totals: Totals,
    /// Budgets and pledges recomputed from the entries (SPEC.md §8.1).
    pub plans: crate::plans::Plans,
    /// The organisations registered by the entries (SPEC.md §22), when the ledger is a
    /// platform's registry.
    pub registry: crate::registry::Registry,
    /// When a checkpoint was verified: the keys the ledger was signed with, first key
    /// first, each with the size from which it signs (SPEC.md §23); one key when the
    /// ledger never rotated.
    pub keys: Vec<(u64, String)>,
}
