//! [`Verifier`]: one leaf at a time, in order.

use super::{Report, VerifyError};
use crate::canonical::decode;
use crate::checkpoint::verify_checkpoint;
use crate::entry::Entry;
use crate::hash::{leaf_hash, Hash};
use crate::merkle::CompactTree;
use crate::plans::Plans;
use crate::registry::Registry;
use crate::rotation::{KeyChain, KeyRotate};
use crate::state::LedgerState;
use crate::totals::Totals;

/// Checks leaves one at a time, in order.
///
/// Key rotations (SPEC.md §23) are kept as they come and checked by [`Verifier::finish`],
/// from the first key it is given, before the checkpoint (SPEC.md §9 step 3). After an
/// error the verifier must not be used further.
#[derive(Debug, Clone, Default)]
pub struct Verifier {
    state: LedgerState,
    plans: Plans,
    registry: Registry,
    tree: CompactTree,
    /// The `key.rotate` entries so far: (seq, prev, body).
    rotations: Vec<(u64, Hash, KeyRotate)>,
}

impl Verifier {
    /// A verifier at the start of the ledger.
    pub fn new() -> Self {
        Verifier {
            state: LedgerState::new(),
            plans: Plans::new(),
            registry: Registry::new(),
            tree: CompactTree::new(),
            rotations: Vec::new(),
        }
    }

    /// Checks the next leaf: canonical form, fields, `seq`, `prev` link, time order, every
    /// invariant, then the budget and pledge rules (SPEC.md §18, §19) and the registry rules
    /// (SPEC.md §22); then adds it to the tree and the totals.
    ///
    /// # Errors
    /// [`VerifyError::Entry`] naming the entry's position.
    pub fn push_leaf(&mut self, leaf: &[u8]) -> Result<Hash, VerifyError> {
        let seq = self.state.size();
        let bad = |problem: String| VerifyError::Entry { seq, problem };
        let entry = decode(leaf).map_err(|e| bad(e.to_string()))?;
        let hash = leaf_hash(leaf);
        self.push_decoded(&entry, hash)?;
        Ok(hash)
    }

    /// The second half of [`Verifier::push_leaf`], for a leaf already decoded and hashed.
    pub(super) fn push_decoded(&mut self, entry: &Entry, hash: Hash) -> Result<(), VerifyError> {
        let seq = self.state.size();
        self.state
            .apply(entry, hash)
            .map_err(|e| VerifyError::Entry {
                seq,
                problem: e.to_string(),
            })?;
        self.plans.apply(entry).map_err(|e| VerifyError::Entry {
            seq,
            problem: e.to_string(),
        })?;
        self.registry.apply(entry).map_err(|e| VerifyError::Entry {
            seq,
            problem: e.to_string(),
        })?;
        if let crate::entry::Body::KeyRotate(rotation) = &entry.body {
            self.rotations.push((seq, entry.prev, rotation.clone()));
        }
        self.tree.push(hash);
        Ok(())
    }

    /// The chain of keys from `first_key` through every rotation so far (SPEC.md §23).
    ///
    /// # Errors
    /// [`VerifyError::Checkpoint`] when `first_key` is malformed; [`VerifyError::Entry`]
    /// naming the first rotation the key in force did not sign.
    pub fn keys_from(&self, first_key: &str) -> Result<KeyChain, VerifyError> {
        let mut keys = KeyChain::starting_with(first_key)?;
        for (seq, prev, rotation) in &self.rotations {
            keys.apply(*seq, prev, rotation)
                .map_err(|e| VerifyError::Entry {
                    seq: *seq,
                    problem: e.to_string(),
                })?;
        }
        Ok(keys)
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

    /// The budgets and pledges after the entries checked so far.
    pub fn plans(&self) -> &Plans {
        &self.plans
    }

    /// The organisations registered by the entries checked so far (SPEC.md §22).
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Finishes: checks the signed checkpoint (when given, with `vkey`, the ledger's first
    /// key, or with the key the ledger's rotations put in force after it, SPEC.md §23)
    /// covers exactly these entries, and the claimed totals (when given) equal the
    /// recomputed ones.
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
        let mut keys = Vec::new();
        let checkpoint = match checkpoint {
            None => None,
            Some((note, vkey)) => {
                let chain = self.keys_from(vkey)?;
                let cp = verify_checkpoint(note, chain.in_force())?;
                keys = chain.keys().to_vec();
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
            plans: self.plans,
            registry: self.registry,
            keys,
        })
    }
}
