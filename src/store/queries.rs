//! The queries both databases answer with the same SQL, written once over sqlx's generic
//! [`Database`]. Parameters are numbered (`$1`), which SQLite reads as PostgreSQL does, so
//! one text serves both; a query whose SQL truly differs (how a list of values is passed,
//! the group commit, the start of a transaction) stays with its backend and hands its rows
//! to the row readers here.
//!
//! Every function takes the executor to run on (a pool, a connection or a transaction), so
//! the SQLite store can read through its writing connection where it must, and fails with
//! the database's [`StoreError`], or [`StoreError::Corrupt`] when a stored value is not
//! one the ledger writes.

use super::columns::{hash_of, int, seq_of};
use super::{
    DonorRecord, HeadSnapshot, StoreError, StoredCampaign, StoredCheckpoint, StoredEntry,
    TokenRecord, ERASED_FINGERPRINT,
};
use crate::ledger::hash::Hash;
use sqlx::{
    ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Transaction, Type,
};
use std::collections::{HashMap, HashSet};
use std::marker::PhantomData;

/// The shared queries of database `DB` (see the module docs).
pub(crate) struct Queries<DB>(PhantomData<DB>);

/// The stored size: one more than the highest `seq`.
const SIZE: &str = "select max(seq) + 1 from entries";
const LAST_ENTRY: &str = "select seq, leaf, leaf_hash from entries order by seq desc limit 1";
const ENTRY: &str = "select seq, leaf, leaf_hash from entries where seq = $1";
const ENTRIES_FROM: &str =
    "select seq, leaf, leaf_hash from entries where seq >= $1 order by seq limit $2";
const OF_KIND: &str =
    "select seq, leaf, leaf_hash from entries where kind = $1 order by seq limit $2";
// A ledger-wide entry names no campaign: its row's `campaign` is null, so this reads the
// campaign index's null prefix (statements, ledger-wide rules, key rotations: all rare),
// never the whole ledger.
const LEDGER_WIDE_OF_KIND: &str = "select seq, leaf, leaf_hash from entries \
    where campaign is null and kind = $1 order by seq";
const WITH_REFERENCE: &str =
    "select seq, leaf, leaf_hash from entries where reference = $1 order by seq limit $2";
const REVERSALS_BETWEEN: &str = "select seq, leaf, leaf_hash, reverses from entries \
    where reverses >= $1 and reverses < $2 and seq < $3 order by reverses";
const LEAF_BYTES: &str =
    "select cast(coalesce(sum(length(leaf)), 0) as bigint) from entries where seq >= $1 and seq < $2";
const REVERSAL_OF: &str = "select seq, leaf, leaf_hash from entries where reverses = $1";
const REVERSALS_OF: &str = "select count(*) from entries where reverses = $1";
const CAMPAIGNS_OF_ENTRY: &str = "select campaign, campaign_to from entries where seq = $1";
const TREE_HASHES_FROM: &str =
    "select idx, hash from tree_hashes where idx >= $1 order by idx limit $2";
const CAMPAIGNS: &str = "select idx, opened_seq, state from campaigns order by idx";
const LATEST_CHECKPOINT: &str =
    "select size, root, note from checkpoints order by size desc limit 1";
const CHECKPOINT_AT: &str = "select size, root, note from checkpoints where size = $1";
const DONOR: &str = "select seq, name, email, phone, address, identifier, salt, \
    consent_publish_name, consent_recorded_at from donors where seq = $1";
const DELETE_DONOR: &str = "delete from donors where seq = $1 returning seq";
const SPOIL_FINGERPRINT: &str = "update idempotency set request_hash = $1 where seq = $2";
const CREATE_TOKEN: &str = "insert into tokens (name, role, token_hash, created_at) \
    values ($1, $2, $3, $4) returning id";
const FIND_TOKEN: &str = "select id, name, role, created_at, revoked_at from tokens \
    where token_hash = $1 and revoked_at is null";
