//! The budgets and pledges new entries are admitted against (SPEC.md §18, §19). The
//! sequencer keeps them only for the campaigns whose entries needed them, each folded once
//! from the store ([`Store::fold_campaign_plans`]) the first time an entry of that campaign
//! names a budget line, a pledge or a budget, and kept up to date with every entry admitted
//! after that. A failed write forgets them all (they are folded again when needed).

use crate::ledger::entry::{Body, Entry};
use crate::ledger::plans::{PlanError, Plans};
use crate::ledger::state::{LedgerState, MoveKind};
use crate::store::{Store, StoreError};
use std::collections::HashSet;

/// The budgets and pledges of the campaigns folded so far.
#[derive(Debug, Clone, Default)]
pub(super) struct PlanCache {
    plans: Plans,
    folded: HashSet<String>,
}

impl PlanCache {
    /// The campaign whose budgets and pledges `body` is checked against, if any: a budget's,
    /// a pledge's or cancellation's, a disbursement's naming a line, a donation's naming a
    /// pledge, or the campaign of the donation or disbursement a reversal undoes (which
    /// `state` must know: the sequencer loads it first).
    fn campaign_of(body: &Body, state: &LedgerState) -> Option<String> {
        match body {
            Body::Budget(b) => Some(b.campaign.clone()),
            Body::Pledge(p) => Some(p.campaign.clone()),
            Body::PledgeCancel(c) => Some(c.campaign.clone()),
            Body::Disbursement(d) if d.budget_line.is_some() => Some(d.campaign.clone()),
            Body::Donation(d) if d.pledge.is_some() => Some(d.campaign.clone()),
            Body::Reversal(r) => state.move_at(r.reverses).and_then(|m| match m.kind {
                MoveKind::Donation | MoveKind::Disbursement => state
                    .campaigns()
                    .get(m.campaign as usize)
                    .map(|c| c.id.clone()),
                MoveKind::Transfer => None,
            }),
            _ => None,
        }
    }

    /// Folds the campaign `body` is checked against from the store, unless already folded.
    /// `stored` is the number of entries in the store (none of the batch being admitted).
    ///
    /// # Errors
    /// The store's.
    pub(super) async fn prepare(
        &mut self,
        store: &Store,
        state: &LedgerState,
        body: &Body,
        stored: u64,
    ) -> Result<(), StoreError> {
        let Some(campaign) = Self::campaign_of(body, state) else {
            return Ok(());
        };
        if state.campaign(&campaign).is_none() || self.folded.contains(&campaign) {
            return Ok(());
        }
        store
            .fold_campaign_plans(&mut self.plans, &campaign, stored)
            .await?;
        self.folded.insert(campaign);
        Ok(())
    }

    /// Checks `entry` against the budgets and pledges.
    ///
    /// # Errors
    /// The [`PlanError`] it breaks.
    pub(super) fn check(&self, entry: &Entry) -> Result<(), PlanError> {
        self.plans.check(entry)
    }

    /// Folds an admitted entry in. A campaign not folded yet is left out: its entries are
    /// all in the store or in the batch being written, and it is folded from the store once
    /// that is durable.
    pub(super) fn apply(&mut self, entry: &Entry, state: &LedgerState) {
        let folded = match &entry.body {
            Body::Reversal(_) => {
                Self::campaign_of(&entry.body, state).is_some_and(|c| self.folded.contains(&c))
            }
            body => self.folded.contains(body.campaign()),
        };
        if folded {
            // Checked by `check` just before; an error cannot happen.
            let _ = self.plans.apply(entry);
        }
    }
}
