//! What the generators of the spec's companion files share: where those files live, writing
//! them (`FUNDTRAIL_WRITE_VECTORS=1`) or else requiring the committed files to be byte for
//! byte what the core generates, the demo log's key, and small ledgers built entry by entry.
#![allow(dead_code)] // Each module of the crate uses a different part.

use fundtrail_ledger::verify::{bundle_header, bundle_trailer};
use fundtrail_ledger::{encode, leaf_hash, Body, CheckpointSigner, CompactTree, Entry, Hash};
use fundtrail_ledger::{LedgerState, ZERO_HASH};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The repository root, which holds SPEC.md and `tests/vectors/`.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Whether this run (re)writes the files instead of comparing them.
pub fn writing() -> bool {
    std::env::var_os("FUNDTRAIL_WRITE_VECTORS").is_some_and(|v| v == "1")
}

/// Writes `files` (paths relative to the repository root) when [`writing`], otherwise
/// requires each committed file to hold exactly these bytes.
pub fn write_or_compare(files: &BTreeMap<PathBuf, Vec<u8>>) {
    for (path, bytes) in files {
        let full = repo_root().join(path);
        if writing() {
            std::fs::create_dir_all(full.parent().expect("a folder")).expect("mkdir");
            std::fs::write(&full, bytes).expect("write");
        } else {
            let committed = std::fs::read(&full)
                .unwrap_or_else(|e| panic!("{}: {e} (FUNDTRAIL_WRITE_VECTORS=1)", path.display()));
            assert!(
                committed == *bytes,
                "{} differs from what the ledger core generates (FUNDTRAIL_WRITE_VECTORS=1 \
                 rewrites it)",
                path.display()
            );
        }
    }
}

/// Pretty JSON with a final newline, as every vector index is written.
pub fn pretty(value: &serde_json::Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).expect("JSON");
    out.push(b'\n');
    out
}

/// The demo log's private key (`tests/vectors/demo/signing-key.txt`): it signs nothing but
/// vectors, so every vector verifies with the demo key.
pub const DEMO_SIGNING_KEY: &str = include_str!("../../../../tests/vectors/demo/signing-key.txt");

/// The demo log's signer.
pub fn demo_signer() -> CheckpointSigner {
    CheckpointSigner::from_private_key(DEMO_SIGNING_KEY).expect("a signing key")
}

/// A ledger built entry by entry; entry `seq` is recorded at second `seq` of
/// 2026-11-01T08:00 (so at most 60 entries).
#[derive(Debug, Default)]
pub struct Ledger {
    pub leaves: Vec<Vec<u8>>,
    pub state: LedgerState,
    pub tree: CompactTree,
}

impl Ledger {
    pub fn new() -> Self {
        Ledger {
            state: LedgerState::new(),
            ..Default::default()
        }
    }

    /// The next entry with `body`, linked and timed but not checked against the rules.
    pub fn next_entry(&self, body: Body) -> Entry {
        let seq = self.leaves.len() as u64;
        Entry {
            seq,
            prev: self.leaves.last().map_or(ZERO_HASH, |l| leaf_hash(l)),
            recorded_at: format!("2026-11-01T08:00:{seq:02}.000000Z"),
            recorded_by: "lan".into(),
            body,
        }
    }

    /// Appends `body`, which must keep every ledger rule. Returns its `seq`.
    pub fn append(&mut self, body: Body) -> u64 {
        let entry = self.next_entry(body);
        let leaf = encode(&entry);
        let hash = leaf_hash(&leaf);
        self.state.apply(&entry, hash).expect("a valid entry");
        self.push(leaf, hash);
        entry.seq
    }

    /// Appends `body` without checking the ledger rules (for a ledger that must fail them).
    pub fn append_unchecked(&mut self, body: Body) -> u64 {
        let entry = self.next_entry(body);
        let leaf = encode(&entry);
        let hash = leaf_hash(&leaf);
        self.push(leaf, hash);
        entry.seq
    }

    fn push(&mut self, leaf: Vec<u8>, hash: Hash) {
        self.tree.push(hash);
        self.leaves.push(leaf);
    }

    /// The export bundle (SPEC.md §10) of these leaves, with `note` as its checkpoint.
    pub fn bundle_with_note(&self, vkey: &str, note: &str) -> Vec<u8> {
        let mut out = bundle_header(vkey).into_bytes();
        for leaf in &self.leaves {
            out.extend_from_slice(leaf);
            out.push(b'\n');
        }
        out.extend_from_slice(bundle_trailer(note).as_bytes());
        out
    }

    /// The export bundle of these leaves, signed by `signer`.
    pub fn bundle(&self, signer: &CheckpointSigner) -> Vec<u8> {
        let note = signer.sign(self.leaves.len() as u64, &self.tree.root());
        self.bundle_with_note(signer.verifier_key(), &note)
    }
}
