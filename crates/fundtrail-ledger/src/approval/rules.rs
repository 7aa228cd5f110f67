//! The approval rules in force after some prefix of the ledger, and what a payment needs
//! under them (SPEC.md §17.3).

use super::Approval;
use crate::money::{Currency, Minor};
use crate::state::InvariantError;
use serde::{Deserialize, Serialize};

/// An approval rule in force: payments of at least `threshold` need `approvers` distinct
/// approvers other than their proposer, since entry `since` declared it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// Distinct approvers needed, 1 to 20.
    pub approvers: u64,
    /// The smallest payment the rule covers, in minor units.
    pub threshold: Minor,
    /// The `seq` of the entry that declared it (a `campaign.open` or an `approval.policy`).
    pub since: u64,
}

impl Rule {
    /// The approvers this rule asks of a payment of `amount`: 0 below the threshold.
    pub fn needed_for(&self, amount: Minor) -> u64 {
        if amount >= self.threshold {
            self.approvers
        } else {
            0
        }
    }
}

/// The ledger-wide rules in force, one per currency at most.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerRules(Vec<(Currency, Rule)>);

impl LedgerRules {
    /// The ledger-wide rule for `currency`, if one is in force.
    pub fn of(&self, currency: Currency) -> Option<&Rule> {
        self.0.iter().find(|(c, _)| *c == currency).map(|(_, r)| r)
    }

    /// Every ledger-wide rule in force, with its currency.
    pub fn all(&self) -> &[(Currency, Rule)] {
        &self.0
    }

    /// Replaces the rule of `currency` with `rule`, or lifts it when `rule` is `None`.
    pub fn set(&mut self, currency: Currency, rule: Option<Rule>) {
        self.0.retain(|(c, _)| *c != currency);
        if let Some(r) = rule {
            self.0.push((currency, r));
        }
    }
}

/// What a payment of `amount` needs under `rules` (the campaign's and the ledger-wide rule
/// of its currency): the number of distinct approvers and the rule that asks it, or `None`
/// when no rule covers it. The stricter rule decides; on a tie, the campaign's.
pub fn needed<'a>(rules: impl IntoIterator<Item = &'a Rule>, amount: Minor) -> Option<(u64, Rule)> {
    let mut best: Option<(u64, Rule)> = None;
    for r in rules {
        let n = r.needed_for(amount);
        if n > 0 && best.is_none_or(|(b, _)| n > b) {
            best = Some((n, *r));
        }
    }
    best
}

/// The number of distinct approvers `approval` names, not counting its proposer (the field
/// rules already refuse repeats and self-approval; counting again keeps this rule whole on
/// its own).
pub fn distinct_approvers(approval: Option<&Approval>) -> u64 {
    let Some(a) = approval else { return 0 };
    let mut seen: Vec<&str> = Vec::with_capacity(a.approved_by.len());
    for id in &a.approved_by {
        if *id != a.proposed_by && !seen.contains(&id.as_str()) {
            seen.push(id);
        }
    }
    seen.len() as u64
}

/// Checks a payment of `amount` `currency` against its campaign's rule and the ledger-wide
/// rule of its currency.
///
/// # Errors
/// [`InvariantError::ApprovalMissing`] when a rule covers it and it names no approval,
/// [`InvariantError::TooFewApprovers`] when it names fewer distinct approvers than needed.
pub fn check_payment(
    campaign_rule: Option<&Rule>,
    ledger_rule: Option<&Rule>,
    amount: Minor,
    currency: Currency,
    approval: Option<&Approval>,
) -> Result<(), InvariantError> {
    let Some((needed, rule)) = needed(campaign_rule.into_iter().chain(ledger_rule), amount) else {
        return Ok(());
    };
    let got = distinct_approvers(approval);
    if approval.is_none() {
        return Err(InvariantError::ApprovalMissing {
            amount,
            currency,
            needed,
            rule: rule.since,
        });
    }
    if got < needed {
        return Err(InvariantError::TooFewApprovers {
            amount,
            currency,
            needed,
            got,
            rule: rule.since,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(approvers: u64, threshold: u64, since: u64) -> Rule {
        Rule {
            approvers,
            threshold: Minor::new(threshold).expect("amount"),
            since,
        }
    }

    fn amount(n: u64) -> Minor {
        Minor::new(n).expect("amount")
    }

    #[test]
    fn a_payment_below_every_threshold_needs_no_approver() {
        let rules = [rule(2, 1_000, 0), rule(1, 500, 3)];

        assert_eq!(needed(&rules, amount(499)), None);
    }

    #[test]
    fn the_stricter_covering_rule_decides_and_a_tie_goes_to_the_first_given() {
        let campaign = rule(2, 1_000, 0);
        let ledger = rule(3, 5_000, 7);

        assert_eq!(
            needed([&campaign, &ledger], amount(1_000)),
            Some((2, campaign))
        );
        assert_eq!(
            needed([&campaign, &ledger], amount(5_000)),
            Some((3, ledger))
        );
        let tie = rule(2, 10, 9);
        assert_eq!(
            needed([&campaign, &tie], amount(2_000)),
            Some((2, campaign))
        );
    }

    #[test]
    fn the_proposer_and_repeats_do_not_count_as_distinct_approvers() {
        let a = Approval {
            approved_by: vec!["staff-1".into(), "staff-2".into(), "staff-2".into()],
            proposed_by: "staff-1".into(),
        };

        assert_eq!(distinct_approvers(Some(&a)), 1);
        assert_eq!(distinct_approvers(None), 0);
    }

    #[test]
    fn a_covered_payment_names_the_rule_that_asks_for_approval() {
        let campaign = rule(2, 1_000, 4);
        let vnd = Currency::parse("VND").expect("VND");

        let err = check_payment(Some(&campaign), None, amount(1_000), vnd, None);

        assert_eq!(
            err,
            Err(InvariantError::ApprovalMissing {
                amount: amount(1_000),
                currency: vnd,
                needed: 2,
                rule: 4
            })
        );
    }
}
