//! Donation receipts (SPEC.md §12): a small JSON document that proves, offline and for
//! good, that one donation is in the ledger a key's owner signed. It carries the exact
//! leaf, an inclusion proof, the signed checkpoint the proof is against and the verifier
//! key; the copy handed to the donor also carries the salt of their donor commitment.
//!
//! Pure: building and checking a receipt reads and writes nothing.

mod sorted;
#[cfg(test)]
mod tests;

pub use sorted::{json_string, push_u64, quoted_hex, write_sorted, SharedJson};

use crate::canonical::decode;
use crate::checkpoint::{verify_checkpoint, Checkpoint, CheckpointError};
use crate::entry::{Body, Donation};
use crate::hash::{donor_commitment, leaf_hash, Hash};
use crate::identifier::identifier_candidates;
use crate::merkle::{verify_inclusion, ProofError};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The `type` member of every receipt.
pub const RECEIPT_TYPE: &str = "fundtrail-receipt";
/// The receipt format version.
pub const RECEIPT_VERSION: u64 = 1;

/// The inclusion proof of a receipt, as served by `/proof/inclusion` (SPEC.md §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptProof {
    /// The entry's position (equals the receipt's `seq`).
    pub index: u64,
    /// The tree size of the checkpoint the proof is against.
    pub size: u64,
    /// Leaf hash of the entry.
    pub leaf_hash: Hash,
    /// Root of the tree of `size` entries.
    pub root: Hash,
    /// The audit path, bottom up.
    pub proof: Vec<Hash>,
}

/// A donation receipt (SPEC.md §12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// Always `"fundtrail-receipt"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Always 1.
    pub v: u64,
    /// Position of the donation.
    pub seq: u64,
    /// The short receipt code, `R-<seq>-<first 8 hex digits of the leaf hash>`.
    pub code: String,
    /// The exact leaf (canonical JSON of the entry).
    pub leaf: String,
    /// SHA-256(0x00 || leaf), hex.
    pub leaf_hash: Hash,
    /// Inclusion proof of the leaf in the checkpoint's tree.
    pub proof: ReceiptProof,
    /// The signed checkpoint note (SPEC.md §6).
    pub checkpoint: String,
    /// The verifier key the checkpoint is signed with.
    pub key: String,
    /// The donor commitment's salt, 64 hex digits; only in the donor's copy.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub salt: Option<String>,
}

/// Why a receipt does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    /// Not a receipt of this format.
    #[error("receipt: not a fundtrail receipt version 1 (type {kind:?}, v {v})")]
    NotAReceipt { kind: String, v: u64 },
    /// The leaf is not a valid entry.
    #[error("receipt: leaf: {0}")]
    BadLeaf(String),
    /// The leaf's `seq` is not the receipt's.
    #[error("receipt: the leaf is entry {leaf_seq}, the receipt says {seq}")]
    WrongSeq { seq: u64, leaf_seq: u64 },
    /// The entry is not a donation.
    #[error("receipt: entry {seq} is a {kind}, not a donation")]
    NotADonation { seq: u64, kind: &'static str },
    /// The leaf does not hash to the stated leaf hash.
    #[error("receipt: the leaf hashes to {computed}, not to the stated {stated}")]
    LeafHash { stated: Hash, computed: Hash },
    /// The proof is for another leaf or position.
    #[error("receipt: the proof is for index {index} and leaf {leaf_hash}, not entry {seq}")]
    ProofMismatch {
        seq: u64,
        index: u64,
        leaf_hash: Hash,
    },
    /// The code does not match the entry.
    #[error("receipt: code {code:?} does not match entry {seq} (expected {expected:?})")]
    WrongCode {
        code: String,
        expected: String,
        seq: u64,
    },
    /// The checkpoint does not verify.
    #[error("receipt: {0}")]
    Checkpoint(#[from] CheckpointError),
    /// The proof's size or root differs from the signed checkpoint's.
    #[error("receipt: the proof is against size {proof_size} root {proof_root}, the checkpoint signs size {size} root {root}")]
    ProofNotSigned {
        proof_size: u64,
        proof_root: Hash,
        size: u64,
        root: Hash,
    },
    /// The inclusion proof fails.
    #[error(
        "receipt: inclusion proof of entry {seq} in the signed tree of {size} entries: {source}"
    )]
    Inclusion {
        seq: u64,
        size: u64,
        source: ProofError,
    },
    /// The salt is not 64 lower-case hex digits.
    #[error("receipt: salt is not 64 lower-case hex digits")]
    BadSalt,
    /// A salt without a commitment in the entry.
    #[error("receipt: carries a salt but entry {seq} has no donor commitment")]
    SaltWithoutCommitment { seq: u64 },
    /// An identifier was given but the receipt has no salt (or the entry no commitment).
    #[error(
        "receipt: cannot check an identifier: the receipt has no salt or the entry no commitment"
    )]
    NoCommitment,
    /// donor_commitment(salt, identifier) is not the entry's commitment.
    #[error("receipt: the identifier and salt do not give entry {seq}'s donor commitment")]
    IdentifierMismatch { seq: u64 },
}

