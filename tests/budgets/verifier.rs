//! `fundtrail verify` catches a broken budget or pledge rule in a ledger the server would
//! never have written, naming the entry: the bad ledgers of `tests/vectors/budget/`.

use crate::helpers::binary::{explain, fundtrail, text};
use serde_json::Value;
use std::path::PathBuf;

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/budget")
}

#[test]
fn each_broken_budget_or_pledge_rule_is_reported_with_its_entry_number() {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(vectors().join("expected.json")).expect("expected.json"),
    )
    .expect("JSON");
    let cases = expected["bad"].as_array().expect("bad ledgers");
    assert!(cases.len() >= 4);
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

#[test]
fn the_clean_budget_ledger_verifies() {
    let out = fundtrail(&["verify", &vectors().join("clean.txt").display().to_string()]);

    assert!(out.status.success(), "{}", explain(&out));
}
