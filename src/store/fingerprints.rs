//! Lookups by a text key answered from memory (donation references, idempotency keys).
//!
//! Such keys arrive in no order, so a B-tree index on one dirties a random page per
//! appended entry: on SQLite the index on `reference` was about a third of the pages each
//! group commit wrote, and a fifth of the append rate; on PostgreSQL, looking up a batch's
//! references in that index was about a fifth of the database's work per append. Instead
//! the store keeps in memory the 64-bit fingerprint of every stored key with its entry's
//! `seq` (16 bytes per key). It is loaded once, in the background, from data ordered by
//! `seq` (which grows only at its end), and every group commit adds its own.
//!
//! A lookup reads only the rows whose fingerprint matches and keeps those whose stored key
//! is the one asked for: a fingerprint collision costs one extra read, never a wrong
//! answer. Until the load has finished, lookups wait for it; if it failed, the store falls
//! back to SQL.

use std::collections::BTreeSet;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::sync::RwLock;
use tokio::sync::watch;

/// Recent additions are merged into the sorted list once they outnumber both this and an
/// eighth of it, so merging costs a constant amount per addition.
const MERGE_AFTER: usize = 65_536;

/// Where the load from the database stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Load {
    NotStarted,
    Loading,
    Ready,
    Failed,
}

/// Fingerprint and `seq` of every stored key of one kind (see the module docs).
#[derive(Debug)]
pub(in crate::store) struct FingerprintIndex {
    pairs: RwLock<Pairs>,
    load: watch::Sender<Load>,
}

/// (fingerprint, seq) pairs: a sorted list without repeats, and what was added since.
#[derive(Debug, Default)]
struct Pairs {
    sorted: Vec<(u64, u64)>,
    recent: BTreeSet<(u64, u64)>,
}

/// The fingerprint of a key: SipHash with fixed keys, the same in every process.
pub(in crate::store) fn fingerprint(key: &str) -> u64 {
    BuildHasherDefault::<DefaultHasher>::default().hash_one(key)
}

impl Default for FingerprintIndex {
    fn default() -> FingerprintIndex {
        FingerprintIndex {
            pairs: RwLock::default(),
            load: watch::Sender::new(Load::NotStarted),
        }
    }
}

impl FingerprintIndex {
    /// True exactly once: for the caller that must now run the load and hand its result
    /// to [`finish_load`](Self::finish_load).
    pub(in crate::store) fn begin_load(&self) -> bool {
        self.load.send_if_modified(|state| {
            let first = *state == Load::NotStarted;
            if first {
                *state = Load::Loading;
            }
            first
        })
    }

    /// Takes the pairs read from the database (any order, repeats allowed), or notes that
    /// reading them failed, and wakes every waiting lookup.
    pub(in crate::store) fn finish_load(&self, loaded: Option<Vec<(u64, u64)>>) {
        let state = match loaded {
            Some(mut loaded) => {
                loaded.sort_unstable();
                loaded.dedup();
                let mut pairs = self.pairs.write().unwrap_or_else(|p| p.into_inner());
                let recent: Vec<(u64, u64)> =
                    std::mem::take(&mut pairs.recent).into_iter().collect();
                pairs.sorted = merge_sorted(&loaded, &recent);
                Load::Ready
            }
            None => Load::Failed,
        };
        self.load.send_replace(state);
    }

    /// Adds the keys of entries just committed. Before the load has begun there is
    /// nothing to add to: the load, which starts later, reads them from the database.
    pub(in crate::store) fn record<'a>(&self, stored: impl Iterator<Item = (&'a str, u64)>) {
        let mut pairs = self.pairs.write().unwrap_or_else(|p| p.into_inner());
        if *self.load.borrow() == Load::NotStarted {
            return;
        }
        for (key, seq) in stored {
            pairs.recent.insert((fingerprint(key), seq));
        }
        if *self.load.borrow() == Load::Ready
            && pairs.recent.len() > MERGE_AFTER.max(pairs.sorted.len() / 8)
        {
            let recent: Vec<(u64, u64)> = std::mem::take(&mut pairs.recent).into_iter().collect();
            pairs.sorted = merge_sorted(&pairs.sorted, &recent);
        }
    }

    /// Files `seqs` under the fingerprint of `key`, as a collision would.
    #[cfg(test)]
    pub(in crate::store) fn record_as(&self, key: &str, seqs: impl Iterator<Item = u64>) {
        let mut pairs = self.pairs.write().unwrap_or_else(|p| p.into_inner());
        pairs.recent.extend(seqs.map(|seq| (fingerprint(key), seq)));
    }

    /// [`candidates`](Self::candidates) of every one of `keys`, ascending, without repeats.
    pub(in crate::store) async fn candidates_of_all(&self, keys: &[String]) -> Option<Vec<u64>> {
        let mut all = Vec::new();
        for key in keys {
            all.extend(self.candidates(key).await?);
        }
        all.sort_unstable();
        all.dedup();
        Some(all)
    }

    /// The `seq`s, ascending, of the entries whose key may be `key` (every entry that has
    /// it is among them), once the load has finished; `None` if it failed or never started.
    pub(in crate::store) async fn candidates(&self, key: &str) -> Option<Vec<u64>> {
        let mut load = self.load.subscribe();
        let state = *load.wait_for(|s| *s != Load::Loading).await.ok()?;
        if state != Load::Ready {
            return None;
        }
        let f = fingerprint(key);
        let pairs = self.pairs.read().unwrap_or_else(|p| p.into_inner());
        let start = pairs.sorted.partition_point(|&(g, _)| g < f);
        let mut seqs: Vec<u64> = pairs.sorted[start..]
            .iter()
            .take_while(|&&(g, _)| g == f)
            .map(|&(_, seq)| seq)
            .chain(
                pairs
                    .recent
                    .range((f, 0)..=(f, u64::MAX))
                    .map(|&(_, seq)| seq),
            )
            .collect();
        seqs.sort_unstable();
        seqs.dedup();
        Some(seqs)
    }
}

