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
/// Key rotations (SPEC.md §23) are checked as they come when the ledger's first key is
/// known ([`Verifier::with_first_key`]); otherwise they are kept and checked by
/// [`Verifier::finish`] against the key it is given. After an error the verifier must not
/// be used further.
#[derive(Debug, Clone, Default)]
pub struct Verifier {
    state: LedgerState,
    plans: Plans,
    registry: Registry,
    tree: CompactTree,
    /// The keys so far, once the first key is known.
    keys: Option<KeyChain>,
    /// Rotations met before the first key was known: (seq, prev, body).
    unchecked: Vec<(u64, Hash, KeyRotate)>,
}

impl Verifier {
    /// A verifier at the start of the ledger.
    pub fn new() -> Self {
        Verifier {
            state: LedgerState::new(),
            plans: Plans::new(),
            registry: Registry::new(),
            tree: CompactTree::new(),
            keys: None,
            unchecked: Vec::new(),
        }
    }

    /// A verifier at the start of a ledger whose first key is `first`: each `key.rotate`
    /// is checked against the key in force when it is pushed. A malformed `first` is
    /// reported by [`Verifier::finish`], as the checkpoint's key (SPEC.md §9 step 3).
    pub fn with_first_key(first: &str) -> Self {
        Verifier {
            keys: KeyChain::starting_with(first).ok(),
            ..Verifier::new()
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
            match &mut self.keys {
                Some(keys) => {
                    keys.apply(seq, &entry.prev, rotation)
                        .map_err(|e| VerifyError::Entry {
                            seq,
                            problem: e.to_string(),
                        })?
                }
                None => self.unchecked.push((seq, entry.prev, rotation.clone())),
            }
        }
        self.tree.push(hash);
        Ok(())
    }

    /// The keys of the ledger so far, when its first key is known.
    pub fn keys(&self) -> Option<&KeyChain> {
        self.keys.as_ref()
    }

    /// The chain of keys starting with `first_key`: the one the verifier kept, or one
    /// built now from `first_key` and the rotations met so far.
    fn chain_from(&mut self, first_key: &str) -> Result<KeyChain, VerifyError> {
        if let Some(keys) = self.keys.take() {
            return Ok(keys);
        }
        let mut keys = KeyChain::starting_with(first_key)?;
        for (seq, prev, rotation) in self.unchecked.drain(..) {
            keys.apply(seq, &prev, &rotation)
                .map_err(|e| VerifyError::Entry {
                    seq,
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
        mut self,
        checkpoint: Option<(&str, &str)>,
        claimed: Option<&Totals>,
    ) -> Result<Report, VerifyError> {
        let root = self.tree.root();
        let size = self.state.size();
        let mut keys = Vec::new();
        let checkpoint = match checkpoint {
            None => None,
            Some((note, vkey)) => {
                let chain = self.chain_from(vkey)?;
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
