//! Appending over HTTP: what an acknowledgement holds, and many appends at once forming one
//! gap-free chain.

use crate::hashes;
use crate::helpers::app::spawn_app;
use fundtrail::ledger::{leaf_hash, verify_bundle, verify_checkpoint, verify_inclusion};
use serde_json::Value;

#[tokio::test]
async fn a_recorded_donation_reads_back_as_the_exact_leaf_by_seq_and_in_the_ndjson_page() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;

    let appended = app.donate(&campaign, "500000").await;

    assert_eq!(appended.status(), 201);
    let appended = appended.json();
    assert_eq!(appended["seq"], 1);
    let leaf = appended["leaf"].as_str().expect("leaf text").to_string();
    assert_eq!(appended["entry"]["body"]["amount"], "500000");
    assert_eq!(
        appended["entry"]["recorded_by"],
        format!("test-recorder #{}", app.recorder_token_id)
    );
    let read = app.get_json("/entries/1").await;
    assert_eq!(read["leaf"], leaf.as_str());
    assert_eq!(read["leaf_hash"], leaf_hash(leaf.as_bytes()).to_hex());
    assert_eq!(read["leaf_hash"], appended["leaf_hash"]);
    let page = app.get_text("/entries?start=0&limit=10").await;
    let lines: Vec<&str> = page.lines().collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1], leaf);
    assert_eq!(
        serde_json::from_str::<Value>(lines[0]).unwrap()["kind"],
        "campaign.open"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_appends_form_one_gap_free_verifiable_chain() {
    let app = std::sync::Arc::new(spawn_app().await);
    let campaign = app.open_campaign("flood-2026", "VND").await;

    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let app = std::sync::Arc::clone(&app);
            let campaign = campaign.clone();
            tokio::spawn(async move {
                app.donate_with_reference(&campaign, "1000", &format!("FT-{i:03}"))
                    .await
            })
        })
        .collect();
    let key = app.key().await;
    let mut seqs = Vec::new();
    for task in tasks {
        let response = task.await.expect("task finished");
        assert_eq!(response.status(), 201, "{}", response.text());
        let acknowledged = response.json();
        let seq = response.seq();
        // Each acknowledgement proves its entry against the checkpoint of its own group commit.
        let checkpoint =
            verify_checkpoint(acknowledged["checkpoint"].as_str().unwrap(), &key).unwrap();
        let leaf = leaf_hash(acknowledged["leaf"].as_str().unwrap().as_bytes());
        verify_inclusion(
            seq,
            checkpoint.size,
            &leaf,
            &hashes(&acknowledged["proof"]["proof"]),
            &checkpoint.root,
        )
        .unwrap_or_else(|e| panic!("entry {seq} in size {}: {e}", checkpoint.size));
        seqs.push(seq);
    }

    seqs.sort_unstable();
    assert_eq!(seqs, (1..=200).collect::<Vec<u64>>());
    let bundle = app.export().await;
    let report = verify_bundle(bundle.as_bytes(), Some(&app.key().await), None, |_| {})
        .expect("the chain verifies");
    assert_eq!(report.size, 201);
    assert_eq!(report.root, app.checkpoint().await.root);
    assert_eq!(app.campaign_totals("flood-2026").await["donated"], "200000");
}
