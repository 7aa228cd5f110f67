//! Merkle proofs from the stored tree: inclusion and consistency proofs and roots computed
//! by `tlog_tiles` from the O(log n) stored nodes they need, read in one query, with the
//! nodes of the upper levels kept in memory once read.

use super::queries::Queries;
use super::{Store, StoreError};
use crate::ledger::hash::Hash;
use std::collections::HashMap;

/// The lowest tree level whose nodes [`NodeCache`] keeps: a node at level `l` covers
/// `2^l` entries, so the cache holds about one hash per `2^(l-1)` entries.
const CACHED_LEVEL: u8 = 4;
/// At most this many nodes are cached (about 50 MB), reached at 8 million entries; beyond
/// it, nodes not yet cached are read from the database each time.
const CACHED_NODES_MAX: usize = 1 << 20;

/// Stored tree nodes of level [`CACHED_LEVEL`] and above, kept once read. A stored node
/// never changes (it is written with the entries it covers and the tables are
/// append-only), and only committed nodes are ever read, so the cache needs no
/// invalidation. Proofs then read only their few lowest nodes from the database.
#[derive(Default, Debug)]
pub(super) struct NodeCache(std::sync::RwLock<HashMap<u64, Hash>>);

impl NodeCache {
    /// The cached node for each index, `None` where it is not cached.
    fn get_many(&self, indexes: &[u64]) -> Vec<Option<Hash>> {
        match self.0.read() {
            Ok(map) if !map.is_empty() => indexes.iter().map(|i| map.get(i).copied()).collect(),
            _ => vec![None; indexes.len()],
        }
    }

    /// Remembers the nodes of level [`CACHED_LEVEL`] and above among `read`.
    fn keep(&self, read: impl Iterator<Item = (u64, Hash)>) {
        let upper: Vec<(u64, Hash)> = read
            .filter(|(i, _)| tlog_tiles::split_stored_hash_index(*i).0 >= CACHED_LEVEL)
            .collect();
        if upper.is_empty() {
            return;
        }
        if let Ok(mut map) = self.0.write() {
            for (i, h) in upper {
                if map.len() >= CACHED_NODES_MAX {
                    break;
                }
                map.insert(i, h);
            }
        }
    }
}

impl Store {
    /// Tree hashes at the given stored-hash indexes, in the same order. Nodes of the
    /// upper levels come from this process's cache of them when it has them.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails or a node is missing.
    pub async fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
        let cache = self.node_cache();
        let mut found = cache.get_many(indexes);
        let missing: Vec<u64> = indexes
            .iter()
            .zip(&found)
            .filter(|(_, h)| h.is_none())
            .map(|(i, _)| *i)
            .collect();
        if missing.is_empty() {
            return Ok(found.into_iter().flatten().collect());
        }
        let read = dispatch!(self, s => s.read_hashes(&missing).await)?;
        cache.keep(missing.iter().copied().zip(read.iter().copied()));
        let mut read = read.into_iter();
        for slot in found.iter_mut().filter(|h| h.is_none()) {
            *slot = read.next();
        }
        found
            .into_iter()
            .map(|h| h.ok_or_else(|| StoreError::Corrupt("tree hash missing".into())))
            .collect()
    }

    /// This store's cache of upper tree nodes.
    fn node_cache(&self) -> &NodeCache {
        &dispatch!(self, s => s.caches()).nodes
    }

    /// Stored tree nodes with index `>= start`, in index order, at most `limit`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn tree_hashes_from(
        &self,
        start: u64,
        limit: u64,
    ) -> Result<Vec<(u64, Hash)>, StoreError> {
        on_pool!(self, pool => Queries::tree_hashes_from(pool, start, limit).await)
    }
}

/// Reads tree hashes the way `tlog_tiles` asks for them: a first pass records which
/// stored-hash indexes a computation needs, one query fetches them, a second pass computes.
struct Recorder(std::cell::RefCell<Vec<u64>>);

impl tlog_tiles::HashReader for Recorder {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog_tiles::Hash>, tlog_tiles::Error> {
        self.0.borrow_mut().extend_from_slice(indexes);
        Ok(vec![tlog_tiles::Hash([0; 32]); indexes.len()])
    }
}

/// Lets `tlog_tiles`' generic functions take the `dyn` readers of [`Store::run_tlog`].
struct Dyn<'a>(&'a dyn tlog_tiles::HashReader);

impl tlog_tiles::HashReader for Dyn<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog_tiles::Hash>, tlog_tiles::Error> {
        self.0.read_hashes(indexes)
    }
}

/// Tree nodes at hand, by stored-hash index.
struct Nodes<'a>(&'a HashMap<u64, Hash>);

impl tlog_tiles::HashReader for Nodes<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog_tiles::Hash>, tlog_tiles::Error> {
        indexes
            .iter()
            .map(|i| {
                self.0
                    .get(i)
                    .map(|h| tlog_tiles::Hash(h.0))
                    .ok_or(tlog_tiles::Error::IndexesNotInTree)
            })
            .collect()
    }
}

