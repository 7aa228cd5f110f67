//! [`KeyChain`]: the keys a ledger has been signed with, and from which size each is in force.

use super::{rotation_message, signature_bytes, KeyRotate};
use crate::checkpoint::{parse_verifier_key, verifies_bytes, CheckpointError};
use crate::hash::Hash;

/// Why a `key.rotate` entry does not hand the ledger over to its new key (SPEC.md §23).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RotationError {
    /// The new key's name is not the ledger's origin.
    #[error("key rotation: the new key's name {name:?} is not the ledger's origin {origin:?}")]
    WrongName { name: String, origin: String },
    /// The new key is the key already in force.
    #[error("key rotation: the new key is the key already in force")]
    SameKey,
    /// The signature is not the key in force's over this entry's rotation message: signed
    /// by another key, or for another history.
    #[error("key rotation: signature does not verify with the key in force {key} over this entry's prev")]
    BadSignature { key: String },
}

/// The keys of a ledger in order: the first key, then each key a `key.rotate` entry handed
/// over to, with the size from which it signs (the rotation's `seq + 1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyChain {
    origin: String,
    keys: Vec<(u64, String)>,
}

impl KeyChain {
    /// The chain of a ledger whose first key is `first` (whitespace around it ignored).
    ///
    /// # Errors
    /// [`CheckpointError::BadVerifierKey`] when `first` is malformed.
    pub fn starting_with(first: &str) -> Result<Self, CheckpointError> {
        let origin = parse_verifier_key(first)?;
        Ok(KeyChain {
            origin,
            keys: vec![(0, first.trim().to_string())],
        })
    }

    /// The origin: every key's name.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The key in force after every rotation so far.
    pub fn in_force(&self) -> &str {
        self.keys
            .last()
            .map(|(_, k)| k.as_str())
            .unwrap_or_default()
    }

    /// The key that signs the checkpoint of `size` entries.
    pub fn at(&self, size: u64) -> &str {
        self.keys
            .iter()
            .rev()
            .find(|(from, _)| *from <= size)
            .map(|(_, k)| k.as_str())
            .unwrap_or_default()
    }

    /// Every key with the size from which it signs, first key first.
    pub fn keys(&self) -> &[(u64, String)] {
        &self.keys
    }

    /// Whether `key` (whitespace around it ignored) is one of the chain's keys.
    pub fn contains(&self, key: &str) -> bool {
        self.keys.iter().any(|(_, k)| k == key.trim())
    }

    /// Checks that `rotation`, the body of the entry whose `prev` is `prev`, hands the
    /// ledger over from the key in force: the new key is named after the origin, differs
    /// from the key in force, and the key in force signed the rotation message.
    ///
    /// # Errors
    /// The first [`RotationError`], in that order.
    pub fn check(&self, prev: &Hash, rotation: &KeyRotate) -> Result<(), RotationError> {
        let name = parse_verifier_key(&rotation.verifier_key).unwrap_or_default();
        if name != self.origin {
            return Err(RotationError::WrongName {
                name,
                origin: self.origin.clone(),
            });
        }
        if rotation.verifier_key == self.in_force() {
            return Err(RotationError::SameKey);
        }
        let message = rotation_message(&self.origin, &rotation.verifier_key, prev);
        let signed = signature_bytes(&rotation.signature)
            .map(|sig| verifies_bytes(self.in_force(), &message, &sig).unwrap_or(false))
            .unwrap_or(false);
        if !signed {
            return Err(RotationError::BadSignature {
                key: self.in_force().to_string(),
            });
        }
        Ok(())
    }

    /// Checks `rotation` (entry `seq`, whose `prev` is `prev`) and, when it holds, puts its
    /// key in force for every size from `seq + 1`. A refused rotation changes nothing.
    ///
    /// # Errors
    /// The [`RotationError`] of [`KeyChain::check`].
    pub fn apply(
        &mut self,
        seq: u64,
        prev: &Hash,
        rotation: &KeyRotate,
    ) -> Result<(), RotationError> {
        self.check(prev, rotation)?;
        self.keys
            .push((seq.saturating_add(1), rotation.verifier_key.clone()));
        Ok(())
    }
}
