//! A campaign's budgets and pledges (SPEC.md §18, §19), folded from its own entries: its
//! budgets, pledges and cancellations, its donations and disbursements and the reversals of
//! those, which the store indexes under the campaign (`by_campaign.rs`). The sequencer
//! admits budget and pledge entries against this fold, and the read routes show it.
//!
//! The read routes' folds are kept per campaign ([`PlanViews`], for the 256 campaigns read
//! most recently) and brought up to date from
//! where they stopped: entries below the published size never change, so folding entries
//! `a..b` into the fold of `0..a` gives exactly the fold of `0..b`, and a read of a campaign
//! of 20,000 entries reads only the entries appended since the last read.

use super::{Store, StoreError};
use crate::ledger::decode;
use crate::ledger::plans::Plans;
use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

/// Entries read per page while folding a campaign.
const PAGE: u64 = 1000;

impl Store {
    /// Folds into `plans` every stored entry of `campaign` below `before`, in ledger order.
    /// `plans` must not hold the campaign already (each entry would count twice).
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when a stored entry does not decode or breaks a budget or
    /// pledge rule (it was checked when appended); otherwise the database's error.
    pub async fn fold_campaign_plans(
        &self,
        plans: &mut Plans,
        campaign: &str,
        before: u64,
    ) -> Result<(), StoreError> {
        self.fold_campaign_plans_between(plans, campaign, 0, before)
            .await
    }

    /// Folds into `plans` the stored entries of `campaign` from `from` (inclusive) to
    /// `before` (exclusive), in ledger order; `plans` must hold exactly its entries below
    /// `from`.
    async fn fold_campaign_plans_between(
        &self,
        plans: &mut Plans,
        campaign: &str,
        mut from: u64,
        before: u64,
    ) -> Result<(), StoreError> {
        loop {
            let page = self
                .campaign_entries_from(campaign, from, before, PAGE)
                .await?;
            let Some(last) = page.last().map(|e| e.seq) else {
                return Ok(());
            };
            for row in &page {
                let entry = decode(&row.leaf)
                    .map_err(|e| StoreError::Corrupt(format!("entry {}: {e}", row.seq)))?;
                plans
                    .apply(&entry)
                    .map_err(|e| StoreError::Corrupt(format!("entry {}: {e}", row.seq)))?;
            }
            if (page.len() as u64) < PAGE {
                return Ok(());
            }
            from = last + 1;
        }
    }

    /// The budgets and pledges of `campaign` as of entry `before` (exclusive): the same as
    /// folding its entries below `before` afresh. `before` must be a size whose entries are
    /// all stored (a published checkpoint's): the fold is kept and later reads fold only the
    /// entries after it.
    ///
    /// # Errors
    /// As [`Store::fold_campaign_plans`].
    pub async fn campaign_plans(
        &self,
        campaign: &str,
        before: u64,
    ) -> Result<Arc<Plans>, StoreError> {
        let views = dispatch!(self, s => &s.caches().plans);
        let (mut plans, from) = match views.get(campaign) {
            Some((folded, plans)) if folded == before => return Ok(plans),
            Some((folded, plans)) if folded < before => (Plans::clone(&plans), folded),
            _ => (Plans::new(), 0),
        };
        self.fold_campaign_plans_between(&mut plans, campaign, from, before)
            .await?;
        let plans = Arc::new(plans);
        views.keep(campaign, before, &plans);
        Ok(plans)
    }
}

/// How many campaigns' folds a store keeps for its read routes: a read of any other campaign
/// folds it afresh (and keeps it in place of the one read longest ago), so the memory they
/// take stays bounded however many campaigns a ledger has.
const KEPT_CAMPAIGNS: usize = 256;

/// Each campaign's budgets and pledges as last folded for a read, with the size they were
/// folded to, for at most a fixed number of campaigns (those read most recently); shared by
/// a store's clones.
#[derive(Debug)]
pub(super) struct PlanViews(Mutex<LruCache<String, (u64, Arc<Plans>)>>);

impl Default for PlanViews {
    fn default() -> Self {
        PlanViews::keeping(KEPT_CAMPAIGNS)
    }
}

impl PlanViews {
    /// Views that keep the folds of at most `campaigns` campaigns (at least one).
    fn keeping(campaigns: usize) -> PlanViews {
        let cap = NonZeroUsize::new(campaigns).unwrap_or(NonZeroUsize::MIN);
        PlanViews(Mutex::new(LruCache::new(cap)))
    }

    /// The fold of `campaign` kept last, with its size.
    fn get(&self, campaign: &str) -> Option<(u64, Arc<Plans>)> {
        let mut views = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        views.get(campaign).cloned()
    }

    /// Keeps `plans`, the fold of `campaign` below `before`, unless a fold to a larger size
    /// is kept already (a read that overtook this one); keeping a campaign not kept yet drops
    /// the one read longest ago when the views are full.
    fn keep(&self, campaign: &str, before: u64, plans: &Arc<Plans>) {
        let mut views = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match views.get(campaign) {
            Some((kept, _)) if *kept >= before => {}
            _ => {
                views.put(campaign.to_string(), (before, Arc::clone(plans)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold() -> Arc<Plans> {
        Arc::new(Plans::new())
    }

    #[test]
    fn a_fold_to_a_larger_size_is_never_replaced_by_an_older_one() {
        let views = PlanViews::keeping(4);
        views.keep("a", 10, &fold());
        views.keep("a", 7, &fold());
        assert_eq!(views.get("a").map(|v| v.0), Some(10));
        views.keep("a", 12, &fold());
        assert_eq!(views.get("a").map(|v| v.0), Some(12));
    }

    #[test]
    fn only_the_campaigns_read_most_recently_are_kept() {
        let views = PlanViews::keeping(2);
        views.keep("a", 1, &fold());
        views.keep("b", 1, &fold());
        assert!(views.get("a").is_some(), "a read makes `a` the most recent");
        views.keep("c", 1, &fold());
        assert!(
            views.get("b").is_none(),
            "`b`, read longest ago, is dropped"
        );
        assert!(views.get("a").is_some());
        assert!(views.get("c").is_some());
    }
}
