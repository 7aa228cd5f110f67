//! The SQLite store: WAL journal, `synchronous=FULL`, one transaction per group commit.

use super::queries::Queries;
use super::StoreError;
use crate::ledger::hash::Hash;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::Connection;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

mod bulk;
pub(super) use bulk::SqliteBulk;
mod commit;
mod donors;
mod lookups;

/// A ledger in one SQLite file.
///
/// `writer` is one long-lived connection, used only by the sequencer (group commits and
/// the lookups that judge a batch), so its page cache stays warm across commits and it
/// needs no pool round trips; `pool` serves every read. WAL lets the readers run while
/// the writer commits.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    writer: std::sync::Arc<tokio::sync::Mutex<Option<SqliteConnection>>>,
    caches: std::sync::Arc<super::Caches>,
    /// Donation references, by fingerprint.
    references: std::sync::Arc<super::fingerprints::FingerprintIndex>,
    /// Idempotency keys, by fingerprint.
    keys: std::sync::Arc<super::fingerprints::FingerprintIndex>,
    /// How connections are opened (the purge after an erasure opens its own).
    options: std::sync::Arc<SqliteConnectOptions>,
    /// The background purge of erased personal data.
    purge: std::sync::Arc<std::sync::Mutex<donors::PurgeState>>,
}

/// Page cache of each reading connection: negative means KiB (`PRAGMA cache_size`).
const READER_CACHE_KIB: &str = "-8192";
/// Page cache of the one writing connection, which keeps the hot index pages.
const WRITER_CACHE_KIB: &str = "-32768";
/// [`WRITER_CACHE_KIB`] set again, after a statement's import (`bulk.rs`).
const WRITER_CACHE_PRAGMA: &str = "pragma cache_size = -32768";
/// The writing connection's page cache during a statement's import (`bulk.rs`), 8 MiB: its
/// entries fill new pages at the end of each table, which a larger cache would only hold.
const BULK_CACHE_PRAGMA: &str = "pragma cache_size = -8192";
/// Pages the WAL may hold before a commit copies them back into the database file.
const WAL_AUTOCHECKPOINT_PAGES: &str = "4000";

/// The error for using the writer after [`SqliteStore::close`].
fn closed() -> StoreError {
    StoreError::Unavailable("the ledger database is closed".into())
}

impl SqliteStore {
    /// Opens (creating if needed, mode 0600) the database at `path` and applies migrations.
    ///
    /// # Errors
    /// [`StoreError`] when the file cannot be opened or migrated.
    pub async fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        // Created 0600 first: SQLite gives the -wal and -shm files the database's mode. If
        // this fails, opening below reports why.
        let _ = crate::private_fs::create_empty_file(path);
        let url = format!("sqlite://{}", path.display());
        let options = SqliteConnectOptions::from_str(&url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            // A deleted row (a donor's personal data) is overwritten with zeros, never left
            // in free space; see `donors.rs` for the rest of an erasure.
            .pragma("secure_delete", "on")
            // Statement journals (each multi-row insert needs one) stay in memory
            // instead of a temporary file created and deleted per commit.
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            // A local file does not go stale: no ping before each query.
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone().pragma("cache_size", READER_CACHE_KIB))
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        let writer = SqliteConnection::connect_with(
            &options
                .clone()
                .pragma("cache_size", WRITER_CACHE_KIB)
                .pragma("wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES),
        )
        .await?;
        Ok(SqliteStore {
            pool,
            writer: std::sync::Arc::new(tokio::sync::Mutex::new(Some(writer))),
            caches: std::sync::Arc::default(),
            references: std::sync::Arc::default(),
            keys: std::sync::Arc::default(),
            options: std::sync::Arc::new(options),
            purge: std::sync::Arc::default(),
        })
    }

    pub(super) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub(super) fn caches(&self) -> &super::Caches {
        &self.caches
    }

    /// The writing connection, for a small write besides the group commits (a witness's
    /// cosignature): it waits here for the commit in progress instead of contending with it
    /// for SQLite's write lock, whose busy handler would stall the sequencer.
    pub(super) async fn writing_connection(
        &self,
    ) -> Result<tokio::sync::MappedMutexGuard<'_, SqliteConnection>, StoreError> {
        tokio::sync::MutexGuard::try_map(self.writer.lock().await, Option::as_mut)
            .map_err(|_| closed())
    }

    pub(super) fn is_closed(&self) -> bool {
        self.pool.is_closed()
    }

    pub(super) async fn close(&self) {
        if let Some(writer) = self.writer.lock().await.take() {
            let _ = writer.close().await;
        }
        self.pool.close().await;
    }

    /// The tree nodes at `indexes` (none empty), in that order.
    pub(super) async fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
        let list = serde_json::to_string(indexes).unwrap_or_default();
        let sql =
            "select idx, hash from tree_hashes where idx in (select value from json_each($1))";
        Queries::hashes_in(&self.pool, sql, list, indexes).await
    }
}
