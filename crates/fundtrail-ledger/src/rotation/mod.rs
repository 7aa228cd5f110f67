//! Key rotation inside a ledger (SPEC.md §23): the `key.rotate` entry, the exact bytes the
//! key in force signs to hand over to a new key, and [`KeyChain`], the keys a ledger has
//! been signed with, in order.
//!
//! A rotation is signed by the key in force over the origin, the new verifier key and the
//! entry's `prev`, so only the holder of that key can rotate, and the signature binds the
//! rotation to this one history: copied onto another ledger (another `prev`) it no longer
//! verifies. Checkpoints of every size that includes the entry are signed by the new key.

mod chain;
#[cfg(test)]
mod tests;

pub use chain::{KeyChain, RotationError};

use crate::checkpoint::{parse_verifier_key, CheckpointSigner};
use crate::entry::{opt_long_text, FieldError};
use crate::hash::Hash;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// The first line of every rotation message, separating it from any other signed bytes.
pub const ROTATION_MAGIC: &str = "fundtrail key rotation v1";

/// `key.rotate`: from the next checkpoint on, the ledger is signed by `verifier_key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRotate {
    /// Optional explanation (why the key changed).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    /// Standard padded base64 of the 64-byte Ed25519 signature, by the key in force, over
    /// [`rotation_message`].
    pub signature: String,
    /// The new verifier key, `name+keyid+base64`; its name is the ledger's origin.
    pub verifier_key: String,
}

impl KeyRotate {
    /// Checks the field rules of SPEC.md §23, in key order: `note` a long text, `signature`
    /// the base64 of 64 bytes, `verifier_key` a well-formed verifier key written without
    /// surrounding whitespace.
    ///
    /// # Errors
    /// A [`FieldError`] naming the first bad field.
    pub fn validate(&self) -> Result<(), FieldError> {
        opt_long_text("note", &self.note)?;
        if signature_bytes(&self.signature).is_none() {
            return Err(FieldError::new(
                "signature",
                "must be the base64 of a 64-byte Ed25519 signature",
            ));
        }
        if self.verifier_key.trim() != self.verifier_key
            || parse_verifier_key(&self.verifier_key).is_err()
        {
            return Err(FieldError::new(
                "verifier_key",
                "must be a verifier key written name+keyid+base64",
            ));
        }
        Ok(())
    }

    /// A rotation to `new_key`, signed by `current` (the key in force) for the entry whose
    /// `prev` is `prev`.
    pub fn signed(
        current: &CheckpointSigner,
        new_key: &str,
        prev: &Hash,
        note: Option<String>,
    ) -> Self {
        let message = rotation_message(current.origin(), new_key, prev);
        KeyRotate {
            note,
            signature: base64::engine::general_purpose::STANDARD
                .encode(current.sign_bytes(&message)),
            verifier_key: new_key.to_string(),
        }
    }
}

/// The bytes the key in force signs (SPEC.md §23):
/// `fundtrail key rotation v1\n<origin>\n<new verifier key>\n<hex of prev>\n`.
pub fn rotation_message(origin: &str, new_key: &str, prev: &Hash) -> Vec<u8> {
    format!("{ROTATION_MAGIC}\n{origin}\n{new_key}\n{}\n", prev.to_hex()).into_bytes()
}

/// The 64 signature bytes of a `signature` field, when it is padded standard base64 of
/// exactly 64 bytes.
fn signature_bytes(text: &str) -> Option<[u8; 64]> {
    let engine = base64::engine::general_purpose::STANDARD;
    let raw = engine.decode(text).ok()?;
    let bytes = <[u8; 64]>::try_from(raw.as_slice()).ok()?;
    (engine.encode(bytes) == text).then_some(bytes)
}
