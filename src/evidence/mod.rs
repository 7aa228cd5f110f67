//! Evidence for disbursements: which files are accepted (size, media type checked against the
//! file's leading bytes), storing them by SHA-256 in a [`BlobStore`], and checking that the
//! evidence a disbursement lists is stored as listed.
//!
//! What a file may be is in `rules.rs` (size, media type, name), how its leading bytes are
//! recognised in `formats.rs`, an upload of several files that succeed or fail together in
//! `upload.rs`, and where files are kept in [`blobs`] (a local folder, or S3).

pub mod blobs;
mod formats;
mod rules;
mod upload;

pub use formats::sniff;
pub use rules::{
    display_name, media_type_of, ALLOWED_MEDIA_TYPES, DEFAULT_MAX_FILE_BYTES, MAX_FILES_PER_UPLOAD,
};
pub use upload::Upload;

use crate::ledger::entry::Evidence;
use crate::ledger::hash::Hash;
use blobs::{Blob, BlobError, BlobStore};
use bytes::Bytes;
use std::sync::Arc;

/// Why a file or a disbursement's evidence list was refused.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    /// The file is larger than the limit.
    #[error("file {name:?} is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The file's display name.
        name: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// The file has no bytes.
    #[error("file {name:?} is empty")]
    Empty {
        /// The file's display name.
        name: String,
    },
    /// The media type is not one evidence may have.
    #[error("file {name:?}: media type {media_type:?} is not accepted; use one of {}", ALLOWED_MEDIA_TYPES.join(", "))]
    Unsupported {
        /// The file's display name.
        name: String,
        /// The declared (or missing) media type.
        media_type: String,
    },
    /// The bytes are not what the declared media type says.
    #[error("file {name:?} is declared {declared} but its bytes {}", match detected {
        Some(d) => format!("are {d}"),
        None => format!("do not look like {declared}"),
    })]
    Mismatch {
        /// The file's display name.
        name: String,
        /// The declared media type.
        declared: String,
        /// What the leading bytes say, when they say something.
        detected: Option<&'static str>,
    },
    /// The file name cannot be kept as a display name.
    #[error("file name {name:?}: {problem}")]
    BadName {
        /// The name as sent.
        name: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A listed document is not in the evidence store.
    #[error(
        "evidence {0} is not in the evidence store; upload it first with POST /api/v1/evidence"
    )]
    NotStored(Hash),
    /// A listed document's size differs from the stored file's.
    #[error(
        "evidence {sha256} is listed with size {listed} but the stored file has {stored} bytes"
    )]
    SizeMismatch {
        /// The document.
        sha256: Hash,
        /// The size in the request.
        listed: u64,
        /// The stored file's size.
        stored: u64,
    },
    /// A listed document's media type differs from the stored file's.
    #[error("evidence {sha256} is listed as {listed} but was stored as {stored}")]
    TypeMismatch {
        /// The document.
        sha256: Hash,
        /// The media type in the request.
        listed: String,
        /// The stored media type.
        stored: String,
    },
    /// The blob store failed.
    #[error(transparent)]
    Blob(#[from] BlobError),
}

/// The evidence store of a running server: where files go and how large they may be.
#[derive(Debug, Clone)]
pub struct EvidenceStore {
    /// Where the files live.
    pub blobs: BlobStore,
    /// The largest file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Files stored by upload requests still in progress (shared by every clone).
    tentative: Arc<upload::Tentative>,
}

impl EvidenceStore {
    /// Files in `blobs`, each at most `max_file_bytes`.
    pub fn new(blobs: BlobStore, max_file_bytes: u64) -> Self {
        EvidenceStore {
            blobs,
            max_file_bytes,
            tentative: Arc::default(),
        }
    }

    /// Starts an upload request: files added to it are stored at once, and removed again if
    /// the request is abandoned (see [`Upload`]).
    pub fn begin_upload(&self) -> Upload {
        Upload::new(self.clone())
    }

    /// An in-memory store with the default limit (tests and embedding; nothing survives).
    pub fn in_memory() -> Self {
        Self::new(BlobStore::in_memory(), DEFAULT_MAX_FILE_BYTES)
    }