/// The inclusion proof of `index` in the tree of `size` leaves computed only from `nodes`
/// (stored-hash index to hash), or `None` when a needed node is not among them. The
/// sequencer keeps the previous peaks and the nodes of the batch it just wrote, which hold
/// every node the proofs of that batch need, so acknowledging a batch reads nothing back.
pub fn inclusion_proof_from(
    nodes: &HashMap<u64, Hash>,
    index: u64,
    size: u64,
) -> Option<Vec<Hash>> {
    if index >= size {
        return None;
    }
    tlog_tiles::prove_record(size, index, &Nodes(nodes))
        .ok()
        .map(|p| p.into_iter().map(|h| Hash(h.0)).collect())
}

impl Store {
    /// Runs `compute` twice: once to learn which nodes it reads, then on those nodes,
    /// read in one query.
    async fn run_tlog<T>(
        &self,
        compute: impl Fn(&dyn tlog_tiles::HashReader) -> Result<T, tlog_tiles::Error>,
    ) -> Result<T, StoreError> {
        let recorder = Recorder(std::cell::RefCell::new(Vec::new()));
        // The first pass only learns the indexes; its result is discarded.
        let _ = compute(&recorder);
        let mut indexes = recorder.0.into_inner();
        indexes.sort_unstable();
        indexes.dedup();
        let hashes = self.read_hashes(&indexes).await?;
        let fetched: HashMap<u64, Hash> = indexes.into_iter().zip(hashes).collect();
        compute(&Nodes(&fetched)).map_err(|e| StoreError::Corrupt(format!("tree: {e}")))
    }

    /// The Merkle root of the first `size` entries, from O(log n) stored nodes.
    ///
    /// # Errors
    /// [`StoreError`]; callers must pass `size` <= the stored size.
    pub async fn tree_root(&self, size: u64) -> Result<Hash, StoreError> {
        self.run_tlog(|r| tlog_tiles::tree_hash(size, &Dyn(r)))
            .await
            .map(|h| Hash(h.0))
    }

    /// The RFC 6962 inclusion proof of entry `index` in the tree of `size` entries.
    ///
    /// # Errors
    /// [`StoreError`]; callers must check `index < size <= stored size`.
    pub async fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, StoreError> {
        self.run_tlog(|r| tlog_tiles::prove_record(size, index, &Dyn(r)))
            .await
            .map(|p| p.into_iter().map(|h| Hash(h.0)).collect())
    }

    /// The leaf hash of entry `index` and its inclusion proof in the tree of `size`
    /// entries, read in one query.
    ///
    /// # Errors
    /// [`StoreError`]; callers must check `index < size <= stored size`.
    pub async fn leaf_and_inclusion_proof(
        &self,
        index: u64,
        size: u64,
    ) -> Result<(Hash, Vec<Hash>), StoreError> {
        self.run_tlog(|r| {
            let leaf = r.read_hashes(&[tlog_tiles::stored_hash_index(0, index)])?;
            let proof = tlog_tiles::prove_record(size, index, &Dyn(r))?;
            Ok((leaf, proof))
        })
        .await
        .map(|(leaf, proof)| {
            (
                Hash(leaf[0].0),
                proof.into_iter().map(|h| Hash(h.0)).collect(),
            )
        })
    }

    /// The RFC 6962 consistency proof from size `from` to size `to`.
    ///
    /// # Errors
    /// [`StoreError`]; callers must check `0 < from <= to <= stored size`.
    pub async fn consistency_proof(&self, from: u64, to: u64) -> Result<Vec<Hash>, StoreError> {
        self.run_tlog(|r| tlog_tiles::prove_tree(to, from, &Dyn(r)))
            .await
            .map(|p| p.into_iter().map(|h| Hash(h.0)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::hash::leaf_hash;
    use crate::ledger::merkle::{verify_inclusion, CompactTree};

    #[test]
    fn the_previous_peaks_and_a_batchs_nodes_hold_every_proof_of_that_batch() {
        for before in 0..40u64 {
            for batch in 1..20u64 {
                let mut tree = CompactTree::new();
                for i in 0..before {
                    tree.push(leaf_hash(&i.to_be_bytes()));
                }
                let mut nodes: HashMap<u64, Hash> = CompactTree::peak_positions(before)
                    .into_iter()
                    .map(|(l, n)| tlog_tiles::stored_hash_index(l, n))
                    .zip(tree.peaks().iter().copied())
                    .collect();
                for i in before..before + batch {
                    let first = tlog_tiles::stored_hash_index(0, i);
                    let mut k = 0;
                    tree.push_returning_nodes(leaf_hash(&i.to_be_bytes()), |h| {
                        nodes.insert(first + k, h);
                        k += 1;
                    });
                }
                let size = before + batch;
                for i in before..size {
                    let proof = inclusion_proof_from(&nodes, i, size).expect("all nodes at hand");
                    verify_inclusion(i, size, &leaf_hash(&i.to_be_bytes()), &proof, &tree.root())
                        .expect("verifies");
                }
            }
        }
    }
}
