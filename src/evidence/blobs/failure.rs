//! What a blob storage failure means for a client, so the API can answer 507 for a full store
//! and 503 for a read-only one instead of a bare 500.

use super::BlobError;

/// What a storage failure means for a client: retrying helps only once space is freed (full)
/// or the store is writable again (read-only); anything else is the server's fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobFailure {
    /// No space left (or a quota reached).
    Full,
    /// The store refuses writes: a read-only file system, or no permission to write.
    ReadOnly,
    /// Any other failure.
    Other,
}

impl BlobError {
    /// What this failure means for a client.
    pub fn failure(&self) -> BlobFailure {
        let BlobError::Io { source, .. } = self else {
            return BlobFailure::Other;
        };
        /// `EDQUOT` on Linux: a disk quota reached is a full disk to this user.
        const QUOTA_EXCEEDED: i32 = 122;
        match source.kind() {
            std::io::ErrorKind::StorageFull => BlobFailure::Full,
            _ if cfg!(target_os = "linux") && source.raw_os_error() == Some(QUOTA_EXCEEDED) => {
                BlobFailure::Full
            }
            std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied => {
                BlobFailure::ReadOnly
            }
            _ => BlobFailure::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn a_full_disk_and_a_read_only_store_are_told_apart_from_other_failures() {
        let io = |kind: std::io::ErrorKind| BlobError::Io {
            path: PathBuf::from("/srv/evidence/ab/abcd"),
            source: kind.into(),
        };

        assert_eq!(
            io(std::io::ErrorKind::StorageFull).failure(),
            BlobFailure::Full
        );
        assert_eq!(
            BlobError::Io {
                path: PathBuf::from("x"),
                source: std::io::Error::from_raw_os_error(28), // ENOSPC
            }
            .failure(),
            BlobFailure::Full
        );
        assert_eq!(
            io(std::io::ErrorKind::ReadOnlyFilesystem).failure(),
            BlobFailure::ReadOnly
        );
        assert_eq!(
            io(std::io::ErrorKind::PermissionDenied).failure(),
            BlobFailure::ReadOnly
        );
        assert_eq!(
            io(std::io::ErrorKind::InvalidData).failure(),
            BlobFailure::Other
        );
    }
}