const TOKENS: &str = "select id, name, role, created_at, revoked_at from tokens order by id";
const REVOKE_TOKEN: &str =
    "update tokens set revoked_at = $1 where id = $2 and revoked_at is null returning id";

/// Entries of campaign `$1` with `seq < $2`, newest first, at most `$3`, read through the
/// `(campaign, seq)` and `(campaign_to, seq)` indexes. Each half walks one index in `seq`
/// order and stops at the page's limit, so a page costs the same at entry 10 and at entry
/// 10 million (a single `campaign = $1 or campaign_to = $1` would gather and sort every
/// match first).
const CAMPAIGN_NEWEST_FIRST: &str = "\
select seq, leaf, leaf_hash from (
    select seq, leaf, leaf_hash from entries where campaign = $1 and seq < $2 order by seq desc limit $3
) as own
union all
select seq, leaf, leaf_hash from (
    select seq, leaf, leaf_hash from entries
    where campaign_to = $1 and campaign <> $1 and seq < $2 order by seq desc limit $3
) as incoming
order by seq desc limit $3";

/// Entries of campaign `$1` with `$2 <= seq < $3`, oldest first, at most `$4`, read as
/// [`CAMPAIGN_NEWEST_FIRST`] is.
const CAMPAIGN_OLDEST_FIRST: &str = "\
select seq, leaf, leaf_hash from (
    select seq, leaf, leaf_hash from entries
    where campaign = $1 and seq >= $2 and seq < $3 order by seq limit $4
) as own
union all
select seq, leaf, leaf_hash from (
    select seq, leaf, leaf_hash from entries
    where campaign_to = $1 and campaign <> $1 and seq >= $2 and seq < $3 order by seq limit $4
) as incoming
order by seq limit $4";

/// The other campaign of every transfer (or reversed transfer) of campaign `$1` before `$2`.
const TRANSFER_PARTNERS: &str = "\
select campaign_to as partner from entries where campaign = $1 and campaign_to is not null and seq < $2
union
select campaign as partner from entries where campaign_to = $1 and seq < $2";

/// The time a token was created or revoked, as entries write times.
fn now() -> String {
    crate::ledger::entry::format_recorded_at(chrono::Utc::now())
}