/// What a verified receipt establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedReceipt {
    /// Position of the donation.
    pub seq: u64,
    /// The donation as recorded.
    pub donation: Donation,
    /// `recorded_at` of the entry.
    pub recorded_at: String,
    /// The signed checkpoint that includes it.
    pub checkpoint: Checkpoint,
    /// Whether an identifier was checked against the donor commitment.
    pub identifier_checked: bool,
}

/// The receipt code of entry `seq`: `R-<seq>-<first 8 hex digits of its leaf hash>`.
pub fn receipt_code(seq: u64, leaf_hash: &Hash) -> String {
    format!("R-{seq}-{}", &leaf_hash.to_hex()[..8])
}

/// Splits a receipt code into its seq and 8-hex-digit hash prefix, or `None` when the text
/// is not of the form `R-<seq>-<8 lower-case hex digits>`.
pub fn parse_code(code: &str) -> Option<(u64, &str)> {
    let rest = code.strip_prefix("R-")?;
    let (seq, prefix) = rest.split_once('-')?;
    let well_formed_seq = !seq.is_empty()
        && seq.bytes().all(|b| b.is_ascii_digit())
        && (seq == "0" || !seq.starts_with('0'));
    let well_formed_prefix = prefix.len() == 8
        && prefix
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !well_formed_seq || !well_formed_prefix {
        return None;
    }
    Some((seq.parse().ok()?, prefix))
}

/// A leaf as the text a receipt carries: the leaf itself, which is UTF-8 (SPEC.md §3), or
/// for bytes that are not, their lossy decoding (which then fails verification).
pub fn leaf_text(leaf: &[u8]) -> Cow<'_, str> {
    // from_utf8 checks valid text faster than from_utf8_lossy does.
    std::str::from_utf8(leaf).map_or_else(|_| String::from_utf8_lossy(leaf), Cow::Borrowed)
}

/// What [`build`] needs: a donation's leaf, the checkpoint it is proven against and the
/// proof.
#[derive(Debug, Clone, Copy)]
pub struct ReceiptParts<'a> {
    /// Position.
    pub seq: u64,
    /// Exact leaf bytes.
    pub leaf: &'a [u8],
    /// The signed checkpoint note.
    pub checkpoint: &'a str,
    /// Its size.
    pub size: u64,
    /// Its root.
    pub root: Hash,
    /// Inclusion proof of `seq` in the tree of `size` entries.
    pub proof: &'a [Hash],
    /// The verifier key.
    pub key: &'a str,
    /// The commitment salt, for the donor's copy only.
    pub salt: Option<&'a [u8; 32]>,
}

/// Assembles a receipt. It does not check anything: the parts come from the ledger.
pub fn build(parts: ReceiptParts<'_>) -> Receipt {
    let hash = leaf_hash(parts.leaf);
    Receipt {
        kind: RECEIPT_TYPE.to_string(),
        v: RECEIPT_VERSION,
        seq: parts.seq,
        code: receipt_code(parts.seq, &hash),
        leaf: leaf_text(parts.leaf).into_owned(),
        leaf_hash: hash,
        proof: ReceiptProof {
            index: parts.seq,
            size: parts.size,
            leaf_hash: hash,
            root: parts.root,
            proof: parts.proof.to_vec(),
        },
        checkpoint: parts.checkpoint.to_string(),
        key: parts.key.to_string(),
        salt: parts.salt.map(hex::encode),
    }
}

impl Receipt {
    /// This receipt without the salt: the copy anyone may see.
    pub fn without_salt(mut self) -> Receipt {
        self.salt = None;
        self
    }
}

