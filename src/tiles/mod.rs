//! Tiles (C2SP tlog-tiles; SPEC.md §13) read from the store: what `/log/tile/…` serves and
//! what `fundtrail tiles` writes as static files ([`publish`]).

pub mod mirrors;
pub mod publish;

use crate::ledger::tiles::{encode_bundle, Tile, TileKind};
use crate::store::{Store, StoreError};

/// Cache-Control of full tiles and bundles: they never change.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache-Control of partial tiles and bundles.
pub const PARTIAL: &str = "public, max-age=10";
/// Cache-Control of the checkpoint: a few seconds.
pub const CHECKPOINT_CACHE: &str = "public, max-age=2";

/// Why a tile could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TileError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Entries the tile covers are not stored.
    #[error("entries {start} to {end} are not all stored")]
    Missing {
        /// First entry.
        start: u64,
        /// One past the last.
        end: u64,
    },
    /// A stored leaf is longer than a bundle can hold.
    #[error(transparent)]
    Bundle(#[from] crate::ledger::tiles::BundleError),
}

/// The most bytes of full tiles [`TileCache`] keeps.
pub const CACHED_TILE_BYTES: usize = 64 << 20;

/// Full tiles and bundles already read, kept in memory: they never change, so the cache
/// needs no invalidation; the oldest are dropped past [`CACHED_TILE_BYTES`].
#[derive(Debug, Default)]
pub struct TileCache(std::sync::Mutex<CachedTiles>);

#[derive(Debug, Default)]
struct CachedTiles {
    tiles: std::collections::HashMap<Tile, bytes::Bytes>,
    order: std::collections::VecDeque<Tile>,
    bytes: usize,
}

impl TileCache {
    /// The bytes of `tile`, from the cache when it is a full tile read before.
    ///
    /// # Errors
    /// [`TileError`].
    pub async fn read(&self, store: &Store, tile: &Tile) -> Result<bytes::Bytes, TileError> {
        if !tile.is_full() {
            return Ok(read(store, tile).await?.into());
        }
        if let Some(hit) = self.0.lock().ok().and_then(|c| c.tiles.get(tile).cloned()) {
            return Ok(hit);
        }
        let bytes = bytes::Bytes::from(read(store, tile).await?);
        if let Ok(mut c) = self.0.lock() {
            if c.tiles.insert(*tile, bytes.clone()).is_none() {
                c.order.push_back(*tile);
                c.bytes += bytes.len();
            }
            while c.bytes > CACHED_TILE_BYTES {
                let Some(old) = c.order.pop_front() else {
                    break;
                };
                if let Some(b) = c.tiles.remove(&old) {
                    c.bytes -= b.len();
                }
            }
        }
        Ok(bytes)
    }
}

/// The bytes of `tile`: its hashes (32 bytes each), or its leaves as an entry bundle.
/// The caller checks the tile belongs to a published tree.
///
/// # Errors
/// [`TileError`].
pub async fn read(store: &Store, tile: &Tile) -> Result<Vec<u8>, TileError> {
    match tile.kind {
        TileKind::Hashes { .. } => {
            let hashes = store.read_hashes(&tile.stored_hash_indexes()).await?;
            Ok(hashes.iter().flat_map(|h| h.0).collect())
        }
        TileKind::Entries => {
            let range = tile.leaf_range();
            let count = range.end - range.start;
            let rows = store.entries(range.start, count).await?;
            if rows.len() as u64 != count {
                return Err(TileError::Missing {
                    start: range.start,
                    end: range.end,
                });
            }
            Ok(encode_bundle(
                range.start,
                rows.iter().map(|r| r.leaf.as_slice()),
            )?)
        }
    }
}
