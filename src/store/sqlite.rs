//! The SQLite store: WAL journal, `synchronous=FULL`, one transaction per group commit.

use super::{Batch, StoreError, StoredCampaign, StoredCheckpoint, StoredEntry, TokenRecord};
use crate::ledger::hash::Hash;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Connection, Row};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

mod by_campaign;
mod donors;
mod fingerprints;
mod snapshot;

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
    tokens: std::sync::Arc<super::TokenCache>,
    nodes: std::sync::Arc<super::NodeCache>,
    /// Donation references, by fingerprint.
    references: std::sync::Arc<fingerprints::FingerprintIndex>,
    /// Idempotency keys, by fingerprint.
    keys: std::sync::Arc<fingerprints::FingerprintIndex>,
    /// How connections are opened (the purge after an erasure opens its own).
    options: std::sync::Arc<SqliteConnectOptions>,
    /// The background purge of erased personal data.
    purge: std::sync::Arc<std::sync::Mutex<donors::PurgeState>>,
}

use super::columns::{hash_of, int, seq_of};

/// Page cache of each reading connection: negative means KiB (`PRAGMA cache_size`).
const READER_CACHE_KIB: &str = "-8192";
/// Page cache of the one writing connection, which keeps the hot index pages.
const WRITER_CACHE_KIB: &str = "-32768";
/// Pages the WAL may hold before a commit copies them back into the database file.
const WAL_AUTOCHECKPOINT_PAGES: &str = "4000";
/// Entries (by `seq`) whose keys one query reads when a fingerprint index loads.
const KEYS_PER_READ: usize = 16_384;
/// Every `[seq, reference]` of entries `?` to `?` (exclusive), as one JSON array.
const REFERENCES_FROM: &str = "select json_group_array(json_array(seq, reference)) from entries \
    where reference is not null and seq >= ? and seq < ?";
/// Every `[seq, key]` of idempotency keys of entries `?` to `?` (exclusive).
const IDEMPOTENCY_KEYS_FROM: &str =
    "select json_group_array(json_array(seq, key)) from idempotency where seq >= ? and seq < ?";

/// `[seq, key]`, borrowed from the JSON text unless the key has escapes.
#[derive(serde::Deserialize)]
struct SeqAndKey<'a>(u64, #[serde(borrow)] std::borrow::Cow<'a, str>);

fn stored_entry(row: &sqlx::sqlite::SqliteRow) -> Result<StoredEntry, StoreError> {
    Ok(StoredEntry {
        seq: seq_of(row.try_get("seq")?),
        leaf: row.try_get("leaf")?,
        leaf_hash: hash_of(row.try_get::<&[u8], _>("leaf_hash")?)?,
    })
}

/// One group commit: a transaction of one insert per table, each unpacking a JSON array
/// of rows. Parameters, in order: all leaves concatenated (a blob; each entry row names
/// its leaf as `[offset, length]` in it), entries, donors, idempotency keys, tree nodes,
/// campaign states, the checkpoint. An empty array (NULL) inserts nothing. (Plain `?`
/// only: sqlx binds the statements of one query in order.) `jsonb_each` (SQLite 3.45+,
/// bundled) parses each array once and hands every row over as binary JSON, which `->>`
/// reads in place; `json_each` would print each row back to text for every `->>`, a fifth
/// of the writer thread's CPU.
const GROUP_COMMIT: &str = "\
begin immediate;
insert into entries (seq, leaf, leaf_hash, prev, kind, campaign, campaign_to, reference, reverses, recorded_at)
    select value ->> 0, substr(?, value ->> '$[1][0]', value ->> '$[1][1]'), unhex(value ->> 2),
    unhex(value ->> 3), value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9
    from jsonb_each(?);
insert into donors (seq, name, email, phone, address, identifier, salt, consent_publish_name, consent_recorded_at)
    select value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, unhex(value ->> 6),
    value ->> 7, value ->> 8 from jsonb_each(?);
insert into idempotency (key, seq, request_hash)
    select value ->> 0, value ->> 1, unhex(value ->> 2) from jsonb_each(?);
insert into tree_hashes (idx, hash) select value ->> 0, unhex(value ->> 1) from jsonb_each(?);
insert into campaigns (idx, id, opened_seq, state)
    select value ->> 0, value ->> 1, value ->> 2, value ->> 3 from jsonb_each(?) where true
    on conflict (idx) do update set state = excluded.state;
insert into checkpoints (size, root, note)
    select value ->> 0, unhex(value ->> 1), value ->> 2 from jsonb_each(?);
commit;";

