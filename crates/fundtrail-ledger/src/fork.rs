//! Fork proofs (SPEC.md §6.2): two checkpoints signed with one key that cannot both be
//! honest, with the evidence that shows it. The public page writes one when a visitor's
//! remembered checkpoint is not a prefix of today's; `fundtrail verify-fork` checks it, so
//! anyone can confirm the fork without trusting the page or the visitor.

use super::checkpoint::{verify_checkpoint, Checkpoint, CheckpointError};
use super::hash::Hash;
use super::merkle::{prefix_root_from_inclusion, verify_consistency, ProofError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The `format` field of every fork proof file.
pub const FORK_PROOF_FORMAT: &str = "fundtrail-fork-proof v1";

/// A fork proof file: both signed notes verbatim, in the order they were seen, and the
/// server's evidence about how the larger tree begins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForkProof {
    /// Always [`FORK_PROOF_FORMAT`].
    pub format: String,
    /// The verifier key both notes are said to be signed with.
    pub key: String,
    /// The signed checkpoint note seen (and remembered) first.
    pub seen_first: String,
    /// The signed checkpoint note seen later.
    pub seen_later: String,
    /// The larger tree's inclusion proof of the smaller tree's last leaf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<PrefixEvidence>,
    /// The consistency proof the server gave, kept as a record: a failing proof alone proves
    /// nothing (anyone can write one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consistency: Option<ConsistencyEvidence>,
    /// Where the checkpoints were seen (informative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// When the fork was found (informative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
}

/// An inclusion proof of leaf `index` in the larger tree, from the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefixEvidence {
    /// The smaller tree's size minus one.
    pub index: u64,
    /// The larger tree's leaf hash at `index`.
    pub leaf_hash: Hash,
    /// Its RFC 9162 inclusion proof in the larger tree.
    pub proof: Vec<Hash>,
}

/// A consistency proof as the server gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsistencyEvidence {
    /// The smaller size.
    pub from: u64,
    /// The larger size.
    pub to: u64,
    /// The proof's hashes.
    pub proof: Vec<Hash>,
}

/// Which of the two notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// `seen_first`.
    First,
    /// `seen_later`.
    Later,
}

impl fmt::Display for Seen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Seen::First => "seen first",
            Seen::Later => "seen later",
        })
    }
}

/// Why a fork proof file cannot be checked at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForkError {
    /// Not JSON, or not this format.
    #[error("not a fork proof file (expected JSON with format {FORK_PROOF_FORMAT:?}, seen_first and seen_later): {0}")]
    NotAForkProof(String),
    /// A note is not a checkpoint signed with the key.
    #[error("the checkpoint {which}: {source}")]
    Checkpoint {
        /// Which note.
        which: Seen,
        /// What is wrong with it.
        source: CheckpointError,
    },
    /// The prefix evidence is for another leaf than the smaller tree's last.
    #[error(
        "the prefix evidence is for leaf {got}, not leaf {expected} (the last of the smaller tree)"
    )]
    PrefixIndex {
        /// The index in the file.
        got: u64,
        /// The smaller size minus one.
        expected: u64,
    },
    /// The prefix evidence does not verify against the larger signed tree.
    #[error("the prefix evidence does not verify against the larger tree: {0}")]
    Prefix(ProofError),
}

/// What a valid fork proof file shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Two different roots signed for the same number of entries: a fork.
    TwoRootsForOneSize {
        /// The shared size.
        size: u64,
    },
    /// The larger tree commits to another root for the smaller tree's entries: a fork.
    PrefixDiffers {
        /// The smaller size.
        size: u64,
        /// The root signed for `size` entries.
        signed: Hash,
        /// The root the larger tree's proof gives its first `size` entries.
        committed: Hash,
    },
    /// The file itself shows the smaller tree is a prefix of the larger: no fork.
    Consistent,
    /// The later checkpoint is smaller: the log was rolled back or the later view lags; the
    /// signatures alone cannot show which was signed first.
    LaterIsSmaller,
    /// Nothing in the file shows how the larger tree begins.
    NoPrefixEvidence,
}

