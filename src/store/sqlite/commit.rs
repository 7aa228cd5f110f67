//! SQLite: the group commit, one multi-statement query on the writing connection.

use super::{closed, SqliteStore};
use crate::ledger::hash::Hash;
use crate::store::columns::int;
use crate::store::indexed::Indexed;
use crate::store::search::SearchRows;
use crate::store::{Batch, StoreError};

/// One group commit: a transaction of one insert per table, each unpacking a JSON array
/// of rows. Parameters, in order: all leaves concatenated (a blob; each entry row names
/// its leaf as `[offset, length]` in it), entries, donors, idempotency keys, tree nodes,
/// campaign states, the checkpoint. The search index is not written here: the background
/// indexer (`store::search_indexer`) builds it off the append path. An empty array (NULL) inserts nothing. (Plain `?`
/// only: sqlx binds the statements of one query in order.) `jsonb_each` (SQLite 3.45+,
/// bundled) parses each array once and hands every row over as binary JSON, which `->>`
/// reads in place; `json_each` would print each row back to text for every `->>`, a fifth
/// of the writer thread's CPU.
pub(super) const GROUP_COMMIT: &str = "\
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

/// Search rows of a page of entries, and how far the index has come, in one transaction
/// (parameters: keys, days, the new `done`).
const SEARCH_CATCH_UP: &str = "\
begin immediate;
insert or ignore into search_keys (key, seq)
    select unhex(value ->> 0), value ->> 1 from jsonb_each(?);
insert or ignore into search_days (received_at, amount, seq)
    select value ->> 0, value ->> 1, value ->> 2 from jsonb_each(?);
update search_backfill set done = max(done, ?);
commit;";

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

/// The parameters of [`GROUP_COMMIT`] for one batch, in order.
pub(super) struct Params {
    pub(super) leaves: Vec<u8>,
    pub(super) entries: Option<String>,
    pub(super) donors: Option<String>,
    pub(super) keys: Option<String>,
    pub(super) hashes: Option<String>,
    pub(super) campaigns: Option<String>,
    pub(super) checkpoint: Option<String>,
}

/// The JSON arrays of search rows: keys (as hex, with seq) and days.
fn search_json(rows: &SearchRows) -> Result<(Option<String>, Option<String>), StoreError> {
    Ok((
        rows_json(rows.keys.iter().map(|(k, seq)| (hex::encode(k), seq)))?,
        rows_json(rows.days.iter())?,
    ))
}

impl Params {
    /// The rows of `batch` (whose entries have the columns `indexed`) as JSON arrays
    /// (leaves as UTF-8 JSON text, hashes and salts as hex, serialized straight from
    /// borrowed tuples), and its leaves as one blob, each entry row naming its leaf's
    /// 1-based offset and length.
    pub(super) fn of(batch: &Batch, indexed: &[Indexed<'_>]) -> Result<Params, StoreError> {
        let mut leaves = Vec::with_capacity(batch.entries.iter().map(|e| e.leaf.len()).sum());
        let mut at = Vec::with_capacity(batch.entries.len());
        for e in &batch.entries {
            at.push(leaves.len() + 1);
            leaves.extend_from_slice(&e.leaf);
        }
        let rows = batch.entries.iter().zip(indexed).zip(&at);
        let entries = rows_json(rows.map(|((e, i), at)| {
            (
                e.entry.seq,
                (at, e.leaf.len()),
                &e.leaf_hash,
                &e.entry.prev,
                i.kind,
                &i.campaign,
                &i.campaign_to,
                i.reference,
                i.reverses,
                &e.entry.recorded_at,
            )
        }))?;
        let donors = rows_json(batch.entries.iter().filter_map(|e| {
            e.private.as_ref().map(|p| {
                (
                    e.entry.seq,
                    &p.name,
                    &p.email,
                    &p.phone,
                    &p.address,
                    &p.identifier,
                    p.salt.map(Hash),
                    p.consent_publish_name,
                    &e.entry.recorded_at,
                )
            })
        }))?;
        let keys = rows_json(batch.entries.iter().filter_map(|e| {
            e.idempotency_key
                .as_ref()
                .map(|(key, request)| (key, e.entry.seq, request))
        }))?;
        let mut campaigns = Vec::with_capacity(batch.campaigns.len());
        for (idx, opened_seq, state) in &batch.campaigns {
            let json = serde_json::to_string(state)
                .map_err(|e| StoreError::Corrupt(format!("campaign state: {e}")))?;
            campaigns.push((idx, &state.id, opened_seq, json));
        }
        Ok(Params {
            leaves,
            entries,
            donors,
            keys,
            hashes: rows_json(batch.hashes.iter())?,
            campaigns: rows_json(campaigns.iter())?,
            checkpoint: rows_json(batch.checkpoint.iter().map(|c| (c.size, &c.root, &c.note)))?,
        })
    }
}

impl SqliteStore {
    /// Writes `batch` (whose entries have the columns `indexed`) in one transaction.
    ///
    /// The whole group commit is one multi-statement query, so it costs one round trip to
    /// the connection's thread: each table gets one statement for the whole batch, its
    /// rows travelling as one JSON array unpacked by `jsonb_each`.
    pub(in crate::store) async fn append_batch(
        &self,
        batch: &Batch,
        indexed: &[Indexed<'_>],
    ) -> Result<(), StoreError> {
        let p = Params::of(batch, indexed)?;
        let mut writer = self.writer.lock().await;
        let conn = writer.as_mut().ok_or_else(closed)?;
        let written = sqlx::query(GROUP_COMMIT)
            .bind(p.leaves)
            .bind(p.entries)
            .bind(p.donors)
            .bind(p.keys)
            .bind(p.hashes)
            .bind(p.campaigns)
            .bind(p.checkpoint)
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
                .zip(indexed)
                .filter_map(|(e, i)| i.reference.map(|r| (r, e.entry.seq))),
        );
        self.keys.record(batch.entries.iter().filter_map(|e| {
            e.idempotency_key
                .as_ref()
                .map(|(key, _)| (key.as_str(), e.entry.seq))
        }));
        Ok(())
    }

    /// Writes the search rows of a page of entries and records that entries below `next`
    /// are indexed, in one transaction on the writing connection (so it waits for the
    /// group commit in progress, and the next one waits for it).
    pub(in crate::store) async fn write_search_page(
        &self,
        rows: &SearchRows,
        next: u64,
    ) -> Result<(), StoreError> {
        let (keys, days) = search_json(rows)?;
        let mut writer = self.writer.lock().await;
        let conn = writer.as_mut().ok_or_else(closed)?;
        let written = sqlx::query(SEARCH_CATCH_UP)
            .bind(keys)
            .bind(days)
            .bind(int(next))
            .execute(&mut *conn)
            .await;
        if let Err(e) = written {
            let _ = sqlx::query("rollback").execute(&mut *conn).await;
            return Err(e.into());
        }
        Ok(())
    }
}
