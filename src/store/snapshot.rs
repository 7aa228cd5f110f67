//! The head of the stored ledger read as one consistent snapshot: the latest signed
//! checkpoint, the campaign rows written in the same transaction, and how many entries
//! the store holds. A full audit checks the entries against exactly this head while the
//! sequencer goes on appending.

use super::queries::Queries;
use super::{Store, StoreError, StoredCampaign, StoredCheckpoint};

/// What the store held at one instant.
#[derive(Debug, Clone)]
pub struct HeadSnapshot {
    /// The latest signed checkpoint, if any.
    pub checkpoint: Option<StoredCheckpoint>,
    /// Every campaign row, in opening order.
    pub campaigns: Vec<StoredCampaign>,
    /// One more than the highest stored `seq` (0 when there is none).
    pub size: u64,
}

impl Store {
    /// The latest checkpoint, the campaign rows and the stored size, read in one read
    /// transaction (SQLite: one snapshot of the WAL; PostgreSQL: repeatable read), so the
    /// rows are those committed with that checkpoint.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn head_snapshot(&self) -> Result<HeadSnapshot, StoreError> {
        match self {
            Store::Sqlite(s) => Queries::head(s.pool().begin().await?).await,
            Store::Postgres(s) => {
                let read = "begin isolation level repeatable read read only";
                Queries::head(s.pool().await?.begin_with(read).await?).await
            }
        }
    }
}
