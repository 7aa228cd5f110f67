//! Reconciling bank statements with the ledger (SPEC.md §16): the canonical lines, and the
//! rules that say, per bank account, through which day the ledger holds every line of the
//! account, and what differs.
//!
//! Reconciliation is not a ledger invariant (§7): the ledger records what the bank said and
//! what the charity recorded; a missing donation or a gap between statements is a finding to
//! report, never a reason to refuse the ledger. Every finding is reported, none hidden.
//!
//! [`Reconciler`] is fed every entry in order (memory grows with the statements and with the
//! entries that name a bank transaction, never with the other entries), then
//! [`Reconciler::finish`] reads each statement's published lines.

mod finding;
mod line;
mod matching;
#[cfg(test)]
mod tests;

pub use finding::{Finding, FindingKind};
pub use line::{
    decode_line, decode_lines, encode_lines, line_hashes, line_proof, lines_root, LineError,
    StatementLine,
};

use crate::entry::{Account, Body, Entry, ExclusionReason, SignedMinor, Statement};
use crate::money::{Currency, Minor};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

/// A ledger entry that names a bank transaction: a donation (money in), or a disbursement or
/// transfer (money out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Named {
    seq: u64,
    amount: Minor,
    credit: bool,
}

/// One account's statements, with their `seq`.
type Group = (Account, Currency, Vec<(u64, Statement)>);

/// Collects what reconciliation needs while the entries stream past.
#[derive(Debug, Default)]
pub struct Reconciler {
    accounts: Vec<(Account, Currency)>,
    statements: Vec<(u64, Statement)>,
    named: HashMap<String, Vec<Named>>,
    reversed: HashSet<u64>,
}

/// Reconciliation of one bank account: every statement of it, and what they show.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AccountReconciliation {
    /// The account, as the statements name it.
    pub account: Account,
    /// Its currency.
    pub currency: Currency,
    /// `seq` of its statements, in the order of their periods.
    pub statements: Vec<u64>,
    /// The last day through which every statement from the first one is clean: no gap, no
    /// overlap, lines intact and summing up, every line matched or excluded. `None` when the
    /// first statement already has a finding.
    pub reconciled_through: Option<String>,
    /// The bank's balance: the closing balance of the statement with the latest period.
    pub bank_balance: SignedMinor,
    /// What the ledger explains of it: the first statement's opening balance, plus the
    /// amounts of the entries matched to lines, plus the excluded lines.
    pub ledger_balance: i128,
    /// Number of lines checked.
    pub lines: u64,
    /// Every difference, in the order of the statements and their lines.
    pub findings: Vec<Finding>,
    /// Every line an exclusion explains (interest, fees, returned transfers...), in order.
    pub excluded: Vec<Excluded>,
}

/// A line no entry names because an exclusion explains it: shown, never hidden.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Excluded {
    /// `seq` of the statement.
    pub statement: u64,
    /// The line's position, from 1.
    pub line: u64,
    /// The line's booking day.
    pub date: String,
    /// The bank's transaction id.
    pub id: String,
    /// The line's amount.
    pub amount: SignedMinor,
    /// Why no entry names it.
    pub reason: ExclusionReason,
}

impl std::fmt::Display for Excluded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "statement {} line {} ({}): {} ({}) explained as {}",
            self.statement,
            self.line,
            self.date,
            self.amount,
            self.id,
            self.reason.as_str()
        )
    }
}

/// Reconciliation of every account that has statements.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Reconciliation {
    /// One per account, in the order of each account's first statement entry.
    pub accounts: Vec<AccountReconciliation>,
}

impl Reconciliation {
    /// Whether nothing at all differs.
    pub fn is_clean(&self) -> bool {
        self.accounts.iter().all(|a| a.findings.is_empty())
    }

    /// Every finding of every account.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.accounts.iter().flat_map(|a| a.findings.iter())
    }
}

impl Reconciler {
    /// Nothing seen yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes note of the next entry (call it for every entry, in ledger order).
    pub fn observe(&mut self, entry: &Entry) {
        let mut name = |reference: &Option<String>, amount: Minor, credit: bool| {
            if let Some(r) = reference {
                self.named.entry(r.clone()).or_default().push(Named {
                    seq: entry.seq,
                    amount,
                    credit,
                });
            }
        };
        match &entry.body {
            Body::Donation(d) => name(&d.reference, d.amount, true),
            Body::Disbursement(d) => name(&d.reference, d.amount, false),
            Body::Transfer(t) => name(&t.reference, t.amount, false),
            Body::Reversal(r) => {
                self.reversed.insert(r.reverses);
            }
            Body::CampaignOpen(o) => {
                for a in &o.accounts {
                    self.accounts.push((a.clone(), o.currency));
                }
            }
            Body::Statement(s) => self.statements.push((entry.seq, s.clone())),
            Body::CampaignClose(_)
            | Body::Update(_)
            | Body::ApprovalPolicy(_)
            | Body::Budget(_)
            | Body::Pledge(_)
            | Body::PledgeCancel(_)
            | Body::Org(_)
            | Body::KeyRotate(_) => {}
        }
    }

