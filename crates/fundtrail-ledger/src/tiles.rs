//! The C2SP tlog-tiles layout of a ledger (SPEC.md §13): which tiles a tree of a given size
//! has, their paths (`tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`, with `<N>` written
//! in zero-padded groups of three digits, `x001/x234/067`), and entry bundles (each leaf
//! prefixed with its length as a big-endian `u16`).
//!
//! A hash tile at level `L` holds the tree nodes of level `8 L` (each the root of `256^L`
//! leaves); tile `N` holds nodes `256 N` to `256 N + W - 1`. A full tile has 256 hashes
//! (8,192 bytes); the last tile of a level may be partial (1 to 255 hashes). The node at
//! level `8 L`, index `k` is the Go tlog stored hash `stored_hash_index(8 L, k)`, which is
//! how the server stores its tree.

use std::fmt;

/// Hashes in a full tile (and leaves in a full entry bundle).
pub const TILE_WIDTH: u64 = 256;
/// Tree levels one tile level spans.
pub const TILE_HEIGHT: u8 = 8;
/// The largest leaf an entry bundle can hold: its length is a `u16`.
pub const MAX_LEAF_BYTES: usize = 65_535;
/// The deepest tile level a path may name (C2SP: 0 to 63).
pub const MAX_LEVEL: u8 = 63;

/// What a tile holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TileKind {
    /// Tree hashes of tile level `level` (tree level `8 * level`).
    Hashes {
        /// The tile level.
        level: u8,
    },
    /// Leaves (an entry bundle); laid out like level 0.
    Entries,
}

/// One tile (or entry bundle) of a tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tile {
    /// Hashes or entries.
    pub kind: TileKind,
    /// Its index `N` within its level.
    pub index: u64,
    /// How many hashes or leaves it holds, 1 to 256 (256 = full).
    pub width: u16,
}

/// Why a tile path is not one of the tlog-tiles grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a tile path: {0:?}")]
pub struct TilePathError(pub String);

/// Why an entry bundle cannot be written or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// A leaf is longer than a bundle's `u16` length prefix can say.
    #[error("entry {seq} is {len} bytes; a leaf is at most 65,535 bytes (SPEC.md §13)")]
    LeafTooLarge {
        /// Its position in the ledger.
        seq: u64,
        /// Its length.
        len: usize,
    },
    /// The bundle ends inside a length prefix or a leaf.
    #[error("entry bundle is truncated after {read} of {expected} entries")]
    Truncated {
        /// Leaves read whole.
        read: usize,
        /// Leaves expected.
        expected: usize,
    },
    /// Bytes follow the last expected leaf.
    #[error("entry bundle has {0} bytes after its last entry")]
    TrailingBytes(usize),
}

impl Tile {
    /// The tile's path below the log's prefix, e.g. `tile/1/x001/234.p/17`.
    pub fn path(&self) -> String {
        let level = match self.kind {
            TileKind::Hashes { level } => level.to_string(),
            TileKind::Entries => "entries".to_string(),
        };
        let mut path = format!("tile/{level}/{}", index_path(self.index));
        if !self.is_full() {
            path.push_str(&format!(".p/{}", self.width));
        }
        path
    }

    /// Whether it holds 256 hashes or leaves (and so never changes).
    pub fn is_full(&self) -> bool {
        u64::from(self.width) == TILE_WIDTH
    }

    /// The tile level (0 for entry bundles).
    pub fn level(&self) -> u8 {
        match self.kind {
            TileKind::Hashes { level } => level,
            TileKind::Entries => 0,
        }
    }

    /// The Go tlog stored-hash indexes of its hashes, in order (the leaves' hashes for an
    /// entry bundle).
    pub fn stored_hash_indexes(&self) -> Vec<u64> {
        let tree_level = self.level() * TILE_HEIGHT;
        let first = self.index * TILE_WIDTH;
        (first..first + u64::from(self.width))
            .map(|k| tlog_tiles::stored_hash_index(tree_level, k))
            .collect()
    }

    /// The positions of the leaves of an entry bundle, `start..end`.
    pub fn leaf_range(&self) -> std::ops::Range<u64> {
        let first = self.index * TILE_WIDTH;
        first..first + u64::from(self.width)
    }

    /// Whether a tree of `size` leaves has every hash (or leaf) of this tile: a partial
    /// tile is the prefix of the full one, so it exists once its hashes do.
    pub fn exists_in(&self, size: u64) -> bool {
        let nodes = nodes_at_level(size, self.level());
        self.index
            .checked_mul(TILE_WIDTH)
            .and_then(|first| first.checked_add(u64::from(self.width)))
            .is_some_and(|end| end <= nodes)
    }

