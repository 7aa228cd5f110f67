//! The fold over entries: campaign states, running totals, and the invariants every new
//! entry must keep (SPEC.md §7). Checking never mutates; applying checks first, so a
//! rejected entry leaves the state exactly as it was.

mod error;
mod moves;

pub use error::InvariantError;
pub use moves::{Move, MoveKind};

use crate::approval::{check_payment, ApprovalPolicy, LedgerRules, Rule};
use crate::entry::{Body, Entry};
use crate::hash::{Hash, ZERO_HASH};
use crate::money::{Currency, Minor, Total};
use moves::MoveIndex;
use std::collections::HashMap;

/// What a campaign looks like after the entries so far.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CampaignState {
    /// Slug.
    pub id: String,
    /// Title at opening.
    pub title: String,
    /// The only currency.
    pub currency: Currency,
    /// Optional goal.
    pub goal: Option<Minor>,
    /// Whether a `campaign.close` was recorded.
    pub closed: bool,
    /// Running totals.
    pub totals: CampaignTotals,
    /// The approval rule in force for its payments, if any (SPEC.md §17).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<Rule>,
}

/// A campaign's running totals in minor units. `donated`, `disbursed` and the transfers
/// are net of reversals; `reversed` is the gross amount of its entries that were reversed,
/// a reversed transfer counting for both of its campaigns (`reversed_transfers` says how
/// much of `reversed` that is). `balance = donated - disbursed + transferred_in -
/// transferred_out`, never negative.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CampaignTotals {
    /// Net donations.
    pub donated: Total,
    /// Net disbursements.
    pub disbursed: Total,
    /// Net transfers received.
    pub transferred_in: Total,
    /// Net transfers sent.
    pub transferred_out: Total,
    /// Gross amount of this campaign's entries that were reversed.
    pub reversed: Total,
    /// The part of `reversed` that is reversed transfers, into or out of this campaign.
    /// (The server's stores compute it once for states they wrote before it existed.)
    #[serde(default)]
    pub reversed_transfers: Total,
    /// What the campaign holds.
    pub balance: Total,
    /// Number of donations not reversed.
    pub donations: u64,
    /// Number of disbursements not reversed.
    pub disbursements: u64,
}

/// The ledger's state after some prefix of its entries.
#[derive(Debug, Clone, Default)]
pub struct LedgerState {
    size: u64,
    last_hash: Hash,
    last_recorded_at: String,
    campaigns: Vec<CampaignState>,
    index: HashMap<String, u32>,
    moves: MoveIndex,
    ledger_rules: LedgerRules,
}

/// `a < b` as strings; valid `recorded_at` values all have 27 bytes, which compare inline.
fn earlier(a: &str, b: &str) -> bool {
    fn key(t: &[u8; 27]) -> (u64, u64, u64, u32) {
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&t[i..i + 8]);
            u64::from_be_bytes(w)
        };
        (
            word(0),
            word(8),
            word(16),
            u32::from_be_bytes([t[24], t[25], t[26], 0]),
        )
    }
    match (
        <&[u8; 27]>::try_from(a.as_bytes()),
        <&[u8; 27]>::try_from(b.as_bytes()),
    ) {
        (Ok(a), Ok(b)) => key(a) < key(b),
        _ => a < b,
    }
}

/// The state change one valid entry causes, computed before anything is changed.
enum Change {
    /// An entry that changes no campaign (a bank statement: reconciled apart, SPEC.md §16).
    Nothing,
    Open(CampaignState),
    Close(u32),
    Campaigns(Totals2, Option<(u64, Move)>, Option<u64>),
    /// An approval rule set or lifted: a campaign's (by index) or the ledger's for a currency.
    Policy(Option<u32>, Currency, Option<Rule>),
}

/// The new totals of the one or two campaigns an entry changes, without allocating.
struct Totals2 {
    first: (u32, CampaignTotals),
    second: Option<(u32, CampaignTotals)>,
}

