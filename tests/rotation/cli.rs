//! `fundtrail rotate-key` and `fundtrail verify` across a rotation, as commands.

use crate::helpers::binary::{explain, fundtrail, run};

fn vectors(file: &str) -> String {
    format!(
        "{}/tests/vectors/rotation/{file}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn rotate_key_prints_the_new_key_and_verify_accepts_the_ledger_with_either_key() {
    let dir = tempfile::tempdir().expect("folder");
    let data = dir.path().join("data");
    let data_arg = data.to_str().expect("utf-8");
    let created = run(&["init", "--data", data_arg]);
    let first_key = created
        .lines()
        .find_map(|l| l.strip_prefix("Verifier key (publish it): "))
        .expect("the first key")
        .to_string();

    let out = fundtrail(&["rotate-key", "--data", data_arg, "--note", "Lost laptop"]);

    assert!(out.status.success(), "{}", explain(&out));
    let printed = String::from_utf8_lossy(&out.stdout);
    let new_key = printed
        .lines()
        .find_map(|l| l.strip_prefix("New verifier key (publish it): "))
        .expect("the new key")
        .to_string();
    assert_ne!(new_key, first_key);
    for key in [&first_key, &new_key] {
        let verified = fundtrail(&["verify", "--data", data_arg, "--key", key]);
        assert!(verified.status.success(), "{key}: {}", explain(&verified));
    }
    let bundle = dir.path().join("bundle.txt");
    let exported = fundtrail(&[
        "export",
        "--data",
        data_arg,
        "--output",
        bundle.to_str().expect("utf-8"),
    ]);
    assert!(exported.status.success(), "{}", explain(&exported));
    for key in [&first_key, &new_key] {
        let verified = fundtrail(&["verify", bundle.to_str().expect("utf-8"), "--key", key]);
        assert!(verified.status.success(), "{key}: {}", explain(&verified));
    }
}

#[test]
fn verify_refuses_a_rotation_signed_by_a_stranger_and_one_copied_from_another_history() {
    for file in ["signed-by-stranger.txt", "other-history.txt"] {
        let out = fundtrail(&["verify", &vectors(file)]);

        assert_eq!(out.status.code(), Some(1), "{file}: {}", explain(&out));
        assert!(
            explain(&out).contains("entry 2: key rotation: signature does not verify"),
            "{file}: {}",
            explain(&out)
        );
    }
}
