//! SQLite: one campaign's entries, read through the `(campaign, seq)` and
//! `(campaign_to, seq)` indexes. Each half of a read walks one index in `seq` order and
//! stops at the page's limit, so a page costs the same at entry 10 and at entry 10 million
//! (a single `campaign = ? or campaign_to = ?` would gather and sort every match first).

use super::{int, stored_entry, SqliteStore};
use crate::store::{StoreError, StoredEntry};
use sqlx::Row;

/// Entries of campaign `?` with `seq < ?`, newest first, at most `?` from each index and
/// `?` in all (parameters: campaign, before, limit, campaign, campaign, before, limit, limit).
const NEWEST_FIRST: &str = "\
select seq, leaf, leaf_hash from (
    select seq, leaf, leaf_hash from entries where campaign = ? and seq < ? order by seq desc limit ?
) as own
union all
select seq, leaf, leaf_hash from (
    select seq, leaf, leaf_hash from entries
    where campaign_to = ? and campaign <> ? and seq < ? order by seq desc limit ?
) as incoming
order by seq desc limit ?";

/// Entries of campaign `?` with `? <= seq < ?`, oldest first (parameters: campaign, from,
/// before, limit, campaign, campaign, from, before, limit, limit).
const OLDEST_FIRST: &str = "\
select seq, leaf, leaf_hash from (
    select seq, leaf, leaf_hash from entries
    where campaign = ? and seq >= ? and seq < ? order by seq limit ?
) as own
union all
select seq, leaf, leaf_hash from (
    select seq, leaf, leaf_hash from entries
    where campaign_to = ? and campaign <> ? and seq >= ? and seq < ? order by seq limit ?
) as incoming
order by seq limit ?";

/// The other campaign of every transfer (or reversed transfer) of campaign `?` before
/// `?` (parameters: campaign, before, campaign, before).
const TRANSFER_PARTNERS: &str = "\
select campaign_to as partner from entries where campaign = ? and campaign_to is not null and seq < ?
union
select campaign as partner from entries where campaign_to = ? and seq < ?";

impl SqliteStore {
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
