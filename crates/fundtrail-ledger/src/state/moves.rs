//! What a reversal needs to know of earlier entries: the money movement of every donation,
//! disbursement and transfer, indexed by `seq`.

use crate::money::Minor;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The money movement of one donation, disbursement or transfer, as needed to reverse it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    /// Which kind of entry.
    pub kind: MoveKind,
    /// Index of the campaign (source campaign for transfers).
    pub campaign: u32,
    /// Index of the destination campaign, for transfers.
    pub to: u32,
    /// How much.
    pub amount: Minor,
    /// Whether a reversal of it was recorded.
    pub reversed: bool,
}

/// The kinds of entry that move money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveKind {
    /// Money in.
    Donation,
    /// Money out.
    Disbursement,
    /// Money between campaigns.
    Transfer,
}

/// Hashes the `u64` keys of the movement index with the SplitMix64 finalizer: a bijection
/// that mixes every bit into every bit, much cheaper than SipHash. Keys are positions in
/// the ledger, so a ledger that collides many of them must itself be proportionally long.
#[derive(Debug, Clone, Copy, Default)]
struct SeqHasher(u64);

impl Hasher for SeqHasher {
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The money movements by `seq`. Verification adds them in increasing `seq`, so they go
/// to the end of a sorted vector (no hashing, no rehashing); movements remembered out of
/// order (the server loads reversal targets as needed) go to a hash map.
#[derive(Debug, Clone, Default)]
pub(super) struct MoveIndex {
    sorted: Vec<(u64, Move)>,
    other: HashMap<u64, Move, BuildHasherDefault<SeqHasher>>,
}

impl MoveIndex {
    fn position(&self, seq: u64) -> Option<usize> {
        self.sorted.binary_search_by_key(&seq, |(s, _)| *s).ok()
    }

    pub(super) fn insert(&mut self, seq: u64, m: Move) {
        if let Some(i) = self.position(seq) {
            self.sorted[i].1 = m;
        } else if self.sorted.last().is_none_or(|(last, _)| *last < seq)
            && !self.other.contains_key(&seq)
        {
            self.sorted.push((seq, m));
        } else {
            self.other.insert(seq, m);
        }
    }

    pub(super) fn get(&self, seq: &u64) -> Option<&Move> {
        match self.position(*seq) {
            Some(i) => Some(&self.sorted[i].1),
            None => self.other.get(seq),
        }
    }

    pub(super) fn get_mut(&mut self, seq: &u64) -> Option<&mut Move> {
        match self.position(*seq) {
            Some(i) => Some(&mut self.sorted[i].1),
            None => self.other.get_mut(seq),
        }
    }

    pub(super) fn contains_key(&self, seq: &u64) -> bool {
        self.get(seq).is_some()
    }

    pub(super) fn clear(&mut self) {
        self.sorted.clear();
        self.other.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_move_index_finds_moves_added_in_any_order() {
        let m = |amount: u64| Move {
            kind: MoveKind::Donation,
            campaign: 0,
            to: 0,
            amount: Minor::new(amount).unwrap(),
            reversed: false,
        };
        let mut index = MoveIndex::default();
        let mut reference = HashMap::new();
        for (i, seq) in [5u64, 9, 3, 12, 9, 4, 20, 3, 21, 0].into_iter().enumerate() {
            index.insert(seq, m(i as u64 + 1));
            reference.insert(seq, m(i as u64 + 1));
            for probe in 0..25 {
                assert_eq!(index.get(&probe), reference.get(&probe), "{probe}");
                assert_eq!(index.contains_key(&probe), reference.contains_key(&probe));
            }
        }
        if let Some(x) = index.get_mut(&3) {
            x.reversed = true;
        }
        assert!(index.get(&3).is_some_and(|x| x.reversed));
        if let Some(x) = index.get_mut(&12) {
            x.reversed = true;
        }
        assert!(index.get(&12).is_some_and(|x| x.reversed));
        index.clear();
        assert!((0..25).all(|s| index.get(&s).is_none()));
    }
}
