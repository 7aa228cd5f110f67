//! The PostgreSQL store: the same schema and behaviour as SQLite, for deployments with
//! several `fundtrail serve` processes; one of them leads (a session advisory lock).
//!
//! Reads go through a pool; the group commit (`commit.rs`, one statement and one round trip
//! per batch) and the look-ups the sequencer makes before it run on a connection of their
//! own (`writer.rs`).

use super::columns::int;
use super::indexed::Indexed;
use super::queries::Queries;
use super::search::SearchRows;
use super::{Batch, StoreError};
use crate::ledger::hash::Hash;
use sqlx::postgres::{PgPool, PgPoolOptions};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

mod commit;
mod donors;
mod nodelay;
mod writer;

/// A ledger in a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    /// The connection the group commit and the sequencer's look-ups run on.
    writer: std::sync::Arc<writer::Writer>,
    caches: std::sync::Arc<super::Caches>,
}

impl PostgresStore {
    /// Connects to `url` and applies migrations.
    ///
    /// # Errors
    /// [`StoreError`] when the server cannot be reached or migrated.
    pub async fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(PostgresStore {
            writer: std::sync::Arc::new(writer::Writer::new(writer::options_of(
                &pool.connect_options(),
            ))),
            pool,
            caches: std::sync::Arc::default(),
        })
    }

    /// The pool (for the shared queries and the leadership lock).
    pub(super) fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub(super) fn caches(&self) -> &super::Caches {
        &self.caches
    }

    pub(super) async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }

    /// Writes `batch` atomically and durably in one round trip, on the writing
    /// connection ([`commit`]).
    pub(super) async fn append_batch(
        &self,
        batch: &Batch,
        indexed: &[Indexed<'_>],
    ) -> Result<(), StoreError> {
        let mut held = self.writer.hold().await?;
        let written = commit::write_batch(held.conn()?, batch, indexed).await;
        held.keep_if_usable(written)
    }

    /// A transaction of its own, for writes that span several batches (a statement's
    /// import, `super::bulk`).
    pub(super) async fn begin(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
        Ok(self.pool.begin().await?)
    }
}

/// Writes `batch` (whose entries have the columns `indexed`) in `tx`, uncommitted: the one
/// statement of a group commit ([`commit`]), inside the caller's transaction.
pub(super) async fn write_batch(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    batch: &Batch,
    indexed: &[Indexed<'_>],
) -> Result<(), StoreError> {
    commit::write_batch(tx, batch, indexed).await
}

impl PostgresStore {
    /// Writes the search rows of entries stored before the search tables existed and
    /// records that entries below `next` are indexed, in one transaction (another server
    /// doing the same at once writes the same rows, which are kept once).
    pub(super) async fn write_search_catch_up(
        &self,
        rows: &SearchRows,
        _done: u64,
        next: u64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        insert_search_rows(&mut tx, rows).await?;
        sqlx::query("update search_backfill set done = greatest(done, $1)")
            .bind(int(next))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The tree nodes at `indexes` (none empty), in that order.
    pub(super) async fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
        let list: Vec<i64> = indexes.iter().map(|i| int(*i)).collect();
        let sql = "select idx, hash from tree_hashes where idx = any($1)";
        Queries::hashes_in(&self.pool, sql, list, indexes).await
    }

    /// The (campaign, reference) of stored donations with any of `references`, read on
    /// the writing connection (the sequencer asks before every group commit).
    pub(super) async fn existing_references(
        &self,
        references: &[String],
    ) -> Result<HashSet<(String, String)>, StoreError> {
        let mut held = self.writer.hold().await?;
        let found = Queries::references_in(held.conn()?, REFERENCES_SQL, references).await;
        held.keep_if_usable(found)
    }

    /// The stored (seq, request fingerprint) of each of `keys` that was used, read on the
    /// writing connection (the sequencer asks before every group commit).
    pub(super) async fn idempotent_seqs(
        &self,
        keys: &[String],
    ) -> Result<HashMap<String, (u64, Hash)>, StoreError> {
        let sql = "select key, seq, request_hash from idempotency where key = any($1)";
        let mut held = self.writer.hold().await?;
        let found = Queries::keys_in(held.conn()?, sql, keys).await;
        held.keep_if_usable(found)
    }
}

/// The donations' (campaign, reference) with any of the references bound as `$1`.
const REFERENCES_SQL: &str =
    "select campaign, reference from entries where kind = 'donation' and reference = any($1)";

/// [`PostgresStore::existing_references`] read in `tx` (a statement's import), so the rows it
/// wrote are found too.
///
/// # Errors
/// [`StoreError`] when the database fails.
pub(super) async fn existing_references_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    references: &[String],
) -> Result<HashSet<(String, String)>, StoreError> {
    Queries::references_in(&mut **tx, REFERENCES_SQL, references).await
}

/// Inserts `rows` into the search tables (rows already there are kept once).
async fn insert_search_rows(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    rows: &SearchRows,
) -> Result<(), StoreError> {
    if !rows.keys.is_empty() {
        sqlx::query(
            "insert into search_keys (key, seq) select * from unnest($1::bytea[], $2::bigint[]) \
             on conflict do nothing",
        )
        .bind(rows.keys.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>())
        .bind(rows.keys.iter().map(|(_, s)| int(*s)).collect::<Vec<_>>())
        .execute(&mut **tx)
        .await?;
    }
    if !rows.days.is_empty() {
        sqlx::query(
            "insert into search_days (received_at, amount, seq) \
             select * from unnest($1::text[], $2::text[], $3::bigint[]) on conflict do nothing",
        )
        .bind(rows.days.iter().map(|d| d.0.clone()).collect::<Vec<_>>())
        .bind(rows.days.iter().map(|d| d.1.clone()).collect::<Vec<_>>())
        .bind(rows.days.iter().map(|d| int(d.2)).collect::<Vec<_>>())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
