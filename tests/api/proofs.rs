//! Inclusion and consistency proofs as served: in an append's answer, for an old entry, for
//! every entry against every later signed checkpoint, and between every pair of checkpoints.

use crate::helpers::app::spawn_app;
use crate::{hash, hashes};
use fundtrail::ledger::{leaf_hash, verify_checkpoint, verify_consistency, verify_inclusion};

#[tokio::test]
async fn the_inclusion_proof_in_an_append_response_verifies_against_its_signed_checkpoint() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    for _ in 0..4 {
        app.donate(&campaign, "100000").await.seq();
    }

    let appended = app.donate(&campaign, "500000").await.json();

    let key = app.key().await;
    let checkpoint = verify_checkpoint(appended["checkpoint"].as_str().unwrap(), &key)
        .expect("the checkpoint in the response is signed by the published key");
    let leaf = leaf_hash(appended["leaf"].as_str().unwrap().as_bytes());
    let proof = &appended["proof"];
    assert_eq!(checkpoint.size, 6);
    assert_eq!(proof["size"], 6);
    assert_eq!(hash(&proof["root"]), checkpoint.root);
    assert_eq!(hash(&proof["leaf_hash"]), leaf);
    verify_inclusion(
        5,
        checkpoint.size,
        &leaf,
        &hashes(&proof["proof"]),
        &checkpoint.root,
    )
    .expect("the entry is in the signed tree");
}

#[tokio::test]
async fn the_inclusion_proof_served_for_an_old_entry_verifies_against_the_latest_checkpoint() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let leaf = app.donate(&campaign, "500000").await.json()["leaf"]
        .as_str()
        .unwrap()
        .to_string();
    for _ in 0..5 {
        app.donate(&campaign, "100000").await.seq();
    }

    let served = app.get_json("/proof/inclusion?index=1").await;

    let checkpoint = app.checkpoint().await;
    assert_eq!(served["size"], checkpoint.size);
    let leaf = leaf_hash(leaf.as_bytes());
    assert_eq!(hash(&served["leaf_hash"]), leaf);
    verify_inclusion(
        1,
        checkpoint.size,
        &leaf,
        &hashes(&served["proof"]),
        &checkpoint.root,
    )
    .expect("the entry is in the signed tree");
    assert!(verify_inclusion(
        2,
        checkpoint.size,
        &leaf,
        &hashes(&served["proof"]),
        &checkpoint.root
    )
    .is_err());
}

#[tokio::test]
async fn a_consistency_proof_between_two_signed_checkpoints_verifies() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    for _ in 0..2 {
        app.donate(&campaign, "100000").await.seq();
    }
    let older = app.checkpoint().await;
    for _ in 0..4 {
        app.donate(&campaign, "200000").await.seq();
    }
    let newer = app.checkpoint().await;

    let served = app
        .get_json(&format!(
            "/proof/consistency?from={}&to={}",
            older.size, newer.size
        ))
        .await;

    assert_eq!((older.size, newer.size), (3, 7));
    assert_eq!(hash(&served["root_from"]), older.root);
    assert_eq!(hash(&served["root_to"]), newer.root);
    let proof = hashes(&served["proof"]);
    verify_consistency(older.size, newer.size, &older.root, &newer.root, &proof)
        .expect("the older tree is a prefix of the newer");
    assert!(verify_consistency(older.size, newer.size, &newer.root, &older.root, &proof).is_err());
}

#[tokio::test]
async fn every_entry_has_an_inclusion_proof_against_every_later_signed_checkpoint() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let mut leaves = vec![leaf_hash(
        app.get_json("/entries/0").await["leaf"]
            .as_str()
            .unwrap()
            .as_bytes(),
    )];
    let mut checkpoints = vec![app.checkpoint().await];
    for _ in 0..10 {
        let appended = app.donate(&campaign, "1000").await.json();
        leaves.push(leaf_hash(appended["leaf"].as_str().unwrap().as_bytes()));
        checkpoints.push(app.checkpoint().await);
    }

    for checkpoint in &checkpoints {
        for (index, leaf) in leaves.iter().enumerate().take(checkpoint.size as usize) {
            let served = app
                .get_json(&format!(
                    "/proof/inclusion?index={index}&size={}",
                    checkpoint.size
                ))
                .await;
            assert_eq!(hash(&served["root"]), checkpoint.root);
            verify_inclusion(
                index as u64,
                checkpoint.size,
                leaf,
                &hashes(&served["proof"]),
                &checkpoint.root,
            )
            .unwrap_or_else(|e| panic!("entry {index} in size {}: {e}", checkpoint.size));
        }
    }
}

#[tokio::test]
async fn every_signed_checkpoint_is_consistent_with_every_later_one() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let mut checkpoints = vec![app.checkpoint().await];
    for _ in 0..9 {
        app.donate(&campaign, "1000").await.seq();
        checkpoints.push(app.checkpoint().await);
    }

    for older in &checkpoints {
        for newer in checkpoints.iter().filter(|c| c.size >= older.size) {
            let served = app
                .get_json(&format!(
                    "/proof/consistency?from={}&to={}",
                    older.size, newer.size
                ))
                .await;
            verify_consistency(
                older.size,
                newer.size,
                &older.root,
                &newer.root,
                &hashes(&served["proof"]),
            )
            .unwrap_or_else(|e| panic!("{} -> {}: {e}", older.size, newer.size));
        }
    }
}

#[tokio::test]
async fn an_inclusion_proof_for_a_size_beyond_the_ledger_is_refused() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;

    let response = app.get("/proof/inclusion?index=0&size=2").await;

    assert_eq!(response.status(), 400);
    assert_eq!(response.json()["field"], "size");
}
