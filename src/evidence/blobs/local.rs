//! Blobs in a folder on this machine: `ROOT/<first 2 hex>/<sha256>`, the media type beside
//! it in `<sha256>.type`. Each file is written to a temporary name in the same folder,
//! fsynced, renamed into place, and the folder fsynced, so a crash leaves either the whole
//! blob or none; the type is written first, so a blob never exists without it.

use super::{Blob, BlobError, BlobInfo, UNKNOWN_MEDIA_TYPE};
use crate::ledger::hash::Hash;
use bytes::Bytes;
use std::path::{Path, PathBuf};

/// A folder of blobs, `ROOT/<first 2 hex>/<sha256>`.
#[derive(Debug, Clone)]
pub struct LocalBlobs {
    root: PathBuf,
}

impl LocalBlobs {
    /// Blobs in the folder `root`.
    pub(super) fn new(root: PathBuf) -> Self {
        LocalBlobs { root }
    }
}

/// Runs blocking file work off the async threads.
pub(super) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, BlobError> + Send + 'static,
) -> Result<T, BlobError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| BlobError::Task(e.to_string()))?
}

/// The error for a failed read or write of `path`.
pub(super) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BlobError + '_ {
    move |source| BlobError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl LocalBlobs {
    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `ROOT/<first 2 hex>/<sha256>`: the only kind of path a blob is ever written to.
    pub fn blob_path(&self, hash: &Hash) -> PathBuf {
        let hex = hash.to_hex();
        self.root.join(&hex[..2]).join(hex)
    }

    pub(super) fn type_path(&self, hash: &Hash) -> PathBuf {
        let mut p = self.blob_path(hash).into_os_string();
        p.push(".type");
        PathBuf::from(p)
    }

    /// Writes the blob unless it is there; returns whether it wrote it.
    pub(super) async fn put(
        &self,
        hash: Hash,
        bytes: Bytes,
        media_type: String,
    ) -> Result<bool, BlobError> {
        let (blob, kind) = (self.blob_path(&hash), self.type_path(&hash));
        blocking(move || {
            if blob.exists() {
                return Ok(false);
            }
            let folder = blob.parent().unwrap_or(Path::new("."));
            crate::private_fs::create_folder(folder).map_err(io(folder))?;
            // The media type first: a blob file never exists without its type beside it.
            write_atomically(&kind, media_type.as_bytes())?;
            write_atomically(&blob, &bytes)?;
            sync_folder(folder)?;
            Ok(true)
        })
        .await
    }

    /// Removes the blob, then its media type (so a blob never exists without its type).
    pub(super) async fn delete(&self, hash: Hash) -> Result<(), BlobError> {
        let (blob, kind) = (self.blob_path(&hash), self.type_path(&hash));
        blocking(move || {
            for path in [&blob, &kind] {
                match std::fs::remove_file(path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io(path)(e)),
                }
            }
            sync_folder(blob.parent().unwrap_or(Path::new(".")))
        })
        .await
    }

    pub(super) async fn info(&self, hash: Hash) -> Result<Option<BlobInfo>, BlobError> {
        let (blob, kind) = (self.blob_path(&hash), self.type_path(&hash));
        blocking(move || {
            let size = match std::fs::metadata(&blob) {
                Ok(m) if m.is_file() => m.len(),
                Ok(_) => return Ok(None),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(io(&blob)(e)),
            };
            Ok(Some(BlobInfo {
                media_type: read_type(&kind)?,
                size,
            }))
        })
        .await
    }

    pub(super) async fn get(&self, hash: Hash) -> Result<Option<Blob>, BlobError> {
        let (blob, kind) = (self.blob_path(&hash), self.type_path(&hash));
        blocking(move || {
            let bytes = match std::fs::read(&blob) {
                Ok(b) => Bytes::from(b),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(io(&blob)(e)),
            };
            Ok(Some(Blob {
                info: BlobInfo {
                    media_type: read_type(&kind)?,
                    size: bytes.len() as u64,
                },
                bytes,
            }))
        })
        .await
    }
}

/// The media type stored at `path`, or [`UNKNOWN_MEDIA_TYPE`] when there is none.
pub(super) fn read_type(path: &Path) -> Result<String, BlobError> {
    match std::fs::read_to_string(path) {
        Ok(t) if !t.trim().is_empty() => Ok(t.trim().to_string()),
        Ok(_) => Ok(UNKNOWN_MEDIA_TYPE.to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(UNKNOWN_MEDIA_TYPE.to_string()),
        Err(e) => Err(io(path)(e)),
    }
}

/// Writes `bytes` to a temporary file (mode 0600) beside `path`, fsyncs it and renames it
/// to `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), BlobError> {
    use std::io::Write;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp-{}-{}", std::process::id(), unique()));
    let tmp = PathBuf::from(tmp);
    let result = crate::private_fs::file_options()
        .create(true)
        .truncate(true)
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io(path))
}

/// A number no other write in this process has used (for temporary file names).
fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Makes the renames in `folder` durable.
fn sync_folder(folder: &Path) -> Result<(), BlobError> {
    #[cfg(unix)]
    {
        std::fs::File::open(folder)
            .and_then(|f| f.sync_all())
            .map_err(io(folder))?;
    }
    #[cfg(not(unix))]
    let _ = folder;
    Ok(())
}