impl Verdict {
    /// True when the file proves that the two checkpoints cannot both be honest.
    pub fn proves_fork(&self) -> bool {
        matches!(
            self,
            Verdict::TwoRootsForOneSize { .. } | Verdict::PrefixDiffers { .. }
        )
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::TwoRootsForOneSize { size } => {
                write!(f, "two different roots are signed for {size} entries")
            }
            Verdict::PrefixDiffers {
                size,
                signed,
                committed,
            } => write!(
                f,
                "the larger tree's first {size} entries have root {committed}, but {signed} was signed for {size} entries"
            ),
            Verdict::Consistent => f.write_str("the smaller tree is a prefix of the larger: no fork"),
            Verdict::LaterIsSmaller => f.write_str(
                "the checkpoint seen later is smaller: the ledger was rolled back or the later view lags behind, \
                 but the signatures alone cannot show which was signed first",
            ),
            Verdict::NoPrefixEvidence => f.write_str(
                "the file has no valid evidence of how the larger tree begins (a failing consistency proof alone proves nothing)",
            ),
        }
    }
}

/// A checked fork proof: both checkpoints and what the file shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForkCheck {
    /// The checkpoint seen first.
    pub first: Checkpoint,
    /// The checkpoint seen later.
    pub later: Checkpoint,
    /// What the file shows.
    pub verdict: Verdict,
}

/// Parses a fork proof file.
///
/// # Errors
/// [`ForkError::NotAForkProof`] when it is not JSON of this format.
pub fn parse_fork_proof(text: &str) -> Result<ForkProof, ForkError> {
    let proof: ForkProof =
        serde_json::from_str(text).map_err(|e| ForkError::NotAForkProof(e.to_string()))?;
    if proof.format != FORK_PROOF_FORMAT {
        return Err(ForkError::NotAForkProof(format!(
            "format is {:?}",
            proof.format
        )));
    }
    Ok(proof)
}