/// Verifies a receipt against the verifier key `key` (normally the operator's key,
/// obtained independently; `receipt.key` only when nothing better is at hand), in this
/// order: format, leaf (a canonical, valid donation at the receipt's seq), leaf hash, code,
/// proof position, checkpoint signature, proof against the signed root, salt; then, when
/// `identifier` is given, that `donor_commitment(salt, identifier)` is the entry's
/// commitment (SPEC.md §2.4).
///
/// # Errors
/// The first [`ReceiptError`] found.
// The steps of SPEC.md §12 one after another, so the first error is the spec's first; split
// into pieces the order would be harder to check against the spec. Hence its length.
pub fn verify_receipt(
    receipt: &Receipt,
    key: &str,
    identifier: Option<&str>,
) -> Result<VerifiedReceipt, ReceiptError> {
    if receipt.kind != RECEIPT_TYPE || receipt.v != RECEIPT_VERSION {
        return Err(ReceiptError::NotAReceipt {
            kind: receipt.kind.clone(),
            v: receipt.v,
        });
    }
    let leaf = receipt.leaf.as_bytes();
    let entry = decode(leaf).map_err(|e| ReceiptError::BadLeaf(e.to_string()))?;
    entry
        .body
        .validate()
        .map_err(|e| ReceiptError::BadLeaf(format!("field {}: {}", e.field, e.problem)))?;
    if entry.seq != receipt.seq {
        return Err(ReceiptError::WrongSeq {
            seq: receipt.seq,
            leaf_seq: entry.seq,
        });
    }
    let Body::Donation(donation) = entry.body else {
        return Err(ReceiptError::NotADonation {
            seq: entry.seq,
            kind: entry.body.kind(),
        });
    };
    let computed = leaf_hash(leaf);
    if computed != receipt.leaf_hash {
        return Err(ReceiptError::LeafHash {
            stated: receipt.leaf_hash,
            computed,
        });
    }
    let expected = receipt_code(receipt.seq, &computed);
    if receipt.code != expected {
        return Err(ReceiptError::WrongCode {
            code: receipt.code.clone(),
            expected,
            seq: receipt.seq,
        });
    }
    let p = &receipt.proof;
    if p.index != receipt.seq || p.leaf_hash != computed {
        return Err(ReceiptError::ProofMismatch {
            seq: receipt.seq,
            index: p.index,
            leaf_hash: p.leaf_hash,
        });
    }
    let checkpoint = verify_checkpoint(&receipt.checkpoint, key)?;
    if checkpoint.size != p.size || checkpoint.root != p.root {
        return Err(ReceiptError::ProofNotSigned {
            proof_size: p.size,
            proof_root: p.root,
            size: checkpoint.size,
            root: checkpoint.root,
        });
    }
    verify_inclusion(
        receipt.seq,
        checkpoint.size,
        &computed,
        &p.proof,
        &checkpoint.root,
    )
    .map_err(|source| ReceiptError::Inclusion {
        seq: receipt.seq,
        size: checkpoint.size,
        source,
    })?;
    let identifier_checked = check_commitment(receipt, &donation, identifier)?;
    Ok(VerifiedReceipt {
        seq: receipt.seq,
        donation,
        recorded_at: entry.recorded_at,
        checkpoint,
        identifier_checked,
    })
}

/// SPEC.md §12 steps 6 and 7: the salt, when present, is 64 lower-case hex digits and the
/// donation carries a commitment; with an identifier, both are present and the commitment is
/// theirs: of the identifier normalised (SPEC.md §2.4.1), or else of the text as typed.
/// Returns whether an identifier was checked.
fn check_commitment(
    receipt: &Receipt,
    donation: &Donation,
    identifier: Option<&str>,
) -> Result<bool, ReceiptError> {
    let salt = match &receipt.salt {
        None => None,
        Some(text) => Some(Hash::from_hex(text).map_err(|_| ReceiptError::BadSalt)?.0),
    };
    if salt.is_some() && donation.commitment.is_none() {
        return Err(ReceiptError::SaltWithoutCommitment { seq: receipt.seq });
    }
    let Some(id) = identifier else {
        return Ok(false);
    };
    let (Some(salt), Some(commitment)) = (salt, donation.commitment) else {
        return Err(ReceiptError::NoCommitment);
    };
    let matches = identifier_candidates(id)
        .iter()
        .any(|candidate| donor_commitment(&salt, candidate) == commitment);
    if !matches {
        return Err(ReceiptError::IdentifierMismatch { seq: receipt.seq });
    }
    Ok(true)
}
