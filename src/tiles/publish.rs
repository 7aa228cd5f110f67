//! `fundtrail tiles`: the log's tiles as static files (SPEC.md §13), in a folder or an
//! S3-compatible bucket, so any web server or CDN can serve reads. Incremental: the
//! checkpoint already there says which tree the copy holds, and only tiles that are new or
//! wider since then are written. The checkpoint is written last, so a reader never sees a
//! checkpoint whose tiles are missing.

use crate::ledger::checkpoint::verify_checkpoint;
use crate::ledger::cosignature::with_lines;
use crate::ledger::tiles::{changed_tiles, Tile};
use crate::store::{Store, StoreError};
use object_store::{Attribute, Attributes, ObjectStore, PutOptions, PutPayload};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why the tiles could not be published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// `--out` is not a folder or an `s3://bucket/prefix` URL.
    #[error("--out {0}: use a folder or s3://bucket/prefix")]
    BadDestination(String),
    /// The S3 client could not be configured or a request failed.
    #[error("{0}")]
    Object(#[from] object_store::Error),
    /// A file could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A tile could not be read.
    #[error(transparent)]
    Tile(#[from] super::TileError),
    /// The ledger has no signed checkpoint yet.
    #[error("the ledger has no signed checkpoint yet")]
    NoCheckpoint,
}

/// Where the tiles go.
#[derive(Debug, Clone)]
pub enum Destination {
    /// A local folder (the prefix).
    Folder(PathBuf),
    /// An object store, under a key prefix (empty or ending in `/`).
    Object(Arc<dyn ObjectStore>, String),
}

impl Destination {
    /// The destination `out` names: `s3://bucket[/prefix]` (configured from the `AWS_*`
    /// environment, `AWS_ENDPOINT` and `AWS_ALLOW_HTTP=true` for S3-compatible stores), or
    /// a folder.
    ///
    /// # Errors
    /// [`PublishError::BadDestination`] or the S3 client's error.
    pub fn parse(out: &str) -> Result<Destination, PublishError> {
        if let Some(rest) = out.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(PublishError::BadDestination(out.to_string()));
            }
            let s3 = object_store::aws::AmazonS3Builder::from_env()
                .with_bucket_name(bucket)
                .build()?;
            let prefix = prefix.trim_matches('/');
            let prefix = if prefix.is_empty() {
                String::new()
            } else {
                format!("{prefix}/")
            };
            return Ok(Destination::Object(Arc::new(s3), prefix));
        }
        if out.is_empty() || out.contains("://") {
            return Err(PublishError::BadDestination(out.to_string()));
        }
        Ok(Destination::Folder(PathBuf::from(out)))
    }

    /// The bytes at `path` below the prefix, `None` when there are none.
    async fn get(&self, path: &str) -> Result<Option<Vec<u8>>, PublishError> {
        match self {
            Destination::Folder(root) => match std::fs::read(root.join(path)) {
                Ok(b) => Ok(Some(b)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(source) => Err(PublishError::Io {
                    path: root.join(path),
                    source,
                }),
            },
            Destination::Object(store, prefix) => {
                let key = object_store::path::Path::from(format!("{prefix}{path}"));
                match store.get(&key).await {
                    Ok(got) => Ok(Some(got.bytes().await?.to_vec())),
                    Err(object_store::Error::NotFound { .. }) => Ok(None),
                    Err(e) => Err(e.into()),
                }
            }
        }
    }

    /// Writes `bytes` at `path` below the prefix, whole or not at all.
    async fn put(
        &self,
        path: &str,
        bytes: Vec<u8>,
        content_type: &str,
        cache_control: &str,
    ) -> Result<(), PublishError> {
        match self {
            Destination::Folder(root) => write_file(&root.join(path), &bytes),
            Destination::Object(store, prefix) => {
                let key = object_store::path::Path::from(format!("{prefix}{path}"));
                let options = PutOptions {
                    attributes: Attributes::from_iter([
                        (Attribute::ContentType, content_type.to_string()),
                        (Attribute::CacheControl, cache_control.to_string()),
                    ]),
                    ..PutOptions::default()
                };
                store
                    .put_opts(&key, PutPayload::from(bytes), options)
                    .await?;
                Ok(())
            }
        }
    }
}

/// Writes `path` through a temporary file renamed into place.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), PublishError> {
    let io = |source| PublishError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

/// What one run wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The size the copy held before (0 for a new or unrelated copy).
    pub from: u64,
    /// The size it holds now.
    pub to: u64,
    /// Tiles and bundles written.
    pub tiles: usize,
}

/// Brings the copy at `dest` up to the store's latest checkpoint, with its cosignatures:
/// writes the tiles that changed since the checkpoint already there (all of them when
/// there is none, or it is not this log's, or not of this tree), then the checkpoint, and
/// `policy` when given.
///
/// # Errors
/// [`PublishError`]; what was written before the failure is complete and harmless (the
/// old checkpoint still describes the copy).
pub async fn publish(
    store: &Store,
    dest: &Destination,
    vkey: &str,
    policy: Option<&str>,
) -> Result<Published, PublishError> {
    let checkpoint = store
        .latest_checkpoint()
        .await?
        .ok_or(PublishError::NoCheckpoint)?;
    let from = match dest.get("checkpoint").await? {
        Some(bytes) => held_size(store, &bytes, vkey, checkpoint.size).await?,
        None => 0,
    };
    let tiles = changed_tiles(from, checkpoint.size);
    for tile in &tiles {
        let bytes = super::read(store, tile).await?;
        dest.put(
            &tile.path(),
            bytes,
            "application/octet-stream",
            cache_of(tile),
        )
        .await?;
    }
    if let Some(text) = policy {
        dest.put(
            "policy",
            text.as_bytes().to_vec(),
            "text/plain; charset=utf-8",
            "no-cache",
        )
        .await?;
    }
    let lines: Vec<String> = store
        .cosignatures_at(checkpoint.size)
        .await?
        .into_iter()
        .map(|c| c.line)
        .collect();
    let note = with_lines(&checkpoint.note, lines.iter().map(String::as_str));
    dest.put(
        "checkpoint",
        note.into_bytes(),
        "text/plain; charset=utf-8",
        super::CHECKPOINT_CACHE,
    )
    .await?;
    Ok(Published {
        from,
        to: checkpoint.size,
        tiles: tiles.len(),
    })
}

fn cache_of(tile: &Tile) -> &'static str {
    if tile.is_full() {
        super::IMMUTABLE
    } else {
        super::PARTIAL
    }
}

/// The size of the tree the copy's checkpoint describes, when it is this log's (verifies
/// with `vkey`), no larger than ours and of this very tree (same root at that size); else
/// 0, so that everything is written again.
async fn held_size(
    store: &Store,
    bytes: &[u8],
    vkey: &str,
    ours: u64,
) -> Result<u64, PublishError> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(0);
    };
    let Ok(cp) = verify_checkpoint(text, vkey) else {
        return Ok(0);
    };
    if cp.size > ours || cp.size == 0 {
        return Ok(0);
    }
    Ok(if store.tree_root(cp.size).await? == cp.root {
        cp.size
    } else {
        0
    })
}
