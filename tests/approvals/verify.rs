//! `fundtrail verify` on a hand-made bundle whose payment skipped the approval rule.

use crate::helpers::binary::{explain, fundtrail, text};

#[test]
fn a_bundle_with_a_skipped_approval_is_caught_by_fundtrail_verify_with_its_seq() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/approval");
    let clean = dir.join("clean.txt");
    let skipped = dir.join("skipped-approval.txt");

    let ok = fundtrail(&["verify", clean.to_str().expect("path")]);
    let caught = fundtrail(&["verify", skipped.to_str().expect("path")]);

    assert!(ok.status.success(), "{}", explain(&ok));
    assert!(!caught.status.success(), "{}", explain(&caught));
    let said = format!("{}{}", text(&caught.stdout), text(&caught.stderr));
    assert!(said.contains("entry 2"), "{said}");
    assert!(said.contains("approval"), "{said}");
}
