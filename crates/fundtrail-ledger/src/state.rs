//! The fold over entries: campaign states, running totals, and the invariants every new
//! entry must keep (SPEC.md §7). Checking never mutates; applying checks first, so a
//! rejected entry leaves the state exactly as it was.

use super::entry::{Body, Entry};
use super::hash::{Hash, ZERO_HASH};
use super::money::{Currency, Minor, Total};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes the `u64` keys of the movement index with the SplitMix64 finalizer: a bijection
/// that mixes every bit into every bit, much cheaper than SipHash. Keys are positions in
/// the ledger, so a ledger that collides many of them must itself be proportionally long.
#[derive(Debug, Clone, Copy, Default)]
struct SeqHasher(u64);

impl Hasher for SeqHasher {
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The money movements by `seq`. Verification adds them in increasing `seq`, so they go
/// to the end of a sorted vector (no hashing, no rehashing); movements remembered out of
/// order (the server loads reversal targets as needed) go to a hash map.
#[derive(Debug, Clone, Default)]
struct MoveIndex {
    sorted: Vec<(u64, Move)>,
    other: HashMap<u64, Move, BuildHasherDefault<SeqHasher>>,
}

impl MoveIndex {
    fn position(&self, seq: u64) -> Option<usize> {
        self.sorted.binary_search_by_key(&seq, |(s, _)| *s).ok()
    }

    fn insert(&mut self, seq: u64, m: Move) {
        if let Some(i) = self.position(seq) {
            self.sorted[i].1 = m;
        } else if self.sorted.last().is_none_or(|(last, _)| *last < seq)
            && !self.other.contains_key(&seq)
        {
            self.sorted.push((seq, m));
        } else {
            self.other.insert(seq, m);
        }
    }

    fn get(&self, seq: &u64) -> Option<&Move> {
        match self.position(*seq) {
            Some(i) => Some(&self.sorted[i].1),
            None => self.other.get(seq),
        }
    }

    fn get_mut(&mut self, seq: &u64) -> Option<&mut Move> {
        match self.position(*seq) {
            Some(i) => Some(&mut self.sorted[i].1),
            None => self.other.get_mut(seq),
        }
    }

    fn contains_key(&self, seq: &u64) -> bool {
        self.get(seq).is_some()
    }

    fn clear(&mut self) {
        self.sorted.clear();
        self.other.clear();
    }
}

/// An entry that breaks a ledger rule. Each variant says which rule, with the facts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvariantError {
    /// `seq` is not the next position.
    #[error("seq is {got}, expected {expected}")]
    WrongSeq { expected: u64, got: u64 },
    /// `prev` is not the leaf hash of the previous entry.
    #[error("prev does not match the leaf hash of entry {}", seq.wrapping_sub(1))]
    BrokenLink { seq: u64 },
    /// `recorded_at` is earlier than the previous entry's.
    #[error("recorded_at {got} is earlier than the previous entry's {previous}")]
    TimeWentBack { previous: String, got: String },
    /// No campaign with this id was opened.
    #[error("campaign {0:?} does not exist")]
    UnknownCampaign(String),
    /// A campaign with this id was already opened.
    #[error("campaign {0:?} already exists")]
    CampaignExists(String),
    /// The campaign is closed to this kind of entry.
    #[error("campaign {0:?} is closed")]
    CampaignClosed(String),
    /// The entry's currency is not its campaign's.
    #[error("currency {got} does not match campaign {campaign:?}'s currency {expected}")]
    CurrencyMismatch {
        campaign: String,
        expected: Currency,
        got: Currency,
    },
    /// Spending (or returning) more than the campaign holds.
    #[error("campaign {campaign:?} holds {balance} minor units of {currency}, {needed} needed")]
    InsufficientBalance {
        campaign: String,
        currency: Currency,
        balance: Total,
        needed: Minor,
    },
    /// A reversal names an entry that does not exist.
    #[error("entry {0} does not exist")]
    UnknownEntry(u64),
    /// A reversal names an entry that cannot be reversed.
    #[error("entry {0} cannot be reversed: only donations, disbursements and transfers can")]
    NotReversible(u64),
    /// A reversal names an entry that was already reversed.
    #[error("entry {0} was already reversed")]
    AlreadyReversed(u64),
    /// A total would not fit.
    #[error("total overflows")]
    Overflow,
}

