//! Blobs in an object store: S3 and S3-compatible stores (`s3://bucket/prefix`), or
//! [`object_store::memory::InMemory`] for tests. The key is `prefix/<first 2 hex>/<sha256>`
//! and the media type is the object's Content-Type.

use super::{Blob, BlobError, BlobInfo, UNKNOWN_MEDIA_TYPE};
use crate::ledger::hash::Hash;
use bytes::Bytes;
use object_store::path::Path as ObjectPath;
use object_store::{Attribute, Attributes, GetOptions, ObjectStore, PutOptions, PutPayload};
use std::sync::Arc;

/// Blobs in an object store under a key prefix.
#[derive(Debug, Clone)]
pub struct ObjectBlobs {
    pub(super) store: Arc<dyn ObjectStore>,
    pub(super) prefix: String,
    describe: String,
}

impl ObjectBlobs {
    /// Blobs in `store` under the key prefix `prefix` (no leading or trailing `/` needed),
    /// described as `describe` in logs.
    pub(super) fn new(store: Arc<dyn ObjectStore>, prefix: &str, describe: &str) -> Self {
        ObjectBlobs {
            store,
            prefix: prefix.trim_matches('/').to_string(),
            describe: describe.to_string(),
        }
    }

    /// Where the blobs are, for logs.
    pub(super) fn describe(&self) -> &str {
        &self.describe
    }

    pub(super) fn key(&self, hash: &Hash) -> ObjectPath {
        let hex = hash.to_hex();
        if self.prefix.is_empty() {
            ObjectPath::from(format!("{}/{hex}", &hex[..2]))
        } else {
            ObjectPath::from(format!("{}/{}/{hex}", self.prefix, &hex[..2]))
        }
    }

    pub(super) async fn put(
        &self,
        hash: &Hash,
        bytes: Bytes,
        media_type: &str,
    ) -> Result<bool, BlobError> {
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

    pub(super) async fn delete(&self, hash: &Hash) -> Result<(), BlobError> {
        match self.store.delete(&self.key(hash)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    pub(super) async fn info(&self, hash: &Hash) -> Result<Option<BlobInfo>, BlobError> {
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

    pub(super) async fn get(&self, hash: &Hash) -> Result<Option<Blob>, BlobError> {
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

/// The media type an object was stored with.
pub(super) fn media_type_of(attributes: &Attributes) -> String {
    attributes
        .get(&Attribute::ContentType)
        .map_or(UNKNOWN_MEDIA_TYPE, |v| v.as_ref())
        .to_string()
}