// The bounds say which Rust types each database reads and writes; both drivers meet them.
impl<DB> Queries<DB>
where
    DB: Database,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    usize: ColumnIndex<DB::Row>,
    for<'r> &'r str: ColumnIndex<DB::Row> + Encode<'r, DB> + Decode<'r, DB> + Type<DB>,
    for<'r> &'r [u8]: Encode<'r, DB> + Decode<'r, DB> + Type<DB>,
    for<'r> i64: Encode<'r, DB> + Decode<'r, DB> + Type<DB>,
    for<'r> String: Encode<'r, DB> + Decode<'r, DB> + Type<DB>,
    for<'r> Vec<u8>: Decode<'r, DB> + Type<DB>,
    for<'r> bool: Decode<'r, DB> + Type<DB>,
{
    /// Reads a row of `seq, leaf, leaf_hash`.
    pub(crate) fn stored_entry(row: &DB::Row) -> Result<StoredEntry, StoreError> {
        Ok(StoredEntry {
            seq: seq_of(row.try_get("seq")?),
            leaf: row.try_get("leaf")?,
            leaf_hash: hash_of(row.try_get::<&[u8], _>("leaf_hash")?)?,
        })
    }

    fn checkpoint(row: &DB::Row) -> Result<StoredCheckpoint, StoreError> {
        Ok(StoredCheckpoint {
            size: seq_of(row.try_get("size")?),
            root: hash_of(row.try_get::<&[u8], _>("root")?)?,
            note: row.try_get("note")?,
        })
    }

    fn campaign(row: &DB::Row) -> Result<StoredCampaign, StoreError> {
        let state: &str = row.try_get("state")?;
        Ok(StoredCampaign {
            idx: u32::try_from(row.try_get::<i64, _>("idx")?).unwrap_or(u32::MAX),
            opened_seq: seq_of(row.try_get("opened_seq")?),
            state: serde_json::from_str(state)
                .map_err(|e| StoreError::Corrupt(format!("campaign state: {e}")))?,
        })
    }

    pub(super) fn token(row: &DB::Row) -> Result<TokenRecord, StoreError> {
        Ok(TokenRecord {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            role: row.try_get("role")?,
            created_at: row.try_get("created_at")?,
            revoked_at: row.try_get("revoked_at")?,
        })
    }

    /// Reads a row of `key, seq, request_hash` (the `idempotency` table).
    fn idempotency(row: &DB::Row) -> Result<(String, (u64, Hash)), StoreError> {
        Ok((
            row.try_get("key")?,
            (
                seq_of(row.try_get("seq")?),
                hash_of(row.try_get::<&[u8], _>("request_hash")?)?,
            ),
        ))
    }

    /// Reads a row of `campaign, reference` (a donation's).
    pub(crate) fn reference(row: &DB::Row) -> Result<(String, String), StoreError> {
        Ok((row.try_get("campaign")?, row.try_get("reference")?))
    }

    /// Number of entries.
    pub(crate) async fn size<'c>(
        exec: impl Executor<'c, Database = DB>,
    ) -> Result<u64, StoreError> {
        let row = sqlx::query::<DB>(SIZE).fetch_one(exec).await?;
        Ok(row.try_get::<Option<i64>, _>(0)?.map_or(0, seq_of))
    }

    /// The last entry, if any.
    pub(crate) async fn last_entry<'c>(
        exec: impl Executor<'c, Database = DB>,
    ) -> Result<Option<StoredEntry>, StoreError> {
        let row = sqlx::query::<DB>(LAST_ENTRY).fetch_optional(exec).await?;
        row.as_ref().map(Self::stored_entry).transpose()
    }

    /// Entry `seq`, if stored.
    pub(crate) async fn entry<'c>(
        exec: impl Executor<'c, Database = DB>,
        seq: u64,
    ) -> Result<Option<StoredEntry>, StoreError> {
        let row = sqlx::query::<DB>(ENTRY)
            .bind(int(seq))
            .fetch_optional(exec)
            .await?;
        row.as_ref().map(Self::stored_entry).transpose()
    }

    /// Up to `limit` entries from `start`, in order.
    pub(crate) async fn entries<'c>(
        exec: impl Executor<'c, Database = DB>,
        start: u64,
        limit: u64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let rows = sqlx::query::<DB>(ENTRIES_FROM)
            .bind(int(start))
            .bind(int(limit))
            .fetch_all(exec)
            .await?;
        rows.iter().map(Self::stored_entry).collect()
    }

    /// Up to `limit` entries of kind `kind`, in order.
    pub(crate) async fn of_kind<'c>(
        exec: impl Executor<'c, Database = DB>,
        kind: &str,
        limit: u64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let rows = sqlx::query::<DB>(OF_KIND)
            .bind(kind)
            .bind(int(limit))
            .fetch_all(exec)
            .await?;
        rows.iter().map(Self::stored_entry).collect()
    }

    /// Every entry of kind `kind` that names no campaign, in order.
    pub(crate) async fn ledger_wide<'c>(
        exec: impl Executor<'c, Database = DB>,
        kind: &str,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let rows = sqlx::query::<DB>(LEDGER_WIDE_OF_KIND)
            .bind(kind)
            .fetch_all(exec)
            .await?;
        rows.iter().map(Self::stored_entry).collect()
    }

    /// Up to `limit` entries whose `reference` column is `reference`, in order.
    pub(crate) async fn with_reference<'c>(
        exec: impl Executor<'c, Database = DB>,
        reference: &str,
        limit: u64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let rows = sqlx::query::<DB>(WITH_REFERENCE)
            .bind(reference)
            .bind(int(limit))
            .fetch_all(exec)
            .await?;
        rows.iter().map(Self::stored_entry).collect()
    }

    /// The reversals (below `size`) of entries `from` to `to` (exclusive), each with the
    /// seq it reverses, read through the unique index on `reverses`.
    pub(crate) async fn reversals_between<'c>(
        exec: impl Executor<'c, Database = DB>,
        from: u64,
        to: u64,
        size: u64,
    ) -> Result<Vec<(u64, StoredEntry)>, StoreError> {
        let rows = sqlx::query::<DB>(REVERSALS_BETWEEN)
            .bind(int(from))
            .bind(int(to))
            .bind(int(size))
            .fetch_all(exec)
            .await?;
        rows.iter()
            .map(|r| Ok((seq_of(r.try_get("reverses")?), Self::stored_entry(r)?)))
            .collect()
    }

    /// The total length of the leaves of entries `from` to `to` (exclusive).
    pub(crate) async fn leaf_bytes<'c>(
        exec: impl Executor<'c, Database = DB>,
        from: u64,
        to: u64,
    ) -> Result<u64, StoreError> {
        let row = sqlx::query::<DB>(LEAF_BYTES)
            .bind(int(from))
            .bind(int(to))
            .fetch_one(exec)
            .await?;
        Ok(seq_of(row.try_get::<i64, _>(0)?))
    }

    /// The reversal of entry `seq`, if it has one (read through the unique index on
    /// `reverses`).
    pub(crate) async fn reversal_of<'c>(
        exec: impl Executor<'c, Database = DB>,
        seq: u64,
    ) -> Result<Option<StoredEntry>, StoreError> {
        let row = sqlx::query::<DB>(REVERSAL_OF)
            .bind(int(seq))
            .fetch_optional(exec)
            .await?;
        row.as_ref().map(Self::stored_entry).transpose()
    }

    /// Whether entry `seq` has been reversed.
    pub(crate) async fn is_reversed<'c>(
        exec: impl Executor<'c, Database = DB>,
        seq: u64,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query::<DB>(REVERSALS_OF)
            .bind(int(seq))
            .fetch_one(exec)
            .await?;
        Ok(row.try_get::<i64, _>(0)? > 0)
    }

    /// The `campaign` and `campaign_to` columns of entry `seq`, if stored.
    pub(crate) async fn campaigns_of_entry<'c>(
        exec: impl Executor<'c, Database = DB>,
        seq: u64,
    ) -> Result<Option<(Option<String>, Option<String>)>, StoreError> {
        let row = sqlx::query::<DB>(CAMPAIGNS_OF_ENTRY)
            .bind(int(seq))
            .fetch_optional(exec)
            .await?;
        row.map(|r| Ok((r.try_get("campaign")?, r.try_get("campaign_to")?)))
            .transpose()
    }

    /// Stored tree nodes with index `>= start`, in index order, at most `limit`.
    pub(crate) async fn tree_hashes_from<'c>(
        exec: impl Executor<'c, Database = DB>,
        start: u64,
        limit: u64,
    ) -> Result<Vec<(u64, Hash)>, StoreError> {
        let rows = sqlx::query::<DB>(TREE_HASHES_FROM)
            .bind(int(start))
            .bind(int(limit))
            .fetch_all(exec)
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

    /// All campaigns in opening order.
    pub(crate) async fn campaigns<'c>(
        exec: impl Executor<'c, Database = DB>,
    ) -> Result<Vec<StoredCampaign>, StoreError> {
        let rows = sqlx::query::<DB>(CAMPAIGNS).fetch_all(exec).await?;
        rows.iter().map(Self::campaign).collect()
    }

    /// The latest signed checkpoint.
    pub(crate) async fn latest_checkpoint<'c>(
        exec: impl Executor<'c, Database = DB>,
    ) -> Result<Option<StoredCheckpoint>, StoreError> {
        let row = sqlx::query::<DB>(LATEST_CHECKPOINT)
            .fetch_optional(exec)
            .await?;
        row.as_ref().map(Self::checkpoint).transpose()
    }

    /// The checkpoint signed at exactly `size`, if one was.
    pub(crate) async fn checkpoint_at<'c>(
        exec: impl Executor<'c, Database = DB>,
        size: u64,
    ) -> Result<Option<StoredCheckpoint>, StoreError> {
        let row = sqlx::query::<DB>(CHECKPOINT_AT)
            .bind(int(size))
            .fetch_optional(exec)
            .await?;
        row.as_ref().map(Self::checkpoint).transpose()
    }

    /// The latest checkpoint, the campaign rows and the stored size, read in `tx`: the
    /// caller begins the read transaction that makes them one snapshot.
    pub(crate) async fn head(mut tx: Transaction<'_, DB>) -> Result<HeadSnapshot, StoreError> {
        let head = HeadSnapshot {
            checkpoint: Self::latest_checkpoint(&mut *tx).await?,
            campaigns: Self::campaigns(&mut *tx).await?,
            size: Self::size(&mut *tx).await?,
        };
        tx.commit().await?;
        Ok(head)
    }

    /// Entries touching `campaign` with `seq < before`, newest first, at most `limit`.
    pub(crate) async fn campaign_entries<'c>(
        exec: impl Executor<'c, Database = DB>,
        campaign: &str,
        before: u64,
        limit: u64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let rows = sqlx::query::<DB>(CAMPAIGN_NEWEST_FIRST)
            .bind(campaign)
            .bind(int(before))
            .bind(int(limit))
            .fetch_all(exec)
            .await?;
        rows.iter().map(Self::stored_entry).collect()
    }

    /// Entries touching `campaign` with `from <= seq < before`, oldest first, at most `limit`.
    pub(crate) async fn campaign_entries_from<'c>(
        exec: impl Executor<'c, Database = DB>,
        campaign: &str,
        from: u64,
        before: u64,
        limit: u64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let rows = sqlx::query::<DB>(CAMPAIGN_OLDEST_FIRST)
            .bind(campaign)
            .bind(int(from))
            .bind(int(before))
            .bind(int(limit))
            .fetch_all(exec)
            .await?;
        rows.iter().map(Self::stored_entry).collect()
    }

    /// The campaigns `campaign` moved money with by a transfer before `before`, each once.
    pub(crate) async fn transfer_partners<'c>(
        exec: impl Executor<'c, Database = DB>,
        campaign: &str,
        before: u64,
    ) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query::<DB>(TRANSFER_PARTNERS)
            .bind(campaign)
            .bind(int(before))
            .fetch_all(exec)
            .await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>("partner").map_err(StoreError::from))
            .collect()
    }

    /// The personal data recorded with donation `seq`, if any is left.
    pub(crate) async fn donor<'c>(
        exec: impl Executor<'c, Database = DB>,
        seq: u64,
    ) -> Result<Option<DonorRecord>, StoreError> {
        let row = sqlx::query::<DB>(DONOR)
            .bind(int(seq))
            .fetch_optional(exec)
            .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(DonorRecord {
            seq: seq_of(r.try_get("seq")?),
            name: r.try_get("name")?,
            email: r.try_get("email")?,
            phone: r.try_get("phone")?,
            address: r.try_get("address")?,
            identifier: r.try_get("identifier")?,
            salt: r.try_get::<Option<Vec<u8>>, _>("salt")?.map(hex::encode),
            consent_publish_name: r.try_get("consent_publish_name")?,
            consent_recorded_at: r.try_get("consent_recorded_at")?,
        }))
    }

    /// Deletes the personal data of donation `seq` and replaces the fingerprint stored with
    /// its idempotency key by [`ERASED_FINGERPRINT`], both in `tx`, and commits it. False
    /// (and nothing changed) when there was no row to delete.
    pub(crate) async fn delete_donor(
        mut tx: Transaction<'_, DB>,
        seq: u64,
    ) -> Result<bool, StoreError> {
        let deleted = sqlx::query::<DB>(DELETE_DONOR)
            .bind(int(seq))
            .fetch_optional(&mut *tx)
            .await?;
        if deleted.is_none() {
            return Ok(false);
        }
        sqlx::query::<DB>(SPOIL_FINGERPRINT)
            .bind(&ERASED_FINGERPRINT.0[..])
            .bind(int(seq))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Stores a new token; the database's error when the name or hash is taken.
    pub(crate) async fn create_token<'c>(
        exec: impl Executor<'c, Database = DB>,
        name: &str,
        role: &str,
        token_hash: &Hash,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query::<DB>(CREATE_TOKEN)
            .bind(name)
            .bind(role)
            .bind(&token_hash.0[..])
            .bind(now())
            .fetch_one(exec)
            .await?;
        Ok(row.try_get(0)?)
    }

    /// The unrevoked token with this hash.
    pub(crate) async fn find_token<'c>(
        exec: impl Executor<'c, Database = DB>,
        token_hash: &Hash,
    ) -> Result<Option<TokenRecord>, StoreError> {
        let row = sqlx::query::<DB>(FIND_TOKEN)
            .bind(&token_hash.0[..])
            .fetch_optional(exec)
            .await?;
        row.as_ref().map(Self::token).transpose()
    }

    /// All tokens, oldest first.
    pub(crate) async fn tokens<'c>(
        exec: impl Executor<'c, Database = DB>,
    ) -> Result<Vec<TokenRecord>, StoreError> {
        let rows = sqlx::query::<DB>(TOKENS).fetch_all(exec).await?;
        rows.iter().map(Self::token).collect()
    }

    /// Revokes token `id`; false when there is no such unrevoked token.
    pub(crate) async fn revoke_token<'c>(
        exec: impl Executor<'c, Database = DB>,
        id: i64,
    ) -> Result<bool, StoreError> {
        let revoked = sqlx::query::<DB>(REVOKE_TOKEN)
            .bind(now())
            .bind(id)
            .fetch_optional(exec)
            .await?;
        Ok(revoked.is_some())
    }

    /// The (campaign, reference) of every row `sql` returns with `list` bound as `$1`.
    pub(crate) async fn references_in<'c, L>(
        exec: impl Executor<'c, Database = DB>,
        sql: &'static str,
        list: L,
    ) -> Result<HashSet<(String, String)>, StoreError>
    where
        L: for<'q> Encode<'q, DB> + Type<DB> + Send,
    {
        let rows = sqlx::query::<DB>(sql).bind(list).fetch_all(exec).await?;
        rows.iter().map(Self::reference).collect()
    }

    /// The (seq, request fingerprint) of every idempotency key among the rows of `key, seq,
    /// request_hash` that `sql` returns with `list` bound as `$1`.
    pub(crate) async fn keys_in<'c, L>(
        exec: impl Executor<'c, Database = DB>,
        sql: &'static str,
        list: L,
    ) -> Result<HashMap<String, (u64, Hash)>, StoreError>
    where
        L: for<'q> Encode<'q, DB> + Type<DB> + Send,
    {
        let rows = sqlx::query::<DB>(sql).bind(list).fetch_all(exec).await?;
        rows.iter().map(Self::idempotency).collect()
    }

    /// The hashes of `indexes`, in that order, from the rows of `idx, hash` that `sql`
    /// returns with `list` (the same indexes, as the database takes a list) bound as `$1`.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when a node is missing.
    pub(crate) async fn hashes_in<'c, L>(
        exec: impl Executor<'c, Database = DB>,
        sql: &'static str,
        list: L,
        indexes: &[u64],
    ) -> Result<Vec<Hash>, StoreError>
    where
        L: for<'q> Encode<'q, DB> + Type<DB> + Send,
    {
        let rows = sqlx::query::<DB>(sql).bind(list).fetch_all(exec).await?;
        let mut found = HashMap::with_capacity(rows.len());
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
}