impl InvariantError {
    /// A stable machine-readable code for the error (used in API responses).
    pub fn code(&self) -> &'static str {
        match self {
            InvariantError::WrongSeq { .. } => "wrong_seq",
            InvariantError::BrokenLink { .. } => "broken_link",
            InvariantError::TimeWentBack { .. } => "time_went_back",
            InvariantError::UnknownCampaign(_) => "unknown_campaign",
            InvariantError::CampaignExists(_) => "campaign_exists",
            InvariantError::CampaignClosed(_) => "campaign_closed",
            InvariantError::CurrencyMismatch { .. } => "currency_mismatch",
            InvariantError::InsufficientBalance { .. } => "insufficient_balance",
            InvariantError::UnknownEntry(_) => "unknown_entry",
            InvariantError::NotReversible(_) => "not_reversible",
            InvariantError::AlreadyReversed(_) => "already_reversed",
            InvariantError::Overflow => "overflow",
        }
    }
}

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
}

/// A campaign's running totals in minor units. `donated`, `disbursed` and the transfers
/// are net of reversals; `reversed` is the gross amount of its entries that were reversed.
/// `balance = donated - disbursed + transferred_in - transferred_out`, never negative.
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
    /// What the campaign holds.
    pub balance: Total,
    /// Number of donations not reversed.
    pub donations: u64,
    /// Number of disbursements not reversed.
    pub disbursements: u64,
}

/// The money movement of one donation, disbursement or transfer, as needed to reverse it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    /// Which kind of entry.
    pub kind: MoveKind,
    /// Index of the campaign (source campaign for transfers).
    pub campaign: u32,
    /// Index of the destination campaign, for transfers.
    pub to: u32,
    /// How much.
    pub amount: Minor,
    /// Whether a reversal of it was recorded.
    pub reversed: bool,
}

/// The kinds of entry that move money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveKind {
    /// Money in.
    Donation,
    /// Money out.
    Disbursement,
    /// Money between campaigns.
    Transfer,
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
    Open(CampaignState),
    Close(u32),
    Campaigns(Totals2, Option<(u64, Move)>, Option<u64>),
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
        }
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
        let add = |t: Total, a: Minor| t.checked_add(a).ok_or(InvariantError::Overflow);
        let sub = |t: Total, a: Minor| t.checked_sub(a).ok_or(InvariantError::Overflow);
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
            Body::Reversal(r) => {
                let target = r.reverses;
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
                        a.balance = add(a.balance, m.amount)?;
                        a.transferred_out = sub(a.transferred_out, m.amount)?;
                        Totals2::two((m.campaign, a), (m.to, b))
                    }
                };
                Ok(Change::Campaigns(changes, None, Some(target)))
            }
        }
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
            Change::Open(c) => {
                self.index.insert(c.id.clone(), self.campaigns.len() as u32);
                self.campaigns.push(c);
            }
            Change::Close(i) => self.campaigns[i as usize].closed = true,
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

    #[test]
    fn the_move_index_finds_moves_added_in_any_order() {
        let m = |amount: u64| Move {
            kind: MoveKind::Donation,
            campaign: 0,
            to: 0,
            amount: Minor::new(amount).unwrap(),
            reversed: false,
        };
        let mut index = MoveIndex::default();
        let mut reference = HashMap::new();
        for (i, seq) in [5u64, 9, 3, 12, 9, 4, 20, 3, 21, 0].into_iter().enumerate() {
            index.insert(seq, m(i as u64 + 1));
            reference.insert(seq, m(i as u64 + 1));
            for probe in 0..25 {
                assert_eq!(index.get(&probe), reference.get(&probe), "{probe}");
                assert_eq!(index.contains_key(&probe), reference.contains_key(&probe));
            }
        }
        if let Some(x) = index.get_mut(&3) {
            x.reversed = true;
        }
        assert!(index.get(&3).is_some_and(|x| x.reversed));
        if let Some(x) = index.get_mut(&12) {
            x.reversed = true;
        }
        assert!(index.get(&12).is_some_and(|x| x.reversed));
        index.clear();
        assert!((0..25).all(|s| index.get(&s).is_none()));
    }
}
