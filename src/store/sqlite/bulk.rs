//! SQLite: one transaction over several batches (a statement's import), held on the
//! writing connection from `begin` to `commit` or `rollback`, so nothing of it is visible
//! to readers (WAL) until it commits and nothing is left if it does not.

use super::commit::{Params, GROUP_COMMIT};
use super::{closed, SqliteStore, BULK_CACHE_PRAGMA, WRITER_CACHE_PRAGMA};
use crate::store::indexed::Indexed;
use crate::store::{Batch, StoreError};
use sqlx::sqlite::SqliteConnection;
use std::sync::LazyLock;
use tokio::sync::OwnedMutexGuard;

/// The group commit's inserts without its `begin` and `commit`.
static INSERTS: LazyLock<&'static str> = LazyLock::new(|| {
    GROUP_COMMIT
        .trim_start_matches("begin immediate;")
        .trim_end_matches("commit;")
});

/// The writing connection, inside an open transaction.
pub(in crate::store) struct SqliteBulk {
    writer: OwnedMutexGuard<Option<SqliteConnection>>,
    store: SqliteStore,
}

impl SqliteStore {
    /// Takes the writing connection (waiting for the commit in progress) and begins a
    /// transaction on it.
    pub(in crate::store) async fn begin_bulk(&self) -> Result<SqliteBulk, StoreError> {
        let mut writer = std::sync::Arc::clone(&self.writer).lock_owned().await;
        let conn = writer.as_mut().ok_or_else(closed)?;
        sqlx::query(BULK_CACHE_PRAGMA).execute(&mut *conn).await?;
        if let Err(e) = sqlx::query("begin immediate").execute(&mut *conn).await {
            let _ = sqlx::query(WRITER_CACHE_PRAGMA).execute(&mut *conn).await;
            return Err(e.into());
        }
        Ok(SqliteBulk {
            writer,
            store: self.clone(),
        })
    }
}

impl SqliteBulk {
    fn conn(&mut self) -> Result<&mut SqliteConnection, StoreError> {
        self.writer.as_mut().ok_or_else(closed)
    }

    /// Writes `batch` (whose entries have the columns `indexed`) in the transaction.
    pub(in crate::store) async fn write(
        &mut self,
        batch: &Batch,
        indexed: &[Indexed<'_>],
    ) -> Result<(), StoreError> {
        let p = Params::of(batch, indexed)?;
        sqlx::query(*INSERTS)
            .bind(p.leaves)
            .bind(p.entries)
            .bind(p.donors)
            .bind(p.keys)
            .bind(p.hashes)
            .bind(p.campaigns)
            .bind(p.checkpoint)
            .execute(self.conn()?)
            .await?;
        // Before the commit: a lookup confirms every candidate against the stored rows, so
        // a fingerprint of a batch rolled back later costs one read, never a wrong answer.
        self.store.references.record(
            batch
                .entries
                .iter()
                .zip(indexed)
                .filter_map(|(e, i)| i.reference.map(|r| (r, e.entry.seq))),
        );
        self.store.keys.record(batch.entries.iter().filter_map(|e| {
            e.idempotency_key
                .as_ref()
                .map(|(key, _)| (key.as_str(), e.entry.seq))
        }));
        Ok(())
    }

    /// The (campaign, reference) pairs of donations with any of `references`, stored or
    /// written in the transaction.
    pub(in crate::store) async fn existing_references(
        &mut self,
        references: &[String],
    ) -> Result<std::collections::HashSet<(String, String)>, StoreError> {
        let store = self.store.clone();
        store.existing_references_on(self.conn()?, references).await
    }

    /// Commits everything written.
    pub(in crate::store) async fn commit(mut self) -> Result<(), StoreError> {
        let committed = sqlx::query("commit").execute(self.conn()?).await;
        if let Err(e) = committed {
            let _ = sqlx::query("rollback").execute(self.conn()?).await;
            self.restore_cache().await;
            return Err(e.into());
        }
        self.restore_cache().await;
        Ok(())
    }

    /// Undoes everything written.
    pub(in crate::store) async fn rollback(mut self) {
        if let Ok(conn) = self.conn() {
            let _ = sqlx::query("rollback").execute(conn).await;
        }
        self.restore_cache().await;
    }

    /// Gives the writing connection its usual page cache back. Only the cache's size is at
    /// stake (not what was written), so a failure here is not the import's.
    async fn restore_cache(&mut self) {
        if let Ok(conn) = self.conn() {
            let _ = sqlx::query(WRITER_CACHE_PRAGMA).execute(conn).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::WRITER_CACHE_KIB;
    use super::WRITER_CACHE_PRAGMA;

    #[test]
    fn the_cache_set_again_after_an_import_is_the_writers_usual_one() {
        assert_eq!(
            WRITER_CACHE_PRAGMA,
            format!("pragma cache_size = {WRITER_CACHE_KIB}")
        );
    }
}
