//! One store transaction over many batches: a bank statement's import writes its entry and
//! its donations a chunk at a time, so its memory does not grow with the statement, and
//! commits them together (or rolls all of them back), so a reader sees all or nothing.
//!
//! While a [`BulkWrite`] is open the SQLite store's writing connection is held by it (other
//! writes wait); on PostgreSQL it holds one connection of the pool in a transaction.

use super::postgres::{existing_references_in, write_batch};
use super::sqlite::SqliteBulk;
use super::{Batch, Store, StoreError};

/// An open transaction over several batches; dropped without [`BulkWrite::commit`], it is
/// rolled back (SQLite: by [`BulkWrite::rollback`], which callers call on every failure).
pub struct BulkWrite {
    store: Store,
    open: Open,
}

enum Open {
    Sqlite(SqliteBulk),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Store {
    /// Begins a transaction for [`BulkWrite::write`]s, holding the writer.
    ///
    /// # Errors
    /// [`StoreError`] when the transaction cannot begin.
    pub async fn begin_bulk(&self) -> Result<BulkWrite, StoreError> {
        let open = match self {
            Store::Sqlite(s) => Open::Sqlite(s.begin_bulk().await?),
            Store::Postgres(s) => Open::Postgres(s.begin().await?),
        };
        Ok(BulkWrite {
            store: self.clone(),
            open,
        })
    }
}

impl BulkWrite {
    /// Writes `batch` in the transaction, with each entry's index columns; readers see
    /// none of it until [`BulkWrite::commit`].
    ///
    /// # Errors
    /// [`StoreError`]; the caller then rolls the whole transaction back.
    pub async fn write(&mut self, batch: &Batch) -> Result<(), StoreError> {
        let indexed = self.store.index_columns(&batch.entries).await?;
        match &mut self.open {
            Open::Sqlite(s) => s.write(batch, &indexed).await,
            Open::Postgres(tx) => write_batch(tx, batch, &indexed).await,
        }
    }

    /// The (campaign, reference) pairs of the donations with any of `references`: committed
    /// ones and those written in this transaction (read in it), so a statement's import need
    /// not hold the references of the chunks it wrote.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn existing_references(
        &mut self,
        references: &[String],
    ) -> Result<std::collections::HashSet<(String, String)>, StoreError> {
        if references.is_empty() {
            return Ok(Default::default());
        }
        match &mut self.open {
            Open::Sqlite(s) => s.existing_references(references).await,
            Open::Postgres(tx) => existing_references_in(tx, references).await,
        }
    }

    /// Commits every batch written, durably.
    ///
    /// # Errors
    /// [`StoreError`]; nothing of the transaction was kept then.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.open {
            Open::Sqlite(s) => s.commit().await?,
            Open::Postgres(tx) => tx.commit().await?,
        }
        self.store.wake_search_indexer();
        Ok(())
    }

    /// Undoes every batch written.
    pub async fn rollback(self) {
        match self.open {
            Open::Sqlite(s) => s.rollback().await,
            Open::Postgres(tx) => {
                let _ = tx.rollback().await;
            }
        }
    }
}
