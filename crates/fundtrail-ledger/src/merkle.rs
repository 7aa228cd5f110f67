//! The RFC 6962 / RFC 9162 §2.1 Merkle tree over leaf hashes: roots, proofs, and their
//! verification. See SPEC.md §5.

use super::hash::{node_hash, Hash};
use sha2::{Digest, Sha256};

/// Why a proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The index is not inside the tree, or the sizes are out of order.
    #[error("index or size out of range: {0}")]
    OutOfRange(String),
    /// The proof has the wrong number of hashes for these sizes.
    #[error("proof has the wrong length")]
    WrongLength,
    /// The proof's hashes do not lead to the expected root.
    #[error("proof does not lead to the expected root")]
    RootMismatch,
}

/// The root of the empty tree: SHA-256 of the empty string.
pub fn empty_root() -> Hash {
    Hash(Sha256::digest([]).into())
}

/// Builds the root of a growing tree from leaf hashes pushed in order, keeping only
/// O(log n) hashes in memory: one per perfect subtree on the right edge.
#[derive(Debug, Clone, Default)]
pub struct CompactTree {
    size: u64,
    /// Roots of the perfect subtrees, largest first; their sizes are the set bits of `size`.
    peaks: Vec<Hash>,
}

impl CompactTree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Restores a tree of `size` leaves from its peaks (the roots of the perfect subtrees
    /// of its binary decomposition, largest first), as persisted by a store.
    ///
    /// # Errors
    /// A message when the number of peaks is not the number of set bits of `size`.
    pub fn from_peaks(size: u64, peaks: Vec<Hash>) -> Result<Self, String> {
        if peaks.len() != size.count_ones() as usize {
            return Err(format!(
                "a tree of {size} leaves has {} peaks, got {}",
                size.count_ones(),
                peaks.len()
            ));
        }
        Ok(CompactTree { size, peaks })
    }

    /// The (level, index at that level) of each peak of a tree of `size` leaves, largest
    /// first: the nodes a store must read to resume with [`CompactTree::from_peaks`].
    pub fn peak_positions(size: u64) -> Vec<(u8, u64)> {
        let mut out = Vec::new();
        let mut start = 0u64;
        for level in (0..64u8).rev() {
            if size >> level & 1 == 1 {
                out.push((level, start >> level));
                start += 1 << level;
            }
        }
        out
    }

    /// Appends one leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        self.push_returning_nodes(leaf, |_| {});
    }

    /// Appends one leaf hash and calls `node` with each hash that becomes final: the leaf,
    /// then every interior node it completes, lowest first (the order of Go's
    /// `tlog.StoredHashes`, so these hashes are stored at consecutive stored-hash indexes
    /// starting at the leaf's).
    pub fn push_returning_nodes(&mut self, leaf: Hash, mut node: impl FnMut(Hash)) {
        let mut h = leaf;
        node(h);
        let mut s = self.size;
        while s & 1 == 1 {
            // Invariant: a set low bit means the last peak has the same height as `h`.
            if let Some(left) = self.peaks.pop() {
                h = node_hash(&left, &h);
                node(h);
            }
            s >>= 1;
        }
        self.peaks.push(h);
        self.size += 1;
    }

    /// The peaks (roots of the perfect subtrees of the binary decomposition of the size),
    /// largest first, in the order of [`CompactTree::peak_positions`].
    pub fn peaks(&self) -> &[Hash] {
        &self.peaks
    }

    /// Number of leaves pushed.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The Merkle tree hash of all leaves pushed so far.
    pub fn root(&self) -> Hash {
        let mut iter = self.peaks.iter().rev();
        match iter.next() {
            None => empty_root(),
            Some(last) => iter.fold(*last, |acc, left| node_hash(left, &acc)),
        }
    }
}

/// MTH of a list of leaf hashes (RFC 9162 §2.1.1). O(n); for tests and small trees.
pub fn root_of(leaves: &[Hash]) -> Hash {
    let mut t = CompactTree::new();
    leaves.iter().for_each(|h| t.push(*h));
    t.root()
}

fn split(n: usize) -> usize {
    // Largest power of two strictly less than n (n >= 2).
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// The inclusion proof of leaf `index` in the tree of `leaves` (RFC 9162 §2.1.3.1).
///
/// # Errors
/// [`ProofError::OutOfRange`] when `index` is not a leaf.
pub fn inclusion_proof(leaves: &[Hash], index: usize) -> Result<Vec<Hash>, ProofError> {
    if index >= leaves.len() {
        return Err(ProofError::OutOfRange(format!(
            "index {index} >= size {}",
            leaves.len()
        )));
    }
    fn path(m: usize, d: &[Hash]) -> Vec<Hash> {
        if d.len() <= 1 {
            return Vec::new();
        }
        let k = split(d.len());
        if m < k {
            let mut p = path(m, &d[..k]);
            p.push(root_of(&d[k..]));
            p
        } else {
            let mut p = path(m - k, &d[k..]);
            p.push(root_of(&d[..k]));
            p
        }
    }
    Ok(path(index, leaves))
}

/// The consistency proof from the first `old_size` leaves to all `leaves` (RFC 9162 §2.1.4.1).
/// It is empty when `old_size` is the whole tree.
///
/// # Errors
/// [`ProofError::OutOfRange`] when `old_size` is 0 (the RFC defines no proof from the empty
/// tree, and [`verify_consistency`] rejects one) or exceeds the tree.
pub fn consistency_proof(leaves: &[Hash], old_size: usize) -> Result<Vec<Hash>, ProofError> {
    if old_size == 0 {
        return Err(ProofError::OutOfRange(
            "a consistency proof from the empty tree is meaningless".into(),
        ));
    }
    if old_size > leaves.len() {
        return Err(ProofError::OutOfRange(format!(
            "{old_size} > {}",
            leaves.len()
        )));
    }
    if old_size == leaves.len() {
        return Ok(Vec::new());
    }
    fn subproof(m: usize, d: &[Hash], complete: bool) -> Vec<Hash> {
        let n = d.len();
        if m == n {
            return if complete {
                Vec::new()
            } else {
                vec![root_of(d)]
            };
        }
        let k = split(n);
        if m <= k {
            let mut p = subproof(m, &d[..k], complete);
            p.push(root_of(&d[k..]));
            p
        } else {
            let mut p = subproof(m - k, &d[k..], false);
            p.push(root_of(&d[..k]));
            p
        }
    }
    Ok(subproof(old_size, leaves, true))
}

/// Verifies that `leaf` is leaf `index` of the tree of `size` leaves with root `root`
/// (RFC 9162 §2.1.3.2).
///
/// # Errors
/// [`ProofError`] saying why not.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::OutOfRange(format!(
            "index {index} >= size {size}"
        )));
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if snode == 0 {
            return Err(ProofError::WrongLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::WrongLength);
    }
    if r != *root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Verifies that `leaf` is leaf `index` of the tree of `size` leaves with root `root`
