//! The PostgreSQL store: the same schema and behaviour as SQLite, for deployments with
//! several `fundtrail serve` processes; one of them leads (a session advisory lock).

use super::columns::int;
use super::indexed::Indexed;
use super::queries::Queries;
use super::search::SearchRows;
use super::{Batch, StoreError};
use crate::ledger::hash::Hash;
use sqlx::postgres::{PgPool, PgPoolOptions};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

mod donors;

/// A ledger in a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
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
        self.pool.close().await;
    }

    pub(super) async fn append_batch(
        &self,
        batch: &Batch,
        indexed: &[Indexed<'_>],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        write_batch(&mut tx, batch, indexed).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A transaction of its own, for writes that span several batches (a statement's
    /// import, `super::bulk`).
    pub(super) async fn begin(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
        Ok(self.pool.begin().await?)
    }
}

/// Writes `batch` (whose entries have the columns `indexed`) in `tx`, uncommitted: each
/// table gets one statement for the whole batch, with one array per column.
pub(super) async fn write_batch(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    batch: &Batch,
    indexed: &[Indexed<'_>],
) -> Result<(), StoreError> {
    let e = &batch.entries;
    if !e.is_empty() {
        sqlx::query(
                "insert into entries (seq, leaf, leaf_hash, prev, kind, campaign, campaign_to, reference, reverses, recorded_at) \
                 select * from unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::bytea[], $5::text[], $6::text[], \
                 $7::text[], $8::text[], $9::bigint[], $10::text[])",
            )
            .bind(e.iter().map(|x| int(x.entry.seq)).collect::<Vec<_>>())
            .bind(e.iter().map(|x| x.leaf.clone()).collect::<Vec<_>>())
            .bind(e.iter().map(|x| x.leaf_hash.0.to_vec()).collect::<Vec<_>>())
            .bind(e.iter().map(|x| x.entry.prev.0.to_vec()).collect::<Vec<_>>())
            .bind(indexed.iter().map(|x| x.kind).collect::<Vec<_>>())
            .bind(indexed.iter().map(|x| x.campaign.as_deref()).collect::<Vec<_>>())
            .bind(indexed.iter().map(|x| x.campaign_to.as_deref()).collect::<Vec<_>>())
            .bind(indexed.iter().map(|x| x.reference).collect::<Vec<_>>())
            .bind(indexed.iter().map(|x| x.reverses.map(int)).collect::<Vec<_>>())
            .bind(e.iter().map(|x| x.entry.recorded_at.as_str()).collect::<Vec<_>>())
            .execute(&mut **tx)
            .await?;
    }
    donors::insert_donors(tx, e).await?;
    let keyed: Vec<_> = e
        .iter()
        .filter_map(|x| {
            x.idempotency_key
                .as_ref()
                .map(|(k, h)| (k.clone(), int(x.entry.seq), h.0.to_vec()))
        })
        .collect();
    if !keyed.is_empty() {
        sqlx::query("insert into idempotency (key, seq, request_hash) select * from unnest($1::text[], $2::bigint[], $3::bytea[])")
                .bind(keyed.iter().map(|k| k.0.clone()).collect::<Vec<_>>())
                .bind(keyed.iter().map(|k| k.1).collect::<Vec<_>>())
                .bind(keyed.iter().map(|k| k.2.clone()).collect::<Vec<_>>())
                .execute(&mut **tx)
                .await?;
    }
    if !batch.hashes.is_empty() {
        sqlx::query(
            "insert into tree_hashes (idx, hash) select * from unnest($1::bigint[], $2::bytea[])",
        )
        .bind(
            batch
                .hashes
                .iter()
                .map(|(i, _)| int(*i))
                .collect::<Vec<_>>(),
        )
        .bind(
            batch
                .hashes
                .iter()
                .map(|(_, h)| h.0.to_vec())
                .collect::<Vec<_>>(),
        )
        .execute(&mut **tx)
        .await?;
    }
    for (idx, opened_seq, state) in &batch.campaigns {
        let json = serde_json::to_string(state)
            .map_err(|e| StoreError::Corrupt(format!("campaign state: {e}")))?;
        sqlx::query(
            "insert into campaigns (idx, id, opened_seq, state) values ($1, $2, $3, $4) \
                 on conflict (idx) do update set state = excluded.state",
        )
        .bind(i64::from(*idx))
        .bind(&state.id)
        .bind(int(*opened_seq))
        .bind(json)
        .execute(&mut **tx)
        .await?;
    }
    insert_search_rows(tx, &SearchRows::of_batch(e)).await?;
    if let Some(cp) = &batch.checkpoint {
        sqlx::query("insert into checkpoints (size, root, note) values ($1, $2, $3)")
            .bind(int(cp.size))
            .bind(&cp.root.0[..])
            .bind(&cp.note)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
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

    pub(super) async fn existing_references(
        &self,
        references: &[String],
    ) -> Result<HashSet<(String, String)>, StoreError> {
        let sql = "select campaign, reference from entries where kind = 'donation' and reference = any($1)";
        Queries::references_in(&self.pool, sql, references).await
    }

    pub(super) async fn idempotent_seqs(
        &self,
        keys: &[String],
    ) -> Result<HashMap<String, (u64, Hash)>, StoreError> {
        let sql = "select key, seq, request_hash from idempotency where key = any($1)";
        Queries::keys_in(&self.pool, sql, keys).await
    }
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
