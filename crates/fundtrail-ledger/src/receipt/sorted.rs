//! A receipt written straight from its parts as JSON, every object's keys in sorted order
//! (the `receipt` of the answer to `POST /donations`), in one pass into a buffer.
//!
//! The answer around a receipt repeats three of its members (the leaf, the checkpoint and
//! the proof), each of which costs most of the writing: the leaf and the checkpoint are
//! escaped byte by byte, the proof is a dozen or more hashes. [`SharedJson`] writes each of
//! them once, and both the receipt and the answer copy those bytes.
//!
//! The output is byte for byte what serde_json prints for the [`super::Receipt`] that
//! [`super::build`] makes from the same parts, converted to a `serde_json::Value` (whose maps
//! sort their keys); the tests hold it to that.

use super::{leaf_text, ReceiptParts, RECEIPT_TYPE, RECEIPT_VERSION};
use crate::hash::Hash;

/// JSON texts a receipt shares with the answer that carries it, each written once.
#[derive(Debug, Clone)]
pub struct SharedJson {
    /// The leaf's text (see [`leaf_text`]) as a JSON string.
    pub leaf: Vec<u8>,
    /// The signed checkpoint note as a JSON string.
    pub checkpoint: Vec<u8>,
    /// The leaf hash as a JSON string of 64 lower-case hex digits.
    pub leaf_hash: [u8; 66],
    /// The inclusion proof as a JSON object: `{"index","leaf_hash","proof","root","size"}`,
    /// the members of [`super::ReceiptProof`] in sorted order.
    pub proof: Vec<u8>,
}

impl SharedJson {
    /// The shared texts of `parts` (whose leaf hashes to `leaf_hash`: the caller holds it,
    /// and this hashes nothing). `parts.key` and `parts.salt` are not read.
    pub fn of(parts: &ReceiptParts<'_>, leaf_hash: Hash) -> SharedJson {
        debug_assert_eq!(leaf_hash, crate::hash::leaf_hash(parts.leaf));
        let leaf = json_string(&leaf_text(parts.leaf));
        let checkpoint = json_string(parts.checkpoint);
        let quoted = quoted_hex(&leaf_hash);
        // The members around the path: two quoted hashes, two numbers and the keys.
        let mut proof = Vec::with_capacity(240 + 67 * parts.proof.len());
        proof.extend_from_slice(b"{\"index\":");
        push_u64(&mut proof, parts.seq);
        proof.extend_from_slice(b",\"leaf_hash\":");
        proof.extend_from_slice(&quoted);
        proof.extend_from_slice(b",\"proof\":[");
        for (i, node) in parts.proof.iter().enumerate() {
            if i > 0 {
                proof.push(b',');
            }
            proof.extend_from_slice(&quoted_hex(node));
        }
        proof.extend_from_slice(b"],\"root\":");
        proof.extend_from_slice(&quoted_hex(&parts.root));
        proof.extend_from_slice(b",\"size\":");
        push_u64(&mut proof, parts.size);
        proof.push(b'}');
        SharedJson {
            leaf,
            checkpoint,
            leaf_hash: quoted,
            proof,
        }
    }
}

impl SharedJson {
    /// Appends `,"leaf":…,"leaf_hash":…,"proof":…` to `out`: three members that follow each
    /// other, in sorted order, in both the receipt and the answer that carries it.
    pub fn push_leaf_members(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b",\"leaf\":");
        out.extend_from_slice(&self.leaf);
        out.extend_from_slice(b",\"leaf_hash\":");
        out.extend_from_slice(&self.leaf_hash);
        out.extend_from_slice(b",\"proof\":");
        out.extend_from_slice(&self.proof);
    }
}

/// Appends the receipt of `parts` to `out` as JSON with sorted keys, copying the members
/// it shares with its answer from `shared` (made by [`SharedJson::of`] from the same parts):
/// `checkpoint, code, key, leaf, leaf_hash, proof, salt` (the donor's copy only)`, seq, type,
/// v`.
pub fn write_sorted(out: &mut Vec<u8>, parts: &ReceiptParts<'_>, shared: &SharedJson) {
    out.extend_from_slice(b"{\"checkpoint\":");
    out.extend_from_slice(&shared.checkpoint);
    // The code, `R-<seq>-<first 8 hex digits of the leaf hash>`: the digits are the quoted
    // hash's bytes 1..9.
    out.extend_from_slice(b",\"code\":\"R-");
    push_u64(out, parts.seq);
    out.push(b'-');
    out.extend_from_slice(&shared.leaf_hash[1..9]);
    out.extend_from_slice(b"\",\"key\":");
    out.extend_from_slice(&json_string(parts.key));
    shared.push_leaf_members(out);
    if let Some(salt) = parts.salt {
        out.extend_from_slice(b",\"salt\":");
        out.extend_from_slice(&quoted_hex(&Hash(*salt)));
    }
    out.extend_from_slice(b",\"seq\":");
    push_u64(out, parts.seq);
    out.extend_from_slice(b",\"type\":");
    out.extend_from_slice(&json_string(RECEIPT_TYPE));
    out.extend_from_slice(b",\"v\":");
    push_u64(out, RECEIPT_VERSION);
    out.push(b'}');
}

/// `text` as a JSON string, escaped as serde_json escapes it.
pub fn json_string(text: &str) -> Vec<u8> {
    // A leaf's text escapes about one byte in nine (its quotes): a quarter more is enough
    // for any usual text, so the buffer grows at most once.
    let mut out = Vec::with_capacity(text.len() + text.len() / 4 + 2);
    // Writing a `str` into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut out, text);
    out
}

/// `hash` as a JSON string of its 64 lower-case hex digits (which need no escaping).
pub fn quoted_hex(hash: &Hash) -> [u8; 66] {
    let mut out = [b'"'; 66];
    out[1..65].copy_from_slice(hash.hex().as_str().as_bytes());
    out
}

/// Appends `n` in decimal, as serde_json writes integers.
pub fn push_u64(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}