/// The sorted union of two sorted lists, without repeats.
fn merge_sorted(a: &[(u64, u64)], b: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let next = a[i].min(b[j]);
        i += usize::from(a[i] == next);
        j += usize::from(b[j] == next);
        out.push(next);
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready(stored: &[(&str, u64)]) -> FingerprintIndex {
        let index = FingerprintIndex::default();
        assert!(index.begin_load());
        assert!(!index.begin_load(), "only one loader");
        index.finish_load(Some(
            stored.iter().map(|&(r, s)| (fingerprint(r), s)).collect(),
        ));
        index
    }

    #[tokio::test]
    async fn candidates_are_every_entry_with_the_key_and_only_a_few_others() {
        let index = ready(&[("FT-1", 3), ("FT-2", 5), ("FT-1", 9), ("FT-1", 3)]);
        assert_eq!(index.candidates("FT-1").await, Some(vec![3, 9]));
        assert_eq!(index.candidates("FT-2").await, Some(vec![5]));
        assert_eq!(index.candidates("FT-3").await, Some(vec![]));
        index.record([("FT-3", 11), ("FT-1", 12)].into_iter());
        assert_eq!(index.candidates("FT-3").await, Some(vec![11]));
        assert_eq!(index.candidates("FT-1").await, Some(vec![3, 9, 12]));
        let asked = ["FT-3", "FT-1", "FT-9", "FT-1"].map(String::from);
        assert_eq!(
            index.candidates_of_all(&asked).await,
            Some(vec![3, 9, 11, 12])
        );
    }

    #[tokio::test]
    async fn commits_during_the_load_are_kept_and_lookups_wait_for_it() {
        let index = std::sync::Arc::new(FingerprintIndex::default());
        assert!(index.begin_load());
        // Committed while the load runs; the load may or may not also see it.
        index.record([("FT-7", 20)].into_iter());
        let waiting = tokio::spawn({
            let index = std::sync::Arc::clone(&index);
            async move { index.candidates("FT-7").await }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "a lookup waits for the load");
        index.finish_load(Some(vec![
            (fingerprint("FT-7"), 2),
            (fingerprint("FT-7"), 20),
        ]));
        assert_eq!(waiting.await.expect("lookup"), Some(vec![2, 20]));
    }

    #[tokio::test]
    async fn nothing_is_kept_before_the_load_begins() {
        let index = FingerprintIndex::default();
        index.record([("FT-1", 0)].into_iter());
        assert!(index.pairs.read().expect("lock").recent.is_empty());
    }

    #[tokio::test]
    async fn a_failed_or_unstarted_load_answers_none_so_the_store_asks_sql() {
        assert_eq!(FingerprintIndex::default().candidates("FT-1").await, None);
        let index = FingerprintIndex::default();
        assert!(index.begin_load());
        index.finish_load(None);
        assert_eq!(index.candidates("FT-1").await, None);
    }

    #[tokio::test]
    async fn merging_recent_additions_keeps_every_pair() {
        let index = ready(&[("a", 0), ("b", 1)]);
        let many: Vec<String> = (0..MERGE_AFTER + 10).map(|i| format!("R{i}")).collect();
        index.record(
            many.iter()
                .enumerate()
                .map(|(i, r)| (r.as_str(), i as u64 + 2)),
        );
        {
            let pairs = index.pairs.read().expect("lock");
            assert!(pairs.recent.is_empty(), "merged");
            assert!(
                pairs.sorted.windows(2).all(|w| w[0] < w[1]),
                "sorted, no repeats"
            );
        }
        for (i, r) in many.iter().enumerate().step_by(997) {
            assert_eq!(index.candidates(r).await, Some(vec![i as u64 + 2]), "{r}");
        }
        assert_eq!(index.candidates("b").await, Some(vec![1]));
    }

    #[test]
    fn merge_sorted_is_the_sorted_union() {
        assert_eq!(
            merge_sorted(&[(1, 0), (3, 0), (5, 1)], &[(2, 0), (3, 0), (5, 0)]),
            vec![(1, 0), (2, 0), (3, 0), (5, 0), (5, 1)]
        );
        assert_eq!(merge_sorted(&[], &[(2, 2)]), vec![(2, 2)]);
        assert_eq!(merge_sorted(&[(4, 4)], &[]), vec![(4, 4)]);
    }
}
