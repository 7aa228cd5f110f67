//! How fast can a stranger verify a whole ledger? Builds a valid ledger of mostly donations
//! in memory (1,000,000 entries, or `FUNDTRAIL_BENCH_ENTRIES`), then times
//! (a) a floor: SHA-256 leaf hashes of the same leaves plus checking each `prev` link, and
//! (b) the real thing: `verify_bundle` over the bundle bytes (parse, canonical check, hashes,
//!     chain, Merkle root, invariants, totals, signed checkpoint).
//!
//! Run with `cargo bench --bench verify`. Results are recorded in BENCHMARKS.md.

#[path = "../tests/helpers/ledger.rs"]
mod ledgers;
#[path = "shared/random_ledger.rs"]
mod random_ledger;

use fundtrail::ledger::merkle::CompactTree;
use fundtrail::ledger::ZERO_HASH as ZERO;
use fundtrail::ledger::{
    decode, encode, leaf_hash, verify_bundle, CheckpointSigner, Hash, LedgerState,
};
use random_ledger::{write_random_ledger, Shape};
use std::time::{Duration, Instant};

const DONORS: &[&str] = &[
    "Nguyễn Văn An",
    "Trần Thị Bích Ngọc",
    "Anonymous",
    "Lê Hoàng Minh",
    "Công ty TNHH Sao Mai",
    "Phạm Thu Hà",
    "Jane Doe",
];

/// A bundle of `n` valid entries: three campaign openings, then donations with a
/// disbursement every 20 entries. Returns the bundle bytes and the number of leaf bytes.
fn build(n: u64, signer: &CheckpointSigner) -> (Vec<u8>, usize) {
    let shape = Shape {
        campaigns: [
            ("flood-2026", "VND"),
            ("medical-kits", "USD"),
            ("school-roofs", "VND"),
        ],
        donors: DONORS,
        cash_one_in: 2,
        memos: None,
    };
    let mut out = Vec::new();
    let leaf_bytes = write_random_ledger(&mut out, n, signer, &shape);
    (out, usize::try_from(leaf_bytes).expect("fits in memory"))
}

/// The floor: split lines, hash every leaf, and check each leaf's `prev` against the
/// previous leaf's hash. Returns the number of leaves.
fn hash_and_chain(bundle: &[u8]) -> u64 {
    let mut lines = bundle.split(|b| *b == b'\n').skip(3);
    let mut prev = ZERO;
    let mut n = 0;
    for leaf in lines.by_ref() {
        if leaf.is_empty() {
            break;
        }
        let at = find(leaf, b"\"prev\":\"").expect("prev") + 8;
        let mut claimed = [0u8; 32];
        hex::decode_to_slice(&leaf[at..at + 64], &mut claimed).unwrap();
        assert!(Hash(claimed) == prev, "entry {n}: broken link");
        prev = leaf_hash(leaf);
        n += 1;
    }
    n
}

/// The last occurrence of `needle`: `prev` is near the end of a leaf, after the body.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs {
        let start = Instant::now();
        let r = f();
        best = best.min(start.elapsed());
        out = Some(r);
    }
    (best, out.unwrap())
}

fn main() {
    let n: u64 = std::env::var("FUNDTRAIL_BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let (signer, _) = CheckpointSigner::generate("bench.fundtrail.example/ledger").unwrap();
    let start = Instant::now();
    let (bundle, leaf_bytes) = build(n, &signer);
    println!(
        "built {n} entries in {:.1?}: bundle {:.1} MB, mean leaf {} bytes",
        start.elapsed(),
        bundle.len() as f64 / 1e6,
        leaf_bytes / n as usize
    );

    let (floor, count) = best_of(3, || hash_and_chain(&bundle));
    assert_eq!(count, n);
    let (full, report) = best_of(3, || {
        verify_bundle(bundle.as_slice(), Some(signer.verifier_key()), None, |_| {}).unwrap()
    });
    assert_eq!(report.size, n);

    let rate = |d: Duration| n as f64 / d.as_secs_f64();
    println!(
        "(a) hash + chain only: {:>8.1?}  {:>12.0} entries/s  {:>6.0} MB/s",
        floor,
        rate(floor),
        leaf_bytes as f64 / floor.as_secs_f64() / 1e6
    );
    println!(
        "(b) verify_bundle:     {:>8.1?}  {:>12.0} entries/s  {:>6.0} MB/s",
        full,
        rate(full),
        leaf_bytes as f64 / full.as_secs_f64() / 1e6
    );
    breakdown(&bundle, n);
    println!(
        "full verification takes {:.2}x the hash-and-chain floor; target 1,500,000 entries/s: {}",
        full.as_secs_f64() / floor.as_secs_f64(),
        if rate(full) >= 1.5e6 {
            "met"
        } else {
            "NOT met"
        }
    );
}

/// Where the time of `verify_bundle` goes, one stage at a time over all leaves.
fn breakdown(bundle: &[u8], n: u64) {
    let leaves: Vec<&[u8]> = bundle
        .split(|b| *b == b'\n')
        .skip(3)
        .take(n as usize)
        .collect();
    let per_entry = |d: Duration| d.as_secs_f64() * 1e9 / n as f64;
    let (t_decode, entries) = best_of(1, || {
        leaves
            .iter()
            .map(|l| decode(l).unwrap())
            .collect::<Vec<_>>()
    });
    let (t_encode, _) = best_of(1, || entries.iter().map(|e| encode(e).len()).sum::<usize>());
    let (t_hash, hashes) = best_of(1, || {
        leaves.iter().map(|l| leaf_hash(l)).collect::<Vec<_>>()
    });
    let (t_apply, _) = best_of(1, || {
        let mut state = LedgerState::new();
        for (e, h) in entries.iter().zip(&hashes) {
            state.apply(e, *h).unwrap();
        }
    });
    let (t_tree, _) = best_of(1, || {
        let mut tree = CompactTree::new();
        hashes.iter().for_each(|h| tree.push(*h));
        tree.root()
    });
    println!(
        "per entry: decode {:.0} ns (encode, not part of decoding: {:.0} ns), leaf hash {:.0} ns, \
         apply {:.0} ns, tree {:.0} ns",
        per_entry(t_decode),
        per_entry(t_encode),
        per_entry(t_hash),
        per_entry(t_apply),
        per_entry(t_tree)
    );
}
