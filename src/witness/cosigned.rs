//! The latest checkpoint with the cosignatures gathered for it so far, kept in memory for
//! the handlers (`/checkpoint`, proofs, receipts, tiles). A checkpoint no witness has
//! answered for yet is served as signed by the log alone.

use crate::store::{StoredCheckpoint, StoredCosignature};
use std::sync::RwLock;

/// The cosigned form of one checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    size: u64,
    note: String,
    cosigned: String,
}

/// See the module docs.
#[derive(Debug, Default)]
pub struct Cosigned(RwLock<Option<Entry>>);

impl Cosigned {
    /// `checkpoint`'s note with the cosignatures known for it (its own note when none).
    pub fn note_for(&self, checkpoint: &StoredCheckpoint) -> String {
        match self.0.read() {
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
    /// older one; a smaller checkpoint never replaces a larger one.
    pub fn set(&self, checkpoint: &StoredCheckpoint, cosignatures: &[StoredCosignature]) {
        let cosigned = crate::ledger::cosignature::with_lines(
            &checkpoint.note,
            cosignatures.iter().map(|c| c.line.as_str()),
        );
        if let Ok(mut held) = self.0.write() {
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

    /// The size of the checkpoint held, if any.
    pub fn size(&self) -> Option<u64> {
        self.0.read().ok().and_then(|h| h.as_ref().map(|e| e.size))
    }
}
