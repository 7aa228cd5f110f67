//! Reading a blob as a stream of chunks: serving a file holds one chunk of it at a time,
//! not the whole file, however many clients download it at once.

use super::local::{blocking, io, read_type, LocalBlobs};
use super::object::{media_type_of, ObjectBlobs};
use super::{BlobError, BlobInfo, BlobStore};
use crate::ledger::hash::Hash;
use bytes::{Bytes, BytesMut};
use futures_util::stream::{BoxStream, StreamExt as _};
use tokio::io::AsyncReadExt as _;

/// Bytes read from a local file at once.
const CHUNK_BYTES: usize = 64 * 1024;

/// A blob being read: what the store knows about it, and its bytes in order, in chunks.
pub struct BlobReader {
    /// Media type and size.
    pub info: BlobInfo,
    /// The stored bytes (not checked against the hash).
    pub chunks: BoxStream<'static, Result<Bytes, std::io::Error>>,
}

impl BlobStore {
    /// The blob named `hash`, to read in chunks, or `None` when it is not stored.
    ///
    /// # Errors
    /// [`BlobError`] when the store cannot be read; a failure after the first chunk ends
    /// the stream with an error instead.
    pub async fn read(&self, hash: &Hash) -> Result<Option<BlobReader>, BlobError> {
        match self {
            BlobStore::Local(l) => l.read(*hash).await,
            BlobStore::Object(o) => o.read(hash).await,
        }
    }
}

impl LocalBlobs {
    async fn read(&self, hash: Hash) -> Result<Option<BlobReader>, BlobError> {
        let (path, kind) = (self.blob_path(&hash), self.type_path(&hash));
        let file = match tokio::fs::File::open(&path).await {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(&path)(e)),
        };
        let size = file.metadata().await.map_err(io(&path))?.len();
        let media_type = blocking(move || read_type(&kind)).await?;
        let chunks = futures_util::stream::unfold(Some(file), |file| async move {
            let mut file = file?;
            let mut buffer = BytesMut::with_capacity(CHUNK_BYTES);
            match file.read_buf(&mut buffer).await {
                Ok(0) => None,
                Ok(_) => Some((Ok(buffer.freeze()), Some(file))),
                Err(e) => Some((Err(e), None)),
            }
        })
        .boxed();
        Ok(Some(BlobReader {
            info: BlobInfo { media_type, size },
            chunks,
        }))
    }
}

impl ObjectBlobs {
    async fn read(&self, hash: &Hash) -> Result<Option<BlobReader>, BlobError> {
        match self.store.get(&self.key(hash)).await {
            Ok(r) => {
                let info = BlobInfo {
                    media_type: media_type_of(&r.attributes),
                    size: r.meta.size,
                };
                let chunks = r
                    .into_stream()
                    .map(|chunk| chunk.map_err(std::io::Error::other))
                    .boxed();
                Ok(Some(BlobReader { info, chunks }))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::hash::sha256;

    /// Stores a file of several chunks and reads it back in chunks (each at most
    /// `largest_chunk` bytes).
    async fn reads_back_in_chunks(store: &BlobStore, largest_chunk: usize) {
        let bytes: Vec<u8> = (0..3 * CHUNK_BYTES + 17).map(|i| (i % 253) as u8).collect();
        let hash = store
            .put(Bytes::from(bytes.clone()), "application/pdf")
            .await
            .expect("stored");

        let reader = store.read(&hash).await.expect("read").expect("present");
        let chunks: Vec<Bytes> = reader.chunks.map(|c| c.expect("chunk")).collect().await;

        assert_eq!(reader.info.size, bytes.len() as u64);
        assert_eq!(reader.info.media_type, "application/pdf");
        assert!(chunks.iter().all(|c| c.len() <= largest_chunk));
        assert_eq!(chunks.concat(), bytes);
        assert!(store
            .read(&sha256(b"never stored"))
            .await
            .expect("read")
            .is_none());
    }

    #[tokio::test]
    async fn a_local_blob_is_read_back_in_chunks_of_at_most_64_kib() {
        let dir = tempfile::tempdir().expect("temporary folder");
        reads_back_in_chunks(&BlobStore::local(dir.path().join("evidence")), CHUNK_BYTES).await;
    }

    #[tokio::test]
    async fn an_object_store_blob_is_read_back_whole_in_chunks() {
        let memory = std::sync::Arc::new(object_store::memory::InMemory::new());
        let store = BlobStore::object(memory, "/evidence/", "memory://");
        // The in-memory store hands its object over as one chunk; S3 as the network does.
        reads_back_in_chunks(&store, usize::MAX).await;
    }
}
