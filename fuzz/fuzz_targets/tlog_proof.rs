//! Receipts as C2SP tlog-proof files (SPEC.md §12.1): reading never panics, a file that reads
//! encodes back to the same text, and turning it into a receipt never panics either.
#![no_main]

use fundtrail::ledger::tlog_proof::{to_receipt, TlogProof};
use libfuzzer_sys::fuzz_target;

const EXPECTED: &str = include_str!("../../tests/vectors/demo/expected.json");

/// The demo ledger's verifier key, from its known answers.
fn demo_key() -> &'static str {
    static KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        let expected: serde_json::Value = serde_json::from_str(EXPECTED).expect("expected.json");
        expected["key"].as_str().expect("key").to_string()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(proof) = TlogProof::parse(text) {
        let again = TlogProof::parse(&proof.encode());
        assert_eq!(again.as_ref().ok(), Some(&proof), "an encoded proof reads back the same");
        let _ = to_receipt(&proof, demo_key());
    }
});