    /// The statements seen so far, with their `seq`.
    pub fn statements(&self) -> &[(u64, Statement)] {
        &self.statements
    }

    /// Reconciles every account. `lines` gives the published file of a statement's lines
    /// (SPEC.md §16.2), or `None` when it is not available (reported, never assumed).
    pub fn finish(self, lines: impl FnMut(&Statement) -> Option<Vec<u8>>) -> Reconciliation {
        self.reconcile(lines)
    }

    /// [`Reconciler::finish`] without giving the reconciler up: a server keeps it, observes
    /// only the entries appended since, and reconciles again.
    pub fn reconcile(
        &self,
        mut lines: impl FnMut(&Statement) -> Option<Vec<u8>>,
    ) -> Reconciliation {
        let mut groups: Vec<Group> = Vec::new();
        for (seq, s) in &self.statements {
            match groups
                .iter_mut()
                .find(|(a, c, _)| *a == s.account && *c == s.currency)
            {
                Some(group) => group.2.push((*seq, s.clone())),
                None => groups.push((s.account.clone(), s.currency, vec![(*seq, s.clone())])),
            }
        }
        let accounts = groups
            .into_iter()
            .map(|(account, currency, mut statements)| {
                statements.sort_by(|a, b| (&a.1.from, a.0).cmp(&(&b.1.from, b.0)));
                self.account(account, currency, &statements, &mut lines)
            })
            .collect();
        Reconciliation { accounts }
    }

    fn account(
        &self,
        account: Account,
        currency: Currency,
        statements: &[(u64, Statement)],
        lines: &mut impl FnMut(&Statement) -> Option<Vec<u8>>,
    ) -> AccountReconciliation {
        let listed = self
            .accounts
            .iter()
            .any(|(a, c)| *a == account && *c == currency);
        let mut findings = Vec::new();
        let mut excluded = Vec::new();
        let mut reconciled_through = None;
        let mut still_clean = true;
        let mut ledger_balance = i128::from(statements.first().map_or(0, |s| s.1.opening.get()));
        let mut checked = 0;
        let mut latest: Option<&(u64, Statement)> = None;
        for current in statements {
            let before = findings.len();
            let (seq, s) = current;
            if !listed {
                findings.push(Finding {
                    statement: *seq,
                    line: None,
                    date: s.from.clone(),
                    kind: FindingKind::UnknownAccount,
                });
            }
            if let Some(previous) = latest {
                chain(previous, current, &mut findings);
            }
            let outcome = matching::statement(self, *seq, s, lines(s), &mut findings);
            ledger_balance += outcome.explained;
            checked += outcome.lines;
            excluded.extend(outcome.excluded);
            still_clean &= findings.len() == before;
            if still_clean {
                reconciled_through = Some(s.to.clone());
            }
            if latest.is_none_or(|l| s.to > l.1.to) {
                latest = Some(current);
            }
        }
        AccountReconciliation {
            account,
            currency,
            statements: statements.iter().map(|s| s.0).collect(),
            reconciled_through,
            bank_balance: latest.map_or(SignedMinor(0), |l| l.1.closing),
            ledger_balance,
            lines: checked,
            findings,
            excluded,
        }
    }
}

/// The chain rule between the statement reaching furthest so far and the next one by
/// period: they adjoin (no gap, no overlap), and the opening is the previous closing.
fn chain(previous: &(u64, Statement), next: &(u64, Statement), findings: &mut Vec<Finding>) {
    let (p_seq, p) = previous;
    let (seq, s) = next;
    let after = day_after(&p.to);
    let mut finding = |date: &str, kind| {
        findings.push(Finding {
            statement: *seq,
            line: None,
            date: date.to_string(),
            kind,
        });
    };
    if s.from <= p.to {
        let to = if s.to < p.to { &s.to } else { &p.to };
        finding(
            &s.from,
            FindingKind::Overlap {
                other: *p_seq,
                from: s.from.clone(),
                to: to.clone(),
            },
        );
    } else if s.from != after {
        finding(
            &after,
            FindingKind::Gap {
                from: after.clone(),
                to: day_before(&s.from),
            },
        );
    } else if s.opening != p.closing {
        finding(
            &s.from,
            FindingKind::OpeningMismatch {
                previous: *p_seq,
                previous_closing: p.closing,
                opening: s.opening,
            },
        );
    }
}

fn shift(day: &str, forward: bool) -> String {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .and_then(|d| if forward { d.succ_opt() } else { d.pred_opt() })
        .map_or_else(|| day.to_string(), |d| d.format("%Y-%m-%d").to_string())
}

/// The day after `day` (`YYYY-MM-DD`).
fn day_after(day: &str) -> String {
    shift(day, true)
}

/// The day before `day` (`YYYY-MM-DD`).
fn day_before(day: &str) -> String {
    shift(day, false)
}
