//! Reversed entries are marked wherever an answer shows a parsed entry (`reversed_by`), and
//! a receipt's status says its donation was reversed.

use crate::helpers::app::spawn_app;
use serde_json::{json, Value};

#[tokio::test]
async fn an_entry_and_a_campaigns_list_name_the_reversal_that_undid_it() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let kept = app.donate(&flood, "100000").await.seq();
    let undone = app.donate(&flood, "200000").await.seq();
    let reversal = app.reverse(undone).await.seq();

    let entry = app.get_json(&format!("/entries/{undone}")).await;
    let other = app.get_json(&format!("/entries/{kept}")).await;
    let list = app.get_json("/campaigns/flood-2026/entries").await;

    assert_eq!(
        entry["reversed_by"],
        json!({"seq": reversal, "reason": "error"})
    );
    assert_eq!(other["reversed_by"], Value::Null);
    let marks: Vec<(u64, Value)> = list["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| (e["seq"].as_u64().unwrap(), e["reversed_by"].clone()))
        .collect();
    assert!(
        marks.contains(&(undone, json!({"seq": reversal, "reason": "error"}))),
        "{marks:?}"
    );
    assert!(marks.contains(&(kept, Value::Null)), "{marks:?}");
}

#[tokio::test]
async fn a_receipts_status_and_header_say_its_donation_was_reversed() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let given = app.donate(&flood, "200000").await.json();
    let code = given["receipt"]["code"].as_str().expect("code").to_string();
    let seq = given["seq"].as_u64().expect("seq");
    let before = app.get_json(&format!("/receipts/{code}/status")).await;
    let reversal = app.reverse(seq).await.seq();

    let after = app.get_json(&format!("/receipts/{code}/status")).await;
    let receipt = app
        .client
        .get(format!("{}/api/v1/receipts/{code}", app.address))
        .send()
        .await
        .expect("sent");

    assert_eq!(before["reversed_by"], Value::Null);
    assert_eq!(
        before["campaign"],
        json!({"id": "flood-2026", "title": "Campaign flood-2026"})
    );
    assert_eq!(before["seq"], seq);
    assert_eq!(
        after["reversed_by"],
        json!({"seq": reversal, "reason": "error"})
    );
    assert_eq!(
        receipt.headers()["fundtrail-reversed-by"].to_str().ok(),
        Some(reversal.to_string().as_str())
    );
    assert!(receipt.json::<Value>().await.expect("a receipt")["leaf"].is_string());
}

#[tokio::test]
async fn an_unknown_receipt_code_has_no_status() {
    let app = spawn_app().await;

    let response = app.get("/receipts/R-5-00000000/status").await;

    assert_eq!(response.status(), 404);
}
