//! The pure core of fundtrail: entries, exact money, canonical bytes, the hash chain, the
//! RFC 6962 Merkle tree and its proofs, signed checkpoints, totals and verification.
//!
//! No I/O, no async, no SQL, no HTTP: it reads no files, no environment and no clock (times
//! are passed in), and depends on no async runtime, database or HTTP crate, so the compiler
//! holds it to that; it builds for `wasm32-unknown-unknown` with `--no-default-features`.
//! Everything else in fundtrail builds on this crate, and it builds on nothing else of ours.
//! SPEC.md describes every byte it produces; `tests/vectors/` holds its known answers.
//!
//! Features (both on by default): `threads` lets [`verify_bundle`] decode on a second
//! thread; `os-rng` provides [`CheckpointSigner::generate`], which draws a key from the
//! operating system (without it, [`CheckpointSigner::generate_with`] takes the generator).

pub mod admission;
pub mod approval;
pub mod budget;
pub mod canonical;
pub mod checkpoint;
pub mod cosignature;
pub mod donor_statement;
pub mod entry;
pub mod fork;
pub mod hash;
pub mod identifier;
pub mod merkle;
pub mod money;
pub mod plans;
pub mod pledge;
pub mod policy;
pub mod receipt;
pub mod reconcile;
pub mod registry;
pub mod rotation;
pub mod state;
pub mod tiles;
pub mod tlog_proof;
pub mod totals;
pub mod update;
pub mod verify;
pub mod witness;

pub use canonical::{decode, encode, LeafError};
pub use checkpoint::{verify_checkpoint, Checkpoint, CheckpointError, CheckpointSigner};
pub use entry::{Body, Entry, FieldError};
pub use hash::{leaf_hash, Hash, ZERO_HASH};
pub use merkle::{verify_consistency, verify_inclusion, CompactTree, ProofError};
pub use money::{Currency, Minor, MoneyError, Total};
pub use state::{InvariantError, LedgerState};
pub use totals::Totals;
pub use verify::{verify_bundle, Report, Verifier, VerifyError};
