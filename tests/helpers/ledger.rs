//! Building valid ledgers for tests and benchmarks: a [`LedgerBuilder`] that links, times and
//! checks every entry it appends, and [`random_ledger`], a deterministic mix of every kind.
#![allow(dead_code)] // The test areas and the benchmarks each use a different part.

use fundtrail::ledger::entry::{
    format_recorded_at, Account, CampaignClose, CampaignOpen, Channel, Disbursement, Donation,
    Evidence, Reversal, ReversalReason, Transfer,
};
use fundtrail::ledger::hash::sha256;
use fundtrail::ledger::verify::{bundle_header, bundle_trailer};
use fundtrail::ledger::{
    encode, leaf_hash, merkle, Body, CheckpointSigner, Currency, Entry, Hash, LedgerState, Minor,
    ZERO_HASH,
};

/// The time of entry 0; entry `seq` is recorded `seq * 37.000250` seconds later.
const EPOCH_SECONDS: i64 = 1_793_520_000; // 2026-11-01T08:00:00Z

/// A fixed, deterministic time for entry `seq`, strictly increasing.
pub fn recorded_at(seq: u64) -> String {
    let micros = EPOCH_SECONDS * 1_000_000 + (seq as i64) * 37_000_250;
    format_recorded_at(chrono::DateTime::from_timestamp_micros(micros).unwrap())
}

/// A ledger under construction: every appended entry is linked to the previous leaf and
/// checked against the ledger rules, unless appended with [`LedgerBuilder::append_unchecked`].
#[derive(Debug, Default)]
pub struct LedgerBuilder {
    pub entries: Vec<Entry>,
    pub leaves: Vec<Vec<u8>>,
    pub hashes: Vec<Hash>,
    pub state: LedgerState,
    /// `seq` of donations, disbursements and transfers, for reversals.
    pub moves: Vec<u64>,
}

impl LedgerBuilder {
    pub fn new() -> Self {
        LedgerBuilder {
            state: LedgerState::new(),
            ..Default::default()
        }
    }

    pub fn len(&self) -> u64 {
        self.entries.len() as u64
    }

    fn next_entry(&self, by: &str, body: Body) -> Entry {
        let seq = self.len();
        Entry {
            seq,
            prev: self.hashes.last().copied().unwrap_or(ZERO_HASH),
            recorded_at: recorded_at(seq),
            recorded_by: by.to_string(),
            body,
        }
    }

    /// Appends `body`, panicking if the ledger rules refuse it. Returns its `seq`.
    pub fn append(&mut self, by: &str, body: Body) -> u64 {
        self.try_append(by, body)
            .unwrap_or_else(|e| panic!("the ledger refuses the entry: {e}"))
    }

    /// Appends `body` if the ledger rules allow it.
    pub fn try_append(
        &mut self,
        by: &str,
        body: Body,
    ) -> Result<u64, fundtrail::ledger::InvariantError> {
        body.validate()
            .unwrap_or_else(|e| panic!("invalid body: {e}"));
        let entry = self.next_entry(by, body);
        let leaf = encode(&entry);
        let hash = leaf_hash(&leaf);
        self.state.apply(&entry, hash)?;
        Ok(self.push(entry, leaf, hash))
    }

    /// Appends `body` linked and timed correctly but without checking the ledger rules, to
    /// build ledgers that break them.
    pub fn append_unchecked(&mut self, by: &str, body: Body) -> u64 {
        let entry = self.next_entry(by, body);
        let leaf = encode(&entry);
        let hash = leaf_hash(&leaf);
        self.push(entry, leaf, hash)
    }

    fn push(&mut self, entry: Entry, leaf: Vec<u8>, hash: Hash) -> u64 {
        let seq = entry.seq;
        if matches!(
            entry.body,
            Body::Donation(_) | Body::Disbursement(_) | Body::Transfer(_)
        ) {
            self.moves.push(seq);
        }
        self.entries.push(entry);
        self.leaves.push(leaf);
        self.hashes.push(hash);
        seq
    }

    pub fn root(&self) -> Hash {
        merkle::root_of(&self.hashes)
    }

    /// The bundle of all leaves with a checkpoint signed by `signer`.
    pub fn bundle(&self, signer: &CheckpointSigner) -> Vec<u8> {
        bundle_of(&self.leaves, signer, self.len(), &self.root())
    }
}

/// A bundle of `leaves` with a checkpoint claiming `size` and `root`.
pub fn bundle_of(leaves: &[Vec<u8>], signer: &CheckpointSigner, size: u64, root: &Hash) -> Vec<u8> {
    let mut out = bundle_header(signer.verifier_key()).into_bytes();
    for leaf in leaves {
        out.extend_from_slice(leaf);
        out.push(b'\n');
    }
    out.extend_from_slice(bundle_trailer(&signer.sign(size, root)).as_bytes());
    out
}

pub fn currency(code: &str) -> Currency {
    Currency::parse(code).unwrap()
}