/// Checks both notes with `key` and says what the file shows: a fork when the same size has
/// two roots, or when the larger tree's inclusion proof of the smaller tree's last leaf
/// gives its first entries another root than the one signed for them.
///
/// # Errors
/// [`ForkError`] when a note does not verify with `key` or the prefix evidence is invalid.
pub fn check_fork_proof(proof: &ForkProof, key: &str) -> Result<ForkCheck, ForkError> {
    let verify = |note: &str, which| {
        verify_checkpoint(note, key).map_err(|source| ForkError::Checkpoint { which, source })
    };
    let first = verify(&proof.seen_first, Seen::First)?;
    let later = verify(&proof.seen_later, Seen::Later)?;
    let (small, big) = if first.size <= later.size {
        (&first, &later)
    } else {
        (&later, &first)
    };
    let verdict = if small.size == big.size {
        if small.root == big.root {
            Verdict::Consistent
        } else {
            Verdict::TwoRootsForOneSize { size: small.size }
        }
    } else if small.size == 0 {
        Verdict::Consistent
    } else if let Some(p) = &proof.prefix {
        let expected = small.size - 1;
        if p.index != expected {
            return Err(ForkError::PrefixIndex {
                got: p.index,
                expected,
            });
        }
        let committed =
            prefix_root_from_inclusion(p.index, big.size, &p.leaf_hash, &p.proof, &big.root)
                .map_err(ForkError::Prefix)?;
        if committed == small.root {
            Verdict::Consistent
        } else {
            Verdict::PrefixDiffers {
                size: small.size,
                signed: small.root,
                committed,
            }
        }
    } else if proof.consistency.as_ref().is_some_and(|c| {
        verify_consistency(small.size, big.size, &small.root, &big.root, &c.proof).is_ok()
    }) {
        Verdict::Consistent
    } else if first.size > later.size {
        Verdict::LaterIsSmaller
    } else {
        Verdict::NoPrefixEvidence
    };
    Ok(ForkCheck {
        first,
        later,
        verdict,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkpoint::CheckpointSigner;
    use crate::hash::leaf_hash;
    use crate::merkle::{consistency_proof, inclusion_proof, root_of};

    fn leaves(n: usize, salt: &str) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(format!("{salt} {i}").as_bytes()))
            .collect()
    }

    fn file(first: String, later: String) -> ForkProof {
        ForkProof {
            format: FORK_PROOF_FORMAT.into(),
            key: String::new(),
            seen_first: first,
            seen_later: later,
            prefix: None,
            consistency: None,
            site: None,
            found: None,
        }
    }

    #[test]
    fn two_roots_for_one_size_prove_a_fork_and_one_root_does_not() {
        let (signer, _) = CheckpointSigner::generate("fork.example/log").unwrap();
        let (a, b) = (leaves(8, "a"), leaves(8, "b"));
        let f = file(signer.sign(8, &root_of(&a)), signer.sign(8, &root_of(&b)));
        let check = check_fork_proof(&f, signer.verifier_key()).unwrap();
        assert_eq!(check.verdict, Verdict::TwoRootsForOneSize { size: 8 });
        assert!(check.verdict.proves_fork());
        let same = file(f.seen_first.clone(), f.seen_first.clone());
        assert_eq!(
            check_fork_proof(&same, signer.verifier_key())
                .unwrap()
                .verdict,
            Verdict::Consistent
        );
    }

    #[test]
    fn a_prefix_inclusion_proof_shows_whether_the_larger_tree_extends_the_smaller() {
        let (signer, _) = CheckpointSigner::generate("fork.example/log").unwrap();
        let honest = leaves(30, "a");
        let mut rewritten = honest[..7].to_vec();
        rewritten.extend(leaves(25, "b"));
        for (tree, fork) in [(&rewritten, true), (&honest, false)] {
            let mut f = file(
                signer.sign(11, &root_of(&honest[..11])),
                signer.sign(tree.len() as u64, &root_of(tree)),
            );
            f.prefix = Some(PrefixEvidence {
                index: 10,
                leaf_hash: tree[10],
                proof: inclusion_proof(tree, 10).unwrap(),
            });
            let verdict = check_fork_proof(&f, signer.verifier_key()).unwrap().verdict;
            assert_eq!(verdict.proves_fork(), fork, "{verdict}");
            f.prefix = None;
            f.consistency = Some(ConsistencyEvidence {
                from: 11,
                to: tree.len() as u64,
                proof: consistency_proof(tree, 11).unwrap(),
            });
            let without = check_fork_proof(&f, signer.verifier_key()).unwrap().verdict;
            let expected = if fork {
                Verdict::NoPrefixEvidence
            } else {
                Verdict::Consistent
            };
            assert_eq!(without, expected);
        }
    }

    #[test]
    fn a_smaller_later_checkpoint_is_not_called_a_fork() {
        let (signer, _) = CheckpointSigner::generate("fork.example/log").unwrap();
        let l = leaves(10, "a");
        let f = file(
            signer.sign(10, &root_of(&l)),
            signer.sign(4, &root_of(&leaves(4, "b"))),
        );
        assert_eq!(
            check_fork_proof(&f, signer.verifier_key()).unwrap().verdict,
            Verdict::LaterIsSmaller
        );
    }

    #[test]
    fn notes_signed_with_another_key_are_refused_naming_which() {
        let (signer, _) = CheckpointSigner::generate("fork.example/log").unwrap();
        let (other, _) = CheckpointSigner::generate("fork.example/log").unwrap();
        let l = leaves(3, "a");
        let f = file(signer.sign(3, &root_of(&l)), other.sign(3, &root_of(&l)));
        let err = check_fork_proof(&f, signer.verifier_key()).unwrap_err();
        assert!(
            matches!(
                err,
                ForkError::Checkpoint {
                    which: Seen::Later,
                    ..
                }
            ),
            "{err}"
        );
        assert!(matches!(
            parse_fork_proof("{\"format\":\"other\"}"),
            Err(ForkError::NotAForkProof(_))
        ));
    }
}
