//! The rules of a C2SP tlog-witness `add-checkpoint` request (SPEC.md §14): its body, and
//! what a witness that last cosigned `(size, root)` for the origin answers. Storing the new
//! state atomically (compare-and-swap on the old size) and signing are the caller's.
//!
//! The body is `old <size>\n`, zero to 63 base64 consistency-proof lines, an empty line,
//! then the signed checkpoint note.

use crate::checkpoint::{read_unverified, verify_checkpoint, Checkpoint};
use crate::hash::Hash;
use crate::merkle::verify_consistency;
use base64::Engine;

/// The most consistency-proof lines a request may carry.
pub const MAX_PROOF_LINES: usize = 63;
/// The largest request body a witness reads.
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// A parsed `add-checkpoint` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddCheckpoint {
    /// The size the client believes the witness holds.
    pub old_size: u64,
    /// The consistency proof from `old_size` to the checkpoint's size.
    pub proof: Vec<Hash>,
    /// The signed checkpoint note.
    pub note: String,
}

/// Why a witness does not cosign, each with the status tlog-witness gives it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// 400: the body is malformed, the old size is over the checkpoint's, or a proof was
    /// sent from size 0.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 404: the witness knows no log with this origin.
    #[error("unknown log origin {0:?}")]
    UnknownLog(String),
    /// 403: no signature by a key the witness trusts for the origin verifies.
    #[error("no signature by a trusted key of {0:?} verifies")]
    Forbidden(String),
    /// 409: the old size is not the size the witness holds (that size is the answer), or
    /// the same size with another root.
    #[error("the witness holds size {0} for this log")]
    Conflict(u64),
    /// 422: the consistency proof does not verify.
    #[error("the consistency proof does not verify")]
    Inconsistent,
}

impl Refusal {
    /// The HTTP status tlog-witness gives it.
    pub fn status(&self) -> u16 {
        match self {
            Refusal::BadRequest(_) => 400,
            Refusal::UnknownLog(_) => 404,
            Refusal::Forbidden(_) => 403,
            Refusal::Conflict(_) => 409,
            Refusal::Inconsistent => 422,
        }
    }
}

/// The body of an `add-checkpoint` request.
pub fn request_body(old_size: u64, proof: &[Hash], note: &str) -> String {
    let mut body = format!("old {old_size}\n");
    for h in proof {
        body.push_str(&h.to_base64());
        body.push('\n');
    }
    body.push('\n');
    body.push_str(note);
    body
}

/// Parses an `add-checkpoint` request body.
///
/// # Errors
/// [`Refusal::BadRequest`] saying what is malformed.
pub fn parse_request(body: &[u8]) -> Result<AddCheckpoint, Refusal> {
    let bad = |what: &str| Refusal::BadRequest(what.to_string());
    if body.len() > MAX_REQUEST_BYTES {
        return Err(bad("the body is too large"));
    }
    let text = std::str::from_utf8(body).map_err(|_| bad("the body is not UTF-8"))?;
    let (head, note) = text
        .split_once("\n\n")
        .ok_or_else(|| bad("no empty line before the checkpoint"))?;
    let mut lines = head.split('\n');
    let old = lines
        .next()
        .and_then(|l| l.strip_prefix("old "))
        .ok_or_else(|| bad("the first line must be `old <size>`"))?;
    if old.is_empty()
        || !old.bytes().all(|b| b.is_ascii_digit())
        || (old.len() > 1 && old.starts_with('0'))
    {
        return Err(bad(
            "the old size must be a decimal number without leading zeros",
        ));
    }
    let old_size: u64 = old.parse().map_err(|_| bad("the old size is too large"))?;
    let mut proof = Vec::new();
    for line in lines {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(line)
            .map_err(|_| bad("a proof line is not base64"))?;
        let hash: [u8; 32] = raw
            .try_into()
            .map_err(|_| bad("a proof line is not a 32-byte hash"))?;
        proof.push(Hash(hash));
    }
    if proof.len() > MAX_PROOF_LINES {
        return Err(bad("more than 63 proof lines"));
    }
    Ok(AddCheckpoint {
        old_size,
        proof,
        note: note.to_string(),
    })
}