/// (as [`verify_inclusion`]) and returns the root of the tree of the first `index + 1`
/// leaves, which the same proof determines: the leaf folded with the proof's left-hand
/// siblings only (the right-hand ones lie beyond that prefix). A verified proof thus commits
/// a signed root to the root of each of its prefixes, which is how a fork proof shows two
/// signed trees of different sizes disagreeing (SPEC.md §6.2).
///
/// # Errors
/// [`ProofError`] when the inclusion proof does not verify.
pub fn prefix_root_from_inclusion(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<Hash, ProofError> {
    verify_inclusion(index, size, leaf, proof, root)?;
    let (mut fnode, mut snode) = (index, size - 1);
    let mut prefix = *leaf;
    for p in proof {
        if fnode & 1 == 1 || fnode == snode {
            prefix = node_hash(p, &prefix);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        }
        fnode >>= 1;
        snode >>= 1;
    }
    Ok(prefix)
}

/// Verifies that the tree of `size1` leaves with `root1` is a prefix of the tree of
/// `size2` leaves with `root2` (RFC 9162 §2.1.4.2). Equal sizes need equal roots and an
/// empty proof.
///
/// # Errors
/// [`ProofError`] saying why not. [`ProofError::OutOfRange`] when `size1` is 0: RFC 9162
/// defines consistency proofs only for `0 < size1`, and accepting one would accept any
/// `root1` (as transparency-dev/merkle, whose test vectors we pass, we refuse it).
pub fn verify_consistency(
    size1: u64,
    size2: u64,
    root1: &Hash,
    root2: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if size1 > size2 {
        return Err(ProofError::OutOfRange(format!(
            "size {size1} > size {size2}"
        )));
    }
    if size1 == 0 {
        return Err(ProofError::OutOfRange(
            "a consistency proof from the empty tree is meaningless".into(),
        ));
    }
    if size1 == size2 {
        if !proof.is_empty() {
            return Err(ProofError::WrongLength);
        }
        return if root1 == root2 {
            Ok(())
        } else {
            Err(ProofError::RootMismatch)
        };
    }
    if proof.is_empty() {
        return Err(ProofError::WrongLength);
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if size1.is_power_of_two() {
        path.push(*root1);
    }
    path.extend_from_slice(proof);
    let (mut fnode, mut snode) = (size1 - 1, size2 - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if snode == 0 {
            return Err(ProofError::WrongLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::WrongLength);
    }
    if fr != *root1 || sr != *root2 {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::leaf_hash;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(format!("leaf {i}").as_bytes()))
            .collect()
    }

    #[test]
    fn the_inclusion_proof_of_a_prefixs_last_leaf_gives_the_prefix_root() {
        for n in 1..=33usize {
            let l = leaves(n);
            let root = root_of(&l);
            for m in 1..=n {
                let p = inclusion_proof(&l, m - 1).unwrap();
                let prefix =
                    prefix_root_from_inclusion((m - 1) as u64, n as u64, &l[m - 1], &p, &root);
                assert_eq!(prefix, Ok(root_of(&l[..m])), "m={m} n={n}");
            }
        }
        let l = leaves(20);
        let mut p = inclusion_proof(&l, 9).unwrap();
        p[1].0[0] ^= 1;
        assert!(prefix_root_from_inclusion(9, 20, &l[9], &p, &root_of(&l)).is_err());
    }

    #[test]
    fn every_inclusion_and_consistency_proof_of_small_trees_verifies() {
        for n in 1..=33usize {
            let l = leaves(n);
            let root = root_of(&l);
            for i in 0..n {
                let p = inclusion_proof(&l, i).unwrap();
                verify_inclusion(i as u64, n as u64, &l[i], &p, &root).unwrap();
                assert!(
                    verify_inclusion(i as u64, n as u64, &l[(i + 1) % n], &p, &root).is_err()
                        || n == 1
                );
            }
            for m in 1..=n {
                let p = consistency_proof(&l, m).unwrap();
                verify_consistency(m as u64, n as u64, &root_of(&l[..m]), &root, &p).unwrap();
            }
            assert!(consistency_proof(&l, 0).is_err());
            assert!(verify_consistency(0, n as u64, &empty_root(), &root, &[]).is_err());
        }
    }
}
