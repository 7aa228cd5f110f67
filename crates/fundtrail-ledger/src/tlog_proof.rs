//! Receipts as C2SP tlog-proof files (`.tlog-proof`; SPEC.md §12.1): the donation's leaf
//! as the `extra` data, its index, its inclusion proof (base64, one hash a line) and the
//! signed checkpoint with whatever cosignatures it has.
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! extra <base64 of the leaf>
//! index <seq>
//! <proof hash, base64>...
//!
//! <signed checkpoint note>
//! ```
//!
//! Verifying one is verifying the JSON receipt it stands for ([`to_receipt`]): same leaf,
//! same proof, same checkpoint.

use crate::checkpoint::read_unverified;
use crate::hash::{leaf_hash, Hash};
use crate::receipt::{receipt_code, Receipt, ReceiptProof, RECEIPT_TYPE, RECEIPT_VERSION};
use base64::Engine;

/// The first line of every tlog-proof file.
pub const HEADER: &str = "c2sp.org/tlog-proof@v1";

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// A parsed tlog-proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogProof {
    /// The opaque extra data (for fundtrail, the leaf).
    pub extra: Option<Vec<u8>>,
    /// The entry's index.
    pub index: u64,
    /// The inclusion proof, bottom up.
    pub proof: Vec<Hash>,
    /// The signed checkpoint note.
    pub checkpoint: String,
}

/// Why a text is not a tlog-proof.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlogProofError {
    /// A line is not what the format has there.
    #[error("tlog-proof: {0}")]
    Malformed(&'static str),
    /// It has no `extra` line, so no leaf to check.
    #[error("tlog-proof: no extra line, so no entry to check (a fundtrail receipt carries its leaf as extra)")]
    NoLeaf,
    /// The extra data is not UTF-8 text.
    #[error("tlog-proof: the extra data is not a UTF-8 leaf")]
    LeafNotText,
}

impl TlogProof {
    /// The file's text.
    pub fn encode(&self) -> String {
        let mut out = format!("{HEADER}\n");
        if let Some(extra) = &self.extra {
            out.push_str(&format!("extra {}\n", B64.encode(extra)));
        }
        out.push_str(&format!("index {}\n", self.index));
        for h in &self.proof {
            out.push_str(&h.to_base64());
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.checkpoint);
        out
    }

    /// Parses a tlog-proof file.
    ///
    /// # Errors
    /// [`TlogProofError::Malformed`] naming the line.
    pub fn parse(text: &str) -> Result<TlogProof, TlogProofError> {
        let (head, checkpoint) = text.split_once("\n\n").ok_or(TlogProofError::Malformed(
            "no empty line before the checkpoint",
        ))?;
        let mut lines = head.split('\n').peekable();
        if lines.next() != Some(HEADER) {
            return Err(TlogProofError::Malformed(
                "the first line must be c2sp.org/tlog-proof@v1",
            ));
        }
        let extra = match lines.peek().and_then(|l| l.strip_prefix("extra ")) {
            Some(b64) => {
                let raw = B64
                    .decode(b64)
                    .map_err(|_| TlogProofError::Malformed("extra is not base64"))?;
                lines.next();
                Some(raw)
            }
            None => None,
        };
        let index = lines
            .next()
            .and_then(|l| l.strip_prefix("index "))
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .filter(|n| n.len() == 1 || !n.starts_with('0'))
            .and_then(|n| n.parse().ok())
            .ok_or(TlogProofError::Malformed("expected `index <n>`"))?;
        let mut proof = Vec::new();
        for line in lines {
            let raw = B64
                .decode(line)
                .ok()
                .and_then(|r| <[u8; 32]>::try_from(r).ok())
                .ok_or(TlogProofError::Malformed(
                    "a proof line is not a base64 hash",
                ))?;
            proof.push(Hash(raw));
        }
        Ok(TlogProof {
            extra,
            index,
            proof,
            checkpoint: checkpoint.to_string(),
        })
    }
}

/// The tlog-proof of a receipt: its leaf as `extra`, its index and proof, its checkpoint.
pub fn from_receipt(receipt: &Receipt) -> TlogProof {
    TlogProof {
        extra: Some(receipt.leaf.as_bytes().to_vec()),
        index: receipt.seq,
        proof: receipt.proof.proof.clone(),
        checkpoint: receipt.checkpoint.clone(),
    }
}

/// The JSON receipt (without salt) a tlog-proof stands for, to verify with
/// [`crate::receipt::verify_receipt`]: the size and root are read from the checkpoint,
/// which that verification then checks is signed by the key.
///
/// # Errors
/// [`TlogProofError`] when it carries no leaf, or its checkpoint cannot be read.
pub fn to_receipt(proof: &TlogProof, key: &str) -> Result<Receipt, TlogProofError> {
    let leaf = proof.extra.as_ref().ok_or(TlogProofError::NoLeaf)?;
    let leaf_text = String::from_utf8(leaf.clone()).map_err(|_| TlogProofError::LeafNotText)?;
    let hash = leaf_hash(leaf);
    let cp = read_unverified(&proof.checkpoint)
        .map_err(|_| TlogProofError::Malformed("the checkpoint is not a signed checkpoint"))?;
    Ok(Receipt {
        kind: RECEIPT_TYPE.to_string(),
        v: RECEIPT_VERSION,
        seq: proof.index,
        code: receipt_code(proof.index, &hash),
        leaf: leaf_text,
        leaf_hash: hash,
        proof: ReceiptProof {
            index: proof.index,
            size: cp.size,
            leaf_hash: hash,
            root: cp.root,
            proof: proof.proof.clone(),
        },
        checkpoint: proof.checkpoint.clone(),
        key: key.to_string(),
        salt: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proof_round_trips_with_and_without_extra() {
        let with = TlogProof {
            extra: Some(b"{\"leaf\":1}".to_vec()),
            index: 73_894,
            proof: vec![Hash([1; 32]), Hash([2; 32])],
            checkpoint: "example.com/log\n3\nAAAA\n\n— example.com/log abcd\n".into(),
        };
        let without = TlogProof {
            extra: None,
            proof: Vec::new(),
            ..with.clone()
        };
        for p in [with, without] {
            assert_eq!(TlogProof::parse(&p.encode()), Ok(p));
        }
        assert!(TlogProof::parse("c2sp.org/tlog-proof@v1\nindex 01\n\nx").is_err());
        assert!(TlogProof::parse("c2sp.org/tlog-proof@v2\nindex 1\n\nx").is_err());
    }
}