/// Decides a request for a log whose trusted keys are `keys` (empty when the origin is
/// unknown) and whose last cosigned checkpoint is `held` (`None` before the first), in the
/// order tlog-witness gives: origin known (404), signature (403), old size not over the
/// new (400), old size is the held size (409), proof (422), same size same root (409).
/// Returns the checkpoint to cosign and record.
///
/// # Errors
/// The [`Refusal`].
pub fn decide(
    request: &AddCheckpoint,
    keys: &[String],
    held: Option<(u64, Hash)>,
) -> Result<Checkpoint, Refusal> {
    let unverified = read_unverified(&request.note)
        .map_err(|_| Refusal::BadRequest("the checkpoint is not a signed checkpoint".into()))?;
    if keys.is_empty() {
        return Err(Refusal::UnknownLog(unverified.origin));
    }
    let checkpoint = keys
        .iter()
        .find_map(|k| verify_checkpoint(&request.note, k).ok())
        .ok_or_else(|| Refusal::Forbidden(unverified.origin.clone()))?;
    if request.old_size > checkpoint.size {
        return Err(Refusal::BadRequest(format!(
            "old size {} is over the checkpoint's size {}",
            request.old_size, checkpoint.size
        )));
    }
    let (held_size, held_root) = held.unwrap_or((0, crate::merkle::empty_root()));
    if request.old_size != held_size {
        return Err(Refusal::Conflict(held_size));
    }
    if held_size == 0 {
        if !request.proof.is_empty() {
            return Err(Refusal::BadRequest(
                "the proof must be empty when the old size is 0".into(),
            ));
        }
        return Ok(checkpoint);
    }
    if held_size == checkpoint.size {
        return if request.proof.is_empty() && held_root == checkpoint.root {
            Ok(checkpoint)
        } else if held_root != checkpoint.root {
            Err(Refusal::Conflict(held_size))
        } else {
            Err(Refusal::Inconsistent)
        };
    }
    verify_consistency(
        held_size,
        checkpoint.size,
        &held_root,
        &checkpoint.root,
        &request.proof,
    )
    .map_err(|_| Refusal::Inconsistent)?;
    Ok(checkpoint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkpoint::CheckpointSigner;
    use crate::hash::leaf_hash;
    use crate::merkle::{consistency_proof, root_of};

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    #[test]
    fn a_request_body_round_trips() {
        let body = request_body(3, &[Hash([1; 32]), Hash([2; 32])], "o\n1\nroot\n\n— o x\n");
        let parsed = parse_request(body.as_bytes()).expect("parses");
        assert_eq!(parsed.old_size, 3);
        assert_eq!(parsed.proof, vec![Hash([1; 32]), Hash([2; 32])]);
        assert_eq!(parsed.note, "o\n1\nroot\n\n— o x\n");
        for bad in [
            "old 03\n\nx",
            "old -1\n\nx",
            "new 3\n\nx",
            "old 3\nnotbase64\n\nx",
            "old 3\n",
        ] {
            assert!(
                matches!(parse_request(bad.as_bytes()), Err(Refusal::BadRequest(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn each_refusal_of_the_spec_is_given_in_its_order() {
        let (log, _) = CheckpointSigner::generate("example.org/ledger").expect("log");
        let (other, _) = CheckpointSigner::generate("example.org/ledger").expect("other");
        let keys = vec![log.verifier_key().to_string()];
        let all = leaves(8);
        let (r5, r8) = (root_of(&all[..5]), root_of(&all));
        let proof = consistency_proof(&all, 5).expect("proof");
        let req = |old, proof: &[Hash], note: String| AddCheckpoint {
            old_size: old,
            proof: proof.to_vec(),
            note,
        };
        let note8 = log.sign(8, &r8);

        assert_eq!(
            decide(&req(5, &proof, note8.clone()), &keys, Some((5, r5))).map(|c| c.size),
            Ok(8)
        );
        assert!(matches!(
            decide(&req(5, &proof, note8.clone()), &[], None),
            Err(Refusal::UnknownLog(_))
        ));
        assert!(matches!(
            decide(&req(5, &proof, other.sign(8, &r8)), &keys, Some((5, r5))),
            Err(Refusal::Forbidden(_))
        ));
        assert!(matches!(
            decide(&req(9, &proof, note8.clone()), &keys, Some((5, r5))),
            Err(Refusal::BadRequest(_))
        ));
        assert_eq!(
            decide(&req(4, &proof, note8.clone()), &keys, Some((5, r5))),
            Err(Refusal::Conflict(5))
        );
        assert_eq!(
            decide(&req(0, &[], note8.clone()), &keys, Some((5, r5))),
            Err(Refusal::Conflict(5))
        );
        assert_eq!(
            decide(
                &req(5, &proof, note8.clone()),
                &keys,
                Some((5, Hash([9; 32])))
            ),
            Err(Refusal::Inconsistent)
        );
        assert_eq!(
            decide(
                &req(8, &[], log.sign(8, &Hash([9; 32]))),
                &keys,
                Some((8, r8))
            ),
            Err(Refusal::Conflict(8))
        );
        assert_eq!(
            decide(&req(8, &[], note8.clone()), &keys, Some((8, r8))).map(|c| c.size),
            Ok(8)
        );
        assert_eq!(
            decide(&req(0, &[], note8.clone()), &keys, None).map(|c| c.size),
            Ok(8)
        );
        assert!(matches!(
            decide(&req(0, &proof, note8), &keys, None),
            Err(Refusal::BadRequest(_))
        ));
    }
}
