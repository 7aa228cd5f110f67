//! Content-addressed storage of evidence files: every blob is named by the SHA-256 of its
//! bytes, never by anything a client chose, and carries one piece of metadata, its media type.
//!
//! Two backends behind one enum:
//! - [`BlobStore::Local`]: a folder, `ROOT/<first 2 hex>/<sha256>` with the media type in
//!   `ROOT/<first 2 hex>/<sha256>.type`. Each file is written to a temporary name in the same
//!   folder, fsynced, renamed into place, and the folder fsynced, so a crash leaves either the
//!   whole blob or none.
//! - [`BlobStore::Object`]: any [`object_store::ObjectStore`]: S3 and S3-compatible stores
//!   (`s3://bucket/prefix`), or [`object_store::memory::InMemory`] for tests. The key is
//!   `prefix/<first 2 hex>/<sha256>` and the media type is the object's Content-Type.
//!
//! The store does not check what it serves against the hash: the ledger is the authority, and
//! anyone can recompute a downloaded file's SHA-256 (the public page does).

mod reading;

pub use reading::BlobReader;

use crate::ledger::hash::{sha256, Hash};
use bytes::Bytes;
use object_store::path::Path as ObjectPath;
use object_store::{Attribute, Attributes, GetOptions, ObjectStore, PutOptions, PutPayload};
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod failure;

pub use failure::BlobFailure;

/// Blob storage failures.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// A local file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The object store refused.
    #[error("object store: {0}")]
    Object(#[from] object_store::Error),
    /// `--evidence-url` is not one this build understands.
    #[error("evidence URL {url:?}: {problem}")]
    Url {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A blocking file task panicked or was cancelled.
    #[error("file task failed: {0}")]
    Task(String),
}

/// A blob just stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored {
    /// Its SHA-256, its name in the store.
    pub hash: Hash,
    /// Whether this call wrote it (`false`: the same bytes were already stored).
    pub created: bool,
}

/// What the store knows about a blob besides its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobInfo {
    /// The media type it was stored with (`application/octet-stream` when unknown).
    pub media_type: String,
    /// Its size in bytes as stored now.
    pub size: u64,
}

/// A blob read back: its bytes and what the store knows about it.
#[derive(Debug, Clone)]
pub struct Blob {
    /// Media type and size.
    pub info: BlobInfo,
    /// The stored bytes (not checked against the hash).
    pub bytes: Bytes,
}

/// The media type reported for a blob stored without one.
const UNKNOWN_MEDIA_TYPE: &str = "application/octet-stream";

/// Where evidence files live.
#[derive(Debug, Clone)]
pub enum BlobStore {
    /// A folder on this machine.
    Local(LocalBlobs),
    /// An object store (S3-compatible, or in memory).
    Object(ObjectBlobs),
}

/// A folder of blobs, `ROOT/<first 2 hex>/<sha256>`.
#[derive(Debug, Clone)]
pub struct LocalBlobs {
    root: PathBuf,
}

/// Blobs in an object store under a key prefix.
#[derive(Debug, Clone)]
pub struct ObjectBlobs {
    store: Arc<dyn ObjectStore>,
    prefix: String,
    describe: String,
}

impl BlobStore {
    /// Blobs in the folder `root` (created on the first write).
    pub fn local(root: impl Into<PathBuf>) -> Self {
        BlobStore::Local(LocalBlobs { root: root.into() })
    }

    /// Blobs in memory, lost when the process ends (tests, embedding).
    pub fn in_memory() -> Self {
        Self::object(
            Arc::new(object_store::memory::InMemory::new()),
            "",
            "memory://",
        )
    }

    /// Blobs in `store` under the key prefix `prefix` (no leading or trailing `/` needed).
    pub fn object(store: Arc<dyn ObjectStore>, prefix: &str, describe: &str) -> Self {
        BlobStore::Object(ObjectBlobs {
            store,
            prefix: prefix.trim_matches('/').to_string(),
            describe: describe.to_string(),
        })
    }

