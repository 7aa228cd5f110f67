//! Donor statements (SPEC.md §21): parsing and verification never panic, whatever the JSON
//! holds, with or without the donor's identifier.
#![no_main]

use fundtrail::ledger::donor_statement::{verify_statement, DonorStatement};
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
    if let Ok(statement) = serde_json::from_slice::<DonorStatement>(data) {
        let _ = verify_statement(&statement, demo_key(), None);
        let _ = verify_statement(&statement, demo_key(), Some("donor@example.org"));
    }
});
