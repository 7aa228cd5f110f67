//! PostgreSQL: one campaign's entries, read through the `(campaign, seq)` and
//! `(campaign_to, seq)` indexes, with the same queries as SQLite
//! (`src/store/sqlite/by_campaign.rs`): each half walks one index in `seq` order and stops
//! at the page's limit, so a page costs the same wherever it starts.

use super::{int, stored_entry, PostgresStore};
use crate::store::{StoreError, StoredEntry};
use sqlx::Row;

/// Entries of campaign `$1` with `seq < $2`, newest first, at most `$3` from each index and
/// `$8` in all (parameters: campaign, before, limit, campaign, campaign, before, limit, limit).
const NEWEST_FIRST: &str = "\
select seq, leaf, leaf_hash from (
    select seq, leaf, leaf_hash from entries where campaign = $1 and seq < $2 order by seq desc limit $3
) as own
union all
select seq, leaf, leaf_hash from (
    select seq, leaf, leaf_hash from entries
    where campaign_to = $4 and campaign <> $5 and seq < $6 order by seq desc limit $7
) as incoming
order by seq desc limit $8";

/// Entries of campaign `$1` with `$2 <= seq < $3`, oldest first (parameters: campaign, from,
/// before, limit, campaign, campaign, from, before, limit, limit).
const OLDEST_FIRST: &str = "\
select seq, leaf, leaf_hash from (
    select seq, leaf, leaf_hash from entries
    where campaign = $1 and seq >= $2 and seq < $3 order by seq limit $4
) as own
union all
select seq, leaf, leaf_hash from (
    select seq, leaf, leaf_hash from entries
    where campaign_to = $5 and campaign <> $6 and seq >= $7 and seq < $8 order by seq limit $9
) as incoming
order by seq limit $10";

/// The other campaign of every transfer (or reversed transfer) of campaign `$1` before
/// `$2` (parameters: campaign, before, campaign, before).
const TRANSFER_PARTNERS: &str = "\
select campaign_to as partner from entries where campaign = $1 and campaign_to is not null and seq < $2
union
select campaign as partner from entries where campaign_to = $3 and seq < $4";

impl PostgresStore {
    pub(in crate::store) async fn campaign_entries(
        &self,
        campaign: &str,
        before: u64,
        limit: u64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let rows = sqlx::query(NEWEST_FIRST)
            .bind(campaign)
            .bind(int(before))
            .bind(int(limit))
            .bind(campaign)
            .bind(campaign)
            .bind(int(before))
            .bind(int(limit))
            .bind(int(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(stored_entry).collect()
    }

    pub(in crate::store) async fn campaign_entries_from(
        &self,
        campaign: &str,
        from: u64,
        before: u64,
        limit: u64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let rows = sqlx::query(OLDEST_FIRST)
            .bind(campaign)
            .bind(int(from))
            .bind(int(before))
            .bind(int(limit))
            .bind(campaign)
            .bind(campaign)
            .bind(int(from))
            .bind(int(before))
            .bind(int(limit))
            .bind(int(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(stored_entry).collect()
    }

    pub(in crate::store) async fn transfer_partners(
        &self,
        campaign: &str,
        before: u64,
    ) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(TRANSFER_PARTNERS)
            .bind(campaign)
            .bind(int(before))
            .bind(campaign)
            .bind(int(before))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>("partner").map_err(StoreError::from))
            .collect()
    }
}
