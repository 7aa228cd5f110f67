//! The random valid ledger the benchmarks build (`benches/verify.rs` in memory,
//! `benches/load`'s reads part as a file to import): three campaign openings, then
//! donations with a disbursement every 20th entry, written as a bundle with the checkpoint
//! of `signer`. Seeded, so every run builds the same ledger.

use crate::ledgers::{disbursement, donation, open, recorded_at, Rng};
use fundtrail::ledger::entry::Channel;
use fundtrail::ledger::verify::{bundle_header, bundle_trailer};
use fundtrail::ledger::{encode, leaf_hash, Body, CheckpointSigner, CompactTree, Entry, ZERO_HASH};
use std::io::Write;

/// What varies between the benchmarks' ledgers.
pub struct Shape<'a> {
    /// The three campaigns, as (id, currency).
    pub campaigns: [(&'a str, &'a str); 3],
    /// Donor names, picked at random.
    pub donors: &'a [&'a str],
    /// One donation in this many is cash, without a reference.
    pub cash_one_in: u64,
    /// When given, every other donation gets a unique bank reference and one of these memos.
    pub memos: Option<&'a [&'a str]>,
}

/// Writes the bundle of `n` entries of `shape` to `out`; returns the leaves' total bytes.
///
/// # Panics
/// When `out` fails (a benchmark has nothing better to do).
pub fn write_random_ledger(
    out: &mut impl Write,
    n: u64,
    signer: &CheckpointSigner,
    shape: &Shape<'_>,
) -> u64 {
    out.write_all(bundle_header(signer.verifier_key()).as_bytes())
        .expect("write");
    let mut rng = Rng::new(2026);
    let mut tree = CompactTree::new();
    let mut prev = ZERO_HASH;
    let mut balances = [0u64; 3];
    let mut bytes = 0u64;
    for seq in 0..n {
        let c = (seq % 3) as usize;
        let (id, code) = shape.campaigns[c];
        let body: Body = if seq < 3 {
            open(id, code, &format!("Campaign {id}"))
        } else if seq % 20 == 0 && balances[c] > 1 {
            let amount = rng.range(1, balances[c] / 2);
            balances[c] -= amount;
            disbursement(id, code, amount, "Hợp tác xã Hòa Bình")
        } else {
            let amount = if code == "VND" {
                rng.range(10, 5_000) * 1_000
            } else {
                rng.range(500, 100_000)
            };
            balances[c] += amount;
            let Body::Donation(mut d) = donation(id, code, amount, rng.pick::<&str>(shape.donors))
            else {
                unreachable!("donation() makes a donation")
            };
            if rng.next() % shape.cash_one_in == 0 {
                d.channel = Channel::Cash;
                d.reference = None;
            } else if shape.memos.is_some() {
                d.reference = Some(format!("FT26{seq:010}"));
            }
            if let Some(memos) = shape.memos {
                d.memo = Some(rng.pick::<&str>(memos).to_string());
            }
            Body::Donation(d)
        };
        let entry = Entry {
            seq,
            prev,
            recorded_at: recorded_at(seq),
            recorded_by: if seq % 3 == 0 { "minh" } else { "lan" }.into(),
            body,
        };
        let leaf = encode(&entry);
        prev = leaf_hash(&leaf);
        tree.push(prev);
        bytes += leaf.len() as u64;
        out.write_all(&leaf).expect("write");
        out.write_all(b"\n").expect("write");
    }
    out.write_all(bundle_trailer(&signer.sign(n, &tree.root())).as_bytes())
        .expect("write");
    bytes
}
