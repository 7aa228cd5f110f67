//! Reads of one campaign's entries: the entries whose `campaign` column names it (its
//! opening, closing, donations, disbursements, transfers out, reversals of those) and those
//! whose `campaign_to` does (transfers in, reversals of transfers in). Each read costs one
//! page of index lookups however large the campaign or the ledger (see the queries in
//! `queries.rs`), so a reader can walk a campaign page by page.

use super::queries::Queries;
use super::{Store, StoreError, StoredEntry};

impl Store {
    /// Entries touching `campaign` with `seq < before`, newest first, at most `limit`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn campaign_entries(
        &self,
        campaign: &str,
        before: u64,
        limit: u64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        on_pool!(self, pool => Queries::campaign_entries(pool, campaign, before, limit).await)
    }

    /// Entries touching `campaign` with `from <= seq < before`, oldest first, at most
    /// `limit`: the next page of a walk through the campaign in ledger order.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn campaign_entries_from(
        &self,
        campaign: &str,
        from: u64,
        before: u64,
        limit: u64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        on_pool!(self, pool => {
            Queries::campaign_entries_from(pool, campaign, from, before, limit).await
        })
    }

    /// The campaigns `campaign` moved money to or from by a transfer recorded before
    /// `before`, each once, in no particular order. A campaign's running balance depends
    /// only on its own entries, so these are the campaigns whose balances a report of
    /// `campaign`'s transfers needs.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn transfer_partners(
        &self,
        campaign: &str,
        before: u64,
    ) -> Result<Vec<String>, StoreError> {
        on_pool!(self, pool => Queries::transfer_partners(pool, campaign, before).await)
    }
}