    /// Opens the store an `--evidence-url` names:
    /// - `s3://bucket` or `s3://bucket/prefix`: S3 or an S3-compatible store, configured from
    ///   the usual environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
    ///   `AWS_ENDPOINT` for MinIO and others, `AWS_ALLOW_HTTP=true` for a plain-HTTP endpoint);
    /// - `file:///path` or a plain path: a local folder;
    /// - `memory://`: in memory (lost on restart; for trials only).
    ///
    /// # Errors
    /// [`BlobError::Url`] for another scheme or an S3 URL without a bucket,
    /// [`BlobError::Object`] when the S3 client cannot be configured.
    pub fn from_url(url: &str) -> Result<Self, BlobError> {
        let url = url.trim();
        let bad = |problem: &str| BlobError::Url {
            url: url.to_string(),
            problem: problem.to_string(),
        };
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(bad("an s3:// URL needs a bucket: s3://bucket/prefix"));
            }
            let s3 = object_store::aws::AmazonS3Builder::from_env()
                .with_bucket_name(bucket)
                .build()?;
            Ok(Self::object(Arc::new(s3), prefix, url))
        } else if url == "memory://" || url == "memory:" {
            Ok(Self::in_memory())
        } else if let Some(path) = url.strip_prefix("file://") {
            Ok(Self::local(path))
        } else if url.is_empty() || url.contains("://") {
            Err(bad("use s3://bucket/prefix, file:///folder or memory://"))
        } else {
            Ok(Self::local(url))
        }
    }

    /// Where the blobs are, for logs and start-up messages.
    pub fn describe(&self) -> String {
        match self {
            BlobStore::Local(l) => l.root.display().to_string(),
            BlobStore::Object(o) => o.describe.clone(),
        }
    }

    /// Stores `bytes` under their SHA-256 with `media_type`, and returns the hash. Storing
    /// bytes that are already there keeps the first copy and its media type.
    ///
    /// # Errors
    /// [`BlobError`] when the backend fails.
    pub async fn put(&self, bytes: Bytes, media_type: &str) -> Result<Hash, BlobError> {
        Ok(self.store(bytes, media_type).await?.hash)
    }

    /// [`BlobStore::put`], also saying whether this call wrote the blob or found it stored.
    ///
    /// # Errors
    /// [`BlobError`] when the backend fails; nothing of the blob is then stored.
    pub async fn store(&self, bytes: Bytes, media_type: &str) -> Result<Stored, BlobError> {
        let hash = sha256(&bytes);
        let created = match self {
            BlobStore::Local(l) => l.put(hash, bytes, media_type.to_string()).await?,
            BlobStore::Object(o) => o.put(&hash, bytes, media_type).await?,
        };
        Ok(Stored { hash, created })
    }

    /// Removes the blob `hash` (nothing happens when it is not stored). Only for a blob that
    /// nothing refers to: the caller decides that.
    ///
    /// # Errors
    /// [`BlobError`] when the backend fails.
    pub async fn delete(&self, hash: &Hash) -> Result<(), BlobError> {
        match self {
            BlobStore::Local(l) => l.delete(*hash).await,
            BlobStore::Object(o) => o.delete(hash).await,
        }
    }

    /// The media type and size of the blob `hash`, or `None` when it is not stored.
    ///
    /// # Errors
    /// [`BlobError`] when the backend fails.
    pub async fn info(&self, hash: &Hash) -> Result<Option<BlobInfo>, BlobError> {
        match self {
            BlobStore::Local(l) => l.info(*hash).await,
            BlobStore::Object(o) => o.info(hash).await,
        }
    }

    /// The blob `hash` as stored now, or `None` when it is not stored.
    ///
    /// # Errors
    /// [`BlobError`] when the backend fails.
    pub async fn get(&self, hash: &Hash) -> Result<Option<Blob>, BlobError> {
        match self {
            BlobStore::Local(l) => l.get(*hash).await,
            BlobStore::Object(o) => o.get(hash).await,
        }
    }
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, BlobError> + Send + 'static,
) -> Result<T, BlobError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| BlobError::Task(e.to_string()))?
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BlobError + '_ {
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

    fn type_path(&self, hash: &Hash) -> PathBuf {
        let mut p = self.blob_path(hash).into_os_string();
        p.push(".type");
        PathBuf::from(p)
    }

    /// Writes the blob unless it is there; returns whether it wrote it.
    async fn put(&self, hash: Hash, bytes: Bytes, media_type: String) -> Result<bool, BlobError> {
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
    async fn delete(&self, hash: Hash) -> Result<(), BlobError> {
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

    async fn info(&self, hash: Hash) -> Result<Option<BlobInfo>, BlobError> {
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

    async fn get(&self, hash: Hash) -> Result<Option<Blob>, BlobError> {
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

fn read_type(path: &Path) -> Result<String, BlobError> {
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

impl ObjectBlobs {
    fn key(&self, hash: &Hash) -> ObjectPath {
        let hex = hash.to_hex();
        if self.prefix.is_empty() {
            ObjectPath::from(format!("{}/{hex}", &hex[..2]))
        } else {
            ObjectPath::from(format!("{}/{}/{hex}", self.prefix, &hex[..2]))
        }
    }

    async fn put(&self, hash: &Hash, bytes: Bytes, media_type: &str) -> Result<bool, BlobError> {
        let key = self.key(hash);
        if self.info(hash).await?.is_some() {
            return Ok(false);
        }
        let options = PutOptions {
            attributes: Attributes::from_iter([(Attribute::ContentType, media_type.to_string())]),
            ..PutOptions::default()
        };
        self.store
            .put_opts(&key, PutPayload::from_bytes(bytes), options)
            .await?;
        Ok(true)
    }

    async fn delete(&self, hash: &Hash) -> Result<(), BlobError> {
        match self.store.delete(&self.key(hash)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    async fn info(&self, hash: &Hash) -> Result<Option<BlobInfo>, BlobError> {
        let options = GetOptions {
            head: true,
            ..GetOptions::default()
        };
        match self.store.get_opts(&self.key(hash), options).await {
            Ok(r) => Ok(Some(BlobInfo {
                media_type: media_type_of(&r.attributes),
                size: r.meta.size,
            })),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn get(&self, hash: &Hash) -> Result<Option<Blob>, BlobError> {
        match self.store.get(&self.key(hash)).await {
            Ok(r) => {
                let media_type = media_type_of(&r.attributes);
                let bytes = r.bytes().await?;
                Ok(Some(Blob {
                    info: BlobInfo {
                        media_type,
                        size: bytes.len() as u64,
                    },
                    bytes,
                }))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

fn media_type_of(attributes: &Attributes) -> String {
    attributes
        .get(&Attribute::ContentType)
        .map_or(UNKNOWN_MEDIA_TYPE, |v| v.as_ref())
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn round_trip(store: &BlobStore) {
        let bytes = Bytes::from_static(b"%PDF-1.4 a tiny invoice");

        let hash = store.put(bytes.clone(), "application/pdf").await.unwrap();
        let again = store.put(bytes.clone(), "text/plain").await.unwrap();

        assert_eq!(hash, sha256(&bytes));
        assert_eq!(again, hash);
        let blob = store.get(&hash).await.unwrap().expect("stored");
        assert_eq!(blob.bytes, bytes);
        let expected = BlobInfo {
            media_type: "application/pdf".into(),
            size: bytes.len() as u64,
        };
        assert_eq!(blob.info, expected);
        assert_eq!(store.info(&hash).await.unwrap(), Some(expected));
        let missing = sha256(b"never stored");
        assert!(store.get(&missing).await.unwrap().is_none());
        assert!(store.info(&missing).await.unwrap().is_none());
    }

    async fn created_then_found_then_deleted(store: &BlobStore) {
        let bytes = Bytes::from_static(b"%PDF-1.4 a receipt");

        let first = store.store(bytes.clone(), "application/pdf").await.unwrap();
        let second = store.store(bytes.clone(), "application/pdf").await.unwrap();
        store.delete(&first.hash).await.unwrap();
        store.delete(&first.hash).await.unwrap();

        assert!(first.created);
        assert!(!second.created);
        assert_eq!(second.hash, first.hash);
        assert!(store.info(&first.hash).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn both_backends_say_whether_a_write_created_the_blob_and_delete_it() {
        let dir = tempfile::tempdir().unwrap();
        let local = BlobStore::local(dir.path().join("evidence"));

        created_then_found_then_deleted(&local).await;
        created_then_found_then_deleted(&BlobStore::in_memory()).await;

        let hex = sha256(b"%PDF-1.4 a receipt").to_hex();
        let folder = dir.path().join("evidence").join(&hex[..2]);
        assert_eq!(
            std::fs::read_dir(folder).unwrap().count(),
            0,
            "no blob, no .type file"
        );
    }

    #[tokio::test]
    async fn a_local_folder_stores_blobs_by_hash_and_keeps_the_first_media_type() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::local(dir.path().join("evidence"));

        round_trip(&store).await;

        let hex = sha256(b"%PDF-1.4 a tiny invoice").to_hex();
        let path = dir.path().join("evidence").join(&hex[..2]).join(&hex);
        assert!(path.is_file());
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[tokio::test]
    async fn an_object_store_stores_blobs_by_hash_with_their_content_type() {
        let memory = Arc::new(object_store::memory::InMemory::new());
        let store = BlobStore::object(memory.clone(), "/ledger/evidence/", "memory://");

        round_trip(&store).await;

        let hex = sha256(b"%PDF-1.4 a tiny invoice").to_hex();
        let key = ObjectPath::from(format!("ledger/evidence/{}/{hex}", &hex[..2]));
        let stored = memory.get(&key).await.expect("object under the prefix");
        assert_eq!(
            stored
                .attributes
                .get(&Attribute::ContentType)
                .map(|v| v.as_ref()),
            Some("application/pdf")
        );
    }

    #[test]
    fn evidence_urls_name_a_folder_an_s3_bucket_or_memory() {
        assert!(
            matches!(BlobStore::from_url("/srv/evidence"), Ok(BlobStore::Local(l)) if l.root() == Path::new("/srv/evidence"))
        );
        assert!(
            matches!(BlobStore::from_url("file:///srv/e"), Ok(BlobStore::Local(l)) if l.root() == Path::new("/srv/e"))
        );
        assert!(matches!(
            BlobStore::from_url("memory://"),
            Ok(BlobStore::Object(_))
        ));
        match BlobStore::from_url("s3://fundtrail-evidence/prod/files") {
            Ok(BlobStore::Object(o)) => assert_eq!(o.prefix, "prod/files"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            BlobStore::from_url("s3:///x"),
            Err(BlobError::Url { .. })
        ));
        assert!(matches!(
            BlobStore::from_url("gs://b"),
            Err(BlobError::Url { .. })
        ));
    }
}
