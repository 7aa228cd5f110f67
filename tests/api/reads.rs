//! The public reads: entries by seq and in pages, a campaign's entries, search by bank
//! reference, the exported bundle, and the error body of an unknown API path.

use crate::helpers::app::spawn_app;
use fundtrail::ledger::verify_bundle;
use serde_json::{json, Value};

#[tokio::test]
async fn an_entry_beyond_the_end_of_the_ledger_is_not_found() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;

    let response = app.get("/entries/1").await;

    assert_eq!(response.status(), 404);
    assert_eq!(response.json()["error"], "not_found");
}

#[tokio::test]
async fn an_entries_page_beyond_the_end_is_empty_and_a_zero_limit_is_refused() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;

    let beyond = app.get("/entries?start=5&limit=10").await;
    let zero = app.get("/entries?start=0&limit=0").await;

    assert_eq!(beyond.status(), 200);
    assert_eq!(beyond.text(), "");
    assert_eq!(zero.status(), 400);
    assert_eq!(zero.json()["field"], "limit");
}

#[tokio::test]
async fn a_campaigns_entries_are_listed_newest_first_in_pages() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let other = app.open_campaign("other", "VND").await;
    for _ in 0..3 {
        app.donate(&flood, "1000").await.seq();
        app.donate(&other, "1000").await.seq();
    }

    let first = app.get_json("/campaigns/flood-2026/entries?limit=2").await;
    let before = first["next_before"].as_u64().expect("another page");
    let second = app
        .get_json(&format!(
            "/campaigns/flood-2026/entries?limit=2&before={before}"
        ))
        .await;

    let seqs = |page: &Value| -> Vec<u64> {
        page["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["seq"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(seqs(&first), vec![6, 4]);
    assert_eq!(seqs(&second), vec![2, 0]);
}

#[tokio::test]
async fn a_donor_finds_their_donation_by_its_bank_reference() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    app.donate_with_reference(&campaign, "100000", "FT-OTHER")
        .await
        .seq();
    let seq = app
        .donate_with_reference(&campaign, "500000", "FT26305000123")
        .await
        .seq();

    let found = app.get_json("/search?reference=FT26305000123").await;

    let results = found["results"].as_array().expect("results");
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["seq"], seq);
    assert_eq!(results[0]["entry"]["body"]["amount"], "500000");
    assert_eq!(results[0]["entry"]["body"]["reference"], "FT26305000123");
    let nothing = app.get_json("/search?reference=FT-NEVER").await;
    assert_eq!(nothing["results"], json!([]));
}

#[tokio::test]
async fn the_exported_bundle_verifies_with_the_root_of_the_signed_checkpoint() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let kits = app.open_campaign("medical-kits", "USD").await;
    app.donate(&flood, "500000").await.seq();
    app.donate(&kits, "12.50").await.seq();
    app.disburse(&flood, "100000").await.seq();

    let bundle = app.export().await;

    let key = app.key().await;
    let report =
        verify_bundle(bundle.as_bytes(), Some(&key), None, |_| {}).expect("the bundle verifies");
    let checkpoint = app.checkpoint().await;
    assert_eq!(report.size, 5);
    assert_eq!(report.root, checkpoint.root);
    assert_eq!(report.checkpoint.map(|c| c.root), Some(checkpoint.root));
    let served: fundtrail::ledger::Totals =
        serde_json::from_value(app.get_json("/totals").await).expect("totals");
    assert_eq!(served, report.totals);
}

#[tokio::test]
async fn an_unknown_api_path_answers_the_json_error_body_not_the_pages_404() {
    let app = spawn_app().await;

    let answer = app.get("/no-such-route/at/all").await;

    assert_eq!(answer.status(), 404);
    assert_eq!(answer.json()["error"], "not_found");
    assert_eq!(answer.json()["message"], "no such API route");
}
