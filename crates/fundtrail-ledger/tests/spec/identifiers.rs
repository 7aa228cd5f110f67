//! SPEC.md §2.4.1: every case of `tests/vectors/identifiers/normalise.json` (written by
//! hand) normalises as the vector says. The JavaScript verifier's
//! `web/verify/identifier.js` is held to the same file (`tests/ledger/identifier_vectors.rs`).

use fundtrail_ledger::identifier::normalise_identifier;
use serde_json::Value;

#[test]
fn every_identifier_vector_normalises_as_written() {
    let text = include_str!("../../../../tests/vectors/identifiers/normalise.json");
    let vectors: Value = serde_json::from_str(text).expect("vectors are JSON");
    let cases = vectors["cases"].as_array().expect("cases");
    assert!(cases.len() >= 20, "the vectors cover the rule");
    for case in cases {
        let input = case["input"].as_str().expect("input");
        let expected = case["normalised"].as_str().expect("normalised");
        assert_eq!(
            normalise_identifier(input),
            expected,
            "{}: {input:?}",
            case["name"]
        );
        assert_eq!(
            normalise_identifier(expected),
            expected,
            "{}: the normalised form is already normal",
            case["name"]
        );
    }
}
