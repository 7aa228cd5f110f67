//! PostgreSQL: erasing a row of the `donors` table (migrations/postgres/0002_donors.sql) for
//! good (the group commit writes the rows, `commit.rs`).

use super::PostgresStore;
use crate::store::queries::Queries;
use crate::store::{Erasure, StoreError};

impl PostgresStore {
    /// Deletes the row and spoils the idempotency fingerprint in one transaction, then
    /// vacuums the table so the dead row is reclaimed now rather than at the next
    /// autovacuum (the server's own WAL and backups follow the operator's retention).
    pub(in crate::store) async fn erase_donor(&self, seq: u64) -> Result<Erasure, StoreError> {
        if !Queries::delete_donor(self.pool().await?.begin().await?, seq).await? {
            return Ok(Erasure::NothingToErase);
        }
        let _ = sqlx::query("vacuum donors")
            .execute(&*self.pool().await?)
            .await;
        Ok(Erasure::Purged)
    }
}
