//! The pure core of fundtrail: entries, exact money, canonical bytes, the hash chain, the
//! RFC 6962 Merkle tree and its proofs, signed checkpoints, totals and verification.
//!
//! No I/O, no async, no SQL, no HTTP: everything else builds on this module, and it builds
//! on nothing else of ours. SPEC.md describes every byte it produces.

pub mod admission;
pub mod canonical;
pub mod checkpoint;
pub mod entry;
mod fast;
pub mod fork;
pub mod hash;
pub mod merkle;
pub mod money;
pub mod receipt;
pub mod state;
pub mod totals;
pub mod verify;

pub use canonical::{decode, encode, LeafError};
pub use checkpoint::{verify_checkpoint, Checkpoint, CheckpointError, CheckpointSigner};
pub use entry::{Body, Entry, FieldError};
pub use hash::{leaf_hash, Hash, ZERO_HASH};
pub use merkle::{verify_consistency, verify_inclusion, CompactTree, ProofError};
pub use money::{Currency, Minor, MoneyError, Total};
pub use state::{InvariantError, LedgerState};
pub use totals::Totals;
pub use verify::{verify_bundle, Report, Verifier, VerifyError};
