//! [`BudgetBook`]: one campaign's budget in force and what was paid against each line
//! (SPEC.md §18.2).

use super::{Budget, BudgetLine};
use crate::money::{Minor, Total};
use crate::plans::PlanError;
use std::collections::HashMap;

/// A campaign's budget in force (the last `budget` entry), with the payments against its
/// lines net of reversals. Lines dropped by a revision keep nothing: only lines never paid
/// against may be dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BudgetBook {
    /// `seq` of the budget in force, with its lines.
    in_force: Option<(u64, Vec<BudgetLine>)>,
    /// Number of `budget` entries so far (the first and its revisions).
    entries: u64,
    /// Paid against each line id, net of reversals.
    paid: HashMap<String, Total>,
    /// Each disbursement paid against a line, by `seq`: the line and amount.
    payments: HashMap<u64, (String, Minor)>,
}

/// Planned and paid for one line of the budget in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineStatus<'a> {
    /// The line as the budget in force writes it.
    pub line: &'a BudgetLine,
    /// Paid against it, net of reversals.
    pub paid: Total,
}

impl BudgetBook {
    /// `seq` of the budget in force, if any.
    pub fn in_force(&self) -> Option<u64> {
        self.in_force.as_ref().map(|(seq, _)| *seq)
    }

    /// Number of `budget` entries of the campaign (1 for a budget never revised).
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Each line of the budget in force with what was paid against it, in the budget's order.
    pub fn lines(&self) -> Vec<LineStatus<'_>> {
        self.in_force
            .iter()
            .flat_map(|(_, lines)| lines)
            .map(|line| LineStatus {
                line,
                paid: self.paid_against(&line.id),
            })
            .collect()
    }

    /// Paid against line `id`, net of reversals.
    pub fn paid_against(&self, id: &str) -> Total {
        self.paid.get(id).copied().unwrap_or_default()
    }

    /// Checks that `b` may be the campaign's next budget: the first one names nothing in
    /// `revises`, a revision names the budget in force, and every line paid against stays,
    /// unrenamed, planned at least at what was paid.
    pub(crate) fn check_budget(&self, campaign: &str, b: &Budget) -> Result<(), PlanError> {
        let in_force = match (&self.in_force, b.revises) {
            (None, None) => return Ok(()),
            (None, Some(_)) => {
                return Err(PlanError::NothingToRevise {
                    campaign: campaign.to_string(),
                })
            }
            (Some((seq, _)), None) => {
                return Err(PlanError::RevisionUnnamed {
                    campaign: campaign.to_string(),
                    in_force: *seq,
                })
            }
            (Some((seq, lines)), Some(revises)) if revises == *seq => lines,
            (Some((seq, _)), Some(revises)) => {
                return Err(PlanError::NotTheBudgetInForce {
                    campaign: campaign.to_string(),
                    revises,
                    in_force: *seq,
                })
            }
        };
        for old in in_force {
            let paid = self.paid_against(&old.id);
            if paid == Total::default() {
                continue;
            }
            let line = old.id.clone();
            let Some(new) = b.lines.iter().find(|l| l.id == old.id) else {
                return Err(PlanError::PaidLineDropped { line, paid });
            };
            if new.label != old.label || new.category != old.category || new.sector != old.sector {
                return Err(PlanError::PaidLineRenamed { line, paid });
            }
            if Total(u128::from(new.amount.get())) < paid {
                return Err(PlanError::PlannedBelowPaid {
                    line,
                    planned: new.amount,
                    paid,
                });
            }
        }
        Ok(())
    }

    /// Checks that a disbursement may name line `line`: a line of the budget in force.
    pub(crate) fn check_payment(&self, campaign: &str, line: &str) -> Result<(), PlanError> {
        match &self.in_force {
            None => Err(PlanError::NoBudget {
                campaign: campaign.to_string(),
                line: line.to_string(),
            }),
            Some((seq, lines)) if !lines.iter().any(|l| l.id == line) => {
                Err(PlanError::UnknownLine {
                    campaign: campaign.to_string(),
                    line: line.to_string(),
                    budget: *seq,
                })
            }
            Some(_) => Ok(()),
        }
    }

    /// Makes budget entry `seq` with `lines` the one in force.
    pub(crate) fn adopt(&mut self, seq: u64, lines: &[BudgetLine]) {
        self.in_force = Some((seq, lines.to_vec()));
        self.entries += 1;
    }

    /// Records disbursement `seq` of `amount` against `line`.
    pub(crate) fn pay(&mut self, seq: u64, line: &str, amount: Minor) {
        let paid = self.paid.entry(line.to_string()).or_default();
        *paid = paid.checked_add(amount).unwrap_or(*paid);
        self.payments.insert(seq, (line.to_string(), amount));
    }

    /// Undoes disbursement `seq`'s payment, when it was paid against a line.
    pub(crate) fn unpay(&mut self, seq: u64) {
        if let Some((line, amount)) = self.payments.remove(&seq) {
            if let Some(paid) = self.paid.get_mut(&line) {
                *paid = paid.checked_sub(amount).unwrap_or_default();
            }
        }
    }
}
