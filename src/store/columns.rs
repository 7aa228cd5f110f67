//! Conversions between the ledger's types and database columns, shared by both stores.

use super::StoreError;
use crate::ledger::hash::Hash;

/// A stored 32-byte hash column.
pub(crate) fn hash_of(bytes: &[u8]) -> Result<Hash, StoreError> {
    <[u8; 32]>::try_from(bytes)
        .map(Hash)
        .map_err(|_| StoreError::Corrupt(format!("stored hash has {} bytes, not 32", bytes.len())))
}

/// A stored non-negative integer column (seq, size, index); the schema keeps them >= 0.
pub(crate) fn seq_of(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// A count or position as the databases' signed 64-bit integer.
pub(crate) fn int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
