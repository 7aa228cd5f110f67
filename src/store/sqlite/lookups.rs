//! SQLite: lookups by donation reference and idempotency key, answered from the
//! in-memory fingerprint indexes (`fingerprints.rs`) and falling back to SQL when they
//! could not be loaded.

use super::{closed, SqliteStore};
use crate::ledger::hash::Hash;
use crate::store::columns::{int, seq_of};
use crate::store::fingerprints::{self, FingerprintIndex};
use crate::store::queries::Queries;
use crate::store::{StoreError, StoredEntry};
use sqlx::{Row, Sqlite};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

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

impl SqliteStore {
    /// Starts loading the in-memory indexes of donation references and idempotency keys
    /// in the background, once each; lookups by either wait for their index.
    pub(in crate::store) fn load_fingerprints(&self) {
        self.load_index(&self.references, REFERENCES_FROM, "donation references");
        self.load_index(&self.keys, IDEMPOTENCY_KEYS_FROM, "idempotency keys");
    }

    /// Loads `index` from `slice_sql` (a JSON array of `[seq, key]` for a range of `seq`),
    /// unless its load has begun already.
    fn load_index(
        &self,
        index: &Arc<FingerprintIndex>,
        slice_sql: &'static str,
        what: &'static str,
    ) {
        if !index.begin_load() {
            return;
        }
        let (pool, index) = (self.pool.clone(), Arc::clone(index));
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
                Err(_) if pool.is_closed() => index.finish_load(None),
                Err(e) => {
                    tracing::error!(error = %e, "could not load the {what}; looking them up with SQL");
                    index.finish_load(None);
                }
            }
        });
    }

    /// Donations with this bank reference, in order, at most `limit`.
    pub(in crate::store) async fn find_by_reference(
        &self,
        reference: &str,
        limit: u64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        self.load_fingerprints();
        let Some(candidates) = self.references.candidates(reference).await else {
            return Queries::with_reference(&self.pool, reference, limit).await;
        };
        let mut found = Vec::new();
        for chunk in candidates.chunks(256) {
            let rows = sqlx::query(
                "select seq, leaf, leaf_hash, reference from entries where seq in (select value from json_each(?)) order by seq",
            )
            .bind(json_list(chunk))
            .fetch_all(&self.pool)
            .await?;
            for row in &rows {
                if found.len() as u64 >= limit {
                    return Ok(found);
                }
                if row.try_get::<Option<&str>, _>("reference")? == Some(reference) {
                    found.push(Queries::<Sqlite>::stored_entry(row)?);
                }
            }
        }
        Ok(found)
    }

    /// The (campaign, reference) pairs of stored donations with any of `references`, read
    /// on the writing connection (the sequencer judges a batch with them).
    pub(in crate::store) async fn existing_references(
        &self,
        references: &[String],
    ) -> Result<HashSet<(String, String)>, StoreError> {
        let mut writer = self.writer.lock().await;
        let conn = writer.as_mut().ok_or_else(closed)?;
        self.existing_references_on(conn, references).await
    }

    /// [`SqliteStore::existing_references`] read on `conn` (the writing connection, held by
    /// the caller: a statement's import inside its transaction).
    pub(in crate::store) async fn existing_references_on(
        &self,
        conn: &mut sqlx::SqliteConnection,
        references: &[String],
    ) -> Result<HashSet<(String, String)>, StoreError> {
        self.load_fingerprints();
        let candidates = self.references.candidates_of_all(references).await;
        if candidates.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Default::default());
        }
        let Some(candidates) = candidates else {
            let sql = "select campaign, reference from entries where kind = 'donation' and reference in (select value from json_each(?))";
            return Queries::references_in(conn, sql, json_list(references)).await;
        };
        let asked: HashSet<&str> = references.iter().map(String::as_str).collect();
        let mut found = HashSet::new();
        for chunk in candidates.chunks(512) {
            let sql = "select campaign, reference from entries where seq in (select value from json_each(?)) and kind = 'donation'";
            let rows = Queries::references_in(&mut *conn, sql, json_list(chunk)).await?;
            found.extend(rows.into_iter().filter(|(_, r)| asked.contains(r.as_str())));
        }
        Ok(found)
    }

    /// The stored (seq, request fingerprint) of each of `keys` that was used, read on the
    /// writing connection.
    pub(in crate::store) async fn idempotent_seqs(
        &self,
        keys: &[String],
    ) -> Result<HashMap<String, (u64, Hash)>, StoreError> {
        self.load_fingerprints();
        let candidates = self.keys.candidates_of_all(keys).await;
        if candidates.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Default::default());
        }
        let mut writer = self.writer.lock().await;
        let conn = writer.as_mut().ok_or_else(closed)?;
        let Some(candidates) = candidates else {
            let sql = "select key, seq, request_hash from idempotency where key in (select value from json_each(?))";
            return Queries::keys_in(conn, sql, json_list(keys)).await;
        };
        let asked: HashSet<&str> = keys.iter().map(String::as_str).collect();
        let mut found = HashMap::new();
        for chunk in candidates.chunks(512) {
            let sql = "select key, seq, request_hash from idempotency where seq in (select value from json_each(?))";
            let rows = Queries::keys_in(&mut *conn, sql, json_list(chunk)).await?;
            found.extend(rows.into_iter().filter(|(k, _)| asked.contains(k.as_str())));
        }
        Ok(found)
    }
}

/// `values` as a JSON array, the way SQLite's `json_each` takes a list.
fn json_list<T: serde::Serialize>(values: &[T]) -> String {
    // Serializing numbers and strings to a string cannot fail.
    serde_json::to_string(values).unwrap_or_default()
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
