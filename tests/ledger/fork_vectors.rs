//! The shared fork proof vectors: `tests/vectors/fork/<case>.json` and `expected.json`, checked
//! here and by `web/verify/fork.js`. `FUNDTRAIL_WRITE_VECTORS=1 cargo test --test ledger
//! fork_vectors` writes them.

use crate::demo_signer;
use fundtrail::ledger::fork::{
    check_fork_proof, parse_fork_proof, ConsistencyEvidence, ForkProof, PrefixEvidence,
    FORK_PROOF_FORMAT,
};
use fundtrail::ledger::hash::leaf_hash;
use fundtrail::ledger::merkle::{consistency_proof, inclusion_proof, root_of};
use fundtrail::ledger::Hash;
use std::collections::BTreeMap;
use std::path::Path;

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/fork");

fn leaves(n: usize, salt: &str) -> Vec<Hash> {
    (0..n)
        .map(|i| leaf_hash(format!("{salt} {i}").as_bytes()))
        .collect()
}

/// Each case: its file and the verdict (`fork`, `consistent`, `inconclusive` or `error`);
/// longer than 80 lines because it lists them all.
fn fork_vectors() -> Vec<(&'static str, ForkProof, &'static str)> {
    let s = demo_signer();
    let sign = |l: &[Hash]| s.sign(l.len() as u64, &root_of(l));
    let honest = leaves(32, "honest");
    let mut rewritten = honest[..7].to_vec();
    rewritten.extend(leaves(25, "rewritten"));
    let file = |first: String, later: String| ForkProof {
        format: FORK_PROOF_FORMAT.into(),
        key: s.verifier_key().to_string(),
        seen_first: first,
        seen_later: later,
        prefix: None,
        consistency: None,
        site: Some("https://charity.example".into()),
        found: Some("2026-11-30T10:00:00.000Z".into()),
    };
    let prefix = |tree: &[Hash], m: usize| {
        Some(PrefixEvidence {
            index: (m - 1) as u64,
            leaf_hash: tree[m - 1],
            proof: inclusion_proof(tree, m - 1).expect("proof"),
        })
    };
    let consistency = |tree: &[Hash], m: usize| {
        Some(ConsistencyEvidence {
            from: m as u64,
            to: tree.len() as u64,
            proof: consistency_proof(tree, m).expect("proof"),
        })
    };
    let with = |mut f: ForkProof, p, c| {
        f.prefix = p;
        f.consistency = c;
        f
    };
    let mut broken = file(sign(&honest[..11]), sign(&rewritten));
    broken.seen_later = broken.seen_later.replacen("\n32\n", "\n33\n", 1);
    vec![
        (
            "same-size-two-roots.json",
            file(sign(&honest), sign(&rewritten)),
            "fork",
        ),
        (
            "prefix-differs.json",
            with(
                file(sign(&honest[..11]), sign(&rewritten)),
                prefix(&rewritten, 11),
                consistency(&honest, 11),
            ),
            "fork",
        ),
        (
            "prefix-differs-power-of-two.json",
            with(
                file(sign(&honest[..16]), sign(&rewritten)),
                prefix(&rewritten, 16),
                None,
            ),
            "fork",
        ),
        (
            "prefix-agrees.json",
            with(
                file(sign(&honest[..11]), sign(&honest)),
                prefix(&honest, 11),
                None,
            ),
            "consistent",
        ),
        (
            "consistency-proof-only.json",
            with(
                file(sign(&honest[..11]), sign(&rewritten)),
                None,
                consistency(&honest, 11),
            ),
            "inconclusive",
        ),
        (
            "later-is-smaller.json",
            file(sign(&honest), sign(&rewritten[..20])),
            "inconclusive",
        ),
        ("signature-broken.json", broken, "error"),
        (
            "prefix-for-another-leaf.json",
            with(
                file(sign(&honest[..11]), sign(&rewritten)),
                prefix(&rewritten, 12),
                None,
            ),
            "error",
        ),
    ]
}

#[test]
fn the_shared_fork_proof_vectors_are_current_and_get_their_verdicts() {
    let writing = std::env::var("FUNDTRAIL_WRITE_VECTORS").is_ok_and(|v| v == "1");
    let key = demo_signer().verifier_key().to_string();
    let mut expected = BTreeMap::new();
    for (name, proof, verdict) in fork_vectors() {
        let text = format!("{}\n", serde_json::to_string_pretty(&proof).expect("JSON"));
        let path = Path::new(VECTORS).join(name);
        if writing {
            std::fs::create_dir_all(VECTORS).expect("folder");
            std::fs::write(&path, &text).expect("written");
        }
        let stored = std::fs::read_to_string(&path)
            .expect("vector file (FUNDTRAIL_WRITE_VECTORS=1 writes it)");
        assert_eq!(
            stored, text,
            "{name} is stale: FUNDTRAIL_WRITE_VECTORS=1 rewrites it"
        );
        let got = match parse_fork_proof(&stored).and_then(|p| check_fork_proof(&p, &key)) {
            Ok(c) if c.verdict.proves_fork() => "fork",
            Ok(c) if c.verdict == fundtrail::ledger::fork::Verdict::Consistent => "consistent",
            Ok(_) => "inconclusive",
            Err(_) => "error",
        };
        assert_eq!(got, verdict, "{name}");
        expected.insert(name, serde_json::json!({ "verdict": verdict, "key": key }));
    }
    let text = format!(
        "{}\n",
        serde_json::to_string_pretty(&expected).expect("JSON")
    );
    let path = Path::new(VECTORS).join("expected.json");
    if writing {
        std::fs::write(&path, &text).expect("written");
    }
    assert_eq!(
        std::fs::read_to_string(&path).expect("expected.json"),
        text,
        "expected.json is stale"
    );
}
