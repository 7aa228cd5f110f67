//! Budgets and pledges of every campaign (SPEC.md §18, §19): a fold over entries, applied
//! after the ledger rules of §7, that keeps the budget in force of each campaign with what
//! was paid against each line, and every pledge with what was received against it.
//!
//! The verifier folds the whole ledger. The server folds one campaign at a time, from the
//! campaign's own entries (its budgets, pledges, cancellations, donations, disbursements
//! and the reversals of those), which hold everything the rules of that campaign need.

use crate::budget::BudgetBook;
use crate::entry::{Body, Entry};
use crate::money::{Minor, Total};
use crate::pledge::PledgeBook;
use std::collections::HashMap;

pub use crate::pledge::PledgeTotals;

/// An entry that breaks a budget or pledge rule (SPEC.md §18.2, §19.2). Each variant names
/// the body field at fault ([`PlanError::field`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// A first budget names a budget to revise.
    #[error(
        "campaign {campaign:?} has no budget to revise; its first budget leaves `revises` out"
    )]
    NothingToRevise { campaign: String },
    /// A second budget does not say it revises the one in force.
    #[error("campaign {campaign:?} already has a budget (entry {in_force}); a revision names it in `revises`")]
    RevisionUnnamed { campaign: String, in_force: u64 },
    /// A revision names another entry than the budget in force.
    #[error(
        "revises entry {revises}, but campaign {campaign:?}'s budget in force is entry {in_force}"
    )]
    NotTheBudgetInForce {
        campaign: String,
        revises: u64,
        in_force: u64,
    },
    /// A revision leaves out a line already paid against.
    #[error("line {line:?} has {paid} minor units paid against it, so a revision must keep it")]
    PaidLineDropped { line: String, paid: Total },
    /// A revision changes the label, category or sector of a line already paid against.
    #[error("line {line:?} has {paid} minor units paid against it, so its label, category and sector cannot change")]
    PaidLineRenamed { line: String, paid: Total },
    /// A revision plans a line below what was already paid against it.
    #[error("line {line:?} plans {planned} minor units, below the {paid} already paid against it")]
    PlannedBelowPaid {
        line: String,
        planned: Minor,
        paid: Total,
    },
    /// A payment names a budget line, but the campaign has no budget.
    #[error("campaign {campaign:?} has no budget, so budget_line {line:?} names nothing")]
    NoBudget { campaign: String, line: String },
    /// A payment names a line the budget in force does not have.
    #[error(
        "budget line {line:?} is not in campaign {campaign:?}'s budget in force (entry {budget})"
    )]
    UnknownLine {
        campaign: String,
        line: String,
        budget: u64,
    },
    /// A cancellation or a donation names an entry that is not a pledge of its campaign.
    #[error("entry {pledge} is not a pledge for campaign {campaign:?}")]
    NotAPledge { pledge: u64, campaign: String },
    /// A pledge is cancelled twice.
    #[error("pledge {pledge} was already cancelled by entry {cancelled_by}")]
    AlreadyCancelled { pledge: u64, cancelled_by: u64 },
    /// A pledge received in full is cancelled.
    #[error("pledge {pledge} is fulfilled: nothing is left to cancel")]
    AlreadyFulfilled { pledge: u64 },
    /// A donation fulfils a cancelled pledge.
    #[error("pledge {pledge} was cancelled by entry {cancelled_by}, so no donation can fulfil it")]
    FulfilledAfterCancel { pledge: u64, cancelled_by: u64 },
    /// A donation would take a pledge past its amount.
    #[error("pledge {pledge} promised {pledged} minor units and {received} were received; {amount} more would over-fulfil it")]
    OverFulfilled {
        pledge: u64,
        pledged: Minor,
        received: Total,
        amount: Minor,
    },
}