    /// Checks one uploaded file and stores it for good; returns the [`Evidence`] a
    /// disbursement lists. (An upload of several files that must succeed or fail together
    /// uses [`EvidenceStore::begin_upload`].)
    ///
    /// # Errors
    /// [`EvidenceError`]: too large, empty, a refused media type or name, or a storage failure.
    pub async fn upload(
        &self,
        name: Option<&str>,
        declared: Option<&str>,
        bytes: Bytes,
    ) -> Result<Evidence, EvidenceError> {
        let mut upload = self.begin_upload();
        match upload.add(name, declared, bytes).await {
            Ok(evidence) => {
                upload.keep();
                Ok(evidence)
            }
            Err(e) => {
                upload.abandon().await;
                Err(e)
            }
        }
    }

    /// Checks one uploaded file and returns it with its media type, ready to store.
    ///
    /// # Errors
    /// [`EvidenceError`]: too large, empty, or a refused media type or name.
    fn check(
        &self,
        name: Option<&str>,
        declared: Option<&str>,
        bytes: &[u8],
    ) -> Result<(Option<String>, &'static str), EvidenceError> {
        let name = display_name(name)?;
        let shown = name.clone().unwrap_or_default();
        if bytes.len() as u64 > self.max_file_bytes {
            return Err(EvidenceError::TooLarge {
                name: shown,
                limit: self.max_file_bytes,
            });
        }
        if bytes.is_empty() {
            return Err(EvidenceError::Empty { name: shown });
        }
        let media_type = media_type_of(&shown, declared, bytes)?;
        Ok((name, media_type))
    }

    /// Checks that every listed document is stored with the listed size and media type.
    ///
    /// # Errors
    /// The first [`EvidenceError::NotStored`], [`EvidenceError::SizeMismatch`] or
    /// [`EvidenceError::TypeMismatch`], or a storage failure.
    pub async fn check_listed(&self, evidence: &[Evidence]) -> Result<(), EvidenceError> {
        for e in evidence {
            // A file still in an upload request is kept from now on, whatever that request's
            // fate: this disbursement may list it.
            let info = self
                .tentative
                .while_relied_on(&e.sha256, self.blobs.info(&e.sha256))
                .await?
                .ok_or(EvidenceError::NotStored(e.sha256))?;
            if info.size != e.size {
                return Err(EvidenceError::SizeMismatch {
                    sha256: e.sha256,
                    listed: e.size,
                    stored: info.size,
                });
            }
            if info.media_type != e.media_type {
                return Err(EvidenceError::TypeMismatch {
                    sha256: e.sha256,
                    listed: e.media_type.clone(),
                    stored: info.media_type,
                });
            }
        }
        Ok(())
    }

    /// The stored file `sha256`, as stored now (not checked against the hash).
    ///
    /// # Errors
    /// A storage failure.
    pub async fn open(&self, sha256: &Hash) -> Result<Option<Blob>, EvidenceError> {
        Ok(self.blobs.get(sha256).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj";

    #[tokio::test]
    async fn a_listed_document_must_be_stored_with_the_listed_size_and_type() {
        let store = EvidenceStore::in_memory();
        let stored = store
            .upload(
                Some("a.pdf"),
                Some("application/pdf"),
                Bytes::from_static(PDF),
            )
            .await
            .unwrap();

        assert!(store
            .check_listed(std::slice::from_ref(&stored))
            .await
            .is_ok());
        let mut bigger = stored.clone();
        bigger.size += 1;
        assert!(matches!(
            store.check_listed(&[bigger]).await,
            Err(EvidenceError::SizeMismatch { .. })
        ));
        let mut png = stored.clone();
        png.media_type = "image/png".into();
        assert!(matches!(
            store.check_listed(&[png]).await,
            Err(EvidenceError::TypeMismatch { .. })
        ));
        let mut unknown = stored;
        unknown.sha256 = crate::ledger::hash::sha256(b"other");
        assert!(matches!(
            store.check_listed(&[unknown]).await,
            Err(EvidenceError::NotStored(_))
        ));
    }

    #[tokio::test]
    async fn files_over_the_limit_and_empty_files_are_refused() {
        let store = EvidenceStore::new(BlobStore::in_memory(), 8);

        let big = store
            .upload(
                Some("big.pdf"),
                Some("application/pdf"),
                Bytes::from_static(PDF),
            )
            .await;
        let empty = store
            .upload(Some("e.txt"), Some("text/plain"), Bytes::new())
            .await;

        assert!(matches!(big, Err(EvidenceError::TooLarge { limit: 8, .. })));
        assert!(matches!(empty, Err(EvidenceError::Empty { .. })));
    }
}
