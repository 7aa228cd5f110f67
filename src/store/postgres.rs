//! The PostgreSQL store: the same schema and behaviour as SQLite, for deployments with
//! several `fundtrail serve` processes; one of them leads (a session advisory lock).

use super::{Batch, StoreError, StoredCampaign, StoredCheckpoint, StoredEntry, TokenRecord};
use crate::ledger::hash::Hash;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::Row;
use std::time::Duration;

mod by_campaign;
mod donors;
mod snapshot;

/// A ledger in a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    tokens: std::sync::Arc<super::TokenCache>,
    nodes: std::sync::Arc<super::NodeCache>,
}

use super::columns::{hash_of, int, seq_of};

fn stored_entry(row: &sqlx::postgres::PgRow) -> Result<StoredEntry, StoreError> {
    Ok(StoredEntry {
        seq: seq_of(row.try_get("seq")?),
        leaf: row.try_get("leaf")?,
        leaf_hash: hash_of(row.try_get::<&[u8], _>("leaf_hash")?)?,
    })
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
            tokens: std::sync::Arc::default(),
            nodes: std::sync::Arc::default(),
        })
    }

    /// The pool (for the leadership lock).
    pub(super) fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub(super) fn nodes(&self) -> &super::NodeCache {
        &self.nodes
    }

    pub(super) fn tokens(&self) -> &super::TokenCache {
        &self.tokens
    }

    pub(super) async fn close(&self) {
        self.pool.close().await;
    }

    pub(super) async fn size(&self) -> Result<u64, StoreError> {
        let n: Option<i64> = sqlx::query_scalar("select max(seq) + 1 from entries")
            .fetch_one(&self.pool)
            .await?;
        Ok(n.map_or(0, seq_of))
    }

    pub(super) async fn last_entry(&self) -> Result<Option<StoredEntry>, StoreError> {
        let row = sqlx::query("select seq, leaf, leaf_hash from entries order by seq desc limit 1")
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(stored_entry).transpose()
    }

    pub(super) async fn append_batch(&self, batch: &Batch) -> Result<(), StoreError> {
        // Each table gets one statement for the whole batch, with one array per column.
        let e = &batch.entries;
        let mut tx = self.pool.begin().await?;
        if !e.is_empty() {
            sqlx::query(
                "insert into entries (seq, leaf, leaf_hash, prev, kind, campaign, campaign_to, reference, reverses, recorded_at) \
                 select * from unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::bytea[], $5::text[], $6::text[], \
                 $7::text[], $8::text[], $9::bigint[], $10::text[])",
            )
            .bind(e.iter().map(|x| int(x.seq)).collect::<Vec<_>>())
            .bind(e.iter().map(|x| x.leaf.clone()).collect::<Vec<_>>())
            .bind(e.iter().map(|x| x.leaf_hash.0.to_vec()).collect::<Vec<_>>())
            .bind(e.iter().map(|x| x.prev.0.to_vec()).collect::<Vec<_>>())
            .bind(e.iter().map(|x| x.kind.to_string()).collect::<Vec<_>>())
            .bind(e.iter().map(|x| x.campaign.clone()).collect::<Vec<_>>())
            .bind(e.iter().map(|x| x.campaign_to.clone()).collect::<Vec<_>>())
            .bind(e.iter().map(|x| x.reference.clone()).collect::<Vec<_>>())
            .bind(e.iter().map(|x| x.reverses.map(int)).collect::<Vec<_>>())
            .bind(e.iter().map(|x| x.recorded_at.clone()).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await?;
        }
        donors::insert_donors(&mut tx, e).await?;
        let keyed: Vec<_> = e
            .iter()
            .filter_map(|x| {
                x.idempotency_key
                    .as_ref()
                    .map(|(k, h)| (k.clone(), int(x.seq), h.0.to_vec()))
            })
            .collect();
        if !keyed.is_empty() {
            sqlx::query("insert into idempotency (key, seq, request_hash) select * from unnest($1::text[], $2::bigint[], $3::bytea[])")
                .bind(keyed.iter().map(|k| k.0.clone()).collect::<Vec<_>>())
                .bind(keyed.iter().map(|k| k.1).collect::<Vec<_>>())
                .bind(keyed.iter().map(|k| k.2.clone()).collect::<Vec<_>>())
                .execute(&mut *tx)
                .await?;
        }
        if !batch.hashes.is_empty() {
            sqlx::query("insert into tree_hashes (idx, hash) select * from unnest($1::bigint[], $2::bytea[])")
                .bind(batch.hashes.iter().map(|(i, _)| int(*i)).collect::<Vec<_>>())
                .bind(batch.hashes.iter().map(|(_, h)| h.0.to_vec()).collect::<Vec<_>>())
                .execute(&mut *tx)
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
            .execute(&mut *tx)
            .await?;
        }
        if let Some(cp) = &batch.checkpoint {
            sqlx::query("insert into checkpoints (size, root, note) values ($1, $2, $3)")
                .bind(int(cp.size))
                .bind(&cp.root.0[..])
                .bind(&cp.note)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn tree_hashes_from(
        &self,
        start: u64,
        limit: u64,
    ) -> Result<Vec<(u64, Hash)>, StoreError> {
        let rows =
            sqlx::query("select idx, hash from tree_hashes where idx >= $1 order by idx limit $2")
                .bind(int(start))
                .bind(int(limit))
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    seq_of(r.try_get("idx")?),
                    hash_of(r.try_get::<&[u8], _>("hash")?)?,
                ))
            })
            .collect()
    }

    pub(super) async fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
        if indexes.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<i64> = indexes.iter().map(|i| int(*i)).collect();
        let rows = sqlx::query("select idx, hash from tree_hashes where idx = any($1)")
            .bind(list)
            .fetch_all(&self.pool)
            .await?;
        let mut found = std::collections::HashMap::with_capacity(rows.len());
        for row in &rows {
            found.insert(
                seq_of(row.try_get("idx")?),
                hash_of(row.try_get::<&[u8], _>("hash")?)?,
            );
        }
        indexes
            .iter()
            .map(|i| {
                found
                    .get(i)
                    .copied()
                    .ok_or_else(|| StoreError::Corrupt(format!("tree hash {i} is missing")))
            })
            .collect()
    }

    pub(super) async fn campaigns(&self) -> Result<Vec<StoredCampaign>, StoreError> {
        let rows = sqlx::query("select idx, opened_seq, state from campaigns order by idx")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(Self::campaign_row).collect()
    }

    fn campaign_row(row: &sqlx::postgres::PgRow) -> Result<StoredCampaign, StoreError> {
        let state: String = row.try_get("state")?;
        Ok(StoredCampaign {
            idx: u32::try_from(row.try_get::<i64, _>("idx")?).unwrap_or(u32::MAX),
            opened_seq: seq_of(row.try_get("opened_seq")?),
            state: serde_json::from_str(&state)
                .map_err(|e| StoreError::Corrupt(format!("campaign state: {e}")))?,
        })
    }

    fn checkpoint_row(row: &sqlx::postgres::PgRow) -> Result<StoredCheckpoint, StoreError> {
        Ok(StoredCheckpoint {
            size: seq_of(row.try_get("size")?),
            root: hash_of(row.try_get::<&[u8], _>("root")?)?,
            note: row.try_get("note")?,
        })
    }

    pub(super) async fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, StoreError> {
        let row =
            sqlx::query("select size, root, note from checkpoints order by size desc limit 1")
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(Self::checkpoint_row).transpose()
    }

    pub(super) async fn checkpoint_at(
        &self,
        size: u64,
    ) -> Result<Option<StoredCheckpoint>, StoreError> {
        let row = sqlx::query("select size, root, note from checkpoints where size = $1")
            .bind(int(size))
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(Self::checkpoint_row).transpose()
    }

    pub(super) async fn entry(&self, seq: u64) -> Result<Option<StoredEntry>, StoreError> {
        let row = sqlx::query("select seq, leaf, leaf_hash from entries where seq = $1")
            .bind(int(seq))
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(stored_entry).transpose()
    }

    pub(super) async fn entries(
        &self,
        start: u64,
        limit: u64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let rows = sqlx::query(
            "select seq, leaf, leaf_hash from entries where seq >= $1 order by seq limit $2",
        )
        .bind(int(start))
        .bind(int(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored_entry).collect()
    }

    pub(super) async fn find_by_reference(
        &self,
        reference: &str,
        limit: u64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let rows = sqlx::query(
            "select seq, leaf, leaf_hash from entries where reference = $1 order by seq limit $2",
        )
        .bind(reference)
        .bind(int(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored_entry).collect()
    }

    pub(super) async fn existing_references(
        &self,
        references: &[String],
    ) -> Result<std::collections::HashSet<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "select campaign, reference from entries where kind = 'donation' and reference = any($1)",
        )
        .bind(references)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("campaign")?, r.try_get("reference")?)))
            .collect()
    }

    pub(super) async fn idempotent_seqs(
        &self,
        keys: &[String],
    ) -> Result<std::collections::HashMap<String, (u64, Hash)>, StoreError> {
        let rows =
            sqlx::query("select key, seq, request_hash from idempotency where key = any($1)")
                .bind(keys)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("key")?,
                    (
                        seq_of(r.try_get("seq")?),
                        hash_of(r.try_get::<&[u8], _>("request_hash")?)?,
                    ),
                ))
            })
            .collect()
    }

    pub(super) async fn is_reversed(&self, seq: u64) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar("select count(*) from entries where reverses = $1")
            .bind(int(seq))
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    pub(super) async fn create_token(
        &self,
        name: &str,
        role: &str,
        token_hash: &Hash,
    ) -> Result<i64, StoreError> {
        let now = crate::ledger::entry::format_recorded_at(chrono::Utc::now());
        let id: i64 = sqlx::query_scalar(
            "insert into tokens (name, role, token_hash, created_at) values ($1, $2, $3, $4) returning id",
        )
        .bind(name)
        .bind(role)
        .bind(&token_hash.0[..])
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    fn token_row(row: &sqlx::postgres::PgRow) -> Result<TokenRecord, StoreError> {
        Ok(TokenRecord {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            role: row.try_get("role")?,
            created_at: row.try_get("created_at")?,
            revoked_at: row.try_get("revoked_at")?,
        })
    }

    pub(super) async fn find_token(
        &self,
        token_hash: &Hash,
    ) -> Result<Option<TokenRecord>, StoreError> {
        let row = sqlx::query(
            "select id, name, role, created_at, revoked_at from tokens where token_hash = $1 and revoked_at is null",
        )
        .bind(&token_hash.0[..])
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(Self::token_row).transpose()
    }

    pub(super) async fn list_tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        let rows =
            sqlx::query("select id, name, role, created_at, revoked_at from tokens order by id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(Self::token_row).collect()
    }

    pub(super) async fn revoke_token(&self, id: i64) -> Result<bool, StoreError> {
        let now = crate::ledger::entry::format_recorded_at(chrono::Utc::now());
        let done =
            sqlx::query("update tokens set revoked_at = $1 where id = $2 and revoked_at is null")
                .bind(now)
                .bind(id)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() == 1)
    }
}
