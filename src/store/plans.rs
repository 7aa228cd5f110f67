//! A campaign's budgets and pledges (SPEC.md §18, §19), folded from its own entries: its
//! budgets, pledges and cancellations, its donations and disbursements and the reversals of
//! those, which the store indexes under the campaign (`by_campaign.rs`). The sequencer
//! admits budget and pledge entries against this fold, and the read routes show it.

use super::{Store, StoreError};
use crate::ledger::decode;
use crate::ledger::plans::Plans;

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
        let mut from = 0;
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

    /// The budgets and pledges of `campaign` as of entry `before` (exclusive).
    ///
    /// # Errors
    /// As [`Store::fold_campaign_plans`].
    pub async fn campaign_plans(&self, campaign: &str, before: u64) -> Result<Plans, StoreError> {
        let mut plans = Plans::new();
        self.fold_campaign_plans(&mut plans, campaign, before)
            .await?;
        Ok(plans)
    }
}