pub fn minor(units: u64) -> Minor {
    Minor::new(units).unwrap()
}

pub fn open(id: &str, code: &str, title: &str) -> Body {
    Body::CampaignOpen(CampaignOpen {
        approval: None,
        accounts: vec![Account {
            bank: "Vietcombank".into(),
            holder: "Quỹ Cứu trợ".into(),
            number: "0071000123456".into(),
        }],
        currency: currency(code),
        ends_on: None,
        goal: None,
        id: id.into(),
        purpose: format!("{title}: food, water and shelter for affected families"),
        title: title.into(),
    })
}

pub fn donation(campaign: &str, code: &str, amount: u64, donor: &str) -> Body {
    Body::Donation(Donation {
        amount: minor(amount),
        campaign: campaign.into(),
        channel: Channel::BankTransfer,
        commitment: None,
        currency: currency(code),
        donor: donor.into(),
        in_kind: None,
        memo: None,
        pledge: None,
        received_at: "2026-11-02".into(),
        reference: Some("FT26306123456789".into()),
    })
}

pub fn disbursement(campaign: &str, code: &str, amount: u64, recipient: &str) -> Body {
    Body::Disbursement(Disbursement {
        approval: None,
        amount: minor(amount),
        budget_line: None,
        campaign: campaign.into(),
        currency: currency(code),
        evidence: vec![Evidence {
            media_type: "application/pdf".into(),
            name: Some("invoice.pdf".into()),
            sha256: sha256(recipient.as_bytes()),
            size: 48_213,
        }],
        paid_at: "2026-11-03".into(),
        purpose: "Rice and drinking water".into(),
        recipient: recipient.into(),
        reference: None,
    })
}

pub fn transfer(from: &str, to: &str, code: &str, amount: u64) -> Body {
    Body::Transfer(Transfer {
        approval: None,
        amount: minor(amount),
        currency: currency(code),
        from: from.into(),
        reason: "Surplus moved to where it is needed".into(),
        reference: None,
        to: to.into(),
    })
}

pub fn reversal(reverses: u64, reason: ReversalReason) -> Body {
    Body::Reversal(Reversal {
        note: None,
        reason,
        reverses,
    })
}

pub fn close(campaign: &str) -> Body {
    Body::CampaignClose(CampaignClose {
        campaign: campaign.into(),
        note: Some("All funds spent".into()),
    })
}

/// SplitMix64: a tiny deterministic generator, so ledgers depend only on their seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next() as usize % items.len()]
    }
}

const DONORS: &[&str] = &[
    "Nguyễn Văn An",
    "Trần Thị Bích",
    "Anonymous",
    "Lê Hoàng Minh",
    "Công ty TNHH Sao Mai",
    "Phạm Thu Hà",
];
const STAFF: &[&str] = &["lan", "minh", "token:bank-import"];

/// The campaigns every random ledger opens first: two in VND (so transfers are possible)
/// and one in USD.
pub const CAMPAIGNS: &[(&str, &str)] = &[
    ("relief-vnd", "VND"),
    ("relief-usd", "USD"),
    ("schools-vnd", "VND"),
];

/// A valid ledger of `n` entries decided by `seed`: the campaigns of [`CAMPAIGNS`], then a
/// mix of donations (most), disbursements within balance, transfers and reversals.
pub fn random_ledger(seed: u64, n: u64) -> LedgerBuilder {
    let mut rng = Rng::new(seed);
    let mut b = LedgerBuilder::new();
    for (id, code) in CAMPAIGNS.iter().take(n as usize) {
        b.append("lan", open(id, code, &format!("Relief {id}")));
    }
    while b.len() < n {
        let by = *rng.pick(STAFF);
        let (campaign, code) = *rng.pick(CAMPAIGNS);
        let balance = b.state.campaign(campaign).unwrap().totals.balance.0 as u64;
        let roll = rng.range(0, 99);
        let candidate = if roll < 60 || balance == 0 {
            let amount = if code == "VND" {
                rng.range(1, 5_000) * 1_000
            } else {
                rng.range(100, 50_000)
            };
            let donor = *rng.pick::<&str>(DONORS);
            donation(campaign, code, amount, donor)
        } else if roll < 80 {
            disbursement(campaign, code, rng.range(1, balance), "Hợp tác xã Hòa Bình")
        } else if roll < 90 && code == "VND" {
            let to = if campaign == "relief-vnd" {
                "schools-vnd"
            } else {
                "relief-vnd"
            };
            transfer(campaign, to, code, rng.range(1, balance))
        } else {
            let target = *rng.pick(&b.moves);
            reversal(target, ReversalReason::Error)
        };
        if b.try_append(by, candidate).is_err() {
            // Most often a reversal that would overdraw, or of an entry already reversed.
            let amount = rng.range(1, 1000) * 1000;
            b.append(by, donation("relief-vnd", "VND", amount, "Anonymous"));
        }
    }
    b
}
