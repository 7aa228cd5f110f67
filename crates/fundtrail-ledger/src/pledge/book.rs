//! [`PledgeBook`]: every pledge with what was received against it (SPEC.md §19.2).

use super::{Pledge, PledgeCancel};
use crate::money::{Minor, Total};
use crate::plans::PlanError;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One pledge and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PledgeStatus {
    /// The campaign promised to.
    pub campaign: String,
    /// The donor as published.
    pub donor: String,
    /// Minor units promised.
    pub amount: Minor,
    /// The day expected, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_on: Option<String>,
    /// Received by donations naming the pledge, net of reversals.
    pub received: Total,
    /// `seq` of the `pledge.cancel`, when cancelled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelled_by: Option<u64>,
}

impl PledgeStatus {
    /// Still expected: `amount − received`, or nothing once cancelled.
    pub fn outstanding(&self) -> Total {
        match self.cancelled_by {
            Some(_) => Total::default(),
            None => Total(u128::from(self.amount.get()).saturating_sub(self.received.0)),
        }
    }

    /// Given up by the cancellation: `amount − received` of a cancelled pledge, else nothing.
    pub fn cancelled(&self) -> Total {
        match self.cancelled_by {
            Some(_) => Total(u128::from(self.amount.get()).saturating_sub(self.received.0)),
            None => Total::default(),
        }
    }
}

/// A campaign's pledge figures (SPEC.md §8.1): `pledged = received + outstanding +
/// cancelled` at all times.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PledgeTotals {
    /// Number of pledges, cancelled ones included.
    pub pledges: u64,
    /// Sum of the pledges' amounts.
    pub pledged: Total,
    /// Received against pledges, net of reversals.
    pub received: Total,
    /// Still expected from pledges not cancelled.
    pub outstanding: Total,
    /// Given up by cancellations.
    pub cancelled: Total,
}

/// Every pledge folded so far, by `seq`, and the donations that fulfil them.
#[derive(Debug, Clone, Default)]
pub struct PledgeBook {
    pledges: BTreeMap<u64, PledgeStatus>,
    /// Each donation naming a pledge, by `seq`: the pledge and the amount.
    gifts: HashMap<u64, (u64, Minor)>,
}

impl PledgeBook {
    /// The pledge recorded at `seq`, if that entry is one.
    pub fn get(&self, seq: u64) -> Option<&PledgeStatus> {
        self.pledges.get(&seq)
    }

    /// The pledges of `campaign`, by `seq`, in ledger order.
    pub fn of_campaign<'a>(
        &'a self,
        campaign: &'a str,
    ) -> impl Iterator<Item = (u64, &'a PledgeStatus)> + 'a {
        self.pledges
            .iter()
            .filter(move |(_, p)| p.campaign == campaign)
            .map(|(seq, p)| (*seq, p))
    }

    /// The pledge figures of `campaign`.
    pub fn totals(&self, campaign: &str) -> PledgeTotals {
        let mut t = PledgeTotals::default();
        for (_, p) in self.of_campaign(campaign) {
            t.pledges += 1;
            t.pledged.0 += u128::from(p.amount.get());
            t.received.0 += p.received.0;
            t.outstanding.0 += p.outstanding().0;
            t.cancelled.0 += p.cancelled().0;
        }
        t
    }

    fn pledge_of(&self, campaign: &str, seq: u64) -> Result<&PledgeStatus, PlanError> {
        self.pledges
            .get(&seq)
            .filter(|p| p.campaign == campaign)
            .ok_or_else(|| PlanError::NotAPledge {
                pledge: seq,
                campaign: campaign.to_string(),
            })
    }

    /// Checks a cancellation: a pledge of the campaign, not cancelled, not fulfilled.
    pub(crate) fn check_cancel(&self, c: &PledgeCancel) -> Result<(), PlanError> {
        let p = self.pledge_of(&c.campaign, c.pledge)?;
        if let Some(by) = p.cancelled_by {
            return Err(PlanError::AlreadyCancelled {
                pledge: c.pledge,
                cancelled_by: by,
            });
        }
        if p.outstanding() == Total::default() {
            return Err(PlanError::AlreadyFulfilled { pledge: c.pledge });
        }
        Ok(())
    }

    /// Checks a donation of `amount` to `campaign` naming pledge `pledge`: a pledge of the
    /// campaign, not cancelled, that the amount does not take past what was promised.
    pub(crate) fn check_gift(
        &self,
        campaign: &str,
        pledge: u64,
        amount: Minor,
    ) -> Result<(), PlanError> {
        let p = self.pledge_of(campaign, pledge)?;
        if let Some(by) = p.cancelled_by {
            return Err(PlanError::FulfilledAfterCancel {
                pledge,
                cancelled_by: by,
            });
        }
        match p.received.checked_add(amount) {
            Some(after) if after.0 <= u128::from(p.amount.get()) => Ok(()),
            _ => Err(PlanError::OverFulfilled {
                pledge,
                pledged: p.amount,
                received: p.received,
                amount,
            }),
        }
    }

    pub(crate) fn add(&mut self, seq: u64, p: &Pledge) {
        self.pledges.insert(
            seq,
            PledgeStatus {
                campaign: p.campaign.clone(),
                donor: p.donor.clone(),
                amount: p.amount,
                expected_on: p.expected_on.clone(),
                received: Total::default(),
                cancelled_by: None,
            },
        );
    }

    pub(crate) fn cancel(&mut self, seq: u64, pledge: u64) {
        if let Some(p) = self.pledges.get_mut(&pledge) {
            p.cancelled_by = Some(seq);
        }
    }

    pub(crate) fn receive(&mut self, seq: u64, pledge: u64, amount: Minor) {
        if let Some(p) = self.pledges.get_mut(&pledge) {
            p.received = p.received.checked_add(amount).unwrap_or(p.received);
            self.gifts.insert(seq, (pledge, amount));
        }
    }

    /// Undoes donation `seq`'s part of its pledge, when it named one.
    pub(crate) fn unreceive(&mut self, seq: u64) {
        if let Some((pledge, amount)) = self.gifts.remove(&seq) {
            if let Some(p) = self.pledges.get_mut(&pledge) {
                p.received = p.received.checked_sub(amount).unwrap_or_default();
            }
        }
    }
}