    /// Parses a path below the log's prefix (`tile/0/x001/234`, `tile/entries/005.p/3`):
    /// exactly the grammar of C2SP tlog-tiles, nothing else (no leading zeros in `<L>` or
    /// `<W>`, three digits per group, `x` on all groups but the last, width 1 to 255).
    ///
    /// # Errors
    /// [`TilePathError`] for any other text.
    pub fn parse(path: &str) -> Result<Tile, TilePathError> {
        let bad = || TilePathError(path.to_string());
        let rest = path.strip_prefix("tile/").ok_or_else(bad)?;
        let (level, rest) = rest.split_once('/').ok_or_else(bad)?;
        let kind = if level == "entries" {
            TileKind::Entries
        } else {
            let level = decimal(level).ok_or_else(bad)?;
            if level > u64::from(MAX_LEVEL) {
                return Err(bad());
            }
            TileKind::Hashes { level: level as u8 }
        };
        let (groups, width) = match rest.split_once(".p/") {
            Some((groups, w)) => {
                let w = decimal(w).ok_or_else(bad)?;
                if !(1..TILE_WIDTH).contains(&w) {
                    return Err(bad());
                }
                (groups, w as u16)
            }
            None => (rest, TILE_WIDTH as u16),
        };
        let index = parse_index(groups).ok_or_else(bad)?;
        let tile = Tile { kind, index, width };
        // Re-encoding must give the same text: one path per tile.
        if tile.path() != path {
            return Err(bad());
        }
        Ok(tile)
    }
}

impl fmt::Display for Tile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

/// `<N>` as path groups: `x001/x234/067` for 1234067, `000` for 0.
pub fn index_path(n: u64) -> String {
    let mut groups = vec![format!("{:03}", n % 1000)];
    let mut rest = n / 1000;
    while rest > 0 {
        groups.push(format!("x{:03}", rest % 1000));
        rest /= 1000;
    }
    groups.reverse();
    groups.join("/")
}

/// A decimal number without sign or leading zero.
fn decimal(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if text.len() > 1 && text.starts_with('0') {
        return None;
    }
    text.parse().ok()
}

/// The index written as path groups.
fn parse_index(groups: &str) -> Option<u64> {
    let parts: Vec<&str> = groups.split('/').collect();
    let mut n: u64 = 0;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let digits = if last { *part } else { part.strip_prefix('x')? };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let group: u64 = digits.parse().ok()?;
        n = n.checked_mul(1000)?.checked_add(group)?;
    }
    Some(n)
}

/// How many tree nodes of tile level `level` (tree level `8 level`) a tree of `size` leaves
/// has.
fn nodes_at_level(size: u64, level: u8) -> u64 {
    let shift = u32::from(level) * u32::from(TILE_HEIGHT);
    size.checked_shr(shift).unwrap_or(0)
}

/// Every hash tile and entry bundle of a tree of `size` leaves: the full ones, and the
/// partial last one of each level that has one.
pub fn tiles_of(size: u64) -> Vec<Tile> {
    changed_tiles(0, size)
}

/// The tiles a tree of `new` leaves has that a tree of `old` leaves did not have with the
/// same contents: every tile that is new or wider. A mirror that holds `old`'s tiles
/// writes only these. Empty when `new <= old`.
pub fn changed_tiles(old: u64, new: u64) -> Vec<Tile> {
    let mut tiles = Vec::new();
    if new <= old {
        return tiles;
    }
    let mut level: u8 = 0;
    while level <= MAX_LEVEL && nodes_at_level(new, level) > 0 {
        let (old_nodes, new_nodes) = (nodes_at_level(old, level), nodes_at_level(new, level));
        if old_nodes != new_nodes {
            let kinds: &[TileKind] = if level == 0 {
                &[TileKind::Hashes { level: 0 }, TileKind::Entries]
            } else {
                &[TileKind::Hashes { level }]
            };
            for &kind in kinds {
                for index in old_nodes / TILE_WIDTH..new_nodes / TILE_WIDTH {
                    tiles.push(Tile {
                        kind,
                        index,
                        width: TILE_WIDTH as u16,
                    });
                }
                let width = new_nodes % TILE_WIDTH;
                if width > 0 {
                    tiles.push(Tile {
                        kind,
                        index: new_nodes / TILE_WIDTH,
                        width: width as u16,
                    });
                }
            }
        }
        level += 1;
    }
    tiles
}

/// The entry bundle of `leaves` (entry `first_seq` onwards): each leaf prefixed with its
/// length as a big-endian `u16`.
///
/// # Errors
/// [`BundleError::LeafTooLarge`] for a leaf over [`MAX_LEAF_BYTES`].
pub fn encode_bundle<'a>(
    first_seq: u64,
    leaves: impl IntoIterator<Item = &'a [u8]>,
) -> Result<Vec<u8>, BundleError> {
    let mut out = Vec::new();
    for (i, leaf) in leaves.into_iter().enumerate() {
        let len = u16::try_from(leaf.len()).map_err(|_| BundleError::LeafTooLarge {
            seq: first_seq + i as u64,
            len: leaf.len(),
        })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(leaf);
    }
    Ok(out)
}

