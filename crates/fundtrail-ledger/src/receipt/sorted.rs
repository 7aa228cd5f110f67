//! A receipt written straight from its parts with every object's keys in sorted order (the
//! answer to `POST /donations`), serialized once without building a [`super::Receipt`].

use super::{leaf_text, ReceiptParts, RECEIPT_TYPE, RECEIPT_VERSION};
use crate::hash::Hash;
use serde::Serialize;
use std::borrow::Cow;

/// [`super::ReceiptProof`] borrowed, with its members written in sorted key order.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SortedProof<'a> {
    /// The entry's position.
    pub index: u64,
    /// Leaf hash of the entry.
    pub leaf_hash: Hash,
    /// The audit path, bottom up.
    pub proof: &'a [Hash],
    /// Root of the tree of `size` entries.
    pub root: Hash,
    /// The tree size the proof is against.
    pub size: u64,
}

/// The receipt code, written into the output without a `String` of its own.
#[derive(Debug, Clone, Copy)]
struct Code {
    seq: u64,
    leaf_hash: Hash,
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let hex = self.leaf_hash.hex();
        let prefix = hex.as_str().get(..8).unwrap_or_default();
        s.collect_str(&format_args!("R-{}-{prefix}", self.seq))
    }
}

/// A receipt borrowed from its parts, for an answer written once: it serializes to the
/// same members with the same values as the [`super::Receipt`] that [`super::build`] makes
/// from those parts, but with every object's keys in sorted order (the order the answer to
/// `POST /donations` has always carried; [`super::Receipt`] reads either order).
#[derive(Debug, Clone, Serialize)]
pub struct SortedReceipt<'a> {
    checkpoint: &'a str,
    code: Code,
    key: &'a str,
    leaf: Cow<'a, str>,
    leaf_hash: Hash,
    proof: SortedProof<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    salt: Option<Hash>,
    seq: u64,
    #[serde(rename = "type")]
    kind: &'static str,
    v: u64,
}

impl<'a> SortedReceipt<'a> {
    /// The receipt of `parts`, whose leaf hashes to `leaf_hash` (the caller already holds
    /// it; like [`super::build`], this checks nothing and hashes nothing).
    pub fn new(parts: ReceiptParts<'a>, leaf_hash: Hash) -> SortedReceipt<'a> {
        debug_assert_eq!(leaf_hash, crate::hash::leaf_hash(parts.leaf));
        SortedReceipt {
            checkpoint: parts.checkpoint,
            code: Code {
                seq: parts.seq,
                leaf_hash,
            },
            key: parts.key,
            leaf: leaf_text(parts.leaf),
            leaf_hash,
            proof: SortedProof {
                index: parts.seq,
                leaf_hash,
                proof: parts.proof,
                root: parts.root,
                size: parts.size,
            },
            salt: parts.salt.map(|salt| Hash(*salt)),
            seq: parts.seq,
            kind: RECEIPT_TYPE,
            v: RECEIPT_VERSION,
        }
    }
}