impl Totals2 {
    fn one(i: u32, t: CampaignTotals) -> Self {
        Totals2 {
            first: (i, t),
            second: None,
        }
    }

    fn two(a: (u32, CampaignTotals), b: (u32, CampaignTotals)) -> Self {
        Totals2 {
            first: a,
            second: Some(b),
        }
    }
}

impl LedgerState {
    /// The state of the empty ledger.
    pub fn new() -> Self {
        LedgerState {
            last_hash: ZERO_HASH,
            ..Default::default()
        }
    }

    /// Rebuilds the head and campaigns from stored facts (used by the server at start-up).
    pub fn resume(
        size: u64,
        last_hash: Hash,
        last_recorded_at: String,
        campaigns: Vec<CampaignState>,
    ) -> Self {
        let index = campaigns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i as u32))
            .collect();
        LedgerState {
            size,
            last_hash,
            last_recorded_at,
            campaigns,
            index,
            moves: MoveIndex::default(),
            ledger_rules: LedgerRules::default(),
        }
    }

    /// Teaches a resumed state the ledger-wide rule an earlier `approval.policy` entry `seq`
    /// declared (a campaign's rule is part of its stored state). Policies must be given in
    /// increasing `seq`, as the ledger holds them.
    pub fn remember_ledger_rule(&mut self, seq: u64, policy: &ApprovalPolicy) {
        if policy.campaign.is_none() {
            self.ledger_rules.set(
                policy.currency,
                rule_of(policy.approvers, policy.threshold, seq),
            );
        }
    }

    /// The ledger-wide approval rules in force (SPEC.md §17).
    pub fn ledger_rules(&self) -> &LedgerRules {
        &self.ledger_rules
    }

    /// Number of entries applied.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Leaf hash of the last entry (zeros when empty).
    pub fn last_hash(&self) -> Hash {
        self.last_hash
    }

    /// `recorded_at` of the last entry (empty when empty).
    pub fn last_recorded_at(&self) -> &str {
        &self.last_recorded_at
    }

    /// Campaigns in the order they were opened.
    pub fn campaigns(&self) -> &[CampaignState] {
        &self.campaigns
    }

    /// One campaign by id.
    pub fn campaign(&self, id: &str) -> Option<&CampaignState> {
        self.index.get(id).map(|i| &self.campaigns[*i as usize])
    }

    /// Whether the money movement of entry `seq` is known to this state.
    pub fn knows_move(&self, seq: u64) -> bool {
        self.moves.contains_key(&seq)
    }

    /// Teaches the state about an earlier entry's movement (the server loads reversal
    /// targets from its store instead of keeping every movement in memory).
    ///
    /// # Errors
    /// [`InvariantError::UnknownCampaign`] when the entry names an unknown campaign.
    pub fn remember(
        &mut self,
        seq: u64,
        body: &Body,
        reversed: bool,
    ) -> Result<(), InvariantError> {
        if let Some(m) = self.move_of(body)? {
            self.moves.insert(seq, Move { reversed, ..m });
        }
        Ok(())
    }

    /// The remembered movement of entry `seq`, if any.
    pub fn move_at(&self, seq: u64) -> Option<&Move> {
        self.moves.get(&seq)
    }

    /// Forgets remembered movements (they can be loaded again when needed).
    pub fn forget_moves(&mut self) {
        self.moves.clear();
    }

    fn idx(&self, id: &str) -> Result<u32, InvariantError> {
        self.index
            .get(id)
            .copied()
            .ok_or_else(|| InvariantError::UnknownCampaign(id.to_string()))
    }

    fn move_of(&self, body: &Body) -> Result<Option<Move>, InvariantError> {
        let m = |kind, campaign, to, amount| Move {
            kind,
            campaign,
            to,
            amount,
            reversed: false,
        };
        Ok(match body {
            Body::Donation(d) => {
                let c = self.idx(&d.campaign)?;
                Some(m(MoveKind::Donation, c, c, d.amount))
            }
            Body::Disbursement(d) => {
                let c = self.idx(&d.campaign)?;
                Some(m(MoveKind::Disbursement, c, c, d.amount))
            }
            Body::Transfer(t) => Some(m(
                MoveKind::Transfer,
                self.idx(&t.from)?,
                self.idx(&t.to)?,
                t.amount,
            )),
            _ => None,
        })
    }

    fn open_campaign(
        &self,
        id: &str,
        currency: Currency,
        for_money_in: bool,
    ) -> Result<u32, InvariantError> {
        let i = self.idx(id)?;
        let c = &self.campaigns[i as usize];
        if c.currency != currency {
            return Err(InvariantError::CurrencyMismatch {
                campaign: id.to_string(),
                expected: c.currency,
                got: currency,
            });
        }
        if c.closed && for_money_in {
            return Err(InvariantError::CampaignClosed(id.to_string()));
        }
        Ok(i)
    }

    fn take(&self, i: u32, t: CampaignTotals, amount: Minor) -> Result<Total, InvariantError> {
        t.balance.checked_sub(amount).ok_or_else(|| {
            let c = &self.campaigns[i as usize];
            InvariantError::InsufficientBalance {
                campaign: c.id.clone(),
                currency: c.currency,
                balance: t.balance,
                needed: amount,
            }
        })
    }

    /// Checks that `body` may be appended now, and computes what it changes.
    fn change(&self, body: &Body) -> Result<Change, InvariantError> {
        match body {
            Body::CampaignOpen(o) => {
                if self.index.contains_key(&o.id) {
                    return Err(InvariantError::CampaignExists(o.id.clone()));
                }
                Ok(Change::Open(CampaignState {
                    id: o.id.clone(),
                    title: o.title.clone(),
                    currency: o.currency,
                    goal: o.goal,
                    closed: false,
                    totals: CampaignTotals::default(),
                    approval: o
                        .approval
                        .and_then(|r| rule_of(r.approvers, r.threshold, self.size)),
                }))
            }
            Body::CampaignClose(c) => {
                let i = self.idx(&c.campaign)?;
                if self.campaigns[i as usize].closed {
                    return Err(InvariantError::CampaignClosed(c.campaign.clone()));
                }
                Ok(Change::Close(i))
            }
            Body::Donation(d) => {
                let i = self.open_campaign(&d.campaign, d.currency, true)?;
                let mut t = self.campaigns[i as usize].totals;
                t.donated = add(t.donated, d.amount)?;
                t.balance = add(t.balance, d.amount)?;
                t.donations += 1;
                Ok(Change::Campaigns(
                    Totals2::one(i, t),
                    self.move_of(body)?.map(|m| (self.size, m)),
                    None,
                ))
            }
            Body::Disbursement(d) => {
                let i = self.open_campaign(&d.campaign, d.currency, true)?;
                self.check_approval(i, d.amount, d.currency, d.approval.as_ref())?;
                let mut t = self.campaigns[i as usize].totals;
                t.balance = self.take(i, t, d.amount)?;
                t.disbursed = add(t.disbursed, d.amount)?;
                t.disbursements += 1;
                Ok(Change::Campaigns(
                    Totals2::one(i, t),
                    self.move_of(body)?.map(|m| (self.size, m)),
                    None,
                ))
            }
            Body::Transfer(x) => {
                let from = self.open_campaign(&x.from, x.currency, false)?;
                let to = self.open_campaign(&x.to, x.currency, true)?;
                self.check_approval(from, x.amount, x.currency, x.approval.as_ref())?;
                let mut a = self.campaigns[from as usize].totals;
                let mut b = self.campaigns[to as usize].totals;
                a.balance = self.take(from, a, x.amount)?;
                a.transferred_out = add(a.transferred_out, x.amount)?;
                b.transferred_in = add(b.transferred_in, x.amount)?;
                b.balance = add(b.balance, x.amount)?;
                Ok(Change::Campaigns(
                    Totals2::two((from, a), (to, b)),
                    self.move_of(body)?.map(|m| (self.size, m)),
                    None,
                ))
            }
            Body::Reversal(r) => self.reversal_change(r.reverses),
            Body::Statement(_) => Ok(Change::Nothing),
            // A key rotation moves no money; its signature is checked against the key in
            // force by the verifier, which knows the keys (`crate::rotation::KeyChain`).
            Body::KeyRotate(_) => Ok(Change::Nothing),
            // An update moves no money; it must name a campaign that was opened (open or closed).
            Body::Update(u) => self.idx(&u.campaign).map(|_| Change::Nothing),
            Body::ApprovalPolicy(p) => self.policy_change(p),
            // Budgets and pledges move no money; their own rules follow in `crate::plans`.
            Body::Budget(b) => self
                .open_campaign(&b.campaign, b.currency, true)
                .map(|_| Change::Nothing),
            Body::Pledge(p) => self
                .open_campaign(&p.campaign, p.currency, true)
                .map(|_| Change::Nothing),
            Body::PledgeCancel(c) => self.idx(&c.campaign).map(|_| Change::Nothing),
            // Registry entries move no money; their rules are in `crate::registry`.
            Body::Org(_) => Ok(Change::Nothing),
        }
    }

    /// Checks a payment out of campaign `i` against the approval rules in force.
    fn check_approval(
        &self,
        i: u32,
        amount: Minor,
        currency: Currency,
        approval: Option<&crate::approval::Approval>,
    ) -> Result<(), InvariantError> {
        check_payment(
            self.campaigns[i as usize].approval.as_ref(),
            self.ledger_rules.of(currency),
            amount,
            currency,
            approval,
        )
    }

    /// Checks an `approval.policy`: its campaign exists and has its currency.
    fn policy_change(&self, p: &ApprovalPolicy) -> Result<Change, InvariantError> {
        let campaign = match &p.campaign {
            Some(id) => Some(self.open_campaign(id, p.currency, false)?),
            None => None,
        };
        Ok(Change::Policy(
            campaign,
            p.currency,
            rule_of(p.approvers, p.threshold, self.size),
        ))
    }

    /// Checks that entry `target` may be reversed now, and computes what undoing it changes.
    fn reversal_change(&self, target: u64) -> Result<Change, InvariantError> {
        if target >= self.size {
            return Err(InvariantError::UnknownEntry(target));
        }
        let m = match self.moves.get(&target) {
            Some(m) => *m,
            // Entries that move no money are not in `moves`; the caller loads
            // reversal targets it does not hold, so absence means "not money".
            None => return Err(InvariantError::NotReversible(target)),
        };
        if m.reversed {
            return Err(InvariantError::AlreadyReversed(target));
        }
        let mut a = self.campaigns[m.campaign as usize].totals;
        a.reversed = add(a.reversed, m.amount)?;
        let changes = match m.kind {
            MoveKind::Donation => {
                a.balance = self.take(m.campaign, a, m.amount)?;
                a.donated = sub(a.donated, m.amount)?;
                a.donations -= 1;
                Totals2::one(m.campaign, a)
            }
            MoveKind::Disbursement => {
                a.balance = add(a.balance, m.amount)?;
                a.disbursed = sub(a.disbursed, m.amount)?;
                a.disbursements -= 1;
                Totals2::one(m.campaign, a)
            }
            MoveKind::Transfer => {
                let mut b = self.campaigns[m.to as usize].totals;
                b.balance = self.take(m.to, b, m.amount)?;
                b.transferred_in = sub(b.transferred_in, m.amount)?;
                b.reversed = add(b.reversed, m.amount)?;
                b.reversed_transfers = add(b.reversed_transfers, m.amount)?;
                a.balance = add(a.balance, m.amount)?;
                a.transferred_out = sub(a.transferred_out, m.amount)?;
                a.reversed_transfers = add(a.reversed_transfers, m.amount)?;
                Totals2::two((m.campaign, a), (m.to, b))
            }
        };
        Ok(Change::Campaigns(changes, None, Some(target)))
    }

    /// Checks that `body` could be appended as the next entry, without changing anything.
    ///
    /// # Errors
    /// The [`InvariantError`] it would break.
    pub fn check(&self, body: &Body) -> Result<(), InvariantError> {
        self.change(body).map(|_| ())
    }

    /// Applies the next entry after checking its position, link, time and every invariant.
    /// On error nothing changes.
    ///
    /// # Errors
    /// The first [`InvariantError`] the entry breaks.
    pub fn apply(&mut self, entry: &Entry, leaf_hash: Hash) -> Result<(), InvariantError> {
        if entry.seq != self.size {
            return Err(InvariantError::WrongSeq {
                expected: self.size,
                got: entry.seq,
            });
        }
        if entry.prev != self.last_hash {
            return Err(InvariantError::BrokenLink { seq: entry.seq });
        }
        if earlier(&entry.recorded_at, &self.last_recorded_at) {
            return Err(InvariantError::TimeWentBack {
                previous: self.last_recorded_at.clone(),
                got: entry.recorded_at.clone(),
            });
        }
        match self.change(&entry.body)? {
            Change::Nothing => {}
            Change::Open(c) => {
                self.index.insert(c.id.clone(), self.campaigns.len() as u32);
                self.campaigns.push(c);
            }
            Change::Close(i) => self.campaigns[i as usize].closed = true,
            Change::Policy(Some(i), _, rule) => self.campaigns[i as usize].approval = rule,
            Change::Policy(None, currency, rule) => self.ledger_rules.set(currency, rule),
            Change::Campaigns(changes, new_move, reversed) => {
                for (i, t) in std::iter::once(changes.first).chain(changes.second) {
                    self.campaigns[i as usize].totals = t;
                }
                if let Some((seq, m)) = new_move {
                    self.moves.insert(seq, m);
                }
                if let Some(target) = reversed {
                    if let Some(m) = self.moves.get_mut(&target) {
                        m.reversed = true;
                    }
                }
            }
        }
        self.size += 1;
        self.last_hash = leaf_hash;
        self.last_recorded_at.clone_from(&entry.recorded_at);
        Ok(())
    }
}

