//! Content-addressed storage of evidence files: every blob is named by the SHA-256 of its
//! bytes, never by anything a client chose, and carries one piece of metadata, its media type.
//!
//! Two backends behind one enum: [`BlobStore::Local`], a folder (`local.rs`), and
//! [`BlobStore::Object`], any [`object_store::ObjectStore`]: S3 and S3-compatible stores,
//! or memory for tests (`object.rs`). Reading a blob in chunks is in `reading.rs`.
//!
//! The store does not check what it serves against the hash: the ledger is the authority, and
//! anyone can recompute a downloaded file's SHA-256 (the public page does).

mod failure;
mod local;
mod object;
mod reading;

pub use failure::BlobFailure;
pub use local::LocalBlobs;
pub use object::ObjectBlobs;
pub use reading::BlobReader;

use crate::ledger::hash::{sha256, Hash};
use bytes::Bytes;
use object_store::ObjectStore;
use std::path::PathBuf;
use std::sync::Arc;

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

impl BlobStore {
    /// Blobs in the folder `root` (created on the first write).
    pub fn local(root: impl Into<PathBuf>) -> Self {
        BlobStore::Local(LocalBlobs::new(root.into()))
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
        BlobStore::Object(ObjectBlobs::new(store, prefix, describe))
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
            BlobStore::Local(l) => l.root().display().to_string(),
            BlobStore::Object(o) => o.describe().to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use object_store::path::Path as ObjectPath;
    use object_store::Attribute;
    use std::path::Path;

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