/// The error for using the writer after [`SqliteStore::close`].
fn closed() -> StoreError {
    StoreError::Unavailable("the ledger database is closed".into())
}

/// The JSON array of `rows` (each serialized as a JSON array: tuples, hashes as hex), or
/// `None` when there are none.
fn rows_json<T: serde::Serialize>(
    rows: impl Iterator<Item = T>,
) -> Result<Option<String>, StoreError> {
    let mut out = Vec::with_capacity(4096);
    out.push(b'[');
    for (i, row) in rows.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, &row)
            .map_err(|e| StoreError::Corrupt(format!("batch rows: {e}")))?;
    }
    if out.len() == 1 {
        return Ok(None);
    }
    out.push(b']');
    String::from_utf8(out)
        .map(Some)
        .map_err(|e| StoreError::Corrupt(format!("batch rows: {e}")))
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
            tokens: std::sync::Arc::default(),
            nodes: std::sync::Arc::default(),
            references: std::sync::Arc::default(),
            keys: std::sync::Arc::default(),
            options: std::sync::Arc::new(options),
            purge: std::sync::Arc::default(),
        })
    }

    /// Starts loading the in-memory indexes of donation references and idempotency keys
    /// in the background, once each; lookups by either wait for their index.
    pub(super) fn load_fingerprints(&self) {
        self.load_index(&self.references, REFERENCES_FROM, "donation references");
        self.load_index(&self.keys, IDEMPOTENCY_KEYS_FROM, "idempotency keys");
    }

    /// Loads `index` from `slice_sql` (a JSON array of `[seq, key]` for a range of `seq`),
    /// unless its load has begun already.
    fn load_index(
        &self,
        index: &std::sync::Arc<fingerprints::FingerprintIndex>,
        slice_sql: &'static str,
        what: &'static str,
    ) {
        if !index.begin_load() {
            return;
        }
        let (pool, index) = (self.pool.clone(), std::sync::Arc::clone(index));
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            let mut pairs = Vec::new();
            // In slices of `seq`, each read as one JSON array: a row per key would cost
            // more in passing rows to this thread than everything else.
            let read: Result<(), StoreError> = async {
                // One connection: the scan fills one reader's page cache, not each one's.
                let mut conn = pool.acquire().await?;
                let size: Option<i64> = sqlx::query_scalar("select max(seq) + 1 from entries")
                    .fetch_one(&mut *conn)
                    .await?;
                let size = size.map_or(0, seq_of);
                for start in (0..size).step_by(KEYS_PER_READ) {
                    let slice: Option<String> = sqlx::query_scalar(slice_sql)
                        .bind(int(start))
                        .bind(int(start + KEYS_PER_READ as u64))
                        .fetch_one(&mut *conn)
                        .await?;
                    let slice: Vec<SeqAndKey<'_>> =
                        serde_json::from_str(slice.as_deref().unwrap_or("[]"))
                            .map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))?;
                    pairs.extend(
                        slice
                            .iter()
                            .map(|SeqAndKey(seq, key)| (fingerprints::fingerprint(key), *seq)),
                    );
                }
                Ok(())
            }
            .await;
            match read {
                Ok(()) => {
                    let count = pairs.len();
                    index.finish_load(Some(pairs));
                    tracing::info!(
                        count,
                        ms = started.elapsed().as_millis() as u64,
                        "{what} loaded"
                    );
                }
                Err(e) => {
                    tracing::error!(error = %e, "could not load the {what}; looking them up with SQL");
                    index.finish_load(None);
                }
            }
        });
    }

    pub(super) fn nodes(&self) -> &super::NodeCache {
        &self.nodes
    }

    pub(super) fn tokens(&self) -> &super::TokenCache {
        &self.tokens
    }

    pub(super) async fn close(&self) {
        if let Some(writer) = self.writer.lock().await.take() {
            let _ = writer.close().await;
        }
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
        // The whole group commit is one multi-statement query, so it costs one round trip
        // to the connection's thread: each table gets one statement for the whole batch,
        // its rows travelling as one JSON array (leaves as UTF-8 JSON text, hashes and
        // salts as hex, serialized straight from borrowed tuples) unpacked by jsonb_each.
        // Leaves travel as one blob, each row naming its 1-based offset and length.
        let mut leaves = Vec::with_capacity(batch.entries.iter().map(|e| e.leaf.len()).sum());
        let mut at = Vec::with_capacity(batch.entries.len());
        for e in &batch.entries {
            at.push(leaves.len() + 1);
            leaves.extend_from_slice(&e.leaf);
        }
        let entries = rows_json(batch.entries.iter().zip(&at).map(|(e, at)| {
            (
                e.seq,
                (at, e.leaf.len()),
                &e.leaf_hash,
                &e.prev,
                e.kind,
                &e.campaign,
                &e.campaign_to,
                &e.reference,
                e.reverses,
                &e.recorded_at,
            )
        }))?;
        let donors = rows_json(batch.entries.iter().filter_map(|e| {
            e.private.as_ref().map(|p| {
                (
                    e.seq,
                    &p.name,
                    &p.email,
                    &p.phone,
                    &p.address,
                    &p.identifier,
                    p.salt.map(Hash),
                    p.consent_publish_name,
                    &e.recorded_at,
                )
            })
        }))?;
        let keys = rows_json(batch.entries.iter().filter_map(|e| {
            e.idempotency_key
                .as_ref()
                .map(|(key, request)| (key, e.seq, request))
        }))?;
        let hashes = rows_json(batch.hashes.iter())?;
        let mut campaigns = Vec::with_capacity(batch.campaigns.len());
        for (idx, opened_seq, state) in &batch.campaigns {
            let json = serde_json::to_string(state)
                .map_err(|e| StoreError::Corrupt(format!("campaign state: {e}")))?;
            campaigns.push((idx, &state.id, opened_seq, json));
        }
        let campaigns = rows_json(campaigns.iter())?;
        let checkpoint = rows_json(batch.checkpoint.iter().map(|c| (c.size, &c.root, &c.note)))?;
        let mut writer = self.writer.lock().await;
        let conn = writer.as_mut().ok_or_else(closed)?;
        let written = sqlx::query(GROUP_COMMIT)
            .bind(leaves)
            .bind(entries)
            .bind(donors)
            .bind(keys)
            .bind(hashes)
            .bind(campaigns)
            .bind(checkpoint)
            .execute(&mut *conn)
            .await;
        if let Err(e) = written {
            // A statement (or the commit) failed: whatever it left open is undone. When
            // nothing is open the rollback's own error says so and is of no interest.
            let _ = sqlx::query("rollback").execute(&mut *conn).await;
            return Err(e.into());
        }
        self.references.record(
            batch
                .entries
                .iter()
                .filter_map(|e| e.reference.as_deref().map(|r| (r, e.seq))),
        );
        self.keys.record(batch.entries.iter().filter_map(|e| {
            e.idempotency_key
                .as_ref()
                .map(|(key, _)| (key.as_str(), e.seq))
        }));
        Ok(())
    }

    pub(super) async fn tree_hashes_from(
        &self,
        start: u64,
        limit: u64,
    ) -> Result<Vec<(u64, Hash)>, StoreError> {
        let rows =
            sqlx::query("select idx, hash from tree_hashes where idx >= ? order by idx limit ?")
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
        let list = serde_json::to_string(indexes).unwrap_or_default();
        let rows = sqlx::query(
            "select idx, hash from tree_hashes where idx in (select value from json_each(?))",
        )
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

    fn campaign_row(row: &sqlx::sqlite::SqliteRow) -> Result<StoredCampaign, StoreError> {
        let state: String = row.try_get("state")?;
        Ok(StoredCampaign {
            idx: u32::try_from(row.try_get::<i64, _>("idx")?).unwrap_or(u32::MAX),
            opened_seq: seq_of(row.try_get("opened_seq")?),
            state: serde_json::from_str(&state)
                .map_err(|e| StoreError::Corrupt(format!("campaign state: {e}")))?,
        })
    }

    fn checkpoint_row(row: &sqlx::sqlite::SqliteRow) -> Result<StoredCheckpoint, StoreError> {
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
        let row = sqlx::query("select size, root, note from checkpoints where size = ?")
            .bind(int(size))
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(Self::checkpoint_row).transpose()
    }

    pub(super) async fn entry(&self, seq: u64) -> Result<Option<StoredEntry>, StoreError> {
        let row = sqlx::query("select seq, leaf, leaf_hash from entries where seq = ?")
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
            "select seq, leaf, leaf_hash from entries where seq >= ? order by seq limit ?",
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
        self.load_fingerprints();
        if let Some(candidates) = self.references.candidates(reference).await {
            let mut found = Vec::new();
            for chunk in candidates.chunks(256) {
                let rows = sqlx::query(
                    "select seq, leaf, leaf_hash, reference from entries where seq in (select value from json_each(?)) order by seq",
                )
                .bind(serde_json::to_string(chunk).unwrap_or_default())
                .fetch_all(&self.pool)
                .await?;
                for row in &rows {
                    if found.len() as u64 >= limit {
                        return Ok(found);
                    }
                    if row.try_get::<Option<&str>, _>("reference")? == Some(reference) {
                        found.push(stored_entry(row)?);
                    }
                }
            }
            return Ok(found);
        }
        let rows = sqlx::query(
            "select seq, leaf, leaf_hash from entries where reference = ? order by seq limit ?",
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
        self.load_fingerprints();
        if let Some(candidates) = self.references.candidates_of_all(references).await {
            if candidates.is_empty() {
                return Ok(Default::default());
            }
            let asked: std::collections::HashSet<&str> =
                references.iter().map(String::as_str).collect();
            let mut found = std::collections::HashSet::new();
            let mut writer = self.writer.lock().await;
            let conn = writer.as_mut().ok_or_else(closed)?;
            for chunk in candidates.chunks(512) {
                let rows = sqlx::query(
                    "select campaign, reference from entries where seq in (select value from json_each(?)) and kind = 'donation'",
                )
                .bind(serde_json::to_string(chunk).unwrap_or_default())
                .fetch_all(&mut *conn)
                .await?;
                for r in &rows {
                    let reference: Option<String> = r.try_get("reference")?;
                    if let Some(reference) = reference.filter(|r| asked.contains(r.as_str())) {
                        found.insert((r.try_get("campaign")?, reference));
                    }
                }
            }
            return Ok(found);
        }
        let rows = sqlx::query(
            "select campaign, reference from entries where kind = 'donation' and reference in (select value from json_each(?))",
        )
        .bind(serde_json::to_string(references).unwrap_or_default())
        .fetch_all(self.writer.lock().await.as_mut().ok_or_else(closed)?)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("campaign")?, r.try_get("reference")?)))
            .collect()
    }

    pub(super) async fn idempotent_seqs(
        &self,
        keys: &[String],
    ) -> Result<std::collections::HashMap<String, (u64, Hash)>, StoreError> {
        self.load_fingerprints();
        if let Some(candidates) = self.keys.candidates_of_all(keys).await {
            if candidates.is_empty() {
                return Ok(Default::default());
            }
            let asked: std::collections::HashSet<&str> = keys.iter().map(String::as_str).collect();
            let mut found = std::collections::HashMap::new();
            let mut writer = self.writer.lock().await;
            let conn = writer.as_mut().ok_or_else(closed)?;
            for chunk in candidates.chunks(512) {
                let rows = sqlx::query(
                    "select key, seq, request_hash from idempotency where seq in (select value from json_each(?))",
                )
                .bind(serde_json::to_string(chunk).unwrap_or_default())
                .fetch_all(&mut *conn)
                .await?;
                for r in &rows {
                    let key: String = r.try_get("key")?;
                    if asked.contains(key.as_str()) {
                        let seq = seq_of(r.try_get("seq")?);
                        found.insert(key, (seq, hash_of(r.try_get::<&[u8], _>("request_hash")?)?));
                    }
                }
            }
            return Ok(found);
        }
        let rows = sqlx::query("select key, seq, request_hash from idempotency where key in (select value from json_each(?))")
            .bind(serde_json::to_string(keys).unwrap_or_default())
            .fetch_all(self.writer.lock().await.as_mut().ok_or_else(closed)?)
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
        let n: i64 = sqlx::query_scalar("select count(*) from entries where reverses = ?")
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
            "insert into tokens (name, role, token_hash, created_at) values (?, ?, ?, ?) returning id",
        )
        .bind(name)
        .bind(role)
        .bind(&token_hash.0[..])
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    fn token_row(row: &sqlx::sqlite::SqliteRow) -> Result<TokenRecord, StoreError> {
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
            "select id, name, role, created_at, revoked_at from tokens where token_hash = ? and revoked_at is null",
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
            sqlx::query("update tokens set revoked_at = ? where id = ? and revoked_at is null")
                .bind(now)
                .bind(id)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store holding `n` rows, every third (seq 0, 3, 6, …) with reference `R<seq>`, and
    /// seq 1 and 2 both with `SAME`; every fifth with idempotency key `K<seq>`. Only the columns lookups read are meaningful; the
    /// chain trigger holds because every leaf hash and `prev` is zeros.
    async fn store_with_rows(n: u64) -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().expect("temporary folder");
        let store = SqliteStore::open(&dir.path().join("ledger.db"))
            .await
            .expect("store");
        sqlx::query(
            "with recursive n(i) as (select 0 union all select i + 1 from n where i + 1 < ?)
             insert into entries (seq, leaf, leaf_hash, prev, kind, campaign, reference, recorded_at)
             select i, 'leaf', zeroblob(32), zeroblob(32), 'donation', 'flood',
                 case when i in (1, 2) then 'SAME' when i % 3 = 0 then 'R' || i end,
                 '2026-11-25T00:00:00.000000Z'
             from n",
        )
        .bind(int(n))
        .execute(&store.pool)
        .await
        .expect("rows");
        sqlx::query(
            "insert into idempotency (key, seq, request_hash)
             select 'K' || seq, seq, zeroblob(32) from entries where seq % 5 = 0",
        )
        .execute(&store.pool)
        .await
        .expect("keys");
        (dir, store)
    }

    #[tokio::test]
    async fn references_load_from_every_slice_and_are_found_exactly() {
        let n = 2 * KEYS_PER_READ as u64 + 100;
        let (_dir, store) = store_with_rows(n).await;
        let last = format!("R{}", (n - 1) / 3 * 3);
        let asked: Vec<String> = ["R0", "R3", "R1", &last, "SAME", "R16383"]
            .iter()
            .map(|r| r.to_string())
            .collect();

        let found = store.existing_references(&asked).await.expect("lookup");

        let mut found: Vec<&str> = found.iter().map(|(_, r)| r.as_str()).collect();
        found.sort_unstable();
        let mut expected = vec!["R0", "R3", &last, "SAME", "R16383"];
        expected.sort_unstable();
        assert_eq!(found, expected);
        let same: Vec<u64> = store
            .find_by_reference("SAME", 10)
            .await
            .expect("search")
            .iter()
            .map(|e| e.seq)
            .collect();
        assert_eq!(same, vec![1, 2]);
        assert_eq!(
            store
                .find_by_reference("SAME", 1)
                .await
                .expect("search")
                .len(),
            1
        );
        assert!(store
            .find_by_reference("R1", 10)
            .await
            .expect("search")
            .is_empty());
    }

    #[tokio::test]
    async fn idempotency_keys_load_from_every_slice_and_are_found_exactly() {
        let n = 2 * KEYS_PER_READ as u64 + 100;
        let (_dir, store) = store_with_rows(n).await;
        let last = (n - 1) / 5 * 5;
        let asked: Vec<String> = ["K0", "K5", "K6", &format!("K{last}"), "R3"]
            .iter()
            .map(|k| k.to_string())
            .collect();

        let found = store.idempotent_seqs(&asked).await.expect("lookup");

        let mut found: Vec<(String, u64)> = found.into_iter().map(|(k, (s, _))| (k, s)).collect();
        found.sort_unstable();
        let mut expected = vec![
            ("K0".to_string(), 0),
            ("K5".to_string(), 5),
            (format!("K{last}"), last),
        ];
        expected.sort_unstable();
        assert_eq!(found, expected);
        // As if "K6" collided with the fingerprint of entry 5's key.
        store.keys.record_as("K6", [5].into_iter());
        let collided = store.idempotent_seqs(&["K6".to_string()]).await;
        assert!(collided.expect("lookup").is_empty());
    }

    #[tokio::test]
    async fn when_a_load_failed_references_and_keys_are_looked_up_with_sql() {
        let (_dir, store) = store_with_rows(10).await;
        assert!(store.references.begin_load());
        store.references.finish_load(None);
        assert!(store.keys.begin_load());
        store.keys.finish_load(None);
        let keys = store
            .idempotent_seqs(&["K5".to_string(), "K6".to_string()])
            .await
            .expect("lookup");
        assert_eq!(keys.keys().collect::<Vec<_>>(), vec!["K5"]);

        let found = store
            .existing_references(&["R3".to_string(), "R4".to_string()])
            .await
            .expect("lookup");

        assert_eq!(
            found.into_iter().collect::<Vec<_>>(),
            vec![("flood".to_string(), "R3".to_string())]
        );
        let same = store.find_by_reference("SAME", 10).await.expect("search");
        assert_eq!(same.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2]);
    }

    #[tokio::test]
    async fn a_fingerprint_shared_with_another_reference_is_no_answer() {
        let (_dir, store) = store_with_rows(10).await;
        store.load_fingerprints();
        assert!(store.references.candidates("R3").await.is_some(), "loaded");
        // As if "R4" collided with the fingerprints of entries 0 and 3 ("R0", "R3").
        store.references.record_as("R4", [0, 3].into_iter());

        assert!(store
            .existing_references(&["R4".to_string()])
            .await
            .expect("lookup")
            .is_empty());
        assert!(store
            .find_by_reference("R4", 10)
            .await
            .expect("search")
            .is_empty());
    }
}
