//! `fundtrail verify-receipt`: a donation's receipt (SPEC.md §12) verified offline, pinned to
//! a key or not, against the donor's identifier, and against the server's newer checkpoint;
//! one changed byte, a wrong identifier or a foreign key fail with exit 1, a missing file or
//! an unreadable key is a usage error (exit 2).

use crate::helpers::app::spawn_app;
use crate::helpers::binary::explain;
use crate::helpers::receipts::{code, private_donation, verify_receipt, write, EMAIL};
use serde_json::json;

#[tokio::test]
async fn a_donation_answer_carries_a_receipt_that_the_cli_verifies_offline() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let answer = private_donation(&app, &campaign, json!({})).await;
    let key = app.key().await;
    let path = write(&app, "receipt.json", &answer["receipt"]);

    let pinned = verify_receipt(&path, &["--key", &key]);
    let unpinned = verify_receipt(&path, &[]);
    let with_identifier = verify_receipt(&path, &["--key", &key, "--identifier", EMAIL]);

    let receipt = &answer["receipt"];
    assert_eq!(receipt["type"], "fundtrail-receipt");
    assert_eq!(receipt["v"], 1);
    assert_eq!(receipt["seq"], answer["seq"]);
    assert_eq!(receipt["leaf"], answer["leaf"]);
    assert_eq!(receipt["checkpoint"], answer["checkpoint"]);
    assert_eq!(receipt["key"], key.as_str());
    let hash = answer["leaf_hash"].as_str().expect("leaf hash");
    assert_eq!(
        receipt["code"],
        format!("R-{}-{}", answer["seq"], &hash[..8])
    );
    assert_eq!(receipt["salt"].as_str().map(str::len), Some(64));
    assert_eq!(code(&pinned), 0, "{}", explain(&pinned));
    assert!(String::from_utf8_lossy(&pinned.stdout).contains("key pinned"));
    assert_eq!(code(&unpinned), 0, "{}", explain(&unpinned));
    assert!(String::from_utf8_lossy(&unpinned.stderr).contains("warning"));
    assert_eq!(code(&with_identifier), 0, "{}", explain(&with_identifier));
    assert!(
        String::from_utf8_lossy(&with_identifier.stdout).contains("matches the donor commitment")
    );
}

#[tokio::test]
async fn changing_one_byte_of_the_leaf_the_proof_or_the_checkpoint_fails_with_exit_1() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    app.donate(&campaign, "100000").await.seq();
    let answer = private_donation(&app, &campaign, json!({})).await;
    let receipt = answer["receipt"].clone();
    let key = app.key().await;
    let flip = |text: &str, at: usize| {
        let mut bytes = text.as_bytes().to_vec();
        bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
        String::from_utf8(bytes).expect("utf-8")
    };
    let leaf = receipt["leaf"].as_str().expect("leaf");
    let amount_at = leaf.find("250000").expect("amount in the leaf");
    let mut tampered_leaf = receipt.clone();
    tampered_leaf["leaf"] = json!(flip(leaf, amount_at + 1));
    let mut tampered_proof = receipt.clone();
    let first = receipt["proof"]["proof"][0].as_str().expect("a proof hash");
    tampered_proof["proof"]["proof"][0] = json!(flip(first, 10));
    let mut tampered_root = receipt.clone();
    let root = receipt["proof"]["root"].as_str().expect("root");
    tampered_root["proof"]["root"] = json!(flip(root, 3));
    let mut tampered_note = receipt.clone();
    let note = receipt["checkpoint"].as_str().expect("note");
    let signature_at = note.rfind(' ').expect("signature line") + 5;
    let mut bytes = note.as_bytes().to_vec();
    bytes[signature_at] = if bytes[signature_at] == b'A' {
        b'B'
    } else {
        b'A'
    };
    tampered_note["checkpoint"] = json!(String::from_utf8(bytes).expect("utf-8"));
    let mut tampered_seq = receipt.clone();
    tampered_seq["seq"] = json!(1);

    for (name, bad) in [
        ("leaf", tampered_leaf),
        ("proof", tampered_proof),
        ("root", tampered_root),
        ("checkpoint", tampered_note),
        ("seq", tampered_seq),
    ] {
        let path = write(&app, &format!("{name}.json"), &bad);
        let output = verify_receipt(&path, &["--key", &key]);
        assert_eq!(code(&output), 1, "{name}: {}", explain(&output));
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("receipt"),
            "{name}: {}",
            explain(&output)
        );
    }
}

#[tokio::test]
async fn a_wrong_identifier_or_a_foreign_key_fails_and_a_missing_file_is_a_usage_error() {
    let app = spawn_app().await;
    let other = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let answer = private_donation(&app, &campaign, json!({})).await;
    let path = write(&app, "receipt.json", &answer["receipt"]);

    let wrong_identifier = verify_receipt(&path, &["--identifier", "someone@example.vn"]);
    let foreign_key = verify_receipt(&path, &["--key", &other.key().await]);
    let missing = verify_receipt(&app.scratch("nothing.json"), &[]);
    let bad_key = verify_receipt(&path, &["--key", "not a key"]);

    assert_eq!(code(&wrong_identifier), 1, "{}", explain(&wrong_identifier));
    assert_eq!(code(&foreign_key), 1, "{}", explain(&foreign_key));
    assert_eq!(code(&missing), 2, "{}", explain(&missing));
    assert_eq!(code(&bad_key), 2, "{}", explain(&bad_key));
}

// The CLI blocks this thread while it talks to the server: the server needs another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_is_proven_consistent_with_the_servers_newer_checkpoint() {
    let app = spawn_app().await;
    let other = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let answer = private_donation(&app, &campaign, json!({})).await;
    for _ in 0..5 {
        app.donate(&campaign, "1000").await.seq();
    }
    let path = write(&app, "receipt.json", &answer["receipt"]);
    let key = app.key().await;

    let same_server = verify_receipt(&path, &["--key", &key, "--url", &app.address]);
    let other_server = verify_receipt(&path, &["--key", &key, "--url", &other.address]);

    assert_eq!(code(&same_server), 0, "{}", explain(&same_server));
    let stdout = String::from_utf8_lossy(&same_server.stdout);
    assert!(
        stdout.contains("latest checkpoint (size 7) extends"),
        "{stdout}"
    );
    assert_eq!(code(&other_server), 1, "{}", explain(&other_server));
}
