//! The receipt test vector (SPEC.md §12): the receipt of entry 6 of the demo ledger
//! (`tests/vectors/demo/bundle.txt`, whose donor commitment has salt `5a` × 32 and
//! identifier `tran.van.binh@example.vn`), written to `tests/vectors/receipt/demo-6.json`.
//! The JavaScript verifier (`tests/web/receipt.test.mjs`) checks the same file, so both
//! implementations agree on the bytes. Regenerate with
//! `FUNDTRAIL_WRITE_VECTORS=1 cargo test --test ledger receipt_vector`.

use fundtrail::ledger::hash::leaf_hash;
use fundtrail::ledger::merkle::inclusion_proof;
use fundtrail::ledger::receipt::{build, verify_receipt, ReceiptParts};
use fundtrail::ledger::verify_checkpoint;
use std::path::PathBuf;

const IDENTIFIER: &str = "tran.van.binh@example.vn";

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

fn demo_receipt() -> String {
    let bundle = String::from_utf8(crate::demo_bundle()).expect("demo bundle");
    let mut parts = bundle.splitn(2, "\n\n");
    let header = parts.next().expect("header");
    let rest = parts.next().expect("leaves");
    let (leaves, note) = rest
        .split_once("\n\n")
        .expect("checkpoint after the leaves");
    let key = header
        .lines()
        .nth(1)
        .and_then(|l| l.strip_prefix("key "))
        .expect("key line");
    let leaves: Vec<&str> = leaves.lines().collect();
    let hashes: Vec<_> = leaves.iter().map(|l| leaf_hash(l.as_bytes())).collect();
    let cp = verify_checkpoint(note, key).expect("the demo checkpoint verifies");
    let proof = inclusion_proof(&hashes, 6).expect("proof");
    let receipt = build(ReceiptParts {
        seq: 6,
        leaf: leaves[6].as_bytes(),
        checkpoint: note,
        size: cp.size,
        root: cp.root,
        proof: &proof,
        key,
        salt: Some(&[0x5a; 32]),
    });
    let verified = verify_receipt(&receipt, key, Some(IDENTIFIER)).expect("verifies");
    assert!(verified.identifier_checked);
    let mut text = serde_json::to_string_pretty(&receipt).expect("json");
    text.push('\n');
    text
}

#[test]
fn the_committed_receipt_vector_is_what_the_rust_implementation_builds() {
    let path = vectors().join("receipt/demo-6.json");
    let built = demo_receipt();

    if std::env::var_os("FUNDTRAIL_WRITE_VECTORS").is_some() {
        std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
        std::fs::write(&path, &built).expect("written");
    }

    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with FUNDTRAIL_WRITE_VECTORS=1",
            path.display()
        )
    });
    assert_eq!(committed, built);
}
