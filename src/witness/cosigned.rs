//! The checkpoints with the cosignatures gathered for them, kept in memory for the handlers
//! (`/checkpoint`, proofs, receipts, tiles, acknowledgements): the latest checkpoint, served
//! as signed by the log alone until a witness answers for it, and the newest checkpoint
//! that witnesses have cosigned, which proofs carry so that they are checked against more
//! than the log's own key.

use crate::ledger::hash::Hash;
use crate::store::{StoredCheckpoint, StoredCosignature};
use std::sync::RwLock;

/// The cosigned form of one checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    size: u64,
    note: String,
    cosigned: String,
}

/// A checkpoint that at least one witness cosigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CosignedCheckpoint {
    /// Its tree size.
    pub size: u64,
    /// Its root.
    pub root: Hash,
    /// The signed note with the witnesses' cosignature lines after the log's signature.
    pub note: String,
    /// How many witnesses cosigned it.
    pub witnesses: usize,
}

/// Whether this ledger's proofs can carry cosignatures, for one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Witnessed {
    /// The newest cosigned checkpoint covers what the answer proves.
    Cosigned(CosignedCheckpoint),
    /// Witnesses are configured but none has cosigned a checkpoint that covers it yet.
    Pending,
    /// This ledger has no witness policy.
    NoWitnesses,
}

/// See the module docs.
#[derive(Debug, Default)]
pub struct Cosigned {
    latest: RwLock<Option<Entry>>,
    newest: RwLock<Option<CosignedCheckpoint>>,
}

impl Cosigned {
    /// `checkpoint`'s note with the cosignatures known for it (its own note when none).
    pub fn note_for(&self, checkpoint: &StoredCheckpoint) -> String {
        match self.latest.read() {
            Ok(held) => match held.as_ref() {
                Some(e) if e.size == checkpoint.size && e.note == checkpoint.note => {
                    e.cosigned.clone()
                }
                _ => checkpoint.note.clone(),
            },
            Err(_) => checkpoint.note.clone(),
        }
    }

    /// Remembers `checkpoint` with `cosignatures` (those stored for its size), replacing an
    /// older one; a smaller checkpoint never replaces a larger one. With cosignatures it
    /// is also the newest cosigned checkpoint, unless a larger one is held.
    pub fn set(&self, checkpoint: &StoredCheckpoint, cosignatures: &[StoredCosignature]) {
        let cosigned = crate::ledger::cosignature::with_lines(
            &checkpoint.note,
            cosignatures.iter().map(|c| c.line.as_str()),
        );
        if !cosignatures.is_empty() {
            self.set_newest(CosignedCheckpoint {
                size: checkpoint.size,
                root: checkpoint.root,
                note: cosigned.clone(),
                witnesses: cosignatures.len(),
            });
        }
        if let Ok(mut held) = self.latest.write() {
            if held.as_ref().is_some_and(|e| e.size > checkpoint.size) {
                return;
            }
            *held = Some(Entry {
                size: checkpoint.size,
                note: checkpoint.note.clone(),
                cosigned,
            });
        }
    }

    /// Remembers `c` as the newest cosigned checkpoint unless a larger one, or the same one
    /// with as many cosignatures, is held.
    pub fn set_newest(&self, c: CosignedCheckpoint) {
        if let Ok(mut held) = self.newest.write() {
            let keep = held.as_ref().is_some_and(|h| {
                h.size > c.size || (h.size == c.size && h.witnesses >= c.witnesses)
            });
            if !keep {
                *held = Some(c);
            }
        }
    }

    /// The size of the latest checkpoint held, if any.
    pub fn size(&self) -> Option<u64> {
        self.latest
            .read()
            .ok()
            .and_then(|h| h.as_ref().map(|e| e.size))
    }

    /// The newest checkpoint witnesses cosigned, if any.
    pub fn newest(&self) -> Option<CosignedCheckpoint> {
        self.newest.read().ok().and_then(|h| h.clone())
    }

    /// What an answer about a tree of `size` leaves can carry: the newest cosigned
    /// checkpoint when it covers `size` leaves, else whether witnesses are configured
    /// (`witnessed`).
    pub fn covering(&self, size: u64, witnessed: bool) -> Witnessed {
        match self.newest() {
            Some(c) if c.size >= size => Witnessed::Cosigned(c),
            _ if witnessed => Witnessed::Pending,
            _ => Witnessed::NoWitnesses,
        }
    }
}
