//! The one streaming verifier (SPEC.md §9): leaves in order, then optionally a signed
//! checkpoint, a verifier key and claimed totals. Memory grows with the number of
//! campaigns and money entries (16-byte records to check reversals), never with leaf bytes.

use super::canonical::decode;
use super::checkpoint::{verify_checkpoint, Checkpoint, CheckpointError};
use super::hash::{leaf_hash, Hash};
use super::merkle::CompactTree;
use super::state::LedgerState;
use super::totals::{Totals, TotalsMismatch};
use std::io::BufRead;

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
}

/// Checks leaves one at a time, in order.
#[derive(Debug, Clone, Default)]
pub struct Verifier {
    state: LedgerState,
    tree: CompactTree,
}

impl Verifier {
    /// A verifier at the start of the ledger.
    pub fn new() -> Self {
        Verifier {
            state: LedgerState::new(),
            tree: CompactTree::new(),
        }
    }

    /// Checks the next leaf: canonical form, fields, `seq`, `prev` link, time order and
    /// every invariant; then adds it to the tree and the totals.
    ///
    /// # Errors
    /// [`VerifyError::Entry`] naming the entry's position.
    pub fn push_leaf(&mut self, leaf: &[u8]) -> Result<Hash, VerifyError> {
        let seq = self.state.size();
        let bad = |problem: String| VerifyError::Entry { seq, problem };
        let entry = decode(leaf).map_err(|e| bad(e.to_string()))?;
        let hash = leaf_hash(leaf);
        self.state
            .apply(&entry, hash)
            .map_err(|e| bad(e.to_string()))?;
        self.tree.push(hash);
        Ok(hash)
    }

    /// Entries checked so far.
    pub fn size(&self) -> u64 {
        self.state.size()
    }

    /// Merkle root of the entries checked so far.
    pub fn root(&self) -> Hash {
        self.tree.root()
    }

    /// The ledger state after the entries checked so far.
    pub fn state(&self) -> &LedgerState {
        &self.state
    }

    /// Finishes: checks the signed checkpoint (when given, with `vkey`) covers exactly these
    /// entries, and the claimed totals (when given) equal the recomputed ones.
    ///
    /// # Errors
    /// The first [`VerifyError`].
    pub fn finish(
        self,
        checkpoint: Option<(&str, &str)>,
        claimed: Option<&Totals>,
    ) -> Result<Report, VerifyError> {
        let root = self.tree.root();
        let size = self.state.size();
        let checkpoint = match checkpoint {
            None => None,
            Some((note, vkey)) => {
                let cp = verify_checkpoint(note, vkey)?;
                if cp.size != size {
                    return Err(VerifyError::CheckpointSize {
                        checkpoint: cp.size,
                        entries: size,
                    });
                }
                if cp.root != root {
                    return Err(VerifyError::RootMismatch {
                        size,
                        claimed: cp.root,
                        computed: root,
                    });
                }
                Some(cp)
            }
        };
        let totals = Totals::of(&self.state);
        if let Some(claimed) = claimed {
            claimed.check_against(&totals)?;
        }
        Ok(Report {
            size,
            root,
            checkpoint,
            totals,
        })
    }
}

/// The first line of every bundle.
pub const BUNDLE_MAGIC: &str = "fundtrail-bundle v1";

/// The header of a bundle signed by `vkey` (SPEC.md §10); leaves follow, one per line.
pub fn bundle_header(vkey: &str) -> String {
    format!("{BUNDLE_MAGIC}\nkey {vkey}\n\n")
}

/// The trailer of a bundle: a blank line, then the signed checkpoint note.
pub fn bundle_trailer(note: &str) -> String {
    format!("\n{note}")
}

/// Verifies a whole bundle read from `input`. When `pinned_key` is given, the bundle's key
/// must be that key. `progress` is called with the number of entries checked, every 4096.
///
/// # Errors
/// The first [`VerifyError`]; I/O errors are reported as [`VerifyError::Bundle`].
pub fn verify_bundle<R: BufRead>(
    mut input: R,
    pinned_key: Option<&str>,
    claimed: Option<&Totals>,
    mut progress: impl FnMut(u64),
) -> Result<Report, VerifyError> {
    let mut line = Vec::with_capacity(1024);
    let mut read_line = |line: &mut Vec<u8>| -> Result<bool, VerifyError> {
        line.clear();
        let n = input
            .read_until(b'\n', line)
            .map_err(|e| VerifyError::Bundle(e.to_string()))?;
        if n > 0 && line.last() == Some(&b'\n') {
            line.pop();
            Ok(true)
        } else if n > 0 {
            Err(VerifyError::Bundle(
                "file ends in the middle of a line".into(),
            ))
        } else {
            Ok(false)
        }
    };
    if !read_line(&mut line)? || line != BUNDLE_MAGIC.as_bytes() {
        return Err(VerifyError::Bundle(format!(
            "first line is not {BUNDLE_MAGIC:?}"
        )));
    }
    if !read_line(&mut line)? || !line.starts_with(b"key ") {
        return Err(VerifyError::Bundle(
            "second line is not `key <verifier key>`".into(),
        ));
    }
    let key = String::from_utf8(line[4..].to_vec())
        .map_err(|_| VerifyError::Bundle("key is not UTF-8".into()))?;
    if let Some(pinned) = pinned_key {
        if pinned.trim() != key {
            return Err(VerifyError::Checkpoint(CheckpointError::BadSignature(
                format!("{pinned} (the bundle names a different key, {key})"),
            )));
        }
    }
    if !read_line(&mut line)? || !line.is_empty() {
        return Err(VerifyError::Bundle("third line must be empty".into()));
    }
    let mut verifier = Verifier::new();
    loop {
        if !read_line(&mut line)? {
            return Err(VerifyError::Bundle(format!(
                "ends after {} entries without a checkpoint",
                verifier.size()
            )));
        }
        if line.is_empty() {
            break;
        }
        verifier.push_leaf(&line)?;
        if verifier.size() % 4096 == 0 {
            progress(verifier.size());
        }
    }
    let mut note = Vec::new();
    while read_line(&mut line)? {
        note.extend_from_slice(&line);
        note.push(b'\n');
    }
    let note = String::from_utf8(note)
        .map_err(|_| VerifyError::Bundle("checkpoint is not UTF-8".into()))?;
    progress(verifier.size());
    verifier.finish(Some((&note, &key)), claimed)
}