/// The rule `approvers` and `threshold` declare at entry `since`; none when it asks for no
/// approver (a policy that lifts the rule).
fn rule_of(approvers: u64, threshold: Minor, since: u64) -> Option<Rule> {
    (approvers > 0).then_some(Rule {
        approvers,
        threshold,
        since,
    })
}

/// `t + a`; overflow is an error (it cannot happen below 2^64 entries, SPEC.md §3.3).
fn add(t: Total, a: Minor) -> Result<Total, InvariantError> {
    t.checked_add(a).ok_or(InvariantError::Overflow)
}

/// `t - a`, for figures the entries being undone added to, so never below zero.
fn sub(t: Total, a: Minor) -> Result<Total, InvariantError> {
    t.checked_sub(a).ok_or(InvariantError::Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_compares_like_strings() {
        let times = [
            "",
            "2026-11-24T10:00:00.000000Z",
            "2026-11-24T10:00:00.000001Z",
            "2026-11-24T10:00:00.000000",
            "2026-11-24T10:00:00.0000000Z",
            "2026-11-24T09:59:59.999999Z",
            "2027-01-01T00:00:00.000000Z",
            "2026-11-24T10:00:00.000000Y",
            "2026-11-24T10:00:00.100000Z",
        ];
        for a in times {
            for b in times {
                assert_eq!(earlier(a, b), a < b, "{a:?} < {b:?}");
            }
        }
    }
}
