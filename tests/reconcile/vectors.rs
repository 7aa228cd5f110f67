//! `tests/vectors/statement/scenario/`: the three-month, two-account ledger of `scenario.rs`,
//! signed with the demo key, its published lines, and every finding and explained line the
//! Rust reconciliation reports, so the JavaScript verifier is held to the same words
//! (`tests/web/reconcile.test.mjs`). `FUNDTRAIL_WRITE_VECTORS=1 cargo test --test reconcile
//! vectors` rewrites the folder; otherwise it must be exactly what this generates.

use crate::scenario::messy;
use fundtrail::ledger::reconcile::Reconciler;
use fundtrail::ledger::{decode, CheckpointSigner};
use serde_json::json;
use std::path::{Path, PathBuf};

const DEMO_KEY: &str = include_str!("../vectors/demo/signing-key.txt");

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/statement/scenario")
}

#[test]
fn the_scenario_vectors_are_what_the_rust_reconciliation_reports() {
    let books = messy();
    let signer = CheckpointSigner::from_private_key(DEMO_KEY).expect("the demo key");
    let mut reconciler = Reconciler::new();
    for leaf in &books.ledger.leaves {
        reconciler.observe(&decode(leaf).expect("a valid leaf"));
    }
    let result = reconciler.finish(|s| {
        books
            .published
            .iter()
            .find(|(sha, _)| *sha == s.lines_sha256)
            .map(|(_, bytes)| bytes.clone())
    });
    let expected = json!({
        "findings": result.findings().map(ToString::to_string).collect::<Vec<_>>(),
        "excluded": result.accounts.iter().flat_map(|a| a.excluded.iter().map(ToString::to_string)).collect::<Vec<_>>(),
        "accounts": result.accounts.iter().map(|a| json!({
            "number": a.account.number,
            "reconciled_through": a.reconciled_through,
            "bank_balance": a.bank_balance.to_string(),
            "ledger_balance": a.ledger_balance.to_string(),
        })).collect::<Vec<_>>(),
    });
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        (folder().join("bundle.txt"), books.ledger.bundle(&signer)),
        (
            folder().join("expected.json"),
            (serde_json::to_string_pretty(&expected).expect("JSON") + "\n").into_bytes(),
        ),
    ];
    for (sha, bytes) in &books.published {
        files.push((
            folder().join("lines").join(format!("{sha}.jsonl")),
            bytes.clone(),
        ));
    }
    let writing = std::env::var_os("FUNDTRAIL_WRITE_VECTORS").is_some_and(|v| v == "1");
    for (path, bytes) in files {
        if writing {
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
            std::fs::write(&path, &bytes).expect("write");
        } else {
            let committed = std::fs::read(&path)
                .unwrap_or_else(|e| panic!("{}: {e} (FUNDTRAIL_WRITE_VECTORS=1)", path.display()));
            assert!(
                committed == bytes,
                "{} differs (FUNDTRAIL_WRITE_VECTORS=1 rewrites it)",
                path.display()
            );
        }
    }
}
