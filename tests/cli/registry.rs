//! `fundtrail verify` reads a platform's registry (SPEC.md §22) like any ledger: the clean
//! registry of `tests/vectors/registry/` verifies, and each registry that breaks a registry
//! rule, or whose entry was changed after the fact, is refused naming the entry.

use crate::helpers::binary::{explain, fundtrail, text};
use serde_json::Value;
use std::path::PathBuf;

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/registry")
}

#[test]
fn the_clean_registry_verifies() {
    let out = fundtrail(&["verify", &vectors().join("clean.txt").display().to_string()]);

    assert!(out.status.success(), "{}", explain(&out));
}

#[test]
fn each_broken_or_tampered_registry_is_reported_with_its_entry_number() {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(vectors().join("expected.json")).expect("expected.json"),
    )
    .expect("JSON");
    let cases = expected["bad"].as_array().expect("bad registries");
    assert!(cases.len() >= 10);
    for case in cases {
        let bundle = vectors().join(case["bundle"].as_str().expect("a file"));

        let out = fundtrail(&["verify", &bundle.display().to_string()]);

        assert!(!out.status.success(), "{}", explain(&out));
        let error = case["error"].as_str().expect("words");
        assert!(
            text(&out.stderr).contains(error) || text(&out.stdout).contains(error),
            "{}: {error}\n{}",
            case["name"],
            explain(&out)
        );
    }
}