impl PlanError {
    /// The body field at fault, dotted like [`crate::FieldError`]'s.
    pub fn field(&self) -> &'static str {
        match self {
            PlanError::NothingToRevise { .. }
            | PlanError::RevisionUnnamed { .. }
            | PlanError::NotTheBudgetInForce { .. } => "revises",
            PlanError::PaidLineDropped { .. } => "lines",
            PlanError::PaidLineRenamed { .. } => "lines.label",
            PlanError::PlannedBelowPaid { .. } => "lines.amount",
            PlanError::NoBudget { .. } | PlanError::UnknownLine { .. } => "budget_line",
            PlanError::NotAPledge { .. }
            | PlanError::AlreadyCancelled { .. }
            | PlanError::AlreadyFulfilled { .. }
            | PlanError::FulfilledAfterCancel { .. } => "pledge",
            PlanError::OverFulfilled { .. } => "amount",
        }
    }

    /// A stable machine-readable code (used in API responses).
    pub fn code(&self) -> &'static str {
        match self {
            PlanError::NothingToRevise { .. } => "nothing_to_revise",
            PlanError::RevisionUnnamed { .. } => "revision_unnamed",
            PlanError::NotTheBudgetInForce { .. } => "not_the_budget_in_force",
            PlanError::PaidLineDropped { .. } => "paid_line_dropped",
            PlanError::PaidLineRenamed { .. } => "paid_line_renamed",
            PlanError::PlannedBelowPaid { .. } => "planned_below_paid",
            PlanError::NoBudget { .. } => "no_budget",
            PlanError::UnknownLine { .. } => "unknown_budget_line",
            PlanError::NotAPledge { .. } => "not_a_pledge",
            PlanError::AlreadyCancelled { .. } => "pledge_already_cancelled",
            PlanError::AlreadyFulfilled { .. } => "pledge_fulfilled",
            PlanError::FulfilledAfterCancel { .. } => "pledge_cancelled",
            PlanError::OverFulfilled { .. } => "pledge_over_fulfilled",
        }
    }
}

/// The budgets and pledges of the campaigns folded so far.
#[derive(Debug, Clone, Default)]
pub struct Plans {
    budgets: HashMap<String, BudgetBook>,
    /// The campaign of each disbursement paid against a line, by `seq`, for its reversal.
    paid_from: HashMap<u64, String>,
    pledges: PledgeBook,
}

impl Plans {
    /// No budgets and no pledges.
    pub fn new() -> Self {
        Plans::default()
    }

    /// Checks `entry` against the budget and pledge rules, without changing anything. The
    /// entry must already keep the ledger rules (SPEC.md §7): its campaign exists, and a
    /// reversal's target can be reversed.
    ///
    /// # Errors
    /// The first [`PlanError`] the entry breaks.
    pub fn check(&self, entry: &Entry) -> Result<(), PlanError> {
        match &entry.body {
            Body::Budget(b) => self.book(&b.campaign).check_budget(&b.campaign, b),
            Body::Disbursement(d) => match &d.budget_line {
                Some(line) => self.book(&d.campaign).check_payment(&d.campaign, line),
                None => Ok(()),
            },
            Body::PledgeCancel(c) => self.pledges.check_cancel(c),
            Body::Donation(d) => match d.pledge {
                Some(p) => self.pledges.check_gift(&d.campaign, p, d.amount),
                None => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// Checks `entry` ([`Plans::check`]), then folds it in. On error nothing changes.
    ///
    /// # Errors
    /// The first [`PlanError`] the entry breaks.
    pub fn apply(&mut self, entry: &Entry) -> Result<(), PlanError> {
        self.check(entry)?;
        let seq = entry.seq;
        match &entry.body {
            Body::Budget(b) => self
                .budgets
                .entry(b.campaign.clone())
                .or_default()
                .adopt(seq, &b.lines),
            Body::Disbursement(d) => {
                if let Some(line) = &d.budget_line {
                    if let Some(book) = self.budgets.get_mut(&d.campaign) {
                        book.pay(seq, line, d.amount);
                        self.paid_from.insert(seq, d.campaign.clone());
                    }
                }
            }
            Body::Pledge(p) => self.pledges.add(seq, p),
            Body::PledgeCancel(c) => self.pledges.cancel(seq, c.pledge),
            Body::Donation(d) => {
                if let Some(p) = d.pledge {
                    self.pledges.receive(seq, p, d.amount);
                }
            }
            Body::Reversal(r) => {
                if let Some(campaign) = self.paid_from.remove(&r.reverses) {
                    if let Some(book) = self.budgets.get_mut(&campaign) {
                        book.unpay(r.reverses);
                    }
                }
                self.pledges.unreceive(r.reverses);
            }
            _ => {}
        }
        Ok(())
    }

    fn book(&self, campaign: &str) -> &BudgetBook {
        static EMPTY: std::sync::OnceLock<BudgetBook> = std::sync::OnceLock::new();
        self.budgets
            .get(campaign)
            .unwrap_or_else(|| EMPTY.get_or_init(BudgetBook::default))
    }

    /// The budget book of `campaign` (empty when it has no budget).
    pub fn budget(&self, campaign: &str) -> &BudgetBook {
        self.book(campaign)
    }

    /// The pledges of every campaign folded so far.
    pub fn pledges(&self) -> &PledgeBook {
        &self.pledges
    }

    /// The pledge figures of `campaign` (SPEC.md §8.1).
    pub fn pledge_totals(&self, campaign: &str) -> PledgeTotals {
        self.pledges.totals(campaign)
    }
}