/// The `expected` leaves of an entry bundle.
///
/// # Errors
/// [`BundleError::Truncated`] or [`BundleError::TrailingBytes`].
pub fn decode_bundle(bytes: &[u8], expected: usize) -> Result<Vec<&[u8]>, BundleError> {
    let mut leaves = Vec::with_capacity(expected);
    let mut rest = bytes;
    while leaves.len() < expected {
        let truncated = BundleError::Truncated {
            read: leaves.len(),
            expected,
        };
        let (len, tail) = rest.split_first_chunk::<2>().ok_or(truncated.clone())?;
        let len = usize::from(u16::from_be_bytes(*len));
        if tail.len() < len {
            return Err(truncated);
        }
        let (leaf, tail) = tail.split_at(len);
        leaves.push(leaf);
        rest = tail;
    }
    if !rest.is_empty() {
        return Err(BundleError::TrailingBytes(rest.len()));
    }
    Ok(leaves)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_are_written_in_groups_of_three_digits_with_x_on_all_but_the_last() {
        assert_eq!(index_path(0), "000");
        assert_eq!(index_path(67), "067");
        assert_eq!(index_path(1000), "x001/000");
        assert_eq!(index_path(1_234_067), "x001/x234/067");
    }

    #[test]
    fn paths_round_trip_and_everything_outside_the_grammar_is_refused() {
        for path in [
            "tile/0/000",
            "tile/0/x001/x234/067",
            "tile/1/x001/234.p/17",
            "tile/entries/005.p/3",
            "tile/63/000.p/1",
        ] {
            assert_eq!(Tile::parse(path).map(|t| t.path()).as_deref(), Ok(path));
        }
        for path in [
            "tile/00/000",
            "tile/64/000",
            "tile/0/67",
            "tile/0/x000/067",
            "tile/0/001/067",
            "tile/0/000.p/0",
            "tile/0/000.p/256",
            "tile/0/000.p/07",
            "tile/data/000",
            "tile/8/0/000",
            "tile/0/000/",
            "tile/-1/000",
        ] {
            assert!(Tile::parse(path).is_err(), "{path} accepted");
        }
    }

    #[test]
    fn a_tree_of_70000_leaves_has_the_tiles_the_spec_lists() {
        let tiles = tiles_of(70_000);
        let count = |kind, full: bool| {
            tiles
                .iter()
                .filter(|t| t.kind == kind && t.is_full() == full)
                .count()
        };
        let partial = |kind| {
            tiles
                .iter()
                .find(|t| t.kind == kind && !t.is_full())
                .map(|t| t.width)
        };
        assert_eq!(count(TileKind::Hashes { level: 0 }, true), 273);
        assert_eq!(partial(TileKind::Hashes { level: 0 }), Some(112));
        assert_eq!(count(TileKind::Hashes { level: 1 }, true), 1);
        assert_eq!(partial(TileKind::Hashes { level: 1 }), Some(17));
        assert_eq!(partial(TileKind::Hashes { level: 2 }), Some(1));
        assert_eq!(count(TileKind::Entries, true), 273);
        assert_eq!(
            tiles_of(256).len(),
            3,
            "full level 0, full bundle, level 1 of width 1"
        );
    }

    #[test]
    fn the_changed_tiles_match_go_tlog_new_tiles() {
        for (old, new) in [
            (0, 1),
            (1, 2),
            (255, 256),
            (256, 700),
            (3, 70_000),
            (65_535, 65_536),
        ] {
            let mut ours: Vec<(u8, u64, u32)> = changed_tiles(old, new)
                .iter()
                .filter(|t| t.kind != TileKind::Entries)
                .map(|t| (t.level(), t.index, u32::from(t.width)))
                .collect();
            let mut go: Vec<(u8, u64, u32)> = tlog_tiles::Tile::new_tiles(8, old, new)
                .iter()
                .map(|t| (t.level(), t.level_index(), t.width()))
                .collect();
            ours.sort_unstable();
            go.sort_unstable();
            assert_eq!(ours, go, "{old} -> {new}");
        }
    }

    #[test]
    fn a_tile_exists_once_its_hashes_do() {
        let t = Tile::parse("tile/0/001.p/4").expect("path");
        assert!(!t.exists_in(259));
        assert!(t.exists_in(260));
        assert!(Tile::parse("tile/1/000.p/1").expect("path").exists_in(256));
        assert!(!Tile::parse("tile/1/000.p/2").expect("path").exists_in(511));
    }

    #[test]
    fn bundles_prefix_each_leaf_with_its_length_and_refuse_a_leaf_over_65535_bytes() {
        let bundle = encode_bundle(0, [b"ab".as_slice(), b"".as_slice()]).expect("small leaves");
        assert_eq!(bundle, [0, 2, b'a', b'b', 0, 0]);
        assert_eq!(
            decode_bundle(&bundle, 2),
            Ok(vec![b"ab".as_slice(), b"".as_slice()])
        );
        assert!(matches!(
            decode_bundle(&bundle, 3),
            Err(BundleError::Truncated { read: 2, .. })
        ));
        assert_eq!(
            decode_bundle(&bundle, 1),
            Err(BundleError::TrailingBytes(2))
        );
        let big = vec![b'x'; MAX_LEAF_BYTES + 1];
        assert_eq!(
            encode_bundle(7, [big.as_slice()]),
            Err(BundleError::LeafTooLarge {
                seq: 7,
                len: 65_536
            })
        );
        assert!(encode_bundle(0, [vec![b'x'; MAX_LEAF_BYTES].as_slice()]).is_ok());
    }
}
